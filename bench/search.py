"""Full-text search speed over a large store: `python bench/search.py [--sessions N] [--segments N] [--queries N]`.

Builds, in a temporary directory, a store of N sessions x M interview-like segments (bulk inserts in
one transaction; the FTS index is kept by the store's own triggers, as in the app), then times
`interviewer.notes.review.editing.search` (ranking, highlighting and joins included) over varied queries.

Prints JSON {"sessions", "segments", "p50_ms", "p95_ms"} on stdout; build and detail on stderr.
Target: p95 <= 50 ms at 1,000 sessions x 600 segments.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from interviewer.notes.review.editing import search
from interviewer.notes.store.database import Store

TOPICS: dict[str, list[str]] = {
    "latency": ["latency", "p95", "p99", "tail", "cache", "timeout", "throughput", "profiling", "flamegraph",
                "milliseconds", "hot path", "connection pool"],
    "kubernetes": ["kubernetes", "pods", "helm", "autoscaler", "node pool", "ingress", "sidecar", "deployment",
                   "rollout", "canary", "namespace", "operator"],
    "kafka": ["kafka", "consumer lag", "partitions", "offsets", "topic", "stream processing", "exactly once",
              "backpressure", "schema registry", "retention", "compaction", "producer"],
    "databases": ["postgres", "index", "query planner", "vacuum", "replication", "sharding", "migration",
                  "deadlock", "transaction", "read replica", "schema", "sqlite"],
    "ml": ["model", "training", "evaluation", "embeddings", "fine tuning", "feature store", "drift", "labels",
           "precision", "recall", "inference", "gpu"],
    "evaluation": ["harness", "benchmark", "golden set", "regression", "annotators", "agreement", "rubric",
                   "hallucination", "eval suite", "ground truth", "ablation", "baseline"],
    "incidents": ["outage", "postmortem", "pager", "on call", "rollback", "root cause", "alert", "runbook",
                  "incident", "blast radius", "mitigation", "sev1"],
    "testing": ["unit tests", "integration tests", "flaky", "coverage", "fixtures", "mocks", "ci pipeline",
                "property based", "fuzzing", "snapshot", "contract tests", "test pyramid"],
    "frontend": ["react", "bundle size", "hydration", "accessibility", "css", "render", "state management",
                 "typescript", "web vitals", "design system", "storybook", "lighthouse"],
    "security": ["oauth", "tokens", "secrets", "encryption", "audit log", "pentest", "vulnerability", "sso",
                 "least privilege", "threat model", "csrf", "rotation"],
    "people": ["mentoring", "hiring", "roadmap", "stakeholders", "code review", "design doc", "tradeoffs",
               "estimates", "deadline", "onboarding", "retro", "conflict"],
    "data": ["pipeline", "airflow", "dbt", "warehouse", "etl", "backfill", "spark", "parquet", "lineage",
             "data quality", "batch job", "dashboards"],
}
SUBJECTS = ["I", "we", "my team", "the platform team", "our group", "the on call engineer", "nobody",
            "the previous lead", "a junior engineer", "the customer"]
VERBS = ["rewrote", "measured", "owned", "debugged", "migrated", "designed", "proposed", "shipped", "reviewed",
         "simplified", "automated", "monitored", "replaced", "benchmarked", "documented", "split"]
CONNECTORS = ["because", "so that", "after", "before", "while", "and then", "but", "which meant", "until"]
FILLERS = ["honestly", "to be fair", "in the end", "at the time", "if I remember correctly", "basically",
           "for about six months", "every week", "in production", "on the critical path"]
QUESTIONS = ["Tell me about {a}.", "How did you measure {a}?", "Who owned {a} when {b} broke?",
             "What would you change about {a}?", "Why did you choose {a} over {b}?",
             "Walk me through the {a} incident.", "How did {a} affect {b}?"]
NAMES = ["Zoë Ðặng", "Sam Okafor", "Priya Raman", "Lucas Moreau", "Hana Sato", "Mateo García", "Amara Nwosu",
         "Jonas Berg", "Mei Lin", "Omar Haddad", "Ines Costa", "Noah Fischer", "Aisha Khan", "Leo Rossi"]


def sentence(rng: random.Random, topic: str) -> tuple[str, str]:
    terms = TOPICS[topic]
    other = TOPICS[rng.choice(list(TOPICS))]
    if rng.random() < 0.3:
        return "interviewer", rng.choice(QUESTIONS).format(a=rng.choice(terms), b=rng.choice(other))
    parts = [rng.choice(SUBJECTS), rng.choice(VERBS), "the", rng.choice(terms)]
    if rng.random() < 0.6:
        parts += [rng.choice(CONNECTORS), rng.choice(SUBJECTS), rng.choice(VERBS), "the", rng.choice(terms)]
    if rng.random() < 0.5:
        parts += ["from", str(rng.choice([40, 90, 120, 200, 350, 900, 1800, 3000])), "to",
                  str(rng.choice([10, 25, 60, 150, 400])), rng.choice(["ms", "percent", "seconds", "engineers"])]
    if rng.random() < 0.4:
        parts += [rng.choice(FILLERS), "with", rng.choice(other)]
    text = " ".join(parts)
    return "candidate", text[0].upper() + text[1:] + "."


def build(store: Store, sessions: int, segments: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    now = store.now()
    topics = list(TOPICS)
    with store.atomic():
        cands = [{"id": str(uuid.uuid4()), "name": f"{rng.choice(NAMES)} {i}", "email": None, "resume_path": None,
                  "resume_text": None, "created_at": now} for i in range(sessions)]
        store.t("candidates").insert_all(cands)
        rows = [{"id": str(uuid.uuid4()), "candidate_id": c["id"], "role_id": None, "kit_id": None,
                 "evaluator": "bench", "status": "complete", "started_at": now, "ended_at": now,
                 "duration_s": segments * 6.0, "audio_path": None, "sample_rate": 16000, "model": "bench",
                 "origin": "bench", "created_at": now} for c in cands]
        store.t("sessions").insert_all(rows)

        def segs() -> Iterator[dict[str, object]]:
            for s in rows:
                focus = rng.sample(topics, 3)  # each interview dwells on a few topics
                t = 0.0
                for _ in range(segments):
                    speaker, text = sentence(rng, rng.choice(focus) if rng.random() < 0.8 else rng.choice(topics))
                    dur = 1.5 + 0.35 * len(text.split())
                    yield {"id": str(uuid.uuid4()), "session_id": s["id"], "start": round(t, 3),
                           "end": round(t + dur, 3), "text": text, "speaker": speaker, "words": "[]",
                           "created_at": now}
                    t += dur + 0.5

        store.t("segments").insert_all(segs(), batch_size=2000)


def queries(rng: random.Random, n: int) -> list[str]:
    terms = [t for ts in TOPICS.values() for t in ts]
    kinds = [
        lambda: rng.choice(terms),                                     # one topic term
        lambda: f"{rng.choice(terms)} {rng.choice(terms)}",            # two terms
        lambda: f'"{rng.choice(terms)}"',                              # quoted, as users paste
        lambda: rng.choice(terms).split()[0][:4] + "*",                # prefix
        lambda: f"{rng.choice(VERBS)} {rng.choice(terms)}",            # verb + term
        lambda: f"{rng.choice([90, 200, 900, 1800])} {rng.choice(['ms', 'percent'])}",
        lambda: f"{rng.choice(VERBS)}",                                # a common word
        lambda: rng.choice(["zebra", "quantum annealing", "cobol mainframe", "kafka AND (", "NEAR(p95"]),
    ]
    return [rng.choice(kinds)() for _ in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=1000)
    ap.add_argument("--segments", type=int, default=600, help="per session")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--limit", type=int, default=50)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="interviewer-bench-") as tmp:
        store = Store(Path(tmp) / "db.sqlite3")
        try:
            t0 = time.perf_counter()
            build(store, args.sessions, args.segments)
            build_s = time.perf_counter() - t0
            size_mb = (Path(tmp) / "db.sqlite3").stat().st_size / 1e6
            print(f"built {args.sessions} sessions x {args.segments} segments in {build_s:.1f} s "
                  f"({size_mb:.0f} MB)", file=sys.stderr)
            rng = random.Random(11)
            for q in queries(rng, 10):  # warm the page cache; not timed
                search(store, q, limit=args.limit)
            times: list[tuple[float, str, int]] = []
            for q in queries(rng, args.queries):
                t = time.perf_counter()
                hits = search(store, q, limit=args.limit)
                times.append(((time.perf_counter() - t) * 1000, q, len(hits)))
        finally:
            store.close()
    ms = sorted(t for t, _, _ in times)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    for t, q, n in sorted(times, reverse=True)[:5]:
        print(f"slowest: {t:7.1f} ms  {n:3d} hits  {q!r}", file=sys.stderr)
    print(json.dumps({"sessions": args.sessions, "segments": args.sessions * args.segments,
                      "p50_ms": round(statistics.median(ms), 2), "p95_ms": round(p95, 2)}))


if __name__ == "__main__":
    main()
