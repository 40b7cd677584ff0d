"""Every number and path argument of the command line, fuzzed (hypothesis): the exit status is 0 or 2, stderr never
holds a traceback, and a refused command leaves every file of the data dir as it was.

No model is ever loaded: the composition root is given a transcriber factory that refuses (a UserError, as a
missing model would), so a command whose numbers pass stops there, after they were checked.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviewer import app
from interviewer.core.config import DataDir
from interviewer.core.errors import ModelError
from interviewer.notes.store.database import Store
from tests.builders import synthetic_session
from tests.conftest import CliResult

FUZZ = settings(max_examples=int(os.environ.get("INTERVIEWER_FUZZ_EXAMPLES", "40")), deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

def _digest(root: Path, *, skip: tuple[str, ...] = ()) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink() and not str(p.relative_to(root)).startswith(skip)}


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A data dir with one session (audio, evidence, a backup), a folder for outputs, and a CLI runner whose
    transcriber factory refuses to load a model."""
    dd = DataDir(tmp_path / "data").ensure()
    store = Store(dd.db_path)
    try:
        sid = synthetic_session(store, candidate="Ann", segments=8, evidence=2, audio_dir=dd.audio_dir)
        store.daily_backup()
    finally:
        store.close()
    (dd.root / "kits").mkdir(exist_ok=True)
    (dd.root / "kits" / "mine.toml").write_text("# a user kit\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "existing.txt").write_text("keep")
    (out / "link-to-db").symlink_to(dd.db_path)
    (out / "link-to-null").symlink_to(os.devnull)
    (out / "a-folder").mkdir()
    real_build = app.build_services

    def build(data_dir: DataDir, prompt: Any = None) -> Any:
        services = real_build(data_dir, prompt)

        def no_model(*args: Any, **kwargs: Any) -> Any:
            raise ModelError("no model in the fuzz tests")
        services.make_transcriber = no_model
        return services

    def run(*argv: str) -> CliResult:
        o, e = io.StringIO(), io.StringIO()
        with monkeypatch.context() as m:
            m.setattr(app, "build_services", build)
            m.setattr("sys.stdout", o)
            m.setattr("sys.stderr", e)
            m.setenv("INTERVIEWER_DATA_DIR", str(dd.root))
            m.delenv("INTERVIEWER_DEBUG", raising=False)
            try:
                code = app.main(list(argv))
            except SystemExit as exc:
                code = int(exc.code or 0)
        return CliResult(code, o.getvalue(), e.getvalue())

    return {"dd": dd, "sid": sid, "out": out, "run": run}


def _check(res: CliResult) -> None:
    assert res.code in (0, 2), (res.code, res.err)
    assert "Traceback" not in res.err and "Traceback" not in res.out
    if res.code == 2:
        lines = [line for line in res.err.splitlines() if line.strip()]
        assert len(lines) == 1, res.err  # one sentence
        assert "error" in lines[0]


# --------------------------------------------------------------------------------------------- numbers
def _numberish() -> st.SearchStrategy[str]:
    """What a careless or hostile user types where a number belongs."""
    return st.one_of(
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.integers(min_value=-5, max_value=200).map(str),
        st.sampled_from(["inf", "-inf", "nan", "NaN", "1e309", "-1e309", "1e-400", "0x10", "1_000", " 7 ", "",
                         "99999999999999999999", "4.0", "٣", "forever", "never", "0", "-0", "1e3", "3.5e5",
                         "604800", "604801", "36500", "36501", "100000", "100001", "33", "32"]),
        st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
    )


@FUZZ
@given(start=_numberish(), end=_numberish())
def test_tag_start_end(world, start, end):
    dd, sid = world["dd"], world["sid"]
    before = _digest(dd.root, skip=("interviewer.sqlite3",))
    res = world["run"]("tag", sid, "--criterion", "judgment", f"--start={start}", f"--end={end}")
    _check(res)
    if res.code == 0:
        store = Store(dd.db_path)
        try:
            row = next(e for e in store.evidence(sid) if e.id == res.out.strip())
        finally:
            store.close()
        assert 0 <= row.start <= row.end <= 7 * 24 * 3600
    else:
        assert _digest(dd.root, skip=("interviewer.sqlite3",)) == before


@FUZZ
@given(score=_numberish(), limit=_numberish())
def test_rate_score_and_search_limit(world, score, limit):
    sid = world["sid"]
    _check(world["run"]("rate", sid, "--criterion", "judgment", f"--score={score}", "--evaluator", "Ada",
                        "--reason", "fuzz"))
    res = world["run"]("search", "the", f"--limit={limit}", "--format", "json")
    _check(res)
    if res.code == 0:
        assert len(json.loads(res.out)) <= int(limit)


@FUZZ
@given(audio=_numberish(), transcript=_numberish())
def test_retention_days(world, audio, transcript):
    dd = world["dd"]
    res = world["run"]("retention", f"--audio-days={audio}", f"--transcript-days={transcript}", "--format", "json")
    _check(res)
    _check(world["run"]("retention", "--format", "json"))  # whatever was saved, the next run works
    _check(world["run"]("retention", "--apply", "--dry-run"))
    assert (dd.root / "interviewer.sqlite3").exists()


@FUZZ
@given(beam=_numberish(), speed=_numberish(), seconds=_numberish())
def test_model_commands_numbers(world, beam, speed, seconds):
    dd, sid, run = world["dd"], world["sid"], world["run"]
    before = _digest(dd.root, skip=("interviewer.sqlite3", "backups"))
    audio = dd.audio_dir / f"{sid}.wav"
    for argv in (["transcribe", str(audio), f"--beam={beam}", f"--speed={speed}", "--realtime"],
                 ["transcribe", str(audio), f"--beam={beam}"],
                 ["refine", sid, f"--beam={beam}"],
                 ["record", "--candidate", "Bo", "--consent", "verbal", "--source", "file:/nonexistent.wav",
                  f"--seconds={seconds}", f"--beam={beam}"],
                 ["import-audio", str(audio), "--candidate", "Bo", "--consent", "verbal", f"--beam={beam}"],
                 ["demo", "--headless", f"--speed={speed}", f"--beam={beam}", "--out", str(world["out"] / "demo")]):
        res = run(*argv)
        _check(res)
        assert res.code == 2  # no model: every one of them stops, after its numbers were checked
    assert _digest(dd.root, skip=("interviewer.sqlite3", "backups")) == before


# --------------------------------------------------------------------------------------------- paths
def _paths(world: dict[str, Any]) -> st.SearchStrategy[str]:
    dd: DataDir = world["dd"]
    out: Path = world["out"]
    sid = world["sid"]
    inside = ["interviewer.sqlite3", "interviewer.sqlite3-wal", "interviewer.sqlite3-shm", f"audio/{sid}.wav",
              "audio", "backups", "kits/mine.toml", "kits/new.toml", "encryption.json", "retention.toml", "new.pdf",
              "", ".", "exports", "exports/../interviewer.sqlite3", "audio/../exports/../interviewer.sqlite3"]
    outside = ["existing.txt", "new.txt", "link-to-db", "link-to-null", "a-folder", "a-folder/new.md",
               "existing.txt/under", "missing/deeper/new.json", "..", "../data/interviewer.sqlite3",
               "a-folder/../../data/audio/x.wav", "new file ✓ Zoë.pdf", "-dash.txt"]
    devices = [p for p in ("/dev/null", "/dev/full", "/dev/stdout", "/dev/stderr", "/dev/zero") if Path(p).exists()]
    named = st.one_of(st.sampled_from(inside).map(lambda p: str(dd.root / p) if p else str(dd.root)),
                      st.sampled_from(outside).map(lambda p: str(out / p)),
                      st.sampled_from(devices or ["/dev/null"]),
                      st.just(str(dd.exports_dir / "ok.out")))
    junk = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00/"),
                   min_size=1, max_size=20).map(lambda t: str(out / t))
    return st.one_of(named, junk)


