"""A word trigram language model: how well a change fits the words around it.

The model is CMU's US-English 3-gram (72,547 lower-case words, 2 M bigrams, 1.7 M
trigrams, Kneser-Ney-style back-off), shipped inside the ``pocketsphinx`` package (BSD-2)
and read through its ``NGramModel`` API, which returns log-probabilities in base 1.0001
with the history in reverse order. It loads in a few hundredths of a second and answers
in about a microsecond. The decision model weighs its verdict on each candidate change
(:func:`gain`): the log-probability of the words around the change with the replacement,
minus that with the original.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import regex

from ocrfix.correct.config import Settings

WORD = regex.compile(r"\p{L}+(?:['’]\p{L}+)*")
SENTENCE_END = regex.compile(r"[.!?]")


class Trigram:
    """ln P(word | two words before) from an ARPA or binary n-gram file."""

    def __init__(self, path: Path, oov_logp: float = math.log(1e-7)) -> None:
        from pocketsphinx import LogMath, NGramModel

        self.model = NGramModel.readfile(str(path))
        self.scale = LogMath().log_to_ln(1_000_000) / 1_000_000
        self.oov_logp = oov_logp  # ln P of a word the model does not know
        self._zero = -(2**28)  # what the model answers for a word it does not know

    def knows(self, word: str) -> bool:
        return self.model.prob([word]) > self._zero

    def logp(self, word: str, history: tuple[str, ...]) -> float:
        """ln P(word | history), the history in reading order (at most two words)."""
        value = self.model.prob([word, *reversed(history)])
        if value <= self._zero:
            return self.oov_logp
        return value * self.scale

    def sequence_logp(self, words: list[str], first: int) -> float:
        """The ln P of ``words[first:]``, each given the (up to) two words before it."""
        return sum(
            self.logp(words[i], tuple(words[max(0, i - 2) : i])) for i in range(first, len(words))
        )


def words_of(text: str) -> list[str]:
    return [m.group().lower().replace("’", "'") for m in WORD.finditer(text)]


def context(raw: str, start: int, end: int, settings: Settings) -> tuple[list[str], list[str]]:
    """The words before ``raw[start:end]`` (from the sentence's start, marked ``<s>``) and
    after it (up to the sentence's end, marked ``</s>``), ``settings.trigram_context`` each side."""
    before_text = raw[max(0, start - settings.trigram_reach) : start]
    stop = [m.end() for m in SENTENCE_END.finditer(before_text)]
    before = words_of(before_text[stop[-1] :] if stop else before_text)[-settings.trigram_context :]
    if stop or start <= settings.trigram_reach:
        before = ["<s>", *before][-settings.trigram_context :]
    after_text = raw[end : end + settings.trigram_reach]
    ends = SENTENCE_END.search(after_text)
    after = words_of(after_text[: ends.start()] if ends else after_text)[: settings.trigram_context]
    if ends and len(after) < settings.trigram_context:
        after.append("</s>")
    return before, after


def gain(
    lm: Trigram, raw: str, start: int, end: int, replacement: str, settings: Settings
) -> tuple[float, bool]:
    """How much likelier the trigram model finds the text with ``replacement`` in place of
    ``raw[start:end]`` (nats), and whether it knows every word of the replacement."""
    before, after = context(raw, start, end, settings)
    old = words_of(raw[start:end])
    new = words_of(replacement)
    with_new = lm.sequence_logp(before + new + after, len(before))
    with_old = lm.sequence_logp(before + old + after, len(before))
    return with_new - with_old, all(lm.knows(w) for w in new)


@functools.cache
def default_trigram() -> Trigram:
    """CMU's US-English 3-gram from the pocketsphinx package (loaded once a process)."""
    from pocketsphinx import get_model_path

    return Trigram(Path(get_model_path()) / "en-us" / "en-us.lm.bin")
