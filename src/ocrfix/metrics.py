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


def correct_words_changed(raw: str, clean: str, truth: str) -> tuple[int, int]:
    """False alarms: ``(correct input words, how many of them the output changed)``.

    A word of ``raw`` is correct when the alignment of ``raw`` with ``truth`` (in words)
    keeps it unchanged; it was changed when the alignment of ``raw`` with ``clean`` does not.

    >>> correct_words_changed("the rnembers met", "the members meet", "the members met")
    (2, 1)
    """
    raw_words = normalize(raw).split()
    right = _kept(raw_words, normalize(truth).split())
    kept = _kept(raw_words, normalize(clean).split())
    return len(right), len(right - kept)


def _kept(source: list[str], target: list[str]) -> set[int]:
    """Indices of ``source`` words that the word alignment to ``target`` leaves as they are."""
    kept: set[int] = set()
    for tag, s1, s2, _t1, _t2 in Levenshtein.opcodes(source, target):
        if tag == "equal":
            kept.update(range(s1, s2))
    return kept


WINDOW = 15  # characters on each side of a change that its effect is measured over


def truth_offsets(raw: str, truth: str) -> list[int]:
    """For each offset of ``raw`` (and its end), the offset of ``truth`` it aligns with."""
    offsets = [0] * (len(raw) + 1)
    for op in Levenshtein.opcodes(raw, truth):
        size = op.src_end - op.src_start
        for k in range(size):
            if op.tag == "delete":
                offsets[op.src_start + k] = op.dest_start
            else:
                span = op.dest_end - op.dest_start
                offsets[op.src_start + k] = op.dest_start + (k * span) // max(size, 1)
    offsets[len(raw)] = len(truth)
    return offsets


def effect(raw: str, truth: str, offsets: list[int], start: int, end: int, text: str) -> int:
    """How much replacing ``raw[start:end]`` by ``text`` changes the distance to the truth
    around it (negative: nearer)."""
    a, b = max(0, start - WINDOW), min(len(raw), end + WINDOW)
    target = normalize(truth[offsets[a] : offsets[b]])
    before = normalize(raw[a:b])
    after = normalize(raw[a:start] + text + raw[end:b])
    return Levenshtein.distance(after, target) - Levenshtein.distance(before, target)
