"""Who decodes when on a busy laptop: the first pass comes first, optional work fits around it.

The live path decodes four kinds of work on the same cores: the first pass (the committed words the
evaluator waits for), previews of the utterance in progress, the second pass and consolidation (which
polish committed text). Only the first pass is needed live. `Pace` is shared by a track's worker (first
pass) and its optional threads:

* **Gate.** Optional work starts a decode only while the first pass has nothing pending (no finished
  utterance waiting for its decode) and the audio backlog is under `backlog_bound_s`. The worker marks a
  first-pass decode with `first_pass()`; optional threads ask `may_start()` (previews: skip this one) or
  `wait_turn()` (second pass, consolidation: wait). A decode already running for optional work is on
  low-priority threads with an encoder of its own (`interviewer.audio.priority`), so it takes little from
  a commit that arrives meanwhile.
* **Adapt.** The machine's speed is measured at start (`probe_speed`: one short decode) and all along
  (every first-pass decode's wall time). From the cost of a commit decode it picks a level:

  | level | when a commit decode takes | previews | second pass | consolidation |
  | --- | --- | --- | --- | --- |
  | `ok` | under `busy_s` | every 0.75 s | live | live |
  | `busy` | `busy_s` to `slow_s` | every 1.5 s | live | after the interview |
  | `slow` | over `slow_s` | paused | after the interview | after the interview |

  and `behind` while the audio backlog is over the bound (nothing optional runs until it is back under).
  When `slow` or `behind`, the first pass itself does less: no speculative decode at the start of a pause
  (a wasted one costs a whole decode while the audio waits), and a long answer is committed at its first
  short pause after `slow_split_after_s`, so no single commit decode is long.
  A level goes up at once and comes down only after `calm_s` below the lower threshold.
* **Say so.** Each change of state is reported (`on_status`) in plain words for the window's status bar
  and as a JSON line in the CLI. What was put off is done after the interview (see
  `interviewer.live.catchup`), so the stored transcript still reaches whole-file quality.

Times are wall-clock seconds from the injected `clock`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

LEVELS = ("ok", "busy", "slow")


@dataclass(frozen=True)
class PaceConfig:
    backlog_bound_s: float = 1.5   # audio waiting for the VAD above which the first pass is behind
    busy_s: float = 0.45           # a commit decode slower than this: consolidation waits for the end
    slow_s: float = 0.9            # slower than this: previews pause and the second pass waits too
    calm_s: float = 20.0           # how long below a threshold before a level comes down again
    smoothing: float = 0.3         # weight of the newest commit decode in the running estimate
    preview_interval_s: tuple[float, float, float] = (0.75, 1.5, 0.0)  # per level; 0: no previews
    slow_split_after_s: float = 8.0  # slow or behind: long answers committed at a short pause after this


@dataclass(frozen=True)
class LoadStatus:
    """What the live path is doing about the machine's speed, for the status bar and the CLI."""

    state: str          # "ok", "busy", "slow" or "behind"
    message: str        # plain words for the evaluator; "" when all runs live
    commit_decode_s: float  # the running estimate of one commit decode's wall time
    backlog_s: float    # audio waiting for the VAD
    previews: bool      # previews are shown
    second_pass: str    # "live" or "after" (the interview)
    consolidation: str  # "live" or "after"

    def to_event(self) -> dict[str, Any]:
        """The CLI's JSON line: {"event": "load", ...}."""
        return {"event": "load", "state": self.state, "message": self.message,
                "commit_decode_s": round(self.commit_decode_s, 3), "backlog_s": round(self.backlog_s, 2),
                "previews": self.previews, "second_pass": self.second_pass, "consolidation": self.consolidation}


MESSAGES = {
    "ok": "",
    "busy": "This computer is busy: polishing waits for the end",
    "slow": "Previews paused: this computer is busy",
    "behind": "Transcript catching up…",
}


