"""Read a resume (.txt, .md, .pdf, .docx) into lines of plain text.

Every problem the user can fix is raised as `ResumeError`, one line naming the file. Third-party
parsers (pypdf, python-docx) see untrusted bytes and may fail in any way; those failures are
turned into `ResumeError` too, so callers only ever handle one exception type.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from interviewer.core.errors import UserError
from interviewer.notes.claims.pdf_layout import page_text

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, ".pdf", ".docx")

# Limits that bound the time and memory a hostile file can cost. A long resume is 20 pages, about 60,000
# characters; claims extraction costs about 17 s and 170 MB per million characters, and python-docx about 2-7 ms
# per paragraph, so the limits below keep any accepted file to a few seconds.
MAX_TEXT_BYTES = 1_000_000  # a plain-text resume this large is not a resume
MAX_TEXT_CHARS = 200_000  # the text read from any resume, extracted from a PDF or .docx too
MAX_BINARY_BYTES = 25_000_000  # PDFs and .docx files carry fonts and images as well as text
MAX_PDF_PAGES = 60
MAX_PDF_CONTENT_BYTES = 4_000_000  # decoded page content streams: pypdf extracts about 0.7 MB of them a second
MAX_DOCX_XML_BYTES = 10_000_000  # uncompressed word/document.xml: refuses zip bombs
MAX_DOCX_PARAGRAPHS = 2_000  # <w:p> elements, counted before python-docx parses any

# Word marks list paragraphs with a numbering property instead of a bullet character.
_W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Bullet glyphs as PDF text extraction tends to return them: DEL and C1 0x95 from WinAnsi fonts, and
# private-use code points from Word's Symbol and Wingdings bullets.
_BULLET_GLYPHS = {0x7F: "•", 0x95: "•", 0xF0B7: "•", 0xF0A7: "▪", 0xF076: "•", 0xF0D8: "•", 0xF0FC: "•",
                  0xF0A8: "•", 0xF06E: "▪", 0xF071: "▪"}


class ResumeError(UserError):
    """A resume file cannot be read; the message names the file."""


@dataclass(frozen=True)
class ResumeDoc:
    """The text of one resume, as lines in reading order."""

    lines: tuple[str, ...]
    path: Path | None = None
    format: str = "txt"

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @classmethod
    def from_text(cls, text: str, *, path: Path | None = None, fmt: str = "txt") -> ResumeDoc:
        return cls(tuple(_clean_lines(text)), path, fmt)


def _clean_lines(text: str) -> list[str]:
    """Normalise compatibility characters (ligatures, no-break spaces), drop control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_BULLET_GLYPHS)
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\t", "    ").replace("\u00ad", "").replace("\u200b", "")
    return [_CONTROL.sub("", line).rstrip() for line in text.split("\n")]


