"""Carrying a reviewer's decisions onto a new reading of the same document.

When a reviewed document is processed again (its input changed, or ``--force``), every
decided row of the old ``suggestions.csv`` whose span can be found in the new ``raw.txt``
(the same original text at the same place, or at the place the texts' alignment maps it
to) is kept, with its decision; new suggestions that touch the same characters give way
to it. The rows that cannot be placed are returned with the reason, to be listed beside
the document; nothing is dropped silently.

A decision cell is carried exactly as written, whatever it says (``accept``, ``reject``,
``keep`` for a word correct as printed, ``edit:TEXT``): a kept word stays kept, with the
row that asked about it, even when the new reading no longer suggests a change of it.
"""

from __future__ import annotations

import difflib
import heapq
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ocrfix.review.decisions import Row
from ocrfix.suggestion import Suggestion, SuggestionList, ordered

MAX_ALIGNED_CHARS = 20_000  # a changed stretch longer than this is aligned by lines only

Mapper = Callable[[int, int], tuple[int, int] | None]


def line_starts(text: str) -> list[int]:
    r"""The offset where each line of ``text`` begins (and one past the end).

    >>> line_starts("ab\ncd")
    [0, 3, 5]
    """
    starts = [0]
    starts += [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    if starts[-1] != len(text):
        starts.append(len(text))
    return starts


def equal_runs(old: str, new: str) -> list[tuple[int, int, int]]:
    """Stretches the two texts share, as ``(old_start, old_end, new_start)``: whole equal
    lines, and inside lines that changed, equal runs of characters."""
    if old == new:
        return [(0, len(old), 0)]
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    o_starts, n_starts = line_starts(old), line_starts(new)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines)
    runs = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        a0, a1, b0, b1 = o_starts[i1], o_starts[i2], n_starts[j1], n_starts[j2]
        if tag == "equal":
            runs.append((a0, a1, b0))
        elif tag == "replace" and max(a1 - a0, b1 - b0) <= MAX_ALIGNED_CHARS:
            chars = difflib.SequenceMatcher(None, old[a0:a1], new[b0:b1], autojunk=False)
            for block in chars.get_matching_blocks():
                if block.size:
                    runs.append((a0 + block.a, a0 + block.a + block.size, b0 + block.b))
    return runs


def mapper(old: str, new: str) -> Mapper:
    """A function from a span of ``old`` to the same span in ``new``, or ``None`` when the
    span does not lie inside one stretch the texts share.

    >>> where = mapper("the cat sat", "oh, the cat sat")
    >>> where(4, 7)
    (8, 11)
    """
    runs = equal_runs(old, new)
    starts = [r[0] for r in runs]

    def where(start: int, end: int) -> tuple[int, int] | None:
        i = bisect_right(starts, start) - 1
        if i < 0:
            return None
        a0, a1, b0 = runs[i]
        if start > a1 or end > a1:
            return None
        return b0 + start - a0, b0 + end - a0

    return where


@dataclass(frozen=True)
class Carried:
    """The new table's suggestions with their decisions, and the rows left behind."""

    suggestions: SuggestionList
    decisions: dict[Suggestion, str]
    uncarried: list[tuple[Row, str]]


def as_suggestion(row: Row, start: int, end: int) -> Suggestion:
    return Suggestion(
        start, end, row.original, row.replacement, row.rule, row.score, row.auto, row.alternatives
    )


def overlaps(a: Suggestion, b: Suggestion) -> bool:
    """Two changes touch the same characters (an insertion touches its neighbours' inside).

    >>> s = lambda a, b: Suggestion(a, b, "x" * (b - a), "", "r", 1.0, False)
    >>> overlaps(s(0, 3), s(2, 4)), overlaps(s(0, 2), s(2, 4)), overlaps(s(1, 1), s(0, 3))
    (True, False, True)
    """
    if a.start == a.end or b.start == b.end:
        return (a.start < b.end and b.start < a.end) or a.start == b.start
    return a.start < b.end and b.start < a.end


def carry(
    old_raw: str, old_rows: Sequence[tuple[Row, str]], new_raw: str, new: Sequence[Suggestion]
) -> Carried:
    """Merge the decided ``old_rows`` (each with its decision cell) into ``new``.

    ``new`` is read once, in order, and never copied whole (a long text may have millions
    of suggestions); only the decided rows are held as objects.
    """
    where = mapper(old_raw, new_raw)
    placed: dict[tuple[int, int, str, str], tuple[Row, str]] = {}
    uncarried: list[tuple[Row, str]] = []
    for row, cell in old_rows:
        span = where(row.start, row.end)
        if span is None:
            uncarried.append((row, "the text around it changed"))
            continue
        start, end = span
        if new_raw[start:end] != row.original:
            uncarried.append((row, f"the new text reads {new_raw[start:end]!r} there"))
            continue
        placed.setdefault((start, end, row.original, row.replacement), (row, cell))
    touches = touching([as_suggestion(row, k[0], k[1]) for k, (row, _) in placed.items()])
    found: dict[tuple[int, int, str, str], Suggestion] = {}
    rest = SuggestionList()
    for s in ordered(new):
        key = (s.start, s.end, s.original, s.replacement)
        if key in placed:
            found[key] = s  # the same change again: it keeps its new score and alternatives
        elif not touches(s):
            rest.append(s)
    decisions: dict[Suggestion, str] = {}
    for key, (row, cell) in placed.items():
        decisions[found.get(key) or as_suggestion(row, key[0], key[1])] = cell
    merged = SuggestionList(heapq.merge(rest, sorted(decisions)))
    return Carried(merged, decisions, uncarried)


def touching(kept: Sequence[Suggestion]) -> Callable[[Suggestion], bool]:
    """A test of whether a suggestion overlaps any of ``kept`` (a binary search each)."""
    ordered = sorted(kept, key=lambda k: (k.start, k.end))
    starts = [k.start for k in ordered]
    reach: list[int] = []  # the furthest end among ordered[: i + 1]
    for k in ordered:
        reach.append(max(k.end, reach[-1] if reach else k.end))

    def test(s: Suggestion) -> bool:
        i = bisect_right(starts, max(s.end, s.start))  # kept that start at or before s ends
        for j in range(i - 1, -1, -1):
            if reach[j] < s.start:
                return False
            if overlaps(s, ordered[j]):
                return True
        return False

    return test
