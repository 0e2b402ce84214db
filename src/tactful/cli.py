"""The command line: ``tactful`` starts the tray app; sub-commands are headless.

Exit codes: 0 ok, 1 findings or no result, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tactful import __version__
from tactful.core.errors import PackError, TactfulError
from tactful.core.model import Template
from tactful.paths import Paths

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2

Handler = Callable[[argparse.Namespace, Paths], int]


def template_json(template: Template) -> dict[str, Any]:
    """The JSON object `list` and `search` print for one template."""
    return {
        "id": template.full_id,
        "pack": template.pack_id,
        "title": template.title,
        "situation": template.situation,
        "tags": list(template.tags),
        "keywords": list(template.keywords),
        "tone": list(template.tone),
        "body": template.body,
        "variants": dict(template.variants),
    }


def _library(paths: Paths) -> Any:
    from tactful.api import default_pack_files
    from tactful.core.cache import LibraryCache
    from tactful.core.library import load_library

    library = load_library(default_pack_files(paths), cache=LibraryCache(paths.cache))
    for problem in library.problems:
        print(f"tactful: skipped: {problem}", file=sys.stderr)
    return library


def _usage(paths: Paths) -> Any:
    """The usage store; its one error, if any, is logged once and it goes quiet."""
    from tactful.core.usage import UsageStore

    return UsageStore(paths.usage_db)


def _boosts(paths: Paths, use_usage: bool) -> dict[str, float]:
    """Frecency and favourite lifts, unless switched off or nothing was recorded yet."""
    if not use_usage or not paths.usage_db.exists():
        return {}
    store = _usage(paths)
    try:
        return dict(store.boosts())
    finally:
        store.close()


def cmd_list(args: argparse.Namespace, paths: Paths) -> int:
    """``tactful list``: the templates of the library, optionally filtered."""
    library = _library(paths)
    templates = [
        t
        for t in library.templates
        if (args.pack is None or t.pack_id == args.pack)
        and (args.situation is None or t.situation == args.situation)
    ]
    if args.json:
        print(json.dumps([template_json(t) for t in templates], ensure_ascii=False, indent=2))
    else:
        for t in templates:
            print(f"{t.full_id}\t{t.situation}\t{t.title}")
    return EXIT_OK if templates else EXIT_FINDINGS


def cmd_search(args: argparse.Namespace, paths: Paths) -> int:
    """``tactful search QUERY``: the best templates for a situation or a message."""
    if args.limit < 1:
        print("tactful search: --limit must be at least 1", file=sys.stderr)
        return EXIT_BAD_INPUT
    library = _library(paths)
    query = " ".join(args.query)
    if query == "-":
        query = sys.stdin.read()
    boosts = _boosts(paths, use_usage=not args.no_usage)
    hits = library.search(query, limit=args.limit, channel=args.channel, boosts=boosts)
    if args.json:
        out = []
        for hit in hits:
            obj = template_json(hit.template)
            obj["score"] = round(hit.score, 4)
            out.append(obj)
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for hit in hits:
            t = hit.template
            print(f"{hit.score:7.3f}  {t.full_id}  [{t.situation}]  {t.title}")
    return EXIT_OK if hits else EXIT_FINDINGS


def _parse_sets(pairs: Sequence[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, eq, value = pair.partition("=")
        if not eq or not name.strip():
            raise TactfulError(f"--set expects NAME=VALUE, got {pair!r}")
        values[name.strip()] = value
    return values


def cmd_render(args: argparse.Namespace, paths: Paths) -> int:
    """``tactful render ID``: print the filled reply."""
    from tactful.core.placeholders import builtin_values, render
    from tactful.core.settings import load_settings

    library = _library(paths)
    template = library.get(args.id)
    settings, problems = load_settings(paths.settings_file)
    for problem in problems:
        print(f"tactful: {problem}", file=sys.stderr)
    values = builtin_values(
        agent_name=settings.agent_name,
        agent_signature=settings.agent_signature,
        company=settings.company,
    )
    values.update(_parse_sets(args.set))
    channel = args.channel or settings.default_channel or None
    if args.channel and args.channel not in template.channels:
        known = ", ".join(template.channels) or "none"
        raise TactfulError(
            f"{template.full_id} has no {args.channel!r} variant (variants: {known})"
        )
    print(render(template.body_for(channel), values))
    store = _usage(paths)
    try:
        store.record(template.full_id, "render")
    finally:
        store.close()
    return EXIT_OK


def cmd_favourite(args: argparse.Namespace, paths: Paths) -> int:
    """``tactful favourite [ID]``: mark a favourite, unmark it, or list them."""
    store = _usage(paths)
    try:
        if args.id is None:
            favourites = sorted(store.favourites())
            for full_id in favourites:
                print(full_id)
            return EXIT_OK if favourites else EXIT_FINDINGS
        template = _library(paths).get(args.id)
        store.set_favourite(template.full_id, not args.remove)
        return EXIT_BAD_INPUT if store.error is not None else EXIT_OK
    finally:
        store.close()


def cmd_pack_validate(args: argparse.Namespace, paths: Paths) -> int:
    """``tactful pack validate PATH...``: check pack files without installing them."""
    from tactful.core.packs import read_pack

    bad = 0
    for name in args.paths:
        try:
            pack = read_pack(Path(name))
        except PackError as exc:
            bad += 1
            print(exc.format())
        else:
            print(
                f"{name}: ok: {pack.id} {pack.version}, {len(pack.templates)} templates",
                file=sys.stderr,
            )
    return EXIT_BAD_INPUT if bad else EXIT_OK


def cmd_pack_check(args: argparse.Namespace, paths: Paths) -> int:
    """``tactful pack check PATH...``: tone findings in every reply of pack files."""
    from tactful.core.pack_tone import check_pack_tone
    from tactful.core.packs import read_pack

    bad = warned = 0
    for name in args.paths:
        try:
            pack = read_pack(Path(name))
            source = Path(name).read_text(encoding="utf-8-sig")
        except PackError as exc:
            bad += 1
            print(exc.format())
            continue
        except (OSError, UnicodeDecodeError) as exc:
            bad += 1
            print(f"{name}: cannot read: {exc}")
            continue
        for item in check_pack_tone(pack, source):
            f = item.finding
            warned += f.severity == "warning"
            print(f"{name}:{item.line or 1}: {item.where}: {f.rule}: {f.message}")
    if bad:
        return EXIT_BAD_INPUT
    return EXIT_FINDINGS if warned else EXIT_OK


def _read_draft(name: str) -> str:
    """The draft in file ``name`` ("-" for stdin), as UTF-8 text."""
    if name == "-":
        data = sys.stdin.buffer.read()
        where = "<stdin>"
    else:
        try:
            data = Path(name).read_bytes()
        except OSError as exc:
            raise TactfulError(f"{name}: cannot read: {exc.strerror or exc}") from exc
        where = name
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TactfulError(f"{where}: not UTF-8 text (byte {exc.start + 1} is invalid)") from exc


def cmd_check(args: argparse.Namespace, paths: Paths) -> int:
    """``tactful check [FILE|-]``: tone findings for a draft; no FILE opens the app's window."""
    if args.file is None:
        from tactful.app import control_app

        return control_app(paths, "check", basedir=args.basedir)
    from bisect import bisect_right

    from tactful.core.tone import check_tone

    text = _read_draft(args.file)
    findings = check_tone(text, _library(paths).tone_rules)
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def line_col(offset: int) -> tuple[int, int]:
        line = bisect_right(line_starts, offset)
        return line, offset - line_starts[line - 1] + 1

    if args.json:
        out = []
        for f in findings:
            line, col = line_col(f.start)
            end_line, end_col = line_col(f.end)
            out.append(
                {
                    "rule": f.rule,
                    "severity": f.severity,
                    "line": line,
                    "col": col,
                    "end_line": end_line,
                    "end_col": end_col,
                    "start": f.start,
                    "end": f.end,
                    "text": text[f.start : f.end],
                    "message": f.message,
                    "suggestion": f.suggestion,
                    "replacement": f.replacement,
                }
            )
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        prefix = "" if args.file == "-" else f"{args.file}:"
        for f in findings:
            line, col = line_col(f.start)
            print(f"{prefix}{line}:{col}: {f.rule}: {f.message}")
    warned = any(f.severity == "warning" for f in findings)
    return EXIT_FINDINGS if warned else EXIT_OK


