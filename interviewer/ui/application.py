"""Start the Qt application: recovery first, then the library window, the setup dialog and live windows."""

from __future__ import annotations

import sys
from typing import Any, cast

from PySide6.QtWidgets import QApplication, QMessageBox

from interviewer.core.errors import UserError


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


def run(services: Any, args: Any, root: Any) -> int:
    """`root` is the composition root module (interviewer.app), which builds the windows."""
    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
    app.setApplicationName("Interviewer")
    app.setOrganizationName("Interviewer")
    from interviewer.core.vault import WrongPassphraseError

    for attempt in range(3):
        try:
            store = services.open_store()
            break
        except WrongPassphraseError as exc:
            if attempt == 2:
                QMessageBox.critical(None, "Interviewer", str(exc))
                return 2
            QMessageBox.warning(None, "Interviewer", "That passphrase does not open this data directory. "
                                                     "Nothing was changed; try again.")
        except UserError as exc:
            QMessageBox.critical(None, "Interviewer", str(exc))
            return 2
    from interviewer.live.recovery import recover_all

    model = getattr(args, "model", None)
    try:
        transcriber = services.make_transcriber(model, getattr(args, "beam", None),
                                                getattr(args, "allow_download", False))
        recovered = recover_all(store, services.data_dir, lambda: transcriber)
    except UserError as exc:
        QMessageBox.critical(None, "Interviewer", str(exc))
        store.close()
        return 2
    from interviewer.audio.devices import PortAudioDevices
    from interviewer.ui.main_window import MainWindow
    from interviewer.ui.style import FOCUS_STYLE

    app.setStyleSheet(app.styleSheet() + FOCUS_STYLE)  # a visible focus mark everywhere (keyboard-only use)
    devices = PortAudioDevices()  # the one device layer: the setup dialog's list and level, Record
    windows: list[Any] = []
    library = MainWindow(store)
    setup_draft: dict[str, Any] = {}  # what was typed in the setup dialog survives Cancel (memory only)

    def offer_review(live: Any) -> None:
        """After Stop, the live window opens its recording for review, rated as its own evaluator."""
        def open_review(session_id: str) -> None:
            review = root.open_review_window(services, store, session_id, transcriber=transcriber,
                                             evaluator=live.evaluator)
            windows.append(review)
            review.show()
            review.raise_()
            review.activateWindow()

        live.open_review = open_review

    def new_interview() -> None:
        from interviewer.ui.setup_dialog import SetupDialog

        dialog = SetupDialog(parent=library, devices=devices, draft=setup_draft)
        if dialog.exec():
            try:
                live = root.start_from_setup(services, store, transcriber, dialog.result_value(), devices=devices)
            except (UserError, OSError) as exc:
                setup_draft.update(dialog._snapshot())  # what was typed comes back on the next open
                QMessageBox.warning(library, "New interview", f"The interview could not be opened: {exc}")
                return
            windows.append(live)
            wire_live(live)
            live.show()

    library.new_interview.connect(new_interview)

    def open_session(session_id: str, at: float) -> None:
        review = root.open_review_window(services, store, session_id, transcriber=transcriber)
        windows.append(review)
        review.show()
        if at >= 0:
            review.play_from(at)

    library.open_session.connect(open_session)

    def wire_live(live: Any) -> None:
        """The library lists the live window's session as it starts and once it is saved; after Stop the live
        window opens its recording in the review window."""
        library.watch(live)
        offer_review(live)
    if getattr(args, "command", None) == "demo":
        live = root.open_demo_window(services, store, transcriber, speed=getattr(args, "speed", 1.0))
        windows.append(live)
        wire_live(live)
        live.show()
        live.record()
        if getattr(args, "screenshot", None):
            schedule_screenshot(live, args.screenshot, args.screenshot_at)
    else:
        library.show()
    if recovered:
        QMessageBox.information(library if library.isVisible() else None, "Recovered interviews",
                                "\n".join(r.message() for r in recovered))
    catch_up = resume_catch_ups(store, transcriber, library)

    def finalize_recordings() -> None:
        """Quit, logout or shutdown: save every recording before the process goes (a few seconds)."""
        for w in windows:
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
        if catch_up is not None:
            catch_up.cancel()  # goes on at the next start
        finalize_recordings()
        for w in windows:
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
