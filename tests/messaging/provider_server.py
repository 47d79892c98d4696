"""A fake provider API on 127.0.0.1 for tests and benchmarks: WhatsApp Cloud and Twilio shapes.

In a test::

    with ProviderServer(fail_503=0.1, fail_429=0.05, hang=0.01, hang_seconds=3) as server:
        sender.api_base_url = server.url
        ...
        assert server.max_in_any_window(1.0) <= 80

As a process (crash test, benchmark)::

    python -m tests.messaging.provider_server --port 8765 --fail-503 0.1 --log /tmp/seen.jsonl

Endpoints: ``POST /{phone_number_id}/messages`` (WhatsApp: answers
``{"messaging_product": "whatsapp", "contacts": [...], "messages": [{"id": "wamid…"}]}``),
``GET /{phone_number_id}?fields=…`` (WhatsApp's phone number node: answers ``id`` and the
requested fields of ``phone_number``, by default ``messaging_limit_tier: TIER_1K`` and
``quality_rating: GREEN``; a queued answer wins, so a Graph error is ``queue_response``),
``POST /2010-04-01/Accounts/{sid}/Messages.json`` (Twilio: answers ``{"sid": "SM…"}``), and for
out-of-process use ``GET /_requests`` (every recorded request as JSON) and ``GET /_stats``.

Every request is recorded, thread-safely, with its arrival time (``time.time()``, so several
processes on one machine share the clock) before any latency, hang or fault is applied.
Behaviours: ``respond_with`` (a fixed ``(status, body)`` for every request), ``queue_response``
(the next answers, in order), ``errors_for`` (a fixed answer per destination number), the
fractions ``fail_503`` / ``fail_429`` / ``whatsapp_errors={code: fraction}`` / ``hang``
(sleep ``hang_seconds`` before answering, longer than the client's timeout), and ``latency``
(seconds added to every answer). ``seed`` makes the random faults repeatable.
"""

import argparse
import json
import random
import re
import socket
import threading
import time
import uuid
from collections import deque
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

WHATSAPP_PATH = re.compile(r"^/(?:v[\d.]+/)?(?P<phone_number_id>[^/]+)/messages$")
PHONE_NUMBER_PATH = re.compile(r"^/(?:v[\d.]+/)?(?P<phone_number_id>[^/_][^/]*)$")
DEFAULT_PHONE_NUMBER = {
    "display_phone_number": "+1 555-078-3881",
    "verified_name": "Acme",
    "quality_rating": "GREEN",
    "messaging_limit_tier": "TIER_1K",
}
TWILIO_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>[^/]+)/Messages\.json$")

WHATSAPP_ERROR_TITLES = {
    4: "Application request limit reached",
    100: "Invalid parameter",
    190: "Invalid OAuth access token",
    80007: "Rate limit issues",
    130429: "Rate limit hit",
    131026: "Message undeliverable",
    131056: "(Business Account, Consumer Account) pair rate limit hit",
    132001: "Template name does not exist in the translation",
}


def whatsapp_error(code: int, message: str = "") -> dict:
    return {
        "error": {
            "message": message or WHATSAPP_ERROR_TITLES.get(code, f"Error {code}"),
            "type": "OAuthException",
            "code": code,
            "error_subcode": 2494010,
            "fbtrace_id": uuid.uuid4().hex[:20],
        }
    }


def whatsapp_error_status(code: int) -> int:
    if code in {130429, 131056, 80007, 4}:
        return 429 if code == 130429 else 400
    if code == 190:
        return 401
    return 400


