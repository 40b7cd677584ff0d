"""`interviewer claims` on a 10-page resume: `python bench/claims.py [--pages 10] [--runs 3]`.

Builds a long resume from the fixture resumes' job sections (English and French, many jobs, a long
publication list) as .md, a .pdf of at least --pages pages (reportlab, via the fixtures' generator) and a
.docx, then times `claims_report` (reading, structure, claims, topics and probes, as the CLI does; the
median of --runs). Prints JSON {"pages","claims","seconds": {"md","pdf","docx"}}; target: under 2 s each.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pypdf import PdfReader

from interviewer.notes.prompts.claim_topics import claims_report
from interviewer.notes.prompts.kits import load_kit
from tests.fixtures.resumes.make_fixtures import parse, write_docx, write_pdf

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "resumes"
SOURCES = ("ml_engineer.md", "noun_phrases.md", "llm_engineer.md", "french.md", "academic_cv.md",
           "passive_voice.md", "engineering_manager.md", "data_lead.md", "table_layout.md", "functional.md")


def jobs(md: str) -> str:
    """The '## Experience'-like sections of a markdown resume, with their jobs and bullets."""
    out, keep = [], False
    for line in md.splitlines():
        if line.startswith("## "):
            keep = bool(re.search(r"Experience|Expérience|Appointments|Projects|Projets|Achievements", line))
        if keep:
            out.append(line)
    return "\n".join(out)


def long_resume(pages: int) -> str:
    parts = ["# Alex Example", "alex@example.com · Toronto", "", "## Summary",
             "Engineer with many jobs, written to be long.", ""]
    body = [jobs((FIXTURES / name).read_text(encoding="utf-8")) for name in SOURCES]
    publications = ["## Publications"] + [f"{i}. Example, A. ({2000 + i % 24}). A paper about evaluation number {i}. "
                                          f"In Proceedings of a Workshop, pp. {i}–{i + 9}." for i in range(1, 60)]
    n = 0
    while len("\n".join(parts)) < pages * 3200:
        section = body[n % len(body)].replace("### ", f"### (#{n}) ", 1)
        # each copy's bullets differ, so none is dropped as a duplicate claim
        parts.append(re.sub(r"(?m)^(- .*?)([.]?)$", rf"\1 in region {n}\2", section))
        parts.append("")
        n += 1
    return "\n".join([*parts, *publications, "", "## Skills", "Python, SQL, Go", ""])


def timed(path: Path, runs: int) -> tuple[float, int]:
    kit = load_kit()
    times, count = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        count = len(claims_report(path, kit))
        times.append(time.perf_counter() - start)
    return statistics.median(times), count


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        md = Path(tmp) / "long.md"
        md.write_text(long_resume(args.pages), encoding="utf-8")
        blocks = parse(md.read_text(encoding="utf-8"), plain=False)
        write_pdf(blocks, Path(tmp) / "long.pdf", plain=False, unicode=True)
        write_docx(blocks, Path(tmp) / "long.docx")
        pages = len(PdfReader(Path(tmp) / "long.pdf").pages)
        seconds, claims = {}, 0
        for suffix in ("md", "pdf", "docx"):
            seconds[suffix], claims = timed(Path(tmp) / f"long.{suffix}", args.runs)
    print(json.dumps({"pages": pages, "claims": claims, "seconds": {k: round(v, 3) for k, v in seconds.items()}}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
