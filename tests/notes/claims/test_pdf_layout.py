"""Two-column PDFs are read one column at a time; pages drawn a column or a cell at a time keep pypdf's order."""

from __future__ import annotations

from pypdf import PdfReader

from interviewer.notes.claims.extract import claims_from_file
from interviewer.notes.claims.pdf_layout import Fragment, column_order
from interviewer.notes.claims.reader import read_resume
from tests.notes.claims.scoring import FIXTURES


def test_the_two_column_fixture_really_interleaves_in_plain_extraction() -> None:
    plain = PdfReader(FIXTURES / "two_column.pdf").pages[0].extract_text().splitlines()
    # the sidebar's "Skills" lands between the main column's lines
    assert plain.index("Skills") > plain.index("Profile")


def test_two_column_pdf_is_read_a_column_at_a_time() -> None:
    lines = [ln.strip() for ln in read_resume(FIXTURES / "two_column.pdf").lines]
    sidebar = ["Contact", "Kraków, Poland", "m.wisniewska@example.pl", "+48 601 234 567", "Skills",
               "Python, Go, Kubernetes", "Kafka, Airflow, dbt", "PyTorch, ONNX Runtime", "Languages",
               "Polish, English, German", "Education", "MSc Computer Science", "AGH University, 2016"]
    start = lines.index("Contact")
    assert lines[start:start + len(sidebar)] == sidebar
    assert lines.index("Profile") > lines.index("AGH University, 2016")


def test_two_column_claims_are_whole() -> None:
    texts = [c.text for c in claims_from_file(FIXTURES / "two_column.pdf")]
    assert "Moved feature computation off pandas to Polars, halving the nightly batch from 6 h to 3 h." in texts
    assert "Designed a Kafka ingestion layer handling 1.5 billion events per day." in texts
    assert not any("Python, Go" in t or "Polish" in t for t in texts)


def test_table_and_single_column_pdfs_keep_pypdf_order() -> None:
    for name in ("table_layout.pdf", "ml_engineer.pdf", "academic_cv.pdf"):
        reader = PdfReader(FIXTURES / name)
        expected = "\n".join(page.extract_text() for page in reader.pages)
        assert read_resume(FIXTURES / name).text == read_resume(FIXTURES / name).from_text(expected).text, name


def frag(text: str, x: float, y: float, order: int) -> Fragment:
    return Fragment(text, x, y, 10.0, order)


def test_column_order_from_positions() -> None:
    left = [frag(f"side {i}", 50, 700 - 14 * i, 0) for i in range(6)]
    right = [frag(f"main {i}", 250, 700 - 14 * i, 0) for i in range(6)]
    interleaved = [f for pair in zip(left, right, strict=True) for f in pair]
    numbered = [Fragment(f.text, f.x, f.y, f.size, i) for i, f in enumerate(interleaved)]
    text = column_order(numbered, 600)
    assert text is not None
    assert [ln for ln in text.splitlines() if ln] == [f"side {i}" for i in range(6)] + [f"main {i}" for i in range(6)]
    # drawn a column at a time: nothing to fix
    ordered = [Fragment(f.text, f.x, f.y, f.size, i) for i, f in enumerate(left + right)]
    assert column_order(ordered, 600) is None
    # one full-width line between the columns' first and last lines crosses the gutter: not two columns
    wide = [*numbered, frag("a long line that runs across the whole page from margin to margin", 50, 665, 99)]
    assert column_order(wide, 600) is None


def test_a_full_width_footer_is_read_after_the_columns() -> None:
    left = [frag(f"side {i}", 50, 700 - 14 * i, 0) for i in range(6)]
    right = [frag(f"main {i}", 250, 700 - 14 * i, 0) for i in range(6)]
    interleaved = [f for pair in zip(left, right, strict=True) for f in pair]
    footer = frag("Page 1 of 2 — Jane Doe — curriculum vitae, updated in the spring", 50, 40, 0)
    numbered = [Fragment(f.text, f.x, f.y, f.size, i) for i, f in enumerate([*interleaved, footer])]
    text = column_order(numbered, 600)
    assert text is not None
    assert [ln for ln in text.splitlines() if ln][-1] == footer.text
    assert [ln for ln in text.splitlines() if ln][:6] == [f"side {i}" for i in range(6)]


def test_a_table_drawn_cell_by_cell_keeps_its_rows() -> None:
    fragments: list[Fragment] = []
    for row in range(8):
        top = 760 - 60 * row
        for x, name in ((50, "role"), (250, "bullet")):
            fragments.extend(frag(f"{name} {row}.{i}", x, top - 12 * i, 0) for i in range(3))
    numbered = [Fragment(f.text, f.x, f.y, f.size, i) for i, f in enumerate(fragments)]
    assert column_order(numbered, 600) is None
