"""Who said what on one mixed recording: two voices found without enrolment, then told apart.

`attribute(samples, segments)` embeds overlapping windows of the speech (`interviewer.audio.voices`), splits them
into two voices (2-means on the unit sphere, seeded by the two most different windows), scores every word by
which voice the windows around it are nearer, splits a segment where the voice changes for long enough, and
names the voices: the interviewer is the voice matching the evaluator's profile, if one is given and matches;
else the voice that asks the questions (question marks, the kit's probes); else the voice that spoke first.
`Attribution.rule` says which rule decided. Each labelled segment carries a confidence (0..1); short or
ambiguous ones fall below `UNCERTAIN_BELOW` and are shown as uncertain.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from interviewer.audio.voices import SAMPLE_RATE, Float32Array, VoiceEncoder, encoder, similarity, unit
from interviewer.core.transcript import CANDIDATE, INTERVIEWER, UNCERTAIN_BELOW, Segment, Word, join_words

WINDOW_S = 1.2
STEP_S = 0.3
# A profile matches a voice when their cosine similarity reaches this (same voice ~0.75-0.9, others ~0.4-0.7).
PROFILE_MATCH = 0.65
# A change of voice inside a segment splits it only when the new voice lasts this long.
MIN_SPLIT_S = 0.8
MIN_SPLIT_WORDS = 2
# A segment shorter than this is marked uncertain whatever its score: too little voice to judge.
MIN_SURE_S = 0.6

# Two "voices" whose centroids are this similar are one voice split in two (one speaker alone measures 0.86-0.97,
# two people 0.5-0.75): nothing is split, and the side is said with low confidence unless the profile matches.
ONE_VOICE_ABOVE = 0.85
SILENT_RMS = 1e-4  # a window quieter than this (about -80 dBFS) holds no voice

RULE_PROFILE = "profile"
RULE_QUESTIONS = "questions"
RULE_FIRST = "first speaker"
RULE_ONE_VOICE = "one voice"


@dataclass(frozen=True)
class Attribution:
    segments: list[Segment]
    rule: str  # which rule named the interviewer: RULE_PROFILE, RULE_QUESTIONS, RULE_FIRST or RULE_ONE_VOICE
    detail: str  # one sentence saying why
    separation: float  # cosine similarity of the two voices' centroids (lower: more clearly two voices)
    centroids: dict[str, list[float]] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        sides = [s for s in self.segments if s.confidence is not None]
        return {"rule": self.rule, "detail": self.detail, "separation": round(self.separation, 3),
                "interviewer_segments": sum(s.speaker == INTERVIEWER for s in sides),
                "candidate_segments": sum(s.speaker == CANDIDATE for s in sides),
                "uncertain_segments": sum(s.uncertain for s in sides)}


# ---------------------------------------------------------------- voices of a recording


def window_starts(segments: Sequence[Segment], step_s: float = STEP_S) -> list[float]:
    """Where the windows (WINDOW_S long, every `step_s`) inside the transcribed segments start, in order."""
    win = WINDOW_S
    starts: list[float] = []
    for seg in segments:
        if seg.end - seg.start <= win:
            starts.append(max(0.0, (seg.start + seg.end - win) / 2))
            continue
        t = seg.start
        while t + win <= seg.end + 1e-6:
            starts.append(t)
            t += step_s
        if starts[-1] + win < seg.end - step_s / 2:
            starts.append(seg.end - win)
    return sorted(starts)


def speech_windows(audio: Float32Array | Iterable[Float32Array], segments: Sequence[Segment], enc: VoiceEncoder,
                   step_s: float = STEP_S) -> tuple[Float32Array, npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Embeddings of the windows (WINDOW_S long, every `step_s`) that lie inside a transcribed segment; returns
    (embeddings, window starts, window ends) in seconds. `audio` is the samples, or blocks of them as a file is
    decoded: only the stretch a window needs is held, so a recording of hours is attributed in bounded memory."""
    from interviewer.audio.voices import PARTIAL_FRAMES, mel_spectrogram, normalize_volume

    starts = window_starts(segments, step_s)
    n = int(WINDOW_S * SAMPLE_RATE)
    blocks: Iterable[Float32Array] = [audio] if isinstance(audio, np.ndarray) else audio
    buf = np.zeros(0, np.float32)
    buf_at = 0  # sample index of buf[0]
    i = 0
    kept: list[float] = []
    mels: list[Float32Array] = []
    embs: list[Float32Array] = []

    def take(final: bool) -> None:
        nonlocal i
        while i < len(starts):
            a = round(starts[i] * SAMPLE_RATE)
            if not final and a + n > buf_at + len(buf):
                return
            chunk = buf[max(0, a - buf_at):max(0, a - buf_at + n)]
            i += 1
            if not len(chunk) or float(np.sqrt(np.mean(np.square(chunk, dtype=np.float64)))) < SILENT_RMS:
                continue  # digital silence (or past the end): no voice to embed
            chunk = np.pad(chunk, (0, max(0, n - len(chunk)))).astype(np.float32)
            mels.append(mel_spectrogram(normalize_volume(chunk))[:PARTIAL_FRAMES])
            kept.append(starts[i - 1])
            if len(mels) == 64:
                embs.append(enc.forward(np.stack(mels)))
                mels.clear()

    for block in blocks:
        buf = np.concatenate([buf, np.asarray(block, np.float32)])
        take(final=False)
        keep_from = round(starts[i] * SAMPLE_RATE) if i < len(starts) else buf_at + len(buf)
        drop = min(len(buf), max(0, keep_from - buf_at))
        buf, buf_at = buf[drop:], buf_at + drop
    take(final=True)
    if mels:
        embs.append(enc.forward(np.stack(mels)))
    if not kept:
        return np.zeros((0, 256), np.float32), np.zeros(0), np.zeros(0)
    st = np.array(kept)
    return np.concatenate(embs), st, st + WINDOW_S


