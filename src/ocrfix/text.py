"""Lossless tokens and safe layout normalization.

Every token keeps its offsets into the text, and the tokens of a text join back to exactly
that text: whitespace and punctuation included.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from ocrfix.suggestion import Suggestion

# A word: letters, marks and digits, with inner apostrophes (``don't``, ``Trotsky’s``).
# Horizontal space runs, each line or page break, and every other character are tokens too.
_WORD_PATTERN = r"[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*"
_TOKEN = regex.compile(
    "(?P<word>" + _WORD_PATTERN + ")"
    r"|(?P<space>[^\S\n\f\r]+)"
    r"|(?P<newline>\r\n|[\n\f\r])"
    r"|(?P<punct>.)",
    flags=regex.S,
)


@dataclass(frozen=True)
class Token:
    """A slice of the text: ``kind`` is word, space, newline or punct."""

    kind: str
    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens that join back to it exactly.

    >>> [t.text for t in tokenize("It’s\\ta test.\\n")]
    ['It’s', '\\t', 'a', ' ', 'test', '.', '\\n']
    """
    return [
        Token(m.lastgroup or "punct", m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)
    ]


_WORD = regex.compile(_WORD_PATTERN)


def count_words(text: str) -> int:
    """How many of the tokens of ``text`` are words (as many as :func:`tokenize` finds,
    without making the tokens).

    >>> count_words("It’s\\ta test.\\n"), [t.kind for t in tokenize("It’s\\ta")].count("word")
    (3, 2)
    """
    return sum(1 for _ in _WORD.finditer(text))


# Tabs (possibly mixed with spaces) with a visible character on each side.
_TAB_BETWEEN_WORDS = regex.compile(r"(?<=\S)[ \t]*\t[ \t]*(?=\S)")
# Spaces or tabs before a line break, a page break, or the end of the text.
_TRAILING_SPACE = regex.compile(r"[ \t]+(?=\r?\n|\f|\Z)")


def tab_suggestions(raw: str) -> list[Suggestion]:
    """Tabs between words become one space.

    >>> [(s.original, s.replacement) for s in tab_suggestions("make\\tit \\t just")]
    [('\\t', ' '), (' \\t ', ' ')]
    """
    return [
        Suggestion(m.start(), m.end(), m.group(), " ", "tab-space", 1.0, True)
        for m in _TAB_BETWEEN_WORDS.finditer(raw)
    ]


def trailing_space_suggestions(raw: str) -> list[Suggestion]:
    """Spaces and tabs at the end of a line are dropped.

    >>> [(s.start, s.original) for s in trailing_space_suggestions("a  \\nb\\t")]
    [(1, '  '), (5, '\\t')]
    """
    return [
        Suggestion(m.start(), m.end(), m.group(), "", "trailing-space", 1.0, True)
        for m in _TRAILING_SPACE.finditer(raw)
    ]


def layout_suggestions(raw: str) -> list[Suggestion]:
    """All safe whitespace normalizations of ``raw``, in text order."""
    return sorted(tab_suggestions(raw) + trailing_space_suggestions(raw))
