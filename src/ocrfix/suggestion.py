"""Span-based suggestions and the one function that builds every derived text.

A :class:`Suggestion` says "replace ``raw[start:end]`` (which reads ``original``) by
``replacement``". Offsets are character offsets into ``raw.txt``. :func:`apply` is the only
place in ocrfix where text is edited.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import overload

_BREAK = re.compile("[\n\f]")
_PAGE_BREAK = re.compile("\f")


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


def shifted(suggestions: list[Suggestion], offset: int) -> list[Suggestion]:
    """``suggestions`` moved ``offset`` characters on: those of a piece of a text that
    starts at ``offset``, as offsets into the whole text.

    >>> shifted([Suggestion(1, 2, "\\t", " ", "tab-space", 1.0, True)], 10)[0].start
    11
    """
    if not offset:
        return suggestions
    return [
        Suggestion(
            s.start + offset,
            s.end + offset,
            s.original,
            s.replacement,
            s.rule,
            s.score,
            s.auto,
            s.alternatives,
        )
        for s in suggestions
    ]


def check_fits(raw: str, suggestion: Suggestion) -> None:
    """Raise :class:`SpanError` unless ``raw[start:end]`` reads the suggestion's original."""
    check_span(raw, suggestion.start, suggestion.end, suggestion.original)


def check_span(raw: str, start: int, end: int, original: str) -> None:
    """Raise :class:`SpanError` unless ``raw[start:end]`` reads ``original``."""
    found = raw[start:end]
    if end > len(raw) or found != original:
        raise SpanError(f"span {start}..{end} reads {found!r}, expected {original!r}")


Edit = tuple[int, int, str, str]  # start, end, original, replacement


class Edits(Sequence[Edit]):
    """``(start, end, original, replacement)`` of each of some suggestions, by index: what
    builds a derived text, read without making :class:`Suggestion` objects from a
    :class:`SuggestionList`."""

    def __init__(self, suggestions: Sequence[Suggestion]) -> None:
        self._items = suggestions
        self._len = len(suggestions)  # (the suggestions do not change while read)
        table = suggestions if isinstance(suggestions, SuggestionList) else None
        self._columns = (
            None
            if table is None
            else (table._starts, table._ends, table._originals, table._replacements, table._pick)
        )

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, index):  # type: ignore[override]
        if self._columns is None:
            s = self._items[index]
            return (s.start, s.end, s.original, s.replacement)
        starts, ends, originals, replacements, pick = self._columns
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError("edit index out of range")
        i = index if pick is None else pick[index]
        return (starts[i], ends[i], originals[i], replacements[i])

    def __iter__(self) -> Iterator[Edit]:
        if self._columns is None:
            return ((s.start, s.end, s.original, s.replacement) for s in self._items)
        starts, ends, originals, replacements, pick = self._columns
        if pick is None:
            return zip(starts, ends, originals, replacements, strict=True)
        return ((starts[i], ends[i], originals[i], replacements[i]) for i in pick)


def ordered(suggestions: Iterable[Suggestion]) -> Sequence[Suggestion]:
    """``suggestions`` sorted (by span, then the other fields: the order of
    ``suggestions.csv``), without a copy when they already are (as the corrector gives
    them)."""
    if isinstance(suggestions, SuggestionList) and suggestions.ordered:
        return suggestions
    items = suggestions if isinstance(suggestions, Sequence) else list(suggestions)
    if all(a <= b for a, b in pairwise(items)):
        return items
    return sorted(items)


