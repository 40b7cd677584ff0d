"""Previews: the tentative text of the utterance in progress, decoded every `tentative_interval_s` (or as the
pace allows) from its last few seconds.

Previews run on their own thread with another decoder of the model when the transcriber offers one (see
`preview_in_thread`): the worker leaves the latest request in a one-place slot, so a preview never holds up a
commit and a long commit never holds up the next preview; a preview that comes back after its utterance was
committed is not shown. A preview decode that loops is cut after the phrase's first copy.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from interviewer.audio.decode import SAMPLE_RATE, Float32Array
from interviewer.audio.loops import loop_at, token_cap
from interviewer.audio.pace import Pace
from interviewer.audio.priority import lower_current_thread
from interviewer.audio.stream_config import StreamConfig
from interviewer.audio.utterances import Utterances
from interviewer.core.transcript import normalise_word

OnTentative = Callable[[str, float, float], None]


@dataclass(frozen=True)
class Preview:
    utt: int        # which utterance (see `Previews.begin`)
    utt_start: int
    start: int      # the audio decoded: [start, end)
    end: int
    audio: Float32Array
    prompt: str
    retry: bool = False  # asked at once because the one before heard nothing


class Previews:
    """Asks for previews of the utterance in progress and shows them (`on_tentative`, under `emit_lock`) while
    it is still in progress. `previewer`: a decoder of its own for a preview thread, or None (previews are
    then decoded by the worker, with `transcriber`)."""

    def __init__(self, transcriber: Any, previewer: Any, *, speaker: str, config: StreamConfig, pace: Pace,
                 on_tentative: OnTentative | None, emit_lock: threading.Lock, utterances: Utterances,
                 prompt: Callable[[], str], queued: Callable[[], int], name: str) -> None:
        self.transcriber = transcriber
        self.previewer = previewer
        self.speaker = speaker
        self.config = config
        self.pace = pace
        self._on_tentative = on_tentative
        self._emit_lock = emit_lock  # every callback runs under it: they never interleave
        self._utts = utterances
        self._prompt = prompt
        self._queued = queued        # blocks waiting for the worker
        self.last_at = 0             # audio-clock sample of the last preview asked for (or shown)
        self._utt_id = 0             # counts utterances; `_live_utt` is the one in progress, if any
        self._live_utt: int | None = None
        self._slot: Preview | None = None
        self._cond = threading.Condition()
        self._stop = False
        self._retry = False
        self.errors = 0
        if previewer is not None:
            self._thread = threading.Thread(target=self._loop, name=f"{name} (previews)", daemon=True)
            self._thread.start()

    def begin(self, at: int) -> None:
        """An utterance begins at sample `at`: its first preview comes an interval later."""
        self.last_at = at
        with self._emit_lock:
            self._utt_id += 1
            self._live_utt = self._utt_id

    def end(self) -> None:
        """The utterance in progress has ended: no preview of it from now on."""
        with self._emit_lock:
            self._live_utt = None

    def show(self, text: str, start: int, end: int) -> None:
        """Show `text` (a speculative decode of [start, end)) as the preview, at no extra cost: the commit
        replaces it if the pause goes on; the next preview follows if not."""
        if text and self._on_tentative is not None:
            self.last_at = self._utts.vad_pos
            with self._emit_lock:
                self._on_tentative(text, start / SAMPLE_RATE, end / SAMPLE_RATE)

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()

    def maybe_ask(self) -> None:
        """Ask for a preview of the utterance in progress if one is due."""
        utts = self._utts
        if self._on_tentative is None or utts.start is None:
            return
        now = utts.vad_pos
        paced = self.pace.preview_interval_s
        if paced <= 0:
            return  # previews paused: the machine is busy, commits come first
        interval = max(self.config.tentative_interval_s, paced)
        if (now - self.last_at) / SAMPLE_RATE < interval and not self._retry:
            return
        if self._queued() * 0.05 > 0.5:  # behind: commits matter more than previews
            return
        if not utts.speaking and (self.previewer is None or utts.last_voice <= self.last_at):
            # A pause may be starting. Previews in the worker would hold up the commit: none. On their own
            # thread, one more shows the last words said before it (its encoder is done before the
            # speculative decode needs the encoder), then none until someone speaks again.
            return
        self.last_at = now
        retry, self._retry = self._retry, False
        # Only the last few seconds: a preview stays cheap however long the speaker goes on.
        start = max(utts.start, now - int(self.config.tentative_window_s * SAMPLE_RATE))
        job = Preview(self._utt_id, utts.start, start, now, utts.audio(start, now), self._prompt(), retry)
        if self.previewer is None:
            self._preview(self.transcriber, job)
            return
        with self._cond:
            self._slot = job  # a request not yet started is superseded by this one
            self._cond.notify()

    def _preview(self, transcriber: Any, job: Preview) -> None:
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
                self._retry = not job.retry
                return
            self._on_tentative(text, job.utt_start / SAMPLE_RATE, job.end / SAMPLE_RATE)

    def _loop(self) -> None:
        """The preview thread: decode the latest request; never more than one at a time, and none while a
        first-pass decode is under way: it waits for that (up to one preview interval, then it is skipped),
        and then decodes the newest request, unless its utterance was committed meanwhile."""
        lower_current_thread()
        while True:
            with self._cond:
                while self._slot is None and not self._stop:
                    self._cond.wait()
                job, self._slot = self._slot, None
                if self._stop or job is None:
                    return
            if not self.pace.wait_turn(self.config.tentative_interval_s):
                self.pace.skipped()
                continue
            with self._cond:  # a newer request came while waiting: that one
                if self._slot is not None:
                    job, self._slot = self._slot, None
            with self._emit_lock:
                if self._live_utt != job.utt:
                    continue  # committed meanwhile: its commit stands
            try:
                self._preview(self.previewer, job)
            except Exception:  # noqa: BLE001 - a failed preview is only a missed refresh; the commit follows
                self.errors += 1
