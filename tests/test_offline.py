"""Truly offline: the real program, traced by strace, opens no network connection, sends nothing off the machine
and writes nothing outside its data dir, its config dir and the files it was asked to write.

Blocking sockets in-process (`no_network` in conftest) cannot see native code: onnxruntime, which runs
faster-whisper's Silero VAD, looked up mobile.events.data.microsoft.com from C++ and wrote a device id under
~/.cache/Microsoft (issue 22, finding 3). Here every `connect`, `sendto`, `sendmsg` and `sendmmsg` of the process
and its children is traced with the socket behind each file descriptor (`strace -yy`).

What is allowed, and why:
* AF_UNIX and AF_NETLINK sockets: they never leave the machine (the D-Bus system bus that `systemd-inhibit`
  asks for the sleep inhibitor, the name-service cache that looks up the user name of the default evaluator,
  PulseAudio, the kernel's netlink).
* Nothing else: no TCP or UDP at all, loopback included (a DNS query to a local resolver is still a lookup of
  a name on the network); glibc's resolver configuration (/etc/resolv.conf, /etc/hosts, /etc/host.conf,
  /etc/gai.conf) is never read and systemd-resolved's socket never connected to, so a host name lookup is
  caught before any packet. Not seen: a lookup that the name-service cache daemon (nscd) answers from its
  cache or makes on our behalf; from here it looks like the user-name lookup above.
* Writes (`openat` for writing, `mkdir`, `rename`) only inside the data dir, the platform's config dir (Qt's
  window settings), the output the command was given and $TMPDIR (which must be empty again at the end), plus
  /dev/null and POSIX semaphores (/dev/shm/sem.*, memory that is unlinked at once). Creating the parents of the
  data and config dirs is allowed. Afterwards $HOME holds nothing but the data dir and the config dir.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import JFK, ROOT

SYSCALLS = "connect,sendto,sendmsg,sendmmsg,open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2"
NET_CALL = re.compile(r"^(?:\d+\s+)?(connect|sendto|sendmsg|sendmmsg)\((\d+)(?:<([^>]*)>)?(.*)$")
WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND")
OPEN_CALL = re.compile(r'^(?:\d+\s+)?(openat|open|creat)\((?:(AT_FDCWD|\d+)(?:<([^>]*)>)?, )?"([^"]*)"(?:, ([A-Z_|]+))?')
MKDIR_CALL = re.compile(r'^(?:\d+\s+)?(mkdir|mkdirat)\((?:(AT_FDCWD|\d+)(?:<([^>]*)>)?, )?"([^"]*)"')
RENAME_CALL = re.compile(r'^(?:\d+\s+)?(rename|renameat|renameat2)\(.*"([^"]*)"[^"]*$')
NAME_LOOKUP_FILES = ("/etc/resolv.conf", "/etc/hosts", "/etc/host.conf", "/etc/gai.conf")  # glibc's resolver
LOOKUP_SOCKETS = ("/run/systemd/resolve/",)  # systemd-resolved's varlink socket answers name lookups only
LOCAL_SOCKETS = ("UNIX", "NETLINK")


@dataclass
class Trace:
    network: list[str]         # connect/send calls on anything but a local socket
    lookups: list[str]         # the resolver's configuration read: a host name was looked up
    writes: list[Path]         # files opened for writing, directories made, rename targets
    mkdirs: list[Path]
    stdout: str
    stderr: str
    code: int


def _failed(line: str) -> bool:
    return bool(re.search(r"\) = -1 E", line))


def _resolve(dirfd_path: str | None, path: str, cwd: Path) -> Path:
    p = Path(path)
    if p.is_absolute():
        return p
    return Path(dirfd_path) / p if dirfd_path else cwd / p


def parse_strace(text: str, cwd: Path) -> tuple[list[str], list[str], list[Path], list[Path]]:
    network: list[str] = []
    lookups: list[str] = []
    writes: list[Path] = []
    mkdirs: list[Path] = []
    for raw in text.splitlines():
        line = raw.strip()
        if "resumed>" in line or line.startswith(("+++", "---")):
            continue
        if m := NET_CALL.match(line):
            kind = (m.group(3) or "").split(":", 1)[0]
            family = re.search(r"sa_family=(AF_\w+)", m.group(4))
            if not kind.startswith(LOCAL_SOCKETS) or (family and family.group(1) not in ("AF_UNIX", "AF_NETLINK")):
                network.append(line)
            elif (sun := re.search(r'sun_path="([^"]*)"', m.group(4))) and sun.group(1).startswith(LOOKUP_SOCKETS):
                lookups.append(line)
            continue
        if m := OPEN_CALL.match(line):
            path = _resolve(m.group(3), m.group(4), cwd)
            if str(path) in NAME_LOOKUP_FILES:
                lookups.append(line)
            flags = m.group(5) or ("O_CREAT" if m.group(1) == "creat" else "")
            if any(f in flags for f in WRITE_FLAGS) and not _failed(line):
                writes.append(path)
            continue
        if (m := MKDIR_CALL.match(line)) and not _failed(line):
            mkdirs.append(_resolve(m.group(3), m.group(4), cwd))
            continue
        if (m := RENAME_CALL.match(line)) and not _failed(line):
            writes.append(_resolve(None, m.group(2), cwd))
    return network, lookups, writes, mkdirs


def _strace() -> str:
    found = shutil.which("strace")
    assert found, "strace is needed for this test: scripts/system-packages installs it (apt-get install strace)"
    return found


class Sandbox:
    """A fresh $HOME and $TMPDIR; the program's default data dir and config dir are under that $HOME."""

    def __init__(self, tmp_path: Path) -> None:
        self.home = tmp_path / "home"
        self.tmp = tmp_path / "tmp"
        self.out = tmp_path / "out"  # the user-named output of a command
        for d in (self.home, self.tmp, self.out):
            d.mkdir()
        self.data = self.home / ".local" / "share" / "Interviewer"
        self.config = self.home / ".config" / "Interviewer"
        self.log = tmp_path / "strace.log"

    def env(self) -> dict[str, str]:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "TMPDIR": str(self.tmp),
            "LANG": "C.UTF-8",
            "QT_QPA_PLATFORM": "offscreen",
            # The interpreter's own byte-code cache is written beside the sources, not by the program.
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        if os.environ.get("PYTHONPATH"):
            env["PYTHONPATH"] = os.environ["PYTHONPATH"]
        return env

    def run(self, *argv: str, timeout: float = 240) -> Trace:
        cmd = [_strace(), "-f", "-yy", "-qq", "-s", "256", "-e", f"trace={SYSCALLS}", "-o", str(self.log),
               sys.executable, "-m", "interviewer", *argv]
        proc = subprocess.run(cmd, cwd=ROOT, env=self.env(), capture_output=True, text=True, timeout=timeout,
                              check=False)
        network, lookups, writes, mkdirs = parse_strace(self.log.read_text(errors="replace"), ROOT)
        return Trace(network, lookups, writes, mkdirs, proc.stdout, proc.stderr, proc.returncode)

    def allowed_write(self, path: Path) -> bool:
        if any(path.is_relative_to(root) for root in (self.data, self.config, self.out, self.tmp)):
            return True
        return str(path) == "/dev/null" or (path.parent == Path("/dev/shm") and path.name.startswith("sem."))

    def allowed_mkdir(self, path: Path) -> bool:
        return self.allowed_write(path) or any(root.is_relative_to(path) for root in (self.data, self.config))

    def check(self, trace: Trace) -> None:
        assert trace.code == 0, trace.stderr
        assert trace.network == [], "network traffic:\n" + "\n".join(trace.network)
        assert trace.lookups == [], "a host name was looked up:\n" + "\n".join(trace.lookups)
        outside = sorted({str(p) for p in trace.writes if not self.allowed_write(p)}
                         | {str(p) for p in trace.mkdirs if not self.allowed_mkdir(p)})
        assert outside == [], "written outside the data dir and the config dir: " + ", ".join(outside)
        in_home = sorted(str(p.relative_to(self.home)) for p in self.home.rglob("*")
                         if p.is_file() and not (p.is_relative_to(self.data) or p.is_relative_to(self.config)))
        assert in_home == [], f"files left in $HOME: {in_home}"
        assert list(self.tmp.iterdir()) == [], f"left in $TMPDIR: {list(self.tmp.iterdir())}"


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    return Sandbox(tmp_path)


