"""Careless and hostile input on the command line (issue 22, findings 1, 7, 8, 9): every refusal is one
sentence and exit status 2, never a traceback, and nothing saved is touched."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from interviewer.core.config import DataDir
from interviewer.notes.store.database import Store
from tests.builders import synthetic_session


def _digest(root: Path) -> dict[str, str]:
    """Every file of the data dir (backups included) and its content hash."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


@pytest.fixture
def session(data_dir: DataDir) -> str:
    store = Store(data_dir.db_path)
    try:
        sid = synthetic_session(store, candidate="Ann", segments=6, evidence=2, audio_dir=data_dir.audio_dir)
        store.daily_backup()
    finally:
        store.close()
    return sid


def _one_sentence(err: str) -> None:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("interviewer: error: ")


# ------------------------------------------------------------------------------ finding 1: outputs never clobber
def test_finding1_export_pdf_over_the_database_leaves_it_whole(run_cli, data_dir, session):
    """The reproduction of finding 1: exits 2 with one sentence; every session is still there."""
    before = _digest(data_dir.root)
    res = run_cli("export", session, "--pdf", str(data_dir.db_path))
    assert res.code == 2
    _one_sentence(res.err)
    assert _digest(data_dir.root) == before
    res = run_cli("sessions", "--format", "json")
    assert res.code == 0, res.err
    assert [s["id"] for s in json.loads(res.out)] == [session]


def test_finding1_txt_over_an_existing_file_keeps_it(run_cli, session, tmp_path):
    out = tmp_path / "notes.txt"
    out.write_text("my notes")
    res = run_cli("export", session, "--txt", str(out))
    assert res.code == 2
    assert out.read_text() == "my notes"


@pytest.mark.parametrize("target", ["interviewer.sqlite3", "interviewer.sqlite3-wal", "audio/{sid}.wav",
                                    "backups/new.pdf", "retention.toml", "", "exports"])
@pytest.mark.parametrize("fmt", ["--pdf", "--txt", "--md", "--json"])
def test_export_refuses_the_data_dirs_own_files(run_cli, data_dir, session, target, fmt):
    (data_dir.root / "interviewer.sqlite3-wal").touch()
    before = _digest(data_dir.root)
    out = data_dir.root / target.format(sid=session)
    res = run_cli("export", session, fmt, str(out), "--force")
    assert res.code == 2, res.out
    _one_sentence(res.err)
    assert _digest(data_dir.root) == before
    res = run_cli("sessions", "--format", "json")
    assert res.code == 0 and [s["id"] for s in json.loads(res.out)] == [session]


def test_export_refuses_through_a_symlink_or_dotdot(run_cli, data_dir, session, tmp_path):
    before = _digest(data_dir.root)
    link = tmp_path / "innocent.pdf"
    link.symlink_to(data_dir.db_path)
    dotdot = tmp_path / "elsewhere" / ".." / "data" / "interviewer.sqlite3"
    for out in (link, dotdot):
        res = run_cli("export", session, "--pdf", str(out), "--force")
        assert res.code == 2
        _one_sentence(res.err)
    assert _digest(data_dir.root) == before
    assert link.is_symlink()


@pytest.mark.parametrize("device", ["/dev/full", "/dev/null"])
def test_export_never_replaces_a_device(run_cli, session, device):
    if not Path(device).exists():
        pytest.skip(f"no {device} on this platform")
    st = os.stat(device)
    res = run_cli("export", session, "--md", device, "--force")
    assert res.code == 2
    _one_sentence(res.err)
    assert os.stat(device).st_rdev == st.st_rdev and Path(device).is_char_device()