@dataclass
class ProviderRequest:
    time: float
    method: str
    path: str
    headers: dict
    body: bytes = field(repr=False)
    kind: str = ""  # whatsapp | twilio | phone_number | other
    json: dict | None = None
    form: dict | None = None
    status: int = 0
    message_id: str = ""
    outcome: str = ""  # ok | error | hang

    @property
    def to(self) -> str:
        if self.json:
            return str(self.json.get("to", ""))
        if self.form:
            return (self.form.get("To") or [""])[0]
        return ""

    @property
    def callback_data(self) -> str:
        return str((self.json or {}).get("biz_opaque_callback_data", ""))

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("body")
        data["to"] = self.to
        data["callback_data"] = self.callback_data
        return data


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def log_message(self, format, *args):  # the base class's name
        pass

    def setup(self):
        super().setup()
        # One small answer per request: without this, Nagle + delayed ACKs cost 40 ms each.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _reply(self, status: int, body: dict, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, str(value))
            # Headers and body in one write.
            self._headers_buffer.append(b"\r\n" + data)
            self.flush_headers()
        except OSError:
            pass  # the client gave up (timeout): nothing to answer

    def do_GET(self):  # http.server's naming
        owner = self.server.owner
        if self.path.startswith("/_requests"):
            self._reply(200, {"requests": [r.as_dict() for r in owner.requests]})
        elif self.path.startswith("/_stats"):
            self._reply(200, owner.stats())
        elif PHONE_NUMBER_PATH.match(urlsplit(self.path).path):
            owner._handle_phone_number(self, time.time())
        else:
            self._reply(404, {"error": {"message": "Unknown path", "code": 100}})

    def do_POST(self):
        arrived = time.time()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.owner._handle(self, arrived, body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True
    owner: "ProviderServer"


class ProviderServer:
    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        respond_with: tuple[int, dict] | None = None,
        errors_for: dict[str, tuple[int, dict]] | None = None,
        fail_503: float = 0.0,
        fail_429: float = 0.0,
        whatsapp_errors: dict[int, float] | None = None,
        hang: float = 0.0,
        hang_seconds: float = 30.0,
        latency: float = 0.0,
        retry_after: float | None = None,
        seed: int | None = None,
        log_path: str | None = None,
    ) -> None:
        self.respond_with = respond_with
        self.errors_for = dict(errors_for or {})
        self.fail_503 = fail_503
        self.fail_429 = fail_429
        self.whatsapp_errors = dict(whatsapp_errors or {})
        self.hang = hang
        self.hang_seconds = hang_seconds
        self.latency = latency
        self.retry_after = retry_after
        # What ``GET /{phone_number_id}`` knows of the number (tests change it).
        self.phone_number = dict(DEFAULT_PHONE_NUMBER)
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._requests: list[ProviderRequest] = []
        self._queued: deque = deque()
        self._log = open(log_path, "a", buffering=1) if log_path else None
        self._server = _Server((host, port), _Handler)
        self._server.owner = self
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "ProviderServer":
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._log:
            self._log.close()
            self._log = None

    def __enter__(self) -> "ProviderServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- behaviour ----------------------------------------------------------------------------
    def queue_response(self, status: int, body: dict, headers: dict | None = None) -> None:
        """Answer the next request (after those already queued) with this, whatever it is."""
        with self._lock:
            self._queued.append((status, body, headers or {}))

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()
            self._queued.clear()

    # -- what was seen ------------------------------------------------------------------------
    @property
    def requests(self) -> list[ProviderRequest]:
        with self._lock:
            return list(self._requests)

    def arrival_times(self) -> list[float]:
        return sorted(r.time for r in self.requests)

    def max_in_any_window(self, seconds: float = 1.0) -> int:
        """The most requests that arrived within any half-open window ``[t, t + seconds)``."""
        times = self.arrival_times()
        best, start = 0, 0
        for end, t in enumerate(times):
            while t - times[start] >= seconds:
                start += 1
            best = max(best, end - start + 1)
        return best

    def stats(self) -> dict:
        requests = self.requests
        outcomes: dict[str, int] = {}
        for r in requests:
            outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
        return {
            "requests": len(requests),
            "outcomes": outcomes,
            "max_per_second": self.max_in_any_window(1.0),
        }

    # -- the work -----------------------------------------------------------------------------
    def _decide(self, record: ProviderRequest) -> tuple[int, dict, dict, str]:
        """(status, body, headers, outcome) for one request."""
        with self._lock:
            if self._queued:
                status, body, headers = self._queued.popleft()
                return status, body, headers, "ok" if status < 300 else "error"
            roll = self._random.random()
        if self.respond_with is not None:
            status, body = self.respond_with
            return status, body, {}, "ok" if status < 300 else "error"
        if record.to and record.to in self.errors_for:
            status, body = self.errors_for[record.to]
            return status, body, {}, "error"
        headers = {"Retry-After": self.retry_after} if self.retry_after is not None else {}
        edge = self.hang
        if roll < edge:
            return 0, {}, {}, "hang"
        edge += self.fail_503
        if roll < edge:
            return 503, {"error": {"message": "Service unavailable", "code": 2}}, {}, "error"
        edge += self.fail_429
        if roll < edge:
            body = (
                whatsapp_error(130429)
                if record.kind == "whatsapp"
                else {"code": 20429, "message": "Too Many Requests", "status": 429}
            )
            return 429, body, headers, "error"
        for code, fraction in self.whatsapp_errors.items():
            edge += fraction
            if roll < edge:
                return whatsapp_error_status(code), whatsapp_error(code), headers, "error"
        return 200, {}, {}, "ok"

    def _success(self, record: ProviderRequest) -> tuple[int, dict]:
        if record.kind == "twilio":
            record.message_id = "SM" + uuid.uuid4().hex
            form = record.form or {}
            return 201, {
                "sid": record.message_id,
                "status": "queued",
                "to": (form.get("To") or [""])[0],
                "from": (form.get("From") or [""])[0],
                "body": (form.get("Body") or [""])[0],
                "error_code": None,
                "error_message": None,
            }
        record.message_id = "wamid." + uuid.uuid4().hex
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": record.to, "wa_id": record.to.lstrip("+")}],
            "messages": [{"id": record.message_id}],
        }

    def _handle_phone_number(self, handler: _Handler, arrived: float) -> None:
        """The phone number node: ``id`` and the fields asked for (Graph leaves out a field
        it has no value for); a queued answer first."""
        parts = urlsplit(handler.path)
        record = ProviderRequest(
            time=arrived,
            method="GET",
            path=handler.path,
            headers=dict(handler.headers.items()),
            body=b"",
            kind="phone_number",
        )
        with self._lock:
            self._requests.append(record)
            queued = self._queued.popleft() if self._queued else None
        if queued is not None:
            status, answer, headers = queued
        else:
            fields = (parse_qs(parts.query).get("fields") or [""])[0].split(",")
            phone_number_id = PHONE_NUMBER_PATH.match(parts.path)["phone_number_id"]
            answer = {"id": phone_number_id}
            answer.update({f: self.phone_number[f] for f in fields if f in self.phone_number})
            status, headers = 200, {}
        record.status, record.outcome = status, "ok" if status < 300 else "error"
        handler._reply(status, answer, headers)

    def _handle(self, handler: _Handler, arrived: float, body: bytes) -> None:
        path = urlsplit(handler.path).path
        record = ProviderRequest(
            time=arrived,
            method="POST",
            path=handler.path,
            headers=dict(handler.headers.items()),
            body=body,
        )
        if WHATSAPP_PATH.match(path):
            record.kind = "whatsapp"
            try:
                # An empty body (a client killed before sending it) is no message at all.
                record.json = json.loads(body)
            except ValueError:
                record.json = None
        elif TWILIO_PATH.match(path):
            record.kind = "twilio"
            record.form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        else:
            record.kind = "other"
        with self._lock:
            self._requests.append(record)
        if record.kind == "other":
            status, answer, headers, outcome = 404, whatsapp_error(100, "Unknown path"), {}, "error"
        elif record.kind == "whatsapp" and record.json is None:
            status, answer, headers, outcome = 400, whatsapp_error(100, "Invalid JSON"), {}, "error"
        else:
            status, answer, headers, outcome = self._decide(record)
        if outcome == "hang":
            time.sleep(self.hang_seconds)
            status, answer = self._success(record)
        elif status == 200 and not answer:
            status, answer = self._success(record)
        if self.latency:
            time.sleep(self.latency)
        record.status, record.outcome = status, outcome
        if self._log is not None:
            with self._lock:
                self._log.write(json.dumps(record.as_dict()) + "\n")
        handler._reply(status, answer, headers)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--fail-503", type=float, default=0.0)
    parser.add_argument("--fail-429", type=float, default=0.0)
    parser.add_argument("--hang", type=float, default=0.0)
    parser.add_argument("--hang-seconds", type=float, default=30.0)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--log", default=None, help="append one JSON line per request")
    args = parser.parse_args(argv)
    server = ProviderServer(
        host=args.host,
        port=args.port,
        fail_503=args.fail_503,
        fail_429=args.fail_429,
        hang=args.hang,
        hang_seconds=args.hang_seconds,
        latency=args.latency,
        seed=args.seed,
        log_path=args.log,
    )
    # The chosen port on the first line, so a parent started with --port 0 can read it.
    print(f"listening {server.url}", flush=True)  # noqa: T201
    try:
        server._server.serve_forever(poll_interval=0.05)
    except KeyboardInterrupt:
        pass
    finally:
        server._server.server_close()


if __name__ == "__main__":
    main()
