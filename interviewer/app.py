"""The composition root: the one place that builds the store, the transcriber and the windows and wires
them together. Nothing else creates them; tests build their own through the same functions."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from interviewer import cli
from interviewer.config import DataDir


def build_services(data_dir: DataDir) -> cli.Services:
    def open_store() -> Any:
        from interviewer.notes.store import Store

        return Store(data_dir.db_path)

    def make_transcriber(model: str | None = None, beam: int | None = None,
                         allow_download: bool = False) -> Any:
        from interviewer.audio.models import resolve_model
        from interviewer.audio.transcriber import Transcriber, TranscriberOptions

        opts = TranscriberOptions()
        if beam:
            opts.beam_size = beam
        return Transcriber(resolve_model(model, allow_download=allow_download), opts)

    return cli.Services(data_dir=data_dir, open_store=open_store, make_transcriber=make_transcriber)


def run_gui(args: Any, services: cli.Services) -> int:
    from interviewer.ui.application import run

    return run(services, args)


GUI_COMMANDS = {None, "gui"}


def main(argv: Sequence[str] | None = None) -> int:
    args = cli.parse(list(sys.argv[1:] if argv is None else argv))
    try:
        services = build_services(cli.data_dir_from(args))
    except OSError as exc:
        print(f"interviewer: error: cannot use the data directory: {exc}", file=sys.stderr)
        return 2
    if args.command in GUI_COMMANDS:
        return run_gui(args, services)
    return cli.execute(args, services)
