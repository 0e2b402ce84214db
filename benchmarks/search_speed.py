"""How fast is search, next to the naive baseline, at 1k, 10k and 100k templates?

For each size, in a fresh child process (so memory figures are its own):
a seeded synthetic library (``synthetic.py``) is generated and indexed; typed
queries (one to three words, the last often cut short, some with a typo) and
pasted ~1,000-character customer messages are run through ``SearchIndex.search``
and, in the same run, through the baseline of the issue:
``rapidfuzz.process.extract(query, full_texts, scorer=fuzz.WRatio, limit=10)``
over each template's full text. Printed: p50/p95 of both and their ratio,
the index build time, and the resident memory the index adds (RSS after
building minus RSS before, with the templates already in memory).

Then the start-up comparison: ``tactful search --json x`` as a whole process,
warm cache, on a 10,000-template library (generated packs in a temporary
``--basedir``) against the same command on the bundled library alone.

Budgets (DESIGN.md section 5, issue 4) are printed next to the figures as
PASS/MISS; nothing is asserted.

Run: ``.venv/bin/python benchmarks/search_speed.py [--quick]``
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent

TYPED_BUDGET_MS = {1_000: 1.0, 10_000: 3.0, 100_000: 20.0}
TYPED_RATIO = {10_000: 10.0, 100_000: 20.0}
"""The index must be at least this many times faster than the baseline (p95)."""
PASTED_BUDGET_MS = {1_000: 5.0, 10_000: 15.0, 100_000: 60.0}
MEMORY_BUDGET_MB = {100_000: 150.0}
STARTUP_RATIO = 1.5


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(run: Callable[[str], object], queries: Sequence[str]) -> list[float]:
    """Milliseconds per query."""
    out: list[float] = []
    for query in queries:
        started = time.perf_counter()
        run(query)
        out.append(1000.0 * (time.perf_counter() - started))
    return out


def rss_mb() -> float:
    """Resident memory of this process (Linux /proc; ru_maxrss elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def measure_size(size: int, quick: bool) -> dict[str, object]:
    """Everything measured for one library size (runs in a child process)."""
    from baselines import WRatioBaseline
    from synthetic import make_library, pasted_queries, typed_queries
    from tactful.core.search import SearchIndex
    from tactful.core.situations import STANDARD_SITUATIONS

    situations = {s.id: s for s in STANDARD_SITUATIONS}
    templates = make_library(size)
    baseline = WRatioBaseline(templates)
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    index = SearchIndex.build(templates, situations)
    build_s = time.perf_counter() - started
    gc.collect()
    added_mb = rss_mb() - before

    typed = typed_queries(templates, 100 if quick else 400)
    pasted = pasted_queries(templates, 20 if quick else 80)
    for query in typed[:20]:
        index.search(query)  # warm-up: imports, caches of the analyzer
    result: dict[str, object] = {
        "size": size,
        "build_s": build_s,
        "added_mb": added_mb,
        "typed": timed(lambda q: index.search(q, limit=10), typed),
        "pasted": timed(lambda q: index.search(q, limit=10), pasted),
    }
    base_typed = typed[: max(10, (20 if quick else 60) * 1_000 // max(size, 1_000))]
    # WRatio over long texts is slow (seconds per pasted query at 10k): a few queries suffice.
    base_pasted = pasted[: 1 if quick or size >= 100_000 else 3]
    result["base_typed"] = timed(lambda q: baseline.search(q, 10), base_typed)
    result["base_pasted"] = timed(lambda q: baseline.search(q, 10), base_pasted)
    return result


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report_size(data: dict[str, object]) -> list[str]:
    size = int(str(data["size"]))
    lines = [f"-- {size:,} templates: index built in {float(str(data['build_s'])):.2f} s"]
    for kind, budgets in (("typed", TYPED_BUDGET_MS), ("pasted", PASTED_BUDGET_MS)):
        ours = data[kind]
        base = data[f"base_{kind}"]
        assert isinstance(ours, list)
        assert isinstance(base, list)
        p50, p95 = percentile(ours, 0.5), percentile(ours, 0.95)
        b50, b95 = percentile(base, 0.5), percentile(base, 0.95)
        ratio = b95 / p95 if p95 else float("inf")
        budget = budgets.get(size)
        checks = []
        if budget is not None:
            checks.append(f"p95 <= {budget:g} ms: {verdict(p95 <= budget)}")
        need = TYPED_RATIO.get(size) if kind == "typed" else None
        if need is not None:
            checks.append(f">= {need:g}x faster: {verdict(ratio >= need)}")
        lines.append(
            f"   {kind:<6} index p50 {p50:7.2f} ms  p95 {p95:7.2f} ms (n={len(ours)}) | "
            f"baseline p50 {b50:8.1f} ms  p95 {b95:8.1f} ms (n={len(base)}) | "
            f"baseline/index p95 {ratio:7.0f}x   {'; '.join(checks)}"
        )
    added = float(str(data["added_mb"]))
    budget_mb = MEMORY_BUDGET_MB.get(size)
    check = f"   <= {budget_mb:g} MB: {verdict(added <= budget_mb)}" if budget_mb else ""
    lines.append(f"   memory added by the index: {added:.1f} MB RSS{check}")
    return lines


def write_library(base: Path, size: int) -> None:
    """Synthetic packs of 5,000 templates each under ``base/data/packs``."""
    from synthetic import make_library
    from tactful.core.model import Pack
    from tactful.core.packs import write_pack

    folder = base / "data" / "packs"
    folder.mkdir(parents=True, exist_ok=True)
    templates = make_library(size)
    for first in range(0, size, 5_000):
        pack_id = f"synthetic-{first // 5_000}"
        chunk = tuple(
            dataclasses.replace(t, pack_id=pack_id) for t in templates[first : first + 5_000]
        )
        pack = Pack(id=pack_id, name="Synthetic", version="1.0.0", templates=chunk)
        write_pack(pack, folder / f"{pack_id}.tactful.toml")


def startup(quick: bool) -> list[str]:
    """Whole-process ``tactful search --json x``, warm cache: 10k library vs bundled only."""
    runs = 7 if quick else 21
    with tempfile.TemporaryDirectory(prefix="tactful-bench-") as temp:
        bundled = Path(temp) / "bundled"
        large = Path(temp) / "large"
        bundled.mkdir()
        write_library(large, 10_000)
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        env.pop("TACTFUL_BASEDIR", None)

        def run(base: Path) -> float:
            command = [sys.executable, "-m", "tactful", "--basedir", str(base)]
            started = time.perf_counter()
            done = subprocess.run(
                [*command, "search", "--json", "x"],
                env=env,
                capture_output=True,
                check=False,
                timeout=300,
            )
            elapsed = time.perf_counter() - started
            if done.returncode not in (0, 1):
                sys.exit(f"tactful search failed: {done.stderr.decode(errors='replace')}")
            return 1000.0 * elapsed

        cold_large = run(large)
        run(bundled)
        small_ms: list[float] = []
        large_ms: list[float] = []
        for _ in range(runs):
            small_ms.append(run(bundled))
            large_ms.append(run(large))
        cached = sorted((large / "cache").glob("library-*.pickle"))
        size_mb = sum(p.stat().st_size for p in cached) / 1e6
    ratio = statistics.median(large_ms) / statistics.median(small_ms)
    return [
        "-- start-up: `tactful search --json x`, whole process, warm cache "
        f"(median of {runs} runs, p95 in brackets)",
        f"   bundled library only     {statistics.median(small_ms):6.0f} ms "
        f"[{percentile(small_ms, 0.95):4.0f}]",
        f"   + 10,000 templates       {statistics.median(large_ms):6.0f} ms "
        f"[{percentile(large_ms, 0.95):4.0f}]   (cold, building the cache: {cold_large:.0f} ms; "
        f"cache entry {size_mb:.1f} MB)",
        f"   ratio {ratio:.2f}x   <= {STARTUP_RATIO:g}x: {verdict(ratio <= STARTUP_RATIO)}",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1k and 10k only, fewer queries")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sizes", type=int, nargs="+", help="library sizes to measure")
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(measure_size(args.child, args.quick)))
        return 0
    sizes = args.sizes or ([1_000, 10_000] if args.quick else [1_000, 10_000, 100_000])
    print(f"search speed on {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print("baseline: rapidfuzz.process.extract(query, full_texts, scorer=fuzz.WRatio, limit=10)")
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{HERE}"}
    for size in sizes:
        command = [sys.executable, str(Path(__file__).resolve()), "--child", str(size)]
        if args.quick:
            command.append("--quick")
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
        for line in report_size(json.loads(done.stdout)):
            print(line)
    for line in startup(args.quick):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