def read_resume(path: Path | str) -> ResumeDoc:
    """Read a resume file; raise `ResumeError` with a one-line reason for anything unusable."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".doc":
        raise ResumeError("old Word .doc files are not supported; save it as .docx or PDF", path=p)
    if suffix not in SUPPORTED_SUFFIXES:
        shown = f"'{p.suffix}'" if p.suffix else "no extension"
        raise ResumeError(f"unsupported resume format ({shown}); use .txt, .md, .pdf or .docx", path=p)
    try:
        if not p.exists():
            raise ResumeError("no such file", path=p)
        if p.is_dir():
            raise ResumeError("is a folder, not a resume file", path=p)
        size = p.stat().st_size
        limit = MAX_TEXT_BYTES if suffix in TEXT_SUFFIXES else MAX_BINARY_BYTES
        if size > limit:
            raise ResumeError(f"too large for a resume ({size / 1e6:.1f} MB; the limit is "
                              f"{limit / 1e6:.0f} MB)", path=p)
        if size == 0:
            raise ResumeError("the file is empty", path=p)
        raw = p.read_bytes()
    except OSError as exc:
        raise ResumeError(f"cannot read the file: {exc.strerror or exc}", path=p) from None

    if suffix == ".pdf":
        text = _pdf_text(raw, p)
        fmt = "pdf"
    elif suffix == ".docx":
        text = _docx_text(raw, p)
        fmt = "docx"
    else:
        text = _decode_text(raw, p)
        fmt = "md" if suffix in (".md", ".markdown") else "txt"

    if len(text) > MAX_TEXT_CHARS:
        raise ResumeError(f"too large for a resume ({len(text):,} characters of text; the limit is "
                          f"{MAX_TEXT_CHARS:,})", path=p)
    doc = ResumeDoc.from_text(text, path=p, fmt=fmt)
    if not any(line.strip() for line in doc.lines):
        if fmt == "pdf":
            raise ResumeError("the PDF has no extractable text (a scanned image?); "
                              "export it as text or run OCR first, or type the claims by hand in the app's setup "
                              "dialog", path=p)
        raise ResumeError("the file is empty (no text found)", path=p)
    return doc


def _decode_text(raw: bytes, path: Path) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise ResumeError("cannot decode the text (it claims UTF-16 but is not)", path=path) from None
    else:
        for encoding in ("utf-8", "utf-8-sig", "cp1252"):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            break
        else:
            raise ResumeError("cannot decode the text (tried UTF-8 and Windows-1252); "
                              "save it as UTF-8", path=path)
    text = text.removeprefix("\ufeff")
    if "\x00" in text or len(_CONTROL.findall(text)) > max(8, len(text) // 50):
        raise ResumeError("does not look like a text file (binary content)", path=path)
    return text


_LOCKED_PDF = "the PDF is password-protected; remove the password and try again"


@contextmanager
def _quiet_parsers() -> Iterator[None]:
    """pypdf reports damaged files through warnings and logging; the ResumeError says it once, clearly."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _pdf_text(raw: bytes, path: Path) -> str:
    if b"%PDF" not in raw[:1024]:
        raise ResumeError("not a PDF file (no PDF header)", path=path)
    with _quiet_parsers():
        try:
            return _pdf_pages_text(raw, path)
        except ResumeError:
            raise
        except RecursionError:
            raise ResumeError("the PDF is damaged (its structure nests too deeply)", path=path) from None
        except Exception as exc:  # noqa: BLE001 - untrusted bytes: any parser failure is a bad file
            from pypdf.errors import FileNotDecryptedError

            if isinstance(exc, FileNotDecryptedError):
                raise ResumeError(_LOCKED_PDF, path=path) from None
            raise ResumeError(f"the PDF is damaged or unreadable ({_short(exc)})", path=path) from None


def _pdf_pages_text(raw: bytes, path: Path) -> str:
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError

    reader = PdfReader(io.BytesIO(raw), strict=False)
    if reader.is_encrypted:
        try:  # many PDFs are encrypted only to restrict printing, with an empty user password
            opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
        except (DependencyError, NotImplementedError):
            opened = False
        if not opened:
            raise ResumeError(_LOCKED_PDF, path=path)
    if len(reader.pages) > MAX_PDF_PAGES:
        raise ResumeError(f"too large for a resume ({len(reader.pages)} pages; the limit is {MAX_PDF_PAGES})",
                          path=path)
    parts: list[str] = []
    total = 0
    content = 0
    for page in reader.pages:
        stream = page.get_contents()
        content += len(stream.get_data()) if stream is not None else 0
        if content > MAX_PDF_CONTENT_BYTES:  # a 30 kB file can hold minutes of text drawing, compressed
            raise ResumeError(f"too large for a resume (its pages hold over {MAX_PDF_CONTENT_BYTES / 1e6:.0f} MB of "
                              "drawing instructions; the limit bounds the time reading it takes)", path=path)
        chunk = page_text(page)
        total += len(chunk)
        if total > MAX_TEXT_CHARS:
            raise ResumeError(f"too large for a resume (over {MAX_TEXT_CHARS:,} characters of text)", path=path)
        parts.append(chunk)
    return "\n".join(parts)


