"""The real program in a pseudo-terminal: a star survives SIGKILL half a second after it shows."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
import tomllib
from pathlib import Path

import pytest

from papershelf.store.paths import state_path

SCRIPT = Path(sys.executable).parent / "papershelf"


class Terminal:
    """A child process on a pty, with everything it prints collected."""

    def __init__(self, argv: list[str], size: tuple[int, int] = (120, 40)) -> None:
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(size[0]), "LINES": str(size[1])}
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # child
            os.execve(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.output = b""

    def read_until(self, needle: bytes, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.output:
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} not shown; got {self.output[-500:]!r}")
            self.pump(0.05)

    def pump(self, wait: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], wait)
        if ready:
            with contextlib.suppress(OSError):
                self.output += os.read(self.fd, 65536)

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


@pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed")
def test_star_survives_sigkill_half_a_second_after_it_shows() -> None:
    term = Terminal([str(SCRIPT)])
    try:
        term.read_until(b"54/54")
        term.send("j")
        time.sleep(0.2)
        term.output = b""
        term.send("s")
        term.read_until("★".encode())
        shown = time.monotonic()
        while time.monotonic() - shown < 0.5:
            term.pump(0.05)
    finally:
        term.kill()
    data = tomllib.loads(state_path().read_text())
    starred = [key for key, value in data["papers"].items() if value.get("starred")]
    assert starred == ["title:rethinking supervised pretraining for better downstream transferring"]
