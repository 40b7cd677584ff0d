"""One live interview, Qt-free: sources -> recorder (disk, every sample) + streaming transcriber -> store.

The CLI's `record` and the GUI's live window drive this same object. Listeners are plain callables
called from worker threads; a front end marshals them to its own thread (the GUI through Qt signals).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from interviewer.audio.decode import SAMPLE_RATE, Float32Array
from interviewer.audio.pace import LoadStatus, Pace, probe_speed
from interviewer.audio.recorder import DiskFullError, Recorder, check_headroom
from interviewer.audio.sources import AudioSource
from interviewer.audio.stream_config import StreamConfig
from interviewer.audio.streaming import StreamingTranscriber
from interviewer.core.config import DataDir
from interviewer.core.errors import AudioError, UserError
from interviewer.core.files import private_open
from interviewer.core.transcript import Segment
from interviewer.notes.store.database import Store


@dataclass
class Listener:
    """What a front end wants to hear about. Called from worker threads."""

    started: Callable[[str], None] = lambda session_id: None
    segment: Callable[[str, Segment], None] = lambda segment_id, segment: None
    # A committed segment revised in place by the second pass (same id, better text; see StreamingTranscriber), or
    # labelled by voice (with a confidence). A line holding both voices is split: its first part comes as a
    # revision of its id, each further part as a `segment` of its own and then its labelled revision.
    revised: Callable[[str, Segment], None] = lambda segment_id, segment: None
    tentative: Callable[[str, str, float, float], None] = lambda speaker, text, start, end: None
    level: Callable[[str, float], None] = lambda speaker, dbfs: None
    stopped: Callable[[str], None] = lambda reason: None
    error: Callable[[str], None] = lambda message: None
    # The live path's answer to the machine's speed (see interviewer.audio.pace), on every change.
    load: Callable[[LoadStatus], None] = lambda status: None
    # A stored microphone segment found to be the echo of the call (the call track said it too) was removed.
    removed: Callable[[str], None] = lambda segment_id: None


@dataclass
class Track:
    source: AudioSource
    speaker: str
    recorder: Recorder | None = None
    stream: StreamingTranscriber | None = None
    ended: threading.Event = field(default_factory=threading.Event)
    error: Exception | None = None
    warned: bool = False


@dataclass
class SessionSpec:
    candidate: str
    consent: str
    evaluator: str
    role: str | None = None
    kit_id: str | None = None
    candidate_id: str | None = None


class SessionLock:
    """An OS lock held while a session records, so recovery never touches a live recording.

    The OS drops it when the process dies, even by `kill -9`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._f: Any = None

    def acquire(self) -> bool:
        self._f = private_open(self.path, "a+b")
        try:
            if os.name == "nt":  # pragma: no cover - Windows
                import msvcrt

                msvcrt.locking(self._f.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            else:
                import fcntl

                fcntl.flock(self._f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._f.close()
            self._f = None
            return False
        return True

    def release(self) -> None:
        if self._f is not None:
            self._f.close()
            self._f = None
            self.path.unlink(missing_ok=True)


def is_locked(path: Path) -> bool:
    if not path.exists():
        return False
    lock = SessionLock(path)
    if lock.acquire():
        lock._f.close()  # probe only; keep the file for its owner
        lock._f = None
        return False
    return True


def dbfs(block: Float32Array) -> float:
    rms = float(np.sqrt(np.mean(np.square(block, dtype=np.float64)))) if len(block) else 0.0
    return 20 * float(np.log10(max(rms, 1e-6)))


class LiveSession:
    """Record and transcribe one interview. `start` returns once the audio clock runs."""

    def __init__(self, *, store: Store, data_dir: DataDir, transcriber: Any, tracks: list[Track],
                 spec: SessionSpec, listener: Listener | None = None, config: StreamConfig | None = None,
                 free_bytes: Callable[[Path], int] = lambda p: shutil.disk_usage(p).free,
                 clock: Callable[[], float] = time.monotonic, inhibitor: Any = None,
                 pace: Pace | None = None, attribute_speakers: bool = False) -> None:
        if not tracks:
            raise UserError("a session needs at least one audio source")
        if not spec.consent:
            raise UserError("recording needs the candidate's consent first (verbal or written)")
        self.store = store
        self.data_dir = data_dir
        self.transcriber = transcriber
        self.tracks = tracks
        self.spec = spec
        self.listener = listener or Listener()
        self.config = config or StreamConfig()
        self._free_bytes = free_bytes
        self._clock = clock
        # One for all tracks: a commit on either holds up the optional work of both. None: measured at start.
        self.pace = pace
        self.session_id: str | None = None
        self.state = "idle"
        self.stop_reason = ""
        self._paused = False
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._saved = threading.Event()
        self._session_lock: SessionLock | None = None
        # Per track, in commit order: (segment id or None when dropped as an echo, the segment); guarded by
        # _echo_lock. With several tracks, the first is the microphone and the others are the call.
        self._committed: list[list[tuple[str | None, Segment]]] = []
        self._echo_lock = threading.Lock()
        self.echoes_dropped = 0
        # One source: who said what, by voice, on its own thread (interviewer.audio.speakers.LiveAttributor)
        self.attribute_speakers = attribute_speakers
        self.attributor: Any = None
        self._latest: dict[str, Segment] = {}  # segment id -> its latest text, with its voice label
        self._split_of: dict[str, list[str]] = {}  # a committed line split where its voice changed -> its parts' ids
        from interviewer.core.power import SleepInhibitor

        self.inhibitor = inhibitor if inhibitor is not None else SleepInhibitor()

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> str:
        check_headroom(self.data_dir.root, self._free_bytes(self.data_dir.root), tracks=len(self.tracks))
        store = self.store
        spec = self.spec
        with store.atomic():
            cand = spec.candidate_id or store.get_or_create_candidate(spec.candidate)
            role_id = store.get_or_create_role(spec.role) if spec.role else None
            sid = store.create_session(candidate_id=cand, role_id=role_id, kit_id=spec.kit_id,
                                       evaluator=spec.evaluator, status="recording", sample_rate=SAMPLE_RATE,
                                       model=getattr(self.transcriber, "label", None), origin="live")
            store.record_consent(candidate_id=cand, session_id=sid, method=spec.consent,
                                 confirmed_by=spec.evaluator)
            paths = [Path("audio") / (f"{sid}.wav" if i == 0 else f"{sid}.{i + 1}.wav")
                     for i in range(len(self.tracks))]
            store.update_session(sid, audio_path=paths[0].as_posix(),
                                 audio_path2=paths[1].as_posix() if len(paths) > 1 else None,
                                 speakers=",".join(t.speaker for t in self.tracks))
        self.session_id = sid
        if self.pace is None:
            self.pace = measured_pace(self.transcriber, self.listener.load)
        self._session_lock = SessionLock(self.data_dir.audio_dir / f"{sid}.lock")
        self._session_lock.acquire()
        self.inhibitor.acquire()  # no idle sleep while recording, where the platform allows
        try:
            for track, rel in zip(self.tracks, paths, strict=True):
                track.recorder = Recorder(self.data_dir.root / rel,
                                          opener=store.vault.open if store.vault else None)
                commit, revise = self._committer(sid, len(self._committed))
                track.stream = StreamingTranscriber(
                    self.transcriber, speaker=track.speaker, config=self.config,
                    reader=track.recorder.read, name=f"transcribe {track.speaker}", pace=self.pace,
                    on_commit=commit, on_revise=revise,
                    on_tentative=self._tentative(track.speaker))
            if self.attribute_speakers and len(self.tracks) == 1:
                self.attributor = self._attributor(sid, self.tracks[0])
            self.state = "recording"
            for track in self.tracks:
                track.source.start(self._on_audio(track), self._on_end(track))
        except Exception:
            self._finish("failed to start", status="failed")
            raise
        self.listener.started(sid)
        self.pace.announce()
        return sid

    def _attributor(self, sid: str, track: Track) -> Any:
        from interviewer.audio.speakers import LiveAttributor
        from interviewer.audio.voices import encoder
        from interviewer.live.attribution import session_probes
        from interviewer.notes.panel import voice_profile

        try:
            enc = encoder()
        except AudioError as exc:
            self.listener.error(f"speakers are not told apart: {exc}")
            return None
        profile = voice_profile(self.store, self.spec.evaluator) if self.spec.evaluator else None
        assert track.recorder is not None
        return LiveAttributor(track.recorder.read, self._on_label,
                              profile=None if profile is None else np.asarray(profile, np.float32),
                              profile_name=self.spec.evaluator, enc=enc, on_split=self._on_split,
                              probes=session_probes(self.store, self.store.session(sid)))

    def _on_split(self, seg_id: str, parts: list[Segment]) -> list[str] | None:
        """The attributor's thread: the voice changes inside a committed line. The line keeps its id for the first
        part (a revision: `revised`), each further part becomes a line of its own (`segment`); words keep their
        times and the quotes over the range are re-read (the store's one rule). None when the line changed
        meanwhile in a way the parts no longer fit (then it stays whole)."""
        assert self.session_id is not None
        with self._echo_lock:
            latest = self._latest.get(seg_id)
            if latest is None:
                return None
            cut = split_at(latest, [p.start for p in parts[1:]], parts)
            if cut is None:
                return None
            parts = cut
            with self.store.atomic():
                row = self.store.segment(seg_id)
                if row is None or row["text"] != latest.text:
                    return None
                new_ids = [self.store.add_segment(self.session_id, p) for p in parts[1:]]  # labelled
                self.store.set_segment_speaker(seg_id, parts[0].speaker, parts[0].confidence)
                self.store.revise_segment(seg_id, parts[0], actor=ATTRIBUTION_ACTOR)  # re-reads the quotes
            for part_id, part in zip([seg_id, *new_ids], parts, strict=True):
                self._latest[part_id] = part
            self._split_of[seg_id] = [seg_id, *new_ids]
        self.listener.revised(seg_id, parts[0])
        for part_id, part in zip(new_ids, parts[1:], strict=True):
            self.listener.segment(part_id, part)  # a line of its own (record: a committed line with its id) ...
            self.listener.revised(part_id, part)  # ... labelled by voice, as every line is (with its confidence)
        return new_ids

    def _on_label(self, seg_id: str, labelled: Segment) -> None:
        """The attributor's thread: a segment's voice label is new or changed (the same id, as a revision)."""
        with self._echo_lock:
            if not self.store.set_segment_speaker(seg_id, labelled.speaker, labelled.confidence):
                return
            latest = self._latest.get(seg_id, labelled)
            if self.session_id is not None:  # a quote over lines of both voices holds the candidate's words only
                self.store.refresh_quotes(self.session_id, latest.start, latest.end, actor=ATTRIBUTION_ACTOR)
            seg = Segment(latest.start, latest.end, latest.text, labelled.speaker, latest.words,
                          labelled.confidence)
            self._latest[seg_id] = seg
        self.listener.revised(seg_id, seg)

    def _revise_parts(self, ids: list[str], seg: Segment) -> list[tuple[str, Segment]]:
        """A second-pass revision of a line split by voice, given to its parts at the same times (under
        _echo_lock); the revised parts, or none when the words no longer fit the parts or one was edited."""
        olds = [self._latest.get(i) for i in ids]
        if any(o is None for o in olds):
            return []
        parts = split_at(seg, [o.start for o in olds[1:] if o is not None], [o for o in olds if o is not None])
        if parts is None:
            return []
        with self.store.atomic():
            for part_id, part, old in zip(ids, parts, olds, strict=True):
                assert old is not None
                if not self.store.revise_segment(part_id, part, expected_text=old.text):
                    return []
        for part_id, part in zip(ids, parts, strict=True):
            self._latest[part_id] = part
        return list(zip(ids, parts, strict=True))

    def _tentative(self, speaker: str) -> Callable[[str, float, float], None]:
        def tentative(text: str, start: float, end: float) -> None:
            self.listener.tentative(speaker, text, start, end)
        return tentative

    def _committer(self, sid: str, index: int) -> tuple[Callable[[Segment], None], Callable[[int, Segment], None]]:
        """One track's commit and revise callbacks (its transcriber's thread calls both, in order).

        With microphone + call tracks, a microphone segment that repeats what the call said at the same time
        (the microphone hearing the speakers) is not stored; one stored before the call's copy committed is
        removed when it does."""
        committed: list[tuple[str | None, Segment]] = []
        self._committed.append(committed)
        echo_check = len(self.tracks) > 1

        def call_segments() -> list[Segment]:
            return [seg for track in self._committed[1:] for _, seg in track]

        def commit(seg: Segment) -> None:
            from interviewer.audio.echo import is_echo

            with self._echo_lock:
                if echo_check and index == 0 and is_echo(seg, call_segments()):
                    committed.append((None, seg))
                    self.echoes_dropped += 1
                    return
                seg_id = self.store.add_segment(sid, seg)
                committed.append((seg_id, seg))
                self._latest[seg_id] = seg
                echoes: list[str] = []
                if echo_check and index > 0:
                    mic = self._committed[0]
                    for i, (mic_id, mic_seg) in enumerate(mic):
                        if mic_id is not None and is_echo(mic_seg, call_segments()):
                            self.store.delete_segment(mic_id, actor="echo removal",
                                                      reason="the microphone's copy of the call")
                            mic[i] = (None, mic_seg)
                            self.echoes_dropped += 1
                            echoes.append(mic_id)
            self.listener.segment(seg_id, seg)
            for mic_id in echoes:
                self.listener.removed(mic_id)
            if self.attributor is not None:
                self.attributor.add(seg_id, seg)

        def revise(i: int, seg: Segment) -> None:
            out: list[tuple[str, Segment]] = []
            with self._echo_lock:
                seg_id, old = committed[i]
                if seg_id is None:
                    return
                if seg_id in self._split_of:  # split by voice: the second pass's words go to the parts
                    out = self._revise_parts(self._split_of[seg_id], seg)
                elif self.store.revise_segment(seg_id, seg, expected_text=old.text):
                    label = self._latest.get(seg_id)
                    if label is not None and label.confidence is not None:  # keep the voice label it was given
                        seg = Segment(seg.start, seg.end, seg.text, label.speaker, seg.words, label.confidence)
                    self._latest[seg_id] = seg
                    out = [(seg_id, seg)]
                if out:
                    committed[i] = (seg_id, seg)
            for part_id, part in out:
                self.listener.revised(part_id, part)
        return commit, revise

    def _on_audio(self, track: Track) -> Callable[[Float32Array], None]:
        def on_audio(block: Float32Array) -> None:
            if self._paused or self._stopped.is_set():
                return
            assert track.recorder is not None
            assert track.stream is not None
            try:
                track.recorder.write(block)
            except AudioError as exc:
                track.error = exc
                self._stop_async(str(exc), disk_full=isinstance(exc, DiskFullError))
                return
            track.stream.feed(block)
            if track.stream.error is not None and not track.warned:
                track.warned = True
                self.listener.error(f"transcription of {track.speaker} stopped ({track.stream.error}); recording "
                                    "goes on, and the session can be refined afterwards")
            self.listener.level(track.speaker, dbfs(block))
        return on_audio

    def _on_end(self, track: Track) -> Callable[[Exception | None], None]:
        def on_end(error: Exception | None) -> None:
            track.error = track.error or error
            track.ended.set()
            if all(t.ended.is_set() for t in self.tracks) and not self._stopped.is_set():
                self._stop_async(f"source ended with an error: {error}" if error else "the audio source ended")
        return on_end

    def _stop_async(self, reason: str, *, disk_full: bool = False) -> None:
        if disk_full:
            self.listener.error(reason)
        threading.Thread(target=self.stop, args=(reason,), name="stop session", daemon=True).start()

    # ------------------------------------------------------------------ controls
    def pause(self) -> None:
        if self.state == "recording":
            self._paused = True
            self.state = "paused"
            if self.session_id:
                self.store.update_session(self.session_id, status="paused")

    def resume(self) -> None:
        if self.state == "paused":
            self._paused = False
            self.state = "recording"
            if self.session_id:
                self.store.update_session(self.session_id, status="recording")

    @property
    def elapsed_s(self) -> float:
        rec = self.tracks[0].recorder
        return rec.seconds if rec else 0.0

    @property
    def backlog_s(self) -> float:
        return max((t.stream.backlog_s for t in self.tracks if t.stream), default=0.0)

    @property
    def needs_catch_up(self) -> bool:
        """Whether polishing was put off (a busy machine): see `catch_up` and interviewer.live.catchup."""
        return any(t.stream is not None and t.stream.needs_catch_up for t in self.tracks)

    def catch_up(self, *, progress: Callable[[float], None] | None = None, cancel: threading.Event | None = None,
                 on_revised: Callable[[str, Segment], None] | None = None) -> int:
        """After the stop: do what was put off, on the recording (segments revised in place). The number of
        segments revised; 0 at once if nothing was put off."""
        from interviewer.live.catchup import catch_up_session

        if not self.session_id or not self._saved.is_set() or not self.needs_catch_up:
            return 0
        return catch_up_session(self.store, self.session_id, self.transcriber, progress=progress, cancel=cancel,
                                on_revised=on_revised).revised

    def wait(self, timeout: float | None = None) -> bool:
        """True once the session is fully saved (recording closed, status written)."""
        return self._saved.wait(timeout)

    def stop(self, reason: str = "stopped") -> None:
        with self._lock:
            if self._stopped.is_set():
                return
            self._stopped.set()
        self._finish(reason, status="complete")

    def _finish(self, reason: str, *, status: str) -> None:
        self._stopped.set()
        for t in self.tracks:
            with suppress(Exception):  # a failing device must not block saving the rest
                t.source.stop()
        for t in self.tracks:
            if t.stream is not None:
                t.stream.finish()
                if t.stream.error is not None:
                    self.listener.error(f"transcription of {t.speaker} stopped ({t.stream.error}); the recording "
                                        "is complete: refine the session to transcribe it")
        if self.attributor is not None:
            self.attributor.finish()
            if self.session_id:
                import json

                self.store.update_session(self.session_id, speaker_rule=json.dumps(self.attributor.summary()))
        for t in self.tracks:
            if t.recorder is not None:
                t.recorder.close()
        self.state = "stopped"
        self.stop_reason = reason
        if self.session_id:
            self.store.update_session(self.session_id, status=status, ended_at=self.store.now(),
                                      duration_s=max(self.elapsed_s, self.store.last_segment_end(self.session_id)),
                                      catch_up=int(self.needs_catch_up))
        if self._session_lock is not None:
            self._session_lock.release()
        self.inhibitor.release()
        self._saved.set()
        self.listener.stopped(reason)


ATTRIBUTION_ACTOR = "speaker attribution"


def split_at(seg: Segment, cuts: list[float], labels: list[Segment]) -> list[Segment] | None:
    """`seg` cut before the first word whose middle lies at or after each of `cuts` (times in seconds), each part
    with its words (times kept) and the speaker and confidence of the same part of `labels`; None when a part
    would hold no word."""
    from interviewer.core.transcript import join_words

    bounds = [float("-inf"), *cuts, float("inf")]
    parts: list[Segment] = []
    for k, label in enumerate(labels):
        words = tuple(w for w in seg.words if bounds[k] <= (w.start + w.end) / 2 < bounds[k + 1])
        if not words or not join_words(words).strip():
            return None
        start = seg.start if k == 0 else words[0].start
        end = seg.end if k == len(labels) - 1 else words[-1].end
        parts.append(Segment(start, end, join_words(words).strip(), label.speaker, words, label.confidence))
    if sum(len(p.words) for p in parts) != len(seg.words):
        return None
    return parts


def measured_pace(transcriber: Any, on_status: Callable[[LoadStatus], None]) -> Pace:
    """A `Pace` started from this machine's speed now: one short decode (see `probe_speed`), or none for a
    transcriber that cannot (a test's stand-in)."""
    start = 0.0
    if getattr(transcriber, "measures_speed", False):
        start = probe_speed(transcriber)
    return Pace(on_status=on_status, commit_decode_s=start)
