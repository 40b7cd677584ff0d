"""Files users wrote in the data dir (exports, bundles, PDFs, copies) and the text they hold.

What the app itself keeps in the data dir (the database and its journals, recordings, backups, kits, the key
and policy files) is not a user file; every other file there is something a user wrote: erasure and retention
look inside those.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from interviewer.core.config import DataDir
from interviewer.core.errors import UserError
from interviewer.core.files import TEMP_SUFFIX
from interviewer.core.vault import Vault, is_sealed
from interviewer.notes.privacy.disk import data_dir_of
from interviewer.notes.privacy.mentions import Mentions
from interviewer.notes.privacy.retention_policy import POLICY_FILE

_APP_FILES = {"encryption.json", POLICY_FILE}
_APP_DIRS = {"audio", "backups", "kits"}
_MAX_TEXT_MEMBER = 256 << 20


def user_files(data_dir: DataDir | Path) -> list[Path]:
    """Files in the data dir that the app does not keep for itself: exports, bundles and copies written there
    (the database and its journals, recordings, backups, kits, the key and policy files are not; nor are
    temporary files, which the next start sweeps)."""
    dd = data_dir_of(data_dir)
    db = dd.db_path.name
    out: list[Path] = []
    if not dd.root.is_dir():
        return out
    for path in sorted(dd.root.rglob("*")):
        rel = path.relative_to(dd.root)
        if rel.parts[0] in _APP_DIRS or (path.is_dir() and not path.is_symlink()):
            continue
        if len(rel.parts) == 1 and (path.name in _APP_FILES or path.name.startswith(db)):
            continue
        if path.name.startswith(".") and path.name.endswith(TEMP_SUFFIX):
            continue
        out.append(path)
    return out


def file_text(path: Path, vault: Vault | None) -> str:
    """The text a file holds, for finding what it is about: a zip's (a bundle's) members but its audio, a PDF's
    extracted text, else its bytes as UTF-8; sealed files are read through the vault. OSError or UserError when
    it cannot be read."""
    sealed = is_sealed(path)
    with (vault.reader(path) if sealed and vault is not None else path.open("rb")) as f:
        if sealed and vault is None:
            raise UserError("is encrypted", path=path)
        head = f.read(8)
        f.seek(0)
        if head[:4] == b"PK\x03\x04":
            try:
                with zipfile.ZipFile(f) as z:
                    return "\n".join(z.read(i).decode("utf-8", errors="replace") for i in z.infolist()
                                     if not i.filename.startswith("audio/") and i.file_size <= _MAX_TEXT_MEMBER)
            except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, RuntimeError):
                f.seek(0)
        raw = f.read(_MAX_TEXT_MEMBER + 1)
        if len(raw) > _MAX_TEXT_MEMBER:
            raise UserError("is too large to look inside", path=path)
    text = raw.decode("utf-8", errors="replace")
    if head[:5] == b"%PDF-":
        from interviewer.notes.claims.reader import _pdf_text  # the hardened reader for untrusted PDFs

        text += "\n" + _pdf_text(raw, path)
    return text


def mentioning_files(data_dir: DataDir, mentions: Mentions, vault: Vault | None = None) -> list[Path]:
    """Files users wrote in the data dir (`user_files`) whose path or text mentions the candidate."""
    found: list[Path] = []
    for path in user_files(data_dir):
        rel = path.relative_to(data_dir.root).as_posix()
        if mentions.path(rel.removeprefix("exports/")):
            found.append(path)
            continue
        if path.is_symlink():
            continue
        try:
            text = file_text(path, vault)
        except (OSError, UserError):
            found.append(path)  # cannot tell: removing is the safe side
            continue
        if mentions(text):
            found.append(path)
    return found
