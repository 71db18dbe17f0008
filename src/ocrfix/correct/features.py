"""Features of a candidate change: what the decision model weighs.

Each candidate (a span of the raw text and its replacement, found by the corrector) is
described by a row of numbers: the corrector's evidence (gain over keeping the word,
margin over the runner-up), the rule, how known the original and the replacement are,
the shape of the token, how damaged the document is and how sure the OCR was. The rows
are the same when a model is fitted (:mod:`ocrfix.model.decision`) and when it is used.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz.distance import Levenshtein

from ocrfix.correct.lexicon import OOV_LOGP, WORD, Lexicon

RULES = ("word", "split", "join", "dehyphenate", "case", "digits", "margin-junk", "stray-punct")
NAMES = (
    "bias",
    "gain",
    "margin",
    "known",
    *(f"rule:{r}" for r in RULES),
    "original known",
    "original logp",
    "replacement logp",
    "length",
    "edits",
    "edit share",
    "digits",
    "junk",
    "capital",
    "capitals",
    "document unknown",
    "profile",
    "low confidence",
    "alternatives",
    "gain x known",
    "channel cost",
    "lm gain",
    "original in document",
    "replacement in document",
    "hand verdict",
    "gain over hand threshold",
    "trigram gain",
    "trigram knows replacement",
)


@dataclass(frozen=True)
class DocumentState:
    """What the features need of the whole document."""

    unknown_share: float  # of its words, the share the lexicon does not know
    profile: bool  # the document has a learned error profile
    words: Mapping[str, int] = field(default_factory=dict)  # its words (lower case) counted


def uses(state: DocumentState, text: str) -> float:
    """How often the document uses the words of ``text`` (the rarest of them), log-scaled:
    a word the OCR printed many times the same way is likely a real one."""
    words = [m.group().lower() for m in WORD.finditer(text)]
    return math.log1p(min((state.words.get(w, 0) for w in words), default=0))


def word_logp(lexicon: Lexicon, text: str) -> float:
    """The mean ln P of the words in ``text`` (OOV for none), scaled to about -1..0."""
    words = [m.group().lower() for m in WORD.finditer(text)]
    if not words:
        return OOV_LOGP / 25
    return sum(lexicon.logp.get(w, OOV_LOGP) for w in words) / len(words) / 25


def row(
    lexicon: Lexicon,
    state: DocumentState,
    original: str,
    replacement: str,
    rule: str,
    gain: float,
    margin: float,
    known: bool,
    alternatives: int,
    confidence: float | None,
    cost: float = math.nan,
    lm_gain: float = math.nan,
    hand: tuple[float, float] = (math.inf, math.inf),
    trigram: tuple[float, bool] = (math.nan, False),
) -> np.ndarray:
    """The features of one candidate change, in the order of :data:`NAMES`; ``hand`` is
    the gain and margin the hand-set thresholds ask of it (see
    :meth:`ocrfix.correct.engine.Document.thresholds`), ``trigram`` the word trigram
    model's gain for the change and whether it knows the replacement
    (:func:`ocrfix.correct.ngram.gain`)."""
    letters = [ch for ch in original if not ch.isspace()]
    edits = Levenshtein.distance(original.lower(), replacement.lower())
    gain = max(-5.0, min(gain, 20.0))
    return np.array(
        [
            1.0,
            gain / 5,
            max(0.0, min(margin, 10.0)) / 5,
            float(known),
            *(float(rule == r) for r in RULES),
            float(original.lower() in lexicon.logp),
            word_logp(lexicon, original),
            word_logp(lexicon, replacement),
            min(len(original), 20) / 10,
            min(edits, 6) / 3,
            edits / max(len(original), len(replacement), 1),
            float(any(ch.isdigit() for ch in letters)),
            float(any(not (ch.isalnum() or ch in "'-") for ch in letters)),
            float(original[:1].isupper()),
            float(len(original) > 1 and original.isupper()),
            math.sqrt(state.unknown_share),
            float(state.profile),
            0.0 if confidence is None else max(0.0, 90.0 - confidence) / 90,
            alternatives / 3,
            gain / 5 * float(known),
            cost,
            lm_gain,
            uses(state, original),
            uses(state, replacement),
            float(gain >= hand[0] and margin >= hand[1]),
            gain - hand[0],
            max(-20.0, min(trigram[0], 20.0)) / 5,
            float(trigram[1]),
        ]
    )
