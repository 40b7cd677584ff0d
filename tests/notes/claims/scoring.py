"""Scoring claim extraction against the hand-marked fixtures: recall and false claims per resume."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interviewer.notes.claims.extract import claims_from_file
from interviewer.notes.claims.model import Claim

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "resumes"
FORMATS = (".txt", ".md", ".pdf", ".docx")


def norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w%$€£₹]+", " ", text.lower()).split())


def same_statement(expected: str, extracted: str) -> bool:
    e, c = norm(expected), norm(extracted)
    if e in c or c in e:
        return True
    et, ct = set(e.split()), set(c.split())
    return len(et & ct) / max(1, min(len(et), len(ct))) >= 0.8


def expected_for(stem: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{stem}.expected.json").read_text(encoding="utf-8"))
    return data


def resumes() -> list[Path]:
    """Every fixture resume with an expected-claims file, in every format it exists in."""
    stems = sorted(p.name.split(".")[0] for p in FIXTURES.glob("*.expected.json"))
    return [p for stem in stems for p in sorted(FIXTURES.glob(f"{stem}.*")) if p.suffix in FORMATS]


@dataclass
class Score:
    path: Path
    expected: list[str]
    claims: list[Claim]
    missed: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)

    @property
    def found(self) -> int:
        return len(self.expected) - len(self.missed)

    @property
    def recall(self) -> float:
        return self.found / max(1, len(self.expected))


def score(path: Path) -> Score:
    expected: list[str] = expected_for(path.name.split(".")[0])["claims"]
    claims = claims_from_file(path)
    texts = [c.text for c in claims]
    result = Score(path, expected, claims)
    result.missed = [e for e in expected if not any(same_statement(e, t) for t in texts)]
    result.false = [t for t in texts if not any(same_statement(e, t) for e in expected)]
    return result


def table(scores: list[Score]) -> str:
    lines = [f"{'resume':32} {'found':>7} {'recall':>7} {'false':>5}"]
    lines.extend(f"{s.path.name:32} {s.found:>3}/{len(s.expected):<3} {s.recall:>7.0%} {len(s.false):>5}"
                 for s in scores)
    total = sum(len(s.expected) for s in scores)
    found = sum(s.found for s in scores)
    lines.append(f"{'all':32} {found:>3}/{total:<3} {found / max(1, total):>7.1%} "
                 f"{sum(len(s.false) for s in scores):>5}")
    return "\n".join(lines)


if __name__ == "__main__":
    all_scores = [score(p) for p in resumes()]
    print(table(all_scores))
    for s in all_scores:
        for m in s.missed:
            print(f"MISSED {s.path.name}: {m}")
        for f in s.false:
            print(f"FALSE  {s.path.name}: {f}")
