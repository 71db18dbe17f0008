"""A document's own error profile: which character mistakes its OCR makes, and how often.

From the corrections of words the lexicon does not know, count each edit (``o→a``,
``fi→th``…) and divide by how often its observed side occurs in the document's words. A
page printed in a face that the OCR reads ``a`` as ``o`` shows ``o→a`` in a good share of
all its ``o``; a clean page shows no edit often enough to matter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from ocrfix.correct.candidates import Op

MIN_TYPES = 3  # an edit must repair at least this many different words
MIN_SHARE = 0.02  # ... and stand for this share of its observed side's occurrences
PRIOR_COUNT = 4.0  # smoothing: occurrences added to the denominator
# Ordinary punctuation inside a word says nothing of how the page's letters were read.
PUNCTUATION = frozenset("()'\".,;:-’")


def occurrences(words: Mapping[str, int], piece: str) -> int:
    """How often ``piece`` occurs in the words counted in ``words`` (lower case,
    overlapping counted once).

    >>> occurrences({"ond": 9, "of": 1, "tooo": 1}, "oo")
    1
    """
    return sum(n * word.count(piece) for word, n in words.items())


def learn(
    repairs: Iterable[tuple[str, int, list[Op]]], words: Mapping[str, int]
) -> dict[Op, float]:
    """``(observed, intended) -> probability`` for the document's systematic mistakes.

    ``repairs`` holds, per repaired word type, the word, its number of occurrences and the
    edits of its repair; ``words`` counts all word tokens of the document, lower case.

    >>> repairs = [("ond", 9, [("o", "a")]), ("stolin", 2, [("o", "a")]),
    ...            ("morch", 1, [("o", "a")]), ("tbe", 1, [("b", "h")])]
    >>> words = Counter(["ond"] * 9 + ["stolin"] * 2 + ["morch", "tbe", "of", "to"])
    >>> profile = learn(repairs, words)
    >>> {op: round(p, 2) for op, p in profile.items()}
    {('o', 'a'): 0.67}
    """
    types: Counter[Op] = Counter()
    tokens: Counter[Op] = Counter()
    for _word, count, ops in repairs:
        for op in set(ops):
            if op[0] and op[0] != op[1] and not set(op[0]) <= PUNCTUATION:
                types[op] += 1
                tokens[op] += count * ops.count(op)
    profile: dict[Op, float] = {}
    for op, n_types in types.items():
        if n_types < MIN_TYPES:
            continue
        share = tokens[op] / (occurrences(words, op[0]) + PRIOR_COUNT)
        if share >= MIN_SHARE:
            profile[op] = min(share, 0.9)
    return dict(sorted(profile.items()))
