"""The real-display layer: a real X server (Xvfb) with a window manager (openbox), the real app started as a
subprocess on Qt's xcb platform, real key events typed with xdotool (XTEST, as a keyboard would send them, on
a chosen keyboard layout), and the outcome read back from the app's SQLite store.

Every wait is on a condition (a window appears, a row appears in the store) with a generous deadline; no test
passes or fails on a fixed sleep. Each app is quit at the end of its test (SIGTERM to its process group, then
SIGKILL if it hangs), and the X server and window manager at the end of the session."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from interviewer.notes.store.database import Store

SCREEN = (1366, 768)
TOOLS = {"Xvfb": "xvfb", "openbox": "openbox", "xdotool": "xdotool", "setxkbmap": "x11-xkb-utils",
         "xprop": "x11-utils", "import": "imagemagick"}
# What the app must never print on stderr on a real display: a shortcut Qt could not resolve (the key did
# nothing) or an uncaught exception.
BAD_STDERR = ("Ambiguous shortcut overload", "Traceback (most recent call last)")
WAIT_S = 120.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.display)
            item.add_marker(pytest.mark.timeout(900))


def wait_for(condition: Callable[[], Any], what: str, timeout: float = WAIT_S, every: float = 0.25) -> Any:
    """Poll `condition` until it returns something truthy (returned); fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