def test_export_refuses_a_symlink_such_as_dev_stdout(run_cli, session, tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("mine")
    link = tmp_path / "stdout"
    link.symlink_to(target)
    res = run_cli("export", session, "--txt", str(link), "--force")
    assert res.code == 2
    _one_sentence(res.err)
    assert link.is_symlink() and target.read_text() == "mine"


def test_export_refuses_a_fifo(run_cli, session, tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    res = run_cli("export", session, "--txt", str(fifo), "--force")
    assert res.code == 2
    _one_sentence(res.err)
    assert fifo.is_fifo()


@pytest.mark.parametrize("argv", [["export", "{sid}", "--txt", "{out}"], ["export", "{sid}", "--json", "{out}"],
                                  ["export", "{sid}", "--pdf", "{out}"], ["bundle", "export", "{sid}", "-o", "{out}"],
                                  ["kit", "export", "default", "-o", "{out}"]])
def test_an_existing_file_is_replaced_only_with_force(run_cli, session, tmp_path, argv):
    out = tmp_path / "existing.out"
    out.write_text("keep me")
    res = run_cli(*[a.format(sid=session, out=out) for a in argv])
    assert res.code == 2
    assert res.err.strip() == f"interviewer: error: {out} exists; use --force to replace it"
    assert out.read_text() == "keep me"
    res = run_cli(*[a.format(sid=session, out=out) for a in argv], "--force")
    assert res.code == 0, res.err
    assert out.read_bytes() != b"keep me"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left


def test_bundle_and_kit_export_refuse_the_database(run_cli, data_dir, session):
    before = _digest(data_dir.root)
    for argv in (["bundle", "export", session, "-o", str(data_dir.db_path), "--force"],
                 ["kit", "export", "default", "-o", str(data_dir.db_path), "--force"],
                 ["kit", "export", "default", "-o", str(data_dir.root / "kits" / "x.toml")]):
        res = run_cli(*argv)
        assert res.code == 2, argv
        _one_sentence(res.err)
    assert _digest(data_dir.root) == before


def test_access_refuses_a_folder_in_the_data_dir(run_cli, data_dir, session):
    before = _digest(data_dir.root)
    res = run_cli("access", "--candidate", "Ann", "-o", str(data_dir.root / "backups" / "x"))
    assert res.code == 2
    _one_sentence(res.err)
    assert _digest(data_dir.root) == before


def test_export_to_a_directory_or_under_a_file_is_one_sentence(run_cli, session, tmp_path):
    plain = tmp_path / "plain"
    plain.write_text("x")
    for out in (tmp_path, plain / "under.txt"):
        for fmt in ("--txt", "--pdf", "--json"):
            res = run_cli("export", session, fmt, str(out))
            assert res.code == 2
            _one_sentence(res.err)
    assert plain.read_text() == "x"


def test_exports_folder_of_the_data_dir_is_allowed(run_cli, data_dir, session):
    out = data_dir.exports_dir / "s.pdf"
    res = run_cli("export", session, "--pdf", str(out))
    assert res.code == 0, res.err
    assert out.read_bytes().startswith(b"%PDF")


# ------------------------------------------------------------------------------ finding 7: bad values never stick
def _evidence_count(run_cli, sid: str) -> int:
    res = run_cli("sessions", "--format", "json")
    return next(s["evidence"] for s in json.loads(res.out) if s["id"] == sid)


@pytest.mark.parametrize(("start", "end"), [("10", "inf"), ("nan", "12"), ("-inf", "3"), ("10", "1e300"),
                                            ("-5", "3"), ("10", "nan")])
def test_finding7_tag_refuses_numbers_that_are_not_finite_or_out_of_range(run_cli, session, start, end):
    before = _evidence_count(run_cli, session)
    res = run_cli("tag", session, "--criterion", "judgment", "--start", start, "--end", end)
    assert res.code == 2
    _one_sentence(res.err.replace("interviewer tag: error:", "interviewer: error:"))
    assert _evidence_count(run_cli, session) == before


def test_finding7_store_refuses_non_finite_evidence(data_dir, session):
    from interviewer.core.errors import UserError

    store = Store(data_dir.db_path)
    try:
        for start, end in ((0.0, float("inf")), (float("nan"), 1.0), (2.0, 1.0)):
            with pytest.raises(UserError):
                store.add_evidence(session_id=session, start=start, end=end, criterion="judgment", evaluator="Ada")
        eid = store.evidence(session)[0].id
        with pytest.raises(UserError):
            store.update_evidence(eid, actor="Ada", end=float("inf"))
        assert all(e.end < 1e6 for e in store.evidence(session))
    finally:
        store.close()


def test_finding7_retention_refuses_an_absurd_number_and_keeps_working(run_cli):
    res = run_cli("retention", "--audio-days", "99999999999999999999")
    assert res.code == 2
    assert "Traceback" not in res.err
    res = run_cli("retention", "--format", "json")
    assert res.code == 0, res.err
    assert json.loads(res.out)["policy"]["audio_days"] is None


def test_finding7_an_absurd_policy_saved_by_an_older_version_reads_as_forever(run_cli, data_dir):
    (data_dir.root / "retention.toml").write_text("audio_days = 99999999999999999999\ntranscript_days = 30\n")
    res = run_cli("retention", "--format", "json")
    assert res.code == 0, res.err
    policy = json.loads(res.out)["policy"]
    assert (policy["audio_days"], policy["transcript_days"]) == (None, 30)


def _old_database_with_bad_times(data_dir: DataDir, sid: str) -> None:
    """What an older version let through: an evidence range ending at infinity, a probe asked at -inf, a
    spoken consent moment at +inf; the file then says it is at schema 6."""
    store = Store(data_dir.db_path)
    try:
        eid = store.evidence(sid)[0].id
        store.db.execute('UPDATE evidence SET "end" = ? WHERE id = ?', [float("inf"), eid])
        store.db.execute("INSERT INTO probe_asks (id, session_id, probe_key, probe_text, at_s, created_at) "
                         "VALUES ('p1', ?, 'k', 'What broke?', ?, '2026-11-30T09:00:00+00:00')",
                         [sid, float("-inf")])
        store.db.execute("PRAGMA user_version=6")
        store.db.conn.commit()
    finally:
        store.close()


def test_finding7_stored_infinite_evidence_is_repaired_and_every_export_works(run_cli, data_dir, session, tmp_path):
    _old_database_with_bad_times(data_dir, session)
    for fmt in ("--pdf", "--md", "--json", "--txt", "--srt"):
        out = tmp_path / f"s{fmt[2:]}.out"
        res = run_cli("export", session, fmt, str(out))
        assert res.code == 0, res.err
        assert out.stat().st_size > 0
    text = (tmp_path / "sjson.out").read_text()
    assert "Infinity" not in text and "NaN" not in text
    data = json.loads(text)
    assert all(0 <= e["start"] <= e["end"] <= 6 * 3.6 for e in data["evidence"])
    assert all(p["at_s"] == 0 for p in data["probe_asks"])


def _rewrite_bundle(bundle: Path, edit) -> None:
    """Change a real bundle's rows as a crafted or older one would have them, checksums kept consistent."""
    import zipfile

    with zipfile.ZipFile(bundle) as z:
        members = {n: z.read(n) for n in z.namelist()}
    rows = json.loads(members["rows.json"])
    edit(rows)
    members["rows.json"] = json.dumps(rows).encode()
    manifest = json.loads(members["manifest.json"])
    manifest["checksums"]["rows.json"] = hashlib.sha256(members["rows.json"]).hexdigest()
    members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(bundle, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)


def test_finding7_a_bundle_carrying_infinite_evidence_is_refused_whole(run_cli, session, tmp_path):
    """A bundle from an older version with a time no export can draw: refused at the edge, in one sentence,
    nothing imported (a data dir that is upgraded repairs its own such values: migration 7)."""
    bundle = tmp_path / "b.zip"
    assert run_cli("bundle", "export", session, "-o", str(bundle)).code == 0

    def infinite(rows):
        rows["evidence"][0]["end"] = float("inf")
    _rewrite_bundle(bundle, infinite)
    assert b"Infinity" in __import__("zipfile").ZipFile(bundle).read("rows.json")
    other = tmp_path / "other"
    res = run_cli("bundle", "import", str(bundle), "--data-dir", str(other))
    assert res.code == 2
    _one_sentence(res.err)
    assert "evidence" in res.err and "nothing was imported" in res.err
    assert run_cli("sessions", "--format", "json", "--data-dir", str(other)).out.strip() in ("[]", "")


# ------------------------------------------------------------------------------ finding 8: a sentence, not a traceback
def test_finding8_a_kit_nested_5000_deep_is_one_sentence(run_cli, tmp_path):
    kit = tmp_path / "deep.toml"
    kit.write_text("[kit]\nname = 'x'\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    for argv in (["kit", "validate", str(kit)], ["kit", "import", str(kit)], ["claims", str(kit), "--kit", str(kit)]):
        res = run_cli(*argv)
        assert res.code == 2, argv
        _one_sentence(res.err)


def test_finding8_a_bundle_with_a_broken_foreign_key_is_one_sentence(run_cli, session, tmp_path):
    bundle = tmp_path / "b.zip"
    assert run_cli("bundle", "export", session, "-o", str(bundle)).code == 0

    def orphan(rows):
        rows["evidence"][0]["session_id"] = "00000000-0000-0000-0000-000000000000"
        rows["evidence"][0]["id"] = "11111111-1111-1111-1111-111111111111"
    _rewrite_bundle(bundle, orphan)
    other = tmp_path / "other"
    res = run_cli("bundle", "import", str(bundle), "--data-dir", str(other))
    assert res.code == 2
    _one_sentence(res.err)
    res = run_cli("sessions", "--format", "json", "--data-dir", str(other))
    assert res.code == 0 and json.loads(res.out) == []  # nothing of it was kept


def test_finding8_a_search_query_that_is_not_utf8_is_one_sentence(run_cli, session):
    query = b"caf\xe9".decode("utf-8", "surrogateescape")  # what Python makes of a Latin-1 terminal's argv
    for argv in (["search", query], ["search", query, "--format", "json"]):
        res = run_cli(*argv)
        assert res.code == 2
        _one_sentence(res.err)


def test_finding8_a_passphrase_that_is_not_utf8_is_one_sentence(run_cli, tmp_path, monkeypatch):
    latin1 = b"p\xe4ssphrase of a Latin-1 terminal".decode("utf-8", "surrogateescape")
    fresh = tmp_path / "fresh"
    monkeypatch.setenv("INTERVIEWER_PASSPHRASE", latin1)
    res = run_cli("init", "--encrypt", "--data-dir", str(fresh))
    assert res.code == 2
    _one_sentence(res.err)
    assert "UTF-8" in res.err
    assert not (fresh / "encryption.json").exists()
    locked = tmp_path / "locked"
    monkeypatch.setenv("INTERVIEWER_PASSPHRASE", "a good passphrase")
    assert run_cli("init", "--encrypt", "--data-dir", str(locked)).code == 0
    monkeypatch.setenv("INTERVIEWER_PASSPHRASE", latin1)
    res = run_cli("sessions", "--data-dir", str(locked))
    assert res.code == 2
    _one_sentence(res.err)


def test_finding8_search_limit_beyond_any_integer_is_one_sentence(run_cli, session):
    res = run_cli("search", "latency", "--limit", "99999999999999999999")
    assert res.code == 2
    assert "Traceback" not in res.err
    assert len(res.err.strip().splitlines()) == 1 and "--limit" in res.err


def test_finding8_a_pdf_for_a_100000_character_name_is_written_with_the_name_cut(run_cli, data_dir, tmp_path):
    from pypdf import PdfReader

    store = Store(data_dir.db_path)
    try:
        sid = synthetic_session(store, candidate="N" * 100_000, segments=8, evidence=1)
    finally:
        store.close()
    out = tmp_path / "long.pdf"
    for argv in (["export", sid, "--pdf", str(out)], ["export", "--candidate", "N" * 100_000, "--pdf", str(out)]):
        res = run_cli(*argv)
        assert res.code == 0, res.err
        text = "".join(page.extract_text() for page in PdfReader(out).pages)
        assert 199 <= text.count("N") < 5_000  # the name, cut, in the heading, the table and the footer
        out.unlink()
    assert [p.name for p in tmp_path.iterdir()] == ["data"]  # no temp file left


def _read_only_folder(folder: Path) -> Callable[[], None]:
    """A folder nobody can write in, root included (root ignores the mode bits: an immutable folder then)."""
    import shutil
    import subprocess

    folder.mkdir()
    folder.chmod(0o500)
    if os.name != "posix" or os.geteuid() != 0:
        return lambda: folder.chmod(0o700)
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)], check=False, capture_output=True).returncode:
        folder.chmod(0o700)
        pytest.skip("running as root on a file system without immutable folders: no folder is read-only")

    def undo() -> None:
        subprocess.run([chattr, "-i", str(folder)], check=True)
        folder.chmod(0o700)
    return undo


