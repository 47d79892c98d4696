"""Picks the adapter for a sender's channel."""

from collections.abc import Callable

from messaging.models import Sender

from .base import ProviderAdapter
from .email import EmailAdapter
from .sandbox import SandboxAdapter
from .sms import SmsAdapter
from .whatsapp import WhatsAppAdapter

ADAPTERS: dict[str, Callable[..., ProviderAdapter]] = {
    "sandbox": SandboxAdapter,
    "whatsapp": WhatsAppAdapter,
    "sms": SmsAdapter,
    "email": EmailAdapter,
}


def get_adapter(sender: Sender, *, rate_limited: bool = True) -> ProviderAdapter:
    """A new adapter for ``sender``; call ``close()`` when the batch is done.

    With ``rate_limited`` (the default) the adapter itself takes one token from the sender's
    shared bucket (``messaging.ratelimit``) before each provider request and pauses the sender
    when the provider throttles, so callers must not take tokens for the same messages again.
    Pass ``rate_limited=False`` to pace the sends yourself.
    """
    try:
        adapter_class = ADAPTERS[sender.channel]
    except KeyError:
        raise ValueError(f"No provider adapter for channel {sender.channel!r}.") from None
    return adapter_class(sender, rate_limited=rate_limited)
