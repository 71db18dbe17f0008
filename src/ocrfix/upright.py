"""Which way up a page of text stands, judged from its ink in a few milliseconds.

In Latin-script text, letters that rise above the x-height (b d f h k l t, capitals, the
dot of an i) are about four times as common as letters that drop below the baseline
(g j p q y). So in each text line, more ink lies above the dense core of the line than
below it; on a page turned upside down it is the other way round. The page is cut into
vertical strips (columns and a residual skew then blur the lines less), each strip's
row profile is split into lines, and the balance of ink above and below each line's
core is summed.

Tesseract's orientation detection costs about half a reading of the page; this test
lets :mod:`ocrfix.page` turn a page that is clearly upside down or on its side without
asking it, and not ask it about a page that clearly stands upright. When the balance is
weak (little text, all capitals, another script) it says nothing, and the page search
asks Tesseract as before.
"""

from __future__ import annotations

import numpy as np


def line_bands(profile: np.ndarray, min_rows: int) -> list[tuple[int, int]]:
    """The runs of rows with ink (over 2 % of the fullest row), ``min_rows`` tall or more.

    >>> line_bands(np.array([0, 5, 9, 9, 2, 0, 0, 8, 8, 0]), 2)
    [(1, 5), (7, 9)]
    """
    if profile.size == 0 or profile.max() <= 0:
        return []
    inked = np.concatenate([[0], (profile > 0.02 * profile.max()).astype(np.int8), [0]])
    edges = np.flatnonzero(np.diff(inked))
    return [
        (int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a >= min_rows
    ]


def above_and_below(band: np.ndarray, height: float) -> tuple[float, float] | None:
    """The ink of a line above and below its core, the rows with at least half the ink of
    its fullest row (the x-height, between the peaks of top line and baseline); ``None``
    for a band that is not a line of text ``height`` px high (its core under half or over
    twice that, the band over four times that: text turned on its side, a picture).

    Only ink over a sixth of the core's height away from it counts: the thin tops of
    capitals (A, V, W) and of round letters lie just outside the core, ascenders and
    descenders far from it.

    >>> above_and_below(np.array([2, 2, 2, 2, 10, 10, 10, 10, 10, 10, 1, 1]), 6.0)
    (6.0, 1.0)
    """
    core = np.flatnonzero(band >= 0.5 * band.max())
    top, bottom = int(core[0]), int(core[-1]) + 1
    tall = bottom - top
    if not 0.5 * height <= tall <= 2 * height or band.size > 4 * height:
        return None
    margin = tall // 6
    return float(band[: max(top - margin, 0)].sum()), float(band[bottom + margin :].sum())


def balance(mask: np.ndarray, height: float, strips: int = 4) -> tuple[float, int]:
    """``(ascender ink − descender ink) / (their sum)`` over the page's lines, from +1
    (upright) to −1 (upside down), and how many line pieces it was measured on.

    ``mask`` is the ink, lines running across; ``height`` the x-height in its pixels.
    """
    above = below = 0.0
    lines = 0
    width = mask.shape[1] // strips
    for x in range(0, width * strips, max(width, 1)):
        profile = mask[:, x : x + width : 2].sum(axis=1).astype(np.float64)
        for top, bottom in line_bands(profile, max(3, round(0.5 * height))):
            ink = above_and_below(profile[top:bottom], height)
            if ink is not None:
                above, below, lines = above + ink[0], below + ink[1], lines + 1
    total = above + below
    return ((above - below) / total if total else 0.0), lines


def clear(value: float, lines: int, min_balance: float, min_lines: int) -> bool:
    """Whether a balance says something: far enough from 0, over enough line pieces.

    >>> clear(0.6, 80, 0.25, 20), clear(0.6, 8, 0.25, 20), clear(0.1, 80, 0.25, 20)
    (True, False, False)
    """
    return lines >= min_lines and abs(value) >= min_balance


def judge(
    mask: np.ndarray, height: float, vertical: bool, min_balance: float, min_lines: int
) -> dict:
    """The degrees to turn the page clockwise to stand upright (``turn``: 0, 90, 180 or
    270), or ``None`` when the ink does not say clearly (:func:`clear`); with the
    balance and line count measured.

    A page whose lines run up it (``vertical``) is measured turned a quarter
    counter-clockwise: upright then means it needs 270°, upside down 90°. (Measuring every
    page both ways is worse: rows across a monospaced page on its side, or beside an
    engraving, can show a balance of their own.)
    """
    value, lines = balance(np.rot90(mask) if vertical else mask, height)
    turn = None
    if clear(value, lines, min_balance, min_lines):
        upright = value > 0
        turn = (270 if upright else 90) if vertical else (0 if upright else 180)
    return {"balance": round(value, 3), "lines": lines, "turn": turn}
