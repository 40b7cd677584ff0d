"""`init --encrypt` on a data dir that is already encrypted (issue 22, finding 10): success only with the
passphrase that opens it; a wrong one is one sentence, exit status 2, and nothing changes."""

from __future__ import annotations

import json
import os

import pytest

from interviewer.core import vault

PASS = "correct horse battery"


@pytest.fixture
def passphrase():
    saved = os.environ.get(vault.PASSPHRASE_ENV)

    def set_(value: str) -> None:
        os.environ[vault.PASSPHRASE_ENV] = value

    yield set_
    if saved is None:
        os.environ.pop(vault.PASSPHRASE_ENV, None)
    else:
        os.environ[vault.PASSPHRASE_ENV] = saved


def test_finding_10_init_encrypt_again_refuses_a_wrong_passphrase(data_dir, run_cli, passphrase):
    passphrase(PASS)
    assert run_cli("init", "--encrypt").code == 0
    key = vault.key_file(data_dir.root).read_bytes()
    passphrase("not the passphrase")
    res = run_cli("init", "--encrypt")
    assert res.code == 2 and res.out == ""
    assert "does not open this encrypted data dir" in res.err and res.err.count("\n") == 1
    assert vault.key_file(data_dir.root).read_bytes() == key
    passphrase(PASS)
    res = run_cli("init", "--encrypt", "--format", "json")
    assert res.code == 0
    assert json.loads(res.out) == {"data_dir": str(data_dir.root), "encrypted": True, "keyring": False}
