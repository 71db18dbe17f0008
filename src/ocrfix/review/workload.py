"""What is left for a person to decide in a document: one count for the app, the report and
``ocrfix apply``.

A suggestion *needs a decision* when ocrfix did not apply it on its own (``auto`` is false).
Automatic changes stay reviewable, but a document whose every non-automatic suggestion has
a decision is *ready to export*. Layout changes (tabs, trailing spaces, margin junk,
rejoined hyphenations, a picture's junk) are shown to a person as one summary card per
document, not one card each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

LAYOUT_RULES = frozenset({"tab-space", "trailing-space", "margin-junk", "dehyphenate", "picture"})
TRUE_CELLS = frozenset({"true", "1", "yes"})


def is_layout(rule: str) -> bool:
    """Whether a rule only mends whitespace or layout (one summary card, not a card each).

    >>> is_layout("trailing-space"), is_layout("word")
    (True, False)
    """
    return rule in LAYOUT_RULES


@dataclass(frozen=True)
class Workload:
    """The counts of one document (or a batch, by :meth:`plus`)."""

    suggestions: int = 0
    automatic: int = 0
    layout: int = 0
    need: int = 0  # suggestions that are not automatic
    decided: int = 0  # of those, how many have a decision
    cards: int = 0  # what a person looks at: a card per non-layout item, one per layout group

    @property
    def left(self) -> int:
        """Suggestions that still need a decision."""
        return self.need - self.decided

    @property
    def ready(self) -> bool:
        """Whether nothing is left that needs a person."""
        return self.left == 0

    def summary(self) -> str:
        """One line for a person.

        >>> Workload(10, 7, 2, 3, 1, 4).summary()
        '2 of 3 need a decision'
        >>> Workload(10, 7, 2, 3, 3, 4).summary()
        'ready to export (3 decided, 7 automatic)'
        """
        if self.ready:
            return f"ready to export ({self.decided} decided, {self.automatic} automatic)"
        return f"{self.left} of {self.need} need a decision"

    def cell(self) -> str:
        """The summary for a table's cell.

        >>> Workload(10, 7, 2, 3, 1, 4).cell(), Workload(10, 7, 2, 3, 3, 4).cell()
        ('2 of 3', 'ready')
        """
        return "ready" if self.ready else f"{self.left} of {self.need}"

    def plus(self, other: Workload) -> Workload:
        """The counts of two documents together."""
        return Workload(
            self.suggestions + other.suggestions,
            self.automatic + other.automatic,
            self.layout + other.layout,
            self.need + other.need,
            self.decided + other.decided,
            self.cards + other.cards,
        )

    def as_dict(self) -> dict[str, int | bool]:
        return {
            "suggestions": self.suggestions,
            "automatic": self.automatic,
            "layout": self.layout,
            "need": self.need,
            "decided": self.decided,
            "left": self.left,
            "cards": self.cards,
            "ready": self.ready,
        }


def workload(items: Iterable[tuple[str, bool, str]]) -> Workload:
    """The counts of a document from ``(rule, auto, decision cell)`` of each suggestion.

    >>> workload([("word", True, ""), ("word", False, "accept"), ("word", False, ""),
    ...           ("trailing-space", True, ""), ("margin-junk", False, "")]).summary()
    '2 of 3 need a decision'
    """
    total = automatic = layout = need = decided = cards = 0
    for rule, auto, cell in items:
        total += 1
        automatic += auto
        if is_layout(rule):
            layout += 1
        elif not auto:
            cards += 1
        if not auto:
            need += 1
            decided += bool(cell.strip())
    return Workload(total, automatic, layout, need, decided, cards + (layout > 0))


def sheet_workload(columns: list[str], records: Iterable[list[str]]) -> Workload:
    """The counts of a ``suggestions.csv`` given as its header and cells."""
    rule, auto, decision = (columns.index(c) for c in ("rule", "auto", "decision"))
    return workload((r[rule], r[auto].strip().lower() in TRUE_CELLS, r[decision]) for r in records)
