"""``open_file``: the downloaded PDF in the system viewer (xdg-open / open / startfile)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from papershelf.ui.opener import open_file


def test_xdg_open_gets_the_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    log = tmp_path / "opened.txt"
    viewer = tmp_path / "bin" / "xdg-open"
    viewer.parent.mkdir()
    viewer.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{log}"\n')
    viewer.chmod(0o755)
    monkeypatch.setenv("PATH", str(viewer.parent))
    pdf = tmp_path / "2401.00001 a paper.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    assert open_file(pdf)
    deadline = time.monotonic() + 10
    while not log.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert log.read_text() == str(pdf)  # one argument, spaces and all


def test_no_viewer_is_false(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not open_file(tmp_path / "x.pdf")


def test_startfile_failing_is_false(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def startfile(path: object) -> None:
        raise OSError(1155, "No application is associated with the specified file")

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(os, "startfile", startfile, raising=False)
    assert not open_file(tmp_path / "x.pdf")
