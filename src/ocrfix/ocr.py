"""Tesseract's words: a page image in, words with confidences and boxes out (the program
itself is run by :mod:`ocrfix.tesseract`)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ocrfix import tesseract


@dataclass(frozen=True)
class Word:
    """A word as Tesseract read it: text, confidence (0-100) and box, in reading order."""

    block: int
    par: int
    line: int
    word: int
    left: int
    top: int
    width: int
    height: int
    conf: float
    text: str


def word_of(row: dict[str, str]) -> Word:
    """A :class:`Word` from a row of Tesseract's TSV output."""
    return Word(
        int(row["block_num"]),
        int(row["par_num"]),
        int(row["line_num"]),
        int(row["word_num"]),
        int(row["left"]),
        int(row["top"]),
        int(row["width"]),
        int(row["height"]),
        float(row["conf"]),
        row["text"],
    )


def recognize(
    image: np.ndarray | bytes,
    lang: str = "eng",
    psm: int = 3,
    dpi: int = 300,
    timeout: float = tesseract.DEFAULT_TIMEOUT,
) -> list[Word]:
    """Words of a page image (or its PNG bytes), in Tesseract's reading order."""
    rows = tesseract.image_to_tsv(image, lang, psm, dpi, timeout)
    return [word_of(r) for r in rows if r["level"] == "5" and r["text"].strip()]


def timed_recognize(
    image: np.ndarray | bytes,
    lang: str,
    psm: int,
    dpi: int,
    timeout: float = tesseract.DEFAULT_TIMEOUT,
) -> tuple[list[Word], float]:
    """:func:`recognize` and the seconds it took."""
    start = time.perf_counter()
    words = recognize(image, lang, psm, dpi, timeout)
    return words, time.perf_counter() - start


def layout(words: list[Word]) -> tuple[str, list[tuple[int, int]]]:
    """The page text and each word's ``(start, end)`` in it.

    Words of a line are joined by one space, lines by a newline, and paragraphs are
    separated by an empty line; a page with words ends with a newline.

    >>> w = lambda b, p, l, t: Word(b, p, l, 1, 0, 0, 1, 1, 90.0, t)
    >>> layout([w(1, 1, 1, "A"), w(1, 1, 1, "b"), w(1, 1, 2, "c"), w(2, 1, 1, "d")])[0]
    'A b\\nc\\n\\nd\\n'
    """
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    offset = 0
    previous: Word | None = None
    for word in words:
        if previous is not None:
            if (word.block, word.par) != (previous.block, previous.par):
                sep = "\n\n"
            elif word.line != previous.line:
                sep = "\n"
            else:
                sep = " "
            parts.append(sep)
            offset += len(sep)
        parts.append(word.text)
        spans.append((offset, offset + len(word.text)))
        offset += len(word.text)
        previous = word
    if parts:
        parts.append("\n")
    return "".join(parts), spans


def orientation(
    image: np.ndarray, dpi: int = 300, timeout: float = tesseract.DEFAULT_TIMEOUT
) -> tuple[int, float]:
    """Tesseract's orientation detection (OSD): the degrees (0, 90, 180, 270) by which the
    page must be turned clockwise to stand upright, and Tesseract's confidence in it.

    A page with too little text to tell gives ``(0, 0.0)``.
    """
    return tesseract.orientation(image, dpi, timeout)


def mean_confidence(words: list[Word]) -> float:
    """The words' confidence, weighted by their length (0 for no words).

    >>> w = lambda conf, text: Word(1, 1, 1, 1, 0, 0, 1, 1, conf, text)
    >>> mean_confidence([w(90.0, "word"), w(30.0, "a")])
    78.0
    """
    chars = sum(len(w.text) for w in words)
    return sum(w.conf * len(w.text) for w in words) / chars if chars else 0.0
