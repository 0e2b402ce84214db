"""The draft checker: what in an agent's reply reads as cold, blaming or evasive.

``check_tone(text)`` returns findings, each naming its rule, the exact words
(``start``/``end`` offsets into ``text``), why it matters and a better
phrasing, and where one exists a one-click replacement for those words. It is
deterministic and offline, and every step is one pass over the text, so the
time grows linearly with the draft.

The rules are data (``resources/tone``, compiled by ``tone_rules``); this
module adds what phrases alone can't say: quotation (the customer's words
quoted back are not the agent speaking), negation, and the whole-draft checks
(a next step, repeated apologies, shouting, sentence length, hidden characters).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from tactful.core.model import ToneRule
from tactful.core.tone_rules import (
    Check,
    PatternRule,
    RuleBook,
    Scanner,
    bundled_rulebook,
    compile_team_rules,
)
from tactful.core.tone_scan import WordIndex
from tactful.core.tone_text import (
    Sentences,
    SpanSet,
    count_words,
    lower_same_length,
    normalise,
    quoted_spans,
    words_before,
)

__all__ = ["Finding", "ToneChecker", "check_tone"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing worth a second look in a draft.

    Attributes:
        rule: The rule id, such as ``"passive-apology"`` (a team rule's own id).
        severity: ``"warning"`` (worth changing before sending) or ``"info"``.
        start: Offset of the first character of the words, into the checked text.
        end: Offset just past them. When the replacement deletes a word, the
            span also holds the comma and space after it, so no gap is left.
        message: Why it matters.
        suggestion: A better phrasing, or "".
        replacement: Text that can replace exactly ``text[start:end]`` in one
            click, or None when a person has to rewrite it.
    """

    rule: str
    severity: str
    start: int
    end: int
    message: str
    suggestion: str
    replacement: str | None = None


_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0391-\u03a9\u0410-\u042f"
_CAPS_RUN = re.compile(
    rf"(?<!\w)[{_UPPER}]+(?:'[{_UPPER}]+)?(?:[ \t]+[{_UPPER}]+(?:'[{_UPPER}]+)?)*(?!\w)"
)
_MARKS = re.compile(r"[!?\uff01]{2,}")
_HIDDEN = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u061c\u180e]+")
_JOINERS = frozenset("\u200c\u200d")
_DIRECTION_MARKS = frozenset("\u200e\u200f\u061c")
_SENTENCE_START = re.compile(r"(?:^|[.!?\n]\s*)$")
_PLACEHOLDER_EDGES = frozenset("%[]<>{}$_")
SHIELD_WORDS = 2
"""How many words before a match a rule's ``not_after`` list is looked for in."""


def _starts_sentence(text: str, pos: int) -> bool:
    return _SENTENCE_START.search(text[max(0, pos - 4) : pos]) is not None


def _match_case(replacement: str, original: str) -> str:
    if replacement and original[:1].isupper():
        return replacement[0].upper() + replacement[1:]
    return replacement


