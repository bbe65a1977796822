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

    @classmethod
    def fixture(cls, name: str, status: int = 200, **kwargs: object) -> Reply:
        return cls(status, (FIXTURES / name).read_bytes(), **kwargs)  # type: ignore[arg-type]


class FixtureServer:
    """Routes map a path to a list of replies, served in turn (the last one repeats)."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[tuple[str, dict[str, list[str]], float]] = []
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                server.requests.append((parts.path, parse_qs(parts.query), time.monotonic()))
                replies = server.routes.get(parts.path) or [Reply(404, b"not found")]
                reply = replies.pop(0) if len(replies) > 1 else replies[0]
                if reply.delay:
                    time.sleep(reply.delay)
                self.send_response(reply.status, reply.reason)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    if not reply.trickle:
                        self.wfile.write(reply.body)
                        return
                    for index in range(len(reply.body)):  # bounded by the body's length
                        if server.stopping.is_set():
                            return
                        self.wfile.write(reply.body[index : index + 1])
                        self.wfile.flush()
                        time.sleep(reply.trickle)

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