def _protected(dd: DataDir) -> dict[str, str]:
    return _digest(dd.root, skip=("exports",))


@FUZZ
@given(data=st.data(), fmt=st.sampled_from(["--json", "--txt", "--srt", "--vtt", "--md", "--pdf"]),
       force=st.booleans())
def test_export_paths(world, data, fmt, force):
    dd, sid = world["dd"], world["sid"]
    target = data.draw(_paths(world))
    before = _protected(dd)
    existing = Path(target).read_bytes() if Path(target).is_file() and not Path(target).is_symlink() else None
    res = world["run"]("export", sid, fmt, target, *(["--force"] if force else []))
    _check(res)
    assert _protected(dd) == before  # the data dir's own files: never touched
    if res.code == 2 and existing is not None:
        assert Path(target).read_bytes() == existing
    for dev in ("/dev/null", "/dev/full"):
        assert not Path(dev).exists() or Path(dev).is_char_device()


@FUZZ
@given(data=st.data(), force=st.booleans(), which=st.sampled_from(["bundle", "kit", "access", "anonymised"]))
def test_other_output_paths(world, data, force, which):
    dd, sid = world["dd"], world["sid"]
    target = data.draw(_paths(world))
    before = _protected(dd)
    flag = ["--force"] if force else []
    argv: dict[str, list[str]] = {
        "bundle": ["bundle", "export", sid, "-o", target, *flag],
        "kit": ["kit", "export", "default", "-o", target, *flag],
        "access": ["access", "--candidate", "Ann", "-o", target],
        "anonymised": ["export", "--candidate", "Ann", "--pdf", target, "--anonymise", *flag],
    }
    res = world["run"](*argv[which])
    _check(res)
    assert _protected(dd) == before


@FUZZ
@given(text=st.text(alphabet=st.characters(blacklist_characters="\x00"), max_size=40))
def test_text_arguments_never_crash(world, text):
    """Names, queries and ids as anything at all, lone surrogates (a non-UTF-8 terminal) included."""
    run, sid = world["run"], world["sid"]
    for argv in (["search", text or "x"], ["sessions"], ["export", text or "x", "--json", str(world["out"] / "t.json")],
                 ["plan", "--candidate", text], ["tag", text or "x", "--criterion", "judgment", "--start=1", "--end=2"],
                 ["tag", sid, "--criterion", text, "--start=1", "--end=2", "--note", text]):
        _check(run(*argv))
