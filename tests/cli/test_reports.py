"""`interviewer export ... --pdf`: the CLI glue of the PDF reports (interviewer.cli.reports)."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from interviewer.app import main
from interviewer.cli.reports import add_pdf_options, export_pdf
from interviewer.core.config import DataDir
from interviewer.core.errors import UserError
from interviewer.notes.store.database import Store
from tests.notes.reports.loop_interviews import CLAIMS, NAME, flat
from tests.notes.reports.role_interviews import ROLE, pdf_text


class FakeServices:
    def __init__(self) -> None:
        self.out = io.StringIO()

    def print(self, *args: object) -> None:
        print(*args, file=self.out)


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="interviewer")
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("export")
    p.add_argument("session", nargs="?")
    p.add_argument("--json", type=Path, default=None)
    add_pdf_options(p)
    return parser.parse_args(["export", *argv])


def test_cli_writes_each_report(store, tmp_path):
    sv = FakeServices()
    sid = store.built["Ravi Menon"]["session"]
    out = tmp_path / "ravi.pdf"
    assert export_pdf(parse(sid[:8], "--pdf", str(out)), sv, store) is True
    assert "Ravi Menon" in " ".join(pdf_text(out))
    assert sv.out.getvalue().strip() == str(out)
    out = tmp_path / "ravi-anon.pdf"
    assert export_pdf(parse(sid, "--pdf", str(out), "--anonymise"), sv, store) is True
    assert "Ravi" not in " ".join(pdf_text(out))
    out = tmp_path / "cmp.pdf"
    assert export_pdf(parse("--role", ROLE, "--compare", "--pdf", str(out)), sv, store) is True
    assert "Grace Okafor" in " ".join(pdf_text(out))
    out = tmp_path / "cal.pdf"
    assert export_pdf(parse("--role", ROLE, "--calibration", "--pdf", str(out)), sv, store) is True
    assert "Calibration" in " ".join(pdf_text(out))
    # nothing PDF-related asked: not handled here
    assert export_pdf(parse(sid, "--json", str(tmp_path / "x.json")), sv, store) is False


@pytest.mark.parametrize(("argv", "message"), [
    (["--role", ROLE, "--compare"], "--pdf"),
    (["SID", "--anonymise"], "--pdf"),
    (["--pdf", "OUT"], "which session"),
    (["SID", "--pdf", "OUT", "--compare"], "not both"),
    (["--role", ROLE, "--compare", "--calibration", "--pdf", "OUT"], "one of --compare or --calibration"),
    (["--compare", "--pdf", "OUT"], "--role"),
    (["--role", ROLE, "--pdf", "OUT"], "--compare or --calibration"),
    (["--role", ROLE, "--compare", "--anonymise", "--pdf", "OUT"], "--anonymise"),
    (["SID", "--role", ROLE, "--pdf", "OUT"], "--role"),
])
def test_cli_refuses_bad_combinations(store, tmp_path, argv, message):
    sid = store.built["Ravi Menon"]["session"]
    argv = [sid if a == "SID" else str(tmp_path / "o.pdf") if a == "OUT" else a for a in argv]
    with pytest.raises(UserError, match=message):
        export_pdf(parse(*argv), FakeServices(), store)
    assert not (tmp_path / "o.pdf").exists()


def test_cli_candidate_export(loop_store: Store, data_dir: DataDir, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    store = loop_store
    out = tmp_path / "cli" / "loop.pdf"
    store.close()
    base = ["--pdf", str(out), "--data-dir", str(data_dir.root)]
    assert main(["export", "--candidate", NAME, *base]) == 0
    assert out.exists() and CLAIMS[0] in flat(out)
    assert main(["export", "--candidate", NAME, "--role", "ML Engineer", *base]) == 2
    sid = store.built["sessions"][0]  # type: ignore[attr-defined]
    assert main(["export", sid, "--candidate", NAME, *base]) == 2
    assert main(["export", "--candidate", "Nobody Here", *base]) == 2
    assert main(["export", "--candidate", NAME, "--data-dir", str(data_dir.root)]) == 2
    assert "--candidate" in capsys.readouterr().err
