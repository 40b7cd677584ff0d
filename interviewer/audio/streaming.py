"""Streaming transcription on its own thread.

Blocks arrive through `feed` (from the capture callback: it never waits). The worker takes them in and runs
the live passes, each in a module of its own:

* `interviewer.audio.utterances`: the Silero VAD over 32 ms windows and the state machine that finds where
  utterances begin and end (a pause of `min_silence_s`; never longer than `max_utterance_s`);
* `interviewer.audio.first_pass`: an utterance that has ended is decoded and committed, speculatively from
  `speculate_after_s` into the pause, so the commit lands about one decode after the pause begins;
* `interviewer.audio.previews`: while someone speaks, the utterance so far is decoded every
  `tentative_interval_s` for tentative text, on its own thread and decoder when the transcriber offers one;
* `interviewer.audio.second_pass`: committed utterances are gathered into windows of up to 20 s decoded again
  with `revise_beam`, and every segment whose text changes is revised in place (`on_revise(index, segment)`,
  index counting commits from 0);
* `interviewer.audio.live_consolidation`: whole-file transcription's 30 s windows decoded as the voiced audio
  comes, their words given back to the committed segments about half a minute behind the speaker.

The second pass and consolidation share a thread and decoder (`second_pass()` of the transcriber, when it has
one): jobs go out, decoded results come back and are applied by the worker, which alone touches the
committed segments (`interviewer.audio.committed`). Previews, the second pass and consolidation run only when
`interviewer.audio.pace` says the first pass has nothing pending; what the machine is too busy to do live is
shed, and caught up after the interview (`needs_catch_up`).

Times are seconds on the audio clock: samples fed since the start, divided by the sample rate.
If the bounded queue overflows (the transcriber is far behind), the capture side keeps going and the
worker later reads the missed span back from the recording through `reader`; nothing is dropped.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from interviewer.audio.committed import Committed, OnCommit, OnRevise
from interviewer.audio.consolidate import Consolidation, ConsolidationJob
from interviewer.audio.decode import SAMPLE_RATE, Float32Array
from interviewer.audio.first_pass import FirstPass
from interviewer.audio.live_consolidation import LiveConsolidation
from interviewer.audio.pace import Pace
from interviewer.audio.previews import OnTentative, Previews
from interviewer.audio.priority import lower_current_thread
from interviewer.audio.second_pass import Revision, SecondPass
from interviewer.audio.stream_config import StreamConfig
from interviewer.audio.utterances import ONSET_MARGIN_S, StreamingVad, Utterance, Utterances
from interviewer.core.transcript import Segment

CATCH_UP_S = 10.0
REVISE_POLL_S = 0.05

Reader = Callable[[int, int], Float32Array]
Job = Revision | ConsolidationJob


class StreamingTranscriber:
    def __init__(self, transcriber: Any, *, speaker: str = "", on_commit: OnCommit,
                 on_tentative: OnTentative | None = None, on_revise: OnRevise | None = None,
                 config: StreamConfig | None = None, reader: Reader | None = None,
                 vad: Callable[[Float32Array], Float32Array] | None = None, name: str = "transcriber",
                 pace: Pace | None = None) -> None:
        self.transcriber = transcriber
        # Who decodes when (see interviewer.audio.pace): shared by the tracks of a session. By default only
        # the gate (a live session passes one that also adapts to the machine: `session.measured_pace`).
        self.pace = pace or Pace(adaptive=False)
        self.speaker = speaker
        self.config = config or StreamConfig()
        cfg = self.config
        self._reader = reader
        # capture side
        max_blocks = max(8, int(cfg.queue_max_s / 0.05))
        self._queue: queue.Queue[tuple[int, Float32Array] | None] = queue.Queue(maxsize=max_blocks)
        self._fed = 0          # samples handed to feed()
        self._gap_from: int | None = None
        self._lock = threading.Lock()
        self.error: BaseException | None = None
        # The worker's parts; every callback runs under `_emit_lock`: they never interleave.
        self._emit_lock = threading.Lock()
        self._committed = Committed(on_commit=on_commit, on_revise=on_revise, emit_lock=self._emit_lock)
        self.committed: list[Segment] = self._committed.segments  # the best text so far, revised in place
        self._utts = Utterances(cfg, self.pace, vad or StreamingVad(), on_begin=self._utterance_began,
                                on_pause=self._utterance_paused, on_end=self._utterance_ended)
        self._first = FirstPass(transcriber, speaker=speaker, config=cfg, pace=self.pace, utterances=self._utts,
                                committed=self._committed)
        # Second pass and consolidation on their own thread (see `revise_in_thread`): jobs go out, decoded
        # results come back and are applied by the worker, which alone touches `committed`.
        self._reviser: Any = None
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._results: queue.Queue[tuple[Job, Any]] = queue.Queue()
        self._in_flight = 0
        self._consolidation: LiveConsolidation | None = None
        self._cons: Consolidation | None = None
        threaded = cfg.revising and cfg.revise_in_thread and hasattr(transcriber, "second_pass")
        if threaded:
            self._reviser = transcriber.second_pass()
            if cfg.consolidate and hasattr(self._reviser, "transcribe_window"):
                self._consolidation = LiveConsolidation(speaker=speaker, config=cfg, pace=self.pace,
                                                        committed=self._committed)
                self._cons = self._consolidation.state
        self._second = SecondPass(transcriber, speaker=speaker, config=cfg, pace=self.pace, utterances=self._utts,
                                  committed=self._committed, send=self._send_revision if threaded else None,
                                  consolidated=self._consolidated, last_preview=lambda: self._previews.last_at)
        if threaded:
            self._rthread = threading.Thread(target=self._revise_loop, name=f"{name} (second pass)", daemon=True)
            self._rthread.start()
        # Previews, on their own thread with their own decoder when the transcriber offers one.
        self._previewer: Any = None
        if on_tentative is not None and cfg.preview_in_thread and hasattr(transcriber, "sibling"):
            self._previewer = transcriber.sibling("previews")
        self._previews = Previews(transcriber, self._previewer, speaker=speaker, config=cfg, pace=self.pace,
                                  on_tentative=on_tentative, emit_lock=self._emit_lock, utterances=self._utts,
                                  prompt=self._first.prompt, queued=self._queue.qsize, name=name)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ capture side (never blocks)
    def feed(self, block: Float32Array) -> None:
        with self._lock:
            start = self._fed
            self._fed += len(block)
            if self._gap_from is not None:
                return  # still catching up from the recording: the reader will supply this span
            try:
                self._queue.put_nowait((start, block))
            except queue.Full:
                self._gap_from = start

    @property
    def fed_s(self) -> float:
        return self._fed / SAMPLE_RATE

    @property
    def settled(self) -> bool:
        """Nothing fed waits for the worker and no second pass is in flight (a faster-than-real-time replay
        paces itself on this, see bench/wer_set.py)."""
        return self._queue.empty() and self._gap_from is None and not self._in_flight and not self._second.waiting

    @property
    def backlog_s(self) -> float:
        """Audio fed but not yet judged by the VAD."""
        return max(0, self._fed - self._utts.vad_pos) / SAMPLE_RATE

    def finish(self, timeout: float | None = None) -> None:
        """Commit what is left and stop the worker (blocks until it is done; never hangs on a dead worker)."""
        while self._thread.is_alive():
            try:
                self._queue.put(None, timeout=0.2)
                break
            except queue.Full:
                continue
        self._thread.join(timeout)
        self._previews.stop()

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    # ------------------------------------------------------------------ what was done, and what was shed
    @property
    def revisions_pending(self) -> int:
        return self._second.waiting + self._in_flight

    @property
    def revisions(self) -> int:
        """Segments whose text a second pass changed."""
        return self._second.revisions

    @property
    def revisions_run(self) -> int:
        """Windows decoded a second time."""
        return self._second.runs

    @property
    def revisions_dropped(self) -> int:
        """Windows whose second pass was dropped (too far behind, or implausible)."""
        return self._second.dropped

    @property
    def revise_decode_max_s(self) -> float:
        return self._second.decode_max_s

    @property
    def consolidated(self) -> int:
        """Segments whose text consolidation changed."""
        return self._consolidation.consolidated if self._consolidation is not None else 0

    @property
    def consolidations_dropped(self) -> int:
        """Windows whose words were not used (implausible, or failed)."""
        return self._consolidation.dropped if self._consolidation is not None else 0

    @property
    def consolidate_decode_max_s(self) -> float:
        """The longest consolidation window decode, wall seconds."""
        return self._consolidation.decode_max_s if self._consolidation is not None else 0.0

    @property
    def preview_errors(self) -> int:
        return self._previews.errors

    @property
    def shed(self) -> int:
        """Second-pass and consolidation windows not decoded live because the machine is busy."""
        return self._second.shed + (self._consolidation.shed if self._consolidation is not None else 0)

    @property
    def needs_catch_up(self) -> bool:
        """Whether some of the polishing was not done live (the machine was busy): the stored transcript
        reaches whole-file quality only once `interviewer.live.catchup` has run on the recording."""
        return self.shed > 0 or self.pace.deferred

    # ------------------------------------------------------------------ worker
    def _run(self) -> None:
        try:
            while True:
                self._second.maybe_close()
                self._apply_results()
                self._maybe_consolidate()
                if self._second.waiting and self._idle() and self._second.due():
                    self._second.revise_next()
                    continue
                waiting = self._second.waiting or self._second.is_open or self._in_flight
                try:
                    item = self._queue.get(timeout=REVISE_POLL_S if waiting else None)
                except queue.Empty:
                    continue
                if item is None:
                    self._catch_up()
                    self._utts.drain()
                    self._finish_revisions()
                    return
                start, block = item
                if start > self._utts.seen:
                    self._take(self._read_span(self._utts.seen, start - self._utts.seen))
                self._take(block)
                self.pace.backlog(self.backlog_s)
                with self._lock:
                    gap = self._gap_from
                if gap is not None and self._queue.empty():
                    self._catch_up()
        except BaseException as exc:  # noqa: BLE001 - surfaced to the owner, who decides
            self.error = exc

    def _idle(self) -> bool:
        """No audio waits for the worker."""
        if not self._queue.empty():
            return False
        with self._lock:
            return self._gap_from is None

    def _read_span(self, start: int, count: int) -> Float32Array:
        if self._reader is None or count <= 0:
            return np.zeros(max(0, count), dtype=np.float32)
        got = self._reader(start, count)
        if len(got) < count:
            got = np.concatenate([got, np.zeros(count - len(got), dtype=np.float32)])
        return got

    def _catch_up(self) -> None:
        """After a queue overflow, read what the queue could not hold back from the recording, in pieces of
        at most `CATCH_UP_S` so memory stays bounded however far behind the transcriber is."""
        piece = int(CATCH_UP_S * SAMPLE_RATE)
        while True:
            with self._lock:
                if self._gap_from is None:
                    return
                end = self._fed
            while end > self._utts.seen:
                self._take(self._read_span(self._utts.seen, min(piece, end - self._utts.seen)))
            with self._lock:
                if self._fed == end:
                    self._gap_from = None
                    return

    def _take(self, block: Float32Array) -> None:
        if not len(block):
            return
        self._utts.take(block)
        self._previews.maybe_ask()
        self._trim()

    def _utterance_began(self, at: int) -> None:
        self._previews.begin(at)

    def _utterance_paused(self, start: int, end: int) -> None:
        text = self._first.speculate(start, end)
        if text is not None:
            self._previews.show(text, start, end)

    def _utterance_ended(self, utt: Utterance) -> None:
        self._previews.end()
        if self._consolidation is not None:
            self._consolidation.add_speech(utt.onset + int(ONSET_MARGIN_S * SAMPLE_RATE),
                                           min(utt.end, utt.last_voice), self._utts.audio, self._utts.seen)
        first, count = self._first.commit(utt)
        if count and self.config.revising:
            self._second.add(first, count, utt.start, utt.end, utt.onset)

    def _trim(self) -> None:
        """Forget audio nobody will need again: the passes say what they still need."""
        keep = [self._second.window_start]  # the second pass will want the open window's audio
        if self._consolidation is not None:  # the next voiced stretch may merge with the last: keep the audio between
            utts = self._utts
            keep.append(self._consolidation.needs_from(utts.onset if utts.start is not None else utts.vad_pos))
        self._utts.trim(min((k for k in keep if k is not None), default=None))

    # ------------------------------------------------------------------ the second-pass thread
    def _send_revision(self, job: Revision) -> bool:
        if self._in_flight >= self.config.revise_pending_max:
            return False
        self._in_flight += 1
        self._jobs.put(job)
        return True

    def _consolidated(self) -> set[int]:
        return self._cons.done if self._cons is not None else set()

    def _revise_loop(self) -> None:
        """The second-pass thread: decode each job once the first pass has nothing pending; the worker
        applies the result. A job that cannot start within `revise_max_lag_s` is given up (shed)."""
        lower_current_thread()
        while True:
            job = self._jobs.get()
            if job is None:
                return
            result: Any = None
            if not self.pace.wait_turn(self.config.revise_max_lag_s):
                self._results.put((job, None))
                continue
            try:
                if isinstance(job, ConsolidationJob):
                    assert self._consolidation is not None
                    result = self._consolidation.decode(job, self._reviser)
                elif not self._second.too_late(job):
                    result = self._second.decode(job, self._reviser)
            except Exception:  # noqa: BLE001 - a failed second pass leaves the first pass standing
                result = None
            self._results.put((job, result))

    def _apply_results(self, wait_s: float = 0.0) -> None:
        """Apply the second-pass results that have come back (waiting up to `wait_s` for the first)."""
        while self._in_flight:
            try:
                job, segs = self._results.get(timeout=wait_s) if wait_s > 0 else self._results.get_nowait()
            except queue.Empty:
                return
            wait_s = 0.0
            self._in_flight -= 1
            if isinstance(job, ConsolidationJob):
                self._apply_consolidation(job, segs)
            elif segs is None:  # failed, too late, or never started (the first pass kept the cores busy)
                self._second.not_decoded()
            else:
                self._second.apply(job, segs)

    def _apply_consolidation(self, job: ConsolidationJob, window: Any) -> None:
        assert self._consolidation is not None
        self._consolidation.apply(job, window)

    def _maybe_consolidate(self, *, final: bool = False) -> bool:
        """Send the next window to the second-pass thread if one is due; whether one was."""
        if self._consolidation is None:
            return False
        job = self._consolidation.next_job(final=final)
        if job is None:
            return False
        self._in_flight += 1
        self._jobs.put(job)
        return True

    def _finish_revisions(self) -> None:
        """End of stream: complete what is cheap within `revise_finish_s` (consolidation: what is left of
        it within `consolidate_finish_s`), drop the rest."""
        deadline = time.monotonic() + self.config.revise_finish_s
        self._second.close()
        if self._reviser is not None:
            while self._in_flight and time.monotonic() < deadline:
                self._apply_results(wait_s=max(0.01, deadline - time.monotonic()))
            deadline = time.monotonic() + (self.config.consolidate_finish_s if self._cons is not None else 0.0)
            while time.monotonic() < deadline and (self._in_flight or self._maybe_consolidate(final=True)):
                self._apply_results(wait_s=max(0.01, deadline - time.monotonic()))
            if self._consolidation is not None and not self._in_flight and not self._consolidation.state.due(final=True):
                self._consolidation.give_back_upto(float("inf"))  # all decoded: the last words go back too
            self._second.not_decoded(self._in_flight)  # still decoding: dropped, the first pass stands
            self._in_flight = 0
            self._jobs.put(None)
            return
        while self._second.waiting:
            if time.monotonic() >= deadline:
                self._second.drop_waiting()
                return
            self._second.revise_next()
