"""What a document knows of words: how likely each is here (the lexicon's frequencies,
raised by the document's own use of it, and its neighbours' bigrams), which words an OCR
string may stand for (a search through the channel, domain terms and, in a damaged text,
near words) and what each reading costs.

:class:`WordModel` is a part of :class:`ocrfix.correct.engine.Document`, which holds the
state it reads: the lexicon, the settings, the channel (with the document's profile), and
the counts the document learned.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from rapidfuzz import process as rf_process
from rapidfuzz.distance import Levenshtein

from ocrfix.correct import candidates as cand
from ocrfix.correct.config import Settings
from ocrfix.correct.confusions import Channel
from ocrfix.correct.lexicon import OOV_LOGP, Lexicon
from ocrfix.correct.morphology import derived_logp


class WordModel:
    """The word questions a document asks: frequency in context, candidates, their cost."""

    lexicon: Lexicon
    settings: Settings
    channel: Channel  # the base channel with the document's profile
    profile_channel: Channel  # ... the profile alone beside the base rules (trusted words)
    profile: dict[cand.Op, float]
    shared_cache: dict  # searches through the base channel, shared by documents
    _cache: dict  # ... and through this document's channel
    _derived: dict[str, float]
    doc_counts: Counter[str]
    n_words: int
    heavily_damaged: bool
    unknown_cost: float
    name_like: set[str]

    def is_trusted(self, word: str) -> bool:
        """Frequent enough not to be searched (two-letter strings must be very frequent:
        wordfreq knows ``af`` and ``te`` from abbreviations and other languages)."""
        floor = self.settings.trusted_short_logp if len(word) <= 2 else self.settings.trusted_logp
        return self.lexicon.logp.get(word, -math.inf) >= floor or self.lexicon.is_protected(word)

    def word_logp(self, word: str, observed: str | None = None) -> float:
        """ln P(word): the lexicon's (or, for an unknown word, that of the known word it is
        derived from), raised by the word's use elsewhere in the document (not counting the
        occurrence being decided, ``observed``)."""
        logp = self.lexicon.logp.get(word)
        if logp is None:
            logp = self.derived_logp(word)
        if self.lexicon.is_protected(word):
            logp = max(logp, self.settings.trusted_logp)
        count = self.doc_counts.get(word, 0) - (word == observed)
        if count > 0:
            logp = math.log(
                math.exp(logp)
                + self.settings.doc_weight * count / (self.n_words + self.settings.doc_prior)
            )
        return logp

    def derived_logp(self, word: str) -> float:
        """An unknown word that is a known one with a common ending or beginning
        (``Zinoviev's``, ``counterposes``, ``destructured``) is likely real."""
        cached = self._derived.get(word)
        if cached is None:
            cached = self._derived[word] = derived_logp(self.lexicon, word)
        return cached

    def next_logp(self, previous: str | None, word: str, observed: str | None = None) -> float:
        """ln P(word | previous), with the document's own frequencies for the unigram."""
        bigram = self.lexicon.next_logp(previous, word)
        return bigram + self.word_logp(word, observed) - self.lexicon.word_logp(word)

    def lm(
        self, previous: str | None, word: str, following: str | None, observed: str | None = None
    ) -> float:
        score = self.next_logp(previous, word, observed)
        if following:
            score += self.lexicon.next_logp(word, following) - self.lexicon.word_logp(following)
            score += article_fit(word, following)
        return score

    # ------------------------------------------------------------ candidates

    def candidates(self, observed: str, rules_only: bool = False) -> list[cand.Candidate]:
        """Candidates for a lower-case core (cached per document and channel).

        Trusted words are searched only where the document has a profile, and then with
        the channel's rules alone, as are words of the lexicon and ``rules_only`` look-ups
        (joins and splits).
        """
        trusted = self.is_trusted(observed)
        if trusted and not self.profile:
            return []
        # Words of the lexicon, even rare ones, are only searched through the rules: an
        # arbitrary edit of a real word is rarely what happened.
        rules_only = (
            rules_only
            or trusted
            or self.lexicon.knows(observed)
            or self.derived_logp(observed) > OOV_LOGP  # counterposes, sacrilegiously
        )
        junk = sum(not (ch.isalpha() or ch in "'-") for ch in observed)
        if junk >= 4 and 3 * junk > len(observed):
            return []  # more junk than a word survives (ex,.,.rple)
        if rules_only:
            generic = 0
        elif junk or self.profile:
            generic = 2
        elif observed in self.name_like:
            generic = 0  # a name in a clean text: only the OCR rules, no free edits
        else:
            generic = 1
        # a word the lexicon trusts is only read otherwise through the document's profile
        channel = self.profile_channel if trusted else self.channel
        key = (observed, generic, rules_only, trusted)
        cache = self._cache if self.profile else self.shared_cache
        if key not in cache:
            s = self.settings
            budget = min(
                s.search_budget_max, s.search_budget + s.search_budget_per_letter * len(observed)
            ) + s.search_budget_junk * min(junk, 3)
            found = cand.search(observed, self.lexicon, channel, budget, s.max_candidates, generic)
            if not rules_only:
                found = found + self.domain_candidates(observed, found)
            cache[key] = found
        if self.heavily_damaged and not rules_only and junk <= 1:
            near_key = ("near", observed)
            if near_key not in cache:
                cache[near_key] = self.near_candidates(observed, cache[key], channel)
            return cache[key] + cache[near_key]
        return cache[key]

    def domain_candidates(self, observed: str, found: list[cand.Candidate]) -> list[cand.Candidate]:
        """Names and terms of the domain lexicons close to an unknown word (``Bolshwik``,
        ``Znoriev``): the corpus is about them, so a few edits are cheaper than elsewhere."""
        letters = sum(ch.isalpha() for ch in observed)
        if letters < 5 or not self.lexicon.domain_words:
            return []
        near = rf_process.extract(
            observed,
            self.lexicon.domain_words,
            scorer=Levenshtein.distance,
            score_cutoff=max(1, letters // 4),
            limit=5,
        )
        have = {c.word for c in found}
        return [
            cand.Candidate(word, self.settings.domain_edit_cost * distance, ())
            for word, distance, _ in near
            if word not in have
        ]

    def near_candidates(
        self, observed: str, found: list[cand.Candidate], channel: Channel
    ) -> list[cand.Candidate]:
        """In a damaged text, common words and domain terms two (three, for long words)
        arbitrary edits from an unknown word (``revoludon``, ``Bol$dvik``): looked up by
        edit distance, then costed by the channel (a search over just those words)."""
        if len(observed) < 5 or self.lexicon.knows(observed):
            return []
        junk = sum(not ch.isalpha() for ch in observed)  # be*een: one more edit
        edits = (2 if len(observed) < self.settings.near_long else 3) + junk
        near = [
            word
            for pool in self.near_pools(observed)
            for word, _, _ in rf_process.extract(
                observed,
                pool,
                scorer=Levenshtein.distance,
                score_cutoff=edits,
                limit=self.settings.near_limit,
            )
        ]
        have = {c.word for c in found}
        words = {word: 0.0 for word in near if word not in have}
        if not words:
            return []
        few = Lexicon(words, {}, {})
        return cand.search(
            observed,
            few,
            channel,
            self.settings.near_budget,
            self.settings.near_limit,
            generic=self.settings.near_generic,
        )

    def near_pools(self, observed: str) -> tuple[Sequence[str], ...]:
        """Where near words are looked for: the topic's names and terms, and, unless the
        word is written like a name (a capital inside a sentence), the common words."""
        if observed in self.name_like:
            return (self.lexicon.domain_words,)
        return (self.lexicon.common_words(len(observed)), self.lexicon.domain_words)

    def keep_cost(self, observed: str) -> float:
        """Cost of the reading 'the OCR got this right' under the document's profile; a
        word with junk inside (``vo~ce``, ``prop3rty``) is very unlikely to be right."""
        junk = sum(not (ch.isalpha() or ch in "'’-") for ch in observed)
        cost = (
            sum(self.channel.keep.get(ch, 0.0) for ch in observed)
            + self.settings.junk_keep_cost * junk
        )
        if self.heavily_damaged and self.word_logp(observed) <= OOV_LOGP:
            cost += self.unknown_cost  # in a damaged text an unknown word is mostly damage
        return cost

    def options(self, observed: str, rules_only: bool = False) -> list[tuple[str, float]]:
        """``(word, channel cost)`` options for a core, keeping it first."""
        keep = (observed, self.keep_cost(observed))
        found = self.candidates(observed, rules_only)
        return [keep] + [(c.word, c.cost) for c in found if c.word != observed]

    def best_reading(self, observed: str, previous: str | None = None) -> tuple[str, float]:
        """The likeliest word behind ``observed`` and its score (LM minus channel cost)."""
        return max(
            (
                (w, self.next_logp(previous, w, observed) - cost)
                for w, cost in self.options(observed)
            ),
            key=lambda x: x[1],
        )

    def context_free_best(self, observed: str) -> tuple[str, float, float]:
        """Best option without context: ``(word, gain over keeping, margin over runner-up)``."""
        scored = sorted(
            ((self.word_logp(w, observed) - cost, w) for w, cost in self.options(observed)),
            reverse=True,
        )
        keep_score = self.word_logp(observed, observed) - self.keep_cost(observed)
        best_score, best = scored[0]
        runner = scored[1][0] if len(scored) > 1 else -math.inf
        return best, best_score - keep_score, best_score - runner


def article_fit(word: str, following: str) -> float:
    """What English spelling says of *a* or *an* before ``following``, which the diluted
    bigrams say only faintly: *an* goes before a vowel sound, *a* before a consonant
    (ln-odds, rough).

    >>> article_fit("an", "orientation"), article_fit("an", "state"), article_fit("on", "it")
    (1.0, -2.0, 0.0)
    """
    if word not in ("a", "an") or not following[:1].isalpha():
        return 0.0
    vowel = following[0] in "aeio" or (
        following[0] == "u"
        and not following.startswith(("uni", "use", "usu", "uti", "ura", "ure", "uro"))
    )
    if word == "an":
        return 1.0 if vowel else -2.0
    return -2.0 if vowel else 0.0