def _kmeans(embs: Float32Array, labels: npt.NDArray[np.int64], weights: npt.NDArray[np.float64],
            iterations: int = 30) -> tuple[Float32Array, npt.NDArray[np.int64], float]:
    cents = np.zeros((2, embs.shape[1]), np.float32)
    for _ in range(iterations):
        for k in (0, 1):
            chosen = labels == k
            cents[k] = unit((embs[chosen] * weights[chosen, None]).sum(axis=0)) if chosen.any() else embs[0]
        new = np.argmax(embs @ cents.T, axis=1)
        if (new == labels).all():
            break
        labels = new
    objective = float((np.max(embs @ cents.T, axis=1) * weights).sum())
    return cents, labels, objective


def two_means(embs: Float32Array, weights: npt.NDArray[np.float64] | None = None) -> tuple[
        Float32Array, npt.NDArray[np.int64]]:
    """Two centroids (unit vectors) and each embedding's nearer one: weighted 2-means on the unit sphere, started
    from the sign of the first principal component and from the two least similar embeddings; the start giving
    the tighter clusters wins. Deterministic: the same recording always splits the same way."""
    if len(embs) < 2:
        one = unit(embs.mean(axis=0)) if len(embs) else np.zeros(256, np.float32)
        return np.stack([one, one]), np.zeros(len(embs), np.int64)
    w = np.ones(len(embs)) if weights is None else np.asarray(weights, np.float64)
    centred = embs - (embs * w[:, None]).sum(axis=0) / w.sum()
    _, _, vt = np.linalg.svd(centred * np.sqrt(w)[:, None], full_matrices=False)
    starts = [(centred @ vt[0] < 0).astype(np.int64)]
    sample = embs[:: max(1, len(embs) // 400)]
    sims = sample @ sample.T
    a, b = np.unravel_index(int(np.argmin(sims)), sims.shape)
    starts.append(np.argmax(embs @ np.stack([sample[a], sample[b]]).T, axis=1))
    best = max((_kmeans(embs, s, w) for s in starts), key=lambda r: r[2])
    return best[0], best[1]


def _voice_centroids(segments: Sequence[Segment], embs: Float32Array, w_start: npt.NDArray[np.float64],
                     w_end: npt.NDArray[np.float64]) -> Float32Array:
    """The two voices' centroids. Whole segments are clustered first (a turn's mean embedding is far steadier
    than one window's: two similar voices separate there), then each centroid is the mean of its segments'
    windows; with fewer than 4 segments the windows are clustered directly."""
    members: list[npt.NDArray[np.bool_]] = []
    for seg in segments:
        inside = (w_start >= seg.start - 0.05) & (w_end <= seg.end + 0.05)
        if inside.any():
            members.append(inside)
    if len(members) < 4:
        return two_means(embs)[0]
    seg_embs = np.stack([unit(embs[m].mean(axis=0)) for m in members])
    _, labels = two_means(seg_embs, np.array([float(m.sum()) for m in members]))
    cents = np.zeros((2, embs.shape[1]), np.float32)
    for k in (0, 1):
        chosen = [m for m, lab in zip(members, labels, strict=True) if lab == k]
        if not chosen:
            return two_means(embs)[0]
        cents[k] = unit(embs[np.logical_or.reduce(chosen)].mean(axis=0))
    return cents


# ---------------------------------------------------------------- labelling words and segments


def _word_scores(words: Sequence[Word], w_start: npt.NDArray[np.float64], w_end: npt.NDArray[np.float64],
                 margins: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """For each word, the mean margin (voice 0 minus voice 1) of the windows covering its middle; the nearest
    window when none covers it."""
    out = np.zeros(len(words))
    if not len(margins):
        return out
    centres = (w_start + w_end) / 2
    for i, w in enumerate(words):
        mid = (w.start + w.end) / 2
        cover = (w_start <= mid) & (w_end >= mid)
        out[i] = margins[cover].mean() if cover.any() else margins[int(np.argmin(np.abs(centres - mid)))]
    return out


def _runs(labels: Sequence[int], words: Sequence[Word]) -> list[tuple[int, int, int]]:
    """(label, first word, end word) runs, with runs too short to be a change of speaker merged into the
    neighbour."""
    runs: list[list[int]] = []
    for i, lab in enumerate(labels):
        if runs and runs[-1][0] == lab:
            runs[-1][2] = i + 1
        else:
            runs.append([lab, i, i + 1])
    changed = True
    while changed and len(runs) > 1:
        changed = False
        for j, (_lab, a, b) in enumerate(runs):
            dur = words[b - 1].end - words[a].start
            if b - a < MIN_SPLIT_WORDS or dur < MIN_SPLIT_S:
                # absorb into the longer neighbour
                left = runs[j - 1] if j > 0 else None
                right = runs[j + 1] if j + 1 < len(runs) else None
                target = left if right is None or (left is not None and left[2] - left[1] >= right[2] - right[1]) \
                    else right
                assert target is not None
                target[1], target[2] = min(target[1], a), max(target[2], b)
                del runs[j]
                # merge equal neighbours
                k = 0
                while k + 1 < len(runs):
                    if runs[k][0] == runs[k + 1][0]:
                        runs[k][2] = runs[k + 1][2]
                        del runs[k + 1]
                    else:
                        k += 1
                changed = True
                break
    return [(r[0], r[1], r[2]) for r in runs]


def _even_words(seg: Segment) -> tuple[Word, ...]:
    """A segment without word times gets its words spread evenly over its span."""
    tokens = seg.text.split()
    if not tokens:
        return ()
    step = (seg.end - seg.start) / len(tokens)
    return tuple(Word(seg.start + i * step, seg.start + (i + 1) * step, (" " if i else "") + t, 1.0)
                 for i, t in enumerate(tokens))


def _confidence(scores: npt.NDArray[np.float64], scale: float, duration: float) -> float:
    if not len(scores):
        return 0.0
    c = float(min(1.0, abs(float(np.mean(scores))) / scale))
    return min(c, 0.49) if duration < MIN_SURE_S else c


def label_segments(segments: Sequence[Segment], w_start: npt.NDArray[np.float64], w_end: npt.NDArray[np.float64],
                   margins: npt.NDArray[np.float64], scale: float) -> list[tuple[Segment, int]]:
    """Each segment (split where the voice changes) with its voice (0 or 1) and a confidence."""
    out: list[tuple[Segment, int]] = []
    for seg in segments:
        words = seg.words or _even_words(seg)
        if not words:
            score = _word_scores([Word(seg.start, seg.end, "", 1.0)], w_start, w_end, margins)
            out.append((Segment(seg.start, seg.end, seg.text, "", seg.words,
                                _confidence(score, scale, seg.end - seg.start)), int(score[0] < 0)))
            continue
        scores = _word_scores(words, w_start, w_end, margins)
        labels = [int(s < 0) for s in scores]
        runs = _runs(labels, words)
        if len(runs) == 1:
            out.append((Segment(seg.start, seg.end, seg.text, "", seg.words,
                                _confidence(scores, scale, seg.end - seg.start)), runs[0][0]))
            continue
        for lab, a, b in runs:
            part = words[a:b]
            text = join_words(part).strip() if seg.words else " ".join(w.word.strip() for w in part)
            start = seg.start if a == 0 else part[0].start
            end = seg.end if b == len(words) else part[-1].end
            out.append((Segment(start, end, text, "", tuple(part) if seg.words else (),
                                _confidence(scores[a:b], scale, end - start)), lab))
    return out


# ---------------------------------------------------------------- naming the voices

_WORD = re.compile(r"[a-z0-9']+")


def _tokens(text: str) -> set[str]:
    return {t for t in _WORD.findall(text.lower()) if len(t) > 2}


def question_score(texts: Sequence[str], probes: Sequence[str]) -> float:
    """How much a voice's lines look like an interviewer's: per line, 1 for a question mark, 1 for a line that
    shares most of its words with one of the kit's probes."""
    probe_tokens = [_tokens(p) for p in probes if _tokens(p)]
    score = 0.0
    for text in texts:
        if "?" in text:
            score += 1
        tok = _tokens(text)
        if tok and any(len(tok & p) >= max(2, 0.5 * min(len(tok), len(p))) for p in probe_tokens):
            score += 1
    return score


def attribute(samples: Float32Array | Iterable[Float32Array], segments: Sequence[Segment], *, profile: npt.NDArray[Any] | None = None,
              profile_name: str = "", probes: Sequence[str] = (), enc: VoiceEncoder | None = None) -> Attribution:
    """Label every segment of a one-source recording `interviewer` or `candidate` (see the module's doc)."""
    enc = enc or encoder()
    segments = sorted(segments, key=lambda s: (s.start, s.end))
    embs, w_start, w_end = speech_windows(samples, segments, enc)
    if len(embs) == 0:
        return Attribution(list(segments), RULE_ONE_VOICE, "no speech to attribute", 1.0)
    cents = _voice_centroids(segments, embs, w_start, w_end)
    separation = similarity(cents[0], cents[1])
    if separation > ONE_VOICE_ABOVE:
        return _one_voice(segments, embs, separation, profile=profile, profile_name=profile_name, probes=probes)
    sims = embs @ cents.T
    margins = (sims[:, 0] - sims[:, 1]).astype(np.float64)
    # Half the typical margin of a clear window is "sure": scores on this scale map to confidence 1.
    scale = max(1e-3, float(np.median(np.abs(margins))))
    labelled = label_segments(segments, w_start, w_end, margins, scale)

    interviewer: int
    if profile is not None and len(profile):
        to_profile = [similarity(profile, c) for c in cents]
        best = int(np.argmax(to_profile))
        if to_profile[best] >= PROFILE_MATCH:
            interviewer, rule = best, RULE_PROFILE
            detail = (f"the voice matching {profile_name or 'the evaluator'}'s voice profile "
                      f"(similarity {to_profile[best]:.2f}, the other voice {to_profile[1 - best]:.2f})")
        else:
            profile_note = (f"{profile_name or 'the evaluator'}'s voice profile matched neither voice "
                            f"(best similarity {to_profile[best]:.2f}); ")
            interviewer, rule, detail = _by_questions(labelled, probes)
            detail = profile_note + detail
    else:
        interviewer, rule, detail = _by_questions(labelled, probes)
    names = {interviewer: INTERVIEWER, 1 - interviewer: CANDIDATE}
    out = [Segment(s.start, s.end, s.text, names[lab], s.words, s.confidence) for s, lab in labelled]
    return Attribution(out, rule, detail, separation,
                       {INTERVIEWER: cents[interviewer].round(5).tolist(),
                        CANDIDATE: cents[1 - interviewer].round(5).tolist()})


def _one_voice(segments: Sequence[Segment], embs: Float32Array, separation: float, *,
               profile: npt.NDArray[Any] | None, profile_name: str, probes: Sequence[str]) -> Attribution:
    voice = unit(embs.mean(axis=0))
    who = profile_name or "the evaluator"
    if profile is not None and len(profile) and similarity(profile, voice) >= PROFILE_MATCH:
        side, conf = INTERVIEWER, 1.0
        detail = f"one voice only, matching {who}'s voice profile (similarity {similarity(profile, voice):.2f})"
        rule = RULE_PROFILE
    else:
        questions = question_score([s.text for s in segments], probes)
        side = INTERVIEWER if questions > len(segments) / 2 else CANDIDATE
        conf = 0.3
        detail = (f"one voice only (the two halves are {separation:.2f} alike); "
                  f"{'mostly' if side == INTERVIEWER else 'mostly not'} questions: uncertain")
        rule = RULE_ONE_VOICE
    out = [Segment(s.start, s.end, s.text, side, s.words, conf) for s in segments]
    return Attribution(out, rule, detail, separation, {side: voice.round(5).tolist()})


def _by_questions(labelled: Sequence[tuple[Segment, int]], probes: Sequence[str]) -> tuple[int, str, str]:
    scores = [question_score([s.text for s, lab in labelled if lab == k], probes) for k in (0, 1)]
    if scores[0] != scores[1]:
        k = int(scores[1] > scores[0])
        return k, RULE_QUESTIONS, (f"the voice that asks the questions ({scores[k]:.0f} question or probe lines "
                                   f"against {scores[1 - k]:.0f})")
    first = labelled[0][1] if labelled else 0
    return first, RULE_FIRST, "neither voice asks more questions: the voice that spoke first"


# ---------------------------------------------------------------- live, one source


@dataclass
class _Heard:
    key: Any
    seg: Segment
    embs: Float32Array  # its windows' embeddings
    starts: npt.NDArray[np.float64]  # where its windows start (seconds of the recording)
    label: tuple[str, float] | None = None  # what was last said about it: (speaker, confidence)
    split: bool = False  # a part of a segment already split where its voice changed: not split again


class LiveAttributor:
    """Labels the committed segments of a one-source live session `interviewer` or `candidate`, on its own
    thread, so the live path never waits for it.

    `add(key, segment)` after each commit; `on_label(key, segment)` is called (from the attributor's thread)
    each time a segment's label is new or changes: first by the evaluator's profile (when there is one), then,
    once the candidate has spoken enough, by which of the two voices is nearer; without a profile, once both
    voices have been heard (blind, named by who asks the questions). Labels may be revised as more voice is
    heard. `read(start_sample, count)` reads the recording back (the recorder's own reader).

    Once two voices are known, a segment whose voice changes for long enough (the offline rule: `label_segments`)
    is split at the change: `on_split(key, parts)` is given the labelled parts (words keep their times) and
    returns the keys of the parts after the first (the first keeps `key`), or None to leave it whole."""

    def __init__(self, read: Any, on_label: Any, *, profile: npt.NDArray[Any] | None = None,
                 profile_name: str = "", probes: Sequence[str] = (), enc: VoiceEncoder | None = None,
                 on_split: Any = None) -> None:
        import queue
        import threading

        self._read = read
        self._on_label = on_label
        self._on_split = on_split
        self.splits = 0  # segments split where their voice changed
        self.profile = None if profile is None or not len(profile) else unit(np.asarray(profile, np.float32))
        self.profile_name = profile_name
        self.probes = list(probes)
        self._enc = enc
        self._queue: queue.Queue[tuple[Any, Segment] | None] = queue.Queue()
        self._heard: dict[Any, _Heard] = {}
        self.rule = ""
        self.detail = ""
        self.separation = 1.0
        self.cpu_s = 0.0  # CPU time spent attributing (this thread's), for the latency bench
        self.error: Exception | None = None
        self._thread = threading.Thread(target=self._run, name="attribute speakers", daemon=True)
        self._thread.start()

    def add(self, key: Any, seg: Segment) -> None:
        self._queue.put((key, seg))

    def finish(self, timeout: float = 60.0) -> None:
        """Label what is queued, then stop."""
        self._queue.put(None)
        self._thread.join(timeout)

    def summary(self) -> dict[str, Any]:
        labels = [h.label for h in self._heard.values() if h.label]
        return {"rule": self.rule, "detail": self.detail, "separation": round(self.separation, 3),
                "interviewer_segments": sum(lab[0] == INTERVIEWER for lab in labels),
                "candidate_segments": sum(lab[0] == CANDIDATE for lab in labels),
                "uncertain_segments": sum(lab[1] < UNCERTAIN_BELOW for lab in labels), "live": True}

    def _run(self) -> None:
        import time

        from interviewer.audio.priority import lower_current_thread

        lower_current_thread()  # optional work: below the transcriber's first pass
        while True:
            item = self._queue.get()
            if item is None:
                return
            t0 = time.thread_time()
            try:
                self._hear(*item)
                self._relabel()
            except Exception as exc:  # noqa: BLE001 - attribution is advisory: the transcript goes on without it
                self.error = exc
            self.cpu_s += time.thread_time() - t0

    def _hear(self, key: Any, seg: Segment) -> None:
        start = max(0, int(seg.start * SAMPLE_RATE))
        count = max(0, int(seg.end * SAMPLE_RATE) - start)
        audio = np.asarray(self._read(start, count), np.float32)
        local = Segment(0.0, len(audio) / SAMPLE_RATE, seg.text)
        embs, starts, _ = speech_windows(audio, [local], self._enc or encoder(), step_s=LIVE_STEP_S)
        old = self._heard.get(key)
        self._heard[key] = _Heard(key, seg, embs, starts + start / SAMPLE_RATE, old.label if old else None)

    def _relabel(self) -> None:
        heard = [h for h in self._heard.values() if len(h.embs)]
        if not heard:
            return
        means = np.stack([unit(h.embs.mean(axis=0)) for h in heard])
        weights = np.array([float(len(h.embs)) for h in heard])
        cents: Float32Array | None = None
        names: tuple[str, str] = (INTERVIEWER, CANDIDATE)
        who = self.profile_name or "the evaluator"
        if len(heard) >= 2 and weights.sum() >= 2 * LIVE_MIN_WINDOWS:
            _, labels = two_means(means, weights)
            if len(set(labels.tolist())) == 2:
                c = np.stack([unit((means[labels == k] * weights[labels == k, None]).sum(axis=0)) for k in (0, 1)])
                if similarity(c[0], c[1]) <= ONE_VOICE_ABOVE:  # two voices heard: each line goes to the nearer
                    to_profile = c @ self.profile if self.profile is not None else None
                    labelled = [(h.seg, int(k)) for h, k in zip(heard, labels, strict=True)]
                    if to_profile is not None and float(to_profile.max()) >= PROFILE_MATCH:
                        first = int(np.argmax(to_profile))
                        self.rule, self.detail = RULE_PROFILE, (
                            f"the voice matching {who}'s voice profile (similarity {to_profile[first]:.2f}, the "
                            f"other voice {to_profile[1 - first]:.2f})")
                    else:
                        first, self.rule, self.detail = _by_questions(labelled, self.probes)
                    cents = c if first == 0 else c[::-1]
        if cents is None:
            if self.profile is None and weights.sum() >= 2 * LIVE_MIN_WINDOWS:  # said, not guessed: no labels
                self.rule, self.detail = RULE_ONE_VOICE, "one voice heard so far: lines not labelled"
            if self.profile is not None:  # one voice so far: near the profile it is the interviewer
                self.rule, self.detail = RULE_PROFILE, f"{who}'s voice profile (one voice heard so far)"
                for h, sim in zip(heard, means @ self.profile, strict=True):
                    side = INTERVIEWER if sim >= LIVE_PROFILE_SAME else CANDIDATE
                    self._say(h, side, min(1.0, abs(float(sim) - LIVE_PROFILE_SAME) / 0.1))
            return
        self.separation = similarity(cents[0], cents[1])
        if self._on_split is not None and self._split_changes(heard, cents):
            self._relabel()  # the parts, labelled as lines of their own
            return
        sims = means @ cents.T
        margins = sims[:, 0] - sims[:, 1]
        scale = max(0.02, float(np.median(np.abs(margins))))
        for h, m in zip(heard, margins, strict=True):
            self._say(h, names[0] if m >= 0 else names[1], min(1.0, abs(float(m)) / scale))

    def _split_changes(self, heard: Sequence[_Heard], cents: Float32Array) -> bool:
        """Split each segment whose voice changes for long enough (`label_segments`, as offline); whether any was."""
        margins_of = [(h.embs @ cents[0] - h.embs @ cents[1]).astype(np.float64) for h in heard]
        scale = max(1e-3, float(np.median(np.abs(np.concatenate(margins_of)))))
        any_split = False
        for h, margins in zip(heard, margins_of, strict=True):
            if h.split or len(h.embs) < 2 or not h.seg.words:
                continue
            parts = label_segments([h.seg], h.starts, h.starts + WINDOW_S, margins, scale)
            if len(parts) < 2:
                continue
            names = (INTERVIEWER, CANDIDATE)
            labelled = [Segment(p.start, p.end, p.text, names[lab], p.words, round(p.confidence or 0.0, 3))
                        for p, lab in parts]
            keys = self._on_split(h.key, labelled)
            if not keys:
                h.split = True  # the line changed meanwhile (or is gone): left whole
                continue
            centres = h.starts + WINDOW_S / 2
            for key, part in zip([h.key, *keys], labelled, strict=True):
                inside = (centres >= part.start) & (centres <= part.end)
                if not inside.any():
                    inside = np.abs(centres - (part.start + part.end) / 2) == np.min(
                        np.abs(centres - (part.start + part.end) / 2))
                self._heard[key] = _Heard(key, part, h.embs[inside], h.starts[inside],
                                          (part.speaker, part.confidence or 0.0), split=True)
            self.splits += 1
            any_split = True
        return any_split

    def _say(self, h: _Heard, side: str, confidence: float) -> None:
        if h.seg.end - h.seg.start < MIN_SURE_S:
            confidence = min(confidence, 0.49)
        old = h.label
        if old is not None and old[0] == side and (old[1] >= UNCERTAIN_BELOW) == (confidence >= UNCERTAIN_BELOW):
            return  # nothing a reader would see changed
        h.label = (side, confidence)
        self._on_label(h.key, Segment(h.seg.start, h.seg.end, h.seg.text, side, h.seg.words, round(confidence, 3)))


# Live, windows are 0.6 s apart (half the cost; a whole segment is labelled, so fine steps matter less), and a
# second voice is taken for the candidate's after 5 of its windows: about 3 s of speech.
LIVE_STEP_S = 0.6
# Before a second voice is heard, a line this similar to the evaluator's profile is theirs (the same voice
# measures 0.8-0.95 against a profile, another voice up to 0.75); within 0.1 of it, uncertain.
LIVE_PROFILE_SAME = 0.82
LIVE_MIN_WINDOWS = 5
