"""The word trigram model (CMU's US-English 3-gram, shipped in pocketsphinx)."""

from __future__ import annotations

import math

from ocrfix.correct import ngram
from ocrfix.correct.config import Settings

SETTINGS = Settings()


def test_the_model_prefers_english_word_order() -> None:
    lm = ngram.default_trigram()
    assert lm.sequence_logp(["members", "of", "the"], 0) > lm.sequence_logp(
        ["the", "of", "members"], 0
    )
    assert lm.logp("committee", ("of", "the")) > lm.logp("committee", ("the", "of"))


def test_an_unknown_word_gets_the_floor() -> None:
    lm = ngram.default_trigram()
    assert not lm.knows("rrembers")
    assert lm.logp("rrembers", ("the",)) == lm.oov_logp
    assert lm.knows("members")


def test_context_stops_at_the_sentence() -> None:
    raw = "It rained. He bad a dog and a cat."
    start = raw.index("bad")
    before, after = ngram.context(raw, start, start + 3, SETTINGS)
    assert before == ["<s>", "he"]
    assert after == ["a", "dog"]
    end = raw.index("cat") + 3
    assert ngram.context(raw, raw.index("cat"), end, SETTINGS) == (["and", "a"], ["</s>"])


def test_gain_favours_the_fix_and_not_a_wrong_change() -> None:
    lm = ngram.default_trigram()
    raw = "He bad a dog. The rrembers of the committee met."
    fix, known = ngram.gain(lm, raw, 3, 6, "had", SETTINGS)
    assert fix > 2 and known
    start = raw.index("committee")
    wrong, _ = ngram.gain(lm, raw, start, start + 9, "comity", SETTINGS)
    assert wrong < -2
    start = raw.index("rrembers")
    repair, known = ngram.gain(lm, raw, start, start + 8, "members", SETTINGS)
    assert repair > 5 and known and math.isfinite(repair)
