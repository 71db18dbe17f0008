"""Character and word error rates, on text with whitespace collapsed and curly quotes folded."""

from __future__ import annotations

import regex
from rapidfuzz.distance import Levenshtein

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_SPACE = regex.compile(r"\s+")


def normalize(text: str) -> str:
    """Runs of whitespace become one space and curly quotes straight ones.

    >>> normalize(" ‘a’\\n\\n b\\t“c” ")
    '\\'a\\' b "c"'
    """
    return _SPACE.sub(" ", text.translate(_QUOTES)).strip()


def char_errors(hypothesis: str, reference: str) -> int:
    """Edit distance in characters between the normalized texts."""
    return Levenshtein.distance(normalize(hypothesis), normalize(reference))


def word_errors(hypothesis: str, reference: str) -> int:
    """Edit distance in words between the normalized texts."""
    return Levenshtein.distance(normalize(hypothesis).split(), normalize(reference).split())


def cer(hypothesis: str, reference: str) -> float:
    """Character error rate: character edits per reference character.

    >>> cer("the rnembers", "the members")
    0.18181818181818182
    """
    return char_errors(hypothesis, reference) / max(len(normalize(reference)), 1)


def wer(hypothesis: str, reference: str) -> float:
    """Word error rate: word edits per reference word.

    >>> wer("the rnembers met", "the members met")
    0.3333333333333333
    """
    return word_errors(hypothesis, reference) / max(len(normalize(reference).split()), 1)