def test_parse_strace_tells_local_sockets_from_the_network(tmp_path):
    """The checker itself: lines as strace -f -yy prints them (captured from the unfixed program)."""
    text = "\n".join([
        ('11 connect(8<UDP:[16338]>, {sa_family=AF_INET, sin_port=htons(53), '
        'sin_addr=inet_addr("10.255.255.53")}, 16) = 0'),
        ('11 sendto(9<UDP:[192.0.2.2:51073->10.255.255.53:53]>, "S\\244\\1\\0\\6mobile"..., 50, MSG_NOSIGNAL, '
        'NULL, 0) = 50'),
        '12 sendmmsg(5<UDPv6:[[::1]:4->[::1]:53]>, [{msg_hdr={...}}], 2, MSG_NOSIGNAL <unfinished ...>',
        '13 connect(3<UNIX-STREAM:[19683]>, {sa_family=AF_UNIX, sun_path="/run/dbus/system_bus_socket"}, 30) = 0',
        '13 sendmsg(3<UNIX-STREAM:[19683->19684]>, {msg_name=NULL, msg_namelen=0}, MSG_NOSIGNAL) = 40',
        ('13 connect(4<UNIX-STREAM:[7]>, {sa_family=AF_UNIX, sun_path="/run/systemd/resolve/io.systemd.Resolve"}, '
        '42) = 0'),
        '14 openat(AT_FDCWD</w>, "/etc/resolv.conf", O_RDONLY|O_CLOEXEC) = 3</etc/resolv.conf>',
        '15 openat(6</h/.cache/M>, "deviceid.tmp.8", O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, 0600) = 7',
        '15 openat(AT_FDCWD</w>, "rel/file", O_RDONLY|O_CLOEXEC) = 3</w/rel/file>',
        '15 openat(AT_FDCWD</w>, "/nope", O_WRONLY|O_CREAT, 0666) = -1 EACCES (Permission denied)',
        '16 mkdir("/h/.cache", 0700) = 0',
        '16 renameat2(AT_FDCWD</w>, "/h/a.tmp", AT_FDCWD</w>, "/h/a", RENAME_NOREPLACE) = 0',
    ])
    network, lookups, writes, mkdirs = parse_strace(text, Path("/w"))
    assert [n.split("(")[0].split()[-1] for n in network] == ["connect", "sendto", "sendmmsg"]
    assert lookups == [text.splitlines()[5], text.splitlines()[6]]
    assert writes == [Path("/h/.cache/M/deviceid.tmp.8"), Path("/h/a")]
    assert mkdirs == [Path("/h/.cache")]


