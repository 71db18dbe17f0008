"""The channel: what each OCR mistake costs, from a generic table and a document's profile.

Costs are in nats (``-ln`` of a probability): copying a character costs nothing (or, in a
document that often misreads it, ``-ln`` of the chance it was read right), a known
confusion such as ``rn`` for ``m`` costs about 1, an arbitrary letter substitution 6.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ocrfix.correct.lexicon import LEXICON_DIR

TABLE = LEXICON_DIR / "confusions.tsv"

GENERIC_SUBSTITUTE = 6.0
GENERIC_INSERT = 6.5  # a character of the page that the OCR lost
GENERIC_DELETE_LETTER = 6.0  # a letter the OCR added
GENERIC_DELETE_OTHER = 2.5  # a speck read as punctuation inside a word
LETTERS = "abcdefghijklmnopqrstuvwxyz'"


@dataclass
class Channel:
    """Rewrite rules ``observed -> intended`` with costs, and per-character keep costs."""

    rules: dict[str, list[tuple[str, float]]]
    keep: dict[str, float] = field(default_factory=dict)
    longest: int = 1

    def rules_at(self, text: str, i: int):
        """Rules whose observed side starts at ``text[i]``: ``(length, intended, cost)``."""
        for size in range(1, self.longest + 1):
            piece = text[i : i + size]
            if len(piece) < size:
                break
            for intended, cost in self.rules.get(piece, ()):
                yield size, intended, cost

    def delete_cost(self, ch: str) -> float:
        custom = [c for intended, c in self.rules.get(ch, ()) if intended == ""]
        base = GENERIC_DELETE_LETTER if ch.isalnum() else GENERIC_DELETE_OTHER
        return min([base, *custom])

    def merged(self, other: Channel) -> Channel:
        """This channel with ``other``'s rules added; a rule in both keeps the lower cost."""
        costs: dict[tuple[str, str], float] = {}
        for table in (self.rules, other.rules):
            for observed, options in table.items():
                for intended, cost in options:
                    key = (observed, intended)
                    costs[key] = min(cost, costs.get(key, cost))
        rules: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for (observed, intended), cost in sorted(costs.items()):
            rules[observed].append((intended, cost))
        return Channel(dict(rules), dict(self.keep), max(self.longest, other.longest))

    def with_profile(
        self, learned: dict[tuple[str, str], float], keep_table: bool = True
    ) -> Channel:
        """A channel where the document's own frequent mistakes are cheap (and, without
        ``keep_table``, the only ones).

        ``learned`` maps ``(observed, intended)`` to the probability that ``observed`` in
        this document stands for ``intended``.
        """
        rules: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for observed, options in self.rules.items() if keep_table else ():
            rules[observed].extend(options)
        mistaken: dict[str, float] = defaultdict(float)
        for (observed, intended), p in learned.items():
            rules[observed].append((intended, -math.log(p)))
            if len(observed) == 1:
                mistaken[observed] += p
        keep = {ch: -math.log(max(1.0 - p, 0.05)) for ch, p in mistaken.items()}
        longest = max([self.longest, *(len(o) for o, _ in learned)])
        return Channel(dict(rules), keep, longest)


def load_table(path: Path | None = None) -> Channel:
    """The generic confusion table (``lexicons/confusions.tsv``), lower-cased."""
    path = path or TABLE
    rules: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for line in path.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        observed, intended, cost = line.split("\t")
        observed, intended = observed.lower(), intended.lower()
        if observed != intended:
            rules[observed].append((intended, float(cost)))
    return Channel(dict(rules), {}, max((len(o) for o in rules), default=1))


def from_rules(rules: dict[tuple[str, str], float], weight: float = 1.0) -> Channel:
    """A channel of a learned model's rules (see :mod:`ocrfix.model`), each cost times
    ``weight``."""
    table: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for (observed, intended), cost in sorted(rules.items()):
        table[observed].append((intended, weight * cost))
    return Channel(dict(table), {}, max((len(o) for o in table), default=1))
