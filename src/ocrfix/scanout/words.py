"""The reviewed text on the page: which OCR word box shows which word of ``final.txt``.

``final.txt`` is ``apply(raw, chosen)``; each word of ``words.tsv`` is a box and a span
``[start, end)`` of ``raw.txt``. :func:`group_words` gives each box its final text:

- a word no chosen suggestion touches keeps its OCR text;
- a suggestion inside a word changes that word (``tne`` -> ``the``);
- a split keeps one box with the split text (``upthe`` -> ``up the``);
- a deletion of the whole word removes it (margin junk ``| `` -> ``""``);
- a suggestion spanning several words (a join ``wi thout`` -> ``without``, a line-end hyphen
  ``cata-`` / ``logue`` -> ``catalogue``, a lost space ``" "`` -> ``""`` between two words)
  makes them one group whose whole text goes on the group's first word.

:func:`final_words` then **merges the boxes** of a group's words that stand on the first
word's line (a join on one line is one box over both halves, so a selection covers the whole
word) and **leaves out** the words on later lines (the second half of a hyphenated word: its
text is already on the first half, and a box over two lines would cover the text between).

A suggestion that changes only whitespace (a tab to a space, a line end) touches no box.
"""

from __future__ import annotations

import csv
import io
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ocrfix.suggestion import Suggestion, apply

Box = tuple[int, int, int, int]  # left, top, width, height (pixels of the page image)
LineKey = tuple[int, int, int, int]  # page, block, par, line (Tesseract's numbering)


@dataclass(frozen=True)
class Word:
    """One OCR word of ``words.tsv``: where it is on its page and its span in ``raw.txt``."""

    page: int
    block: int
    par: int
    line: int
    box: Box
    conf: float  # Tesseract's confidence, 0..100
    start: int
    end: int

    @property
    def line_key(self) -> LineKey:
        return (self.page, self.block, self.par, self.line)


@dataclass(frozen=True)
class FinalWord:
    """A box of the reviewed page: its final text and what the OCR read there."""

    word: Word  # the first OCR word, its box merged with the rest of its group on its line
    text: str
    original: str  # the OCR text of the group's words, joined by single spaces

    @property
    def changed(self) -> bool:
        return self.text != self.original


def read_words(text: str) -> list[Word]:
    """The words of a ``words.tsv`` (as ``ocrfix run`` writes it), in text order."""
    words = [
        Word(
            int(r["page"]),
            int(r["block"]),
            int(r["par"]),
            int(r["line"]),
            (int(r["left"]), int(r["top"]), int(r["width"]), int(r["height"])),
            float(r["conf"]),
            int(r["start"]),
            int(r["end"]),
        )
        for r in csv.DictReader(io.StringIO(text, newline=""), delimiter="\t")
    ]
    words.sort(key=lambda w: w.start)
    return words


def word_spans(text: str) -> list[tuple[int, int]]:
    """The spans of the whitespace-separated words of ``text`` (for examples and tests).

    >>> word_spans("to  be\\nor")
    [(0, 2), (4, 6), (7, 9)]
    """
    spans, start = [], None
    for i, ch in enumerate(text + " "):
        if ch.isspace():
            if start is not None:
                spans.append((start, i))
            start = None
        elif start is None:
            start = i
    return spans


def touched(starts: Sequence[int], ends: Sequence[int], s: Suggestion) -> range:
    """The words (indices, in text order, of words ``[starts[i], ends[i])``) that the
    suggestion ``s`` changes.

    Words it overlaps; for an insertion, the word it is in or at the end of; for a change
    of whitespace between two words, both when it leaves no whitespace there (a lost space),
    the word before when it inserts words, none when it puts whitespace for whitespace.
    """
    n = len(starts)
    if s.start < s.end:
        lo, hi = bisect_right(ends, s.start), bisect_left(starts, s.end)
        if lo < hi:
            return range(lo, hi)
    else:
        lo = bisect_left(ends, s.start)
        if lo < n and starts[lo] <= s.start:
            return range(lo, lo + 1)
    if not s.replacement.strip():
        return range(0)
    before, after = bisect_right(ends, s.start) - 1, bisect_left(starts, s.end)
    if not any(ch.isspace() for ch in s.replacement):  # "wi thout": the gap is closed
        return range(before if before >= 0 else after, min(after + 1, n))
    return range(before, before + 1) if before >= 0 else range(after, min(after + 1, n))


