"""Interview kits: criteria with rubric anchors, a probe bank tagged by topic (TOML).

A kit file looks like::

    [kit]
    name = "..."
    version = 1
    topics = ["evaluation", "retrieval", ...]

    [[criteria]]
    key = "judgment"
    name = "Judgment"
    definition = "one line"
    anchors = { 1 = "...", 2 = "...", 3 = "...", 4 = "..." }

    [[probes]]
    id = "judgment-01"
    criterion = "judgment"
    topics = ["evaluation"]
    text = "..."

Validation errors name the file and the line of the offending table.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interviewer.core.config import resource_path
from interviewer.core.errors import KitError
from interviewer.core.files import data_path
from interviewer.core.vault import Vault, read_file, write_file

CRITERION_KEY = re.compile(r"^[a-z][a-z0-9-]*$")
SCORES = ("1", "2", "3", "4")


@dataclass(frozen=True)
class Criterion:
    key: str
    name: str
    definition: str
    anchors: dict[int, str]


@dataclass(frozen=True)
class Probe:
    id: str
    criterion: str
    text: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Kit:
    name: str
    version: int
    topics: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    probes: tuple[Probe, ...]
    description: str = ""
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def criterion(self, key: str) -> Criterion:
        for c in self.criteria:
            if c.key == key:
                return c
        known = ", ".join(c.key for c in self.criteria)
        raise KeyError(f"unknown criterion {key!r} (this kit has: {known})")

    def probes_for(self, criterion: str | None = None, topic: str | None = None) -> list[Probe]:
        return [
            p for p in self.probes
            if (criterion is None or p.criterion == criterion) and (topic is None or topic in p.topics)
        ]


def default_kit_path() -> Path:
    return resource_path("kits", "default.toml")


def _table_lines(text: str, header: str) -> list[int]:
    """1-based line numbers of each `[[header]]` in order, so item i can be reported at its line."""
    pat = re.compile(r"^\s*\[\[\s*" + re.escape(header) + r"\s*\]\]\s*(#.*)?$")
    return [n for n, line in enumerate(text.splitlines(), 1) if pat.match(line)]


def _key_line(text: str, key: str) -> int | None:
    pat = re.compile(r"^\s*\[\s*" + re.escape(key) + r"\s*\]")
    for n, line in enumerate(text.splitlines(), 1):
        if pat.match(line):
            return n
    return None


def _str(item: dict[str, Any], key: str, path: Path, line: int | None, what: str) -> str:
    v = item.get(key)
    if not isinstance(v, str) or not v.strip():
        raise KitError(f"{what}: '{key}' must be a non-empty string", path=path, line=line)
    return v.strip()


# A kit is a few dozen kilobytes (the default: 26 kB) nested three deep. The limits refuse crafted files before
# they cost much: Python's TOML parser recurses once per level of nesting (5,000 levels were a RecursionError
# traceback), so running out of recursion is a refusal too.
MAX_KIT_BYTES = 2_000_000
MAX_KIT_DEPTH = 32


def _depth(value: Any) -> int:
    """How deep arrays and tables nest in parsed TOML (iteratively: no recursion to exhaust)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, dict | list):
            deepest = max(deepest, d + 1)
            stack.extend((c, d + 1) for c in (v.values() if isinstance(v, dict) else v))
    return deepest