@dataclass
class Display:
    """One X server with a window manager; xdotool and friends run against it."""

    name: str
    env: dict[str, str]
    shots: Path

    def run(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(list(args), env=self.env, capture_output=True, text=True, timeout=60, check=False)
        if check and done.returncode:
            pytest.fail(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
        return done.stdout

    def set_layout(self, layout: str) -> None:
        self.run("setxkbmap", layout)
        wait_for(lambda: re.search(rf"^layout:\s+{layout}$", self.run("setxkbmap", "-query"), re.MULTILINE),
                 f"the keyboard layout {layout}")

    def windows(self, title: str) -> list[str]:
        """Visible windows whose title matches the regular expression `title`."""
        out = self.run("xdotool", "search", "--onlyvisible", "--name", title, check=False)
        return out.split()

    def wait_for_window(self, title: str, timeout: float = WAIT_S) -> str:
        return str(wait_for(lambda: (self.windows(title) or [None])[-1], f"a window titled {title!r}", timeout))

    def wait_gone(self, title: str, timeout: float = WAIT_S) -> None:
        wait_for(lambda: not self.windows(title), f"the window {title!r} to close", timeout)

    def title(self, window: str) -> str:
        return self.run("xdotool", "getwindowname", window, check=False).strip()

    def active_window(self) -> str:
        return self.run("xdotool", "getactivewindow", check=False).strip()

    def activate(self, window: str) -> None:
        """Give `window` the keyboard focus, as a click on it would, and wait until it has it."""
        def active() -> bool:
            if self.active_window() == window:
                return True
            self.run("xdotool", "windowactivate", window, check=False)
            return False

        wait_for(active, f"window {window} to become active", timeout=60, every=0.5)

    def key(self, *keys: str) -> None:
        """Press and release each key (xdotool names: "1", "shift+2", "ctrl+z", "Return") in the active window."""
        self.run("xdotool", "key", "--delay", "120", *keys)

    def type(self, text: str) -> None:
        self.run("xdotool", "type", "--delay", "60", text)

    def size(self, window: str) -> tuple[int, int]:
        out = self.run("xdotool", "getwindowgeometry", "--shell", window)
        values = dict(line.split("=", 1) for line in out.split())
        return int(values["WIDTH"]), int(values["HEIGHT"])

    def screenshot(self, name: str, window: str = "root") -> Path:
        """The whole screen (or one window) as shots/NAME.png."""
        path = self.shots / f"{name}.png"
        self.run("import", "-window", window, str(path))
        return path

    def painted(self, window: str) -> bool:
        """Whether `window` shows something yet: a window not painted yet is one flat colour (black)."""
        from PySide6.QtGui import QImage

        image = QImage(str(self.screenshot("painted-probe", window)))
        if image.isNull():
            return False
        w, h = image.width(), image.height()
        colours = {image.pixel(x * w // 16, y * h // 16) for x in range(1, 16) for y in range(1, 16)}
        return len(colours) > 3

    def wait_painted(self, window: str, timeout: float = WAIT_S) -> None:
        """Wait until `window` has painted its content: then it handles keys and the window manager's requests."""
        wait_for(lambda: self.painted(window), f"window {window} to paint", timeout, every=0.5)


@pytest.fixture(scope="session")
def display(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Display]:
    missing = [f"{tool} ({package})" for tool, package in TOOLS.items() if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"missing for the real-display tests: {', '.join(missing)}; "
                    "`bash scripts/system-packages --check-or-install` installs them")
    root = tmp_path_factory.mktemp("display")
    read, write = os.pipe()
    with (root / "xvfb.log").open("w") as log:
        xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0",
                                 f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp", "-noreset"],
                                pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    os.close(write)
    with os.fdopen(read) as f:
        number = f.readline().strip()
    assert number, f"Xvfb did not start: {(root / 'xvfb.log').read_text()}"
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(DISPLAY=f":{number}", HOME=str(root), XDG_CONFIG_HOME=str(root / "config"),
               XDG_RUNTIME_DIR=str(root))
    with (root / "openbox.log").open("w") as log:
        wm = subprocess.Popen(["openbox", "--sm-disable"], env=env, stdout=subprocess.DEVNULL, stderr=log,
                              start_new_session=True)
    shots = root / "shots"
    shots.mkdir()
    d = Display(f":{number}", env, shots)
    # The window manager owns the screen once it answers as one (its _NET_SUPPORTING_WM_CHECK window).
    wait_for(lambda: "window id" in d.run("xprop", "-root", "_NET_SUPPORTING_WM_CHECK", check=False),
             "openbox to start", timeout=60)
    assert wm.poll() is None, (root / "openbox.log").read_text()
    d.set_layout("us")
    try:
        yield d
    finally:
        for proc in (wm, xvfb):
            _stop(proc)


def _stop(proc: subprocess.Popen[Any], grace: float = 30.0) -> int:
    """SIGTERM the process group, wait up to `grace` s, then SIGKILL it. Returns the exit status."""
    if proc.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    return int(proc.returncode)


@pytest.fixture(scope="session")
def microphone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A sound server with a null sink: its monitor is the default input, a microphone that hears silence.
    The environment an app needs to use it."""
    from tests.pulse import pulse_server

    with pulse_server(tmp_path_factory.mktemp("pulse-display")) as env:
        yield {"PULSE_SERVER": f"unix:{env['PULSE_RUNTIME_PATH']}/native"}


@pytest.fixture
def layout(display: Display) -> Iterator[Callable[[str], None]]:
    """Switch the keyboard layout for this test; US again afterwards."""
    yield display.set_layout
    display.set_layout("us")


@dataclass
class App:
    """The real app, a subprocess on the display, with its own data directory."""

    proc: subprocess.Popen[Any]
    data_dir: Path
    log: Path
    display: Display
    exit_status: int | None = None
    _reported: list[str] = field(default_factory=list)

    @property
    def stderr(self) -> str:
        return (self.log / "stderr.txt").read_text(encoding="utf-8", errors="replace")

    @contextmanager
    def store(self) -> Iterator[Store]:
        """The app's store, opened beside the running app (SQLite WAL: readers never block it)."""
        store = Store(self.data_dir / "interviewer.sqlite3", verify=False)
        try:
            yield store
        finally:
            store.close()

    def wait_store(self, condition: Callable[[Store], Any], what: str, timeout: float = WAIT_S) -> Any:
        def check() -> Any:
            exited = self.proc.poll()
            assert exited is None, f"the app exited ({exited}) while waiting for {what}:\n{self.stderr[-3000:]}"
            if not (self.data_dir / "interviewer.sqlite3").exists():
                return None
            with self.store() as store:
                return condition(store)
        try:
            return wait_for(check, what, timeout, every=0.5)
        except pytest.fail.Exception as exc:
            raise AssertionError(f"{exc}\nthe app's stderr:\n{self.stderr[-3000:]}") from None

    def quit(self) -> int:
        """Quit as the desktop would at logout (SIGTERM: the app saves the recording and exits)."""
        if self.exit_status is None:
            self.exit_status = _stop(self.proc)
        return self.exit_status

    def assert_clean_stderr(self) -> None:
        bad = [line for line in self.stderr.splitlines() if any(b in line for b in BAD_STDERR)]
        assert not bad, "the app complained on stderr:\n" + self.stderr[-4000:]


@pytest.fixture
def launch(display: Display, tmp_path: Path) -> Iterator[Callable[..., App]]:
    """`launch("demo", "--speed", "1")` starts `interviewer demo ...` on the display with a fresh data dir
    (and fresh settings: the default window layout). Every app is quit when the test ends."""
    apps: list[App] = []

    def start(*args: str, data_dir: Path | None = None, env: dict[str, str] | None = None) -> App:
        n = len(apps)
        data = data_dir or tmp_path / f"data{n}"
        log = tmp_path / f"app{n}"
        log.mkdir()
        run_env = {**display.env, "QT_QPA_PLATFORM": "xcb", "XDG_CONFIG_HOME": str(log / "config"),
                   "PYTHONUNBUFFERED": "1", **(env or {})}
        with (log / "stdout.txt").open("w") as out, (log / "stderr.txt").open("w") as err:
            proc = subprocess.Popen([sys.executable, "-m", "interviewer", *args, "--data-dir", str(data)],
                                    env=run_env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
        app = App(proc, data, log, display)
        apps.append(app)
        return app

    yield start
    for app in apps:
        app.quit()
