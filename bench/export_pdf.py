"""Exporting a long session's PDF report: `python bench/export_pdf.py [--segments 1500] [--evidence 200]`.

Builds a 90-minute session (1,500 segments with word timings, 200 evidence items, ratings of every criterion by
two evaluators, a few claim statuses, consent) in a temporary store and times `session_pdf` (the median of
--runs). Prints JSON {"segments","evidence","pages","seconds"}; target: at most 3 s.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pypdf import PdfReader

from interviewer.notes.prompts.kits import load_kit
from interviewer.notes.reports.session_report import session_pdf
from interviewer.notes.store.database import Store
from tests.builders import synthetic_session


def build(store: Store, segments: int, evidence: int) -> str:
    sid = synthetic_session(store, candidate="Zoë Ðặng", segments=segments, evidence=evidence,
                            seconds_per_segment=5400 / segments)
    cand = store.session(sid)["candidate_id"]
    store.record_consent(candidate_id=cand, session_id=sid, method="verbal", confirmed_by="Ada")
    items = store.evidence(sid)
    for n, c in enumerate(load_kit().criteria):
        mine = [e["id"] for e in items if e["criterion"] == c.key]
        store.rate(session_id=sid, criterion=c.key, evaluator="Ada", score=1 + n % 4, evidence_ids=mine[:3])
        store.rate(session_id=sid, criterion=c.key, evaluator="Bo", score=1 + (n + 1) % 4, evidence_ids=mine[3:5],
                   reason="" if mine[3:5] else "nothing tagged")
    store.add_claims(cand, [{"text": f"Claim {i}: shipped system {i} to production"} for i in range(6)])
    claims = [c["id"] for c in store.claims(cand)]
    for i, (claim, status) in enumerate(zip(claims, ["verified", "contradicted", "vague", "probing"], strict=False)):
        store.update_evidence(items[i]["id"], actor="Ada", claim_id=claim)
        store.set_claim_status(claim, status, actor="Ada", evidence_id=items[i]["id"] if i % 2 == 0 else None)
    return sid


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--segments", type=int, default=1500)
    ap.add_argument("--evidence", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="export-pdf-"))
    try:
        store = Store(tmp / "db.sqlite3")
        sid = build(store, args.segments, args.evidence)
        out = tmp / "report.pdf"
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            session_pdf(store, sid, out)
            times.append(time.perf_counter() - t0)
        pages = len(PdfReader(out).pages)
        store.close()
        print(json.dumps({"segments": args.segments, "evidence": args.evidence, "pages": pages,
                          "seconds": round(statistics.median(times), 3), "max_seconds": round(max(times), 3),
                          "runs": args.runs}))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
