"""Does search find the right situation? Recall@1, recall@3 and MRR@10 per query set.

Query sets, each a JSONL file of ``{"text": ..., "accept": [situation ids]}``:

- ``../shared/data/eval/*.jsonl`` relative to the project root (real customer
  messages: Bitext, HINT3; see that folder's README). Skipped with a message
  when the folder is absent: it is not part of the project.
- ``benchmarks/agent_queries.jsonl``: what agents type (short, typos, slang),
  written by the project.

Every query runs over the BUNDLED library through Tactful's search and, in
the same run and over the same templates, two baselines (``baselines.py``):
naive WRatio over each template's full text, and plain BM25. A hit at rank k
is correct when the template's ``situation`` is in the row's ``accept``.

HINT3 is also reported as two fixed halves, ``hint3-dev`` and ``hint3-test``,
chosen by a stable hash of each row's text (so a repeated message always falls
in the same half). Misses may be listed for the dev half only
(``--show-misses dev``); the test half is the honest figure of any tuning and
its misses are never printed.

Run: ``.venv/bin/python benchmarks/relevance.py [--limit-rows N] [--sets NAME ...]
[--show-misses SET]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from baselines import BM25Baseline, WRatioBaseline
from tactful.core.library import load_library
from tactful.core.model import Template
from tactful.resources import bundled_pack_files

ROOT = Path(__file__).resolve().parents[1]
SHARED_EVAL = ROOT.parent / "shared" / "data" / "eval"
AGENT_SET = Path(__file__).resolve().parent / "agent_queries.jsonl"
TARGETS = {"bitext": 0.90, "hint3": 0.80, "hint3-test": 0.80, "agent_queries": 0.95}
"""Recall@3 each set must reach (issue 3); the held-out half of HINT3 as well as the whole."""
SPLIT_SETS = frozenset({"hint3"})
"""Shared sets reported whole and as a dev half and a held-out test half."""
DEV, TEST = "dev", "test"
HIDDEN = frozenset({"hint3", "hint3-test"})
"""Sets whose misses are never listed (they contain held-out rows)."""

Searcher = Callable[[str], Sequence[Template]]


@dataclass(frozen=True, slots=True)
class Row:
    """One query and the situations that count as a hit."""

    text: str
    accept: frozenset[str]


@dataclass(frozen=True, slots=True)
class Scores:
    """Recall@1, recall@3, MRR@10 and the time per query of one searcher on one set."""

    recall1: float
    recall3: float
    mrr10: float
    ms_per_query: float


def read_rows(path: Path, limit: int | None) -> list[Row]:
    """The rows of a JSONL query set (every ``limit``-th spread over the file when given)."""
    rows: list[Row] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                rows.append(Row(str(data["text"]), frozenset(data["accept"])))
            except (ValueError, KeyError, TypeError) as exc:
                sys.exit(f"{path}:{number}: expected {{'text': ..., 'accept': [...]}}: {exc}")
    if limit is not None and len(rows) > limit:
        step = len(rows) / limit
        rows = [rows[int(n * step)] for n in range(limit)]
    return rows


def half(text: str) -> str:
    """``DEV`` or ``TEST``: the fixed half of a row, from a stable hash of its text."""
    return DEV if hashlib.sha256(text.encode("utf-8")).digest()[0] % 2 == 0 else TEST


def first_correct(found: Sequence[Template], accept: frozenset[str]) -> int | None:
    """1-based rank of the first template whose situation is accepted."""
    for rank, template in enumerate(found, start=1):
        if template.situation in accept:
            return rank
    return None


def evaluate(search: Searcher, rows: Sequence[Row]) -> tuple[Scores, list[tuple[Row, int | None]]]:
    """Score one searcher on one set; also return each row's rank of the first hit."""
    ranks: list[tuple[Row, int | None]] = []
    started = time.perf_counter()
    for row in rows:
        ranks.append((row, first_correct(search(row.text)[:10], row.accept)))
    elapsed = time.perf_counter() - started
    count = max(len(rows), 1)
    return (
        Scores(
            recall1=sum(1 for _, r in ranks if r == 1) / count,
            recall3=sum(1 for _, r in ranks if r is not None and r <= 3) / count,
            mrr10=sum(1.0 / r for _, r in ranks if r is not None) / count,
            ms_per_query=1000.0 * elapsed / count,
        ),
        ranks,
    )


