"""The composition root: the one place that builds the store, the transcriber and the windows and wires them
together. Nothing else creates them; tests build their own through the same functions."""

from __future__ import annotations

import functools
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from interviewer.cli import main as cli
from interviewer.cli.parser import LIVE_BEAM
from interviewer.cli.services import Services, default_evaluator
from interviewer.core.config import DataDir


def build_services(data_dir: DataDir, prompt: Any = None) -> Services:
    """`prompt(message) -> passphrase` asks for the passphrase of an encrypted data dir when neither
    $INTERVIEWER_PASSPHRASE nor the OS keyring has it (default: the terminal, when there is one)."""

    @functools.cache  # unlocked once per process; a failed unlock (wrong passphrase) is not remembered
    def vault() -> Any:
        from interviewer.core.vault import interactive_prompt, open_vault

        return open_vault(data_dir.root, prompt or interactive_prompt())

    def open_store() -> Any:
        from interviewer.notes.store.database import Store

        store = Store(data_dir.db_path, vault=vault())
        store.daily_backup()
        return store

    def make_transcriber(model: str | None = None, beam: int | None = None,
                         allow_download: bool = False) -> Any:
        from interviewer.audio.models import resolve_model
        from interviewer.audio.transcriber import Transcriber, TranscriberOptions

        opts = TranscriberOptions()
        if beam:
            opts.beam_size = beam
        return Transcriber(resolve_model(model, allow_download=allow_download), opts)

    return Services(data_dir=data_dir, open_store=open_store, make_transcriber=make_transcriber, vault=vault)


def loaded(transcriber: Any) -> Any:
    """The transcriber itself, or the GUI's speech model (ui.speech_model.SpeechModel, loading in the background)
    once it is loaded. Record waits for the model (the button is disabled until then); if it is pressed anyway,
    the loading state is the sentence said."""
    from interviewer.ui.speech_model import SpeechModel

    if not isinstance(transcriber, SpeechModel):
        return transcriber
    if transcriber.state != "ready":
        from interviewer.core.errors import ModelError

        raise ModelError(transcriber.status_text or "the speech model is not loaded yet")
    return transcriber.transcriber


def session_factory(services: Services, store: Any, transcriber: Any, *, sources: list[tuple[Any, str]],
                    spec: Any, beam: int = LIVE_BEAM, devices: Any = None) -> Any:
    """A function the live window calls (with its listener) when the evaluator presses Record. Devices are
    opened through `devices` (the device layer; default PortAudio): a failure names the device and the problem."""
    from interviewer.audio.devices import PortAudioDevices
    from interviewer.audio.stream_config import StreamConfig
    from interviewer.live.session import LiveSession, Track

    layer = devices or PortAudioDevices()

    def make(listener: Any) -> Any:
        model = loaded(transcriber)
        tracks = [Track(layer.open(src) if isinstance(src, str) else src, speaker) for src, speaker in sources]
        return LiveSession(store=store, data_dir=services.data_dir, transcriber=model, tracks=tracks,
                           spec=spec, listener=listener, config=StreamConfig(beam_size=beam),
                           attribute_speakers=len(tracks) == 1)
    return make


def probe_saver(services: Services, kit_source: str) -> Any:
    """Save an evaluator's own probe back to their kit: the kit's file, or for the read-only default kit,
    the data dir's "My kit" copy (made on first use)."""

    def save(criterion: str, text: str, topics: tuple[str, ...]) -> str:
        from interviewer.notes.prompts.kits import (
            copy_kit,
            default_kit_path,
            load_kit,
            save_kit_file,
            user_kits_dir,
            with_probe,
        )

        target = Path(kit_source)
        if not target.exists() or target.resolve() == default_kit_path().resolve():
            target = user_kits_dir(services.data_dir.root) / "my-kit.toml"
            if not target.exists():
                copy_kit(load_kit(kit_source if Path(kit_source).exists() else None, services.vault()),
                         services.data_dir.root, "My kit", services.vault())
        save_kit_file(with_probe(load_kit(target, services.vault()), criterion=criterion, text=text, topics=topics),
                      target, services.vault())
        return str(target)
    return save


def open_live_window(services: Services, store: Any, transcriber: Any, *, kit: Any, kit_id: str | None,
                     candidate_id: str, candidate: str, role: str | None, evaluator: str, consent: str,
                     sources: list[tuple[Any, str]], settings: Any = None, devices: Any = None) -> Any:
    from interviewer.live.session import SessionSpec
    from interviewer.notes import panel
    from interviewer.ui.live.window import LiveWindow

    spec = SessionSpec(candidate=candidate, consent=consent, evaluator=evaluator, role=role, kit_id=kit_id,
                       candidate_id=candidate_id)

    def your_claims() -> set[str]:
        return set(panel.claims_for(store, kit, candidate_id, evaluator))

    return LiveWindow(store=store, kit=kit, candidate_id=candidate_id, candidate=candidate, evaluator=evaluator,
                      role=role, settings=settings, save_probe_to_kit=probe_saver(services, kit.source),
                      your_claims=your_claims,
                      session_factory=session_factory(services, store, transcriber, sources=sources, spec=spec,
                                                      devices=devices))


