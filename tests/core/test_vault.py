"""Encryption at rest: keys, passphrases, and sealed files (random access, tamper detection, repair)."""

from __future__ import annotations

import json
import os

import pytest
import soundfile as sf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviewer.core import vault as v

PASS = "correct horse battery"
FAST = {"n": 2**10}  # scrypt cost for tests; the default is 2**15


@pytest.fixture
def vlt(tmp_path):
    return v.create_vault(tmp_path / "dd", PASS, **FAST)


def test_unlock_with_the_right_passphrase_only(tmp_path, vlt):
    root = tmp_path / "dd"
    doc = json.loads(v.key_file(root).read_text())
    assert bytes.fromhex(doc["wrapped"]) != vlt.data_key
    assert v.unlock(root, PASS).data_key == vlt.data_key
    before = v.key_file(root).read_bytes()
    with pytest.raises(v.WrongPassphraseError, match="does not open"):
        v.unlock(root, "wrong horse battery")
    assert v.key_file(root).read_bytes() == before


def test_create_refuses_twice_short_passphrases_and_existing_data(tmp_path, vlt):
    with pytest.raises(v.EncryptionError, match="already encrypted"):
        v.create_vault(tmp_path / "dd", PASS, **FAST)
    with pytest.raises(v.EncryptionError, match="at least 8"):
        v.create_vault(tmp_path / "other", "short", **FAST)
    plain = tmp_path / "plain"
    (plain / "audio").mkdir(parents=True)
    (plain / "audio" / "x.wav").write_bytes(b"RIFF")
    with pytest.raises(v.EncryptionError, match="already holds unencrypted data"):
        v.create_vault(plain, PASS, **FAST)
    assert not v.is_encrypted(plain)


def test_damaged_key_file_is_named(tmp_path, vlt):
    kf = v.key_file(tmp_path / "dd")
    kf.write_text("{not json")
    with pytest.raises(v.EncryptionError, match=r"encryption\.json: is damaged"):
        v.unlock(tmp_path / "dd", PASS)


def test_change_passphrase_keeps_the_data_key(tmp_path, vlt):
    root = tmp_path / "dd"
    v.change_passphrase(root, PASS, "a new passphrase")
    assert v.unlock(root, "a new passphrase").data_key == vlt.data_key
    with pytest.raises(v.WrongPassphraseError):
        v.unlock(root, PASS)


def test_passphrase_sources(tmp_path, vlt, monkeypatch):
    import keyring
    from keyring.backend import KeyringBackend

    class Memory(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self):
            super().__init__()
            self.saved = {}

        def get_password(self, service, username):
            return self.saved.get((service, username))

        def set_password(self, service, username, password):
            self.saved[(service, username)] = password

        def delete_password(self, service, username):
            self.saved.pop((service, username), None)

    root = tmp_path / "dd"
    monkeypatch.delenv(v.PASSPHRASE_ENV, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(Memory())
    try:
        with pytest.raises(v.PassphraseRequiredError, match=v.PASSPHRASE_ENV):
            v.resolve_passphrase(root)
        assert v.resolve_passphrase(root, prompt=lambda _msg: "typed") == "typed"
        v.save_to_keyring(root, PASS)
        assert v.open_vault(root).data_key == vlt.data_key
        monkeypatch.setenv(v.PASSPHRASE_ENV, "from the environment")
        assert v.resolve_passphrase(root) == "from the environment"
    finally:
        keyring.set_keyring(previous)


def test_plain_data_dir_has_no_vault(tmp_path):
    assert v.open_vault(tmp_path) is None


def test_sealed_bytes_round_trip_and_hide_the_plaintext(tmp_path, vlt):
    secret = b"canary-7f3e Zoe said the rollback took forty minutes. " * 2000
    path = vlt.write_bytes(tmp_path / "dd" / "exports" / "notes.bin", secret)
    raw = path.read_bytes()
    assert raw.startswith(v.MAGIC)
    assert b"canary" not in raw and b"rollback" not in raw
    assert vlt.read_bytes(path) == secret
    assert v.is_sealed(path)
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600


def test_another_data_dirs_key_cannot_read(tmp_path, vlt):
    path = vlt.write_bytes(tmp_path / "f", b"hello world")
    other = v.create_vault(tmp_path / "other", PASS, **FAST)
    with pytest.raises(v.EncryptionError, match="failed authentication"):
        other.read_bytes(path)


def test_tampering_and_swapped_chunks_are_detected(tmp_path, vlt):
    data = os.urandom(3 * v.CHUNK + 100)
    path = vlt.write_bytes(tmp_path / "f", data)
    raw = bytearray(path.read_bytes())
    flipped = bytearray(raw)
    flipped[v.SealedFile.slot_offset(1) + 40] ^= 1
    path.write_bytes(bytes(flipped))
    with pytest.raises(v.EncryptionError, match="chunk 1 failed authentication"):
        vlt.read_bytes(path)
    a, b = v.SealedFile.slot_offset(0), v.SealedFile.slot_offset(1)
    swapped = raw[:a] + raw[b:b + (b - a)] + raw[a:b] + raw[b + (b - a):]
    path.write_bytes(bytes(swapped))
    with pytest.raises(v.EncryptionError, match="failed authentication"):
        vlt.read_bytes(path)


def test_a_torn_last_chunk_is_refused_then_repaired(tmp_path, vlt):
    data = os.urandom(2 * v.CHUNK + 5000)
    path = vlt.write_bytes(tmp_path / "f", data)
    with path.open("r+b") as f:
        f.truncate(path.stat().st_size - 7)
    with pytest.raises(v.EncryptionError, match="torn chunk"):
        vlt.read_bytes(path)
    with vlt.open(path, "r+b", repair=True) as f:
        assert f.size == 2 * v.CHUNK
    assert vlt.read_bytes(path) == data[: 2 * v.CHUNK]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=0, max_size=3 * v.CHUNK)), max_size=12))
def test_random_writes_read_back_like_a_plain_file(tmp_path, vlt, ops):
    """Any sequence of in-place and appending writes reads back exactly as the same writes to bytes."""
    path = tmp_path / "model.bin"
    path.unlink(missing_ok=True)
    model = bytearray()
    with vlt.open(path, "xb") as f:
        for where, data in ops:
            pos = int(where * len(model))
            f.seek(pos)
            f.write(data)
            model[pos:pos + len(data)] = data
            assert f.size == len(model)
    with vlt.open(path, "rb") as f:
        assert f.read() == bytes(model)
        if model:
            mid = len(model) // 2
            f.seek(mid)
            assert f.read(100) == bytes(model[mid:mid + 100])


def test_soundfile_and_pyav_read_a_sealed_wav(tmp_path, vlt):
    import av
    import numpy as np

    from interviewer.audio.recorder import wav_header

    pcm = (np.sin(np.arange(16000) / 10) * 8000).astype("<i2").tobytes()
    path = vlt.write_bytes(tmp_path / "a.wav", wav_header(len(pcm)) + pcm)
    with vlt.reader(path) as f:
        data, rate = sf.read(f, dtype="int16")
    assert rate == 16000 and data.tobytes() == pcm
    with vlt.reader(path) as f, av.open(f) as container:
        frames = sum(fr.samples for fr in container.decode(audio=0))
    assert frames == 16000