@pytest.mark.parametrize("fmt", ["--pdf", "--txt", "--json"])
def test_finding8_export_to_a_read_only_folder_is_one_sentence(run_cli, session, tmp_path, fmt):
    folder = tmp_path / "ro"
    undo = _read_only_folder(folder)
    try:
        res = run_cli("export", session, fmt, str(folder / "x.out"))
        assert res.code == 2
        _one_sentence(res.err)
        assert list(folder.iterdir()) == []
    finally:
        undo()


def test_finding8_any_unexpected_error_is_one_sentence_and_debug_shows_the_traceback(run_cli, session,
                                                                                     monkeypatch):
    from interviewer.cli import main as cli

    def broken(args, sv):
        raise ValueError("something nobody foresaw\nsecond line")

    monkeypatch.setitem(cli.COMMANDS, "calibration", broken)
    res = run_cli("calibration")
    assert res.code == 2
    _one_sentence(res.err)
    assert "something nobody foresaw" in res.err and "INTERVIEWER_DEBUG" in res.err
    monkeypatch.setitem(cli.COMMANDS, "calibration", broken)
    monkeypatch.setenv("INTERVIEWER_DEBUG", "1")
    res = run_cli("calibration")
    assert res.code == 2 and "Traceback" in res.err


# ------------------------------------------------------------------------------ finding 9: user text printed safely
HOSTILE = "Eve\x1b]0;owned\x07\x1b[2J\x1b[31mRed\nSecond line\r\u202eevil\x9b"


