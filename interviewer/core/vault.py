"""Encryption at rest for one data directory (opt-in: `interviewer init --encrypt`).

Keys
  passphrase --scrypt--> key-encryption key, which unwraps (AES-256-GCM) a random 256-bit data key kept
  in `encryption.json`. From the data key, HKDF-SHA256 derives the SQLCipher key of the database and the
  file key; every sealed file gets its own key, HKDF(file key, the file's random id). A wrong passphrase
  fails the unwrap (the GCM tag), so it is detected before any file is opened, and nothing is written.
  The passphrase can change later without re-encrypting anything (only the wrapped key changes).

Sealed files (audio, exports, kits and backups inside the data dir)
  A 32-byte header (magic, chunk size, file id) and fixed-size slots, each one AES-256-GCM message of up
  to CHUNK plaintext bytes: nonce (12) | plaintext length (4) | ciphertext | tag (16). The header, the
  slot's index and its length are authenticated with it, so slots cannot be swapped, moved between
  files or altered without the read failing. Slot i always starts at 32 + i * SLOT, which gives random
  access for reading and for the recorder's in-place header updates; every rewrite of a slot uses a fresh
  random nonce. The recorder writes each block straight through (the last slot is re-sealed as it
  grows), so after `kill -9` a sealed recording is as complete as a plain one. A slot torn by a power cut
  is dropped by `repair=True` (recovery), losing at most CHUNK bytes (half a second of audio).
  Known limit: cutting whole slots off the end of a file is not detected (that looks like a crash).
"""

from __future__ import annotations

import getpass
import io
import json
import os
import secrets
import struct
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from interviewer.core.errors import UserError

KEY_FILE = "encryption.json"
PASSPHRASE_ENV = "INTERVIEWER_PASSPHRASE"  # noqa: S105 - the variable's name, not a secret
KEYRING_SERVICE = "Interviewer"
SCHEME = "ivx1"

MAGIC = b"\x89IVX1\r\n\x1a"
HEADER = struct.Struct("<8sII16s")  # magic, chunk size, reserved, file id
CHUNK = 16384
NONCE = 12
TAG = 16
SLOT_HEAD = NONCE + 4


class EncryptionError(UserError):
    """An encrypted data dir or file cannot be opened; nothing was changed."""


class PassphraseRequiredError(EncryptionError):
    pass


class WrongPassphraseError(EncryptionError):
    pass


def key_file(root: Path) -> Path:
    return Path(root) / KEY_FILE


def is_encrypted(root: Path) -> bool:
    return key_file(root).exists()


