"""`tag` (evidence and spoken consent) and `export`: real model, real SQLite, real PDFs read back."""

from __future__ import annotations

import json

import pytest

from tests.conftest import JFK


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


def test_tag_spoken_consent_is_kept_on_the_consent_record_and_in_the_pdf(data_dir, run_cli, tmp_path):
    from pypdf import PdfReader

    from interviewer.notes.store.database import Store
    from tests.builders import synthetic_session

    with Store(data_dir.db_path) as store:
        sid = synthetic_session(store, candidate="Ann", segments=10, evidence=1)
        store.record_consent(candidate_id=store.session(sid).candidate_id, session_id=sid, method="verbal",
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
        store.record_consent(candidate_id=store.session(sid).candidate_id, session_id=sid, method="verbal",
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
