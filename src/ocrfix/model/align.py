"""Pairs of OCR and truth, aligned character by character.

A pair is two texts whose lines correspond (``NAME.ocr.txt`` and ``NAME.gt.txt``, or a
document's ``raw.txt`` and the ``final.txt`` a reviewer made). Each line pair is aligned
by Levenshtein edit operations; runs of edits between stretches of agreement become
*edit regions*: what the truth had there and what the OCR printed instead. Everything the
model learns is counted from these regions and from the text around them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import regex
from rapidfuzz.distance import Levenshtein

QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "¬": "-"})
SPACES = regex.compile(r"[ \t]+")


@dataclass(frozen=True)
class Region:
    """One run of edits: the truth's ``intended`` text printed as ``observed``, with the
    agreeing text just before and after it (in the truth)."""

    observed: str
    intended: str
    before: str
    after: str


@dataclass(frozen=True)
class Pair:
    """An OCR text and its truth, with a name for messages."""

    name: str
    ocr: str
    truth: str


def normalise(line: str) -> str:
    """A line as the model sees it: quotes folded, runs of spaces made one, ends trimmed."""
    return SPACES.sub(" ", line.translate(QUOTES)).strip()


def line_pairs(pair: Pair) -> Iterator[tuple[str, str]]:
    """The pair's lines side by side (normalised); where the two texts have a different
    number of lines, each is taken as one line."""
    ocr, truth = pair.ocr.splitlines(), pair.truth.splitlines()
    if len(ocr) != len(truth):
        ocr, truth = [" ".join(ocr)], [" ".join(truth)]
    for o, t in zip(ocr, truth, strict=True):
        o, t = normalise(o), normalise(t)
        if o or t:
            yield o, t


def regions(observed: str, intended: str) -> Iterator[Region]:
    """The edit regions of one line pair (the OCR's line, the truth's line), lower case.

    >>> [(r.observed, r.intended) for r in regions("tbe rnan", "the man")]
    [('b', 'h'), ('rn', 'm')]
    """
    o, t = observed.lower(), intended.lower()
    ops = [op for op in Levenshtein.opcodes(o, t) if op.tag != "equal"]
    k = 0
    while k < len(ops):
        first = last = ops[k]
        while (
            k + 1 < len(ops)
            and ops[k + 1].src_start == last.src_end
            and (ops[k + 1].dest_start == last.dest_end)
        ):
            k += 1
            last = ops[k]
        yield Region(
            o[first.src_start : last.src_end],
            t[first.dest_start : last.dest_end],
            t[max(0, first.dest_start - 2) : first.dest_start],
            t[last.dest_end : last.dest_end + 2],
        )
        k += 1


def read_pairs(paths: list[Path]) -> list[Pair]:
    """Pairs from folders of ``NAME.ocr.txt``/``NAME.gt.txt`` files or of ocrfix document
    folders (``raw.txt`` with a reviewer's ``final.txt``), in name order."""
    found: list[Pair] = []
    for path in paths:
        if (path / "raw.txt").is_file() and (path / "final.txt").is_file():
            found.append(_pair(path.name, path / "raw.txt", path / "final.txt"))
            continue
        for ocr in sorted(path.glob("*.ocr.txt")):
            name = ocr.name[: -len(".ocr.txt")]
            truth = ocr.with_name(name + ".gt.txt")
            if truth.is_file() and "_unsure" not in name:
                found.append(_pair(name, ocr, truth))
        for folder in sorted(p for p in path.iterdir() if p.is_dir()):
            if (folder / "raw.txt").is_file() and (folder / "final.txt").is_file():
                found.append(_pair(folder.name, folder / "raw.txt", folder / "final.txt"))
    return found


def _pair(name: str, ocr: Path, truth: Path) -> Pair:
    read = lambda p: p.read_text("utf-8", errors="replace")  # noqa: E731
    return Pair(name, read(ocr), read(truth))