def group_words(
    raw: str, spans: Sequence[tuple[int, int]], chosen: Sequence[Suggestion]
) -> list[tuple[range, str]]:
    """Each word's final text: ``(words, text)`` per group of words (indices into ``spans``,
    word spans of ``raw`` in text order), every word in exactly one group; ``text`` is the
    group's final text with whitespace runs made single spaces, ``""`` for a deleted word.

    >>> raw = "| wi thout tne cata-\\nlogue upthe"
    >>> fix = [Suggestion(0, 2, "| ", "", "margin-junk", 1.0, True),
    ...        Suggestion(2, 10, "wi thout", "without", "join", 0.9, True),
    ...        Suggestion(11, 14, "tne", "the", "word", 0.9, True),
    ...        Suggestion(15, 27, "cata-\\nlogue ", "catalogue\\n", "dehyphenate", 1.0, True),
    ...        Suggestion(27, 32, "upthe", "up the", "split", 0.9, True)]
    >>> [(list(g), text) for g, text in group_words(raw, word_spans(raw), fix)]
    [([0], ''), ([1, 2], 'without'), ([3], 'the'), ([4, 5], 'catalogue'), ([6], 'up the')]
    """
    starts, ends = [a for a, _ in spans], [e for _, e in spans]
    found = sorted(
        ((r, s) for s in chosen if (r := touched(starts, ends, s))),
        key=lambda pair: (pair[0].start, pair[1].start, pair[1].end),
    )
    groups: list[tuple[int, int, list[Suggestion]]] = []
    for r, s in found:
        if groups and r.start < groups[-1][1]:
            first, stop, members = groups[-1]
            groups[-1] = (first, max(stop, r.stop), [*members, s])
        else:
            groups.append((r.start, r.stop, [s]))
    result: list[tuple[range, str]] = []
    at = 0
    for first, stop, members in groups:
        result.extend((range(i, i + 1), raw[slice(*spans[i])]) for i in range(at, first))
        result.append((range(first, stop), group_text(raw, spans[first:stop], members)))
        at = stop
    result.extend((range(i, i + 1), raw[slice(*spans[i])]) for i in range(at, len(spans)))
    return result


def group_text(raw: str, spans: Sequence[tuple[int, int]], members: list[Suggestion]) -> str:
    """The final text of a group of words and the suggestions that touch them, on one line.

    >>> group_text("ho ld", [(0, 2), (3, 5)], [Suggestion(0, 5, "ho ld", "hold", "join", 1, True)])
    'hold'
    """
    start = min(spans[0][0], *(s.start for s in members))
    end = max(spans[-1][1], *(s.end for s in members))
    shifted = [replace(s, start=s.start - start, end=s.end - start) for s in members]
    return " ".join(apply(raw[start:end], shifted).split())


def union(boxes: Sequence[Box]) -> Box:
    """The smallest box around ``boxes``.

    >>> union([(10, 10, 5, 5), (20, 8, 5, 5)])
    (10, 8, 15, 7)
    """
    left = min(b[0] for b in boxes)
    top = min(b[1] for b in boxes)
    right = max(b[0] + b[2] for b in boxes)
    bottom = max(b[1] + b[3] for b in boxes)
    return (left, top, right - left, bottom - top)


def final_words(raw: str, words: Sequence[Word], chosen: Sequence[Suggestion]) -> list[FinalWord]:
    """The boxes of the reviewed pages with their final text, in text order (see the module:
    a group's boxes on its first line are merged, the rest left out; deleted words are gone).
    Its confidence is the lowest OCR confidence of the boxes merged."""
    spans = [(w.start, w.end) for w in words]
    out = []
    for group, text in group_words(raw, spans, chosen):
        if not text:
            continue
        members = [words[i] for i in group]
        first = members[0]
        same_line = [w for w in members if w.line_key == first.line_key]
        merged = replace(
            first,
            box=union([w.box for w in same_line]),
            conf=min(w.conf for w in same_line),
            end=same_line[-1].end,
        )
        original = " ".join(raw[w.start : w.end] for w in members)
        out.append(FinalWord(merged, text, original))
    return out


def line_boxes(words: Sequence[Word]) -> dict[LineKey, Box]:
    """The box of each OCR line (all its words, whatever the review did to them)."""
    found: dict[LineKey, list[Box]] = {}
    for w in words:
        found.setdefault(w.line_key, []).append(w.box)
    return {key: union(boxes) for key, boxes in found.items()}
