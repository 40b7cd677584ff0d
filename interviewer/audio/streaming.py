"""Streaming transcription on its own thread.

Blocks arrive through `feed` (from the capture callback: it never waits). The worker runs the Silero VAD
(shipped with faster-whisper) over 32 ms windows and keeps a small state machine:

* speech starts when a window's speech probability passes `speech_threshold`;
* while someone speaks, the utterance so far is decoded every `tentative_interval_s` for tentative text;
* a pause of `min_silence_s` ends the utterance: it is decoded with word timestamps, prompted with the
  tail of the committed text, and committed. The decode starts speculatively once the pause has lasted
  `speculate_after_s`, and is thrown away if the speaker goes on, so the commit lands about one decode
  after the pause begins rather than a pause plus a decode; its text is shown as the preview meanwhile.
  First-pass and preview decodes run once at temperature 0 with a length cap (Whisper's retries at higher
  temperatures are what held commits seconds late);
* an utterance never exceeds `max_utterance_s`: it is split at the quietest stretch of its last seconds;
* previews run on their own thread with another decoder of the model (when the transcriber offers one, see
  `preview_in_thread`): the worker leaves the latest request in a one-place slot, so a preview never holds
  up a commit and a long commit never holds up the next preview; a preview that comes back after its
  utterance was committed is not shown;
* two passes: the commit uses the fast `beam_size`. Committed utterances are gathered into a window of
  consecutive audio (closed once it spans `revise_window_s`, before it would pass Whisper's 30 s, or once
  nobody has spoken for `revise_idle_close_s`); a window is decoded again as one piece with `revise_beam`
  on its own thread and decoder (or, without one, whenever the worker is idle: no audio waiting, and
  neither a commit nor the next preview held up), prompted with the text before it - the context
  whole-file transcription has - and its words go back to the committed segment whose stretch they fall
  in. Every segment whose text changes is revised in place (`on_revise(index, segment)`, index counting
  commits from 0) and the prompt for what follows uses the revised text; a window whose word count is
  implausible (a hallucination or a dropout) or whose decode loops is dropped whole. (Until 2026-11 a
  segment was revised only where the model scored the new words as more probable and none was skipped:
  on seven benchmark interviews, 2,700 words, that kept 3.3 points of WER above whole-file transcription,
  taking every plausible revision 2.2 - the first pass's short, greedy decodes are often the worse and
  the most sure of themselves. See bench/wer_set.py.) At most `revise_pending_max` windows wait and none
  older than `revise_max_lag_s`: beyond that they are dropped (the first pass stands), so there is never
  a backlog;
* a decode that loops (Whisper repeating a phrase until its token cap, see `loop_at`) is cut after the
  phrase's first copy in the first pass and the previews, and a second pass that loops is not used.
* consolidation (see interviewer.audio.consolidate), on the second pass's thread and decoder: the voiced
  audio is kept as whole-file transcription keeps a file's, and every 30 s of it is decoded as whole-file
  transcription decodes its windows (beam 5, prompted with the previous windows' tokens); its words go
  back to the committed segments with the second pass's guards once no later window can claim them, so
  the live transcript reaches whole-file accuracy about half a minute behind the speaker. Segments it has
  revised are not revised again by a late second pass.

Times are seconds on the audio clock: samples fed since the start, divided by the sample rate.
If the bounded queue overflows (the transcriber is far behind), the capture side keeps going and the
worker later reads the missed span back from the recording through `reader`; nothing is dropped.
"""

from __future__ import annotations

import bisect
import itertools
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from interviewer.audio.consolidate import LOOK_AHEAD, Consolidation, ConsolidationJob
from interviewer.audio.consolidate import WINDOW as WHISPER_WINDOW
from interviewer.audio.decode import SAMPLE_RATE, Float32Array
from interviewer.audio.pace import Pace
from interviewer.audio.priority import lower_current_thread
from interviewer.core.transcript import Segment, Word, normalise_word

WINDOW = 512  # Silero VAD window, 32 ms at 16 kHz
CATCH_UP_S = 10.0
MIN_SEGMENT_S = 0.3
ONSET_MARGIN_S = 0.15

OnCommit = Callable[[Segment], None]
OnTentative = Callable[[str, float, float], None]
OnRevise = Callable[[int, Segment], None]
Reader = Callable[[int, int], Float32Array]


