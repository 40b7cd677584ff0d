"""Privacy commands: `retention`, `erase`, `access`.

`register(sub)` adds them to the main parser's subparsers; `COMMANDS` maps their names to `cmd(args, sv)`
functions with the same signature as `interviewer.cli.main.COMMANDS`. Each prints human text by default and the
report as JSON with `--format json`. A refusal (no --yes, unknown candidate, non-empty output directory) is a
UserError: one line, exit status 2.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interviewer.core import vault
from interviewer.core.config import DATA_DIR_ENV
from interviewer.core.errors import UserError
from interviewer.core.vault import PASSPHRASE_ENV

if TYPE_CHECKING:
    from interviewer.cli.services import Services

FOREVER = -1


def _days(text: str) -> int:
    if text.strip().lower() in ("forever", "never"):
        return FOREVER
    from interviewer.notes.privacy.retention_policy import MAX_RETENTION_DAYS

    try:
        n = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of days or 'forever', not {text!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"days cannot be negative ({n})")
    if n > MAX_RETENTION_DAYS:
        raise argparse.ArgumentTypeError(f"at most {MAX_RETENTION_DAYS} days (a hundred years); for longer say "
                                         "'forever'")
    return n


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", default=argparse.SUPPRESS,
                   help=f"where sessions and audio are stored (default: ${DATA_DIR_ENV} or the platform's "
                        "user data directory)")
    p.add_argument("--format", choices=["text", "json"], default="text")


def register(sub: Any) -> None:
    """Add the privacy subcommands to `sub` (what `ArgumentParser.add_subparsers()` returned)."""
    p = sub.add_parser(
        "init", help="create a data dir, optionally encrypted at rest",
        description="Create the data dir. --encrypt makes it encrypted at rest (SQLCipher for the database, "
                    "AES-256-GCM for audio, exports and backups): choose it when the data dir is new. The "
                    f"passphrase comes from ${PASSPHRASE_ENV}, else it is asked twice in the terminal. "
                    "--keyring saves it in the OS keyring so that the app opens without asking. Prints "
                    '{"data_dir", "encrypted", "keyring"} with --format json.')
    p.add_argument("--encrypt", action="store_true", help="encrypt everything stored in this data dir")
    p.add_argument("--keyring", action="store_true", help="save the passphrase in the OS keyring")
    p.add_argument("--change-passphrase", action="store_true",
                   help="change the passphrase of an encrypted data dir (asks for the old and the new one; "
                        f"or ${PASSPHRASE_ENV} and $INTERVIEWER_NEW_PASSPHRASE)")
    _common(p)

    p = sub.add_parser(
        "retention", help="show, set or apply how long audio and transcripts are kept",
        description="Without --apply: show the data dir's retention policy and what it would remove now. "
                    "--audio-days / --transcript-days save the policy (N days after the session started, or "
                    "'forever'). --apply removes what has expired; --apply --dry-run only lists it. "
                    "A session that is recording is never touched.")
    p.add_argument("--audio-days", type=_days, default=None, metavar="N",
                   help="delete a session's audio N days after it started ('forever' to keep it)")
    p.add_argument("--transcript-days", type=_days, default=None, metavar="N",
                   help="delete a session's transcript, evidence quotes and notes, and ratings N days after it "
                        "started ('forever' to keep them)")
    p.add_argument("--apply", action="store_true", help="remove what the policy says has expired")
    p.add_argument("--dry-run", action="store_true", help="with --apply: list what would be removed, remove nothing")
    _common(p)

    p = sub.add_parser(
        "erase", help="erase every trace of a candidate (right to erasure)",
        description="Deletes the candidate's sessions, audio, transcripts, evidence, ratings, consents, claims, "
                    "the exports that mention them and the audit entries about them, and compacts the database "
                    "so no copy is left in its free space. There is no undo.")
    p.add_argument("--candidate", required=True, metavar="NAME", help="the candidate's name (any case)")
    p.add_argument("--yes", action="store_true", help="confirm: erase permanently")
    _common(p)

    p = sub.add_parser(
        "access", help="write everything held on a candidate to a folder (subject access request)",
        description="Writes DIR/candidate.json (the candidate, their claims, consents, every session with its "
                    "transcript, evidence and ratings, and the audit entries about them) and copies of their "
                    "audio in DIR/audio/. DIR must be new or empty.")
    p.add_argument("--candidate", required=True, metavar="NAME", help="the candidate's name (any case)")
    p.add_argument("-o", "--out", required=True, type=Path, metavar="DIR", help="a new or empty directory")
    _common(p)


def _print_json(sv: Services, data: Any) -> None:
    sv.print(json.dumps(data, ensure_ascii=False, indent=1))


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


# ---------------------------------------------------------------------------------------------- retention
def cmd_retention(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.notes.privacy.retention import apply_retention
    from interviewer.notes.privacy.retention_policy import (
        RetentionPolicy,
        load_policy,
        policy_path,
        save_policy,
    )

    policy = load_policy(sv.data_dir)
    saved = False
    if args.audio_days is not None or args.transcript_days is not None:
        def merged(new: int | None, old: int | None) -> int | None:
            if new is None:
                return old
            return None if new == FOREVER else new
        policy = RetentionPolicy(audio_days=merged(args.audio_days, policy.audio_days),
                                 transcript_days=merged(args.transcript_days, policy.transcript_days))
        save_policy(sv.data_dir, policy)
        saved = True
    dry_run = not args.apply or args.dry_run
    store = sv.open_store()
    try:
        report = apply_retention(store, sv.data_dir, now=datetime.now(UTC), dry_run=dry_run, policy=policy)
    finally:
        store.close()
    path = policy_path(sv.data_dir)
    if args.format == "json":
        _print_json(sv, {"policy_file": str(path), "saved": saved, **report.to_dict()})
    else:
        _retention_text(sv, report, path, saved=saved, applying=args.apply)
    for e in report.errors:
        sv.warn(f"could not remove {e}")
    if not dry_run and not report.scrubbed:
        sv.warn("the database could not be compacted (is another program using it?): removed text may linger "
                "in its free space or write-ahead log until `interviewer retention --apply` runs again")
    return 2 if report.errors else 0


def _retention_text(sv: Services, report: Any, path: Path, *, saved: bool, applying: bool) -> None:
    policy = report.policy
    if policy.audio_days is None and policy.transcript_days is None:
        sv.say(f"No retention policy in {path}: everything is kept. Set one with --audio-days N and/or "
               "--transcript-days N.")
        return
    sv.say(f"{'Saved the retention policy to' if saved else 'Retention policy in'} {path}: {policy.describe()}.")
    for s in report.skipped:
        sv.say(f"Skipped session {s['session_id'][:8]} ({s['candidate']}): {s['reason']}.")
    if not report.actions:
        sv.print("Nothing has expired." if report.dry_run else "Nothing to remove.")
        return
    if report.dry_run:
        hint = "" if applying else "; run with --apply to remove it"
        sv.say(f"Would remove (dry run{hint}):")
    else:
        sv.print("Removed:")
    for a in report.actions:
        parts = []
        if a.audio:
            parts.append(f"audio ({_plural(len(a.audio_files), 'file')})")
        if a.transcript:
            parts.append(f"transcript ({_plural(a.segments, 'segment')}, {a.evidence} evidence note(s), "
                         f"{_plural(a.ratings, 'rating')}, {_plural(a.notes, 'other note')})")
        if a.exports:
            parts.append(f"{_plural(len(a.exports), 'export')} holding the transcript ({', '.join(a.exports)})")
        sv.say(f"  {a.session_id[:8]}  {a.candidate}  started {a.started_at[:10]}  {', '.join(parts)}")


# ---------------------------------------------------------------------------------------------- erase
def cmd_erase(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.notes.privacy.erasure import erase_candidate

    if not args.yes:
        raise UserError(
            f"erasing {args.candidate.strip()!r} permanently deletes their sessions, audio, transcripts, notes, "
            "ratings, consents, claims, the exports that mention them and the audit entries about them, with no "
            "undo; add --yes to confirm (for a copy first: interviewer access --candidate NAME -o DIR)")
    store = sv.open_store()
    try:
        report = erase_candidate(store, sv.data_dir, args.candidate)
    finally:
        store.close()
    if args.format == "json":
        _print_json(sv, report.to_dict())
    else:
        r = report.rows
        main = ("candidates", "sessions", "segments", "evidence", "ratings", "claims", "consents")
        other = sum(n for t, n in r.items() if t not in main)
        sv.say(f"Erased {_plural(report.candidates, 'candidate')}: {_plural(r.get('sessions', 0), 'session')}, "
               f"{_plural(r.get('segments', 0), 'segment')}, {r.get('evidence', 0)} evidence, "
               f"{_plural(r.get('ratings', 0), 'rating')}, {_plural(r.get('claims', 0), 'claim')}, "
               f"{_plural(r.get('consents', 0), 'consent')}, {_plural(other, 'other record')}, "
               f"{_plural(len(report.files), 'file')}, "
               f"{_plural(report.audit_entries, 'audit entry', 'audit entries')}.")
        sv.say(f"Erasure id {report.erasure_id} (recorded in the audit log, with counts only).")
    for item in report.not_removed:
        sv.warn(f"not removed, delete it yourself if it should go: {item}")
    if report.mentions_left:
        shown = ", ".join(report.mentions_left[:5]) + (", ..." if len(report.mentions_left) > 5 else "")
        sv.warn(f"{_plural(len(report.mentions_left), 'record')} of other candidates still mention this name "
                f"(table, id, column: {shown}); edit them if they are about this person")
    if not report.scrubbed:
        sv.warn("the database could not be compacted (is another program using it?): erased data may linger "
                "in its free space or write-ahead log; close other Interviewer windows and run "
                "`interviewer retention --apply`")
    return 0


# ---------------------------------------------------------------------------------------------- access
def cmd_access(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.core.files import check_output_dir
    from interviewer.notes.privacy.access import access_candidate

    args.out = check_output_dir(args.out, sv.data_dir.root)
    store = sv.open_store()
    try:
        target = access_candidate(store, sv.data_dir, args.candidate, args.out)
    finally:
        store.close()
    data = json.loads(target.read_text(encoding="utf-8"))
    sessions = sum(len(c["sessions"]) for c in data["candidates"])
    audio = sorted(a["file"] for a in data["audio"] if a.get("file"))
    if args.format == "json":
        _print_json(sv, {"out": str(args.out), "json": str(target), "candidates": len(data["candidates"]),
                         "sessions": sessions, "audio_files": audio, "audit_entries": len(data["audit_log"])})
    else:
        sv.say(f"Wrote {target}: {_plural(sessions, 'session')}, {_plural(len(audio), 'audio file')}, "
               f"{_plural(len(data['audit_log']), 'audit entry', 'audit entries')}.")
    return 0


def _new_passphrase(env: str, what: str) -> str:
    value = os.environ.get(env)
    if value:
        return value
    if not (sys.stdin and sys.stdin.isatty()):
        raise UserError(f"give the {what} in ${env} (no terminal to ask in)")
    first = getpass.getpass(f"{what.capitalize()}: ")
    if first != getpass.getpass(f"{what.capitalize()} again: "):
        raise UserError("the two passphrases differ; nothing was changed")
    return first


def cmd_init(args: argparse.Namespace, sv: Services) -> int:
    root = sv.data_dir.root
    if args.change_passphrase:
        if not vault.is_encrypted(root):
            raise UserError("is not encrypted: nothing to change (create an encrypted one with init --encrypt)",
                            path=root)
        old = vault.resolve_passphrase(root, vault.interactive_prompt())
        new = _new_passphrase("INTERVIEWER_NEW_PASSPHRASE", "new passphrase")
        vault.change_passphrase(root, old, new)
        if args.keyring:
            vault.save_to_keyring(root, new)
        sv.print("The passphrase was changed." if args.format == "text" else
                 json.dumps({"data_dir": str(root), "encrypted": True, "keyring": bool(args.keyring)}))
        return 0
    if args.encrypt and not vault.is_encrypted(root):
        passphrase = _new_passphrase(PASSPHRASE_ENV, "passphrase")
        vault.create_vault(root, passphrase)
        if args.keyring:
            vault.save_to_keyring(root, passphrase)
    elif args.encrypt:
        # Already encrypted: say so only if the passphrase given opens it (a wrong one is refused, exit 2).
        passphrase = vault.resolve_passphrase(root, vault.interactive_prompt())
        vault.unlock(root, passphrase)
        if args.keyring:
            vault.save_to_keyring(root, passphrase)
    elif args.keyring:
        if not vault.is_encrypted(root):
            raise UserError("--keyring saves the passphrase of an encrypted data dir: add --encrypt", path=root)
        passphrase = vault.resolve_passphrase(root, vault.interactive_prompt())
        vault.unlock(root, passphrase)
        vault.save_to_keyring(root, passphrase)
    encrypted = vault.is_encrypted(root)
    if args.format == "json":
        sv.print(json.dumps({"data_dir": str(root), "encrypted": encrypted, "keyring": bool(args.keyring)}))
    else:
        sv.say(f"{root}: " + ("encrypted at rest; keep the passphrase safe, without it nothing here can be "
                                "read" if encrypted else "ready (not encrypted; `init --encrypt` on a new data "
                                "dir encrypts it)"))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace, Services], int]] = {
    "init": cmd_init,
    "retention": cmd_retention,
    "erase": cmd_erase,
    "access": cmd_access,
}
