"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd): records every message it accepts.

aiosmtpd is an independent RFC 5321 implementation, so what it accepts and how it answers is
not something we wrote to match our client. ``refuse`` holds addresses answered ``550 5.1.1``
at RCPT, ``refuse_data`` addresses whose message is answered ``550 5.1.1`` after DATA, and
``reply_rcpt`` maps an address to any other RCPT reply (e.g. ``"451 4.3.0 Try later"``).
``password`` makes AUTH check it (535 on a mismatch); AUTH is offered without TLS here, as the
test client connects in plain text on loopback.
"""

import asyncio
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_to: list[str]
    data: bytes
    connection_id: int

    @property
    def message(self) -> Message:
        return message_from_bytes(self.data)


@dataclass
class _State:
    mails: list[ReceivedMail] = field(default_factory=list)
    connections: int = 0


class _Handler:
    def __init__(self, owner: "SmtpServer") -> None:
        self.owner = owner

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.owner.reply_rcpt.get(address)
        if reply:
            return reply
        if address in self.owner.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if any(address in self.owner.refuse_data for address in envelope.rcpt_tos):
            return "550 5.1.1 Mailbox unavailable"
        with self.owner._lock:
            self.owner._state.mails.append(
                ReceivedMail(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    envelope.content,
                    server.connection_id,
                )
            )
        return "250 OK queued"


class _CountingSMTP(SMTP):
    """aiosmtpd's protocol, numbering its connections so tests can see connection reuse."""

    def __init__(self, *args, owner: "SmtpServer", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        with owner._lock:
            owner._state.connections += 1
            self.connection_id = owner._state.connections


class SmtpServer:
    def __init__(
        self,
        *,
        refuse: set[str] | None = None,
        refuse_data: set[str] | None = None,
        reply_rcpt: dict[str, str] | None = None,
        password: str | None = None,
    ):
        self.refuse = set(refuse or ())
        self.refuse_data = set(refuse_data or ())
        self.reply_rcpt = dict(reply_rcpt or {})
        self.password = password
        self._lock = threading.Lock()
        self._state = _State()
        # Bound here, before the loop starts, so the port is known and never raced for.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None
        self._server = None

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (
            self.password is None or auth_data.password.decode() == self.password
        )
        # handled=False: aiosmtpd answers the 535 itself.
        return AuthResult(success=ok, handled=False)

    def _protocol(self) -> SMTP:
        return _CountingSMTP(
            _Handler(self),
            owner=self,
            hostname="localhost",
            auth_require_tls=False,
            authenticator=self._authenticate,
            loop=self._loop,
        )

    @property
    def port(self) -> int:
        return self._socket.getsockname()[1]

    @property
    def mails(self) -> list[ReceivedMail]:
        with self._lock:
            return list(self._state.mails)

    @property
    def connections(self) -> int:
        with self._lock:
            return self._state.connections

    def _run(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            self._loop.create_server(self._protocol, sock=self._socket)
        )
        started.set()
        self._loop.run_forever()

    def __enter__(self) -> "SmtpServer":
        started = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(started,), daemon=True)
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError("The test SMTP server did not start.")
        return self

    def __exit__(self, *exc) -> None:
        async def stop() -> None:
            self._server.close()
            await self._server.wait_closed()

        future = asyncio.run_coroutine_threadsafe(stop(), self._loop)
        try:
            future.result(10)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            if self._thread is not None:
                self._thread.join(10)
            self._loop.close()
