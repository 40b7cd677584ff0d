"""Start the Qt application: the library window at once, the speech model and the recovery of interrupted
interviews in the background, then the setup dialog and live windows."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, cast

from PySide6.QtWidgets import QApplication, QMessageBox

from interviewer.core.errors import UserError
from interviewer.ui.bridge import BackgroundOp
from interviewer.ui.speech_model import SpeechModel


def schedule_screenshot(window: Any, path: Any, at_s: float) -> None:
    """Save a picture of `window` once its session's audio clock reaches `at_s`, then quit (docs, README)."""
    from PySide6.QtCore import QTimer

    timer = QTimer(window)
    timer.setInterval(200)

    def check() -> None:
        if window.session is not None and window.session.elapsed_s >= at_s:
            timer.stop()
            window.grab().save(str(path))
            print(f"screenshot: {path}", flush=True)
            window.close()
            window.bridge.stopped.connect(lambda _r: QApplication.quit())

    timer.timeout.connect(check)
    timer.start()


def ask_passphrase(message: str) -> str:
    """The passphrase of an encrypted data dir, typed into a dialog (never echoed, never stored)."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    from interviewer.core.vault import PassphraseRequiredError

    text, ok = QInputDialog.getText(None, "Interviewer — encrypted data", message, QLineEdit.EchoMode.Password)
    if not ok:
        raise PassphraseRequiredError("the passphrase was not given, so the encrypted data stays closed")
    return str(text)


def open_store(services: Any) -> Any:
    """The store, asking for the passphrase of an encrypted data dir (up to three tries); None (said in a
    message box) when it cannot be opened."""
    from interviewer.core.vault import WrongPassphraseError

    for attempt in range(3):
        try:
            return services.open_store()
        except WrongPassphraseError as exc:
            if attempt == 2:
                QMessageBox.critical(None, "Interviewer", str(exc))
                return None
            QMessageBox.warning(None, "Interviewer", "That passphrase does not open this data directory. "
                                                     "Nothing was changed; try again.")
        except UserError as exc:
            QMessageBox.critical(None, "Interviewer", str(exc))
            return None
    return None


@dataclass
class Started:
    """The running app: its windows, the speech model (loading in the background), the background work."""

    store: Any
    library: Any
    speech: SpeechModel
    windows: list[Any] = field(default_factory=list)
    recovery: BackgroundOp | None = None
    recovered: list[Any] = field(default_factory=list)
    catch_up: Any = None

    def shutdown(self, wait_s: float = 10.0) -> None:
        """Stop what runs in the background before the store closes: the catch-up and the recovery go on at
        the next start (the model's loading is left to end with the process)."""
        if self.catch_up is not None:
            self.catch_up.cancel()
        if self.recovery is not None:
            self.recovery.cancel.set()
            self.recovery.wait(wait_s)


def start(services: Any, args: Any, root: Any, store: Any, *, devices: Any = None, settings: Any = None) -> Started:
    """Show the first window at once; the speech model loads in the background ("Loading the speech model…"
    in the window), and so does the recovery of interviews a crash interrupted (progress in the status bar,
    the outcome as a line in the window). What needs the model waits for it without blocking: Record is
    disabled until it is loaded; refine waits on its worker thread. `devices`: the device layer (hardware,
    injected; default PortAudio); the model comes from `services.make_transcriber`; `settings`: a QSettings
    (default: the user's)."""
    from interviewer.audio.devices import PortAudioDevices
    from interviewer.ui.main_window import MainWindow
    from interviewer.ui.style import FOCUS_STYLE

    app = cast(QApplication, QApplication.instance())
    app.setStyleSheet(app.styleSheet() + FOCUS_STYLE)  # a visible focus mark everywhere (keyboard-only use)
    model = getattr(args, "model", None)
    speech = SpeechModel(lambda: services.make_transcriber(model, getattr(args, "beam", None),
                                                           getattr(args, "allow_download", False)),
                         label=model or "tiny.en, bundled")
    devices = devices or PortAudioDevices()  # the one device layer: the setup dialog's list and level, Record
    library = MainWindow(store, settings=settings)
    speech.show_in(library)
    started = Started(store=store, library=library, speech=speech)
    windows = started.windows
    setup_draft: dict[str, Any] = {}  # what was typed in the setup dialog survives Cancel (memory only)

    def offer_review(live: Any) -> None:
        """After Stop, the live window opens its recording for review, rated as its own evaluator."""
        def open_review(session_id: str) -> None:
            review = root.open_review_window(services, store, session_id, transcriber=speech,
                                             evaluator=live.evaluator, settings=settings)
            windows.append(review)
            review.show()
            review.raise_()
            review.activateWindow()

        live.open_review = open_review

    def wire_live(live: Any) -> None:
        """The library lists the live window's session as it starts and once it is saved; after Stop the live
        window opens its recording in the review window; Record waits for the speech model."""
        library.watch(live)
        offer_review(live)
        speech.show_in(live)
        for item in (live.record_btn, live.act_record):
            speech.gate(item, allowed=lambda: live.state == "idle")

    def new_interview() -> None:
        from interviewer.ui.setup_dialog import SetupDialog

        dialog = SetupDialog(settings, parent=library, devices=devices, draft=setup_draft, store=store)
        if dialog.exec():
            try:
                live = root.start_from_setup(services, store, speech, dialog.result_value(), devices=devices)
            except (UserError, OSError) as exc:
                setup_draft.update(dialog._snapshot())  # what was typed comes back on the next open
                QMessageBox.warning(library, "New interview", f"The interview could not be opened: {exc}")
                return
            windows.append(live)
            wire_live(live)
            live.show()

    library.new_interview.connect(new_interview)

    def open_session(session_id: str, at: float) -> None:
        review = root.open_review_window(services, store, session_id, transcriber=speech, settings=settings)
        windows.append(review)
        review.show()
        if at >= 0:
            review.play_from(at)

    library.open_session.connect(open_session)

    speech.start()
    if getattr(args, "command", None) == "demo":
        live = root.open_demo_window(services, store, speech, speed=getattr(args, "speed", 1.0), settings=settings)
        windows.append(live)
        wire_live(live)
        live.show()
        speech.when_ready(lambda _t: live.record())  # the demo starts as soon as the model is there
        if getattr(args, "screenshot", None):
            schedule_screenshot(live, args.screenshot, args.screenshot_at)
    else:
        library.show()
    started.recovery = start_recovery(started, services.data_dir)
    return started


def start_recovery(started: Started, data_dir: Any) -> BackgroundOp:
    """Interviews a crash interrupted (left "recording"): finish them in the background once the model is
    loaded, with progress in the library's status bar and the outcome as a line in the library; then the
    catch-ups an earlier close interrupted go on."""
    store, library, speech = started.store, started.library, started.speech

    def say(text: str) -> None:
        """In the library's status bar, or (the demo: no library shown) in the windows that are."""
        shown = [library] if library.isVisible() else [w for w in started.windows if w.isVisible()]
        for w in shown or [library]:
            w.statusBar().showMessage(text)

    def work(report: Any, cancel: Any) -> Any:
        from interviewer.live.recovery import pending, recover_all

        if not pending(store, data_dir):
            return []
        report(0.0)
        return recover_all(store, data_dir, lambda: speech.wait_loaded(cancel), progress=report, cancel=cancel)

    def progress(fraction: float) -> None:
        say(f"Recovering interviews a crash interrupted… {fraction:.0%}")

    def done(recovered: list[Any]) -> None:
        started.recovered = list(recovered)
        if recovered:
            lines = [r.message() for r in recovered]
            say(lines[0] if len(lines) == 1 else f"{len(lines)} interviews a crash interrupted were recovered.")
            library.show_notice("\n".join(lines))
            library.refresh()
        speech.when_ready(lambda transcriber: setattr(started, "catch_up",
                                                      resume_catch_ups(store, transcriber, library)))

    def failed(sentence: str) -> None:
        say("")
        library.show_notice(f"Interviews a crash interrupted could not be recovered yet: {sentence} "
                            "They stay as they are and are tried again at the next start.", problem=True)

    return BackgroundOp(work, library, name="recovery", verb="read", on_progress=progress, on_done=done,
                        on_failed=failed).start()


def run(services: Any, args: Any, root: Any) -> int:
    """`root` is the composition root module (interviewer.app), which builds the windows."""
    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
    app.setApplicationName("Interviewer")
    app.setOrganizationName("Interviewer")
    store = open_store(services)
    if store is None:
        return 2
    started = start(services, args, root, store)

    def finalize_recordings() -> None:
        """Quit, logout or shutdown: save every recording before the process goes (a few seconds)."""
        for w in started.windows:
            session = getattr(w, "session", None)
            if session is not None and getattr(w, "state", "") in ("recording", "paused", "stopping"):
                session.stop("the app is closing")
                session.wait(10)

    app.aboutToQuit.connect(finalize_recordings)
    app.commitDataRequest.connect(lambda _manager: finalize_recordings())
    install_signal_handlers(app)
    try:
        return int(app.exec())
    finally:
        started.shutdown()  # the catch-up and the recovery go on at the next start
        finalize_recordings()
        for w in started.windows:
            w.close()
        store.close()


def install_signal_handlers(app: Any) -> None:
    """SIGTERM/SIGINT quit the app cleanly (recordings are saved by aboutToQuit). A short timer lets the
    Python interpreter run its signal handlers while Qt's event loop is in C++."""
    import signal

    from PySide6.QtCore import QTimer

    def quit_now(*_: Any) -> None:
        # A question open in a nested event loop (the live window's "Stop the interview?") would make Qt
        # cancel the quit: answer each with its escape (keep everything), then quit from the main loop.
        from PySide6.QtWidgets import QDialog

        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible() and widget.isModal():
                widget.reject()
        QTimer.singleShot(0, app.quit)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, quit_now)
    tick = QTimer(app)
    tick.setInterval(250)
    tick.timeout.connect(lambda: None)
    tick.start()


def resume_catch_ups(store: Any, transcriber: Any, library: Any) -> Any:
    """Interviews whose polishing after Stop was interrupted (the app closed during it): go on in the
    background, with progress in the library's status bar."""
    from interviewer.live.catchup import catch_up_session, pending
    from interviewer.ui.catch_up import CatchUp

    todo = pending(store)
    if not todo:
        return None
    runner = CatchUp(lambda sid, **kw: catch_up_session(store, sid, transcriber, **kw).revised, todo, parent=library)
    bar = library.statusBar()
    runner.progress.connect(lambda sid, f: bar.showMessage(
        f"Polishing the transcript of an earlier interview ({sid[:8]})… {f:.0%}"))
    runner.finished.connect(lambda sid, n: bar.showMessage(f"Transcript of session {sid[:8]} polished", 6000))
    runner.failed.connect(lambda sid, msg: bar.showMessage(msg))
    runner.all_done.connect(library.refresh)
    runner.start()
    return runner
