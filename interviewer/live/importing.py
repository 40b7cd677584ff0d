"""Importing a recording: an existing audio file copied into the data dir, transcribed and stored as a complete
session. Used by `import-audio` and the demo. Qt-free and silent: warnings go to the caller's `warn`."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interviewer.core.errors import UserError
from interviewer.core.files import private_dir, temp_file

if TYPE_CHECKING:  # typing only, keeps heavy imports lazy
    from interviewer.audio.transcriber import Transcriber
    from interviewer.core.config import DataDir
    from interviewer.core.vault import Vault
    from interviewer.notes.store.database import Store


def check_audio(path: Path) -> str:
    """Refuse a file that does not decode or has not a single sample (only its first second is decoded);
    return how a truncated WAV falls short ("" if it does not)."""
    from interviewer.audio.decode import SAMPLE_RATE, iter_blocks, wav_shortfall

    shortfall = wav_shortfall(path)
    blocks = iter_blocks(path, block=SAMPLE_RATE)
    try:
        first = next(blocks, None)
    finally:
        blocks.close()
    if first is None or not len(first):
        raise UserError("has no audio" + (f" (it is truncated: {shortfall})" if shortfall else ""), path=path)
    return shortfall


def _ignore(_message: str) -> None:
    return None


def import_recording(open_store: Callable[[], Store], data_dir: DataDir, load_transcriber: Callable[[], Transcriber],
                     *, audio: Path, candidate: str, role: str | None, consent: str, evaluator: str, beam: int,
                     resume: Path | None = None, warn: Callable[[str], None] = _ignore) -> str:
    """Copy a recording into the data dir, transcribe it and store it as a complete session; its id.

    A bad file is refused before `load_transcriber` is called (no model loaded for nothing). `warn` gets one
    sentence for what the user should know (a truncated file, speakers not told apart)."""
    from interviewer.live.session import SessionLock
    from interviewer.notes.prompts.kits import default_kit_path, load_kit
    from interviewer.notes.store.database import new_id

    shortfall = check_audio(audio)
    tr = load_transcriber()
    kit_path = default_kit_path()
    kit = load_kit(kit_path)
    store = open_store()
    try:
        resume_text = None
        claims: list[dict[str, Any]] = []
        if resume is not None:
            from interviewer.notes.claims.reader import read_resume
            from interviewer.notes.prompts.claim_topics import tagged_claims_from_file

            resume_text = read_resume(resume).text
            claims = [{"text": c.text, "source": c.source, "section": c.section, "topics": c.topics}
                      for c in tagged_claims_from_file(resume, kit)]
        sid = new_id()
        rel = Path("audio") / f"{sid}{_audio_suffix(audio)}"
        lock = SessionLock(data_dir.audio_dir / f"{sid}.lock")  # recovery in another process keeps away
        private_dir(data_dir.audio_dir)
        lock.acquire()
        try:
            with store.atomic():
                cand = store.get_or_create_candidate(candidate, resume_path=str(resume) if resume else None,
                                                     resume_text=resume_text)
                if claims and not store.claims(cand):
                    store.add_claims(cand, claims)
                role_id = store.get_or_create_role(role) if role else None
                kit_id = store.save_kit(kit, kit_path.read_text(encoding="utf-8"))
                # Linked from the start: if the import is killed, recovery finishes it from the copied audio,
                # or marks it failed ("stopped before its audio was copied"), never a 0 s "recovered" session.
                store.create_session(candidate_id=cand, role_id=role_id, kit_id=kit_id, evaluator=evaluator,
                                     status="recording", sample_rate=16000, model=tr.label, origin="import",
                                     audio_path=rel.as_posix(), session_id=sid)
                store.record_consent(candidate_id=cand, session_id=sid, method=consent, confirmed_by=evaluator)
            copy_in(audio, data_dir.root / rel, store.vault)
            result = tr.transcribe_file(data_dir.root / rel, beam_size=beam, vault=store.vault)
            # One mixed recording: who said what, by voice (the evaluator's profile, else who asks the questions)
            from interviewer.live.attribution import try_attribute

            segments, problem = try_attribute(store, store.session(sid), data_dir.root / rel, result.segments)
            if problem:
                warn(f"{audio}: {problem}")
            with store.atomic():
                store.add_segments(sid, segments)
                store.update_session(sid, status="complete", duration_s=result.duration_s, ended_at=store.now())
        finally:
            lock.release()
        if result.truncated:
            warn(f"{audio}: truncated ({result.problem}); stored the {result.duration_s:.1f} s that could "
                 "be decoded")
        elif shortfall:
            warn(f"{audio} is truncated: {shortfall}; stored the {result.duration_s:.1f} s that are")
        return sid
    finally:
        store.close()


def _audio_suffix(audio: Path) -> str:
    suffix = audio.suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ".audio"


def copy_in(src: Path, target: Path, vault: Vault | None) -> None:
    """Copy a recording into the data dir through a locked, owner-only temporary file renamed into place (a
    killed copy leaves nothing that the next start does not sweep); sealed as it is copied in an encrypted
    data dir, so the plaintext never lands there."""
    with temp_file(target.parent, target.name) as (tmp, fd), src.open("rb") as f:
        if vault is not None:
            with vault.open(tmp, "wb") as dst:
                shutil.copyfileobj(f, dst, 1 << 20)
        else:
            with open(fd, "wb", closefd=False) as dst:
                shutil.copyfileobj(f, dst, 1 << 20)
                dst.flush()
                os.fsync(fd)
        tmp.replace(target)
