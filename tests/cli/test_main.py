"""The command line end to end: real model, real files, real SQLite, no network."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import JFK, JFK_TEXT, ROOT, wer


@pytest.mark.slow
def test_transcribe_jfk_offline_matches_reference(run_cli, no_network):
    res = run_cli("transcribe", str(JFK))
    assert res.code == 0, res.err
    assert wer(JFK_TEXT, " ".join(line.split("] ", 1)[1] for line in res.out.splitlines())) <= 0.10
    assert no_network == []


@pytest.mark.slow
def test_transcribe_jsonl_shape(run_cli):
    res = run_cli("transcribe", str(JFK), "--format", "jsonl", "--beam", "1")
    assert res.code == 0, res.err
    rows = [json.loads(line) for line in res.out.splitlines()]
    assert rows
    for row in rows:
        assert set(row) == {"start", "end", "text", "speaker", "words"}
        assert row["start"] < row["end"]
        assert row["words"], "word timings are present"
        for w in row["words"]:
            assert set(w) == {"start", "end", "word", "prob"}
            assert row["start"] - 0.01 <= w["start"] <= w["end"] <= row["end"] + 0.01
    assert rows[-1]["end"] == pytest.approx(10.5, abs=1.0)


@pytest.mark.slow
def test_transcribe_realtime_jsonl_revision_lines(run_cli, monkeypatch):
    """Commits keep their line shape; a second pass that changes the text adds a line with the same fields
    plus "revised": true and the index of the "final" line it replaces."""
    from dataclasses import replace

    from interviewer.audio.pace import Pace
    from interviewer.audio.transcriber import Transcriber
    from tests.fakes import mark_words

    real = Transcriber.transcribe_array

    def marked(self, audio, **kwargs):
        segs = real(self, audio, **kwargs)
        return mark_words(segs) if (kwargs.get("beam_size") or 0) >= 5 else segs

    real_window = Transcriber.transcribe_window

    def marked_window(self, audio, **kwargs):  # consolidation: the second pass over whole 30 s windows
        out = real_window(self, audio, **kwargs)
        return replace(out, segments=mark_words(out.segments))

    monkeypatch.setattr(Transcriber, "transcribe_array", marked)
    monkeypatch.setattr(Transcriber, "transcribe_window", marked_window)
    # The live passes, not the catch-up of a busy machine: nothing shed, however busy this one is.
    monkeypatch.setattr("interviewer.live.session.measured_pace", lambda tr, on_status: Pace(on_status=on_status,
                                                                                        adaptive=False))
    two = ROOT / "tests" / "fixtures" / "audio" / "two_speakers.flac"
    res = run_cli("transcribe", str(two), "--realtime", "--format", "jsonl", "--speed", "6")
    assert res.code == 0, res.err
    rows = [json.loads(line) for line in res.out.splitlines()]
    assert rows[0] == {"event": "start"}
    finals = [r for r in rows if r.get("final") is True and not r.get("revised")]
    revisions = [(k, r) for k, r in enumerate(rows) if r.get("revised")]
    assert len(finals) >= 4 and revisions
    for r in finals:
        assert set(r) == {"start", "end", "text", "speaker", "final"}
        assert "zebra" not in r["text"]
    for k, r in revisions:
        assert set(r) == {"start", "end", "text", "speaker", "final", "revised", "index"}
        assert r["final"] is True and r["text"].endswith("zebra")
        original = finals[r["index"]]
        assert rows.index(original) < k  # after the line it replaces
        assert r["speaker"] == original["speaker"]
        assert abs(r["start"] - original["start"]) < 1.0
    for r in rows:
        if r.get("final") is False:
            assert set(r) == {"start", "end", "text", "speaker", "final"}


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "marker"), [("srt", " --> "), ("vtt", "WEBVTT")])
def test_transcribe_subtitle_formats(run_cli, fmt, marker):
    res = run_cli("transcribe", str(JFK), "--format", fmt, "--beam", "1")
    assert res.code == 0
    assert marker in res.out
    assert "country" in res.out.lower()


def test_missing_audio_file_is_one_line_exit_2(run_cli, tmp_path):
    res = run_cli("transcribe", str(tmp_path / "nope.wav"))
    assert res.code == 2
    assert res.err.strip() == f"interviewer: error: {tmp_path / 'nope.wav'}: no such file"
    assert "Traceback" not in res.err


def test_non_audio_file_is_refused(run_cli, tmp_path):
    bad = tmp_path / "notes.flac"
    bad.write_text("these are not samples\n" * 20)
    res = run_cli("transcribe", str(bad))
    assert res.code == 2
    assert str(bad) in res.err
    assert "not an audio file" in res.err
    assert len(res.err.strip().splitlines()) == 1


def test_directory_is_not_audio(run_cli, tmp_path):
    res = run_cli("transcribe", str(tmp_path))
    assert res.code == 2
    assert "is a directory" in res.err


@pytest.mark.slow
def test_truncated_audio_transcribes_valid_part_and_says_so(run_cli, tmp_path):
    cut = tmp_path / "cut.flac"
    cut.write_bytes(JFK.read_bytes()[: len(JFK.read_bytes()) // 2])
    res = run_cli("transcribe", str(cut), "--beam", "1")
    assert res.code == 0
    assert "truncated" in res.err and str(cut) in res.err
    assert "americans" in res.out.lower()
    assert "your country." not in res.out.lower().split("for you")[-1]


def test_unknown_model_name_says_download_needed(run_cli, no_network):
    res = run_cli("transcribe", str(JFK), "--model", "small.en")
    assert res.code == 2
    assert "download" in res.err and "small.en" in res.err
    assert no_network == []


def test_model_directory_that_is_not_a_model(run_cli, tmp_path):
    res = run_cli("transcribe", str(JFK), "--model", str(tmp_path))
    assert res.code == 2
    assert "not a CTranslate2 Whisper model directory" in res.err


@pytest.mark.slow
def test_any_ctranslate2_directory_works(run_cli, tmp_path):
    from interviewer.audio.models import bundled_model

    copy = tmp_path / "my-model"
    shutil.copytree(bundled_model().path, copy)
    res = run_cli("transcribe", str(JFK), "--model", str(copy), "--beam", "1")
    assert res.code == 0, res.err
    assert wer(JFK_TEXT, res.out) <= 0.2


def test_import_audio_requires_consent(run_cli, data_dir):
    res = run_cli("import-audio", str(JFK), "--candidate", "Ann")
    assert res.code == 2
    assert "consent" in res.err
    assert not list(data_dir.audio_dir.iterdir())


@pytest.mark.slow
def test_import_audio_then_sessions_json(run_cli, data_dir):
    res = run_cli("import-audio", str(JFK), "--candidate", "Zoë Ðặng", "--role", "ML Engineer",
                  "--consent", "written", "--beam", "1")
    assert res.code == 0, res.err
    sid = res.out.strip()
    listing = run_cli("sessions", "--format", "json")
    assert listing.code == 0
    rows = json.loads(listing.out)
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == {"id", "candidate", "role", "status", "started_at", "duration_s", "audio_path",
                        "segments", "evidence"}
    assert row["id"] == sid
    assert row["candidate"] == "Zoë Ðặng"
    assert row["role"] == "ML Engineer"
    assert row["status"] == "complete"
    assert row["duration_s"] == pytest.approx(11.0, abs=0.1)
    assert row["segments"] >= 1
    assert row["evidence"] == 0
    assert Path(row["audio_path"]).is_file()
    assert Path(row["audio_path"]).read_bytes() == JFK.read_bytes()
    table = run_cli("sessions")
    assert "Zoë Ðặng" in table.out and sid[:8] in table.out


def test_sessions_on_empty_data_dir_explains(run_cli):
    res = run_cli("sessions")
    assert res.code == 0
    assert "No sessions yet" in res.out
    assert json.loads(run_cli("sessions", "--format", "json").out) == []


def test_unreadable_database_is_refused_and_untouched(run_cli, data_dir):
    data_dir.db_path.write_bytes(b"this is not a database at all" * 100)
    before = hashlib.sha256(data_dir.db_path.read_bytes()).hexdigest()
    res = run_cli("sessions")
    assert res.code == 2
    assert str(data_dir.db_path) in res.err
    assert "left untouched" in res.err
    assert hashlib.sha256(data_dir.db_path.read_bytes()).hexdigest() == before


def test_data_dir_flag_overrides_environment(run_cli, tmp_path):
    other = tmp_path / "other"
    res = run_cli("sessions", "--data-dir", str(other), "--format", "json")
    assert res.code == 0
    assert (other / "interviewer.sqlite3").exists()


def test_doctor_reports_what_a_bug_report_needs(run_cli, data_dir):
    res = run_cli("doctor", "--format", "json")
    assert res.code == 0
    info = json.loads(res.out)
    assert info["interviewer"]["python"].startswith("3.")
    assert info["packages"]["faster-whisper"] != "not installed"
    assert Path(info["model"]["path"]).is_dir()
    assert info["data"]["dir"] == str(data_dir.root)
    assert info["data"]["free disk GB"] > 0
    assert isinstance(info["audio input devices"], list)
    text = run_cli("doctor")
    assert "model:" in text.out and "tiny.en" in text.out


@pytest.mark.slow
def test_demo_stores_the_sample_interview_and_prints_it(run_cli, no_network):
    res = run_cli("demo", "--import")
    assert res.code == 0, res.err
    assert "Zoë Ðặng" in res.out
    assert "milliseconds" in res.out.lower()
    assert no_network == []
    rows = json.loads(run_cli("sessions", "--format", "json").out)
    assert rows[0]["candidate"] == "Zoë Ðặng"
    assert rows[0]["segments"] >= 10


def test_python_main_is_the_same_program():
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--version"], capture_output=True, text=True,
                         check=True)
    out2 = subprocess.run([sys.executable, "-m", "interviewer", "--version"], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert out.stdout == out2.stdout
    assert out.stdout.startswith("interviewer ")


def test_headless_commands_do_not_import_qt():
    code = ("import sys; from interviewer import app, cli; import interviewer.notes.store.database, "
            "interviewer.audio.transcriber; print('PySide6' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_kit_commands(run_cli, data_dir, tmp_path):
    res = run_cli("kit", "new", "Platform team")
    assert res.code == 0, res.err
    path = Path(res.out.strip())
    assert path.parent == data_dir.root / "kits"
    assert "platform-team" in run_cli("kit", "list").out
    out = tmp_path / "exported.toml"
    assert run_cli("kit", "export", "platform-team", "-o", str(out)).code == 0
    assert run_cli("kit", "validate", str(out)).out.startswith(f"{out}: ok")
    bad = tmp_path / "bad.toml"
    bad.write_text('[kit]\nname = "x"\n\n[[criteria]]\nkey = "a"\nname = "A"\ndefinition = "d"\n')
    res = run_cli("kit", "validate", str(bad))
    assert res.code == 2
    assert f"{bad}:4:" in res.err and "anchors" in res.err


def test_claims_json_shape(run_cli):
    res = run_cli("claims", str(ROOT / "resources" / "demo" / "resume.md"), "--format", "json")
    assert res.code == 0, res.err
    claims = json.loads(res.out)
    assert len(claims) >= 8
    for c in claims:
        assert set(c) == {"text", "source", "section", "topics", "probes", "role", "dates", "line"}  # 3 additions
        assert len(c["probes"]) >= 3
        assert len({p["criterion"] for p in c["probes"]}) >= 2
        assert all(set(p) == {"text", "criterion", "topic"} for p in c["probes"])


def test_claims_of_french_and_noun_phrase_resumes(run_cli):
    resumes = ROOT / "tests" / "fixtures" / "resumes"
    for name, expected in (("french.md", 6), ("noun_phrases.pdf", 7), ("french_prose.docx", 5)):
        res = run_cli("claims", str(resumes / name), "--format", "json")
        assert res.code == 0, res.err
        claims = json.loads(res.out)
        assert len(claims) == expected, name
        assert all(c["line"] >= 1 for c in claims)
        assert sum(1 for c in claims if c["role"]) >= expected - 1  # a project has no role


def test_claims_of_a_resume_without_claims_say_why(run_cli, tmp_path):
    cv = tmp_path / "cv.txt"
    cv.write_text("Jane Doe\njane@example.com\nSkills\nPython, SQL and the usual tools of the trade\n"
                  "Education\nMSc Statistics from the University of Bristol, with a thesis\n", encoding="utf-8")
    for fmt in ("text", "json"):
        res = run_cli("claims", str(cv), "--format", fmt)
        assert res.code == 2
        assert res.out == ""
        assert f"{cv}: no claims found: no Experience or Projects section" in res.err
        assert "by hand" in res.err and "Traceback" not in res.err
    added = run_cli("candidate", "add", "Jane Doe", "--role", "ML Engineer", "--resume", str(cv))
    assert added.code == 0, added.err
    assert "(0 claims)" in added.out and "no Experience or Projects section" in added.err


def test_claims_of_a_scanned_pdf_say_why(run_cli, tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    for name, footer in (("scan.pdf", ""), ("scan_with_footer.pdf", "Page 1 of 1")):
        path = tmp_path / name
        c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
        c.rect(50, 80, 400, 600, fill=1)  # the scanned page: an image, no text
        if footer:
            c.drawString(50, 40, footer)
        c.save()
        res = run_cli("claims", str(path))
        assert res.code == 2
        assert str(path) in res.err and "scanned image" in res.err and "by hand" in res.err


def test_claims_of_a_bad_resume(run_cli, tmp_path):
    empty = tmp_path / "cv.pdf"
    empty.write_bytes(b"%PDF-1.4 broken")
    res = run_cli("claims", str(empty))
    assert res.code == 2
    assert str(empty) in res.err


@pytest.mark.slow
def test_tag_and_export(run_cli, data_dir, tmp_path):
    sid = run_cli("import-audio", str(JFK), "--candidate", "Ann", "--consent", "verbal", "--beam", "1").out.strip()
    res = run_cli("tag", sid[:8], "--criterion", "judgment", "--start", "7.5", "--end", "11",
                  "--polarity", "concern", "--note", "rhetoric", "--evaluator", "Bo")
    assert res.code == 0, res.err
    eid = res.out.strip()
    bad = run_cli("tag", sid, "--criterion", "trivia", "--start", "0", "--end", "1")
    assert bad.code == 2
    assert "unknown criterion 'trivia'" in bad.err
    out = tmp_path / "s.json"
    assert run_cli("export", sid, "--json", str(out)).code == 0
    data = json.loads(out.read_text())
    assert data["session"]["id"] == sid
    [ev] = data["evidence"]
    assert ev["id"] == eid
    assert ev["polarity"] == "concern"
    assert "country" in ev["quote"].lower()
    assert data["consent"][0]["method"] == "verbal"
    assert data["segments"]
    assert set(data) >= {"session", "candidate", "claims", "segments", "evidence", "ratings", "consent"}


def test_panel_commands(run_cli):
    assert run_cli("evaluator", "add", "Ada", "--role", "Staff MLE", "--shipped", "retrieval,latency,evaluation",
                   "--note", "ran the RAG latency work").code == 0
    bad = run_cli("evaluator", "add", "Cy", "--shipped", "retrieval,astrology")
    assert bad.code == 2
    assert "astrology" in bad.err and "known topics" in bad.err.lower()
    res = run_cli("candidate", "add", "Zoë Ðặng", "--role", "Senior ML Engineer", "--resume",
                  str(ROOT / "resources" / "demo" / "resume.md"))
    assert res.code == 0, res.err
    plan = json.loads(run_cli("plan", "--candidate", "Zoë Ðặng", "--format", "json").out)
    assert set(plan) == {"assignments", "unmatched"}
    assert plan["assignments"]
    assert all(a["evaluator"] == "Ada" for a in plan["assignments"])
    assert any("latency" in a["topics"] for a in plan["assignments"])
    assert plan["unmatched"]
    assert all(set(u) >= {"claim", "topics"} for u in plan["unmatched"])
    missing = run_cli("plan", "--candidate", "Nobody")
    assert missing.code == 2


@pytest.mark.slow
def test_whole_headless_demo_offline(run_cli, tmp_path, no_network):
    """The whole flow on the embedded defaults with sockets blocked: zero connection attempts."""
    from pypdf import PdfReader

    out = tmp_path / "demo-out"
    res = run_cli("demo", "--headless", "--speed", "0", "--out", str(out))
    assert res.code == 0, res.err
    assert no_network == []
    summary = json.loads(res.out.strip().splitlines()[-1])
    assert summary["evidence"] >= 4
    assert summary["ratings"] == 8
    data = json.loads((out / "session.json").read_text())
    assert {r["evaluator"] for r in data["ratings"]} == {"Demo Evaluator", "Rosa Ortiz"}
    assert data["failure_stories"][0]["concrete"]
    assert data["scenarios"][0]["ticks"]
    assert summary["calls"] == len(data["judgment_calls"]) >= 2
    scenario = next(c for c in data["judgment_calls"] if c["kind"] == "scenario")
    assert {r["evaluator"] for r in scenario["ratings"]} == {"Demo Evaluator", "Rosa Ortiz"}
    assert {a["evaluator"] for a in data["plan"]["assignments"]} == {"Demo Evaluator", "Rosa Ortiz"}
    assert data["consent"][0]["method"] == "verbal"
    text = "".join(p.extract_text() for p in PdfReader(out / "session.pdf").pages)
    assert "Zoë" in text
    assert "Failure archaeology" in text
    anon = "".join(p.extract_text() for p in PdfReader(out / "session-anonymised.pdf").pages)
    assert "Zoë" not in anon
    for name in ("compare.pdf", "calibration.pdf"):
        assert PdfReader(out / name).pages


def test_tag_spoken_consent_is_kept_on_the_consent_record_and_in_the_pdf(data_dir, run_cli, tmp_path):
    from pypdf import PdfReader

    from interviewer.notes.store.database import Store
    from tests.builders import synthetic_session

    with Store(data_dir.db_path) as store:
        sid = synthetic_session(store, candidate="Ann", segments=10, evidence=1)
        store.record_consent(candidate_id=store.session(sid)["candidate_id"], session_id=sid, method="verbal",
                             confirmed_by="Ada")
        said = " ".join(s.text for s in store.segments(sid) if s.start < 7.2)
    refused = run_cli("tag", sid, "--consent", "--criterion", "judgment", "--start", "0", "--end", "7")
    assert refused.code == 2 and "leave out --criterion" in refused.err
    assert run_cli("tag", sid, "--start", "0", "--end", "7").code == 2  # neither criterion nor consent
    res = run_cli("tag", sid, "--consent", "--start", "0", "--end", "7.2", "--evaluator", "Ada")
    assert res.code == 0, res.err
    row = json.loads(res.out)
    assert (row["method"], row["spoken_start"], row["spoken_end"]) == ("verbal", 0.0, 7.2)
    assert row["spoken_quote"] and row["spoken_quote"].split()[0] == said.split()[0]
    out = tmp_path / "s.json"
    assert run_cli("export", sid, "--json", str(out)).code == 0
    [consent] = json.loads(out.read_text())["consent"]
    assert consent["spoken_quote"] == row["spoken_quote"]
    pdf = tmp_path / "s.pdf"
    assert run_cli("export", sid, "--pdf", str(pdf)).code == 0
    text = " ".join((p.extract_text() or "") for p in PdfReader(str(pdf)).pages)
    assert "said on the recording at 00:00" in " ".join(text.split())


def test_the_os_user_is_never_an_evaluator(run_cli, data_dir, monkeypatch):
    """issue 21 #3: evidence tagged without --evaluator carried the OS user name ("root")."""
    import getpass

    from interviewer.notes.store.database import Store
    from tests.builders import synthetic_session

    monkeypatch.setattr(getpass, "getuser", lambda: "os-login-name")
    store = Store(data_dir.db_path)
    try:
        sid = synthetic_session(store, segments=6, evidence=0)
        store.update_session(sid, evaluator="Alex Tester")
        store.record_consent(candidate_id=store.session(sid)["candidate_id"], session_id=sid, method="verbal",
                             confirmed_by="Alex Tester")
    finally:
        store.close()
    eid = run_cli("tag", sid, "--criterion", "judgment", "--start", "0", "--end", "5").out.strip()
    assert run_cli("tag", sid, "--consent", "--start", "0", "--end", "3").code == 0
    store = Store(data_dir.db_path)
    try:
        assert store.t("evidence").get(eid)["evaluator"] == "Alex Tester"
        actors = {e["actor"] for e in store.audit_entries()}
        assert "os-login-name" not in actors
        assert all(c["confirmed_by"] != "os-login-name" for c in store.consents(sid))
    finally:
        store.close()