def spans(suggestions: Sequence[Suggestion]) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each suggestion (fast for a :class:`SuggestionList`)."""
    if isinstance(suggestions, SuggestionList):
        return suggestions.spans()
    return ((s.start, s.end) for s in suggestions)


def in_text_order(suggestions: Iterable[Suggestion]) -> Sequence[Suggestion]:
    """``suggestions`` ordered by span (start, then end), as :func:`apply` takes them; a
    list already in that order (as the corrector gives it) is checked, not sorted."""
    if isinstance(suggestions, SuggestionList) and suggestions.ordered:
        return suggestions
    items = suggestions if isinstance(suggestions, Sequence) else list(suggestions)
    for before, after in pairwise(items):
        if (after.start, after.end) < (before.start, before.end):
            return sorted(items, key=lambda s: (s.start, s.end))
    return items


def apply_pieces(raw: str, suggestions: Iterable[Suggestion]) -> Iterator[str]:
    """The text of :func:`apply`, in pieces (stretches of ``raw`` and replacements), so a
    long derived text can be written without ever being whole in memory.

    >>> list(apply_pieces("a\\tb", [Suggestion(1, 2, "\\t", " ", "tab-space", 1.0, True)]))
    ['a', ' ', 'b']
    """
    cursor = 0
    for start, end, original, replacement in Edits(in_text_order(suggestions)):
        check_span(raw, start, end, original)
        if start < cursor:
            raise SpanError(f"suggestions overlap at {start}: {original!r}")
        if start > cursor:
            yield raw[cursor:start]
        if replacement:
            yield replacement
        cursor = end
    if cursor < len(raw) or not raw:
        yield raw[cursor:]


def apply(raw: str, suggestions: Iterable[Suggestion]) -> str:
    """Build a derived text: ``raw`` with each suggestion's span replaced.

    Suggestions may come in any order; overlapping spans are an error (two changes to the
    same characters cannot both be applied).

    >>> apply("a\\tb  ", [Suggestion(1, 2, "\\t", " ", "tab-space", 1.0, True)])
    'a b  '
    """
    return "".join(apply_pieces(raw, suggestions))


class SuggestionList(Sequence[Suggestion]):
    """Suggestions kept column by column, for documents that have millions: about 45 bytes
    each, where a list of :class:`Suggestion` objects takes over 200. Reading an item
    makes its :class:`Suggestion`; :meth:`applied` is a view of those ocrfix applies.

    >>> table = SuggestionList([Suggestion(0, 1, "a", "b", "word", 0.5, False)])
    >>> table.append(Suggestion(2, 3, "c", "d", "word", 0.9, True, ("e",)))
    >>> len(table), table[1], table.auto_count(), list(table.applied()) == [table[1]]
    (2, Suggestion(start=2, end=3, original='c', replacement='d', rule='word', score=0.9, \
auto=True, alternatives=('e',)), 1, True)
    """

    def __init__(self, suggestions: Iterable[Suggestion] = ()) -> None:
        self._starts = array("q")
        self._ends = array("q")
        self._originals: list[str] = []
        self._replacements: list[str] = []
        self._rules = array("H")  # index into _rule_names
        self._rule_names: list[str] = []
        self._rule_index: dict[str, int] = {}
        self._scores = array("d")
        self._auto = bytearray()
        self._alternatives: dict[int, tuple[str, ...]] = {}  # only where there are some
        self._pick: array | None = None  # the positions a view shows
        self.ordered = True  # every suggestion sorts after the one before (see ordered())
        self._last: Suggestion | None = None
        self.extend(suggestions)

    def append(self, s: Suggestion) -> None:
        if self._pick is not None:
            raise TypeError("a view of suggestions cannot be added to")
        rule = self._rule_index.get(s.rule)
        if rule is None:
            rule = self._rule_index[s.rule] = len(self._rule_names)
            self._rule_names.append(s.rule)
        if s.alternatives:
            self._alternatives[len(self._starts)] = s.alternatives
        last = self._last
        if last is not None and self.ordered and (s.start, s.end) <= (last.start, last.end):
            self.ordered = s >= last if (s.start, s.end) == (last.start, last.end) else False
        self._last = s
        self._starts.append(s.start)
        self._ends.append(s.end)
        self._originals.append(s.original)
        self._replacements.append(s.replacement)
        self._rules.append(rule)
        self._scores.append(s.score)
        self._auto.append(s.auto)

    def extend(self, suggestions: Iterable[Suggestion]) -> None:
        for s in suggestions:
            self.append(s)

    def __len__(self) -> int:
        return len(self._starts if self._pick is None else self._pick)

    def _make(self, i: int) -> Suggestion:
        return Suggestion(
            self._starts[i],
            self._ends[i],
            self._originals[i],
            self._replacements[i],
            self._rule_names[self._rules[i]],
            self._scores[i],
            bool(self._auto[i]),
            self._alternatives.get(i, ()),
        )

    @overload
    def __getitem__(self, index: int) -> Suggestion: ...
    @overload
    def __getitem__(self, index: slice) -> list[Suggestion]: ...
    def __getitem__(self, index: int | slice) -> Suggestion | list[Suggestion]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("suggestion index out of range")
        return self._make(index if self._pick is None else self._pick[index])

    def __iter__(self) -> Iterator[Suggestion]:
        positions = range(len(self._starts)) if self._pick is None else self._pick
        for i in positions:
            yield self._make(i)

    def spans(self) -> Iterator[tuple[int, int]]:
        """``(start, end)`` of each suggestion, without making the suggestions."""
        if self._pick is None:
            return zip(self._starts, self._ends, strict=True)
        return ((self._starts[i], self._ends[i]) for i in self._pick)

    def auto_count(self) -> int:
        """How many of the suggestions ocrfix applies on its own."""
        if self._pick is None:
            return self._auto.count(1)
        return sum(self._auto[i] for i in self._pick)

    def applied(self) -> SuggestionList:
        """A view of the suggestions ocrfix applies on its own (``auto``), in their order."""
        view = object.__new__(SuggestionList)
        view.__dict__.update(self.__dict__)
        positions = range(len(self._starts)) if self._pick is None else self._pick
        view._pick = array("q", (i for i in positions if self._auto[i]))
        return view


class Locator:
    """Page and line (both 1-based) of character offsets; pages are split by form feeds.

    Built once per text, each look-up is a binary search.

    >>> Locator("a\\nb\\fc\\nd").locate(6)
    (2, 2)
    """

    def __init__(self, raw: str) -> None:
        self._breaks = [m.start() for m in _BREAK.finditer(raw)]
        self._pages = [m.start() for m in _PAGE_BREAK.finditer(raw)]

    def locate(self, offset: int) -> tuple[int, int]:
        page_index = bisect_left(self._pages, offset)
        page_start = self._pages[page_index - 1] + 1 if page_index else 0
        line = bisect_left(self._breaks, offset) - bisect_left(self._breaks, page_start)
        return page_index + 1, line + 1


def location(raw: str, offset: int) -> tuple[int, int]:
    """Page and line of one offset (see :class:`Locator` for many)."""
    return Locator(raw).locate(offset)