class Pace:
    def __init__(self, config: PaceConfig | None = None, *, clock: Callable[[], float] = time.monotonic,
                 on_status: Callable[[LoadStatus], None] | None = None, commit_decode_s: float = 0.0,
                 adaptive: bool = True) -> None:
        """`adaptive=False`: only the gate (no optional decode starts during a commit decode); the level
        stays `ok` and the backlog is not watched - replays and tests whose outcome must not depend on
        how busy the machine is."""
        self.config = config or PaceConfig()
        self.adaptive = adaptive
        self._clock = clock
        self._on_status = on_status
        self._cond = threading.Condition()
        self._pending = 0              # first-pass decodes under way
        self._backlog_s = 0.0
        self._estimate = commit_decode_s
        self._level = self._level_for(commit_decode_s) if adaptive else 0
        self._calm_since: float | None = None
        self._reported: LoadStatus | None = None
        self.deferred = self._level > 0   # anything put off for after the interview, ever (see catch-up)
        self.shed = 0                      # optional decodes not run live (skipped previews, waits given up)
        self.max_level = self._level

    # ------------------------------------------------------------------ reading
    @property
    def level(self) -> str:
        return LEVELS[self._level]

    @property
    def behind(self) -> bool:
        return self.adaptive and self._backlog_s > self.config.backlog_bound_s

    @property
    def preview_interval_s(self) -> float:
        """0 while previews are paused."""
        return 0.0 if self.behind else self.config.preview_interval_s[self._level]

    @property
    def speculate(self) -> bool:
        """Whether the first pass may decode an utterance speculatively at the start of a pause. On a slow
        machine a speculation wasted (the speaker goes on) costs a whole decode while the audio waits."""
        return self._level < 2 and not self.behind

    @property
    def split_after_s(self) -> float | None:
        """On a slow machine a long answer is committed at its first short pause after this long, so no
        single commit decode is long (the catch-up after Stop restores whole-file accuracy)."""
        return self.config.slow_split_after_s if self._level == 2 or self.behind else None

    @property
    def second_pass_live(self) -> bool:
        return self._level < 2

    @property
    def consolidation_live(self) -> bool:
        return self._level < 1

    def status(self) -> LoadStatus:
        state = "behind" if self.behind else self.level
        return LoadStatus(state, MESSAGES[state], self._estimate, self._backlog_s, self.preview_interval_s > 0,
                          "live" if self.second_pass_live else "after",
                          "live" if self.consolidation_live else "after")

    def announce(self) -> LoadStatus:
        """Report the current status now (a front end's first line), whether or not it changed."""
        self._reported = None
        self._report()
        assert self._reported is not None
        return self._reported

    # ------------------------------------------------------------------ the first pass (worker thread)
    @contextmanager
    def first_pass(self) -> Iterator[None]:
        """Around a first-pass decode: optional work does not start meanwhile."""
        with self._cond:
            self._pending += 1
        try:
            yield
        finally:
            with self._cond:
                self._pending -= 1
                self._cond.notify_all()

    def commit_decoded(self, wall_s: float) -> None:
        """A commit decode took `wall_s`: update the estimate and the level."""
        a = self.config.smoothing
        self._estimate = wall_s if self._estimate <= 0 else (1 - a) * self._estimate + a * wall_s
        self._update_level()
        self._report()

    def backlog(self, seconds: float) -> None:
        with self._cond:
            self._backlog_s = seconds
            if not self.behind:
                self._cond.notify_all()
        if self.behind:
            self.deferred = True
        self._report()

    # ------------------------------------------------------------------ optional work (its own threads)
    def may_start(self) -> bool:
        """Whether optional work may start a decode now (never waits)."""
        with self._cond:
            return self._pending == 0 and not self.behind

    def wait_turn(self, timeout: float, stop: threading.Event | None = None) -> bool:
        """Wait until optional work may start a decode: False if `timeout` passed (or `stop` was set) first."""
        deadline = self._clock() + timeout
        with self._cond:
            while self._pending or self.behind:
                left = deadline - self._clock()
                if left <= 0 or (stop is not None and stop.is_set()):
                    return False
                self._cond.wait(min(left, 0.05))
            return True

    def skipped(self) -> None:
        """Optional work was not done live (counted; it is caught up after the interview)."""
        self.shed += 1

    # ------------------------------------------------------------------ internals
    def _level_for(self, decode_s: float) -> int:
        c = self.config
        return 2 if decode_s > c.slow_s else 1 if decode_s > c.busy_s else 0

    def _update_level(self) -> None:
        if not self.adaptive:
            return
        want = self._level_for(self._estimate)
        now = self._clock()
        if want >= self._level:
            self._calm_since = None
            self._level = want
        else:
            # Come down only after a calm stretch, and only where the estimate is well under the threshold.
            c = self.config
            threshold = c.slow_s if self._level == 2 else c.busy_s
            if self._estimate > 0.8 * threshold:
                self._calm_since = None
            elif self._calm_since is None:
                self._calm_since = now
            elif now - self._calm_since >= c.calm_s:
                self._level -= 1
                self._calm_since = now  # the next level down needs a calm stretch of its own
        self.max_level = max(self.max_level, self._level)
        if self._level > 0:
            self.deferred = True

    def _report(self) -> None:
        status = self.status()
        prev = self._reported
        if prev is not None and (prev.state, prev.previews, prev.second_pass, prev.consolidation) == \
                (status.state, status.previews, status.second_pass, status.consolidation):
            return
        self._reported = status
        if self._on_status is not None:
            self._on_status(status)


def probe_speed(transcriber: Any, *, seconds: float = 4.0, repeat: int = 2) -> float:
    """The wall time of one commit-like decode of `seconds` of audio on this machine now (the fastest of
    `repeat`; the first decode also warms the model up): what `Pace` starts from."""
    best = float("inf")
    for k in range(repeat):
        # Different audio each time: the encoder keeps its last outputs, and a hit would not be a measure.
        audio = (0.02 * np.random.default_rng(k).standard_normal(int(seconds * 16000))).astype(np.float32)
        t0 = time.monotonic()
        transcriber.transcribe_array(audio, beam_size=1, vad=False, word_timestamps=True, fallback=False,
                                     max_new_tokens=12)
        best = min(best, time.monotonic() - t0)
    return best
