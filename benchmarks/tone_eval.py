"""Evaluate the tone checker on the project's labelled drafts, and time it.

Quality, over ``benchmarks/data/tone_drafts.jsonl`` (agent replies the
project wrote itself, each labelled good or bad with the rule ids a careful
reviewer expects): per-rule precision and recall, the share of bad drafts
flagged, and the false-alarm rate on good drafts (any warning).

Held-out sets (``tone_drafts_heldout*.jsonl``) were written before or after
the rules, by someone not looking at them, and are never tuned against; each is
reported on its own, as the honest estimate for wordings nobody has seen. Once
a held-out set has been looked at it joins the main set, each of its rows
tagged with ``"origin"`` (such as ``"heldout-1"``); the main set's figures are
then also printed per origin, so a set's figure before and after it was tuned
on stay comparable.

Speed, in the same run: p50/p95 of ``check_tone`` on a 2,000-character draft
next to a naive baseline (a plain ``str.find`` loop over a list of trigger
phrases, which knows nothing of quotes, negation or whole-draft checks), and
the time per character at 2k, 20k and 200k characters to show it is linear.

Run: ``.venv/bin/python benchmarks/tone_eval.py [--show-misses] [--main-only] [--no-speed]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from tactful.core.tone import check_tone

DATA = Path(__file__).resolve().parent / "data" / "tone_drafts.jsonl"
HELD_OUT_GLOB = "tone_drafts_heldout*.jsonl"
TARGET_FLAGGED = 0.90
TARGET_FALSE_ALARM = 0.10

# The naive baseline's phrases: the families' most common wordings, literal.
BASELINE_PHRASES = (
    "sorry you're having",
    "sorry to hear that",
    "i understand your frustration",
    "that must be frustrating",
    "i can imagine how",
    "sorry for any inconvenience",
    "apologise for any inconvenience",
    "apologize for any inconvenience",
    "sorry for the inconvenience",
    "regret any inconvenience",
    "sorry you feel",
    "sorry if you",
    "if you were upset",
    "you should have",
    "you didn't",
    "you did not",
    "you failed to",
    "you forgot to",
    "you must have",
    "you were supposed to",
    "calm down",
    "relax",
    "as i said",
    "as i already",
    "like i said",
    "as previously mentioned",
    "per my last email",
    "obviously",
    "simply",
    "just click",
    "it's easy",
    "not rocket science",
    "company policy",
    "our policy",
    "per our policy",
    "against policy",
    "nothing i can do",
    "not allowed to",
    "hands are tied",
    "hopefully",
    "should be",
    "might take",
    "fingers crossed",
    "probably",
    "sorry for the wait",
    "sorry for the delay in",
    "apologies for the wait",
    "sorry to keep you waiting",
    "{",
    "!!",
)


def load(path: Path = DATA) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate(rows: list[dict[str, object]], show_misses: bool) -> bool:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    bad = good = bad_any = bad_warn = good_warn = good_any = 0
    for row in rows:
        text = str(row["text"])
        expected = set(row["rules"]) if isinstance(row["rules"], list) else set()
        findings = check_tone(text)
        found = {f.rule for f in findings}
        warned = any(f.severity == "warning" for f in findings)
        for rule in found & expected:
            tp[rule] += 1
        for rule in found - expected:
            fp[rule] += 1
        for rule in expected - found:
            fn[rule] += 1
        if row["label"] == "bad":
            bad += 1
            bad_any += bool(findings)
            bad_warn += warned
            if show_misses and not warned:
                print(f"  MISSED bad: {text[:110]!r} -> {sorted(found)}")
        else:
            good += 1
            good_any += bool(findings)
            good_warn += warned
            if show_misses and warned:
                rules = sorted(f.rule for f in findings if f.severity == "warning")
                print(f"  FALSE ALARM: {text[:110]!r} -> {rules}")
        if show_misses and (expected - found or found - expected) and row["label"] == "bad":
            print(
                f"  rules differ: {text[:90]!r} missing={sorted(expected - found)}"
                f" extra={sorted(found - expected)}"
            )

    print(f"drafts: {len(rows)} ({bad} bad, {good} good)\n")
    print(f"{'rule':<26}{'TP':>4}{'FP':>4}{'FN':>4}{'precision':>11}{'recall':>8}")
    for rule in sorted(set(tp) | set(fp) | set(fn)):
        p = tp[rule] / (tp[rule] + fp[rule]) if tp[rule] + fp[rule] else 0.0
        r = tp[rule] / (tp[rule] + fn[rule]) if tp[rule] + fn[rule] else 0.0
        print(f"{rule:<26}{tp[rule]:>4}{fp[rule]:>4}{fn[rule]:>4}{p:>11.2f}{r:>8.2f}")
    flagged = bad_any / bad
    false_alarm = good_warn / good
    print()
    print(f"bad drafts flagged (any finding):   {flagged:6.1%}  target >= {TARGET_FLAGGED:.0%}")
    print(f"bad drafts flagged (a warning):     {bad_warn / bad:6.1%}")
    target = f"target <= {TARGET_FALSE_ALARM:.0%}"
    print(f"good drafts with a warning:         {false_alarm:6.1%}  {target}")
    print(
        f"good drafts with any finding:       {good_any / good:6.1%}  (info only is not an alarm)"
    )
    return flagged >= TARGET_FLAGGED and false_alarm <= TARGET_FALSE_ALARM


def draft_of(rows: list[dict[str, object]], size: int) -> str:
    parts: list[str] = []
    total = 0
    i = 0
    while total < size:
        piece = str(rows[i % len(rows)]["text"])
        parts.append(piece)
        total += len(piece) + 2
        i += 1
    return "\n\n".join(parts)[:size]


def naive_baseline(text: str) -> list[tuple[int, int]]:
    low = text.lower()
    hits: list[tuple[int, int]] = []
    for phrase in BASELINE_PHRASES:
        pos = low.find(phrase)
        while pos != -1:
            hits.append((pos, pos + len(phrase)))
            pos = low.find(phrase, pos + 1)
    return hits


def timings(fn: Callable[[str], object], text: str, runs: int) -> tuple[float, float]:
    samples: list[float] = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn(text)
        samples.append(time.perf_counter() - t0)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return statistics.median(samples) * 1000, p95 * 1000


def speed(rows: list[dict[str, object]]) -> None:
    text = draft_of(rows, 2000)
    check_tone(text)  # compile the rules once, as the app does at start
    ours = timings(check_tone, text, 400)
    base = timings(naive_baseline, text, 400)
    print(f"\n2,000-character draft, {len(check_tone(text))} findings, 400 runs each:")
    print(f"  check_tone       p50 {ours[0]:6.3f} ms   p95 {ours[1]:6.3f} ms   (budget 5 ms)")
    print(f"  naive str.find   p50 {base[0]:6.3f} ms   p95 {base[1]:6.3f} ms")
    print(
        f"  ratio p50 {ours[0] / base[0]:.1f}x the naive loop (which has "
        f"{len(BASELINE_PHRASES)} phrases and no context)"
    )
    print("\nlinearity (median of 5 runs):")
    for size in (2_000, 20_000, 200_000):
        big = draft_of(rows, size)
        p50, _ = timings(check_tone, big, 5)
        print(f"  {size:>8,} chars  {p50:9.2f} ms  {p50 * 1000 / size:6.3f} us/char")


def held_out_files() -> list[Path]:
    """Every held-out set next to the main set, in name order."""
    return sorted(DATA.parent.glob(HELD_OUT_GLOB))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--show-misses", action="store_true", help="list misses and false alarms")
    parser.add_argument("--no-speed", action="store_true", help="skip the timing part")
    parser.add_argument(
        "--main-only",
        action="store_true",
        help="skip the held-out sets (while tuning, so their figures stay unseen)",
    )
    args = parser.parse_args()
    rows = load()
    print("== main set (the rules were tuned on it) ==")
    ok = evaluate(rows, args.show_misses)
    origins = sorted({str(r["origin"]) for r in rows if "origin" in r})
    for origin in origins:
        print(f"\n-- of which {origin} (a held-out set that has since been tuned on) --")
        evaluate([r for r in rows if r.get("origin") == origin], show_misses=False)
    if not args.main_only:
        for path in held_out_files():
            print(f"\n== held-out {path.name} (never tuned on) ==")
            evaluate(load(path), args.show_misses)
    if not args.no_speed:
        speed(rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
