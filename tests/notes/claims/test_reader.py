"""Reading resumes: every fixture format, and every kind of bad input raising ResumeError naming the file."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from interviewer.core.errors import UserError
from interviewer.notes.claims import reader as resume
from interviewer.notes.claims.reader import ResumeDoc, ResumeError, read_resume

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "resumes"
FIXTURE_FILES = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".md", ".pdf", ".docx"))


def _raises(path: Path, fragment: str) -> ResumeError:
    with pytest.raises(ResumeError) as info:
        read_resume(path)
    message = str(info.value)
    assert path.name in message, message
    assert "\n" not in message, "user-facing errors are one line"
    assert fragment in message.lower(), message
    assert info.value.path == path
    return info.value


def _text_pdf(path: Path, lines: list[str]) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    y = 800
    for line in lines:
        c.drawString(72, y, line)
        y -= 14
    c.save()
    return path


# ------------------------------------------------------------------ good input

def test_there_are_six_resumes_in_at_least_two_formats_each() -> None:
    stems: dict[str, set[str]] = {}
    for p in FIXTURE_FILES:
        stems.setdefault(p.stem, set()).add(p.suffix)
    assert len(stems) >= 8
    for stem, suffixes in stems.items():
        assert len(suffixes) >= 2, stem
        assert (FIXTURES / f"{stem}.expected.json").is_file(), stem


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_every_fixture_reads_to_lines_of_text(path: Path) -> None:
    doc = read_resume(path)
    assert isinstance(doc, ResumeDoc)
    assert doc.path == path
    assert doc.format == path.suffix.lstrip(".")
    lines = [ln for ln in doc.lines if ln.strip()]
    assert len(lines) >= 8
    # every format gives the words of every accomplishment the resume states
    expected = json.loads((FIXTURES / f"{path.stem}.expected.json").read_text(encoding="utf-8"))["claims"]
    flat = " ".join(doc.text.split())
    for statement in expected:
        assert " ".join(statement.split()[:5]) in flat, statement


def test_pdf_bullet_glyphs_come_back_as_bullets() -> None:
    doc = read_resume(FIXTURES / "ml_engineer.pdf")
    bullets = [ln for ln in doc.lines if ln.lstrip().startswith("•")]
    assert len(bullets) == 9
    assert not any("\x7f" in ln for ln in doc.lines)


def test_docx_list_paragraphs_get_a_bullet_and_tables_are_read_in_order(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Experience")
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Senior Engineer — Acme (2020–2023)"
    table.cell(0, 1).paragraphs[0].text = "Built the billing pipeline"
    d.add_paragraph("Cut costs by 20%", style="List Bullet")
    path = tmp_path / "table.docx"
    d.save(str(path))
    lines = [ln for ln in read_resume(path).lines if ln]
    assert lines == ["Experience", "Senior Engineer — Acme (2020–2023)", "Built the billing pipeline",
                     "• Cut costs by 20%"]


@pytest.mark.parametrize(("data", "expected"), [
    ("Built the café search\n".encode(), "Built the café search"),
    ("\ufeffBuilt the café search\n".encode(), "Built the café search"),
    ("Built the café search\n".encode("cp1252"), "Built the café search"),
    ("• Built the café search\n".encode("cp1252"), "• Built the café search"),
    ("Built the café search\n".encode("utf-16"), "Built the café search"),
    (b"Built\r\nthe search\r\n", "Built\nthe search"),
])
def test_text_encodings(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "cv.txt"
    path.write_bytes(data)
    assert read_resume(path).text.strip() == expected


def test_ligatures_and_no_break_spaces_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "cv.md"
    path.write_text("Ran the o\ufb03ce\u00a0search", encoding="utf-8")
    assert read_resume(path).lines == ("Ran the office search",)


def test_pdf_encrypted_with_an_empty_user_password_is_readable(tmp_path: Path) -> None:
    plain = _text_pdf(tmp_path / "plain.pdf", ["Built the ranking service"])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="", owner_password="owner-only")
    path = tmp_path / "restricted.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    assert "Built the ranking service" in read_resume(path).text


# ------------------------------------------------------------------ bad input

def test_missing_file(tmp_path: Path) -> None:
    _raises(tmp_path / "nobody.pdf", "no such file")


def test_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "cv.txt"
    folder.mkdir()
    _raises(folder, "folder")


@pytest.mark.parametrize("name", ["cv.rtf", "cv.odt", "cv", "cv.pages"])
def test_unsupported_extension(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("Built things", encoding="utf-8")
    _raises(path, "unsupported resume format")


def test_old_word_doc(tmp_path: Path) -> None:
    path = tmp_path / "cv.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    _raises(path, ".docx")


@pytest.mark.parametrize("suffix", [".txt", ".md", ".pdf", ".docx"])
def test_empty_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    _raises(path, "empty")


def test_whitespace_only_text_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text(" \n\t\n   \n", encoding="utf-8")
    _raises(path, "empty")


def test_empty_docx(tmp_path: Path) -> None:
    path = tmp_path / "blank.docx"
    docx.Document().save(str(path))
    _raises(path, "empty")


def test_encrypted_pdf(tmp_path: Path) -> None:
    plain = _text_pdf(tmp_path / "plain.pdf", ["Built the ranking service"])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="s3cret", owner_password="owner")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    _raises(path, "password")


def test_image_only_pdf(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.rect(50, 50, 400, 600, fill=1)
    c.save()
    _raises(path, "no extractable text")


def test_pdf_extension_on_something_else(tmp_path: Path) -> None:
    path = tmp_path / "cv.pdf"
    path.write_text("Built the ranking service", encoding="utf-8")
    _raises(path, "not a pdf")


def test_truncated_pdf(tmp_path: Path) -> None:
    raw = (FIXTURES / "ml_engineer.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(raw[: len(raw) // 2])
    _raises(path, "damaged")


def test_docx_that_is_a_zip_of_something_else(tmp_path: Path) -> None:
    path = tmp_path / "cv.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("photos/holiday.jpg", b"\xff\xd8\xff" + b"0" * 100)
        zf.writestr("notes.txt", "not a resume")
    _raises(path, "not a word document")


def test_spreadsheet_renamed_to_docx(tmp_path: Path) -> None:
    path = tmp_path / "cv.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    _raises(path, "not a word document")


def test_docx_that_is_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "cv.docx"
    path.write_text("Built the ranking service, honest", encoding="utf-8")
    _raises(path, "not a zip")


def test_docx_with_a_broken_document_part(tmp_path: Path) -> None:
    path = tmp_path / "cv.docx"
    good = io.BytesIO((FIXTURES / "ml_engineer.docx").read_bytes())
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = b"<w:document><unclosed" if info.filename == "word/document.xml" else src.read(info)
            dst.writestr(info.filename, data)
    _raises(path, "damaged")


def test_five_megabyte_text_file(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    line = "Built a thing that did another thing at scale for many users.\n"
    path.write_text(line * (5_000_000 // len(line) + 1), encoding="utf-8")
    assert path.stat().st_size > 5_000_000
    _raises(path, "too large for a resume")


def test_docx_with_too_much_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resume, "MAX_TEXT_CHARS", 500)
    _raises(FIXTURES / "ml_engineer.docx", "too large for a resume")


def test_pdf_with_too_many_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resume, "MAX_PDF_PAGES", 0)
    path = _text_pdf(tmp_path / "long.pdf", ["Built it"])
    _raises(path, "too large for a resume")


def test_undecodable_text(tmp_path: Path) -> None:
    path = tmp_path / "cv.txt"
    # 0x81 and 0x8d are undefined in Windows-1252 and invalid as UTF-8
    path.write_bytes(b"Built the \x81\x8d search")
    _raises(path, "cannot decode")


def test_binary_content_in_a_text_file(tmp_path: Path) -> None:
    path = tmp_path / "cv.md"
    path.write_bytes(b"\x00\x01\x02 Built it \x00" * 20)
    _raises(path, "binary")


def test_resume_error_is_a_user_error() -> None:
    assert issubclass(ResumeError, UserError)
    assert ResumeError.exit_code == 2


# ------------------------------------------------------------------ fuzz: random bytes never escape as anything else

def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


_random = st.binary(min_size=0, max_size=4096)
_payloads = {
    ".txt": _random,
    ".md": _random | st.text(max_size=2000).map(lambda s: s.encode("utf-8", "surrogatepass")),
    ".pdf": _random | _random.map(lambda b: b"%PDF-1.4\n" + b)
    | _random.map(lambda b: (FIXTURES / "ml_engineer.pdf").read_bytes()[:200] + b),
    ".docx": _random | st.tuples(_random, _random).map(
        lambda pair: _zip_bytes({"[Content_Types].xml": pair[0], "word/document.xml": pair[1]})),
}


@pytest.mark.parametrize("suffix", sorted(_payloads))
def test_random_bytes_raise_only_resume_error(suffix: str) -> None:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=_payloads[suffix])
    def check(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"fuzz{suffix}"
            path.write_bytes(data)
            message = ""
            try:
                doc = read_resume(path)
            except ResumeError as exc:
                message = str(exc)
            if message:
                assert path.name in message
                assert "\n" not in message
            else:
                assert any(line.strip() for line in doc.lines)

    check()
