"""Span-based suggestions and the one function that builds every derived text.

A :class:`Suggestion` says "replace ``raw[start:end]`` (which reads ``original``) by
``replacement``". Offsets are character offsets into ``raw.txt``. :func:`apply` is the only
place in ocrfix where text is edited.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field


class SpanError(ValueError):
    """A suggestion does not fit the text it is applied to."""


@dataclass(frozen=True, order=True)
class Suggestion:
    """One proposed change to the raw text.

    >>> Suggestion(4, 5, "\\t", " ", "tab-space", 1.0, True).replacement
    ' '
    """

    start: int
    end: int
    original: str
    replacement: str
    rule: str
    score: float
    auto: bool
    alternatives: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise SpanError(f"bad span {self.start}..{self.end}")
        if self.end - self.start != len(self.original):
            raise SpanError(
                f"span {self.start}..{self.end} does not have the length of {self.original!r}"
            )


def check_fits(raw: str, suggestion: Suggestion) -> None:
    """Raise :class:`SpanError` unless ``raw[start:end]`` reads the suggestion's original."""
    found = raw[suggestion.start : suggestion.end]
    if suggestion.end > len(raw) or found != suggestion.original:
        raise SpanError(
            f"span {suggestion.start}..{suggestion.end} reads {found!r}, "
            f"expected {suggestion.original!r}"
        )


def apply(raw: str, suggestions: Iterable[Suggestion]) -> str:
    """Build a derived text: ``raw`` with each suggestion's span replaced.

    Suggestions may come in any order; overlapping spans are an error (two changes to the
    same characters cannot both be applied).

    >>> apply("a\\tb  ", [Suggestion(1, 2, "\\t", " ", "tab-space", 1.0, True)])
    'a b  '
    """
    ordered = sorted(suggestions, key=lambda s: (s.start, s.end))
    pieces: list[str] = []
    cursor = 0
    for s in ordered:
        check_fits(raw, s)
        if s.start < cursor:
            raise SpanError(f"suggestions overlap at {s.start}: {s.original!r}")
        pieces.append(raw[cursor : s.start])
        pieces.append(s.replacement)
        cursor = s.end
    pieces.append(raw[cursor:])
    return "".join(pieces)


class Locator:
    """Page and line (both 1-based) of character offsets; pages are split by form feeds.

    Built once per text, each look-up is a binary search.

    >>> Locator("a\\nb\\fc\\nd").locate(6)
    (2, 2)
    """

    def __init__(self, raw: str) -> None:
        self._breaks = [i for i, ch in enumerate(raw) if ch in "\n\f"]
        self._pages = [i for i in self._breaks if raw[i] == "\f"]

    def locate(self, offset: int) -> tuple[int, int]:
        page_index = bisect_left(self._pages, offset)
        page_start = self._pages[page_index - 1] + 1 if page_index else 0
        line = bisect_left(self._breaks, offset) - bisect_left(self._breaks, page_start)
        return page_index + 1, line + 1


def location(raw: str, offset: int) -> tuple[int, int]:
    """Page and line of one offset (see :class:`Locator` for many)."""
    return Locator(raw).locate(offset)