def _deletion(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span that deleting ``text[start:end]`` should remove, or None.

    The word goes with a following comma and one space, so no gap is left.
    A word that starts a sentence has no one-click deletion: the next word
    would need a capital, and that is for the agent to fix.
    """
    if _starts_sentence(text, start):
        return None
    if end < len(text) and text[end] == ",":
        end += 1
    if end < len(text) and text[end] == " ":
        end += 1
    elif start > 0 and text[start - 1] == " ":
        start -= 1
    return start, end


class ToneChecker:
    """The compiled rules, bundled and a team's, ready to check drafts.

    Build one per rule set and reuse it; :func:`check_tone` keeps one per set
    of team rules.
    """

    def __init__(self, extra_rules: Sequence[ToneRule] = (), book: RuleBook | None = None) -> None:
        self._book = book if book is not None else bundled_rulebook()
        self._team = compile_team_rules(extra_rules)
        shouting = self._book.check("shouting").params
        self._acronyms = frozenset(str(a).upper() for a in shouting.get("acronyms", ()))
        self._emphasis = frozenset(str(a).upper() for a in shouting.get("emphasis", ()))
        self._min_letters = int(shouting.get("min_letters", 4))
        self._max_words = int(self._book.check("long-sentence").params.get("max_words", 35))

    def check(self, text: str) -> list[Finding]:
        """Check ``text``; findings sorted by position, then rule id."""
        if not text or not text.strip():
            return []
        draft = _Draft(text, self._book)
        findings: list[Finding] = []
        for rule in self._book.rules:
            findings.extend(draft.matches(rule))
        for rule in self._team:
            findings.extend(draft.matches(rule))
        findings = _one_per_span(findings)
        sympathy = any(f.rule == "sympathy-without-action" for f in findings)
        findings.extend(self._next_step(draft, suppressed=sympathy))
        findings.extend(self._repeated_apologies(draft))
        findings.extend(self._shouting(draft))
        findings.extend(self._long_sentences(draft))
        findings.extend(self._hidden(draft))
        findings.sort(key=lambda f: (f.start, f.end, f.rule))
        return findings

    def _next_step(self, draft: _Draft, *, suppressed: bool) -> Iterator[Finding]:
        if suppressed or any(draft.commitment_flags):
            return
        for m in draft.unquoted(self._book.acknowledgement):
            yield _finding(self._book.check("no-next-step"), m.start(), m.end())
            return

    def _repeated_apologies(self, draft: _Draft) -> Iterator[Finding]:
        check = self._book.check("repeated-apology")
        for count, m in enumerate(draft.unquoted(self._book.apology)):
            if count >= 1:
                yield _finding(check, m.start(), m.end())

    def _shouting(self, draft: _Draft) -> Iterator[Finding]:
        text = draft.text
        for m in _CAPS_RUN.finditer(text):
            if draft.in_quotes(m.start(), m.end()):
                continue
            if _next_to_placeholder_marks(text, m.start(), m.end()):
                continue  # the name inside %NAME% or [CUSTOMER NAME] is a placeholder's
            words = m.group().split()
            plain = [w for w in words if w.replace("'", "") not in self._acronyms and len(w) > 1]
            loud = any(len(w.replace("'", "")) >= self._min_letters for w in plain)
            stressed = len(plain) == 1 and plain[0] in self._emphasis
            if not loud and not stressed and len(plain) < 2:
                continue
            yield _finding(
                self._book.check("shouting"),
                m.start(),
                m.end(),
                self._calm(text, m.start(), m.group()),
            )
        marks = self._book.check("shouting-marks")
        for m in _MARKS.finditer(text):
            run = m.group()
            if ("!" not in run and "\uff01" not in run) or draft.in_quotes(m.start(), m.end()):
                continue
            yield _finding(marks, m.start(), m.end(), "?" if "?" in run else "!")

    def _calm(self, text: str, start: int, run: str) -> str:
        """``run`` in normal case: acronyms and "I" kept, a sentence start capitalised."""

        def lower(word: re.Match[str]) -> str:
            w = word.group()
            keep = w == "I" or w.startswith("I'") or w.replace("'", "") in self._acronyms
            return w if keep else w.lower()

        calm = re.sub(r"\S+", lower, run)
        if _starts_sentence(text, start):
            calm = calm[0].upper() + calm[1:]
        return calm

    def _long_sentences(self, draft: _Draft) -> Iterator[Finding]:
        check = self._book.check("long-sentence")
        for start, end in zip(draft.sentences.starts, draft.sentences.ends, strict=True):
            if draft.in_quotes(start, end):
                continue
            if count_words(draft.text[start:end]) > self._max_words:
                yield _finding(check, start, end)

    def _hidden(self, draft: _Draft) -> Iterator[Finding]:
        text = draft.text
        for m in _HIDDEN.finditer(text):
            chars = set(m.group())
            if chars <= _JOINERS:
                before = text[m.start() - 1] if m.start() > 0 else " "
                after = text[m.end()] if m.end() < len(text) else " "
                if not before.isascii() and not after.isascii() and not before.isspace():
                    continue  # joins emoji or letters of a script that needs it
            name = "direction-marks" if chars <= _DIRECTION_MARKS else "hidden-characters"
            yield _finding(self._book.check(name), m.start(), m.end(), "")


def _finding(check: Check, start: int, end: int, replacement: str | None = None) -> Finding:
    return Finding(
        rule=check.rule,
        severity=check.severity,
        start=start,
        end=end,
        message=check.message,
        suggestion=check.suggestion,
        replacement=replacement,
    )


def _next_to_placeholder_marks(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return before in _PLACEHOLDER_EDGES or after in _PLACEHOLDER_EDGES


def _one_per_span(findings: list[Finding]) -> list[Finding]:
    """Drop a finding that overlaps an earlier one of the same rule."""
    findings.sort(key=lambda f: (f.rule, f.start, -f.end))
    kept: list[Finding] = []
    for f in findings:
        if kept and kept[-1].rule == f.rule and f.start < kept[-1].end:
            continue
        kept.append(f)
    return kept


class _Draft:
    """One draft being checked: its normalised forms and what one pass found.

    ``norm`` folds typographic quotes; ``low`` is ``norm`` in lower case, which
    the patterns are matched against. Both have the length of ``text``.
    """

    def __init__(self, text: str, book: RuleBook) -> None:
        self.text = text
        self.norm = normalise(text)
        self.low = lower_same_length(self.norm)
        self.words = WordIndex(self.low)
        self._book = book
        self._quotes = SpanSet(quoted_spans(text))
        self.sentences = Sentences(self.norm)

    def in_quotes(self, start: int, end: int) -> bool:
        return len(self._quotes) > 0 and self._quotes.covers(start, end)

    def unquoted(self, scanner: Scanner) -> Iterator[re.Match[str]]:
        for m in scanner.finditer(self.low, self.words):
            if not self.in_quotes(m.start(), m.end()):
                yield m

    def _flags(self, scanner: Scanner) -> list[bool]:
        return self.sentences.mark(m.start() for m in self.unquoted(scanner))

    def _forward_or(self, scanner: Scanner) -> list[bool]:
        extra = self._flags(scanner)
        return [a or b for a, b in zip(self.forward_flags, extra, strict=True)]

    @functools.cached_property
    def forward_flags(self) -> list[bool]:
        """Per sentence: does it commit to an action or give a next step?"""
        return self._flags(self._book.commitment)

    @functools.cached_property
    def commitment_flags(self) -> list[bool]:
        """Per sentence: a commitment, or something the agent found out for the customer."""
        return self._forward_or(self._book.investigation)

    @functools.cached_property
    def alternative_flags(self) -> list[bool]:
        """Per sentence: a commitment or an alternative offered (not a finding)."""
        return self._forward_or(self._book.alternative)

    def _near(self, flags: list[bool], pos: int) -> bool:
        i = self.sentences.index(pos)
        lo = max(0, i - self._book.sentences_before)
        return any(flags[lo : i + 1 + self._book.sentences_after])

    def matches(self, rule: PatternRule) -> Iterator[Finding]:
        for m in rule.regex.finditer(self.low, self.words):
            has_hit = "hit" in m.re.groupindex and m.group("hit") is not None
            start, end = m.span("hit") if has_hit else m.span()
            if start == end:
                continue
            if not rule.in_quotes and self.in_quotes(start, end):
                continue
            if rule.negatable and self._book.negation(self.norm, start):
                continue
            if rule.not_after and not rule.not_after.isdisjoint(
                w.lower() for w in words_before(self.norm, start, SHIELD_WORDS)
            ):
                continue
            if rule.unless == "commitment" and self._near(self.commitment_flags, start):
                continue
            if rule.unless == "alternative" and self._near(self.alternative_flags, start):
                continue
            if rule.unless == "alternative-in-draft" and any(self.alternative_flags):
                continue
            yield self._finding(rule, m, start, end)

    def _finding(self, rule: PatternRule, m: re.Match[str], start: int, end: int) -> Finding:
        replacement: str | None = None
        if rule.replacement_group is not None and rule.replacement_group in m.re.groupindex:
            g_start, g_end = m.span(rule.replacement_group)
            replacement = self.text[g_start:g_end] if g_start >= 0 else None
        elif rule.replacement == "":
            span = _deletion(self.text, start, end)
            if span is not None:
                start, end = span
                replacement = ""
        elif rule.replacement is not None:
            replacement = _match_case(rule.replacement, self.text[start:end])
        return Finding(
            rule=rule.id,
            severity=rule.severity,
            start=start,
            end=end,
            message=rule.message,
            suggestion=rule.suggestion,
            replacement=replacement,
        )


@functools.lru_cache(maxsize=16)
def _checker(extra_rules: tuple[ToneRule, ...]) -> ToneChecker:
    return ToneChecker(extra_rules)


def check_tone(text: str, extra_rules: Sequence[ToneRule] = ()) -> list[Finding]:
    """Check a draft reply; findings sorted by where they start.

    Args:
        text: The draft, any length; empty text has no findings.
        extra_rules: A team's own rules (from packs' ``[[tone_rules]]``):
            literal phrases, matched case-insensitively on word boundaries.

    Returns:
        The findings, sorted by ``start`` (then ``end`` and rule id).
    """
    return _checker(tuple(extra_rules)).check(text)