@dataclass
class StreamConfig:
    speech_threshold: float = 0.5
    silence_threshold: float = 0.35
    min_silence_s: float = 0.5
    speculate_after_s: float = 0.2
    min_speech_s: float = 0.25
    # Audio kept after the last voiced window. It costs no latency while below `min_silence_s` (the end is
    # only known once the pause has lasted that long), and the VAD often calls a soft last word silence.
    pad_s: float = 0.35
    pre_pad_s: float = 0.6     # audio kept before the VAD fired: onsets are soft, and Whisper needs them
    tail_silence_s: float = 0.45  # digital silence appended before decoding: Whisper ends sentences better
    tentative_interval_s: float = 0.75
    tentative_window_s: float = 8.0
    max_utterance_s: float = 28.0
    # Optionally commit a long answer at its first short pause after this long, so the decode at the end
    # of the turn stays short. Off by default: on the benchmark it cut p95 latency but cost 1-6 WER points
    # (Whisper does worse on fragments).
    soft_split_after_s: float | None = None
    soft_split_silence_s: float = 0.25
    split_search_s: float = 8.0
    prompt_chars: int = 60  # the previous sentence or so; longer prompts made tiny.en worse here
    revise_prompt_chars: int = 200  # the second pass's: a wider window is helped by more of what came before
    beam_size: int = 1
    # First pass and previews decode once at temperature 0, with a cap on their length: Whisper's retries at
    # higher temperatures (when a decode looks repetitive) cost several decodes and held a commit 3 s.
    first_pass_fallback: bool = False
    queue_max_s: float = 120.0
    # Second pass (see the module docstring): None, or a beam not above `beam_size`, turns it off.
    revise_beam: int | None = 5
    revise_window_s: float = 20.0
    revise_idle_close_s: float = 1.0
    revise_pending_max: int = 3
    revise_max_lag_s: float = 60.0
    # While someone speaks, a revision runs only if the preview after it still comes within this long of
    # the previous one (from the revision's estimated cost).
    revise_preview_gap_s: float = 1.25
    revise_idle_max_s: float = 1.0  # the longest (estimated) revision started while nobody speaks
    revise_finish_s: float = 5.0  # finish() completes pending revisions within this budget, drops the rest
    # Decode revisions on their own thread with another decoder of the model (`second_pass()` of the
    # transcriber, when it has one) instead of in the worker's idle moments.
    revise_in_thread: bool = True
    # Consolidation (see interviewer.audio.consolidate): on the second pass's thread, whole-file
    # transcription's 30 s windows decoded as the voiced audio comes, their words given back to the committed
    # segments. Beyond `consolidate_max_lag_s` behind it skips ahead (what it passes over keeps its text);
    # finish() gives it `consolidate_finish_s` to decode what is left.
    consolidate: bool = True
    consolidate_max_lag_s: float = 120.0
    consolidate_finish_s: float = 10.0
    # Decode previews on their own thread with another decoder of the model (`sibling("previews")` of the
    # transcriber, when it has one): a preview never holds up a commit, and a long commit never holds up
    # the preview after it.
    preview_in_thread: bool = True


REVISE_POLL_S = 0.05
MAX_WINDOW_S = 29.0  # a second-pass window plus its tail silence stays inside one Whisper window


def token_cap(samples: int) -> int:
    """Enough tokens for very fast speech (about 8 a second), not for a runaway repetition."""
    return min(300, 16 + int(8 * samples / SAMPLE_RATE))


@dataclass(frozen=True)
class _Preview:
    utt: int        # which utterance (see `StreamingTranscriber._utt_id`)
    utt_start: int
    start: int      # the audio decoded: [start, end)
    end: int
    audio: Float32Array
    prompt: str
    retry: bool = False  # asked at once because the one before heard nothing


@dataclass
class _Revision:
    """A window of consecutive committed utterances, decoded again as one piece."""

    first: int      # index in `committed` of the window's first segment
    count: int
    start: int
    end: int
    onset: int
    audio: Float32Array | None = None  # filled when the window closes
    prompt: str = ""
    n_old: int = 0   # words the first pass gave the window


