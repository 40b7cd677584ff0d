"""`kit`: list, copy, import, export and validate interview kits."""

from __future__ import annotations

import argparse
from pathlib import Path

from interviewer.cli.export import checked_outputs
from interviewer.cli.services import Services
from interviewer.core.errors import UserError
from interviewer.core.vault import write_file


def _find_kit(sv: Services, ref: str) -> Path:
    from interviewer.notes.prompts.kits import default_kit_path, user_kits_dir

    if ref in ("default", ""):
        return default_kit_path()
    path = Path(ref)
    if path.exists():
        return path
    for f in sorted(user_kits_dir(sv.data_dir.root).glob("*.toml")):
        if f.stem == ref:
            return f
    raise UserError(f"no kit {ref!r}: give a file, 'default', or a name from `interviewer kit list`")


def cmd_kit(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.notes.prompts.kits import copy_kit, default_kit_path, dump_kit, load_kit, user_kits_dir

    action = args.kit_command
    if action == "validate":
        kit = load_kit(args.file, sv.vault())
        sv.say(f"{args.file}: ok — {len(kit.criteria)} criteria, {len(kit.probes)} probes, "
               f"{len(kit.topics)} topics, {len(kit.extra.get('scenarios', []))} scenario cards")
        return 0
    if action == "list":
        sv.say(f"default (read-only)  {default_kit_path()}")
        for f in sorted(user_kits_dir(sv.data_dir.root).glob("*.toml")):
            sv.say(f"{f.stem}  {f}")
        return 0
    if action == "new":
        path = copy_kit(load_kit(args.source, sv.vault()), sv.data_dir.root, args.name, sv.vault())
        sv.say(str(path))
        return 0
    if action == "import":
        kit = load_kit(args.file, sv.vault())
        path = copy_kit(kit, sv.data_dir.root, kit.name, sv.vault())
        sv.say(str(path))
        return 0
    kit = load_kit(_find_kit(sv, args.kit), sv.vault())
    checked_outputs(args, sv, ("output",))
    write_file(sv.vault(), args.output, dump_kit(kit).encode("utf-8"))
    sv.say(str(args.output))
    return 0
