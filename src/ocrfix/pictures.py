"""Pictures, ornaments and rules: found on the page image and in Tesseract's words, so
that what Tesseract read in them stays out of the text.

Two signals, each from small pure functions:

- **the image** (:func:`regions`): connected components of ink that are not letter-shaped —
  very large ones (a figure's outline, a decorated initial), long thin rules, thin strokes
  of line art (a hatching line covers little of its box), solid blots (ornaments) — and
  the areas where such components make up most of the ink (an engraving's hatching);
  beside them the mid-grey areas of :func:`ocrfix.preprocess.pictures` (photographs). Each
  region is a box ``(left, top, right, bottom)`` in the prepared image's pixels.
- **Tesseract's words** (:func:`picture_flags`): lines most of whose words are junk — few
  letters, a poor confidence, not a word of the language, a box far taller than the
  page's text — inside or touching a region, or in a run of such lines.

A word flagged here gets the zone ``picture`` (:mod:`ocrfix.layout`); the pipeline removes
the flagged words from ``clean.txt`` with suggestions of the rule ``picture``
(:func:`removal_spans`), automatic where the junk lies in a region, for review otherwise.
``raw.txt`` keeps every word. A caption (``FIG. 3. A TABBY WEAVE.``: real words, read with
confidence) is text and stays.
"""

from __future__ import annotations

import functools
import itertools
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import regex
from wordfreq import zipf_frequency

from ocrfix.ocr import Word

Box = tuple[int, int, int, int]  # left, top, right, bottom (exclusive), in pixels
RULE = "picture"


@dataclass(frozen=True)
class PictureConfig:
    """Every number the picture finder decides by (sizes in x-heights of the text)."""

    big_height: float = 4.0  # a component this tall ...
    big_width: float = 2.0  # ... and this wide is no letter (a figure, an initial)
    rule_length: float = 10.0  # a rule: this long ...
    rule_thickness: float = 0.5  # ... and at most this thick
    stroke_size: float = 1.2  # a stroke of line art: this long ...
    stroke_fill: float = 0.12  # ... covering at most this share of its box
    blot_size: float = 1.0  # an ornament: this large both ways ...
    blot_fill: float = 0.7  # ... and at least this solid
    cell: float = 2.0  # the grid on which line art is measured
    odd_share: float = 0.5  # a cell whose ink is this much odd components is line art
    min_cells: int = 4  # the fewest cells of line art that make a picture
    min_odd: int = 6  # ... holding at least this many odd components
    touch: float = 0.5  # a word this near a region (in word heights) touches it
    low_conf: float = 50.0  # a word read with less confidence is junk
    doubt_conf: float = 80.0  # ... and one under this is junk unless it is a word
    min_zipf: float = 3.0  # a word at least this frequent (wordfreq) is a word
    caps_zipf: float = 2.5  # ... or, written in capitals, this frequent
    oversized: float = 1.8  # a word box this many times the text's height is suspect
    junk_share: float = 0.6  # a line this much junk is a picture's line
    min_run: int = 2  # junk lines in a row that make a picture the image did not show
    sure_score: float = 0.95  # the score of an automatic removal
    doubt_score: float = 0.5  # ... and of one left for review


CONFIG = PictureConfig()


# ---------------------------------------------------------------- the image


def odd_components(stats: np.ndarray, height: float, cfg: PictureConfig = CONFIG) -> np.ndarray:
    """For each component (OpenCV's stats: left, top, width, height, area; row 0 the
    background), whether it is not letter-shaped: big, a rule, a thin stroke or a blot.

    >>> stats = np.array([[0, 0, 900, 900, 0], [10, 10, 20, 25, 200], [0, 50, 400, 4, 1600],
    ...                   [50, 100, 40, 40, 110], [0, 200, 150, 150, 9000]])
    >>> odd_components(stats, 25.0).tolist()
    [False, False, True, True, True]
    """
    w = stats[:, cv2.CC_STAT_WIDTH].astype(np.float64)
    h = stats[:, cv2.CC_STAT_HEIGHT].astype(np.float64)
    fill = stats[:, cv2.CC_STAT_AREA] / np.maximum(w * h, 1)
    big = (h >= cfg.big_height * height) & (w >= cfg.big_width * height)
    long, thin = cfg.rule_length * height, cfg.rule_thickness * height
    rule = ((w >= long) & (h <= thin)) | ((h >= long) & (w <= thin))
    stroke = (np.maximum(w, h) >= cfg.stroke_size * height) & (fill <= cfg.stroke_fill)
    size = cfg.blot_size * height
    blot = (w >= size) & (h >= size) & (fill >= cfg.blot_fill)
    odd = big | rule | stroke | blot
    odd[0] = False
    return odd


