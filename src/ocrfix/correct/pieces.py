"""Cutting a long text into pieces the corrector can take one at a time.

The corrector holds a few hundred bytes per word of the text it works on (chunks, the
choices being made), so a long text is corrected piece by piece, each at most
:attr:`PieceSettings.max_chars` long, and each piece's suggestions are shifted by the
piece's start. A cut goes where no decision of the corrector looks across it:

1. after a page break, or after a blank line, unless the line before the blank one ends
   with a hyphen (a word hyphenated at a line end may continue after one blank line);
2. in a paragraph longer than a whole piece: after a line break not preceded by a hyphen;
3. in a line longer than a whole piece: after a space;
4. in a run of characters without any space: anywhere (the piece is full).

The latest possible cut in each piece is taken, so pieces are as long as allowed. Finding
the cuts reads each character a bounded number of times: linear in the text's length.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

# the end of a blank line (spaces and tabs allowed on it), or a page break
PARAGRAPH_END = regex.compile(r"\n[ \t\r]*\n|\f")
SPACE = " \t\r\n\f\v"


@dataclass(frozen=True)
class PieceSettings:
    """How long a text the corrector takes at once."""

    # Measured on 1.5 MB of the seeds (as bench/size.py builds it): pieces of 150,000 to
    # 1,000,000 characters take the same time (54-64 s, within this machine's noise), and
    # the piece being corrected costs about 70 bytes per character (peak RSS 230 MB at
    # 150,000, 264 MB at 500,000, 287 MB at 1,000,000, 320 MB for the 1.5 MB at once).
    # 500,000 keeps that near 35 MB, and takes every seed (the largest holds 483,613
    # characters) in one piece: their results are those of a whole text.
    max_chars: int = 500_000


def _after_hyphen(raw: str, start: int, at: int) -> bool:
    """Whether the last visible character of ``raw[start:at]`` is a hyphen."""
    while at > start and raw[at - 1] in SPACE:
        at -= 1
    return at > start and raw[at - 1] == "-"


def _joins_across(raw: str, cut: int) -> bool:
    """Whether a word hyphenated at a line end could be rejoined across ``cut``: the
    whitespace around it holds at most two line breaks and no page break, and the last
    visible character before it is a hyphen."""
    begin = cut
    while begin > 0 and raw[begin - 1] in SPACE:
        begin -= 1
    if begin == 0 or raw[begin - 1] != "-":
        return False
    end = cut
    while end < len(raw) and raw[end] in SPACE:
        end += 1
    gap = raw[begin:end]
    return "\f" not in gap and gap.count("\n") <= 2


def _paragraph_cut(raw: str, start: int, limit: int) -> int | None:
    """The last cut after a blank line or a page break in ``raw[start:limit]``."""
    best = None
    for match in PARAGRAPH_END.finditer(raw, start, limit):
        cut = match.end()
        if cut < len(raw) and not _joins_across(raw, cut):
            best = cut
    return best


def _line_cut(raw: str, start: int, limit: int, breaks: str) -> int | None:
    """The last cut after one of ``breaks`` in ``raw[start:limit]``, not after a hyphen."""
    end = limit
    while end > start:
        at = max(raw.rfind(ch, start, end) for ch in breaks)
        if at < 0:
            return None
        if not _after_hyphen(raw, start, at):
            return at + 1
        end = at
    return None


def piece_bounds(raw: str, max_chars: int) -> list[tuple[int, int]]:
    r"""``(start, end)`` of each piece of ``raw``, in order, none longer than ``max_chars``;
    together they cover ``raw`` exactly.

    >>> text = "One par.\n\nTwo par.\nstill two.\n\nThree."
    >>> [text[a:b] for a, b in piece_bounds(text, 24)]
    ['One par.\n\n', 'Two par.\nstill two.\n\n', 'Three.']
    >>> text = "a hyphen-\n\nated word\n\nend"  # no cut after the blank line
    >>> [text[a:b] for a, b in piece_bounds(text, 17)]
    ['a hyphen-\n\nated ', 'word\n\nend']
    >>> piece_bounds("short", 100)
    [(0, 5)]
    """
    if max_chars < 1:
        raise ValueError("max_chars must be at least 1")
    bounds = []
    start = 0
    while len(raw) - start > max_chars:
        limit = start + max_chars
        cut = (
            _paragraph_cut(raw, start, limit)
            or _line_cut(raw, start, limit, "\n")
            or _line_cut(raw, start, limit, " \t")
            or limit
        )
        bounds.append((start, cut))
        start = cut
    bounds.append((start, len(raw)))
    return bounds