def parse_kit(text: str, path: Path | str = "<kit>") -> Kit:
    path = Path(path)
    if len(text) > MAX_KIT_BYTES:
        raise KitError(f"too large for a kit ({len(text):,} characters; the limit is {MAX_KIT_BYTES:,})", path=path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise KitError(f"not valid TOML: {exc}", path=path, line=int(m.group(1)) if m else None) from None
    except RecursionError:
        raise KitError(f"nests arrays or tables too deeply to be a kit (the limit is {MAX_KIT_DEPTH} levels)",
                       path=path) from None
    deepest = _depth(data)
    if deepest > MAX_KIT_DEPTH:
        raise KitError(f"nests arrays or tables {deepest} levels deep; a kit may nest at most {MAX_KIT_DEPTH}",
                       path=path)

    head = data.get("kit")
    if not isinstance(head, dict):
        raise KitError("missing the [kit] table (name, version, topics)", path=path, line=1)
    head_line = _key_line(text, "kit")
    name = _str(head, "name", path, head_line, "[kit]")
    version = head.get("version", 1)
    if not isinstance(version, int) or version < 1:
        raise KitError("[kit]: 'version' must be a positive integer", path=path, line=head_line)
    topics_raw = head.get("topics", [])
    if not isinstance(topics_raw, list) or not all(isinstance(t, str) and t.strip() for t in topics_raw):
        raise KitError("[kit]: 'topics' must be a list of strings", path=path, line=head_line)
    topics = tuple(t.strip() for t in topics_raw)

    crit_lines = _table_lines(text, "criteria")
    raw_criteria = data.get("criteria")
    if not isinstance(raw_criteria, list) or not raw_criteria:
        raise KitError("a kit needs at least one [[criteria]] table", path=path, line=None)
    criteria: list[Criterion] = []
    for i, item in enumerate(raw_criteria):
        line = crit_lines[i] if i < len(crit_lines) else None
        key = _str(item, "key", path, line, "[[criteria]]")
        if not CRITERION_KEY.match(key):
            raise KitError(f"criterion key {key!r} must be lower-case letters, digits and '-'",
                           path=path, line=line)
        if any(c.key == key for c in criteria):
            raise KitError(f"criterion {key!r} is defined twice", path=path, line=line)
        anchors = item.get("anchors")
        if not isinstance(anchors, dict) or sorted(anchors) != list(SCORES):
            raise KitError(f"criterion {key!r}: 'anchors' must give scores 1, 2, 3 and 4", path=path, line=line)
        if not all(isinstance(v, str) and v.strip() for v in anchors.values()):
            raise KitError(f"criterion {key!r}: every anchor must be a non-empty string", path=path, line=line)
        criteria.append(Criterion(
            key=key,
            name=_str(item, "name", path, line, f"criterion {key!r}"),
            definition=_str(item, "definition", path, line, f"criterion {key!r}"),
            anchors={int(k): str(v).strip() for k, v in anchors.items()},
        ))

    probe_lines = _table_lines(text, "probes")
    probes: list[Probe] = []
    raw_probes = data.get("probes", [])
    if not isinstance(raw_probes, list):
        raise KitError("'probes' must be an array of tables ([[probes]])", path=path, line=None)
    keys = {c.key for c in criteria}
    for i, item in enumerate(raw_probes):
        line = probe_lines[i] if i < len(probe_lines) else None
        pid = _str(item, "id", path, line, "[[probes]]")
        if any(p.id == pid for p in probes):
            raise KitError(f"probe id {pid!r} is used twice", path=path, line=line)
        crit = _str(item, "criterion", path, line, f"probe {pid!r}")
        if crit not in keys:
            raise KitError(f"probe {pid!r}: unknown criterion {crit!r} (known: {', '.join(sorted(keys))})",
                           path=path, line=line)
        ptopics = item.get("topics", [])
        if not isinstance(ptopics, list) or not all(isinstance(t, str) for t in ptopics):
            raise KitError(f"probe {pid!r}: 'topics' must be a list of strings", path=path, line=line)
        unknown = [t for t in ptopics if topics and t not in topics]
        if unknown:
            raise KitError(f"probe {pid!r}: unknown topic(s) {', '.join(unknown)}; add them to [kit] topics",
                           path=path, line=line)
        probes.append(Probe(pid, crit, _str(item, "text", path, line, f"probe {pid!r}"), tuple(ptopics)))

    _check_scenarios(data.get("scenarios", []), text, path, keys, topics)
    extra = {k: v for k, v in data.items() if k not in {"kit", "criteria", "probes"}}
    return Kit(name=name, version=version, topics=topics, criteria=tuple(criteria), probes=tuple(probes),
               description=str(head.get("description", "")), source=str(path), extra=extra)


def _check_scenarios(raw: Any, text: str, path: Path, criteria: set[str], topics: tuple[str, ...]) -> None:
    """Scenario cards (judgment calls): an id, a title, a prompt, a known criterion, constraints with a text,
    and, when given, anchors for scores 1-4 that describe what the answer does on this card."""
    if not isinstance(raw, list):
        raise KitError("'scenarios' must be an array of tables ([[scenarios]])", path=path, line=None)
    lines = _table_lines(text, "scenarios")
    seen: set[str] = set()
    for i, item in enumerate(raw):
        line = lines[i] if i < len(lines) else None
        if not isinstance(item, dict):
            raise KitError("each scenario must be a table", path=path, line=line)
        sid = _str(item, "id", path, line, "[[scenarios]]")
        if sid in seen:
            raise KitError(f"scenario id {sid!r} is used twice", path=path, line=line)
        seen.add(sid)
        _str(item, "prompt", path, line, f"scenario {sid!r}")
        crit = item.get("criterion")
        if crit is not None and crit not in criteria:
            raise KitError(f"scenario {sid!r}: unknown criterion {crit!r} (known: {', '.join(sorted(criteria))})",
                           path=path, line=line)
        unknown = [t for t in item.get("topics", []) if topics and t not in topics]
        if unknown:
            raise KitError(f"scenario {sid!r}: unknown topic(s) {', '.join(map(str, unknown))}; add them to [kit] "
                           "topics", path=path, line=line)
        cons = item.get("constraints", [])
        if not isinstance(cons, list) or not all(isinstance(c, dict) and isinstance(c.get("key"), str)
                                                 and isinstance(c.get("text"), str) and c["text"].strip()
                                                 for c in cons):
            raise KitError(f"scenario {sid!r}: each constraint needs a 'key' and a 'text'", path=path, line=line)
        anchors = item.get("anchors")
        if anchors is not None and (not isinstance(anchors, dict) or sorted(anchors) != list(SCORES)
                                    or not all(isinstance(v, str) and v.strip() for v in anchors.values())):
            raise KitError(f"scenario {sid!r}: 'anchors' must give a non-empty text for scores 1, 2, 3 and 4",
                           path=path, line=line)


def kit_to_dict(kit: Kit) -> dict[str, Any]:
    head: dict[str, Any] = {"name": kit.name, "version": kit.version, "topics": list(kit.topics)}
    if kit.description:
        head["description"] = kit.description
    return {
        "kit": head,
        "criteria": [{"key": c.key, "name": c.name, "definition": c.definition,
                      "anchors": {str(k): v for k, v in sorted(c.anchors.items())}} for c in kit.criteria],
        "probes": [{"id": p.id, "criterion": p.criterion, "topics": list(p.topics), "text": p.text}
                   for p in kit.probes],
        **kit.extra,
    }


def dump_kit(kit: Kit) -> str:
    """The kit as TOML that `parse_kit` reads back to an equal kit."""
    import tomli_w

    return "# Interviewer kit\n" + tomli_w.dumps(kit_to_dict(kit), multiline_strings=False)


def with_probe(kit: Kit, *, criterion: str, text: str, topics: tuple[str, ...] = ()) -> Kit:
    """A copy of the kit with one more probe in its bank (for "save back to the kit")."""
    kit.criterion(criterion)
    n = 1 + sum(1 for p in kit.probes if p.id.startswith(f"{criterion}-own-"))
    probe = Probe(f"{criterion}-own-{n:02d}", criterion, text.strip(), tuple(t for t in topics if t in kit.topics))
    return Kit(kit.name, kit.version, kit.topics, kit.criteria, (*kit.probes, probe), kit.description, kit.source,
               dict(kit.extra))


def user_kits_dir(data_root: Path) -> Path:
    return data_root / "kits"


def save_kit_file(kit: Kit, path: Path, vault: Vault | None = None) -> Path:
    """Write a kit; the bundled default kit is read-only, so edits to it must go to a copy."""
    path = Path(path)
    if path.resolve() == default_kit_path().resolve():
        raise KitError("the default kit is read-only; save your edits to a copy (interviewer kit new NAME)",
                       path=path)
    text = dump_kit(kit)
    parse_kit(text, path)  # never write a kit that would not load back
    # In an encrypted data dir a kit is sealed like the rest (own probes may quote a resume); owner-only.
    return write_file(vault, path, text.encode("utf-8"))


def copy_kit(source: Kit, data_root: Path, name: str, vault: Vault | None = None) -> Path:
    """An editable copy of a kit in the data dir's kits folder, renamed."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "kit"
    path = data_path(data_root, user_kits_dir(data_root) / f"{slug}.toml", what="kit file")  # no symlink out
    assert path is not None
    if path.exists():
        raise KitError("a kit with this name already exists", path=path)
    renamed = Kit(name, source.version, source.topics, source.criteria, source.probes, source.description,
                  str(path), dict(source.extra))
    return save_kit_file(renamed, path, vault)


def load_kit(path: Path | str | None = None, vault: Vault | None = None) -> Kit:
    """Load and validate a kit file; `None` is the bundled default kit. `vault`: for a kit sealed in an
    encrypted data dir."""
    p = Path(path) if path is not None else default_kit_path()
    try:
        if p.is_file() and p.stat().st_size > MAX_KIT_BYTES + (1 << 20):  # sealed files carry some overhead
            raise KitError(f"too large for a kit ({p.stat().st_size:,} bytes; the limit is {MAX_KIT_BYTES:,})",
                           path=p)
        raw = read_file(vault, p)
    except FileNotFoundError:
        raise KitError("no such kit file", path=p) from None
    except OSError as exc:
        raise KitError(f"cannot read kit: {exc.strerror}", path=p) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise KitError(f"not UTF-8 text (byte {exc.start})", path=p) from None
    return parse_kit(text, p)
