"""What the corrector's rules produce: readings of a span, and choices to change it."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Reading:
    """A span of the raw text read as one word: where it is, its lower-case text, the text
    whose case a replacement copies, and the rule a change of it is reported under."""

    start: int
    end: int
    observed: str
    model: str
    rule: str = "word"


@dataclass
class Choice:
    """A decision to replace ``raw[start:end]``, with the evidence for it."""

    start: int
    end: int
    replacement: str
    rule: str
    gain: float
    margin: float
    alternatives: tuple[str, ...] = ()
    known: bool = False
    cost: float = math.nan  # the channel cost of the replacement (where a search found it)
    lm_gain: float = math.nan  # ... and how much likelier the language model finds it


@dataclass(frozen=True)
class CandidateChange:
    """A change the corrector considers, with the raw text it replaces and its features."""

    choice: Choice
    original: str
    features: np.ndarray

    @property
    def start(self) -> int:
        return self.choice.start

    @property
    def end(self) -> int:
        return self.choice.end

    @property
    def replacement(self) -> str:
        return self.choice.replacement
