"""Turning text into search terms: folding, tokenizing, stop words and a light stemmer.

The index and the query go through the same steps, so that ``Orders``,
``ordered`` and ``order`` meet on one term, ``Café`` matches ``cafe``,
``can't`` matches ``cant`` and chat shorthand (``pwd``, ``amt``, ``rcvd``) is
read as the word it stands for. Every token keeps its offsets in the original text
so that match spans can point at the words a user sees.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

WORD = re.compile(
    r"(?:[^\W_]|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])+"
    r"(?:['\u2019](?:[^\W_])+)*"
)
"""A run of letters and digits (with combining marks), apostrophes inside words kept."""

STOP_WORDS: frozenset[str] = frozenset(
    """
    a about above after against all am an and any are as at be because been
    before being below between both but by could did do does doing during each few
    for from further had has have having he her here hers herself him himself his
    how i if in into is it its itself just me more most my myself nor of only
    or other our ours ourselves own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under
    until very was we were what which while who whom why will with would
    you your yours yourself yourselves im ive id ill youre youve youll u ur r
    please pls plz kindly can may might also really s t d ll m re ve get got
    """.split()
)
"""Words too common in support text to tell templates apart.

Negations (``not``, ``cant``, ``didnt``), particles that change a verb's
meaning (``out``, ``back``, ``up``, ``down``, ``off``, ``on``), ``where`` and
``when`` ("where is my order", "when will it arrive") and greetings and
thanks (the opening and compliment situations) are kept.
"""


SHORTHAND: dict[str, str] = {
    short: word
    for word, shorts in {
        "please": "pls plz plse pl",
        "you": "u",
        "your": "ur",
        "are": "r",
        "because": "bcoz bcz coz cuz",
        "about": "abt",
        "what": "wat wht",
        "when": "wen",
        "have": "hv hav",
        "not": "nt nahi nhi",
        "want": "wanna",
        "amount": "amt amnt",
        "account": "acc acct accnt",
        "password": "pwd pswd passwd pw",
        "message": "msg",
        "package": "pkg pckg",
        "received": "recd rcvd recvd",
        "thanks": "thx thnx thanx thnks tnx tnq thnq tq ty",
        "sorry": "sry",
        "birthday": "bday",
        "tomorrow": "tmrw tmr 2moro",
        "yesterday": "yday",
        "week": "wk",
        "weeks": "wks",
        "department": "dept",
        "address": "addr",
        "transaction": "txn",
        "payment": "pymt pmt",
        "quantity": "qty",
    }.items()
    for short in shorts.split()
}
"""Chat shorthand and clipped words (folded) to the word they stand for.

Only spellings that mean one thing in support chat; a misspelling that is one
or two letters off is left to search's typo tolerance, and phrases
("wheres my order") to the synonym lexicon.
"""


def fold(text: str) -> str:
    """Return ``text`` case-folded with accents removed and apostrophes dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold().replace("'", "").replace("\u2019", "")


def _has_vowel(text: str) -> bool:
    return any(ch in "aeiouy" for ch in text)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Reduce a folded word to a light stem (plural, -ing, -ed, final e, double consonant).

    The stems are not words (``charge`` becomes ``charg``); they only need to
    be the same for the forms of one word. Words with digits or of three
    letters or fewer are returned unchanged.
    """
    if len(word) <= 3 or not word.isalpha() or not word.isascii():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) >= 6 and _has_vowel(word[:-3]):
        word = word[:-3]
    elif (
        word.endswith("ed")
        and not word.endswith("eed")
        and len(word) >= 5
        and _has_vowel(word[:-2])
    ):
        word = word[:-2]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    return word


_FORMS: dict[str, set[str]] = {}
"""Every spelling (lower case) seen for each term in this process, for highlighting."""


@lru_cache(maxsize=200_000)
def term(token: str) -> str | None:
    """The index term of one raw token (folded, shorthand spelt out, stemmed), or None.

    None means a stop word.
    """
    folded = fold(token)
    folded = SHORTHAND.get(folded, folded)
    if not folded or folded in STOP_WORDS:
        return None
    found = stem(folded)
    _FORMS.setdefault(found, set()).add(token.lower())
    return found


def forms(found: str) -> frozenset[str]:
    """The spellings (lower case) of ``found`` met so far by ``term`` in this process."""
    return frozenset(_FORMS.get(found, ()))


def raw_tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield ``(token, start, end)`` for each word of ``text`` (original spelling)."""
    for match in WORD.finditer(text):
        yield match.group(), match.start(), match.end()


def tokens_with_offsets(text: str) -> list[tuple[str, int, int]]:
    """``(term, start, end)`` for each word of ``text`` that is not a stop word."""
    out: list[tuple[str, int, int]] = []
    append = out.append
    for match in WORD.finditer(text):
        found = term(match.group())
        if found is not None:
            start, end = match.span()
            append((found, start, end))
    return out


def terms(text: str) -> list[str]:
    """The index terms of ``text`` in order, stop words left out."""
    out: list[str] = []
    for raw in WORD.findall(text):
        found = term(raw)
        if found is not None:
            out.append(found)
    return out
