"""The two baselines Tactful's search is measured against, over the same templates.

- naive fuzzy matching: ``rapidfuzz.process.extract`` with ``fuzz.WRatio`` over
  each template's full text, exactly as the issue describes it;
- plain BM25 (Robertson/Sparck Jones idf, k1 = 1.2, b = 0.75) over the same
  full text, lower-cased words, no stemming, no stop words, no synonyms and no
  field weights: the textbook ranking a search engine starts from.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from rapidfuzz import fuzz, process

from tactful.core.model import Template

_WORDS = re.compile(r"\w+")


def full_text(template: Template) -> str:
    """Everything a template says: title, keywords, tags, body and variants."""
    parts = [
        template.title,
        " ".join(template.keywords),
        " ".join(template.tags),
        template.body,
        *(text for _, text in template.variants),
    ]
    return "\n".join(part for part in parts if part)


class WRatioBaseline:
    """``process.extract(query, full_texts, scorer=fuzz.WRatio, limit=...)``."""

    def __init__(self, templates: Sequence[Template]) -> None:
        self.templates = list(templates)
        self.texts = [full_text(t) for t in self.templates]

    def search(self, query: str, limit: int = 10) -> list[Template]:
        """The ``limit`` templates whose full text WRatio likes best."""
        found = process.extract(query, self.texts, scorer=fuzz.WRatio, limit=limit)
        return [self.templates[index] for _, _, index in found]


class BM25Baseline:
    """Okapi BM25 over each template's full text."""

    def __init__(self, templates: Sequence[Template], k1: float = 1.2, b: float = 0.75) -> None:
        self.templates = list(templates)
        self.k1 = k1
        self.b = b
        docs = [Counter(_WORDS.findall(full_text(t).lower())) for t in self.templates]
        self.lengths = [sum(doc.values()) for doc in docs]
        self.average = sum(self.lengths) / len(docs) if docs else 1.0
        self.postings: dict[str, list[tuple[int, int]]] = {}
        for number, doc in enumerate(docs):
            for word, count in doc.items():
                self.postings.setdefault(word, []).append((number, count))
        total = len(docs)
        self.idf = {
            word: math.log(1.0 + (total - len(entries) + 0.5) / (len(entries) + 0.5))
            for word, entries in self.postings.items()
        }

    def search(self, query: str, limit: int = 10) -> list[Template]:
        """The ``limit`` best templates by BM25 (ties in library order)."""
        scores: dict[int, float] = {}
        for word in set(_WORDS.findall(query.lower())):
            idf = self.idf.get(word)
            if idf is None:
                continue
            for number, count in self.postings[word]:
                norm = self.k1 * (1.0 - self.b + self.b * self.lengths[number] / self.average)
                gain = idf * count * (self.k1 + 1.0) / (count + norm)
                scores[number] = scores.get(number, 0.0) + gain
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [self.templates[number] for number, _ in ranked]
