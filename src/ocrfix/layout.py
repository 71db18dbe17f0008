"""Page layout after OCR: reading order by columns, and the page's furniture.

Tesseract's words come in its reading order. On a page with columns (found by
:func:`ocrfix.preprocess.find_gutters`) the words are put in column order: what stands
above the columns, then each column top to bottom, then what stands below them. Nothing
is dropped and no word is changed.

Running headers, footers and page numbers are *marked*, not removed: each word gets a zone
(``body``, ``header``, ``footer`` or ``page-number``) that the text stage can use to keep
them out of running text. What Tesseract read in a picture, an ornament or a rule gets the
zone ``picture`` (:mod:`ocrfix.pictures`); the pipeline removes it from ``clean.txt`` by
suggestions. ``raw.txt`` still holds every word.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass

import regex

from ocrfix import pictures
from ocrfix.ocr import Word

BODY, HEADER, FOOTER, PAGE_NUMBER = "body", "header", "footer", "page-number"
PICTURE = pictures.RULE
ZONES = (BODY, HEADER, FOOTER, PAGE_NUMBER, PICTURE)
CANDIDATE = "?"  # suffix of a zone that needs a second page to confirm it

# A page number on a line of its own: 12, - 12 -, [12], p. 12, Page 12, xiv.
_PAGE_NUMBER = regex.compile(
    r"^[-–—(\[]?\s*(?:(?:page|p\.?)\s*)?(?:\d{1,4}|[ivxlcdm]{1,7})\s*[-–—)\]]?\.?$",
    flags=regex.I,
)
_NUMBER = regex.compile(r"^[-–—(\[]?\d{1,4}[-–—)\]]?$")
# Words that make "Chapter 3" a heading, not a running head with its page number.
_HEADING_WORDS = frozenset(
    {"chapter", "part", "section", "book", "volume", "vol", "vol.", "no", "no.", "number"}
    | {"article", "lesson", "act", "scene", "psalm", "canto", "appendix", "table", "figure"}
)
# Share of the page's height, from the top or bottom, where running lines stand.
MARGIN_SHARE = 0.14
MAX_RUNNING_WORDS = 12


# ---------------------------------------------------------------- columns


def region_of(word: Word, gutters: list[dict]) -> int:
    """0 above the columns, 1..n+1 the columns left to right, n+2 below them."""
    if not gutters:
        return 0
    top = min(g["top"] for g in gutters)
    bottom = max(g["bottom"] for g in gutters)
    cy = word.top + word.height / 2
    if cy < top:
        return 0
    if cy > bottom:
        return len(gutters) + 2
    cx = word.left + word.width / 2
    return 1 + sum(cx > g["x"] for g in gutters)


def order_by_columns(words: list[Word], gutters: list[dict]) -> list[Word]:
    """The words in column order (stable: Tesseract's order is kept within a region).

    When the order changes, each word's block number is offset by 1000 times its region,
    so that a line Tesseract read across the gutter becomes two lines, one per column.

    >>> w = lambda n, x, y, t: Word(1, 1, n, 1, x, y, 40, 20, 90.0, t)
    >>> words = [w(1, 0, 0, "a"), w(1, 200, 0, "c"), w(2, 0, 30, "b"), w(2, 200, 30, "d")]
    >>> [x.text for x in order_by_columns(words, [{"x": 100, "top": 0, "bottom": 60}])]
    ['a', 'b', 'c', 'd']
    """
    if not gutters:
        return words
    regions = [region_of(w, gutters) for w in words]
    order = sorted(range(len(words)), key=lambda i: regions[i])
    if order == list(range(len(words))):
        return words
    return [dataclasses.replace(words[i], block=words[i].block + 1000 * regions[i]) for i in order]


# ---------------------------------------------------------------- furniture


@dataclass(frozen=True)
class Line:
    """A line of words: the indices of its words, its box and text."""

    indices: tuple[int, ...]
    top: int
    bottom: int
    text: str


def lines_of(words: list[Word]) -> list[Line]:
    """The page's lines (Tesseract's block, paragraph and line), top to bottom."""
    groups: dict[tuple[int, int, int], list[int]] = {}
    for i, w in enumerate(words):
        groups.setdefault((w.block, w.par, w.line), []).append(i)
    lines = [
        Line(
            tuple(idx),
            min(words[i].top for i in idx),
            max(words[i].top + words[i].height for i in idx),
            " ".join(words[i].text for i in idx),
        )
        for idx in groups.values()
    ]
    return sorted(lines, key=lambda line: (line.top, line.indices))


def is_page_number(text: str) -> bool:
    """True for a line that is only a page number.

    >>> [is_page_number(t) for t in ("12", "- 12 -", "Page 3", "xiv", "12 apples")]
    [True, True, True, True, False]
    """
    return bool(_PAGE_NUMBER.match(text.strip()))


def running_kind(text: str) -> str:
    """How a short line standing apart at the top or bottom of a page reads:
    ``page-number`` (a number alone), ``numbered`` (words with a page number at one end,
    as running heads have) or ``plain`` (words only; a title, or a running line that
    needs a second page to tell).

    >>> running_kind("14"), running_kind("THE RIVER TRADE 14"), running_kind("The river trade")
    ('page-number', 'numbered', 'plain')
    >>> running_kind("Chapter 3"), running_kind("1. Introduction")
    ('plain', 'plain')
    """
    if is_page_number(text):
        return PAGE_NUMBER
    tokens = text.split()
    if len(tokens) >= 2 and _NUMBER.match(tokens[0]):
        return "numbered"
    if len(tokens) >= 2 and _NUMBER.match(tokens[-1]):
        return "plain" if tokens[-2].lower() in _HEADING_WORDS else "numbered"
    return "plain"


def stands_apart(lines: list[Line], index: int, line_height: float) -> bool:
    """True when the line at ``index`` is separated from its neighbour towards the body of
    the page by more than an ordinary line gap."""
    neighbour = lines[index + 1] if index == 0 else lines[index - 1]
    line = lines[index]
    gap = neighbour.top - line.bottom if index == 0 else line.top - neighbour.bottom
    return gap > 0.9 * line_height


def zones(
    words: list[Word], page_height: int, picture_boxes: list[pictures.Box] | None = None
) -> list[str]:
    """Each word's zone; a plain line standing apart at the top or bottom of the page is
    marked ``header?`` or ``footer?``, for :func:`confirm_running` to decide. Words read
    in a picture (:func:`ocrfix.pictures.picture_flags`, with the page's ``picture_boxes``)
    are ``picture``, and the running lines are looked for among the others."""
    flags = pictures.picture_flags(words, picture_boxes or [])
    result = [PICTURE if flag else BODY for flag in flags]
    kept = [i for i, flag in enumerate(flags) if not flag]
    lines = [
        dataclasses.replace(line, indices=tuple(kept[i] for i in line.indices))
        for line in lines_of([words[i] for i in kept])
    ]
    if len(lines) < 3:
        return result
    heights = sorted(line.bottom - line.top for line in lines)
    line_height = heights[len(heights) // 2]
    for index, side in ((0, HEADER), (len(lines) - 1, FOOTER)):
        line = lines[index]
        in_margin = (
            line.bottom < MARGIN_SHARE * page_height
            if side == HEADER
            else line.top > (1 - MARGIN_SHARE) * page_height
        )
        if not in_margin or len(line.indices) > MAX_RUNNING_WORDS:
            continue
        if not stands_apart(lines, index, line_height):
            continue
        kind = running_kind(line.text)
        zone = PAGE_NUMBER if kind == PAGE_NUMBER else side
        if kind == "plain":
            zone += CANDIDATE
        for i in line.indices:
            result[i] = zone
    return result


def _key(words: list[Word], page_zones: list[str], zone: str) -> str:
    text = " ".join(w.text for w, z in zip(words, page_zones, strict=True) if z == zone)
    return regex.sub(r"[\W\d_]+", "", text.lower())


def confirm_running(pages: list[tuple[list[Word], list[str]]]) -> list[list[str]]:
    """The zones of a document's pages with every candidate decided: a plain line at the
    top (bottom) of a page is a running header (footer) when the same words, numbers
    aside, stand there on another page too; otherwise it is body text (a title)."""
    counts: Counter[tuple[str, str]] = Counter()
    for words, page_zones in pages:
        for zone in (HEADER, FOOTER):
            key = _key(words, page_zones, zone + CANDIDATE)
            if key:
                counts[zone, key] += 1
    decided = []
    for words, page_zones in pages:
        keys = {z: _key(words, page_zones, z + CANDIDATE) for z in (HEADER, FOOTER)}
        out = []
        for z in page_zones:
            if z.endswith(CANDIDATE):
                base = z[: -len(CANDIDATE)]
                z = base if counts[base, keys[base]] >= 2 else BODY
            out.append(z)
        decided.append(out)
    return decided


def furniture(raw: str, pages: list[tuple[str, list[tuple[int, int]], list[str]]]) -> list[dict]:
    """The marked lines of a document as spans of ``raw`` (pages joined by form feeds):
    ``{"page", "zone", "start", "end", "text"}``, one per run of words of the same zone.

    ``pages`` gives each page's text, its words' spans in that text and their zones.
    """
    found: list[dict] = []
    offset = 0
    for number, (text, spans, page_zones) in enumerate(pages, start=1):
        for (start, end), zone in zip(spans, page_zones, strict=True):
            if zone == BODY:
                continue
            last = found[-1] if found else None
            if last and last["page"] == number and last["zone"] == zone:
                last["end"] = offset + end
            else:
                found.append(
                    {"page": number, "zone": zone, "start": offset + start, "end": offset + end}
                )
        offset += len(text) + 1  # the form feed between pages
    for item in found:
        item["text"] = raw[item["start"] : item["end"]]
    return found