class StreamingVad:
    """Speech probability for each 512-sample window, carrying context across calls."""

    def __init__(self, model: Any = None) -> None:
        if model is None:
            from faster_whisper.vad import get_vad_model

            model = get_vad_model()
        self._model = model
        self._pending = np.zeros(0, dtype=np.float32)
        self._last = np.zeros(WINDOW, dtype=np.float32)

    def __call__(self, samples: Float32Array) -> Float32Array:
        buf = np.concatenate([self._pending, samples]) if len(self._pending) else samples
        n = len(buf) // WINDOW * WINDOW
        self._pending = buf[n:].copy()
        if n == 0:
            return np.zeros(0, dtype=np.float32)
        # Prepend the previous window so the first new one gets its real context; drop its output.
        batch = np.concatenate([self._last, buf[:n]]).astype(np.float32, copy=False)
        self._last = buf[n - WINDOW:n].copy()
        out = np.asarray(self._model(batch, num_samples=WINDOW), dtype=np.float32).reshape(-1)
        return out[1:]


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
        self.shed = 0  # second-pass and consolidation windows not decoded live because the machine is busy
        self.speaker = speaker
        self.config = config or StreamConfig()
        self._on_commit = on_commit
        self._on_tentative = on_tentative
        self._on_revise = on_revise
        self._reader = reader
        self._vad = vad or StreamingVad()
        max_blocks = max(8, int(self.config.queue_max_s / 0.05))
        self._queue: queue.Queue[tuple[int, Float32Array] | None] = queue.Queue(maxsize=max_blocks)
        self._fed = 0          # samples handed to feed()
        self._gap_from: int | None = None
        self._lock = threading.Lock()
        # worker state
        self._buf = np.zeros(0, dtype=np.float32)
        self._buf_start = 0    # audio-clock sample of _buf[0]
        self._seen = 0         # samples the worker has taken in
        self._vad_pos = 0      # samples the VAD has judged
        self._probs: list[float] = []  # per window since _buf_start (aligned to WINDOW from _probs_start)
        self._probs_start = 0
        self._utt_start: int | None = None
        self._last_end = 0     # where the last committed utterance ended: the next never reaches back past it
        self._onset = 0        # where the VAD heard the utterance begin
        self._last_voice = 0
        self._last_tentative = 0
        self._committed_text = ""
        self._speculation: tuple[int, int, list[Segment]] | None = None  # (start, end, segments)
        self.committed: list[Segment] = []  # the best text so far: revisions replace their segments here
        self._revisions: deque[_Revision] = deque()
        self._window: _Revision | None = None
        self._revise_rate = 0.04  # seconds of second-pass decoding per second of audio (running estimate)
        self.revisions = 0          # segments whose text a second pass changed
        self.revisions_run = 0      # windows decoded a second time
        self.revisions_dropped = 0  # windows whose second pass was dropped (too far behind, or implausible)
        self.revise_decode_max_s = 0.0
        self.error: BaseException | None = None
        # Second pass on its own thread (see `revise_in_thread`): jobs go out, decoded segments come back
        # and are applied by the worker, which alone touches `committed`.
        self._reviser: Any = None
        self._jobs: queue.Queue[_Revision | ConsolidationJob | None] = queue.Queue()
        self._results: queue.Queue[tuple[_Revision | ConsolidationJob, Any]] = queue.Queue()
        self._in_flight = 0
        self._cons: Consolidation | None = None
        self.consolidated = 0          # segments whose text consolidation changed
        self.consolidations_dropped = 0  # windows whose words were not used (implausible, or failed)
        self.consolidate_decode_max_s = 0.0  # the longest consolidation window decode, wall seconds
        if self._revising and self.config.revise_in_thread and hasattr(transcriber, "second_pass"):
            self._reviser = transcriber.second_pass()
            if self.config.consolidate and hasattr(self._reviser, "transcribe_window"):
                self._cons = Consolidation()
            self._rthread = threading.Thread(target=self._revise_loop, name=f"{name} (second pass)", daemon=True)
            self._rthread.start()
        # Previews on their own thread (see `preview_in_thread`): the worker leaves the latest request in a
        # one-place slot; an utterance's preview is shown only while that utterance is still in progress.
        self._emit_lock = threading.Lock()  # every callback runs under it: they never interleave
        self._utt_id = 0          # counts utterances; `_live_utt` is the one in progress, if any
        self._live_utt: int | None = None
        self._previewer: Any = None
        self._preview_slot: _Preview | None = None
        self._preview_cond = threading.Condition()
        self._preview_stop = False
        self._preview_retry = False
        self.preview_errors = 0
        if self._on_tentative is not None and self.config.preview_in_thread and hasattr(transcriber, "sibling"):
            self._previewer = transcriber.sibling("previews")
            self._pthread = threading.Thread(target=self._preview_loop, name=f"{name} (previews)", daemon=True)
            self._pthread.start()
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
        return self._queue.empty() and self._gap_from is None and not self._in_flight and not self._revisions

    @property
    def backlog_s(self) -> float:
        """Audio fed but not yet judged by the VAD."""
        return max(0, self._fed - self._vad_pos) / SAMPLE_RATE

    def finish(self, timeout: float | None = None) -> None:
        """Commit what is left and stop the worker (blocks until it is done; never hangs on a dead worker)."""
        while self._thread.is_alive():
            try:
                self._queue.put(None, timeout=0.2)
                break
            except queue.Full:
                continue
        self._thread.join(timeout)
        with self._preview_cond:
            self._preview_stop = True
            self._preview_cond.notify()

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    # ------------------------------------------------------------------ worker
    def _run(self) -> None:
        try:
            while True:
                self._maybe_close_window()
                self._apply_results()
                self._maybe_consolidate()
                if self._revisions and self._revision_due():
                    self._revise_next()
                    continue
                waiting = self._revisions or self._window is not None or self._in_flight
                try:
                    item = self._queue.get(timeout=REVISE_POLL_S if waiting else None)
                except queue.Empty:
                    continue
                if item is None:
                    self._catch_up()
                    self._drain_to_end()
                    self._finish_revisions()
                    return
                start, block = item
                if start > self._seen:
                    self._take(self._read_span(self._seen, start - self._seen))
                self._take(block)
                self.pace.backlog(self.backlog_s)
                with self._lock:
                    gap = self._gap_from
                if gap is not None and self._queue.empty():
                    self._catch_up()
        except BaseException as exc:  # noqa: BLE001 - surfaced to the owner, who decides
            self.error = exc

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
            while end > self._seen:
                self._take(self._read_span(self._seen, min(piece, end - self._seen)))
            with self._lock:
                if self._fed == end:
                    self._gap_from = None
                    return

    def _take(self, block: Float32Array) -> None:
        if not len(block):
            return
        self._buf = np.concatenate([self._buf, block]) if len(self._buf) else block.astype(np.float32)
        self._seen += len(block)
        probs = self._vad(block)
        cfg = self.config
        for p in probs:
            win_end = self._vad_pos + WINDOW
            self._vad_pos = win_end
            self._probs.append(float(p))
            if self._utt_start is None:
                if p >= cfg.speech_threshold:
                    self._utt_start = max(self._buf_start, self._last_end,
                                          win_end - WINDOW - int(cfg.pre_pad_s * SAMPLE_RATE))
                    # Whisper stretches the first word back over the pre-pad; the VAD knows better.
                    self._onset = max(self._utt_start, win_end - WINDOW - int(ONSET_MARGIN_S * SAMPLE_RATE))
                    self._last_voice = win_end
                    self._last_tentative = win_end
                    self._begin_utterance()
                continue
            if p >= cfg.silence_threshold:
                self._last_voice = win_end
            silence = (win_end - self._last_voice) / SAMPLE_RATE
            length = (win_end - self._utt_start) / SAMPLE_RATE
            end = self._last_voice + int(cfg.pad_s * SAMPLE_RATE)
            split_after = cfg.soft_split_after_s if cfg.soft_split_after_s is not None else self.pace.split_after_s
            soft = split_after is not None and length >= split_after \
                and silence >= cfg.soft_split_silence_s and end <= self._seen
            if silence >= cfg.min_silence_s or soft:
                self._end_utterance(end)
            elif length >= cfg.max_utterance_s:
                self._end_utterance(self._best_split(win_end))
            elif silence >= cfg.speculate_after_s and end <= self._seen and self.pace.speculate and (
                    self._speculation is None or self._speculation[:2] != (self._utt_start, end)):
                self._speculation = (self._utt_start, end, self._decode(self._utt_start, end))
                # What the speculation heard is the freshest preview there is, at no extra cost: show it
                # (the commit replaces it if the pause goes on; the next preview follows if not).
                text = " ".join(seg.text for seg in self._speculation[2]).strip()
                if text and self._on_tentative is not None:
                    self._last_tentative = self._vad_pos
                    with self._emit_lock:
                        self._on_tentative(text, self._utt_start / SAMPLE_RATE, end / SAMPLE_RATE)
        self._maybe_tentative()
        self._trim()

    def _best_split(self, now: int) -> int:
        """The middle of the quietest run of windows in the utterance's last `split_search_s`."""
        assert self._utt_start is not None
        lo = max(self._utt_start + SAMPLE_RATE, now - int(self.config.split_search_s * SAMPLE_RATE))
        first = (lo - self._probs_start) // WINDOW
        last = (now - self._probs_start) // WINDOW
        probs = self._probs[max(0, first):max(0, last)]
        if len(probs) < 3:
            return now
        smooth = np.convolve(np.asarray(probs), np.ones(3) / 3, mode="same")
        k = int(np.argmin(smooth))
        return self._probs_start + (max(0, first) + k) * WINDOW + WINDOW // 2

    def _audio(self, start: int, end: int) -> Float32Array:
        a = max(0, start - self._buf_start)
        b = max(a, end - self._buf_start)
        return self._buf[a:b]

    def _maybe_tentative(self) -> None:
        if self._on_tentative is None or self._utt_start is None:
            return
        now = self._vad_pos
        paced = self.pace.preview_interval_s
        if paced <= 0:
            return  # previews paused: the machine is busy, commits come first
        interval = max(self.config.tentative_interval_s, paced)
        if (now - self._last_tentative) / SAMPLE_RATE < interval and not self._preview_retry:
            return
        if self._queue.qsize() * 0.05 > 0.5:  # behind: commits matter more than previews
            return
        speaking = len(self._probs) >= 2 and min(self._probs[-2:]) >= self.config.speech_threshold
        if not speaking and (self._previewer is None or self._last_voice <= self._last_tentative):
            # A pause may be starting. Previews in the worker would hold up the commit: none. On their own
            # thread, one more shows the last words said before it (its encoder is done before the
            # speculative decode needs the encoder), then none until someone speaks again.
            return
        self._last_tentative = now
        retry, self._preview_retry = self._preview_retry, False
        # Only the last few seconds: a preview stays cheap however long the speaker goes on.
        start = max(self._utt_start, now - int(self.config.tentative_window_s * SAMPLE_RATE))
        job = _Preview(self._utt_id, self._utt_start, start, now, self._audio(start, now), self._prompt(), retry)
        if self._previewer is None:
            self._preview(self.transcriber, job)
            return
        with self._preview_cond:
            self._preview_slot = job  # a request not yet started is superseded by this one
            self._preview_cond.notify()

    def _preview(self, transcriber: Any, job: _Preview) -> None:
        segs = transcriber.transcribe_array(job.audio, offset=job.start / SAMPLE_RATE, prompt=job.prompt,
                                            speaker=self.speaker, beam_size=1, vad=False, word_timestamps=False,
                                            fallback=self.config.first_pass_fallback,
                                            max_new_tokens=token_cap(job.end - job.start))
        words = " ".join(s.text for s in segs).split()
        text = " ".join(words[:loop_at([normalise_word(w) for w in words])]).strip()
        if text and job.start > job.utt_start:
            text = "… " + text
        with self._emit_lock:
            if self._on_tentative is None or self._live_utt != job.utt:
                return  # committed (or ended) meanwhile: its commit stands
            if not text:
                # Whisper heard nothing there: ask once more at once, with the newest audio (not again and
                # again: what the VAD took for speech may be noise)
                self._preview_retry = not job.retry
                return
            self._on_tentative(text, job.utt_start / SAMPLE_RATE, job.end / SAMPLE_RATE)

    def _preview_loop(self) -> None:
        """The preview thread: decode the latest request; never more than one at a time, and none while a
        first-pass decode is under way: it waits for that (up to one preview interval, then it is skipped),
        and then decodes the newest request, unless its utterance was committed meanwhile."""
        lower_current_thread()
        while True:
            with self._preview_cond:
                while self._preview_slot is None and not self._preview_stop:
                    self._preview_cond.wait()
                job, self._preview_slot = self._preview_slot, None
                if self._preview_stop or job is None:
                    return
            if not self.pace.wait_turn(self.config.tentative_interval_s):
                self.pace.skipped()
                continue
            with self._preview_cond:  # a newer request came while waiting: that one
                if self._preview_slot is not None:
                    job, self._preview_slot = self._preview_slot, None
            with self._emit_lock:
                if self._live_utt != job.utt:
                    continue  # committed meanwhile: its commit stands
            try:
                self._preview(self._previewer, job)
            except Exception:  # noqa: BLE001 - a failed preview is only a missed refresh; the commit follows
                self.preview_errors += 1

    def _begin_utterance(self) -> None:
        with self._emit_lock:
            self._utt_id += 1
            self._live_utt = self._utt_id

    def _prompt(self) -> str:
        return self._committed_text[-self.config.prompt_chars:]

    def _decode(self, start: int, end: int) -> list[Segment]:
        """A first-pass decode (a commit, or the speculative decode of one): optional work waits meanwhile."""
        audio = self._padded(start, end)
        began = time.monotonic()
        with self.pace.first_pass():
            segs: list[Segment] = self.transcriber.transcribe_array(
                audio, offset=start / SAMPLE_RATE, prompt=self._prompt(), speaker=self.speaker,
                beam_size=self.config.beam_size, vad=False, word_timestamps=True,
                fallback=self.config.first_pass_fallback, max_new_tokens=token_cap(end - start))
        self.pace.commit_decoded(time.monotonic() - began)
        return cut_loop(segs)[0]

    def _padded(self, start: int, end: int) -> Float32Array:
        """The audio of [start, end) with the tail silence appended (the same array for the same span, so
        the transcriber's encoder cache serves a second decode of it)."""
        return np.concatenate([self._audio(start, end),
                               np.zeros(int(self.config.tail_silence_s * SAMPLE_RATE), np.float32)])

    def _clip(self, segs: list[Segment], start: int, end: int, onset: int) -> list[Segment]:
        out = []
        for seg in segs:
            if seg.end - seg.start < MIN_SEGMENT_S and len(seg.text.split()) <= 2:
                continue  # a blip Whisper turned into "Thank you." - nobody said it
            # Not before the VAD's onset (the pre-pad is context, not speech), nor into the appended silence.
            lo, hi = max(start, onset) / SAMPLE_RATE, end / SAMPLE_RATE
            words = tuple(Word(max(lo, min(w.start, hi)), max(lo, min(w.end, hi)), w.word, w.prob)
                          for w in seg.words)
            # Word times are sharper than segment times, which start at the padded chunk's start.
            s0 = max(seg.start, lo, words[0].start if words else lo)
            s1 = min(seg.end, hi) if not words else max(s0, min(hi, max(seg.end, words[-1].end)))
            out.append(Segment(s0, s1, seg.text, seg.speaker, words))
        return out

    def _end_utterance(self, end: int) -> None:
        assert self._utt_start is not None
        start = self._utt_start
        end = min(end, self._seen)
        voiced = (self._last_voice - start) / SAMPLE_RATE
        self._utt_start = None
        with self._emit_lock:
            self._live_utt = None  # no preview of it from now on
        spec, self._speculation = self._speculation, None
        self._last_end = max(self._last_end, end)
        if self._cons is not None:
            self._cons.timeline.add(self._onset + int(ONSET_MARGIN_S * SAMPLE_RATE), min(end, self._last_voice),
                                    self._audio, self._seen)
        if end > start and voiced >= self.config.min_speech_s:
            segs = spec[2] if spec is not None and spec[:2] == (start, end) else self._decode(start, end)
            first = len(self.committed)
            for clipped in self._clip(segs, start, end, self._onset):
                self.committed.append(clipped)
                self._committed_text = (self._committed_text + " " + clipped.text).strip()[-2000:]
                with self._emit_lock:
                    self._on_commit(clipped)
            if len(self.committed) > first and self._revising:
                self._add_to_window(first, len(self.committed) - first, start, end)
        # A split inside speech starts the next utterance right away.
        if self._last_voice > end:
            self._utt_start = end
            self._last_tentative = self._vad_pos
            self._begin_utterance()

    def _trim(self) -> None:
        """Forget audio and VAD history nobody will need again."""
        keep_from = self._utt_start if self._utt_start is not None else self._vad_pos - SAMPLE_RATE
        keep_from -= int(self.config.pre_pad_s * SAMPLE_RATE) + WINDOW
        if self._window is not None:  # the second pass will want it
            keep_from = min(keep_from, self._window.start)
        if self._cons is not None:  # the next voiced stretch may merge with the last: keep the audio between
            need = self._cons.timeline.needs_from(self._onset if self._utt_start is not None else self._vad_pos)
            if need is not None:
                keep_from = min(keep_from, need)
        keep_from = max(self._buf_start, keep_from)
        drop = keep_from - self._buf_start
        if drop > SAMPLE_RATE * 5:
            self._buf = self._buf[drop:].copy()
            self._buf_start = keep_from
            wdrop = (keep_from - self._probs_start) // WINDOW
            if wdrop > 0:
                self._probs = self._probs[wdrop:]
                self._probs_start += wdrop * WINDOW

    def _drain_to_end(self) -> None:
        """End of stream: flush the VAD's partial window and commit any utterance in progress."""
        if self._utt_start is not None:
            self._last_voice = max(self._last_voice, self._seen)
            self._end_utterance(self._seen)

    # ------------------------------------------------------------------ second pass
    @property
    def _revising(self) -> bool:
        beam = self.config.revise_beam
        return beam is not None and beam > self.config.beam_size

    @property
    def revisions_pending(self) -> int:
        return len(self._revisions) + self._in_flight

    def _add_to_window(self, first: int, count: int, start: int, end: int) -> None:
        w = self._window
        if w is not None and (end - w.start) / SAMPLE_RATE > MAX_WINDOW_S:
            self._close_window()
            w = None
        if w is None:
            self._window = w = _Revision(first, count, start, end, self._onset)
        else:
            w.count += count
            w.end = end
        if (w.end - w.start) / SAMPLE_RATE >= self.config.revise_window_s:
            self._close_window()

    def _maybe_close_window(self) -> None:
        w = self._window
        if w is not None and self._utt_start is None and \
                (self._vad_pos - w.end) / SAMPLE_RATE >= self.config.revise_idle_close_s:
            self._close_window()

    def _close_window(self) -> None:
        w, self._window = self._window, None
        if w is None:
            return
        if w.start < self._buf_start:  # no longer held (cannot happen while the window is open)
            self.revisions_dropped += 1
            return
        w.audio = self._padded(w.start, w.end)
        before = " ".join(s.text for s in self.committed[max(0, w.first - 20):w.first]).strip()
        w.prompt = before[-self.config.revise_prompt_chars:]
        w.n_old = sum(len(s.words) for s in self.committed[w.first:w.first + w.count])
        if not self.pace.second_pass_live:
            self.shed += 1  # the machine is busy: this window is polished after the interview
            return
        if self._reviser is not None:
            if self._in_flight >= self.config.revise_pending_max:
                self.revisions_dropped += 1  # the second pass is far behind: this window keeps its first pass
                return
            self._in_flight += 1
            self._jobs.put(w)
            return
        if len(self._revisions) >= self.config.revise_pending_max:
            self._revisions.popleft()
            self.revisions_dropped += 1
        self._revisions.append(w)

    def _revision_due(self) -> bool:
        """Idle enough for a second pass: no audio waiting, and neither a commit nor a preview held up."""
        if not self._queue.empty():
            return False
        with self._lock:
            if self._gap_from is not None:
                return False
        cfg = self.config
        job = self._revisions[0]
        assert job.audio is not None
        cost = self._revise_rate * len(job.audio) / SAMPLE_RATE
        if self._utt_start is None:
            # Nobody speaking: the next commit is at least an utterance away, but whoever speaks next
            # should see a preview soon, so one revision may hold the worker only so long.
            return cost <= cfg.revise_idle_max_s
        if len(self._probs) < 2 or min(self._probs[-2:]) < cfg.speech_threshold:
            return False  # a pause may be starting: keep the thread free for the commit
        since = (self._vad_pos - self._last_tentative) / SAMPLE_RATE
        return since + cost <= cfg.revise_preview_gap_s

    def _revise_next(self) -> None:
        job = self._revisions.popleft()
        if self._too_late(job):
            self.revisions_dropped += 1
            return
        self._apply_revision(job, self._revise_decode(job, self.transcriber))

    def _too_late(self, job: _Revision) -> bool:
        return (self._vad_pos - job.end) / SAMPLE_RATE > self.config.revise_max_lag_s

    def _revise_decode(self, job: _Revision, transcriber: Any) -> list[Segment]:
        assert job.audio is not None
        t0 = time.monotonic()
        # One decode at temperature 0 with a cap on its length: a second pass never stalls on retries or a
        # runaway repetition (the first pass stands instead).
        segs: list[Segment] = transcriber.transcribe_array(
            job.audio, offset=job.start / SAMPLE_RATE, prompt=job.prompt, speaker=self.speaker,
            beam_size=self.config.revise_beam, vad=False, word_timestamps=True, fallback=False,
            max_new_tokens=min(220, 2 * job.n_old + 20))
        took = time.monotonic() - t0
        self.revise_decode_max_s = max(self.revise_decode_max_s, took)
        seconds = max(0.1, len(job.audio) / SAMPLE_RATE)
        self._revise_rate = 0.7 * self._revise_rate + 0.3 * took / seconds
        self.revisions_run += 1
        return segs

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
                    began = time.monotonic()
                    result = self._reviser.transcribe_window(job.audio, prompt=job.prompt or None,
                                                             speaker=self.speaker, beam_size=self.config.revise_beam)
                    took = time.monotonic() - began
                    self.consolidate_decode_max_s = max(self.consolidate_decode_max_s, took)
                elif not self._too_late(job):
                    result = self._revise_decode(job, self._reviser)
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
                self.revisions_dropped += 1
                self.shed += 1
            else:
                self._apply_revision(job, segs)

    def _apply_revision(self, job: _Revision, segs: list[Segment]) -> None:
        done = self._cons.done if self._cons is not None else set()
        if any(job.first + j in done for j in range(job.count)):  # consolidated meanwhile: that text is better
            self.revisions_dropped += 1
            return
        new = match_segments(self.committed[job.first:job.first + job.count],
                             self._clip(segs, job.start, job.end, job.onset))
        changed = self._give_back(job.first, new, looped=cut_loop(segs)[1])
        if changed is None:
            self.revisions_dropped += 1  # heard something else entirely: a loop, a hallucination or a dropout
        else:
            self.revisions += changed

    def _give_back(self, first: int, new: list[Segment] | None, *, looped: bool) -> int | None:
        """Revise `committed[first:]` with `new` (a later pass's words matched to them): the number of
        segments whose text changed, or None if the new words are not plausible (a loop, or a word count
        far from the first pass's: a hallucination or a dropout) and nothing changed."""
        if new is None or looped:
            return None
        old = self.committed[first:first + len(new)]
        n_old = sum(len(s.words) for s in old)
        n_new = sum(len(s.words) for s in new)
        if not 0.7 * n_old - 2 <= n_new <= 1.3 * n_old + 3:
            return None
        changed = 0
        for k, seg in enumerate(new):
            if seg.text.strip() == old[k].text.strip():
                continue
            self.committed[first + k] = seg
            changed += 1
            if self._on_revise is not None:
                with self._emit_lock:
                    self._on_revise(first + k, seg)
        if changed:
            self._committed_text = " ".join(s.text for s in self.committed[-20:]).strip()[-2000:]
        return changed

    # ------------------------------------------------------------------ consolidation
    def _maybe_consolidate(self, *, final: bool = False) -> bool:
        """Send the next window to the second-pass thread if one is due; whether one was."""
        cons = self._cons
        if cons is None:
            return False
        if not self.pace.consolidation_live:
            # Put off until the interview ends (see interviewer.live.catchup); the timeline keeps only what the
            # next window would need, so memory stays bounded meanwhile.
            if cons.left() > 2 * (WHISPER_WINDOW + LOOK_AHEAD):
                self._skip_consolidation()
            return False
        if not cons.due(final=final):
            return False
        if cons.left() > self.config.consolidate_max_lag_s * SAMPLE_RATE:
            # Far behind (a slow machine or a big model): go on from the recent audio, never a backlog.
            self._skip_consolidation()
        self._in_flight += 1
        self._jobs.put(cons.job(final=final))
        return True

    def _skip_consolidation(self) -> None:
        """Go on from the recent audio: what is passed over keeps its text (and is caught up later)."""
        cons = self._cons
        assert cons is not None
        clock = cons.skip_to_recent(WHISPER_WINDOW + LOOK_AHEAD)
        while cons.next_segment < len(self.committed) and self.committed[cons.next_segment].start < clock:
            cons.next_segment += 1
        self.consolidations_dropped += 1
        self.shed += 1

    @property
    def needs_catch_up(self) -> bool:
        """Whether some of the polishing was not done live (the machine was busy): the stored transcript
        reaches whole-file quality only once `interviewer.live.catchup` has run on the recording."""
        return self.shed > 0 or self.pace.deferred

    def _apply_consolidation(self, job: ConsolidationJob, window: Any) -> None:
        cons = self._cons
        assert cons is not None
        if window is None or cut_loop(window.segments)[1]:
            # The decode failed or loops: pass over the window; the text there stands, also of a segment
            # reaching into the next window (it is not given only the words of its other part).
            consumed = WHISPER_WINDOW if window is None else window.consumed
            self.consolidations_dropped += 1
            frontier = cons.pass_over(job, consumed)
        else:
            words = [w for s in window.segments for w in s.words]
            frontier = cons.take(job, words, window.consumed, window.tokens, window.reset_prompt)
        self._consolidate_upto(frontier)

    def _consolidate_upto(self, frontier: float) -> None:
        """Give the decoded words back to the committed segments that end before `frontier` (audio-clock
        seconds): no later window brings words for them."""
        cons = self._cons
        assert cons is not None
        first = k = cons.next_segment
        while k < len(self.committed) and self.committed[k].end <= frontier:
            k += 1
        if k == first:
            return
        cut = frontier if k == len(self.committed) else (self.committed[k - 1].end + self.committed[k].start) / 2
        # Words before the first segment's stretch belong to segments passed over (skipped when the pass
        # fell behind): they are dropped, not given to the first segment.
        since = (self.committed[first - 1].end + self.committed[first].start) / 2 if first else float("-inf")
        words = cons.words_before(cut, since=since)
        cons.next_segment = k
        cons.forget_holes_before(since)
        if not words:
            return
        old = self.committed[first:k]
        new = match_segments(old, [Segment(words[0].start, words[-1].end, "", self.speaker, tuple(words))])
        if new is None:
            return
        new = [o if cons.in_hole(o.start, o.end) else n for o, n in zip(old, new, strict=True)]
        changed = self._give_back(first, new, looped=False)
        if changed is None:
            self.consolidations_dropped += 1
        else:
            self.consolidated += changed
            cons.done.update(first + j for j, (o, n) in enumerate(zip(old, new, strict=True)) if n is not o)

    def _finish_revisions(self) -> None:
        """End of stream: complete what is cheap within `revise_finish_s` (consolidation: what is left of
        it within `consolidate_finish_s`), drop the rest."""
        deadline = time.monotonic() + self.config.revise_finish_s
        self._close_window()
        if self._reviser is not None:
            while self._in_flight and time.monotonic() < deadline:
                self._apply_results(wait_s=max(0.01, deadline - time.monotonic()))
            deadline = time.monotonic() + (self.config.consolidate_finish_s if self._cons is not None else 0.0)
            while time.monotonic() < deadline and (self._in_flight or self._maybe_consolidate(final=True)):
                self._apply_results(wait_s=max(0.01, deadline - time.monotonic()))
            if self._cons is not None and not self._in_flight and not self._cons.due(final=True):
                self._consolidate_upto(float("inf"))  # all decoded: the last words go back too
            self.revisions_dropped += self._in_flight  # still decoding: dropped, the first pass stands
            self.shed += self._in_flight
            self._in_flight = 0
            self._jobs.put(None)
            return
        while self._revisions:
            if time.monotonic() >= deadline:
                self.revisions_dropped += len(self._revisions)
                self._revisions.clear()
                return
            self._revise_next()


