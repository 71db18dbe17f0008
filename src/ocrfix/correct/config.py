"""The corrector's settings: every number it decides by, in one frozen object.

Evidence is in nats (natural-log odds); costs are the channel's, in nats too. A learned
model replaces some of them (:func:`ocrfix.correct.assemble.model_settings`); the
settings' ``repr`` goes into the skip-unchanged fingerprint with the code and the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ocrfix.correct.lexicon import zipf_to_logp


@dataclass(frozen=True)
class Settings:
    """What the corrector decides by."""

    # when a change is applied, suggested, or nothing (the hand-set thresholds)
    auto_gain: float = 3.0  # a change is applied when it beats keeping the word by this much
    auto_gain_damaged: float = 2.0  # ... in a document whose profile shows it damaged
    auto_gain_known: float = 7.0  # ... when the word is a known one (real-word errors)
    auto_gain_known_damaged: float = 5.0  # ... in a heavily damaged document
    suggest_gain: float = 1.0  # below this, no suggestion at all
    auto_margin: float = 1.0  # ... and the runner-up must be this far behind
    # the evidence a rule's change is reported with, where no search weighed it
    sure_gain: float = 5.0  # a year mended, a case fixed, a clitic or a part split off
    margin_junk_gain: float = 6.0  # junk at the start of many lines
    stray_gain: float = 4.0  # a stray mark found by a punctuation rule
    name_case_gain: float = 3.5  # a name written small that lost its capital to the OCR
    compound_gain: float = 4.0  # Brest- Litovsk: a space after a compound's hyphen
    kept_compound_gain: float = 2.0  # over-/intellectual: rejoining is left to a reviewer
    pronoun_fit: float = 1.0  # a margin I is kept unless the line is this much likelier
    pronoun_doubt: float = 5.0  # ... or this much, where it starts a sentence (I then said)
    min_margin_junk: int = 3  # lines starting with junk before any is dropped
    margin_share: float = 0.1  # ... and the share of lines that must
    # spaces, hyphens and the OCR's own confidence
    join_cost: float = 4.0  # a space the OCR inserted inside a word
    split_cost: float = 5.0  # a space the OCR lost between two words
    hyphen_cost: float = 0.5  # a word hyphenated at a line end
    low_confidence: float = 60.0  # Tesseract confidence under which keeping a word costs
    confidence_scale: float = 20.0  # ... a nat for this many points below it
    confidence_cost: float = 2.0  # ... and at most this much
    # which words are looked at, and how far the search goes
    trusted_zipf: float = 3.0  # words this frequent are not searched without a profile
    trusted_short_zipf: float = 4.5  # ... and two-letter words this frequent
    search_budget: float = 4.0  # the channel cost a search may spend, plus
    search_budget_per_letter: float = 0.6  # ... this much a letter
    search_budget_max: float = 12.0  # ... up to this
    search_budget_junk: float = 2.5  # ... and this much for each junk character (up to 3)
    max_candidates: int = 40  # words a search returns
    domain_edit_cost: float = 2.0  # one edit between an unknown word and a domain term
    junk_keep_cost: float = 4.0  # what keeping letter-like junk in or beside a word costs
    # near words in a heavily damaged text
    near_budget: float = 16.0  # channel cost allowed to a near word
    near_long: int = 7  # ... three edits away from an unknown word this long
    near_generic: int = 2  # ... and at most this many arbitrary edits
    near_limit: int = 20  # near words looked at per pool
    # joins and splits
    joinable_zipf: float = 1.5  # a joined or split word must be at least this frequent
    max_join_repair: float = 5.0  # ... and need at most this much repair besides the join
    damaged_join_repair: float = 10.0  # ... or this much after a hyphen in a damaged text
    max_joined: int = 18  # longer joined strings are not searched
    # the document's profile and its own counts
    heavy_damage: float = 0.10  # share of unknown words that marks a text heavily damaged
    clean_unknown: float = 0.005  # share of words a clean text has that the lexicon lacks
    learn_sample: int = 500  # the most frequent suspicious words a profile is learned from
    learn_rounds: int = 3  # at most this many rounds of learning it
    repair_margin: float = 1.0  # a repair learned from must beat its runner-up this much
    doc_weight: float = 0.05  # how much a word's use elsewhere in the document counts
    doc_prior: int = 1000  # ... smoothed as if the document had this many more words
    # the word trigram model's verdict on a change (ocrfix.correct.ngram)
    trigram_context: int = 2  # words taken on each side of a change
    trigram_reach: int = 60  # characters searched for them

    @cached_property
    def trusted_logp(self) -> float:
        return zipf_to_logp(self.trusted_zipf)

    @cached_property
    def trusted_short_logp(self) -> float:
        return zipf_to_logp(self.trusted_short_zipf)

    @cached_property
    def joinable_logp(self) -> float:
        return zipf_to_logp(self.joinable_zipf)