def cmd_app(args: argparse.Namespace, paths: Paths) -> int:
    """No sub-command: start the tray app (or hand over to the running one)."""
    from tactful.app import run_app

    return run_app(paths)


def cmd_control(args: argparse.Namespace, paths: Paths) -> int:
    """``tactful toggle|show|hide``: tell the running app; toggle and show start it if needed."""
    from tactful.launch import control_app

    return control_app(paths, args.command, basedir=args.basedir)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="tactful",
        description="A phrasebook and tone helper for customer-support agents. "
        "With no command, starts the tray app.",
    )
    parser.add_argument("--version", action="version", version=f"tactful {__version__}")
    parser.add_argument(
        "--basedir",
        metavar="DIR",
        help="keep settings, packs, statistics, cache and logs under DIR instead of the "
        "platform folders",
    )
    parser.set_defaults(handler=cmd_app)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = sub.add_parser("list", help="list the templates of the library")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument("--pack", metavar="ID", help="only this pack")
    p.add_argument("--situation", metavar="ID", help="only this situation")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("search", help="find templates for a situation or a customer message")
    p.add_argument("query", nargs="+", help="words to search for; '-' reads the query from stdin")
    p.add_argument("--json", action="store_true", help="print a JSON array with scores")
    p.add_argument("--limit", type=int, default=10, metavar="N", help="at most N results")
    p.add_argument("--channel", metavar="NAME", help="prefer this channel variant (chat, email)")
    p.add_argument(
        "--no-usage",
        action="store_true",
        help="rank by relevance alone, without lifting favourites and often used templates",
    )
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("favourite", help="mark a template as a favourite, or list favourites")
    p.add_argument("id", nargs="?", help="the template id; without it, list the favourites")
    p.add_argument("--remove", action="store_true", help="unmark it instead")
    p.set_defaults(handler=cmd_favourite)

    p = sub.add_parser("render", help="print a template with its placeholders filled")
    p.add_argument("id", help="the template id, <pack id>/<template id>")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a placeholder value (repeatable)",
    )
    p.add_argument("--channel", metavar="NAME", help="use this channel variant")
    p.set_defaults(handler=cmd_render)

    for name, text in (
        ("toggle", "show or hide the search popup (starts the app when it is not running)"),
        ("show", "show the search popup (starts the app when it is not running)"),
        ("hide", "hide the search popup"),
    ):
        p = sub.add_parser(name, help=text)
        p.set_defaults(handler=cmd_control, command=name)

    p = sub.add_parser(
        "check",
        help="check a draft reply's tone (exit 1 on a warning); with no FILE, open the "
        "Check-a-draft window of the running app",
    )
    p.add_argument("file", nargs="?", metavar="FILE", help="the draft; '-' reads stdin")
    p.add_argument("--json", action="store_true", help="print a JSON array of findings")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("pack", help="work with pack files")
    pack_sub = p.add_subparsers(title="pack commands", metavar="COMMAND", required=True)
    v = pack_sub.add_parser("validate", help="check pack files; errors as FILE:LINE: message")
    v.add_argument("paths", nargs="+", metavar="PATH")
    v.set_defaults(handler=cmd_pack_validate)
    c = pack_sub.add_parser(
        "check",
        help="check the tone of every reply in pack files, placeholders filled with sample "
        "values; findings as FILE:LINE: TEMPLATE: rule: message, exit 1 on a warning",
    )
    c.add_argument("paths", nargs="+", metavar="PATH")
    c.set_defaults(handler=cmd_pack_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    paths = Paths.resolve(args.basedir)
    handler: Handler = args.handler
    if handler is not cmd_app:
        # Headless commands: what core logs as a warning is for the person at the terminal.
        logging.basicConfig(format="tactful: %(message)s", level=logging.WARNING)
    try:
        return handler(args, paths)
    except TactfulError as exc:
        print(f"tactful: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK
