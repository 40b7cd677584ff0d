"""Calibration across candidates and evaluators: do the evaluators hold the same bar?

* Ordinal Krippendorff's alpha with evaluators as coders: per criterion the units are the role's sessions;
  overall the units are every session × criterion.
* Leniency: each evaluator's mean offset from the rest of the panel on the units they share.
* Flags: ratings whose linked evidence points the other way (a high score backed only by concerns, a low
  score backed only by supporting evidence).

Advisory numbers about evaluators' agreement; nothing here scores a candidate.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import krippendorff
import numpy as np

from interviewer.notes.store.database import Store
from interviewer.notes.store.records import RatingRecord

SCORES = (1, 2, 3, 4)


def ordinal_alpha(matrix: Sequence[Sequence[float]], value_domain: Sequence[int] = SCORES) -> float | None:
    """Krippendorff's alpha (ordinal) for coders × units with NaN for missing; None when undefined
    (fewer than two coders on any unit, or no variation at all)."""
    data = np.asarray(matrix, dtype=float)
    if data.ndim != 2 or data.shape[0] < 2:
        return None
    columns = np.sum(~np.isnan(data), axis=0) >= 2
    if not columns.any():
        return None
    paired = data[:, columns]
    values = paired[~np.isnan(paired)]
    if len(np.unique(values)) < 2:  # only the paired values count: no variation there, no alpha
        return None
    domain = sorted(set(value_domain) | {int(v) for v in values})
    alpha = float(krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal", value_domain=domain))
    return None if math.isnan(alpha) else round(alpha, 4)


def _matrix(units: list[Any], coders: list[str], score: dict[tuple[Any, str], int]) -> list[list[float]]:
    return [[float(score.get((u, c), math.nan)) for u in units] for c in coders]


def calibration(store: Store, role: str | None = None) -> dict[str, Any]:
    """The public JSON of `interviewer calibration [--role ROLE] --format json`."""
    ratings = store.all_ratings(role)
    coders = sorted({r.evaluator for r in ratings})
    score = {((r.session_id, r.criterion), r.evaluator): int(r.score) for r in ratings}
    criteria: dict[str, Any] = {}
    for key in sorted({r.criterion for r in ratings}):
        rows = [r for r in ratings if r.criterion == key]
        sessions = sorted({r.session_id for r in rows})
        per = {(r.session_id, r.evaluator): int(r.score) for r in rows}
        raters = sorted({r.evaluator for r in rows})
        criteria[key] = {
            "alpha": ordinal_alpha(_matrix(sessions, raters, per)),
            "units": len(sessions), "ratings": len(rows), "evaluators": raters,
            "mean_score": round(sum(per.values()) / len(per), 3) if per else None,
        }
    units = sorted({(r.session_id, r.criterion) for r in ratings})
    overall = ordinal_alpha(_matrix(units, coders, score))

    offsets: dict[str, list[float]] = defaultdict(list)
    by_unit: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for (unit, coder), s in score.items():
        by_unit[unit][coder] = s
    for scores in by_unit.values():
        if len(scores) < 2:
            continue
        for coder, s in scores.items():
            others = [v for c, v in scores.items() if c != coder]
            offsets[coder].append(s - sum(others) / len(others))
    evaluators = {c: {"offset": round(sum(offsets[c]) / len(offsets[c]), 3) if offsets[c] else None,
                      "n": len(offsets[c]), "ratings": sum(1 for r in ratings if r.evaluator == c)}
                  for c in coders}
    return {"role": role, "overall_alpha": overall, "criteria": criteria, "evaluators": evaluators,
            "flags": polarity_flags(store, ratings)}


def polarity_flags(store: Store, ratings: list[RatingRecord]) -> list[dict[str, Any]]:
    flags = []
    for r in ratings:
        ids = r.evidence_ids
        if not ids:
            continue
        pol = [e.polarity for e in store.evidence(r.session_id) if e.id in ids]
        if not pol:
            continue
        if r.score >= 3 and all(p == "concern" for p in pol):
            why = "a high score whose linked evidence is all concerns"
        elif r.score <= 2 and all(p == "supports" for p in pol):
            why = "a low score whose linked evidence all supports the candidate"
        else:
            continue
        flags.append({"session": r.session_id, "candidate": r.candidate, "criterion": r.criterion,
                      "evaluator": r.evaluator, "score": r.score, "evidence": ids, "reason": why})
    return flags