def open_demo_window(services: Services, store: Any, transcriber: Any, *, speed: float = 1.0,
                     settings: Any = None) -> Any:
    """The live window on the demo candidate, with the sample interview replayed as if it were a microphone."""
    from interviewer.audio.sources import FileSource
    from interviewer.live import demo

    setup = demo.prepare(store)
    window = open_live_window(
        services, store, transcriber, kit=setup.kit, kit_id=setup.kit_id, candidate_id=setup.candidate_id,
        candidate=demo.CANDIDATE, role=demo.ROLE, evaluator=demo.EVALUATOR, consent="verbal",
        sources=[(FileSource(demo.audio_path(), name=demo.SPEAKER, speed=speed), demo.SPEAKER)],
        settings=settings)
    # The demo evaluator tags the scripted moments as their audio passes, so a new user sees evidence arrive.
    tagger = demo.ScriptedTagger(store, store.claims(setup.candidate_id), setup.kit)
    window.bridge.started.connect(tagger.start)
    def on_segment(_id: str, seg: Any) -> None:
        if tagger.due(seg.end + 1.0):
            window.reload_evidence()
            window.reload_claims()  # the demo evaluator settles claims as the evidence comes in

    window.bridge.segment.connect(on_segment)
    window.demo_tagger = tagger
    window.scripted_evidence = lambda: set(tagger.added)
    window.scripted_claims = lambda: set(tagger.settled)
    window.show_demo_notice(
        "Demo: the sample interview plays as if from a microphone. Evidence marked “tagged by the demo script” "
        "and the claim statuses it sets come from the demo's script, not from you; your own keys (1–4, "
        "Shift+1–4 for a concern) tag as they would in an interview.")
    return window


def open_review_window(services: Services, store: Any, session_id: str, *, transcriber: Any = None,
                       evaluator: str | None = None, settings: Any = None) -> Any:
    """A finished session for review, with refine (re-transcription) wired to the transcriber."""
    from interviewer.notes.prompts.kits import load_kit, parse_kit
    from interviewer.ui.review.window import ReviewWindow

    session = store.session(session_id)
    kit = parse_kit(store.kit_toml(session.kit_id), "kit") if session.kit_id else load_kit()
    window: Any = None

    def refine() -> None:
        from interviewer.live.refine import refine_session
        from interviewer.ui.refine_dialog import run_refine

        def work(progress: Any, cancel: Any) -> Any:  # on the refine's worker thread: waiting here is fine
            from interviewer.ui.speech_model import SpeechModel

            if isinstance(transcriber, SpeechModel):
                model = transcriber.wait_loaded(cancel)  # queued until the app's model is loaded
            else:
                model = transcriber or services.make_transcriber(None, 5, allow_download=False)
            return refine_session(store, session_id, model, beam=5, progress=progress, cancel=cancel)

        def done(report: Any) -> None:
            window.reload_transcript()
            window.reload_evidence()
            window.statusBar().showMessage(f"Refined: {report.summary()}" if hasattr(report, "summary")
                                           else "Refined.")

        from interviewer.ui.speech_model import SpeechModel

        waiting = isinstance(transcriber, SpeechModel) and transcriber.state != "ready"
        window.refine_runner = run_refine(window, work, done, waiting=waiting)

    # Who rates: the one named, else the session's own evaluator, else the person this laptop last rated as
    # (the window asks once when there is nobody). Never the operating-system user name.
    from interviewer.ui.review.window import remembered_rater

    rater = evaluator or default_evaluator(session.evaluator) or remembered_rater(settings)
    window = ReviewWindow(store=store, session_id=session_id, kit=kit, settings=settings, refine=refine,
                          evaluator=rater)
    return window


def start_from_setup(services: Services, store: Any, transcriber: Any, result: Any, devices: Any = None) -> Any:
    """The setup dialog's answers become stored rows and a live window."""
    from interviewer.core.vault import read_file
    from interviewer.notes.prompts.kits import default_kit_path, load_kit

    kit_path = result.kit_path or default_kit_path()
    kit = load_kit(kit_path, store.vault)  # a kit in an encrypted data dir is sealed
    with store.atomic():
        kit_id = store.save_kit(kit, read_file(store.vault, kit_path).decode("utf-8"))
        cand = store.get_or_create_candidate(result.candidate,
                                             resume_path=str(result.resume_path) if result.resume_path else None)
        if result.claims and not store.claims(cand):
            store.add_claims(cand, result.claims)
    sources = [(result.source, "interviewer" if result.source2 else "mic")]
    if result.source2:
        sources.append((result.source2, "candidate"))
    return open_live_window(services, store, transcriber, kit=kit, kit_id=kit_id, candidate_id=cand,
                            candidate=result.candidate, role=result.role or None, evaluator=result.evaluator,
                            consent=result.consent, sources=sources, devices=devices)


def run_gui(args: Any, services: Services) -> int:
    from interviewer.ui.application import run

    return run(services, args, sys.modules[__name__])


GUI_COMMANDS = {None, "gui"}


def _gui_prompt(message: str) -> str:
    from interviewer.ui.application import ask_passphrase

    return ask_passphrase(message)


def main(argv: Sequence[str] | None = None) -> int:
    args = cli.parse(list(sys.argv[1:] if argv is None else argv))
    gui = args.command in GUI_COMMANDS or (args.command == "demo" and not args.headless and not args.import_only)
    try:
        services = build_services(cli.data_dir_from(args), prompt=_gui_prompt if gui else None)
    except OSError as exc:
        print(f"interviewer: error: cannot use the data directory: {exc}", file=sys.stderr)
        return 2
    if gui:
        return run_gui(args, services)
    return cli.execute(args, services)
