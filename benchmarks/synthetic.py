"""Seeded synthetic template libraries and queries for the search benchmarks.

Realistic shapes, not realistic meaning: titles of 4-8 words, three keyword
phrases, bodies of 25-120 words, drawn from a vocabulary of several thousand
made-up words with a Zipf-like frequency (a few words are everywhere, most
are rare) mixed with ordinary English function words. Typed queries are one
to three words taken from a template, the last one sometimes cut short as if
still being typed, some with a typo; pasted queries are ~1,000-character
messages that mention a template's words among many others.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass

from tactful.core.model import Template
from tactful.core.situations import STANDARD_SITUATIONS

FUNCTION_WORDS = (
    "the a to and of I you your we my it is for in on this that with be have was "
    "not can will at as but our me so please would could do if just about from"
).split()
_FUNCTION_SET = frozenset(w.lower() for w in FUNCTION_WORDS)
SYLLABLES = (
    "ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge go ha he hi ho "
    "ja jo ka ke ki ko la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu "
    "ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo wa we wi ya yo za zu "
    "ar er ir or ur an en in on un al el il ol ul st tr pl gr br"
).split()


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Made-up words and the cumulative weights that make them Zipf-distributed."""

    words: tuple[str, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def make(cls, size: int, rng: random.Random) -> Vocabulary:
        """``size`` distinct made-up words of 2-4 syllables."""
        words: dict[str, None] = {}
        while len(words) < size:
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
            words.setdefault(word, None)
        weights = [1.0 / (rank + 1) ** 1.05 for rank in range(size)]
        return cls(tuple(words), tuple(itertools.accumulate(weights)))

    def draw(self, rng: random.Random) -> str:
        """One word, common ones more often."""
        point = rng.random() * self.cumulative[-1]
        return self.words[bisect.bisect_left(self.cumulative, point)]

    def sentence_words(self, count: int, rng: random.Random) -> list[str]:
        """``count`` words, about a third of them function words."""
        return [
            rng.choice(FUNCTION_WORDS) if rng.random() < 0.35 else self.draw(rng)
            for _ in range(count)
        ]


def make_library(count: int, seed: int = 7, vocabulary_size: int = 6000) -> list[Template]:
    """``count`` templates in one pack ``synthetic``, the same for the same seed."""
    rng = random.Random(seed)
    vocab = Vocabulary.make(vocabulary_size, rng)
    situations = [s.id for s in STANDARD_SITUATIONS]
    templates: list[Template] = []
    for number in range(count):
        title = " ".join(vocab.sentence_words(rng.randint(4, 8), rng)).capitalize()
        keywords = tuple(
            " ".join(vocab.draw(rng) for _ in range(rng.randint(1, 3))) for _ in range(3)
        )
        body_words = vocab.sentence_words(rng.randint(25, 120), rng)
        sentences = [
            " ".join(body_words[start : start + 12]).capitalize() + "."
            for start in range(0, len(body_words), 12)
        ]
        templates.append(
            Template(
                id=f"t{number:06d}",
                title=title,
                situation=situations[number % len(situations)],
                body="Hi {customer_name|there},\n\n" + " ".join(sentences),
                pack_id="synthetic",
                keywords=keywords,
                tags=(rng.choice(("shipping", "billing", "account", "general")),),
                tone=("Acknowledge the feeling first.", "Say what happens next."),
            )
        )
    return templates


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    spot = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("drop", "swap", "double", "replace"))
    if kind == "drop":
        return word[:spot] + word[spot + 1 :]
    if kind == "swap":
        return word[: spot - 1] + word[spot] + word[spot - 1] + word[spot + 1 :]
    if kind == "double":
        return word[:spot] + word[spot] + word[spot:]
    return word[:spot] + rng.choice("aeiourstln") + word[spot + 1 :]


def typed_queries(templates: list[Template], count: int, seed: int = 11) -> list[str]:
    """Queries of one to three words as an agent types them (prefixes, some typos)."""
    rng = random.Random(seed)
    queries: list[str] = []
    for _ in range(count):
        template = rng.choice(templates)
        pool = [
            w
            for w in (template.title + " " + " ".join(template.keywords)).lower().split()
            if w not in _FUNCTION_SET and len(w) > 2
        ]
        words = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        if rng.random() < 0.3:
            spot = rng.randrange(len(words))
            words[spot] = _typo(words[spot], rng)
        if rng.random() < 0.5 and len(words[-1]) > 2:
            last = words[-1]
            words[-1] = last[: max(2, rng.randint(2, len(last)))]
        queries.append(" ".join(words))
    return queries


def pasted_queries(
    templates: list[Template], count: int, length: int = 1000, seed: int = 13
) -> list[str]:
    """Customer messages of about ``length`` characters that mention a template's words."""
    rng = random.Random(seed)
    vocab = Vocabulary.make(6000, random.Random(7))
    queries: list[str] = []
    for _ in range(count):
        template = rng.choice(templates)
        own = template.body.split()
        parts: list[str] = []
        size = 0
        while size < length:
            word = rng.choice(own) if rng.random() < 0.3 else " ".join(vocab.sentence_words(1, rng))
            if rng.random() < 0.05:
                word = _typo(word, rng)
            parts.append(word)
            size += len(word) + 1
        queries.append(" ".join(parts)[:length])
    return queries