@pytest.fixture
def hostile_session(data_dir: DataDir) -> str:
    store = Store(data_dir.db_path)
    try:
        return synthetic_session(store, candidate=HOSTILE, role="ML\x1b[5m\nEng", segments=6, evidence=1)
    finally:
        store.close()


def _clean(text: str) -> None:
    for ch in ("\x1b", "\x07", "\r", "\u202e", "\x9b"):
        assert ch not in text, repr(ch)


def test_finding9_sessions_table_escapes_control_characters(run_cli, hostile_session, session):
    res = run_cli("sessions")
    assert res.code == 0, res.err
    _clean(res.out)
    lines = res.out.splitlines()
    assert len(lines) == 3  # the header and one row per session: the newline in the name does not break it
    row = next(line for line in lines if line.startswith(hostile_session[:8]))
    assert "Eve\\x1b]0;owned" in row
    assert len(row) == len(next(line for line in lines if line.startswith(session[:8])))  # columns line up
    res = run_cli("sessions", "--format", "json")
    assert HOSTILE in [s["candidate"] for s in json.loads(res.out)]  # the data itself is kept as it was


def test_finding9_search_escapes_control_characters(run_cli, hostile_session):
    res = run_cli("search", "the")
    assert res.code == 0, res.err
    assert "Eve\\x1b" in res.out
    _clean(res.out)
    assert all(line.startswith(("Eve", "Ann")) for line in res.out.splitlines())


