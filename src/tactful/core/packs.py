"""Read, validate and write pack files (``*.tactful.toml``, format 1).

A pack is applied whole or not at all: `read_pack` either returns a complete,
valid `Pack` or raises one `PackError` whose message names the file, the line,
the key path and what was expected. Unknown keys are errors, so typos never
pass silently.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import tomli_w

from tactful.core.atomic import atomic_write_text
from tactful.core.errors import (
    PackError,
    PackFormatError,
    PackLimitError,
    PackSyntaxError,
    PackValidationError,
    PlaceholderError,
)
from tactful.core.model import FORMAT_VERSION, Pack, Reminder, Situation, Template, ToneRule
from tactful.core.placeholders import parse as parse_placeholders
from tactful.core.situations import STANDARD_IDS

PACK_SUFFIX = ".tactful.toml"
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_TEMPLATES = 20_000
MAX_BODY_CHARS = 20_000

PACK_ID_RE = re.compile(r"[a-z0-9][a-z0-9.-]{1,63}\Z")
TEMPLATE_ID_RE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}\Z")
SITUATION_ID_RE = re.compile(r"[a-z][a-z0-9_]{0,63}\Z")
CHANNEL_RE = re.compile(r"[a-z][a-z0-9_-]{0,31}\Z")
SEMVER_RE = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?\Z"
)
LANGUAGE_RE = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*\Z")
SEVERITIES = ("info", "warning")

_TOP_KEYS = {"format", "pack", "situations", "reminders", "templates", "tone_rules"}
_PACK_KEYS = {"id", "name", "version", "language", "author", "license", "description"}
_SITUATION_KEYS = {"id", "name", "keywords", "description"}
_REMINDER_KEYS = {"text", "situations"}
_TEMPLATE_KEYS = {"id", "title", "situation", "keywords", "tags", "tone", "body", "variants"}
_TONE_RULE_KEYS = {"id", "phrases", "message", "suggestion", "severity"}

KeyPath = tuple[str | int, ...]


def read_pack(path: Path) -> Pack:
    """Read and validate one pack file.

    Raises:
        PackError: One of its subclasses, naming the file, line and key.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PackSyntaxError(f"cannot read the file: {exc.strerror or exc}", path=path) from exc
    if size > MAX_FILE_BYTES:
        raise PackLimitError(
            f"file is {size:,} bytes; a pack may be at most {MAX_FILE_BYTES:,} bytes (8 MiB)",
            path=path,
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PackSyntaxError(f"cannot read the file: {exc.strerror or exc}", path=path) from exc
    return parse_pack_bytes(data, path=path)


def parse_pack_bytes(data: bytes, *, path: Path | None = None) -> Pack:
    """Validate a pack given as raw bytes (see `read_pack`)."""
    if len(data) > MAX_FILE_BYTES:
        raise PackLimitError(
            f"pack is {len(data):,} bytes; at most {MAX_FILE_BYTES:,} bytes (8 MiB) are allowed",
            path=path,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PackSyntaxError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            path=path,
            line=line,
        ) from exc
    return parse_pack(text, path=path)


def parse_pack(text: str, *, path: Path | None = None) -> Pack:
    """Validate a pack given as TOML text (see `read_pack`)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        line = int(match.group(1)) if match else None
        detail = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg) if match else msg
        raise PackSyntaxError(f"not valid TOML: {detail}", path=path, line=line) from exc
    return _Validator(text, path).pack(raw)


class _Validator:
    """Turns the raw TOML tree into a `Pack`, raising at the first problem."""

    def __init__(self, text: str, path: Path | None) -> None:
        self.lines = text.splitlines()
        self.path = path

    def fail(self, key: KeyPath, detail: str, cls: type[PackError] = PackValidationError) -> None:
        raise cls(detail, path=self.path, line=locate(self.lines, key), key=_key_text(key) or None)

    # -- typed getters -------------------------------------------------------
    def table(self, raw: Any, key: KeyPath, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(raw, dict):
            self.fail(key, f"expected a table, got {_kind(raw)}")
        for name in raw:
            if name not in allowed:
                hint = _did_you_mean(name, allowed)
                self.fail(
                    (*key, name),
                    f"unknown key{hint}; allowed here: {', '.join(sorted(allowed))}",
                )
        return dict(raw)

    def string(
        self,
        raw: Mapping[str, Any],
        key: KeyPath,
        *,
        required: bool = False,
        default: str = "",
        pattern: re.Pattern[str] | None = None,
        expected: str = "",
        nonempty: bool = False,
    ) -> str:
        name = key[-1]
        assert isinstance(name, str)
        if name not in raw:
            if required:
                self.fail(key[:-1], f"missing required key {name!r}")
            return default
        value = raw[name]
        if not isinstance(value, str):
            self.fail(key, f"expected a string, got {_kind(value)}")
        if nonempty and not value.strip():
            self.fail(key, "must not be empty")
        if pattern is not None and not pattern.match(value):
            self.fail(key, f"{value!r} is not {expected}")
        return str(value)

    def strings(self, raw: Mapping[str, Any], key: KeyPath) -> tuple[str, ...]:
        name = key[-1]
        assert isinstance(name, str)
        value = raw.get(name, [])
        if not isinstance(value, list):
            self.fail(key, f"expected a list of strings, got {_kind(value)}")
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.fail((*key, i), f"expected a string, got {_kind(item)}")
        return tuple(value)

    def array_of_tables(self, raw: Mapping[str, Any], name: str) -> list[Any]:
        value = raw.get(name, [])
        if not isinstance(value, list):
            self.fail((name,), f"expected an array of tables ([[{name}]]), got {_kind(value)}")
        return list(value)

    def text_with_placeholders(self, value: str, key: KeyPath) -> None:
        if len(value) > MAX_BODY_CHARS:
            self.fail(
                key,
                f"is {len(value):,} characters; at most {MAX_BODY_CHARS:,} are allowed",
                PackLimitError,
            )
        try:
            parse_placeholders(value)
        except PlaceholderError as exc:
            self.fail(key, f"{exc}")

    # -- the pack ------------------------------------------------------------
    def pack(self, raw: dict[str, Any]) -> Pack:
        self.table(raw, (), _TOP_KEYS)
        if "format" not in raw:
            self.fail(
                (), "missing required key 'format' (write `format = 1` first)", PackFormatError
            )
        fmt = raw["format"]
        if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt < 1:
            self.fail(("format",), "expected a whole number ≥ 1", PackFormatError)
        if fmt > FORMAT_VERSION:
            self.fail(
                ("format",),
                f"format {fmt} is newer than this version of Tactful understands "
                f"(up to {FORMAT_VERSION}); update Tactful to use this pack",
                PackFormatError,
            )
        if "pack" not in raw:
            self.fail((), "missing required table [pack]")
        meta = self.table(raw["pack"], ("pack",), _PACK_KEYS)
        pid = self.string(
            meta,
            ("pack", "id"),
            required=True,
            pattern=PACK_ID_RE,
            expected="a pack id (2-64 of a-z, 0-9, '.', '-', starting with a letter or digit)",
        )
        situations = self._situations(raw)
        known = STANDARD_IDS | {s.id for s in situations}
        reminders = self._reminders(raw, known)
        templates = self._templates(raw, known, pid)
        tone_rules = self._tone_rules(raw)
        return Pack(
            id=pid,
            name=self.string(meta, ("pack", "name"), required=True, nonempty=True),
            version=self.string(
                meta,
                ("pack", "version"),
                required=True,
                pattern=SEMVER_RE,
                expected="a semantic version such as '1.2.0'",
            ),
            language=self.string(
                meta,
                ("pack", "language"),
                default="en",
                pattern=LANGUAGE_RE,
                expected="a BCP 47 language tag such as 'en' or 'pt-BR'",
            ),
            author=self.string(meta, ("pack", "author")),
            license=self.string(meta, ("pack", "license")),
            description=self.string(meta, ("pack", "description")),
            situations=tuple(situations),
            reminders=tuple(reminders),
            templates=tuple(templates),
            tone_rules=tuple(tone_rules),
            source=self.path,
        )

    def _situations(self, raw: Mapping[str, Any]) -> list[Situation]:
        out: list[Situation] = []
        seen: set[str] = set()
        for i, item in enumerate(self.array_of_tables(raw, "situations")):
            key: KeyPath = ("situations", i)
            tbl = self.table(item, key, _SITUATION_KEYS)
            sid = self.string(
                tbl,
                (*key, "id"),
                required=True,
                pattern=SITUATION_ID_RE,
                expected="a situation id (lowercase letters, digits and '_')",
            )
            if sid in STANDARD_IDS:
                self.fail((*key, "id"), f"{sid!r} is a standard situation; packs add new ids only")
            if sid in seen:
                self.fail((*key, "id"), f"situation {sid!r} is defined twice in this pack")
            seen.add(sid)
            out.append(
                Situation(
                    id=sid,
                    name=self.string(tbl, (*key, "name"), required=True, nonempty=True),
                    keywords=self.strings(tbl, (*key, "keywords")),
                    description=self.string(tbl, (*key, "description")),
                )
            )
        return out

    def _check_situation(self, sid: str, key: KeyPath, known: set[str] | frozenset[str]) -> None:
        if sid not in known:
            hint = _did_you_mean(sid, known)
            self.fail(
                key,
                f"unknown situation {sid!r}{hint}; use a standard situation id or "
                "define it under [[situations]]",
            )

    def _reminders(self, raw: Mapping[str, Any], known: frozenset[str]) -> list[Reminder]:
        out: list[Reminder] = []
        for i, item in enumerate(self.array_of_tables(raw, "reminders")):
            key: KeyPath = ("reminders", i)
            tbl = self.table(item, key, _REMINDER_KEYS)
            situations = self.strings(tbl, (*key, "situations"))
            for j, sid in enumerate(situations):
                self._check_situation(sid, (*key, "situations", j), known)
            out.append(
                Reminder(
                    text=self.string(tbl, (*key, "text"), required=True, nonempty=True),
                    situations=situations,
                )
            )
        return out

    def _templates(self, raw: Mapping[str, Any], known: frozenset[str], pid: str) -> list[Template]:
        items = self.array_of_tables(raw, "templates")
        if len(items) > MAX_TEMPLATES:
            self.fail(
                ("templates",),
                f"{len(items):,} templates; a pack may hold at most {MAX_TEMPLATES:,}",
                PackLimitError,
            )
        out: list[Template] = []
        seen: set[str] = set()
        for i, item in enumerate(items):
            key: KeyPath = ("templates", i)
            tbl = self.table(item, key, _TEMPLATE_KEYS)
            tid = self.string(
                tbl,
                (*key, "id"),
                required=True,
                pattern=TEMPLATE_ID_RE,
                expected="a template id (1-64 of a-z, 0-9, '_', '.', '-')",
            )
            if tid in seen:
                self.fail((*key, "id"), f"template id {tid!r} is used twice in this pack")
            seen.add(tid)
            situation = self.string(tbl, (*key, "situation"), required=True)
            self._check_situation(situation, (*key, "situation"), known)
            body = self.string(tbl, (*key, "body"), required=True, nonempty=True)
            self.text_with_placeholders(body, (*key, "body"))
            variants = self._variants(tbl, (*key, "variants"))
            out.append(
                Template(
                    id=tid,
                    title=self.string(tbl, (*key, "title"), required=True, nonempty=True),
                    situation=situation,
                    body=body,
                    pack_id=pid,
                    keywords=self.strings(tbl, (*key, "keywords")),
                    tags=self.strings(tbl, (*key, "tags")),
                    tone=self.strings(tbl, (*key, "tone")),
                    variants=variants,
                )
            )
        return out

    def _variants(self, tbl: Mapping[str, Any], key: KeyPath) -> tuple[tuple[str, str], ...]:
        raw = tbl.get("variants", {})
        if not isinstance(raw, dict):
            self.fail(key, f"expected a table of channel = text, got {_kind(raw)}")
        out: list[tuple[str, str]] = []
        for channel, text in raw.items():
            if not CHANNEL_RE.match(channel):
                self.fail((*key, channel), "channel names are lowercase letters, digits, '_', '-'")
            if not isinstance(text, str):
                self.fail((*key, channel), f"expected a string, got {_kind(text)}")
            if not text.strip():
                self.fail((*key, channel), "must not be empty")
            self.text_with_placeholders(text, (*key, channel))
            out.append((channel, text))
        return tuple(out)

    def _tone_rules(self, raw: Mapping[str, Any]) -> list[ToneRule]:
        out: list[ToneRule] = []
        seen: set[str] = set()
        for i, item in enumerate(self.array_of_tables(raw, "tone_rules")):
            key: KeyPath = ("tone_rules", i)
            tbl = self.table(item, key, _TONE_RULE_KEYS)
            rid = self.string(
                tbl,
                (*key, "id"),
                required=True,
                pattern=TEMPLATE_ID_RE,
                expected="a rule id (1-64 of a-z, 0-9, '_', '.', '-')",
            )
            if rid in seen:
                self.fail((*key, "id"), f"tone rule {rid!r} is defined twice in this pack")
            seen.add(rid)
            phrases = self.strings(tbl, (*key, "phrases"))
            if not phrases or not all(p.strip() for p in phrases):
                self.fail((*key, "phrases"), "expected at least one non-empty literal phrase")
            severity = self.string(tbl, (*key, "severity"), default="warning")
            if severity not in SEVERITIES:
                self.fail((*key, "severity"), f"expected one of {', '.join(SEVERITIES)}")
            out.append(
                ToneRule(
                    id=rid,
                    phrases=phrases,
                    message=self.string(tbl, (*key, "message"), required=True, nonempty=True),
                    suggestion=self.string(tbl, (*key, "suggestion")),
                    severity=severity,
                )
            )
        return out


# -- error locations ---------------------------------------------------------


def _key_text(key: KeyPath) -> str:
    out = ""
    for part in key:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _kind(value: object) -> str:
    names: Mapping[type, str] = {
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "true/false",
        list: "a list",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)


def _did_you_mean(name: str, choices: set[str] | frozenset[str]) -> str:
    from difflib import get_close_matches

    close = get_close_matches(name, sorted(choices), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


_HEADER_RE = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")


def locate(lines: list[str], key: KeyPath) -> int | None:
    """Best-effort 1-based line of ``key`` in the TOML source ``lines``.

    Handles the shapes packs are written in: top-level keys, ``[pack]``,
    arrays of tables (``[[templates]]``) and their sub-tables
    (``[templates.variants]``). Falls back to the nearest enclosing header.
    """
    if not key:
        return 1 if lines else None
    first = key[0]
    assert isinstance(first, str)
    rest = key[1:]
    if rest and isinstance(rest[0], int):
        start = _nth_header(lines, f"[[{first}", first, rest[0])
        if start is None:
            return _key_line(lines, 0, first) or None
        end = _section_end(lines, start, first)
        sub = rest[1:]
        return _locate_in(lines, start, end, first, sub) or start + 1
    if not rest:
        return _top_key_line(lines, first)
    start = _nth_header(lines, "[", first, 0)
    if start is None:
        return _top_key_line(lines, first)
    end = _section_end(lines, start, first)
    return _locate_in(lines, start, end, first, rest) or start + 1


def _locate_in(lines: list[str], start: int, end: int, prefix: str, sub: KeyPath) -> int | None:
    if not sub:
        return start + 1
    name = sub[0]
    if isinstance(name, int):
        return None
    # a sub-table header such as [templates.variants]
    for i in range(start + 1, end):
        m = _HEADER_RE.match(lines[i])
        if m and m.group(2) == f"{prefix}.{name}":
            if len(sub) > 1 and isinstance(sub[1], str):
                inner = _key_line(lines, i + 1, sub[1], stop=end)
                return inner or i + 1
            return i + 1
    return _key_line(lines, start + 1, name, stop=end)


def _nth_header(lines: list[str], opener: str, name: str, index: int) -> int | None:
    count = -1
    for i, line in enumerate(lines):
        m = _HEADER_RE.match(line)
        if m and m.group(1) == opener[: len(m.group(1))] and m.group(2) == name:
            if (opener.startswith("[[")) != (m.group(1) == "[["):
                continue
            count += 1
            if count == index:
                return i
    return None


def _section_end(lines: list[str], start: int, name: str) -> int:
    for i in range(start + 1, len(lines)):
        m = _HEADER_RE.match(lines[i])
        if m and not m.group(2).startswith(f"{name}."):
            return i
    return len(lines)


def _key_line(lines: list[str], start: int, name: str, stop: int | None = None) -> int | None:
    pattern = re.compile(rf"^\s*(\"{re.escape(name)}\"|{re.escape(name)})\s*=")
    for i in range(start, stop if stop is not None else len(lines)):
        if stop is None and _HEADER_RE.match(lines[i]):
            return None
        if pattern.match(lines[i]):
            return i + 1
    return None


def _top_key_line(lines: list[str], name: str) -> int | None:
    line = _key_line(lines, 0, name)
    if line is not None:
        return line
    start = _nth_header(lines, "[", name, 0)
    return start + 1 if start is not None else None


# -- writing -----------------------------------------------------------------


def pack_to_dict(pack: Pack) -> dict[str, Any]:
    """The TOML tree of ``pack``, with empty optional keys left out."""
    meta: dict[str, Any] = {"id": pack.id, "name": pack.name, "version": pack.version}
    for name, value in (
        ("language", pack.language),
        ("author", pack.author),
        ("license", pack.license),
        ("description", pack.description),
    ):
        if value:
            meta[name] = value
    tree: dict[str, Any] = {"format": FORMAT_VERSION, "pack": meta}
    if pack.situations:
        tree["situations"] = [
            _prune(
                {
                    "id": s.id,
                    "name": s.name,
                    "keywords": list(s.keywords),
                    "description": s.description,
                }
            )
            for s in pack.situations
        ]
    if pack.reminders:
        tree["reminders"] = [
            _prune({"text": r.text, "situations": list(r.situations)}) for r in pack.reminders
        ]
    if pack.tone_rules:
        tree["tone_rules"] = [
            _prune(
                {
                    "id": r.id,
                    "phrases": list(r.phrases),
                    "message": r.message,
                    "suggestion": r.suggestion,
                    "severity": r.severity,
                }
            )
            for r in pack.tone_rules
        ]
    if pack.templates:
        tree["templates"] = [
            _prune(
                {
                    "id": t.id,
                    "title": t.title,
                    "situation": t.situation,
                    "keywords": list(t.keywords),
                    "tags": list(t.tags),
                    "tone": list(t.tone),
                    "body": t.body,
                    "variants": dict(t.variants),
                }
            )
            for t in pack.templates
        ]
    return tree


def _prune(tbl: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in tbl.items() if v not in ("", [], {})}


def dump_pack(pack: Pack) -> str:
    """Serialise ``pack`` as format-1 TOML text that `parse_pack` reads back equal."""
    return tomli_w.dumps(pack_to_dict(pack), multiline_strings=True)


def write_pack(pack: Pack, path: Path) -> None:
    """Write ``pack`` to ``path`` atomically, keeping the old file as ``.bak``."""
    atomic_write_text(path, dump_pack(pack))


def is_pack_file(path: Path) -> bool:
    """Whether ``path`` has the pack file suffix."""
    return path.name.endswith(PACK_SUFFIX)


Loader = Callable[[Path], Pack]
"""Something that turns a pack file into a `Pack` (the reader, or a cache in front of it)."""