def boxes_of(stats: np.ndarray, which: np.ndarray) -> list[Box]:
    """The boxes of the components selected by ``which``.

    >>> boxes_of(np.array([[0, 0, 9, 9, 0], [2, 3, 4, 5, 6]]), np.array([False, True]))
    [(2, 3, 6, 8)]
    """
    x, y = stats[which, cv2.CC_STAT_LEFT], stats[which, cv2.CC_STAT_TOP]
    w, h = stats[which, cv2.CC_STAT_WIDTH], stats[which, cv2.CC_STAT_HEIGHT]
    return [(int(a), int(b), int(a + c), int(b + d)) for a, b, c, d in zip(x, y, w, h, strict=True)]


def line_art(
    stats: np.ndarray,
    odd: np.ndarray,
    shape: tuple[int, int],
    height: float,
    cfg: PictureConfig = CONFIG,
) -> list[Box]:
    """Areas where odd components make up most of the ink (hatching, crossed lines).

    Each component's area is counted in the grid cell (``cell`` x-heights square) of its
    centre; cells whose ink is ``odd_share`` odd or more are joined, and an area of
    ``min_cells`` cells holding ``min_odd`` odd components or more is a region, boxed by
    its odd components.

    >>> strokes = [[20 + 30 * (k % 8), 20 + 30 * (k // 8), 40, 40, 100] for k in range(40)]
    >>> line_art(np.array([[0, 0, 400, 400, 0], *strokes]),
    ...          np.array([False] + [True] * 40), (400, 400), 25.0)
    [(20, 20, 270, 180)]
    """
    if len(stats) <= 1:
        return []
    cell = max(4, round(cfg.cell * height))
    rows, cols = shape[0] // cell + 1, shape[1] // cell + 1
    x, y = stats[1:, cv2.CC_STAT_LEFT], stats[1:, cv2.CC_STAT_TOP]
    w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    area, strange = stats[1:, cv2.CC_STAT_AREA].astype(np.float64), odd[1:]
    cy = np.clip((y + h // 2) // cell, 0, rows - 1)
    cx = np.clip((x + w // 2) // cell, 0, cols - 1)
    index = cy * cols + cx
    total = np.bincount(index, area, minlength=rows * cols)
    oddish = np.bincount(index, area * strange, minlength=rows * cols)
    art = (oddish >= cfg.odd_share * np.maximum(total, 1)) & (oddish > 0)
    grid = art.reshape(rows, cols).astype(np.uint8)
    grid = cv2.morphologyEx(grid, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    count, labels, cells, _ = cv2.connectedComponentsWithStats(grid, connectivity=8)
    region = labels.ravel()[index]
    found = []
    for label in range(1, count):
        members = (region == label) & strange
        if cells[label, cv2.CC_STAT_AREA] < cfg.min_cells or members.sum() < cfg.min_odd:
            continue
        left, top = int(x[members].min()), int(y[members].min())
        found.append((left, top, int((x + w)[members].max()), int((y + h)[members].max())))
    return found


def mask_boxes(mask: np.ndarray) -> list[Box]:
    """The boxes of the connected areas of a boolean mask (a picture mask).

    >>> m = np.zeros((10, 10), bool); m[2:4, 3:7] = True
    >>> mask_boxes(m)
    [(3, 2, 7, 4)]
    """
    if not mask.any():
        return []
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    return boxes_of(stats, np.arange(count) > 0)


def overlap(a: Box, b: Box) -> bool:
    """Whether two boxes share some area.

    >>> overlap((0, 0, 10, 10), (5, 5, 20, 20)), overlap((0, 0, 10, 10), (10, 0, 20, 10))
    (True, False)
    """
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def merge_boxes(boxes: Sequence[Box]) -> list[Box]:
    """Overlapping boxes joined into one, until none overlap; sorted.

    >>> merge_boxes([(0, 0, 10, 10), (5, 5, 20, 20), (30, 30, 40, 40)])
    [(0, 0, 20, 20), (30, 30, 40, 40)]
    """
    merged = sorted(set(boxes))
    changed = True
    while changed:
        changed = False
        out: list[Box] = []
        for box in merged:
            for k, other in enumerate(out):
                if overlap(box, other):
                    out[k] = (
                        min(box[0], other[0]),
                        min(box[1], other[1]),
                        max(box[2], other[2]),
                        max(box[3], other[3]),
                    )
                    changed = True
                    break
            else:
                out.append(box)
        merged = sorted(out)
    return merged


def regions(
    stats: np.ndarray,
    picture: np.ndarray,
    height: float,
    cfg: PictureConfig = CONFIG,
) -> list[Box]:
    """Every non-text region of a page, in the coordinates of the components (and of the
    ``picture`` mask, of the same size): the odd components large enough to stand alone
    (a figure, a rule, a decorated initial), the areas of line art, and the mid-grey
    mask's areas.

    >>> stats = np.array([[0, 0, 900, 900, 0], [10, 10, 20, 25, 200], [0, 50, 400, 4, 1600]])
    >>> regions(stats, np.zeros((900, 900), bool), 25.0)
    [(0, 50, 400, 54)]
    """
    odd = odd_components(stats, height, cfg)
    w = stats[:, cv2.CC_STAT_WIDTH].astype(np.float64)
    h = stats[:, cv2.CC_STAT_HEIGHT].astype(np.float64)
    alone = odd & ((np.maximum(w, h) >= cfg.big_height * height) | (w * h >= (2 * height) ** 2))
    found = boxes_of(stats, alone) + line_art(stats, odd, picture.shape, height, cfg)
    return merge_boxes(found + mask_boxes(picture))


def rotate_boxes(boxes: Sequence[Box], degrees: float, shape: tuple[int, int]) -> list[Box]:
    """The boxes after the page (of ``shape``) is turned ``degrees`` counter-clockwise about
    its centre, as :func:`ocrfix.preprocess.rotate` turns it: each the box around its
    turned corners, kept on the page.

    >>> rotate_boxes([(10, 20, 30, 40)], 0.0, (100, 100))
    [(10, 20, 30, 40)]
    >>> rotate_boxes([(0, 0, 10, 10)], 90.0, (100, 100))
    [(0, 90, 10, 100)]
    """
    if not degrees or not boxes:
        return list(boxes)
    h, w = shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    out = []
    for left, top, right, bottom in boxes:
        corners = np.array([[left, top, 1], [right, top, 1], [left, bottom, 1], [right, bottom, 1]])
        turned = corners @ matrix.T
        x0, y0 = np.floor(turned.min(axis=0) + 1e-6).astype(int)
        x1, y1 = np.ceil(turned.max(axis=0) - 1e-6).astype(int)
        out.append((max(0, int(x0)), max(0, int(y0)), min(w, int(x1)), min(h, int(y1))))
    return out


def flip_boxes(boxes: Sequence[Box], shape: tuple[int, int]) -> list[Box]:
    """The boxes on the page (of ``shape``) turned 180°.

    >>> flip_boxes([(0, 0, 10, 20)], (100, 50))
    [(40, 80, 50, 100)]
    """
    h, w = shape
    return [(w - right, h - bottom, w - left, h - top) for left, top, right, bottom in boxes]


# ---------------------------------------------------------------- Tesseract's words

_EDGE = regex.compile(r"^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$")
_ALNUM = regex.compile(r"[\p{L}\p{N}]")
_SINGLE_WORDS = frozenset("aAI")


@functools.lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """wordfreq's Zipf frequency of an English word (lower case).

    >>> zipf("weave") > 3 > zipf("rqira")
    True
    """
    return zipf_frequency(word, "en")


def is_word(core: str, cfg: PictureConfig = CONFIG) -> bool:
    """Whether ``core`` (a token without its edge punctuation) is a word of the language
    or a number.

    >>> [is_word(w) for w in ("weave", "TABBY", "3", "A", "N", "Yq", "rqira")]
    [True, True, True, True, False, False, False]
    """
    if core.isdigit():
        return True
    if len(core) == 1:
        return core in _SINGLE_WORDS
    floor = cfg.caps_zipf if core.isupper() else cfg.min_zipf
    return zipf(core.lower()) >= floor


def is_junk(text: str, conf: float, oversized: bool, cfg: PictureConfig = CONFIG) -> bool:
    """Whether a word Tesseract read looks like a reading of a picture: mostly not letters
    or digits, a poor confidence, not a word (unless read with confidence), or a box far
    taller than the text's with any doubt at all.

    >>> is_junk("weave", 96.0, False), is_junk("|", 90.0, False), is_junk("Yq", 70.0, False)
    (False, True, True)
    >>> is_junk("AA", 52.0, True), is_junk("TABBY", 95.0, False), is_junk("bye", 40.0, False)
    (True, False, True)
    """
    core = _EDGE.sub("", text)
    if not core or 2 * len(_ALNUM.findall(text)) < len(text):
        return True
    if conf < cfg.low_conf:
        return True
    word = is_word(core, cfg)
    if oversized:
        return conf < cfg.doubt_conf or not word
    return not word and conf < cfg.doubt_conf


def text_height(words: Sequence[Word], cfg: PictureConfig = CONFIG) -> float:
    """The usual height of a word's box on the page: the median over the confident words
    (over all of them when none is).

    >>> w = lambda h, c: Word(1, 1, 1, 1, 0, 0, 10, h, c, "word")
    >>> text_height([w(30, 95.0), w(34, 95.0), w(120, 20.0)])
    32.0
    """
    good = [w.height for w in words if w.conf >= cfg.doubt_conf] or [w.height for w in words]
    return float(np.median(good)) if good else 0.0


def touches(word: Word, boxes: Sequence[Box], margin: float) -> bool:
    """Whether the word's centre lies in one of the boxes, grown by ``margin`` pixels.

    >>> touches(Word(1, 1, 1, 1, 10, 10, 10, 10, 90.0, "x"), [(0, 0, 12, 12)], 5)
    True
    """
    cx, cy = word.left + word.width / 2, word.top + word.height / 2
    return any(
        b[0] - margin <= cx <= b[2] + margin and b[1] - margin <= cy <= b[3] + margin for b in boxes
    )


def line_groups(words: Sequence[Word]) -> list[list[int]]:
    """The indices of each line's words (Tesseract's block, paragraph and line), in the
    order the lines first appear.

    >>> w = lambda line: Word(1, 1, line, 1, 0, 0, 1, 1, 90.0, "x")
    >>> line_groups([w(1), w(1), w(2), w(1)])
    [[0, 1, 3], [2]]
    """
    groups: dict[tuple[int, int, int], list[int]] = {}
    for i, w in enumerate(words):
        groups.setdefault((w.block, w.par, w.line), []).append(i)
    return list(groups.values())


def true_runs(flags: Sequence[bool]) -> list[tuple[int, int]]:
    """The ``(start, end)`` of each run of Trues, ``end`` exclusive.

    >>> true_runs([True, False, True, True, False]), true_runs([False, True])
    ([(0, 1), (2, 4)], [(1, 2)])
    """
    runs, start = [], 0
    for flag, group in itertools.groupby(flags):
        end = start + sum(1 for _ in group)
        if flag:
            runs.append((start, end))
        start = end
    return runs


def in_runs(flags: Sequence[bool], length: int) -> list[bool]:
    """Whether each flag is True within a run of at least ``length`` Trues.

    >>> in_runs([True, False, True, True, False], 2)
    [False, False, True, True, False]
    """
    out = [False] * len(flags)
    for start, end in true_runs(flags):
        if end - start >= length:
            out[start:end] = [True] * (end - start)
    return out


def picture_flags(
    words: Sequence[Word], boxes: Sequence[Box] = (), cfg: PictureConfig = CONFIG
) -> list[bool]:
    """For each word, whether it is a reading of a picture, not text.

    In a line that is ``junk_share`` junk or more, every word inside or touching a region
    is flagged, and every junk word when some word of the line is in a region or the line
    is one of ``min_run`` such lines in a row (a picture the image did not show); in any
    other line, only the junk words in a region (a decorated initial before its line).

    >>> w = lambda line, x, conf, t: Word(1, 1, line, 1, x, 100 * line, 40, 30, conf, t)
    >>> words = [w(1, 0, 96.0, "The"), w(1, 50, 95.0, "loom"),
    ...          w(2, 0, 30.0, "Aa"), w(2, 50, 20.0, "|"), w(3, 0, 40.0, "aan")]
    >>> picture_flags(words), picture_flags(words[:4])
    ([False, False, True, True, True], [False, False, False, False])
    >>> picture_flags(words[:4], [(0, 190, 100, 240)])
    [False, False, True, True]
    """
    flags = [False] * len(words)
    if not words:
        return flags
    typical = text_height(words, cfg)
    margin = cfg.touch * typical
    junk = [is_junk(w.text, w.conf, w.height > cfg.oversized * typical, cfg) for w in words]
    near = [bool(boxes) and touches(w, boxes, margin) for w in words]
    lines = line_groups(words)
    bad = [sum(junk[i] for i in line) >= cfg.junk_share * len(line) for line in lines]
    runs = in_runs(bad, cfg.min_run)
    for k, line in enumerate(lines):
        some_near = any(near[i] for i in line)
        for i in line:
            if bad[k]:
                flags[i] = near[i] or (junk[i] and (some_near or runs[k]))
            else:
                flags[i] = junk[i] and near[i]
    return flags


# ---------------------------------------------------------------- removal from the text


def text_lines(text: str, spans: Sequence[tuple[int, int]]) -> list[list[int]]:
    """The words of a page's text (their ``spans`` in it) grouped by the text's lines.

    >>> text_lines("a b\\nc\\n", [(0, 1), (2, 3), (4, 5)])
    [[0, 1], [2]]
    """
    lines: list[list[int]] = []
    for i, (start, _end) in enumerate(spans):
        if i and "\n" not in text[spans[i - 1][1] : start]:
            lines[-1].append(i)
        else:
            lines.append([i])
    return lines


def removal_spans(
    text: str,
    spans: Sequence[tuple[int, int]],
    flags: Sequence[bool],
    sure: Sequence[bool],
) -> list[tuple[int, int, bool]]:
    """The stretches of a page's text that remove its flagged words, each with whether
    every word in it is ``sure``: ``(start, end, sure)`` in text order, none overlapping.

    Flagged words inside a line go with the space after them (before them at the line's
    end). Whole flagged lines in a row go with the line breaks on one side, so that the
    neighbouring lines are neither glued together nor lose their paragraph break: the
    longer of the breaks before and after the run is kept.

    >>> t = "Text one.\\n\\nAa Ad\\nbye ET\\n\\nFIG. 3.\\n"
    >>> sp = [(0, 4), (5, 9), (11, 13), (14, 16), (17, 20), (21, 23), (25, 29), (30, 32)]
    >>> fl = [False, False, True, True, True, True, False, False]
    >>> [(t[s:e], ok) for s, e, ok in removal_spans(t, sp, fl, [True] * 8)]
    [('Aa Ad\\nbye ET\\n\\n', True)]
    >>> removal_spans("7a The loom\\n", [(0, 2), (3, 6), (7, 11)], [True, False, False], [True] * 3)
    [(0, 3, True)]
    """
    lines = text_lines(text, spans)
    whole = [all(flags[i] for i in line) for line in lines]
    found: list[tuple[int, int, bool]] = []
    for line, gone in zip(lines, whole, strict=True):
        if not gone:
            found += _inline(spans, line, flags, sure)
    for first, end in true_runs(whole):
        found += _whole_run(text, spans, lines, first, end - 1, sure)
    return sorted(found)


def _inline(
    spans: Sequence[tuple[int, int]], line: list[int], flags: Sequence[bool], sure: Sequence[bool]
) -> list[tuple[int, int, bool]]:
    """The runs of flagged words inside a line that keeps some of its words."""
    out = []
    for k, end in true_runs([flags[i] for i in line]):
        ok = all(sure[i] for i in line[k:end])
        if end < len(line):  # with the space after it
            out.append((spans[line[k]][0], spans[line[end]][0], ok))
        else:  # at the line's end: with the space before it
            out.append((spans[line[k - 1]][1], spans[line[end - 1]][1], ok))
    return out


def _whole_run(
    text: str,
    spans: Sequence[tuple[int, int]],
    lines: list[list[int]],
    first: int,
    last: int,
    sure: Sequence[bool],
) -> list[tuple[int, int, bool]]:
    """The whole flagged lines ``first..last`` in a row, split where ``sure`` changes."""
    start = spans[lines[first][0]][0]
    stop = spans[lines[last][-1]][1]
    before = spans[lines[first - 1][-1]][1] if first else None
    after = spans[lines[last + 1][0]][0] if last + 1 < len(lines) else None
    if before is None:
        take_after = True
    elif after is None:
        take_after = False
    else:
        take_after = after - stop <= start - before  # the longer break is kept
    status = [all(sure[i] for i in lines[k]) for k in range(first, last + 1)]
    out = []
    group = first
    for k in range(first, last + 1):
        if k < last and status[k + 1 - first] == status[k - first]:
            continue
        if take_after:
            begin = spans[lines[group][0]][0]
            end = spans[lines[k + 1][0]][0] if k < last else (len(text) if after is None else after)
        else:
            begin = spans[lines[group - 1][-1]][1] if group > first else before
            end = spans[lines[k][-1]][1]
        out.append((begin, end, status[k - first]))
        group = k + 1
    return out


def masked(raw: str, spans: Sequence[tuple[int, int]]) -> str:
    """``raw`` with the characters of ``spans`` turned to spaces, line and page breaks
    kept: what the corrector reads, so that a picture's junk teaches it nothing (offsets
    are kept, so its other suggestions fit ``raw``).

    >>> masked("ab Aa Ad\\ncd", [(3, 9)])
    'ab      \\ncd'
    """
    if not spans:
        return raw
    pieces, cursor = [], 0
    for start, end in sorted(spans):
        pieces.append(raw[cursor:start])
        pieces.append(regex.sub(r"[^\n\f]", " ", raw[start:end]))
        cursor = end
    pieces.append(raw[cursor:])
    return "".join(pieces)


def sure_flags(
    words: Sequence[Word],
    flags: Sequence[bool],
    boxes: Sequence[Box],
    cfg: PictureConfig = CONFIG,
) -> list[bool]:
    """For each flagged word, whether its removal is sure enough to be automatic: it lies
    in (or touches) a region the image showed. The others are left for review.

    >>> w = Word(1, 1, 1, 1, 10, 10, 10, 10, 30.0, "Aa")
    >>> sure_flags([w, w], [True, False], [(0, 0, 30, 30)]), sure_flags([w], [True], [])
    ([True, False], [False])
    """
    margin = cfg.touch * text_height(words, cfg)
    return [flag and touches(w, boxes, margin) for w, flag in zip(words, flags, strict=True)]


def covers(removals: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Whether the span ``start..end`` overlaps one of the sorted, disjoint ``removals``
    (an insertion counts when it falls strictly inside one).

    >>> r = [(10, 20), (30, 40)]
    >>> covers(r, 5, 12), covers(r, 20, 30), covers(r, 15, 15), covers(r, 10, 10)
    (True, False, True, False)
    """
    k = bisect_right(removals, (start, float("inf"))) - 1
    for r_start, r_end in removals[max(k, 0) : k + 2]:
        if start == end:
            if r_start < start < r_end:
                return True
        elif start < r_end and r_start < end:
            return True
    return False
