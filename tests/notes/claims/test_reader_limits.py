"""Resume and kit readers under hostile input (issue 22): size and depth limits with one clear sentence, and
hypothesis fuzzing over the bytes of every format they read - never a traceback."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviewer.core.errors import KitError, UserError
from interviewer.notes.claims import reader as resume
from interviewer.notes.claims.reader import ResumeError, read_resume
from interviewer.notes.prompts.kits import MAX_KIT_BYTES, MAX_KIT_DEPTH, default_kit_path, load_kit, parse_kit

RESUMES = Path(__file__).resolve().parents[2] / "fixtures" / "resumes"
SEED_DOCX = (RESUMES / "ml_engineer.docx").read_bytes()
SEED_PDF = (RESUMES / "ml_engineer.pdf").read_bytes()
SEED_MD = (RESUMES / "ml_engineer.md").read_bytes()
SEED_KIT = default_kit_path().read_bytes()


def one_sentence(exc: BaseException, path: Path | str) -> None:
    """The message names the file, says what is wrong, on one line."""
    msg = str(exc)
    assert msg.startswith(str(path)), msg
    assert "\n" not in msg, msg
    assert len(msg) < 400, msg
    assert "Traceback" not in msg


def _docx_with_paragraphs(path: Path, n: int) -> Path:
    import docx

    doc = docx.Document()
    for i in range(n):
        doc.add_paragraph(f"Built pipeline number {i} and cut its latency by {i % 90} percent.")
    doc.save(str(path))
    return path


# ---------------------------------------------------------------- limits (failed before the fix)

def test_kit_nested_five_thousand_deep_is_one_sentence(tmp_path):
    """Was: RecursionError traceback from tomllib."""
    path = tmp_path / "deep.toml"
    path.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(KitError) as err:
        load_kit(path)
    one_sentence(err.value, path)
    assert "nests" in str(err.value) and str(MAX_KIT_DEPTH) in str(err.value)


def test_kit_nested_deeper_than_the_limit_but_parseable_is_refused(tmp_path):
    text = SEED_KIT.decode() + "\n[extra]\nx = " + "[" * (MAX_KIT_DEPTH + 1) + "]" * (MAX_KIT_DEPTH + 1) + "\n"
    with pytest.raises(KitError) as err:
        parse_kit(text, tmp_path / "k.toml")
    one_sentence(err.value, tmp_path / "k.toml")


def test_kit_too_large_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.toml"
    path.write_bytes(SEED_KIT + b"\n# " + b"x" * (MAX_KIT_BYTES + 10) + b"\n")
    with pytest.raises(KitError) as err:
        load_kit(path)
    one_sentence(err.value, path)
    assert "too large" in str(err.value) and f"{MAX_KIT_BYTES:,}" in str(err.value)


def test_docx_with_too_many_paragraphs_is_refused_before_python_docx_reads_it(tmp_path):
    """Was: a .docx holding megabytes of text in short paragraphs took minutes (python-docx resolves each
    paragraph's style by a search of all styles); the paragraphs are counted in the XML first."""
    path = _docx_with_paragraphs(tmp_path / "long.docx", resume.MAX_DOCX_PARAGRAPHS + 1)
    with pytest.raises(ResumeError) as err:
        read_resume(path)
    one_sentence(err.value, path)
    assert f"{resume.MAX_DOCX_PARAGRAPHS:,}" in str(err.value)


def test_a_resume_with_a_megabyte_of_text_is_refused_with_the_limit(tmp_path):
    """Was accepted up to 2 MB, and claims extraction then cost about 17 s and 170 MB per MB of text."""
    path = tmp_path / "long.md"
    line = "- Built the ranking service and cut p95 latency from 900 ms to 200 ms for search.\n"
    path.write_text(line * (900_000 // len(line)), encoding="utf-8")
    assert path.stat().st_size < resume.MAX_TEXT_BYTES
    with pytest.raises(ResumeError) as err:
        read_resume(path)
    one_sentence(err.value, path)
    assert f"{resume.MAX_TEXT_CHARS:,}" in str(err.value)


def test_pdf_whose_small_file_holds_minutes_of_text_drawing_is_refused_quickly(tmp_path):
    """Was: a 100 kB PDF whose compressed page decodes to megabytes of text-drawing operators kept pypdf busy
    for minutes (about 1.4 s per MB, per page, before the text limit could be checked)."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "dense.pdf"
    c = canvas.Canvas(str(path), pageCompression=1)
    for i in range(150_000):
        c.drawString(10 + i % 50, 10 + i % 700, "x")
    c.showPage()
    c.save()
    assert path.stat().st_size < 200_000
    with pytest.raises(ResumeError) as err:
        read_resume(path)
    one_sentence(err.value, path)
    assert "drawing instructions" in str(err.value)


def test_a_long_real_resume_is_still_read(tmp_path):
    """The limits leave room: forty pages' worth of text (a long resume is twenty)."""
    path = tmp_path / "long-but-real.md"
    path.write_bytes(SEED_MD * (120_000 // len(SEED_MD)))
    assert len(read_resume(path).text) > 100_000
    assert read_resume(_docx_with_paragraphs(tmp_path / "ok.docx", 400)).lines


# ---------------------------------------------------------------- fuzzing

@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """`seed` with a few bytes flipped, cut, duplicated or inserted."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "cut", "dup", "insert", "truncate"]))
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[pos] ^= draw(st.integers(1, 255))
        elif op == "cut":
            del data[pos:pos + draw(st.integers(1, 64))]
        elif op == "dup":
            data[pos:pos] = data[pos:pos + draw(st.integers(1, 64))]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        else:
            data = data[:pos]
    return bytes(data)


@st.composite
def docx_with_mutated_xml(draw: st.DrawFn) -> bytes:
    """A valid zip whose word/document.xml (or another part) is damaged: reaches python-docx's XML parsing."""
    target = draw(st.sampled_from(["word/document.xml", "word/styles.xml", "[Content_Types].xml",
                                   "word/_rels/document.xml.rels"]))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(SEED_DOCX)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == target:
                data = draw(mutated(data))
            dst.writestr(info.filename, data)
    return out.getvalue()


def _read_or_refuse(tmp_path: Path, suffix: str, data: bytes) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        doc = read_resume(path)
    except ResumeError as exc:
        one_sentence(exc, path)
    else:
        assert any(line.strip() for line in doc.lines)


FUZZ = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), mutated(SEED_MD)), suffix=st.sampled_from([".txt", ".md"]))
def test_fuzz_text_resumes(tmp_path, data, suffix):
    _read_or_refuse(tmp_path, suffix, data)


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), mutated(SEED_PDF)))
def test_fuzz_pdf_resumes(tmp_path, data):
    _read_or_refuse(tmp_path, ".pdf", data)


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), mutated(SEED_DOCX), docx_with_mutated_xml()))
def test_fuzz_docx_resumes(tmp_path, data):
    _read_or_refuse(tmp_path, ".docx", data)


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), mutated(SEED_KIT),
                      st.integers(1, 3000).map(lambda n: b"x = " + b"[" * n + b"]" * n),
                      st.integers(1, 3000).map(lambda n: b"x = " + b"{a = " * n + b"1" + b"}" * n)))
def test_fuzz_kit_files(tmp_path, data):
    path = tmp_path / "fuzz.toml"
    path.write_bytes(data)
    try:
        kit = load_kit(path)
    except UserError as exc:
        one_sentence(exc, path)
    else:
        assert kit.criteria
