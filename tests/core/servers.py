"""Small servers on 127.0.0.1 for the URL guard's tests: they record everything that reaches
them, so a test can say that nothing (or no credential) did.

``RecordingServer`` answers HTTP/1.1 with keep-alive: ``routes`` maps a path to
``(status, headers, body)``; other paths get ``200 {"messages": [{"id": "wamid.ok"}]}``.
``BannerServer`` speaks no HTTP: it writes a banner (as an SSH or Redis server would) and
closes the connection.
"""

import json
import socket
import socketserver
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OK_BODY = json.dumps({"messages": [{"id": "wamid.ok"}]}).encode()


@dataclass
class Seen:
    method: str
    path: str
    headers: dict


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # the base class's name
        pass

    def setup(self):
        super().setup()
        with self.server.owner.lock:
            self.server.owner.connections += 1

    def _answer(self):
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        with owner.lock:
            owner.seen.append(Seen(self.command, self.path, dict(self.headers)))
        status, headers, body = owner.routes.get(
            self.path, (200, {"Content-Type": "application/json"}, OK_BODY)
        )
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer  # http.server's naming


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class RecordingServer:
    def __init__(self, routes: dict[str, tuple[int, dict, bytes]] | None = None) -> None:
        self.routes = dict(routes or {})
        self.seen: list[Seen] = []
        self.connections = 0
        self.lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}"

    def __enter__(self) -> "RecordingServer":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def redirect(to: str, status: int = 307) -> tuple[int, dict, bytes]:
    return status, {"Location": to}, b""


def json_answer(status: int, body: dict) -> tuple[int, dict, bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(body).encode()


class _BannerHandler(socketserver.BaseRequestHandler):
    def handle(self):
        self.server.owner.connections += 1
        self.request.sendall(self.server.owner.banner)
        self.request.shutdown(socket.SHUT_RDWR)


class _BannerTCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class BannerServer:
    def __init__(self, banner: bytes) -> None:
        self.banner = banner
        self.connections = 0
        self._server = _BannerTCPServer(("127.0.0.1", 0), _BannerHandler)
        self._server.owner = self

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def __enter__(self) -> "BannerServer":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
