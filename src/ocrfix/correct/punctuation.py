"""Stray punctuation: specks and bleed-through the OCR read as dots, quotes and hyphens
beside words (``from. the``, ``million .”``, ``‘constitute`` with no closing quote,
``The -debate``, ``'1940``, ``Government..``, ``{king)``).

Each rule looks at the characters around a chunk only; what it finds is a span to replace
and the rule's name. Conservative by construction: every rule needs a second sign besides
the odd character itself (a lower-case word after a full stop, no closing quote in the
paragraph, a word on both sides of the hyphen).
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from ocrfix.correct.tokens import Chunk, as_year

# Words that do not end an English sentence: a full stop after one, with a lower-case word
# next, is a speck.
NEVER_LAST = frozenset({
    "the", "a", "an", "of", "from", "and", "into", "onto", "upon", "between", "their",
    "our", "its", "your", "my", "whose", "than", "towards", "toward",
})  # fmt: skip
OPENING = "‘'"
CLOSING = "’'"
QUOTE_REACH = 60  # chunks searched for the closing quote of an opening one
PAREN_REACH = 12  # ... and for the parenthesis that closes a brace
LONE_MARKS = frozenset({"'", "‘", "’", ",", "`", ".", "'.", ".'"})  # specks alone on a line
CLOSES = regex.compile(r"[’'](?!\p{L})")  # a closing quote, not an apostrophe in a word
YEAR = regex.compile(r"(?:1[5-9]|20)\d\d(?:[-–]\d{1,4})?")


@dataclass(frozen=True)
class Stray:
    """Replace ``raw[start:end]`` with ``replacement``."""

    start: int
    end: int
    replacement: str


def stray_punctuation(raw: str, chunks: list[Chunk]) -> list[Stray]:
    """Every stray mark found in ``raw``, in text order."""
    found: list[Stray] = []
    for i, chunk in enumerate(chunks):
        previous = chunks[i - 1] if i else None
        following = chunks[i + 1] if i + 1 < len(chunks) else None
        found += [
            *detached_stop(raw, chunk, previous),
            *doubled_stop(chunk),
            *stop_mid_sentence(chunk, following),
            *unmatched_opening_quote(raw, chunks, i),
            *hyphen_before_word(raw, chunk, previous),
            *brace_for_parenthesis(chunks, i),
            *bar_for_parenthesis(chunks, i),
            *lone_mark_line(raw, chunk),
        ]
    return sorted(found, key=lambda s: s.start)


def detached_stop(raw: str, chunk: Chunk, previous: Chunk | None) -> list[Stray]:
    """``million .”``: a full stop or comma standing alone after a word, on the same line
    (dropped altogether after a sentence's end: ``clerks.” .``).

    >>> from ocrfix.correct.tokens import split_chunks
    >>> c = split_chunks("six million .” Then")
    >>> detached_stop("six million .” Then", c[2], c[1])
    [Stray(start=11, end=12, replacement='')]
    """
    if previous is None or not chunk.lead or chunk.core or chunk.line_start:
        return []
    if chunk.lead[0] not in ".," or chunk.lead[:3] == "...":
        return []
    if not previous.core or not previous.core[-1:].isalpha():
        return []
    if raw[previous.end : chunk.start] != " ":
        return []
    if not previous.trail:
        return [Stray(previous.end, chunk.start, "")]
    if chunk.text == "." and any(ch in ".?!" for ch in previous.trail):
        return [Stray(previous.end, chunk.end, "")]  # clerks.” . : the sentence has ended
    return []


def doubled_stop(chunk: Chunk) -> list[Stray]:
    """``Government..``: two full stops (not an ellipsis) after a word.

    >>> from ocrfix.correct.tokens import split_chunks
    >>> doubled_stop(split_chunks("Government..")[0]), doubled_stop(split_chunks("so...")[0])
    ([Stray(start=10, end=11, replacement='')], [])
    """
    if not chunk.core or not chunk.core[-1:].isalpha() or not chunk.trail.startswith(".."):
        return []
    if chunk.trail.startswith("..."):
        return []
    return [Stray(chunk.core_end, chunk.core_end + 1, "")]


def stop_mid_sentence(chunk: Chunk, following: Chunk | None) -> list[Stray]:
    """``from. the``: a full stop after a word that never ends a sentence, a lower-case
    word next.

    >>> from ocrfix.correct.tokens import split_chunks
    >>> c = split_chunks("Thus from. the point")
    >>> stop_mid_sentence(c[1], c[2]), stop_mid_sentence(c[0], c[1])
    ([Stray(start=9, end=10, replacement='')], [])
    """
    if chunk.trail != "." or chunk.lower not in NEVER_LAST or following is None:
        return []
    if following.lead or not following.core.isalpha() or not following.core[:1].islower():
        return []
    return [Stray(chunk.core_end, chunk.core_end + 1, "")]


def unmatched_opening_quote(raw: str, chunks: list[Chunk], i: int) -> list[Stray]:
    """``that ‘the …`` or ``'1940``: an opening single quote inside a line that nothing in
    the paragraph closes (before a year: any quote not followed by ``s``).

    >>> from ocrfix.correct.tokens import split_chunks
    >>> text = "Youth ‘constitute a block of many"
    >>> unmatched_opening_quote(text, split_chunks(text), 1)
    [Stray(start=6, end=7, replacement='')]
    >>> text = "a ‘free’ market"
    >>> unmatched_opening_quote(text, split_chunks(text), 1)
    []
    """
    chunk = chunks[i]
    if len(chunk.lead) != 1 or chunk.lead not in OPENING or not chunk.core:
        return []
    year = YEAR.fullmatch(chunk.core) or as_year(chunk.core)
    if year and not chunk.trail.startswith("s"):
        return [Stray(chunk.start, chunk.start + 1, "")]
    if chunk.line_start or not chunk.core[:1].islower():
        return []
    for j in range(i, min(i + QUOTE_REACH, len(chunks))):
        later = chunks[j]
        if j > i:
            gap = raw[chunks[j - 1].end : later.start]
            if "\n\n" in gap or "\f" in gap or (later.lead and later.lead[0] in OPENING + '“"'):
                break  # the paragraph ends, or another quotation opens first
        if CLOSES.search(later.text):
            return []
    return [Stray(chunk.start, chunk.start + 1, "")]


def hyphen_before_word(raw: str, chunk: Chunk, previous: Chunk | None) -> list[Stray]:
    """``The -debate``: a hyphen glued to the front of a lower-case word, a word before it
    on the same line.

    >>> from ocrfix.correct.tokens import split_chunks
    >>> c = split_chunks("The -debate started")
    >>> hyphen_before_word("The -debate started", c[1], c[0])
    [Stray(start=4, end=5, replacement='')]
    """
    if chunk.lead != "-" or chunk.line_start or not chunk.core.isalpha():
        return []
    if not chunk.core[0].islower() or previous is None or not previous.core.isalpha():
        return []
    if previous.trail or raw[previous.end : chunk.start] != " ":
        return []
    return [Stray(chunk.start, chunk.start + 1, "")]


def brace_for_parenthesis(chunks: list[Chunk], i: int) -> list[Stray]:
    """``{king).``: a brace opening a word that a parenthesis closes soon after is a
    misread parenthesis (``{rom``, with nothing to close it, is a misread *f*).

    >>> from ocrfix.correct.tokens import split_chunks
    >>> text = "the Tsar {king). Then"
    >>> brace_for_parenthesis(split_chunks(text), 2)
    [Stray(start=9, end=10, replacement='(')]
    >>> brace_for_parenthesis(split_chunks("{rom the town"), 0)
    []
    """
    chunk = chunks[i]
    if chunk.lead != "{" or not chunk.core:
        return []
    for later in chunks[i : i + PAREN_REACH]:
        if later is not chunk and "(" in later.text:
            return []
        if ")" in later.trail:
            return [Stray(chunk.start, chunk.start + 1, "(")]
    return []


def bar_for_parenthesis(chunks: list[Chunk], i: int) -> list[Stray]:
    """``(intended to be temporary|``: a bar ending a word after an open parenthesis is
    the closing one.

    >>> from ocrfix.correct.tokens import split_chunks
    >>> bar_for_parenthesis(split_chunks("a ban (meant to be temporary| on it"), 5)
    [Stray(start=28, end=29, replacement=')')]
    """
    chunk = chunks[i]
    if not chunk.core or not chunk.trail.startswith("|"):
        return []
    for earlier in reversed(chunks[max(0, i - PAREN_REACH) : i]):
        if ")" in earlier.text:
            return []
        if "(" in earlier.text:
            return [Stray(chunk.core_end, chunk.core_end + 1, ")")]
    return []


def lone_mark_line(raw: str, chunk: Chunk) -> list[Stray]:
    """A line holding nothing but a quote, comma or dot: a speck.

    >>> from ocrfix.correct.tokens import split_chunks
    >>> text = "of" + chr(10) + "' " + chr(10) + "steel"
    >>> lone_mark_line(text, split_chunks(text)[1])
    [Stray(start=3, end=4, replacement='')]
    """
    if not chunk.line_start or chunk.text not in LONE_MARKS:
        return []
    rest = raw[chunk.end : chunk.end + 80].lstrip(" \t")
    return [Stray(chunk.start, chunk.end, "")] if rest[:1] in ("", "\n", "\r", "\f") else []
