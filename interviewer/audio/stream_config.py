"""The settings of the live transcriber (`interviewer.audio.streaming`): when an utterance starts and ends,
how its previews, first pass, second pass and consolidation decode."""

from __future__ import annotations

from dataclasses import dataclass


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
    # Second pass (see interviewer.audio.second_pass): None, or a beam not above `beam_size`, turns it off.
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

    @property
    def revising(self) -> bool:
        """Whether there is a second pass: a beam wider than the first pass's."""
        return self.revise_beam is not None and self.revise_beam > self.beam_size
