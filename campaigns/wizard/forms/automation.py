"""The automation step: the sequence (as for a drip) and the trigger that starts it."""

from django import forms

from campaigns.models import AutomationTrigger
from campaigns.wizard.forms.sequence import SequenceForm


class AutomationForm(SequenceForm):
    trigger_type = forms.ChoiceField(
        label="Start when", choices=AutomationTrigger.Type.choices, widget=forms.RadioSelect
    )
    trigger_value = forms.CharField(
        label="Trigger detail",
        max_length=200,
        help_text="The tag name, the action's name, or the date attribute's key.",
    )
    trigger_offset_days = forms.IntegerField(
        label="Days before (-) or after (+) the date",
        required=False,
        min_value=-365,
        max_value=365,
        initial=0,
    )

    def to_data(self) -> dict:
        data = self.cleaned_data
        kind = data["trigger_type"]
        key = {"tag_added": "tag", "user_action": "action", "date_based": "attribute"}[kind]
        condition = {key: data["trigger_value"].strip()}
        if kind == AutomationTrigger.Type.DATE_BASED:
            condition["offsetDays"] = data.get("trigger_offset_days") or 0
        return {
            "workflow": data["workflow"],
            "triggers": [{"type": kind, "condition": condition}],
        }
