"""Email through Django's email backends; one SMTP connection per adapter, reused by a batch.

A sender's own SMTP server (``smtp://`` in its API base URL) is reached through
``GuardedSMTPBackend``: the socket opens only to an address ``core.urlguard`` checked, so the
server cannot be this machine, its private network or a metadata service, and a DNS answer
that changes after the check gains nothing. That server's replies are not shown as it wrote
them unless the operator trusts the host (``OUTBOUND_TRUSTED_HOSTS``): a reply could quote
another service. The project's own ``EMAIL_*`` server is the operator's and is trusted.

Every message is multipart/alternative (text, and HTML rendered from the same text by
``email_body``), with what bulk senders must carry for Gmail and Yahoo: ``List-Unsubscribe``
with the contact's signed https link and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``
(RFC 8058), ``List-Id`` (RFC 2919) and a ``Message-ID`` on the install's own domain.
"""

import logging
import re
import smtplib
import socket
from email.utils import formataddr, make_msgid
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend

from core import urlguard
from core.consent import email_unsubscribe_url
from core.public import public_base_url, public_host

from .base import OutboundMessage, ProviderResult
from .email_body import email_html, email_text

logger = logging.getLogger(__name__)


class _PinnedSMTP(smtplib.SMTP):
    """smtplib's client whose socket opens only to an address the guard checked; STARTTLS
    and SMTPS still verify the host name the sender gave."""

    def _get_socket(self, host, port, timeout):
        if timeout is not None and not timeout:
            raise ValueError("Non-blocking socket (timeout=0) is not supported")
        return urlguard.connect(
            host,
            port,
            lambda address: socket.create_connection((address, port), timeout, self.source_address),
        )


class _PinnedSMTPSSL(smtplib.SMTP_SSL, _PinnedSMTP):
    """SMTP_SSL wraps the socket ``_PinnedSMTP._get_socket`` opened (its ``super()``)."""


class GuardedSMTPBackend(EmailBackend):
    @property
    def connection_class(self) -> type[smtplib.SMTP]:
        return _PinnedSMTPSSL if self.use_ssl else _PinnedSMTP


def _connection_kwargs(sender) -> dict:
    """SMTP settings from the sender's ``api_base_url`` (``smtp://user@host:port`` or
    ``smtps://…``), else the project's EMAIL_* settings."""
    url = sender.api_base_url or ""
    if not url.startswith(("smtp://", "smtps://")):
        kwargs = {}
        if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
            kwargs["timeout"] = float(getattr(settings, "PROVIDER_READ_TIMEOUT", 15))
        if sender.smtp_password:
            kwargs["password"] = sender.smtp_password
        return kwargs
    parts = urlsplit(url)
    return {
        "backend": "messaging.providers.email.GuardedSMTPBackend",
        "host": parts.hostname or "localhost",
        "port": parts.port or (465 if parts.scheme == "smtps" else 25),
        "username": unquote(parts.username or ""),
        "password": sender.smtp_password or unquote(parts.password or ""),
        "use_ssl": parts.scheme == "smtps",
        "use_tls": "starttls" in (parts.query or ""),
        "timeout": float(getattr(settings, "PROVIDER_READ_TIMEOUT", 15)),
    }


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip(" >") if "@" in address else "localhost"


def mail_domain(from_email: str = "") -> str:
    """The install's domain for Message-ID and List-Id: ``EMAIL_ID_DOMAIN``, else the host of
    ``PUBLIC_BASE_URL``, else the From address's domain."""
    configured = str(getattr(settings, "EMAIL_ID_DOMAIN", "") or "").strip().lower()
    return configured or public_host() or _domain(from_email).lower()


ONE_CLICK = "List-Unsubscribe=One-Click"


def unsubscribe_base_problem() -> str:
    """Why e-mails cannot carry a working unsubscribe link from this install, or "".

    Gmail and Yahoo require a one-click https link from bulk senders, and a worker has no
    request to take the host from: the link is built on ``PUBLIC_BASE_URL``.
    """
    base = public_base_url()
    if not base:
        return (
            "E-mails carry an unsubscribe link to this install, and its public address is "
            "not set: set PUBLIC_BASE_URL (e.g. https://campaigns.example.com)."
        )
    scheme = urlsplit(base).scheme
    if scheme == "https" or (scheme == "http" and settings.OUTBOUND_ALLOW_HTTP):
        return ""
    return (
        f"PUBLIC_BASE_URL ({base}) must start with https://: Gmail and Yahoo accept only https "
        "unsubscribe links."
    )


# RFC 3463 enhanced status "5.1.x" (addressing) or "5.2.x" (mailbox) at the reply's start.
_ENHANCED = re.compile(r"^\s*5\.(\d{1,3})\.\d{1,3}(?!\d)")
# Without an enhanced status: the basic replies that name the mailbox (RFC 5321 4.2.3).
_ADDRESS_CODES = frozenset({550, 551, 552, 553})


def address_refused(code: int, reply: str) -> bool:
    """Whether a 5xx reply at RCPT or DATA says the address itself is bad (a hard bounce).

    A refusal for policy or content (5.7.x: relaying denied, spam, authentication; 5.6.x,
    5.3.x) is a permanent failure of that message but says nothing about the address: a
    misconfigured relay must not mark a whole audience bounced.
    """
    if not 500 <= int(code) < 600:
        return False
    enhanced = _ENHANCED.match(reply or "")
    if enhanced:
        return enhanced.group(1) in ("1", "2")
    return int(code) in _ADDRESS_CODES