def is_sealed(path: Path) -> bool:
    try:
        with Path(path).open("rb") as f:
            return f.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def _hkdf(key: bytes, info: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(key)


def _scrypt(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    try:
        secret = passphrase.encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8 (a terminal or environment in another encoding)
        raise EncryptionError("the passphrase is not valid UTF-8 text; check the encoding of your terminal or "
                              f"of ${PASSPHRASE_ENV}") from None
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(secret)


def _aead(key: bytes) -> Any:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


# ------------------------------------------------------------------------------------------ the vault
@dataclass(frozen=True)
class Vault:
    """The unlocked keys of one data dir. Never written anywhere; gone when the process ends."""

    root: Path
    data_key: bytes = field(repr=False)

    @property
    def db_key(self) -> bytes:
        return _hkdf(self.data_key, b"interviewer ivx1 sqlcipher")

    @property
    def _file_key(self) -> bytes:
        return _hkdf(self.data_key, b"interviewer ivx1 files")

    def sqlcipher_key_pragma(self) -> str:
        return f"PRAGMA key = \"x'{self.db_key.hex()}'\""

    def key_for(self, file_id: bytes) -> bytes:
        return _hkdf(self._file_key, b"file " + file_id)

    def open(self, path: Path | str, mode: str = "rb", *, repair: bool = False) -> SealedFile:
        return SealedFile(Path(path), self.key_for, mode, repair=repair)

    def read_bytes(self, path: Path | str) -> bytes:
        with self.open(path, "rb") as f:
            return f.read()

    def write_bytes(self, path: Path | str, data: bytes) -> Path:
        """Seal `data` into `path` atomically (temporary file, then rename), readable by the owner only."""
        from interviewer.core.files import TEMP_SUFFIX, private_dir, refuse_special, try_lock

        path = Path(path)
        refuse_special(path)
        private_dir(path.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
        try_lock(fd)  # held until the rename: the start-up sweep leaves it alone
        try:
            with self.open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            Path(tmp).replace(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        finally:
            os.close(fd)
        return path

    def reader(self, path: Path | str) -> IO[bytes]:
        """A buffered, seekable reader of a sealed file's plaintext (for soundfile, PyAV, zip)."""
        return io.BufferedReader(self.open(path, "rb"), buffer_size=CHUNK)


def create_vault(root: Path, passphrase: str, *, n: int = 2**15, r: int = 8, p: int = 1) -> Vault:
    """Make `root` an encrypted data dir. Refuses if it already is one, or already holds data."""
    root = Path(root)
    kf = key_file(root)
    if kf.exists():
        raise EncryptionError("is already encrypted", path=root)
    if len(passphrase) < 8:
        raise EncryptionError("the passphrase must have at least 8 characters")
    from interviewer.core.config import DB_NAME

    existing = [p for p in (root / DB_NAME, root / "audio") if p.exists() and (p.is_file() or any(p.iterdir()))]
    if existing:
        raise EncryptionError(
            f"already holds unencrypted data ({', '.join(x.name for x in existing)}); encryption is chosen "
            "when a data dir is created. Create a new one with `interviewer --data-dir NEW init --encrypt` "
            "and move sessions into it with `interviewer bundle export/import`", path=root)
    data_key = secrets.token_bytes(32)
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(NONCE)
    kek = _scrypt(passphrase, salt, n, r, p)
    wrapped = _aead(kek).encrypt(nonce, data_key, SCHEME.encode())
    doc = {"scheme": SCHEME, "kdf": "scrypt", "n": n, "r": r, "p": p, "salt": salt.hex(), "nonce": nonce.hex(),
           "wrapped": wrapped.hex(), "created": datetime.now(UTC).isoformat(timespec="seconds")}
    from interviewer.core.files import private_dir, write_text_atomic

    private_dir(root)
    write_text_atomic(kf, json.dumps(doc, indent=1) + "\n")
    return Vault(root, data_key)


def _check_key_doc(doc: Any) -> None:
    if doc.get("scheme") != SCHEME or doc.get("kdf") != "scrypt":
        raise ValueError(f"unknown scheme {doc.get('scheme')!r}")
    for k in ("n", "r", "p"):
        if not isinstance(doc[k], int) or doc[k] < 1:
            raise ValueError(f"bad {k}")
    for k in ("salt", "nonce", "wrapped"):
        bytes.fromhex(doc[k])


def _read_key_file(root: Path) -> dict[str, Any]:
    kf = key_file(root)
    try:
        doc = json.loads(kf.read_text(encoding="utf-8"))
        _check_key_doc(doc)
    except OSError as exc:
        raise EncryptionError(f"cannot be read: {exc.strerror}", path=kf) from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise EncryptionError(f"is damaged ({exc}); without it the data dir cannot be opened. Restore it "
                              "from a copy of the data dir", path=kf) from None
    return dict(doc)


def unlock(root: Path, passphrase: str) -> Vault:
    """The vault of an encrypted data dir; WrongPassphraseError if the passphrase does not open it."""
    from cryptography.exceptions import InvalidTag

    root = Path(root)
    doc = _read_key_file(root)
    kek = _scrypt(passphrase, bytes.fromhex(doc["salt"]), doc["n"], doc["r"], doc["p"])
    try:
        data_key = _aead(kek).decrypt(bytes.fromhex(doc["nonce"]), bytes.fromhex(doc["wrapped"]), SCHEME.encode())
    except InvalidTag:
        raise WrongPassphraseError("the passphrase does not open this encrypted data dir; nothing was changed",
                              path=root) from None
    return Vault(root, data_key)


def change_passphrase(root: Path, old: str, new: str) -> None:
    vault = unlock(root, old)
    doc = _read_key_file(root)
    if len(new) < 8:
        raise EncryptionError("the passphrase must have at least 8 characters")
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(NONCE)
    kek = _scrypt(new, salt, doc["n"], doc["r"], doc["p"])
    doc.update(salt=salt.hex(), nonce=nonce.hex(),
               wrapped=_aead(kek).encrypt(nonce, vault.data_key, SCHEME.encode()).hex())
    from interviewer.core.files import write_text_atomic

    write_text_atomic(key_file(root), json.dumps(doc, indent=1) + "\n")


# ------------------------------------------------------------------------------------------ passphrases
def _keyring_user(root: Path) -> str:
    return str(Path(root).resolve())


def keyring_passphrase(root: Path) -> str | None:
    """The passphrase saved in the OS keyring for this data dir, if there is a keyring and one is saved."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        return None
    try:
        value = keyring.get_password(KEYRING_SERVICE, _keyring_user(root))
    except (KeyringError, RuntimeError, OSError):
        return None
    return value if isinstance(value, str) else None


def save_to_keyring(root: Path, passphrase: str) -> None:
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        raise EncryptionError("the keyring package is not installed") from None
    try:
        keyring.set_password(KEYRING_SERVICE, _keyring_user(root), passphrase)
    except (KeyringError, RuntimeError, OSError) as exc:
        raise EncryptionError(f"the OS keyring cannot store the passphrase ({exc}); use "
                              f"{PASSPHRASE_ENV} or type it when asked") from None


PromptFn = Callable[[str], str]


def terminal_prompt(message: str) -> str:
    return getpass.getpass(message)


def resolve_passphrase(root: Path, prompt: PromptFn | None = None) -> str:
    """$INTERVIEWER_PASSPHRASE, then the OS keyring, then `prompt` (when given)."""
    env = os.environ.get(PASSPHRASE_ENV)
    if env:
        return env
    saved = keyring_passphrase(root)
    if saved:
        return saved
    if prompt is not None:
        return prompt(f"Passphrase for {root}: ")
    raise PassphraseRequiredError(
        f"is encrypted and no passphrase was given: set {PASSPHRASE_ENV}, save it in the OS keyring "
        "(`interviewer init --keyring`), or run in a terminal to be asked", path=root)


def open_vault(root: Path, prompt: PromptFn | None = None) -> Vault | None:
    """None for a plain data dir; else the unlocked vault (the passphrase as `resolve_passphrase` finds it)."""
    if not is_encrypted(root):
        return None
    return unlock(root, resolve_passphrase(root, prompt))


def interactive_prompt() -> PromptFn | None:
    return terminal_prompt if sys.stdin is not None and sys.stdin.isatty() else None


# ------------------------------------------------------------------------------------------ sealed files
class SealedFile(io.RawIOBase):
    """Random-access reading and writing of a sealed file's plaintext (see the module docstring)."""

    def __init__(self, path: Path, key_for: Callable[[bytes], bytes], mode: str = "rb", *,
                 repair: bool = False) -> None:
        super().__init__()
        if mode not in ("rb", "r+b", "xb", "wb"):
            raise ValueError(f"unsupported mode {mode!r}")
        self.path = Path(path)
        self._writable = mode != "rb"
        self._pos = 0
        self._cache: tuple[int, bytes] | None = None
        try:
            self._raw = self.path.open({"rb": "rb", "r+b": "r+b", "xb": "x+b", "wb": "w+b"}[mode], buffering=0)
        except FileExistsError:
            raise
        except OSError as exc:
            raise EncryptionError(f"cannot be opened: {exc.strerror}", path=self.path) from None
        if mode in ("xb", "wb"):
            if os.name == "posix":
                self.path.chmod(0o600)
            self._file_id = secrets.token_bytes(16)
            self._header = HEADER.pack(MAGIC, CHUNK, 0, self._file_id)
            self._raw.write(self._header)
            self._aead = _aead(key_for(self._file_id))
            self._size = 0
            return
        self._header = self._raw.read(HEADER.size)
        if len(self._header) < HEADER.size or self._header[:8] != MAGIC:
            self._raw.close()
            raise EncryptionError("is not an encrypted Interviewer file (or its header is damaged)", path=self.path)
        _, chunk, _, self._file_id = HEADER.unpack(self._header)
        if chunk != CHUNK:
            self._raw.close()
            raise EncryptionError(f"uses an unknown chunk size {chunk}", path=self.path)
        self._aead = _aead(key_for(self._file_id))
        self._size = self._scan_size(repair)

    # -- layout
    @staticmethod
    def slot_offset(index: int) -> int:
        return HEADER.size + index * (SLOT_HEAD + CHUNK + TAG)

    def _scan_size(self, repair: bool) -> int:
        physical = os.fstat(self._raw.fileno()).st_size - HEADER.size
        slot = SLOT_HEAD + CHUNK + TAG
        full, rem = divmod(physical, slot)
        if rem == 0:
            return full * CHUNK
        # the last slot is partial: its length field must match what is on disk
        self._raw.seek(self.slot_offset(full) + NONCE)
        raw_len = self._raw.read(4)
        length = struct.unpack("<I", raw_len)[0] if len(raw_len) == 4 else -1
        if length == rem - SLOT_HEAD - TAG and 0 < length < CHUNK:
            if repair:
                try:
                    self._decrypt_slot(full, length)
                except EncryptionError:
                    return self._drop_tail(full)
            return full * CHUNK + length
        if repair:
            return self._drop_tail(full)
        raise EncryptionError(f"ends in a torn chunk ({rem} bytes): the program was stopped while writing it; "
                              "recovery repairs it", path=self.path)

    def _drop_tail(self, full: int) -> int:
        if not self._writable:
            raise EncryptionError("needs repair but was opened read-only", path=self.path)
        self._raw.truncate(self.slot_offset(full))
        self._cache = None
        return full * CHUNK

    def _aad(self, index: int, length: int) -> bytes:
        return self._header + struct.pack("<QI", index, length)

    def _decrypt_slot(self, index: int, length: int | None = None) -> bytes:
        if self._cache is not None and self._cache[0] == index:
            return self._cache[1]
        from cryptography.exceptions import InvalidTag

        if length is None:
            length = min(CHUNK, self._size - index * CHUNK)
        self._raw.seek(self.slot_offset(index))
        head = self._raw.read(SLOT_HEAD)
        if len(head) < SLOT_HEAD:
            raise EncryptionError(f"is cut short at chunk {index}", path=self.path)
        nonce, stored_len = head[:NONCE], struct.unpack("<I", head[NONCE:])[0]
        if stored_len != length:
            raise EncryptionError(f"chunk {index} has the wrong length: damaged or altered", path=self.path)
        body = self._raw.read(stored_len + TAG)
        try:
            plain = bytes(self._aead.decrypt(nonce, body, self._aad(index, stored_len)))
        except InvalidTag:
            raise EncryptionError(f"chunk {index} failed authentication: the file is damaged, was altered, or "
                                  "belongs to another data dir", path=self.path) from None
        self._cache = (index, plain)
        return plain

    def _write_slot(self, index: int, plain: bytes) -> None:
        nonce = secrets.token_bytes(NONCE)
        sealed = self._aead.encrypt(nonce, plain, self._aad(index, len(plain)))
        record = nonce + struct.pack("<I", len(plain)) + sealed
        self._raw.seek(self.slot_offset(index))
        view = memoryview(record)
        while view:
            n = self._raw.write(view)
            if not n:
                raise OSError(28, "no space left on device")
            view = view[n:]
        self._cache = (index, plain)

    # -- io.RawIOBase
    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return self._writable

    def seekable(self) -> bool:
        return True

    @property
    def size(self) -> int:
        return self._size

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        pos = base + offset
        if pos < 0:
            raise ValueError("negative seek position")
        self._pos = pos
        return pos

    def tell(self) -> int:
        return self._pos

    def readinto(self, buffer: Any) -> int:
        mv = memoryview(buffer).cast("B")
        want = min(len(mv), max(0, self._size - self._pos))
        done = 0
        while done < want:
            index, within = divmod(self._pos, CHUNK)
            plain = self._decrypt_slot(index)
            take = min(want - done, len(plain) - within)
            mv[done:done + take] = plain[within:within + take]
            done += take
            self._pos += take
        return done

    def write(self, data: Any) -> int:
        if not self._writable:
            raise io.UnsupportedOperation("not opened for writing")
        data = bytes(data)
        if self._pos > self._size:
            raise ValueError("writing past the end of a sealed file would leave a gap")
        done = 0
        while done < len(data):
            index, within = divmod(self._pos, CHUNK)
            old = self._decrypt_slot(index) if index * CHUNK < self._size else b""
            take = min(len(data) - done, CHUNK - within)
            plain = old[:within] + data[done:done + take] + old[within + take:]
            self._write_slot(index, plain)
            done += take
            self._pos += take
            self._size = max(self._size, index * CHUNK + len(plain))
        return done

    def fileno(self) -> int:
        return self._raw.fileno()

    def flush(self) -> None:
        if not self.closed:
            self._raw.flush()

    def close(self) -> None:
        if not self.closed:
            try:
                super().close()
            finally:
                self._raw.close()


# ------------------------------------------------------------------------------------------ helpers
def inside(path: Path, root: Path) -> bool:
    from interviewer.core.files import inside as _inside

    return _inside(path, root)


def read_file(vault: Vault | None, path: Path | str) -> bytes:
    """A file's plaintext, sealed or not (a sealed one needs the vault)."""
    path = Path(path)
    if is_sealed(path):
        if vault is None:
            raise EncryptionError("is encrypted: open it through its data dir, with the passphrase", path=path)
        return vault.read_bytes(path)
    return path.read_bytes()


def write_file(vault: Vault | None, path: Path | str, data: bytes, *, private: bool = True) -> Path:
    """Write atomically; sealed when `path` is inside the vault's data dir, plain elsewhere (the user asked for
    a file outside it, e.g. a PDF to send); a plain file is 0600 unless `private` is False."""
    path = Path(path)
    if vault is not None and inside(path, vault.root):
        return vault.write_bytes(path, data)
    from interviewer.core.files import write_bytes_atomic

    return write_bytes_atomic(path, data, private=private)
