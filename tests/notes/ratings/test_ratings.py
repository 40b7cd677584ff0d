"""Ratings with evidence or a reason, blind rating, the audit trail, calibration and bundles."""

from __future__ import annotations

import json
import math
import sqlite3
import zipfile

import pytest

from interviewer.core.errors import UserError
from interviewer.notes.ratings.calibration import calibration, ordinal_alpha
from interviewer.notes.review import editing as review
from interviewer.notes.store.bundle import export_bundle, import_bundle
from interviewer.notes.store.database import Store
from tests.builders import synthetic_session

NAN = math.nan


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "a" / "db.sqlite3")
    yield s
    s.close()


def test_rating_needs_evidence_or_reason(store):
    sid = synthetic_session(store, segments=5, evidence=2)
    [e1, e2] = [e.id for e in store.evidence(sid)]
    with pytest.raises(UserError, match="evidence"):
        store.rate(session_id=sid, criterion="judgment", evaluator="Ada", score=3)
    with pytest.raises(UserError, match="1, 2, 3 or 4"):
        store.rate(session_id=sid, criterion="judgment", evaluator="Ada", score=5, reason="x")
    with pytest.raises(UserError, match="not part of this session"):
        store.rate(session_id=sid, criterion="judgment", evaluator="Ada", score=3, evidence_ids=["nope"])
    rid = store.rate(session_id=sid, criterion="judgment", evaluator="Ada", score=3, evidence_ids=[e1, e2])
    again = store.rate(session_id=sid, criterion="judgment", evaluator="Ada", score=2,
                       reason="answers stayed generic")
    assert again == rid
    [r] = store.ratings(sid)
    assert (r.score, r.reason, r.evidence_ids) == (2, "answers stayed generic", [])
    log = list(store.audit_entries(rid))
    assert [e["action"] for e in log] == ["rating.add", "rating.change"]
    assert json.loads(log[1]["old"])["score"] == 3
    assert json.loads(log[1]["new"])["score"] == 2
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("UPDATE audit_log SET new = '{}' WHERE row_id = ?", [rid])


def test_blind_rating(store):
    sid = synthetic_session(store, segments=5, evidence=1)
    store.rate(session_id=sid, criterion="judgment", evaluator="Ada", score=3, reason="r")
    assert store.visible_ratings(sid, "Bo") == []
    store.rate(session_id=sid, criterion="judgment", evaluator="Bo", score=2, reason="r")
    assert {r.evaluator for r in store.visible_ratings(sid, "Bo")} == {"Ada", "Bo"}
    store.rate(session_id=sid, criterion="failure-archaeology", evaluator="Ada", score=4, reason="r")
    assert [r.criterion for r in store.visible_ratings(sid, "Bo") if r.evaluator == "Ada"] == ["judgment"]


def test_alpha_matches_krippendorffs_worked_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", 4 coders x 12 units, missing data.
    data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
            [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN]]
    assert ordinal_alpha(data, value_domain=(1, 2, 3, 4, 5)) == pytest.approx(0.815, abs=0.001)
    assert ordinal_alpha([[1, 2, 3]]) is None  # one coder
    assert ordinal_alpha([[2, 2], [2, 2]]) is None  # no variation


def test_calibration_report(store):
    sids = [synthetic_session(store, candidate=n, role="MLE", segments=4, evidence=1, seed=i)
            for i, n in enumerate(["A", "B", "C"])]
    for sid, (ada, bo) in zip(sids, [(4, 3), (2, 1), (3, 2)], strict=True):
        store.rate(session_id=sid, criterion="judgment", evaluator="Ada", score=ada, reason="r")
        store.rate(session_id=sid, criterion="judgment", evaluator="Bo", score=bo, reason="r")
    concern = next(e for e in store.evidence(sids[0]) if e.polarity == "concern")
    store.rate(session_id=sids[0], criterion="claim-verification", evaluator="Ada", score=4,
               evidence_ids=[concern.id])
    report = calibration(store, "MLE")
    assert set(report) >= {"overall_alpha", "criteria", "evaluators", "flags"}
    assert report["evaluators"]["Ada"]["offset"] == pytest.approx(1.0)
    assert report["evaluators"]["Bo"]["offset"] == pytest.approx(-1.0)
    assert report["evaluators"]["Ada"]["n"] == 3
    assert report["criteria"]["judgment"]["alpha"] is not None
    assert report["criteria"]["judgment"]["units"] == 3
    [flag] = report["flags"]
    assert flag["evaluator"] == "Ada"
    assert flag["criterion"] == "claim-verification"
    assert calibration(store, "Nobody")["overall_alpha"] is None


def test_bundle_moves_twice_without_duplicates(tmp_path, store):
    sid = synthetic_session(store, candidate="Zoë Ðặng", segments=6, evidence=2, audio_dir=store.root / "audio")
    store.rate(session_id=sid, criterion="judgment", evaluator="Ada", score=3, reason="r")
    bundle = tmp_path / "s.bundle"
    info = export_bundle(store, [sid[:8]], bundle)
    assert info["audio"] == 1
    other = Store(tmp_path / "b" / "db.sqlite3")
    try:
        first = import_bundle(other, bundle)
        assert first.added["sessions"] == 1
        assert first.audio_added == 1
        assert not first.conflicts
        second = import_bundle(other, bundle)
        assert second.added == {}
        assert second.audio_added == 0
        assert other.t("sessions").count == 1
        assert other.t("segments").count == store.t("segments").count
        assert review.search(other, store.segments(sid)[0].text.split()[0])
        # ...and back again: nothing new, nothing duplicated.
        back = tmp_path / "back.bundle"
        export_bundle(other, [sid], back)
        again = import_bundle(store, back)
        assert again.added == {}
        assert store.t("sessions").count == 1
        assert other.integrity_check() == "ok"
        # A changed row is reported, not overwritten.
        other.update_evidence(other.evidence(sid)[0].id, actor="x", note="changed on laptop B")
        export_bundle(other, [sid], back)
        clash = import_bundle(store, back)
        assert clash.conflicts and clash.conflicts[0]["table"] == "evidence"
        assert store.evidence(sid)[0].note != "changed on laptop B"
    finally:
        other.close()


def test_damaged_bundle_is_refused_whole(tmp_path, store):
    sid = synthetic_session(store, segments=3, evidence=1, audio_dir=store.root / "audio")
    bundle = tmp_path / "s.bundle"
    export_bundle(store, [sid], bundle)
    with zipfile.ZipFile(bundle) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["rows.json"] = members["rows.json"].replace(b"Ann", b"Bob")
    broken = tmp_path / "broken.bundle"
    with zipfile.ZipFile(broken, "w") as z:
        for n, d in members.items():
            z.writestr(n, d)
    other = Store(tmp_path / "c" / "db.sqlite3")
    try:
        with pytest.raises(UserError, match="checksum"):
            import_bundle(other, broken)
        assert other.t("sessions").count == 0
        cut = tmp_path / "cut.bundle"
        cut.write_bytes(bundle.read_bytes()[:300])
        with pytest.raises(UserError, match="damaged"):
            import_bundle(other, cut)
        assert other.t("candidates").count == 0
    finally:
        other.close()
