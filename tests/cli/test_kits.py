"""`kit`: new, list, export, validate."""

from __future__ import annotations

from pathlib import Path


def test_kit_commands(run_cli, data_dir, tmp_path):
    res = run_cli("kit", "new", "Platform team")
    assert res.code == 0, res.err
    path = Path(res.out.strip())
    assert path.parent == data_dir.root / "kits"
    assert "platform-team" in run_cli("kit", "list").out
    out = tmp_path / "exported.toml"
    assert run_cli("kit", "export", "platform-team", "-o", str(out)).code == 0
    assert run_cli("kit", "validate", str(out)).out.startswith(f"{out}: ok")
    bad = tmp_path / "bad.toml"
    bad.write_text('[kit]\nname = "x"\n\n[[criteria]]\nkey = "a"\nname = "A"\ndefinition = "d"\n')
    res = run_cli("kit", "validate", str(bad))
    assert res.code == 2
    assert f"{bad}:4:" in res.err and "anchors" in res.err
