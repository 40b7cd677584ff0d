"""The shape of the package (docs/architecture.md): no module over 700 lines, every package's tests beside it."""

from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "interviewer"
MAX_LINES = 700


def test_no_module_is_over_700_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_every_package_has_a_test_package_mirroring_it() -> None:
    packages = {p.parent.relative_to(PACKAGE) for p in PACKAGE.rglob("__init__.py")} - {Path()}
    missing = sorted(str(p) for p in packages if not (ROOT / "tests" / p / "__init__.py").exists())
    assert missing == []
