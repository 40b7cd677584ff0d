"""Shared fixtures: temporary data dirs, the real bundled model, a network blocker, the CLI runner."""

from __future__ import annotations

import io
import re
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest

from interviewer import app
from interviewer.core.config import DataDir

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
JFK = FIXTURES / "audio" / "jfk.flac"  # public domain, see fixtures/audio/SOURCES.md
JFK_TEXT = ("And so my fellow Americans, ask not what your country can do for you, "
            "ask what you can do for your country.")


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    return float(jiwer.wer(normalise(reference), normalise(hypothesis)))


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def data_dir(tmp_path: Path) -> DataDir:
    return DataDir(tmp_path / "data").ensure()


@pytest.fixture
def run_cli(data_dir: DataDir, monkeypatch: pytest.MonkeyPatch):
    """Run the real program in-process on a temporary data dir; stdout and stderr captured."""
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(data_dir.root))

    def run(*argv: str) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        monkeypatch.setattr("sys.stdout", out)
        monkeypatch.setattr("sys.stderr", err)
        try:
            code = app.main(list(argv))
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        finally:
            monkeypatch.undo()
            monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(data_dir.root))
        return CliResult(code, out.getvalue(), err.getvalue())

    return run


class NetworkBlocked(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Any attempt to reach the network fails the call and is recorded."""
    attempts: list[str] = []

    def refuse(name: str):
        def _refuse(*args: object, **kwargs: object) -> None:
            attempts.append(f"{name}{args[1:] if name == 'connect' else args}")
            raise NetworkBlocked(f"network access attempted: {name}")
        return _refuse

    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    return attempts


@pytest.fixture(scope="session")
def transcriber():
    from interviewer.audio.transcriber import Transcriber

    return Transcriber()
