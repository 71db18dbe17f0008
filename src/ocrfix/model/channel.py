"""The learned channel: what OCR does to each string of the truth, from aligned pairs.

Every edit region of the aligned pairs (:mod:`ocrfix.model.align`) is one observation of
the truth's ``intended`` string printed as ``observed``: single letters (``e→o``),
multi-letter confusions (``m→rn``, ``h→li``), letters lost or added, junk inserted. With
``c(intended)`` the number of times the string occurs in the truths, the cost of a rule is

    cost(observed → intended) = -ln( c(observed, intended) / (c(intended) + 1) )

in nats, the probability that the OCR printed ``observed`` where the page said
``intended``. A rule is only made when the pairs show it at least ``min_count`` times.
Spaces inside a region (split and joined words) are left out: joins and splits are the
corrector's own candidates. The hand-written ``lexicons/confusions.tsv`` stays beside the
learned rules (see :func:`ocrfix.correct.assemble.model_channel`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ocrfix.model.align import Pair, line_pairs, regions

MAX_SIDE = 3  # the longest string on either side of a rule


@dataclass(frozen=True)
class ChannelSettings:
    """How counts become costs."""

    min_count: int = 5  # a rule the pairs show fewer times is left to the generic edits
    max_cost: float = 12.0  # rules dearer than this are no use to the search
    per_observed: int = 6  # the cheapest rules kept for one observed string (search speed)


@dataclass
class ChannelCounts:
    """What the pairs showed: edit regions and how often each intended string occurs."""

    edits: Counter[tuple[str, str]] = field(default_factory=Counter)  # (observed, intended)
    strings: Counter[str] = field(default_factory=Counter)  # substrings of the truths

    def add(self, pair: Pair) -> None:
        """Count one pair."""
        for ocr, truth in line_pairs(pair):
            low = truth.lower()
            for size in range(1, MAX_SIDE + 1):
                self.strings.update(low[i : i + size] for i in range(len(low) - size + 1))
            for region in regions(ocr, truth):
                o = region.observed.replace(" ", "")
                i = region.intended.replace(" ", "")
                if (o or i) and max(len(o), len(i)) <= MAX_SIDE:
                    self.edits[(o, i)] += 1


def count(pairs: Iterable[Pair]) -> ChannelCounts:
    """The counts of all ``pairs``."""
    counts = ChannelCounts()
    for pair in pairs:
        counts.add(pair)
    return counts


def rules(
    counts: ChannelCounts, settings: ChannelSettings = ChannelSettings()
) -> dict[tuple[str, str], float]:
    """``(observed, intended) -> cost`` for every rule the counts support. A deletion (an
    added character, ``intended == ""``) is measured against the number of characters;
    a character the OCR lost (``observed == ""``) is left to the search's insertions."""
    chars = sum(n for s, n in counts.strings.items() if len(s) == 1)
    found: dict[tuple[str, str], float] = {}
    for (observed, intended), seen in sorted(counts.edits.items()):
        if not observed or seen < settings.min_count:
            continue
        total = counts.strings.get(intended, 0) if intended else chars
        cost = -math.log(seen / (total + 1))
        if cost <= settings.max_cost:
            found[(observed, intended)] = round(cost, 3)
    return cheapest_per_observed(found, settings.per_observed)


def cheapest_per_observed(
    found: dict[tuple[str, str], float], keep: int
) -> dict[tuple[str, str], float]:
    """Of the rules for each observed string, the ``keep`` cheapest (ties by text)."""
    by_observed: dict[str, list[tuple[float, str]]] = {}
    for (observed, intended), cost in found.items():
        by_observed.setdefault(observed, []).append((cost, intended))
    return {
        (observed, intended): cost
        for observed, options in by_observed.items()
        for cost, intended in sorted(options)[:keep]
    }