class EmailAdapter:
    def __init__(self, sender, *, rate_limited: bool = True) -> None:
        self.sender = sender
        self.from_email = sender.from_address or settings.DEFAULT_FROM_EMAIL
        self.rate = int(sender.rate_limit_per_second or 0) if rate_limited else 0
        self._connection = None
        url = sender.api_base_url or ""
        own_server = url.startswith(("smtp://", "smtps://"))
        self.host = (urlsplit(url).hostname or "") if own_server else ""
        # The project's EMAIL_* server is the operator's; a sender's own server must be vouched for.
        self.trusted = not own_server or urlguard.is_trusted_host(self.host)
        self.domain = mail_domain(self.from_email)
        account = sender.account
        self.account_name = account.name
        self.list_id = formataddr((account.name, f"{account.slug.lower()}.{self.domain}"))

    def _reply(self, code: int, text: str) -> str:
        """The server's reply as it wrote it, when its host is trusted; else only the code."""
        if self.trusted:
            return text[:500]
        return f"The SMTP server at {self.host} answered {code}."

    def _open(self):
        if self._connection is None:
            kwargs = _connection_kwargs(self.sender)
            backend = kwargs.pop("backend", None)
            self._connection = get_connection(backend, fail_silently=False, **kwargs)
            self._connection.open()
        return self._connection

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # a broken connection may fail to close too
                pass

    def _unsubscribe_url(self, message: OutboundMessage) -> str:
        if not message.contact_id:
            return ""
        return email_unsubscribe_url(
            account_id=self.sender.account_id,
            contact_id=message.contact_id,
            recipient_id=message.recipient_id or None,
        )

    def _build(self, message: OutboundMessage, connection) -> tuple[EmailMultiAlternatives, str]:
        message_id = make_msgid(domain=self.domain)
        unsubscribe = self._unsubscribe_url(message)
        headers = {
            "Message-ID": message_id,
            "List-Id": self.list_id,
            "X-Campaign-Callback": message.callback_data,
        }
        if unsubscribe:
            headers["List-Unsubscribe"] = f"<{unsubscribe}>"
            headers["List-Unsubscribe-Post"] = ONE_CLICK
        email = EmailMultiAlternatives(
            # One line, whatever a filled-in variable held: a header cannot break lines.
            subject=" ".join((message.subject or "").split()),
            body=email_text(text=message.text, unsubscribe_url=unsubscribe),
            from_email=self.from_email,
            to=[message.to_email],
            connection=connection,
            headers=headers,
        )
        # HTML given by a message builder is its own (footer included); otherwise it is
        # rendered from the text, escaped.
        html = message.html or email_html(
            text=message.text,
            subject=message.subject,
            unsubscribe_url=unsubscribe,
            sender=self.account_name,
        )
        email.attach_alternative(html, "text/html")
        return email, message_id

    def send(self, message: OutboundMessage) -> ProviderResult:
        from messaging import ratelimit

        if not message.to_email:
            return ProviderResult(
                ok=False, error_code="no_email", error_message="The contact has no email address."
            )
        if self.rate:
            ratelimit.acquire(self.sender.pk, self.rate)
        try:
            connection = self._open()
            email, message_id = self._build(message, connection)
            sent = connection.send_messages([email])
        except BadHeaderError as exc:  # e.g. a line break in the address: this message only
            return ProviderResult(ok=False, error_code="bad_header", error_message=str(exc)[:500])
        except urlguard.UnsafeURL as exc:
            # Refused for every message: pause the campaign rather than fail its audience.
            self._drop()
            return ProviderResult(
                ok=False, error_code="address_refused", error_message=str(exc), auth_failed=True
            )
        except smtplib.SMTPAuthenticationError as exc:
            self._drop()
            return ProviderResult(
                ok=False,
                error_code=f"smtp_{exc.smtp_code}",
                error_message=self._reply(exc.smtp_code, _text(exc)),
                auth_failed=True,
            )
        except smtplib.SMTPRecipientsRefused as exc:
            address, (code, reply) = next(iter(exc.recipients.items()), ("", (550, b"")))
            text = _decoded(reply)
            return ProviderResult(
                ok=False,
                error_code=f"smtp_{code}",
                error_message=self._reply(code, f"Recipient {address} refused: {code} {text}"),
                transient=400 <= code < 500,
                bounced=address_refused(code, text),
            )
        except smtplib.SMTPResponseException as exc:
            # Refused after DATA: smtplib reset the transaction and the connection goes on
            # (unless 421, which closed it). Any other refusal: start afresh.
            after_data = isinstance(exc, smtplib.SMTPDataError)
            if not after_data or exc.smtp_code == 421:
                self._drop()
            return ProviderResult(
                ok=False,
                error_code=f"smtp_{exc.smtp_code}",
                error_message=self._reply(exc.smtp_code, _text(exc)),
                transient=400 <= exc.smtp_code < 500,
                bounced=after_data and address_refused(exc.smtp_code, _decoded(exc.smtp_error)),
            )
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            logger.warning("SMTP server of sender %s failed: %s", self.sender.pk, exc)
            return ProviderResult(
                ok=False,
                error_code="connection_error",
                error_message=str(exc)[:500]
                if self.trusted
                else f"The connection to the SMTP server at {self.host} failed.",
                transient=True,
            )
        if not sent:
            return ProviderResult(
                ok=False, error_code="not_sent", error_message="The email backend sent nothing."
            )
        return ProviderResult(ok=True, provider_message_id=message_id)

    def send_many(self, messages: list[OutboundMessage]) -> list[ProviderResult]:
        return [self.send(m) for m in messages]

    def close(self) -> None:
        self._drop()


def _decoded(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply or "")


def _text(exc: smtplib.SMTPResponseException) -> str:
    return f"{exc.smtp_code} {_decoded(exc.smtp_error)}"[:500]
