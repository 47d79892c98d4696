"""A small SMTP server on 127.0.0.1 for tests: records every message it accepts.

Speaks enough of RFC 5321 for Django's SMTP backend (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP,
QUIT, AUTH PLAIN/LOGIN). ``refuse`` holds addresses answered ``550`` at RCPT, ``password``
makes AUTH check it (535 on a mismatch).
"""

import base64
import socketserver
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message


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


class _Handler(socketserver.StreamRequestHandler):
    server: "_Server"

    def _send(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        owner = self.server.owner
        with owner._lock:
            owner._state.connections += 1
            connection_id = owner._state.connections
        self._send("220 localhost test SMTP ready")
        mail_from, rcpt_to = "", []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line.split(" ", 1)[0].upper()
            arg = line[len(verb) :].strip()
            if verb == "EHLO":
                self.wfile.write(b"250-localhost\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n")
            elif verb == "HELO":
                self._send("250 localhost")
            elif verb == "AUTH":
                self._auth(arg)
            elif verb == "MAIL":
                mail_from, rcpt_to = arg.split(":", 1)[1].strip().strip("<>"), []
                self._send("250 OK")
            elif verb == "RCPT":
                address = arg.split(":", 1)[1].strip().strip("<>")
                if address in owner.refuse:
                    self._send("550 5.1.1 No such user")
                else:
                    rcpt_to.append(address)
                    self._send("250 OK")
            elif verb == "DATA":
                self._send("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    chunk = self.rfile.readline()
                    if not chunk or chunk in (b".\r\n", b".\n"):
                        break
                    lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                with owner._lock:
                    owner._state.mails.append(
                        ReceivedMail(mail_from, list(rcpt_to), b"".join(lines), connection_id)
                    )
                self._send("250 OK queued")
            elif verb == "RSET":
                mail_from, rcpt_to = "", []
                self._send("250 OK")
            elif verb == "NOOP":
                self._send("250 OK")
            elif verb == "QUIT":
                self._send("221 Bye")
                return
            else:
                self._send("502 Command not implemented")

    def _auth(self, arg: str) -> None:
        owner = self.server.owner
        parts = arg.split()
        mechanism = parts[0].upper() if parts else ""
        if mechanism == "PLAIN":
            blob = parts[1] if len(parts) > 1 else ""
            if not blob:
                self._send("334 ")
                blob = self.rfile.readline().decode().strip()
            password = base64.b64decode(blob).split(b"\0")[-1].decode()
        elif mechanism == "LOGIN":
            self._send("334 VXNlcm5hbWU6")
            self.rfile.readline()
            self._send("334 UGFzc3dvcmQ6")
            password = base64.b64decode(self.rfile.readline().strip()).decode()
        else:
            self._send("504 Unrecognized authentication type")
            return
        if owner.password is not None and password != owner.password:
            self._send("535 5.7.8 Authentication credentials invalid")
        else:
            self._send("235 Authentication successful")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: "SmtpServer"


class SmtpServer:
    def __init__(self, *, refuse: set[str] | None = None, password: str | None = None):
        self.refuse = set(refuse or ())
        self.password = password
        self._lock = threading.Lock()
        self._state = _State()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def mails(self) -> list[ReceivedMail]:
        with self._lock:
            return list(self._state.mails)

    @property
    def connections(self) -> int:
        with self._lock:
            return self._state.connections

    def __enter__(self) -> "SmtpServer":
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