def loop_at(keys: list[str]) -> int:
    """Where a decoding loop starts to repeat: the first phrase of 1-8 words said three times running (a
    single word four times) is kept once and everything from its second copy on is cut. len(keys) if none.
    (Whisper, decoding greedily, sometimes repeats a phrase until its token cap instead of going on.)"""
    n = len(keys)
    for i in range(n):
        if not keys[i]:
            continue  # punctuation alone ("-", "...") is no word to repeat
        for p in range(1, 9):
            reps = 4 if p == 1 else 3
            if i + reps * p > n:
                break
            if all(keys[i + r * p:i + (r + 1) * p] == keys[i:i + p] for r in range(1, reps)):
                return i + p
    return n


def cut_loop(segs: list[Segment]) -> tuple[list[Segment], bool]:
    """`segs` without a decoding loop (see `loop_at`), and whether there was one."""
    words = [w for s in segs for w in s.words]
    keep = loop_at([normalise_word(w.word) for w in words])
    if keep == len(words):
        return segs, False
    out, left = [], keep
    for s in segs:
        if left <= 0:
            break
        if len(s.words) <= left:
            out.append(s)
        else:
            ws = s.words[:left]
            out.append(Segment(s.start, max(s.start, ws[-1].end), "".join(w.word for w in ws).strip(), s.speaker, ws))
        left -= len(s.words)
    return out, True


def match_segments(old: list[Segment], new: list[Segment]) -> list[Segment] | None:
    """The second pass's words given back to the first pass's segments: each word goes to the segment
    whose stretch (up to halfway to its neighbours) holds the word's middle. A segment that gets no word
    keeps its first-pass text. None if the second pass has no words at all."""
    words = [w for s in new for w in s.words]
    if not old or not words:
        return None
    bounds = [(a.end + b.start) / 2 for a, b in itertools.pairwise(old)]
    groups: list[list[Word]] = [[] for _ in old]
    for w in words:
        groups[bisect.bisect_right(bounds, (w.start + w.end) / 2)].append(w)
    return [o if not g else Segment(g[0].start, max(g[0].start, g[-1].end), "".join(w.word for w in g).strip(),
                                    o.speaker, tuple(g)) for o, g in zip(old, groups, strict=True)]
