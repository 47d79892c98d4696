"""Settings, split by concern; every value comes from ``config.env``."""

from .base import *  # noqa: F403
from .delivery import *  # noqa: F403
from .django_q import *  # noqa: F403
from .limits import *  # noqa: F403
from .outbound import *  # noqa: F403
from .public_url import *  # noqa: F403
from .security import *  # noqa: F403
from .tracking import *  # noqa: F403
from .uploads import *  # noqa: F403
