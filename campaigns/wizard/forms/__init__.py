"""One form per wizard step, one module each. They validate input and shape it for
``campaigns.services.crud``.

Each form takes the account (every choice is scoped to it, so a tampered id is an invalid
choice, not a leak) and the draft campaign when there is one. ``to_data()`` turns cleaned data
into the model-field dict the crud service takes. The rules they apply are
``campaigns.validation``'s.
"""

from campaigns.wizard.forms.audience import AudienceForm
from campaigns.wizard.forms.automation import AutomationForm
from campaigns.wizard.forms.base import StepForm
from campaigns.wizard.forms.basics import BasicsForm
from campaigns.wizard.forms.message import MessageForm
from campaigns.wizard.forms.personalization import PersonalizationForm
from campaigns.wizard.forms.review import ReviewForm
from campaigns.wizard.forms.scheduling import SchedulingForm
from campaigns.wizard.forms.sequence import SequenceForm
from campaigns.wizard.forms.variants import VariantsForm

__all__ = [
    "AudienceForm",
    "AutomationForm",
    "BasicsForm",
    "MessageForm",
    "PersonalizationForm",
    "ReviewForm",
    "SchedulingForm",
    "SequenceForm",
    "StepForm",
    "VariantsForm",
]
