"""`transcribe` and `import-audio` end to end: real model, real files, real SQLite, no network."""

from __future__ import annotations

import json
import shutil
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
def test_transcribe_realtime_speakers_labels_lines_as_revisions(run_cli, monkeypatch):
    """`--speakers`: each committed line is printed again as a `revised` line with its index, its voice
    (`interviewer` or `candidate`) and a "confidence"; the commit lines keep their shape; a last `speakers`
    event says which rule decided and the CPU time attribution took."""
    from interviewer.audio.pace import Pace

    monkeypatch.setattr("interviewer.live.session.measured_pace", lambda tr, on_status: Pace(on_status=on_status,
                                                                                        adaptive=False))
    audio = ROOT / "tests" / "fixtures" / "audio"
    turns = json.loads((audio / "two_voices.json").read_text())["turns"]
    res = run_cli("transcribe", str(audio / "two_voices.flac"), "--realtime", "--speakers", "--format", "jsonl",
                  "--speed", "4")
    assert res.code == 0, res.err
    rows = [json.loads(line) for line in res.out.splitlines()]
    finals = [r for r in rows if r.get("final") is True and not r.get("revised")]
    labels = [r for r in rows if r.get("revised") and "confidence" in r]
    assert len(finals) >= 6
    for r in finals:
        assert set(r) == {"start", "end", "text", "speaker", "final"}
    for r in labels:
        assert set(r) == {"start", "end", "text", "speaker", "final", "revised", "index", "confidence"}
        assert r["speaker"] in ("interviewer", "candidate") and 0 <= r["confidence"] <= 1
    last = {r["index"]: r["speaker"] for r in labels}
    assert set(last) == set(range(len(finals)))  # every line labelled

    def truth(r):
        return max(turns, key=lambda t: min(r["end"], t["end"]) - max(r["start"], t["start"]))["speaker"]

    assert sum(last[i] == truth(r) for i, r in enumerate(finals)) >= len(finals) - 1
    assert set(last.values()) == {"interviewer", "candidate"}
    assert rows[-1]["event"] == "speakers" and rows[-1]["rule"] == "questions" and rows[-1]["cpu_s"] > 0


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