@pytest.mark.slow
def test_transcribe_realtime_stays_offline(sandbox):
    # Real time: the whole 11 s clip, long enough for onnxruntime's uploader (it looked up its host ~9 s in).
    trace = sandbox.run("transcribe", str(JFK), "--realtime", "--format", "jsonl")
    sandbox.check(trace)
    assert '"final": true' in trace.stdout


@pytest.mark.slow
def test_record_from_a_file_stays_offline(sandbox):
    trace = sandbox.run("record", "--source", f"file:{JFK}", "--candidate", "Ann Example", "--consent", "verbal")
    sandbox.check(trace)
    assert '"event": "stop"' in trace.stdout
    assert (sandbox.data / "interviewer.sqlite3").is_file()


@pytest.mark.slow
def test_headless_demo_stays_offline(sandbox):
    trace = sandbox.run("demo", "--headless", "--speed", "8", "--out", str(sandbox.out))
    sandbox.check(trace)
    assert (sandbox.out / "session.json").is_file()


@pytest.mark.slow
def test_app_start_stays_offline(sandbox):
    """The app itself, offscreen: the library window, then the demo's live window recording, which saves a
    picture once its audio clock reaches 6 s and quits (the hook scripts/screenshot uses)."""
    shot = sandbox.out / "live.png"
    trace = sandbox.run("demo", "--speed", "4", "--screenshot", str(shot), "--screenshot-at", "6")
    sandbox.check(trace)
    assert shot.stat().st_size > 0
    assert (sandbox.config / "Interviewer.conf").is_file()
