"""Deciding: which of the changes the rules found are considered (arbitration), and what
each becomes, an automatic change, a suggestion for review, or nothing.

The rules propose :class:`~ocrfix.correct.choices.Choice` objects that may overlap (a
join and a repair of one of its words); :func:`arbitrate` keeps, from left to right, the
widest of those that start first. :func:`suggestion` then decides a candidate by the
decision model's probability that it is right (:mod:`ocrfix.model.decision`), or, without
a model, by the hand-set thresholds of gain and margin.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

from ocrfix.correct.choices import CandidateChange, Choice
from ocrfix.model.decision import Decision, automatic
from ocrfix.suggestion import Suggestion


def arbitrate(
    choices: Iterable[Choice], raw: str, rejected: frozenset[tuple[str, str]]
) -> Iterator[tuple[Choice, str]]:
    """The choices that do not overlap an earlier one, in text order, each with the raw
    text it replaces; a choice that changes nothing or that a reviewer rejected is dropped."""
    cursor = 0
    for c in sorted(choices, key=lambda c: (c.start, -c.end)):
        original = raw[c.start : c.end]
        if c.start < cursor or original == c.replacement:
            continue
        if (original, c.replacement) in rejected:
            continue
        yield c, original
        cursor = c.end


def suggestion(
    found: CandidateChange,
    probability: float | None,
    decision: Decision | None,
    hand: tuple[float, float],
) -> Suggestion | None:
    """The suggestion a candidate change becomes (automatic or for review), or None.

    With a decision model, a change is decided by its ``probability`` that it is right:
    automatic at ``auto`` and up, or at ``sure`` and up where the hand-set thresholds
    (``hand``: the gain and margin that make it automatic) would apply it; a suggestion at
    ``suggest`` and up. The rules the model does not decide (:meth:`Decision.decides`),
    and every change without a model, go by those thresholds alone.
    """
    c = found.choice
    threshold, margin = hand
    sure = c.gain >= threshold and c.margin >= margin
    if decision is not None and probability is not None and decision.decides(c.rule):
        score = probability
        auto = bool(automatic(score, sure, decision.auto, decision.sure))
        if score < decision.suggest and not auto:
            return None
    else:
        auto = sure
        score = 1 / (1 + math.exp(-(c.gain - threshold)))
    return Suggestion(
        c.start, c.end, found.original, c.replacement, c.rule, round(score, 3), auto,
        c.alternatives,
    )  # fmt: skip
