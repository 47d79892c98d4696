"""The contract between the send pipeline and every provider adapter.

The pipeline renders each recipient's message into an ``OutboundMessage`` (``core.messages``,
named here too as the adapters' input) and hands a batch to the sender's adapter; the adapter
answers one ``ProviderResult`` per message, in order. The pipeline alone decides what a result
means for the recipient (sent, retry, failed, pause the campaign), so adapters stay small and
only translate to and from their provider's wire format.
"""

from dataclasses import dataclass, field
from typing import Protocol

from core.messages import OutboundMessage as OutboundMessage

# Refusals of the URL guard (``core.urlguard``) that stop a sender like bad credentials do.
GUARD_REFUSALS = frozenset({"address_refused", "redirect_refused"})


@dataclass(frozen=True)
class ProviderResult:
    ok: bool
    provider_message_id: str = ""
    error_code: str = ""
    # The provider's short name of the error ("Message undeliverable"); error_message is the
    # longer explanation. Pages and the API show both beside the code.
    error_title: str = ""
    error_message: str = ""
    # Worth retrying later (timeouts, 5xx, throttling); False means a permanent failure.
    transient: bool = False
    # The provider asked us to slow down (HTTP 429, WhatsApp 130429 / 80007).
    throttled: bool = False
    retry_after: float | None = None
    # An account-level refusal: every further message of this sender would be refused the
    # same way (credentials, the number, a permission, a locked or blocked account), so the
    # campaign pauses instead of burning its audience. The key names the problem
    # (``messaging.providers.problems.ACCOUNT_PROBLEMS``); "" for a per-message error.
    account_error: str = ""
    # Shorthand for adapters: ``auth_failed=True`` is ``account_error="auth_failed"``. After
    # construction it is True for every account-level error.
    auth_failed: bool = False
    # The address itself was refused for good (an SMTP 5xx naming the mailbox): the contact
    # is marked bounced and left out of the next e-mail campaigns.
    bounced: bool = False
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.auth_failed and not self.account_error:
            # The URL guard's refusals keep their own name; anything else is credentials.
            key = self.error_code if self.error_code in GUARD_REFUSALS else "auth_failed"
            object.__setattr__(self, "account_error", key)
        object.__setattr__(self, "auth_failed", bool(self.account_error))


class ProviderAdapter(Protocol):
    def __init__(self, sender) -> None: ...

    def send(self, message: OutboundMessage) -> ProviderResult: ...

    def send_many(self, messages: list[OutboundMessage]) -> list[ProviderResult]: ...

    def close(self) -> None: ...
