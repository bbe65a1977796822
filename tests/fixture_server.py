"""A local HTTP server on 127.0.0.1 that serves recorded responses from tests/fixtures/."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    trickle: float = 0.0  # seconds between single bytes of the body (a slow-loris server)
    reason: str | None = None  # the status line's reason phrase (default: the standard one)
    cut_after: int | None = None  # send only this many body bytes, then drop the connection
    ranges: bool = False  # answer a Range request with 206 and the rest of the body

    @classmethod
    def fixture(cls, name: str, status: int = 200, **kwargs: object) -> Reply:
        return cls(status, (FIXTURES / name).read_bytes(), **kwargs)  # type: ignore[arg-type]


class FixtureServer:
    """Routes map a path to a list of replies, served in turn (the last one repeats)."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[tuple[str, dict[str, list[str]], float]] = []
        self.stopping = threading.Event()
        self.headers: list[dict[str, str]] = []  # the headers of each request, in order
        self.bodies: list[bytes] = []  # the body of each POST, in order
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                server.requests.append((parts.path, parse_qs(parts.query), time.monotonic()))
                server.headers.append(dict(self.headers.items()))
                replies = server.routes.get(parts.path) or [Reply(404, b"not found")]
                reply = replies.pop(0) if len(replies) > 1 else replies[0]
                if reply.delay:
                    time.sleep(reply.delay)
                status, body = reply.status, reply.body
                wanted = self.headers.get("Range", "")
                if reply.ranges and wanted.startswith("bytes=") and wanted.endswith("-"):
                    start = int(wanted[6:-1])
                    status, body = 206, body[start:]
                self.send_response(status, reply.reason)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                if reply.cut_after is not None:
                    self.send_header("Connection", "close")
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    sent = body if reply.cut_after is None else body[: reply.cut_after]
                    if not reply.trickle:
                        self.wfile.write(sent)
                        self.wfile.flush()
                    else:
                        for index in range(len(sent)):  # bounded by the body's length
                            if server.stopping.is_set():
                                return
                            self.wfile.write(sent[index : index + 1])
                            self.wfile.flush()
                            time.sleep(reply.trickle)
                if reply.cut_after is not None:
                    self.close_connection = True

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                server.bodies.append(self.rfile.read(length))
                self.do_GET()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def route(self, path: str, *replies: Reply) -> None:
        self.routes[path] = list(replies)

    def __enter__(self) -> FixtureServer:
        self.thread.start()
        return self

    def __exit__(self, *args: object) -> None:
        self.stopping.set()  # a trickling reply stops at its next byte
        self.httpd.shutdown()
        self.httpd.server_close()


def serve() -> Iterator[FixtureServer]:
    with FixtureServer() as server:
        yield server
