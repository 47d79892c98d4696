"""Email through Django's email backends; one SMTP connection per adapter, reused by a batch.

A sender's own SMTP server (``smtp://`` in its API base URL) is reached through
``GuardedSMTPBackend``: the socket opens only to an address ``core.urlguard`` checked, so the
server cannot be this machine, its private network or a metadata service, and a DNS answer
that changes after the check gains nothing. That server's replies are not shown as it wrote
them unless the operator trusts the host (``OUTBOUND_TRUSTED_HOSTS``): a reply could quote
another service. The project's own ``EMAIL_*`` server is the operator's and is trusted.
"""

import logging
import smtplib
import socket
from email.utils import make_msgid
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend

from core import urlguard

from .base import OutboundMessage, ProviderResult

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
    def connection_class(self):
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
            except Exception:  # noqa: BLE001 - a broken connection may fail to close too
                pass

    def _build(self, message: OutboundMessage, connection) -> tuple[EmailMultiAlternatives, str]:
        message_id = make_msgid(domain=_domain(self.from_email))
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=self.from_email,
            to=[message.to_email],
            connection=connection,
            headers={"Message-ID": message_id, "X-Campaign-Callback": message.callback_data},
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
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
            codes = [code for code, _ in exc.recipients.values()]
            code = codes[0] if codes else 550
            return ProviderResult(
                ok=False,
                error_code=f"smtp_{code}",
                error_message=self._reply(code, f"Recipient refused: {exc.recipients}"),
                transient=400 <= code < 500,
            )
        except smtplib.SMTPResponseException as exc:
            self._drop()
            return ProviderResult(
                ok=False,
                error_code=f"smtp_{exc.smtp_code}",
                error_message=self._reply(exc.smtp_code, _text(exc)),
                transient=400 <= exc.smtp_code < 500,
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


def _text(exc: smtplib.SMTPResponseException) -> str:
    error = exc.smtp_error
    if isinstance(error, bytes):
        error = error.decode("utf-8", "replace")
    return f"{exc.smtp_code} {error}"[:500]