def _docx_text(raw: bytes, path: Path) -> str:
    buf = io.BytesIO(raw)
    if not zipfile.is_zipfile(buf):
        raise ResumeError("not a Word .docx file (it is not a zip archive; an old .doc renamed?)", path=path)
    try:
        with zipfile.ZipFile(buf) as zf:
            names = set(zf.namelist())
            xml_size = zf.getinfo("word/document.xml").file_size if "word/document.xml" in names else -1
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ResumeError(f"a damaged zip archive, not a readable .docx ({_short(exc)})", path=path) from None
    if xml_size < 0 or "[Content_Types].xml" not in names:
        raise ResumeError("a zip archive but not a Word document (no word/document.xml)", path=path)
    if xml_size > MAX_DOCX_XML_BYTES:
        raise ResumeError(f"too large for a resume (its document.xml is over {MAX_DOCX_XML_BYTES / 1e6:.0f} MB; "
                          "the limit bounds the time reading it takes)", path=path)
    try:
        paragraphs = _docx_paragraphs(raw)
    except Exception as exc:  # noqa: BLE001 - untrusted bytes: zipfile and zlib fail in many ways
        raise ResumeError(f"a damaged zip archive, not a readable .docx ({_short(exc)})", path=path) from None
    if paragraphs > MAX_DOCX_PARAGRAPHS:
        raise ResumeError(f"too large for a resume ({paragraphs:,} paragraphs; the limit is "
                          f"{MAX_DOCX_PARAGRAPHS:,})", path=path)

    with _quiet_parsers():
        try:
            return "\n".join(_docx_lines(raw))
        except RecursionError:
            raise ResumeError("the .docx is damaged (its structure nests too deeply)", path=path) from None
        except Exception as exc:  # noqa: BLE001 - untrusted bytes: any parser failure is a bad file
            raise ResumeError(f"the .docx is damaged or not a Word document ({_short(exc)})",
                              path=path) from None


def _docx_paragraphs(raw: bytes) -> int:
    """The paragraph elements (<w:p>, under any namespace prefix) of word/document.xml, counted in its bytes (its
    size is checked first)."""
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        xml = zf.read("word/document.xml")
    return len(re.findall(rb"<(?:[A-Za-z_][\w.-]*:)?p[\s>/]", xml))


def _docx_lines(raw: bytes) -> list[str]:
    """Paragraphs and table cells in reading order; list paragraphs get the bullet Word draws for them."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    def paragraph_text(par: Paragraph) -> str:
        text = par.text
        ppr = par._p.pPr  # a list paragraph carries <w:numPr>; its bullet is not in the text
        is_list = ppr is not None and ppr.find(f"{_W_NS}numPr") is not None
        style = par.style.name if par.style is not None and par.style.name else ""
        if (is_list or style.startswith("List")) and text.strip():
            return "• " + text.strip()
        return text

    def table_lines(table: Table) -> list[str]:
        out: list[str] = []
        for row in table.rows:
            seen: set[int] = set()
            for cell in row.cells:
                if id(cell._tc) in seen:  # a merged cell is listed once per grid column
                    continue
                seen.add(id(cell._tc))
                for inner in cell.iter_inner_content():
                    if isinstance(inner, Paragraph):
                        out.append(paragraph_text(inner))
                    else:
                        out.extend(table_lines(inner))
        return out

    document = docx.Document(io.BytesIO(raw))
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(paragraph_text(block))
        else:
            lines.extend(table_lines(block))
    return lines


def _short(exc: BaseException) -> str:
    msg = " ".join(str(exc).split()) or type(exc).__name__
    return msg if len(msg) <= 80 else msg[:77] + "..."