def query_sets(limit: int | None) -> list[tuple[str, list[Row]]]:
    """Every query set present, by name (split sets as dev half, test half, whole)."""
    sets: list[tuple[str, list[Row]]] = []
    if SHARED_EVAL.is_dir():
        for path in sorted(SHARED_EVAL.glob("*.jsonl")):
            rows = read_rows(path, limit)
            if path.stem in SPLIT_SETS:
                for part in (DEV, TEST):
                    sets.append((f"{path.stem}-{part}", [r for r in rows if half(r.text) == part]))
            sets.append((path.stem, rows))
    else:
        print(f"skipped: no shared evaluation data at {SHARED_EVAL.name} (../shared/data/eval)")
    if AGENT_SET.is_file():
        sets.append((AGENT_SET.stem, read_rows(AGENT_SET, None)))
    else:
        print(f"skipped: {AGENT_SET.name} is missing")
    return sets


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit-rows", type=int, help="use at most N rows of each shared set")
    parser.add_argument(
        "--sets", nargs="+", metavar="NAME", help="run only these sets (e.g. hint3-dev bitext)"
    )
    parser.add_argument(
        "--show-misses",
        metavar="SET",
        help="list the queries of SET that Tactful misses at 3 ('dev' is hint3-dev; "
        "the held-out hint3-test half, and so the whole hint3, are refused)",
    )
    args = parser.parse_args(argv)
    show = "hint3-dev" if args.show_misses == DEV else args.show_misses
    if show in HIDDEN:
        parser.error(f"--show-misses {args.show_misses}: held-out rows are never listed")

    library = load_library(bundled_pack_files())
    for problem in library.problems:
        print(f"warning: bundled pack skipped: {problem}")
    templates = list(library.templates)
    started = time.perf_counter()
    index = library.index
    build_ms = 1000.0 * (time.perf_counter() - started)
    wratio = WRatioBaseline(templates)
    bm25 = BM25Baseline(templates)
    searchers: list[tuple[str, Searcher]] = [
        ("tactful", lambda q: [h.template for h in index.search(q, limit=10)]),
        ("bm25", lambda q: bm25.search(q, 10)),
        ("wratio", lambda q: wratio.search(q, 10)),
    ]
    situations = len({t.situation for t in templates})
    print(
        f"bundled library: {len(templates)} templates, {situations} situations, "
        f"index built in {build_ms:.0f} ms"
    )
    print()
    header = (
        f"{'set':<14} {'rows':>5}  {'searcher':<8} {'R@1':>6} {'R@3':>6} {'MRR@10':>7} {'ms/q':>7}"
    )
    print(header)
    print("-" * len(header))
    verdicts: list[str] = []
    for name, rows in query_sets(args.limit_rows):
        if args.sets and name not in args.sets:
            continue
        results: dict[str, Scores] = {}
        for label, search in searchers:
            scores, ranks = evaluate(search, rows)
            results[label] = scores
            print(
                f"{name:<14} {len(rows):>5}  {label:<8} {scores.recall1:>6.3f} "
                f"{scores.recall3:>6.3f} {scores.mrr10:>7.3f} {scores.ms_per_query:>7.2f}"
            )
            if label == "tactful" and show == name and name not in HIDDEN:
                for row, rank in ranks:
                    if rank is None or rank > 3:
                        got = [t.situation for t in search(row.text)[:3]]
                        print(f"    miss: {row.text!r} want {sorted(row.accept)} got {got}")
        ours = results["tactful"]
        ahead = all(
            ours.recall3 > other.recall3 and ours.mrr10 > other.mrr10
            for label, other in results.items()
            if label != "tactful"
        )
        target = TARGETS.get(name)
        reached = "" if target is None else f"R@3 {ours.recall3:.3f} vs target {target:.2f}: "
        ok = ahead and (target is None or ours.recall3 >= target)
        verdicts.append(
            f"{name:<14} {reached}{'PASS' if ok else 'MISS'}"
            f" ({'ahead of' if ahead else 'NOT ahead of'} both baselines on R@3 and MRR@10)"
        )
        print()
    for line in verdicts:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