def test_finding9_errors_and_pdfs_escape_control_characters(run_cli, hostile_session, tmp_path):
    res = run_cli("export", "--candidate", "Mallory\x1b]8;;http://x\x07", "--pdf", str(tmp_path / "m.pdf"))
    assert res.code == 2
    _clean(res.err)
    out = tmp_path / "h.pdf"
    res = run_cli("export", hostile_session, "--pdf", str(out))
    assert res.code == 0, res.err
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    _clean(text)
    assert "Eve" in text


def test_finding9_composed_and_decomposed_names_are_one_candidate(run_cli, tmp_path):
    resume = Path(__file__).resolve().parents[1] / "fixtures" / "resumes"
    first = sorted(p for p in resume.iterdir() if p.suffix in (".md", ".txt"))[0]
    composed, decomposed = "Zo\u00eb \u0110\u1eb7ng", "Zoe\u0308 \u0110a\u0323\u0306ng"
    assert composed != decomposed
    res = run_cli("candidate", "add", composed, "--role", "MLE", "--resume", str(first))
    assert res.code == 0, res.err
    res = run_cli("plan", "--candidate", decomposed, "--format", "json")
    assert res.code == 0, res.err
    res = run_cli("candidate", "add", decomposed, "--role", "MLE", "--resume", str(first))
    assert res.code == 2 and "already has claims" in res.err


def test_finding9_a_migration_merges_one_name_stored_in_two_forms(data_dir):
    composed, decomposed = "Zo\u00eb", "Zoe\u0308"
    store = Store(data_dir.db_path)
    try:
        a = synthetic_session(store, candidate="Ann", segments=2, evidence=0)
        cand = store.session(a).candidate_id
        store.db.execute("UPDATE candidates SET name = ? WHERE id = ?", [composed, cand])
        b = synthetic_session(store, candidate="Bob", segments=2, evidence=0)
        other = store.session(b).candidate_id
        store.db.execute("UPDATE candidates SET name = ?, created_at = '2099-01-01' WHERE id = ?", [decomposed, other])
        store.db.execute("PRAGMA user_version=6")
        store.db.conn.commit()
    finally:
        store.close()
    store = Store(data_dir.db_path)
    try:
        names = [r["name"] for r in store.db.query("SELECT name FROM candidates")]
        assert names == [composed]
        assert store.session(b).candidate_id == cand == store.session(a).candidate_id
        assert len(store.claims(cand)) == 2
    finally:
        store.close()


def test_one_file_named_for_two_formats_is_refused(run_cli, session, tmp_path):
    out = tmp_path / "both.out"
    res = run_cli("export", session, "--json", str(out), "--md", str(out))
    assert res.code == 2
    _one_sentence(res.err)
    assert not out.exists()


def test_a_file_name_that_is_not_utf8_is_still_a_file_name(run_cli, session, tmp_path):
    name = b"caf\xe9.txt".decode("utf-8", "surrogateescape")  # legal on POSIX: file names are bytes
    res = run_cli("export", session, "--txt", str(tmp_path / name))
    assert res.code == 0, res.err
    assert (tmp_path / name).exists()
