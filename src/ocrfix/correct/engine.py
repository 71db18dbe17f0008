"""The corrector: raw text in, span-based suggestions out.

A noisy channel. For each suspicious word, candidates come from a search through the
channel's rewrites (:mod:`ocrfix.correct.candidates`); each is scored by its frequency (in
English and in this document), its neighbours (bigrams) and the cost of the mistake that
would have turned it into what the OCR printed. Keeping the word is always one of the
options, and a change must beat it by a clear margin. The document's own error profile
(:mod:`ocrfix.correct.profile`) is learned first and makes its systematic mistakes cheap,
on known words too. Split words are joined, run-together words split, words hyphenated
across a line rejoined, split years mended, and margin junk at line starts dropped.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import regex
from rapidfuzz import process as rf_process
from rapidfuzz.distance import Levenshtein

from ocrfix import userdata
from ocrfix.correct import candidates as cand
from ocrfix.correct import confusions, features, lexicon
from ocrfix.correct import profile as prof
from ocrfix.correct.confusions import Channel
from ocrfix.correct.lexicon import OOV_LOGP, Lexicon, zipf_to_logp
from ocrfix.correct.morphology import derived_logp
from ocrfix.correct.pieces import PieceSettings, piece_bounds
from ocrfix.correct.punctuation import stray_punctuation
from ocrfix.correct.tokens import (
    CLITICS,
    INNER_BREAK,
    LEAD_JUNK,
    LEAD_JUNK_SET,
    LETTERS_ONLY,
    LOST_SPACE,
    MARGIN_JUNK,
    ORDINAL,
    PARTS,
    ROMAN,
    SENTENCE_END,
    TRAIL_JUNK,
    TRAIL_JUNK_SET,
    WORDLIKE,
    Chunk,
    as_year,
    bare_chunk,
    fix_case_noise,
    match_case,
    split_chunks,
)
from ocrfix.model import store
from ocrfix.model.decision import Decision, from_dict
from ocrfix.suggestion import Suggestion, shifted

HAND_RULES = frozenset({"dehyphenate"})  # what the decision model leaves to the thresholds
HEAVY_DAMAGE = 0.10  # share of unknown words that marks a text as heavily damaged
CLEAN_UNKNOWN = 0.005  # share of words a clean text has that the lexicon does not know
NEAR_BUDGET = 16.0  # channel cost allowed to a near word of a damaged text
NEAR_LONG = 7  # ... three edits away from an unknown word this long
NEAR_GENERIC = 2  # ... and at most this many arbitrary edits
JUNK_KEEP_COST = 4.0  # what keeping letter-like junk in or beside a word costs
TRUSTED = zipf_to_logp(3.0)  # words this frequent are not searched without a profile
TRUSTED_SHORT = zipf_to_logp(4.5)  # ... and two-letter words this frequent
JOINABLE = zipf_to_logp(1.5)  # a joined or split word must be at least this frequent
MAX_JOIN_REPAIR = 5.0  # ... and need at most this much repair besides the join
DAMAGED_JOIN_REPAIR = 10.0  # ... or this much after a hyphen in a heavily damaged text
MAX_JOINED = 18  # longer joined strings are not searched
MARGIN_SHARE = 0.1  # margin junk is dropped where this share of lines or more start with it
STRAY_GAIN = 4.0  # evidence of a stray mark found by a punctuation rule
NAME_CASE_GAIN = 3.5  # evidence that a name written small lost its capital to the OCR
DOMAIN_EDIT_COST = 2.0  # one edit between an unknown word and a domain name or term
SLASHED = regex.compile(r"\p{L}+/\p{L}*")  # Strugg/e, bureoucroc/ (not 1/2, a/b/c)
HYPHEN_GAP = regex.compile(r"[ \t]*(?:\n[ \t]*){0,2}")  # after a hyphen: a line end or two
SUSPENDED = frozenset({"and", "or", "nor", "to", "but"})  # words after a suspended hyphen
# two-letter words too common to be the tail of a split word (unlike "ic" or "ty")
COMMON_SHORT = frozenset({
    "of", "to", "in", "is", "it", "be", "as", "at", "by", "or", "on", "an",
    "we", "he", "me", "my", "no", "so", "up", "us", "do", "go", "if", "am",
})  # fmt: skip
OPTIONAL_PLURAL = regex.compile(r"\p{L}\((?:s|es)$")  # Contribution(s): not junk
LEARN_SAMPLE = 500  # the most frequent suspicious words a profile is learned from
DOC_WEIGHT = 0.05  # how much a word's use elsewhere in the document counts
DOC_PRIOR = 1000  # ... smoothed as if the document had this many more words


@dataclass(frozen=True)
class Settings:
    """Thresholds of the corrector, in nats of evidence."""

    auto_gain: float = 3.0  # a change is applied when it beats keeping the word by this much
    auto_gain_damaged: float = 2.0  # ... in a document whose profile shows it damaged
    auto_gain_known: float = 7.0  # ... when the word is a known one (real-word errors)
    auto_gain_known_damaged: float = 5.0  # ... in a heavily damaged document
    suggest_gain: float = 1.0  # below this, no suggestion at all
    auto_margin: float = 1.0  # ... and the runner-up must be this far behind
    join_cost: float = 4.0  # a space the OCR inserted inside a word
    split_cost: float = 5.0  # a space the OCR lost between two words
    hyphen_cost: float = 0.5  # a word hyphenated at a line end
    low_confidence: float = 60.0  # Tesseract confidence under which keeping a word costs


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


@dataclass
class TextCounts:
    """What the corrector counts in a whole text before deciding anything in it (see
    :meth:`Document.count`): added up piece by piece for a long text."""

    words: Counter[str] = field(default_factory=Counter)  # every word's lower-case core
    suspicious: Counter[str] = field(default_factory=Counter)  # ... those a profile may repair
    name_like: set[str] = field(default_factory=set)  # unknown words written as names
    line_starts: int = 0  # chunks that begin a line
    margin_junk: int = 0  # ... and those of them that look like margin junk


@dataclass
class Corrector:
    """Everything needed to correct documents: lexicon, channel, thresholds."""

    lexicon: Lexicon
    channel: Channel
    settings: Settings = field(default_factory=Settings)
    rejected: frozenset[tuple[str, str]] = frozenset()  # (original, replacement) never again
    search_cache: dict = field(default_factory=dict, repr=False)  # base-channel searches
    pieces: PieceSettings = field(default_factory=PieceSettings)
    decision: Decision | None = None  # the learned decision model, if the model has one

    def suggest(self, raw: str, confidences: dict[int, float] | None = None) -> list[Suggestion]:
        """Suggestions for ``raw``, in text order; ``confidences`` maps a word's start offset
        to Tesseract's confidence in it (0-100)."""
        return [s for piece in self.suggest_pieces(raw, confidences) for s in piece]

    def suggest_pieces(
        self, raw: str, confidences: dict[int, float] | None = None
    ) -> Iterator[list[Suggestion]]:
        """The suggestions for ``raw`` piece by piece, in text order (see
        :mod:`ocrfix.correct.pieces`), so that only one piece's working state is held.

        A text of one piece is corrected as a whole. A longer one is read twice: first
        every piece is counted (its words, suspicious words, names, margin junk) and the
        document's profile learned from those counts, as from the whole text; then each
        piece is corrected with that profile and the document's word counts.
        """
        confidences = confidences or {}
        bounds = piece_bounds(raw, self.pieces.max_chars)
        if len(bounds) == 1:
            yield Document(self, raw, confidences).suggestions()
            return
        whole = Document(self, "", {})
        counts = TextCounts()
        for start, end in bounds:
            whole.count(split_chunks(raw[start:end]), counts)
        whole.learn(counts)
        starts = sorted(confidences) if confidences else []
        for start, end in bounds:
            low, high = bisect_left(starts, start), bisect_left(starts, end)
            known = {k - start: confidences[k] for k in starts[low:high]}
            found = Document(self, raw[start:end], known, learned=whole).suggestions()
            yield shifted(found, start)


class Document:
    """One text being corrected: its chunks, its profile and the decisions.

    ``learned`` is the document (without text of its own) that learned the profile and word
    counts of the whole text that ``raw`` is a piece of; without it, they are learned from
    ``raw`` itself.
    """

    # what a piece of a long text takes from the document that learned the whole
    LEARNED = (
        "counts",
        "profile",
        "channel",
        "profile_channel",
        "doc_counts",
        "n_words",
        "heavily_damaged",
        "unknown_cost",
        "unknown_share",
        "name_like",
        "_cache",
        "_derived",
    )

    def __init__(
        self,
        corrector: Corrector,
        raw: str,
        confidences: dict[int, float],
        learned: Document | None = None,
    ) -> None:
        self.lexicon = corrector.lexicon
        self.settings = corrector.settings
        self.base_channel = self.channel = self.profile_channel = corrector.channel
        self.shared_cache = corrector.search_cache
        self.rejected = corrector.rejected
        self.decision = corrector.decision
        self.raw = raw
        self.confidences = confidences
        self.chunks = split_chunks(raw)
        self.profile: dict[cand.Op, float] = {}
        self.doc_counts: Counter[str] = Counter()
        self.n_words = 1
        self._cache: dict[tuple[str, bool], list[cand.Candidate]] = {}
        self._derived: dict[str, float] = {}
        # unknown words written with a capital inside a sentence: names, mostly
        self.margin_chunks: set[int] = set()  # chunks that are margin junk
        self.heavily_damaged = False  # set by learn(): many unknown words
        self.unknown_cost = 0.0  # ... and what keeping one costs then
        self.unknown_share = 0.0  # set by learn(): the share of words the lexicon does not know
        self.learned = learned is not None
        if learned is None:
            self.counts = self.count(self.chunks, TextCounts())
            self.name_like = self.counts.name_like
        else:
            for name in self.LEARNED:
                setattr(self, name, getattr(learned, name))

    # ------------------------------------------------------------ knowledge

    def is_trusted(self, word: str) -> bool:
        """Frequent enough not to be searched (two-letter strings must be very frequent:
        wordfreq knows ``af`` and ``te`` from abbreviations and other languages)."""
        floor = TRUSTED_SHORT if len(word) <= 2 else TRUSTED
        return self.lexicon.logp.get(word, -math.inf) >= floor or self.lexicon.is_protected(word)

    def word_logp(self, word: str, observed: str | None = None) -> float:
        """ln P(word): the lexicon's (or, for an unknown word, that of the known word it is
        derived from), raised by the word's use elsewhere in the document (not counting the
        occurrence being decided, ``observed``)."""
        logp = self.lexicon.logp.get(word)
        if logp is None:
            logp = self.derived_logp(word)
        if self.lexicon.is_protected(word):
            logp = max(logp, TRUSTED)
        count = self.doc_counts.get(word, 0) - (word == observed)
        if count > 0:
            logp = math.log(math.exp(logp) + DOC_WEIGHT * count / (self.n_words + DOC_PRIOR))
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
            budget = min(12.0, 4.0 + 0.6 * len(observed)) + 2.5 * min(junk, 3)
            found = cand.search(observed, self.lexicon, channel, budget, 40, generic)
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
            cand.Candidate(word, DOMAIN_EDIT_COST * distance, ())
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
        edits = (2 if len(observed) < NEAR_LONG else 3) + junk
        near = [
            word
            for pool in self.near_pools(observed)
            for word, _, _ in rf_process.extract(
                observed, pool, scorer=Levenshtein.distance, score_cutoff=edits, limit=20
            )
        ]
        have = {c.word for c in found}
        words = {word: 0.0 for word in near if word not in have}
        if not words:
            return []
        few = Lexicon(words, {}, {})
        return cand.search(observed, few, channel, NEAR_BUDGET, 20, generic=NEAR_GENERIC)

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
        cost = sum(self.channel.keep.get(ch, 0.0) for ch in observed) + JUNK_KEEP_COST * junk
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

    # ------------------------------------------------------------ profile

    def count(self, chunks: list[Chunk], counts: TextCounts) -> TextCounts:
        """Add to ``counts`` what learning needs of ``chunks``: the words, the suspicious
        ones, the unknown words written like names, the margin junk at line starts."""
        counts.words.update(c.lower for c in chunks if c.core)
        counts.suspicious.update(
            c.lower
            for c in chunks
            if c.core
            and WORDLIKE.fullmatch(c.lower)
            and not self.is_trusted(c.lower)
            and 3 * sum(ch.isdigit() for ch in c.core) <= len(c.core)
            and not OPTIONAL_PLURAL.search(c.core)
            and ("/" not in c.core or self.slash_is_junk(c.core))
        )
        counts.name_like.update(
            c.lower
            for c in chunks
            if c.core[:1].isupper() and c.core[1:].islower() and not self.lexicon.knows(c.lower)
        )
        firsts = [c for c in chunks if c.line_start]
        counts.line_starts += len(firsts)
        counts.margin_junk += sum(c.text in MARGIN_JUNK for c in firsts)
        return counts

    def learn(self, counts: TextCounts | None = None, rounds: int = 3) -> None:
        """Learn the document from its ``counts`` (by default this text's own): repair its
        unknown words, count the edits, make the frequent ones cheap, and again with the
        sharper channel (at most ``rounds`` times); then count the words the document uses
        as they are."""
        if counts is not None:
            self.counts, self.name_like = counts, counts.name_like
        words = self.counts.words
        self.n_words = max(words.total(), 1)
        suspicious = self.counts.suspicious
        sample = dict(suspicious.most_common(LEARN_SAMPLE))  # plenty for the statistics
        for _ in range(rounds):
            repairs = []
            for w, n in sample.items():
                best = self.confident_repair(w)
                if best is not None:
                    ops = next(c.ops for c in self.candidates(w) if c.word == best)
                    repairs.append((w, n, [op for op in ops if op[0] != op[1]]))
            profile = prof.learn(repairs, words)
            if profile.keys() == self.profile.keys():
                break  # the same mistakes: the estimates are good enough
            self.profile = profile
            self.channel = self.base_channel.with_profile(profile) if profile else self.base_channel
            self.profile_channel = self.base_channel.with_profile(profile, keep_table=False)
            self._cache.clear()
        share = self.unknown_share = self.share_unknown(words)
        if self.profile and share >= HEAVY_DAMAGE:
            self.heavily_damaged = True  # a systematic confusion, and words lost to it
            # the odds that an unknown word is damage rather than a real word: the share of
            # unknown words here over the share a clean text has
            self.unknown_cost = math.log(share / CLEAN_UNKNOWN)
        repaired = set()
        for w in suspicious:
            if not self.lexicon.knows(w):
                continue  # only known words are counted below
            best, gain, _ = self.context_free_best(w)
            if best != w and gain >= self.change_threshold(w, best):
                repaired.add(w)
        self.doc_counts = Counter(
            {w: n for w, n in words.items() if w not in repaired and self.lexicon.knows(w)}
        )
        if self.heavily_damaged:  # what its confidently repaired words were, it uses too
            for w, n in sample.items():
                best = None if self.lexicon.knows(w) else self.confident_repair(w)
                if best is not None:
                    self.doc_counts[best] += n

    def confident_repair(self, word: str) -> str | None:
        """The word behind ``word`` when, without context, it clearly beats keeping it."""
        best, gain, margin = self.context_free_best(word)
        if best != word and gain >= self.settings.auto_gain and margin >= 1.0:
            return best
        return None

    def change_threshold(self, word: str, best: str) -> float:
        """The gain a change of the known ``word`` to ``best`` needs to be applied: a
        real-word change not explained by the document's profile needs more evidence."""
        reading = Reading(0, len(word), word, word)
        return self.thresholds(self.is_known_change(word, best, reading))[0]

    def thresholds(self, known: bool) -> tuple[float, float]:
        """The gain and the margin over the runner-up that make a change automatic; a
        change of a known word is a real-word change and needs more evidence."""
        settings = self.settings
        if self.profile and not known:  # the profile is evidence of damage
            return settings.auto_gain_damaged, settings.auto_margin / 2
        if known and self.heavily_damaged:  # ... and much damage makes real-word errors common
            return settings.auto_gain_known_damaged, settings.auto_margin
        return (settings.auto_gain_known if known else settings.auto_gain), settings.auto_margin

    # ------------------------------------------------------------ decisions

    def candidate_changes(self) -> list[CandidateChange]:
        """Every change the corrector considers, in text order, none overlapping another,
        with its features for the decision model (see :mod:`ocrfix.correct.features`)."""
        if not self.learned:
            self.learn()
        choices = self.margin_junk() + self.stray_marks() + self.word_choices()
        state = self.document_state()
        found: list[CandidateChange] = []
        cursor = 0
        for c in sorted(choices, key=lambda c: (c.start, -c.end)):
            original = self.raw[c.start : c.end]
            if c.start < cursor or original == c.replacement:
                continue
            if (original, c.replacement) in self.rejected:
                continue
            row = features.row(
                self.lexicon,
                state,
                original,
                c.replacement,
                c.rule,
                c.gain,
                c.margin,
                c.known,
                len(c.alternatives),
                self.confidences.get(c.start),
                c.cost,
                c.lm_gain,
                self.thresholds(c.known),
            )
            found.append(CandidateChange(c, original, row))
            cursor = c.end
        return found

    def share_unknown(self, words: Counter[str]) -> float:
        """Of the plain words counted in ``words``, the share the lexicon does not know."""
        plain = sum(n for w, n in words.items() if w.isalpha())
        unknown = sum(n for w, n in words.items() if w.isalpha() and not self.lexicon.knows(w))
        return unknown / max(plain, 1)

    def document_state(self) -> features.DocumentState:
        """What the features need of the document (learned by :meth:`learn`)."""
        return features.DocumentState(self.unknown_share, bool(self.profile), self.counts.words)

    def suggestion(self, found: CandidateChange, probability: float | None) -> Suggestion | None:
        """The suggestion a candidate change becomes (automatic or for review), or None.

        With a decision model, a change is decided by its ``probability`` that it is
        right: automatic at ``auto`` and up, or at ``sure`` and up where the hand-set
        thresholds would apply it; a suggestion at ``suggest`` and up. Words rejoined over
        a line-end hyphen (``HAND_RULES``), and every change without a model, go by those
        thresholds: how the training pairs' truths write a line-end hyphen is their
        transcribers' convention (Overproof keeps it as ``¬``), not evidence of the page.
        """
        c = found.choice
        threshold, margin = self.thresholds(c.known)
        sure = c.gain >= threshold and c.margin >= margin
        if self.decision is not None and probability is not None and c.rule not in HAND_RULES:
            score = probability
            auto = score >= self.decision.auto or (sure and score >= self.decision.sure)
            if score < self.decision.suggest and not auto:
                return None
        else:
            auto = sure
            score = 1 / (1 + math.exp(-(c.gain - threshold)))
        return Suggestion(
            c.start, c.end, found.original, c.replacement, c.rule, round(score, 3), auto,
            c.alternatives,
        )  # fmt: skip

    def suggestions(self) -> list[Suggestion]:
        from ocrfix.text import layout_suggestions

        found = self.candidate_changes()
        probabilities: list[float | None] = [None] * len(found)
        if self.decision is not None and found:
            probabilities = self.decision.probabilities(np.array([f.features for f in found]))
            probabilities = [float(p) for p in probabilities]
        chosen = map(self.suggestion, found, probabilities)
        words = [s for s in chosen if s is not None]
        starts = [w.start for w in words]
        layout = []
        for s in layout_suggestions(self.raw):
            k = bisect_right(starts, s.start)
            left = words[k - 1] if k else None
            right = words[k] if k < len(words) else None
            if (left is None or left.end <= s.start) and (right is None or s.end <= right.start):
                layout.append(s)
        return sorted(words + layout)

    def margin_junk(self) -> list[Choice]:
        """Junk characters at line starts (``I ``, ``| ``, ``[ ``) on pages that have many."""
        many = self.counts.margin_junk  # in the whole document
        if many < 3 or many < MARGIN_SHARE * self.counts.line_starts:
            return []
        firsts = [i for i, c in enumerate(self.chunks) if c.line_start]
        junk = [i for i in firsts if self.chunks[i].text in MARGIN_JUNK]
        self.margin_chunks = set(junk)
        choices = []
        for i in junk:
            chunk = self.chunks[i]
            nxt = self.chunks[i + 1] if i + 1 < len(self.chunks) else None
            if chunk.text == "I" and nxt and not chunk.line_end:
                said = self.lexicon.next_logp("i", nxt.lower) - self.lexicon.word_logp(nxt.lower)
                if said > 1.0:  # "I think": a real pronoun
                    continue
            end = chunk.end
            while end < len(self.raw) and self.raw[end] in " \t" and not chunk.line_end:
                end += 1
            choices.append(Choice(chunk.start, end, "", "margin-junk", 6.0, 6.0))
        return choices

    def stray_marks(self) -> list[Choice]:
        """Specks read as punctuation beside words (see :mod:`ocrfix.correct.punctuation`)."""
        return [
            Choice(s.start, s.end, s.replacement, "stray-punct", STRAY_GAIN, STRAY_GAIN)
            for s in stray_punctuation(self.raw, self.chunks)
        ]

    def word_choices(self) -> list[Choice]:
        """Decisions for words, joined words and years, left to right."""
        choices: list[Choice] = []
        previous: str | None = None
        i = 0
        while i < len(self.chunks):
            chunk = self.chunks[i]
            if not self.profile and self.is_plain(i):
                previous = chunk.lower
                i += 1
                if chunk.trail and chunk.trail[-1] in SENTENCE_END:
                    previous = None
                continue
            joined = self.try_join(i, previous)
            alone = None
            if joined is not None and joined[0].gain < self.thresholds(joined[0].known)[0]:
                # an unsure join must not hide a sure repair of the word alone (o mish-mosh)
                alone = self.decide(chunk, previous, self.context_word(i + 1))
                if alone is not None and alone.gain >= joined[0].gain:
                    joined = None
            if joined is not None:
                choice, used = joined
                choices.append(choice)
                words = choice.replacement.split()
                previous = PARTS.match(words[-1])["core"].lower() if words else previous
                chunk = self.chunks[i + used - 1]
                i += used
            else:
                choice = alone or self.decide(chunk, previous, self.context_word(i + 1))
                if choice is not None:
                    choices.append(choice)
                    previous = (PARTS.match(choice.replacement)["core"] or "").lower() or None
                else:
                    previous = chunk.lower or None
                i += 1
            if chunk.trail and chunk.trail[-1] in SENTENCE_END:
                previous = None
        return choices

    def is_plain(self, i: int) -> bool:
        """A known word with nothing odd in or around it: nothing to decide (fast path)."""
        chunk = self.chunks[i]
        if not chunk.core or not self.is_trusted(chunk.lower):
            return False
        if chunk.lead[-1:] in LEAD_JUNK_SET or chunk.trail[:1] in TRAIL_JUNK_SET:
            return False
        core = chunk.core
        if chunk.trail == "-" or not (core.isalpha() or LETTERS_ONLY.fullmatch(core)):
            return False
        usual_case = core.islower() or core.isupper() or core[1:].islower()
        if not usual_case and fix_case_noise(core) != core:
            return False
        if core[0] in "li" and self.small_name(chunk):  # (the test first: a hot path)
            return False  # a name written small (lenin)
        nxt = self.chunks[i + 1] if i + 1 < len(self.chunks) else None
        if nxt is None:
            return True
        short_word = nxt.lower in COMMON_SHORT and not nxt.lead
        if self.joinable_piece(nxt) and not short_word:
            return False
        if len(chunk.core) <= 2 and not self.is_trusted(nxt.lower) and nxt.core.isalpha():
            return False  # wi thout: a short word may be a piece of the next one
        if len(chunk.core) == 1 and nxt.core[:1].isdigit():
            return False  # I 917: a digit misread as a letter
        after = self.chunks[i + 2] if i + 2 < len(self.chunks) else None
        return not (len(chunk.core) <= 3 and after is not None and self.joinable_piece(after))

    def joinable_piece(self, chunk: Chunk) -> bool:
        """A fragment a join could take: letters only, nothing before it, no capital
        starting it (Ty Coon, the Brumaire)."""
        core = chunk.core
        if not core or chunk.lead or not core.isalpha():
            return False
        return (core[0].islower() or core.isupper()) and self.is_fragment(chunk)

    def context_word(self, i: int) -> str | None:
        if i >= len(self.chunks) or not self.chunks[i].core:
            return None
        w = self.chunks[i].lower
        if self.is_trusted(w) or not WORDLIKE.fullmatch(w) or any(ch.isdigit() for ch in w):
            return w
        return self.context_free_best(w)[0]

    def confidence_penalty(self, chunk: Chunk) -> float:
        conf = self.confidences.get(chunk.start)
        if conf is None or conf >= self.settings.low_confidence:
            return 0.0
        return min(2.0, (self.settings.low_confidence - conf) / 20)

    # ------------------------------------------------------------ one chunk

    def decide(self, chunk: Chunk, previous: str | None, following: str | None) -> Choice | None:
        """Keep or replace one chunk: its core, or the parts of a core with inner breaks
        (``counter-revolulionories``, ``up.Mensheviks``, ``CivilWor``)."""
        core = chunk.core
        if not core or any(ch in chunk.text for ch in "@=_#") or OPTIONAL_PLURAL.search(core):
            return None
        if "/" in chunk.text and not self.slash_is_junk(core):
            return None  # and/or, 1/2, a path
        number = as_year(core)
        if number:
            return Choice(chunk.core_start, chunk.core_end, number, "digits", 5.0, 5.0)
        name = self.small_name(chunk)
        if name:
            return self.decide_core_name(chunk, name, previous, following)
        if 4 * sum(ch.isdigit() for ch in core) > len(core) or self.lexicon.is_protected(
            chunk.lower
        ):
            return None
        breaks = [m.start() for m in INNER_BREAK.finditer(core)]
        if not self.profile:  # PostScript, McDonald: a capital inside is split off only
            # in a damaged document
            breaks = [b for b in breaks if not core[b].isupper() or not core[b - 1].isalpha()]
        else:  # ... where a capital after a stop may be misread too (increose.lndustriol)
            lost = [m.start() for m in LOST_SPACE.finditer(core) if self.splits_into_words(core, m)]
            breaks = sorted({*breaks, *lost})
        if not breaks or self.is_trusted(chunk.lower):
            return self.decide_core(chunk, previous, following)
        return self.decide_parts(chunk, breaks, previous, following)

    def splits_into_words(self, core: str, stop: regex.Match) -> bool:
        """Whether the words on both sides of a stop inside ``core`` are (nearly) words."""
        left = regex.split(r"[^\p{L}]", core[: stop.start()])[-1].lower()
        right = regex.split(r"[^\p{L}]", core[stop.end() :])[0].lower()
        return self.has_reading(left) and self.has_reading(right)

    def slash_is_junk(self, core: str) -> bool:
        """``Strugg/e``: a slash inside a damaged word, not between words or numbers."""
        if not SLASHED.fullmatch(core) or core.isupper():
            return False
        return not all(self.is_trusted(p.lower()) for p in core.split("/") if p)

    def decide_parts(
        self, chunk: Chunk, breaks: list[int], previous: str | None, following: str | None
    ) -> Choice | None:
        core, pieces, start = chunk.core, [], 0
        for b in [*breaks, len(core)]:
            end = b + 1 if b < len(core) and core[b] in "-.,;:" else b
            pieces.append((start, core[start:b], core[b:end]))
            start = end
        texts, changed, prev = [], [], previous
        for k, (offset, part, sep) in enumerate(pieces):
            if not part:
                texts.append(sep)
                continue
            begin = chunk.core_start + offset
            sub = bare_chunk(begin, part)
            nxt = pieces[k + 1][1].lower() if k + 1 < len(pieces) else following
            choice = self.decide_core(sub, prev, nxt)
            word = choice.replacement if choice else part
            if choice:
                changed.append(choice)
                if k and pieces[k - 1][2] == "." and word[:1].islower():
                    word = word[:1].upper() + word[1:]  # beosrs.lhere: a new sentence
            spaced = sep in ".,;:" and sep and (k + 1 < len(pieces))
            if not sep and k + 1 < len(pieces):  # a capital inside: CivilWar
                right = pieces[k + 1][1].lower()
                if self.is_trusted(part.lower()) or self.is_trusted(right):
                    sep, spaced = " ", False
                    changed.append(Choice(begin, begin, "", "split", 5.0, 5.0))
            elif spaced:
                sep += " "
                changed.append(Choice(begin, begin, "", "split", 5.0, 5.0))
            texts.append(word + sep)
            prev = None if sep.startswith(".") else word.lower()
        if not changed:
            return None
        rule = "split" if any(c.rule == "split" for c in changed) else "word"
        return Choice(
            chunk.core_start,
            chunk.core_end,
            "".join(texts),
            rule,
            min(c.gain for c in changed),
            min(c.margin for c in changed),
            known=any(c.known for c in changed),
        )

    def decide_core(
        self, chunk: Chunk, previous: str | None, following: str | None
    ) -> Choice | None:
        """Keep or replace a core without inner breaks, perhaps with the junk at its edges
        (``u[`` for *of*, ``{rom`` for *from*)."""
        core = chunk.lower
        if not WORDLIKE.fullmatch(core) or self.lexicon.is_protected(core):
            return None
        if (ROMAN.fullmatch(chunk.core) and len(chunk.core) > 1) or ORDINAL.fullmatch(core):
            return None
        denoised = fix_case_noise(chunk.core)
        if denoised != chunk.core and self.is_trusted(core):
            return Choice(chunk.core_start, chunk.core_end, denoised, "case", 5.0, 5.0)
        keep_lm = self.lm(previous, core, following, core)
        keep = keep_lm - self.keep_cost(core)
        edge_junk = self.junk_edge_cost(chunk)
        keep -= self.confidence_penalty(chunk) + edge_junk
        scored: list[tuple[float, str, Reading, float, float]] = []
        for reading in self.readings(chunk):
            covered = reading.end - reading.start - len(chunk.core)  # junk read as letters
            left = edge_junk - JUNK_KEEP_COST * covered  # junk a change would leave (€ommune)
            for word, cost in self.options(reading.observed):
                if word != core:
                    lm = self.lm(previous, word, following, core)
                    scored.append((lm - cost - left, word, reading, cost, lm - keep_lm))
        split = self.try_split(chunk, previous, following)
        if split is not None:
            text, score = split
            reading = Reading(chunk.core_start, chunk.core_end, core, chunk.core, "split")
            scored.append((score, text, reading, math.nan, math.nan))
        if not scored:
            return None
        scored.sort(key=lambda x: -x[0])
        best_score, best, reading, best_cost, lm_gain = scored[0]
        gain = best_score - keep
        if gain < self.settings.suggest_gain:
            return None
        runner = max([keep, *(sc for sc, w, *_ in scored[1:] if w != best)])
        replacement = match_case(reading.model, self.lexicon.case_forms.get(best, best))
        if previous is None and reading.observed[:1] == "l" and best[:1] == "i":
            replacement = replacement[:1].upper() + replacement[1:]  # ln -> In
        if "’" in reading.model:
            replacement = replacement.replace("'", "’")
        alternatives = tuple(
            dict.fromkeys(match_case(chunk.core, w) for _, w, *_ in scored[1:6] if w != best)
        )[:3]
        return Choice(
            reading.start,
            reading.end,
            replacement,
            reading.rule,
            gain,
            best_score - runner,
            alternatives,
            known=self.is_known_change(core, best, reading),
            cost=best_cost,
            lm_gain=lm_gain,
        )

    def small_name(self, chunk: Chunk) -> str | None:
        """The name a chunk spells with its capital I or L read small (lenin, leningrad)."""
        core = chunk.core
        if not core.islower() or core[0] not in "li":
            return None
        name = self.lexicon.case_forms.get(chunk.lower, "")
        return name if name[:1] in ("L", "I") and name[1:].islower() else None

    def decide_core_name(
        self, chunk: Chunk, name: str, previous: str | None, following: str | None
    ) -> Choice:
        """A known name written small: its capital, and any other repair of it."""
        model = chunk.core[:1].upper() + chunk.core[1:]
        repaired = self.decide_core(bare_chunk(chunk.core_start, model), previous, following)
        if repaired is not None and repaired.start == chunk.core_start:
            return repaired
        gain = NAME_CASE_GAIN
        return Choice(chunk.core_start, chunk.core_end, name, "case", gain, gain)

    @staticmethod
    def junk_edge_cost(chunk: Chunk) -> float:
        """What keeping letter-like junk glued to a word costs: ``$e``, ``o[``."""
        lead = len(chunk.lead) - len(chunk.lead.rstrip(LEAD_JUNK))
        trail = len(chunk.trail) - len(chunk.trail.lstrip(TRAIL_JUNK))
        return JUNK_KEEP_COST * (lead + trail)

    def readings(self, chunk: Chunk) -> list[Reading]:
        """The strings a chunk may be read as: its core, and its core with junk at an edge."""
        found = [Reading(chunk.core_start, chunk.core_end, chunk.lower, chunk.core)]
        if len(chunk.core) >= 4 and self.is_trusted(chunk.lower):
            return found  # *emphasis*, not junk
        lead = len(chunk.lead) - len(chunk.lead.rstrip(LEAD_JUNK))
        trail = len(chunk.trail) - len(chunk.trail.lstrip(TRAIL_JUNK))
        for before, after in ((lead, 0), (0, trail), (lead, trail)):
            if (before or after) and (before, after) != (0, 0):
                text = self.raw[chunk.core_start - before : chunk.core_end + after]
                reading = Reading(
                    chunk.core_start - before,
                    chunk.core_end + after,
                    text.lower().replace("’", "'"),
                    text,
                )
                if reading not in found:
                    found.append(reading)
        return found

    def is_known_change(self, core: str, best: str, reading: Reading) -> bool:
        """A change of a word the lexicon trusts, not explained by the document's profile
        alone: such changes need more evidence."""
        if reading.observed != core:
            return False  # letter-like junk glued to the word (u[, $e): damage, not a word
        if self.profile and not self.lexicon.knows(core):
            return False  # a damaged document: unknown words are its damage
        # a two-letter string wordfreq knows but does not trust (te, af) is no real word
        # (in a heavily damaged text, only a frequent word is one: wer, goin, slop are not)
        rare_ok = len(core) > 2 and not self.heavily_damaged
        known = self.lexicon.knows(core) if rare_ok else self.is_trusted(core)
        name_like = reading.model[:1].isupper() and not known
        if not known and not name_like:
            return False
        if not self.profile:
            return True
        found = next((c for c in self.candidates(reading.observed) if c.word == best), None)
        return found is None or any(op not in self.profile for op in cand.edits(found))

    def try_split(
        self, chunk: Chunk, previous: str | None, following: str | None
    ) -> tuple[str, float] | None:
        """Two words run together (``privilegedond``, ``a’more``): the best split and its
        score, when the whole is not a known word."""
        core = chunk.lower
        if len(core) < 5 or self.lexicon.knows(core) or not LETTERS_ONLY.fullmatch(core):
            return None
        at_apostrophe = regex.search(r"'\p{Ll}", chunk.core.replace("’", "'"))  # a’more
        if not at_apostrophe and self.context_free_best(core)[1] >= self.settings.auto_gain:
            return None  # one word, repaired (an apostrophe may be a misread space: a’more)
        best: tuple[str, float] | None = None
        for k in range(2, len(core) - 1):
            left, right = core[:k].rstrip("'"), core[k:].lstrip("'")
            if right in CLITICS or len(left) < 1 or len(right) < 2:
                continue
            if not (self.is_trusted(left) or len(left) > 3) or not self.has_reading(right):
                continue
            lw, ls = self.best_reading_joinable(left, previous)
            rw, rs = self.best_reading_joinable(right, lw)
            if lw is None or rw is None:
                continue
            score = ls + rs - self.settings.split_cost
            if following:
                score += self.lexicon.next_logp(rw, following) - self.lexicon.word_logp(following)
            if best is None or score > best[1]:
                right_model = chunk.core[k:].lstrip("'’")  # each word keeps its own case
                best = (f"{lw} {match_case(right_model, rw)}", score)
        return best

    def has_reading(self, part: str) -> bool:
        """A piece that is a word, or (in a document with a profile) nearly one."""
        if self.is_trusted(part):
            return True
        return bool(self.profile) and bool(self.candidates(part, rules_only=True))

    def best_reading_joinable(self, part: str, previous: str | None) -> tuple[str | None, float]:
        """The best trusted word behind a piece of a split or joined word, cheaply repaired."""
        options = [(part, 0.0)] if self.is_trusted(part) else []
        options += (
            []
            if not self.profile
            else [
                (c.word, c.cost)
                for c in self.candidates(part, rules_only=True)
                if c.cost <= MAX_JOIN_REPAIR and self.is_trusted(c.word)
            ]
        )
        if not options:
            return None, -math.inf
        return max(((w, self.next_logp(previous, w) - c) for w, c in options), key=lambda x: x[1])

    # ------------------------------------------------------------ joins

    def is_fragment(self, chunk: Chunk) -> bool:
        """A piece of a word rather than a word: unknown or all but unknown, short, or
        rare and short."""
        core = chunk.lower
        return (
            len(core) <= 2
            or self.lexicon.logp.get(core, -math.inf) < JOINABLE
            or (len(core) <= 4 and not self.is_trusted(core))
        )

    def try_join(self, i: int, previous: str | None) -> tuple[Choice, int] | None:
        """The best join starting at chunk ``i``, unless one starting at the next chunk is
        better (``I ha ve``: join ``ha ve``, not ``I ha ve``)."""
        here = self.join_at(i, previous)
        if here is None or here[0].rule == "digits" or i + 1 >= len(self.chunks):
            return here
        there = self.join_at(i + 1, self.chunks[i].lower or None)
        if there is not None and there[0].gain > here[0].gain and (there[0].start < here[0].end):
            return None
        return here

    def join_at(self, i: int, previous: str | None) -> tuple[Choice, int] | None:
        """Join chunk ``i`` with the next ones when they are one word split apart
        (``wi thout``, ``s oc ia l``, ``Trotsky’ s``) or hyphenated across a line
        (``bureau-`` / ``cracy``), or form a year (``I 917``)."""
        chunks = self.chunks
        first = chunks[i]
        if not first.core or i + 1 >= len(chunks):
            return None
        number = self.join_number(i)
        if number is not None:
            return number
        second = chunks[i + 1]
        gap = self.raw[first.end : second.start]
        if (
            first.trail in ("'", "’")
            and gap == " "
            and not second.lead
            and (second.core in CLITICS)
        ):
            return Choice(first.start, second.end, first.text + second.text, "join", 5.0, 5.0), 2
        if first.trail == "-":
            return self.hyphen_join(i, previous)
        if first.trail:
            return None
        third = chunks[i + 2] if i + 2 < len(chunks) else None
        spaced_out = (
            len(first.core) <= 3
            and len(second.core) <= 3
            and third is not None
            and self.is_fragment(third)
        )
        if not (self.is_fragment(first) or self.is_fragment(second) or spaced_out):
            return None
        best: tuple[float, Choice, int] | None = None
        for size in range(2, 7):
            if i + size > len(chunks):
                break
            group = chunks[i : i + size]
            if group[-1].lead or not group[-1].core or any(c.trail for c in group[1:-1]):
                break
            gap = self.raw[group[-2].end : group[-1].start]
            if gap not in (" ", "\n"):
                break
            if size > 2 and not self.is_fragment(group[-1]) and len(group[-1].core) > 3:
                break
            if size == 2:  # bour / geois-Stolinist
                group = [group[0], self.leading_piece(group[1], i + 1)]
            found = self.score_join(group, i + size, previous, False)
            if found and (best is None or found[0] > best[0]):
                best = (found[0], found[1], size)
        return None if best is None else (best[1], best[2])

    def hyphen_join(self, i: int, previous: str | None) -> tuple[Choice, int] | None:
        """``bureau-`` / ``cracy``: a word hyphenated at a line end (or before a space),
        perhaps with margin junk (``copitu-`` / ``I lote.``) or a blank line between."""
        j = i + 1
        if j in self.margin_chunks:
            j += 1
        if j >= len(self.chunks):
            return None
        first, last = self.chunks[i], self.chunks[j]
        if last.lead or not last.core:
            return None
        gap = self.raw[first.end : last.start]
        if j > i + 1:
            junk = self.chunks[i + 1]
            gap = self.raw[first.end : junk.start] + self.raw[junk.end : last.start]
        if not HYPHEN_GAP.fullmatch(gap):
            return None
        if gap.count("\n") > 1 and not (self.is_fragment(last) and last.core[0].islower()):
            return None  # across a blank line only a fragment continues the word
        if last.lower in SUSPENDED:
            return None  # pre- and post-war: a suspended hyphen
        if "\n" not in gap and self.is_compound(first, last):  # Brest- Litovsk
            left = self.repaired_core(first, previous, last.lower)
            right = self.repaired_core(last, left.lower(), self.context_word(j + 1))
            text = first.lead + left + "-" + right + last.trail
            return Choice(first.start, last.end, text, "join", 4.0, 4.0), j - i + 1
        found = self.score_join([first, self.leading_piece(last, j)], j + 1, previous, True)
        return None if found is None else (found[1], j - i + 1)

    def leading_piece(self, chunk: Chunk, index: int) -> Chunk:
        """A chunk whose core is a compound (``geois-Stolinist``) as its first piece, the
        rest (repaired) carried as its trail, for a join with the chunk before."""
        piece, dash, rest = chunk.core.partition("-")
        if not (dash and piece and rest) or chunk.lead:
            return chunk
        after = self.repaired_core(
            bare_chunk(chunk.core_start + len(piece) + 1, rest),
            None,
            self.context_word(index + 1),
        )
        return Chunk(chunk.start, chunk.end, chunk.text, "", piece, "-" + after + chunk.trail)

    def repaired_core(self, chunk: Chunk, previous: str | None, following: str | None) -> str:
        """A chunk's core as the corrector would surely write it (Zinovieu: Zinoviev)."""
        choice = self.decide_core(bare_chunk(chunk.core_start, chunk.core), previous, following)
        if choice is None or choice.gain < self.thresholds(choice.known)[0]:
            return chunk.core
        return choice.replacement

    def is_compound(self, first: Chunk, last: Chunk) -> bool:
        """``Brest- Litovsk``, ``counter- revolution`` on one line: a compound with a space
        the OCR put after its hyphen (not ``pre- and post-war``)."""
        if last.trail.startswith("-"):
            return False
        names = first.core[:1].isupper() and last.core[:1].isupper()
        return names or (self.lexicon.knows(first.lower) and self.lexicon.knows(last.lower))

    def join_number(self, i: int) -> tuple[Choice, int] | None:
        """A year split by spaces, digits perhaps misread: ``I 917``, ``t 9 l 8``, ``191 7``,
        ``'I 917`` (a speck before it), ``I 927-8`` (a range after it)."""
        chunks = self.chunks
        if not chunks[i].core or chunks[i].lead not in ("", "'", "‘") or chunks[i].trail:
            return None
        for size in range(2, 5):
            group = chunks[i : i + size]
            if len(group) < size or group[-1].lead or not group[-1].core:
                return None
            if any(c.trail for c in group[:-1]):
                return None
            if any(self.raw[a.end : b.start] != " " for a, b in itertools.pairwise(group)):
                return None
            last_core, _, rest = group[-1].core.partition("-")  # 1927-8
            if rest and not rest.isdigit():
                return None
            text = "".join(c.core for c in group[:-1]) + last_core
            if len(text) > 4:
                return None
            if not all(
                c.core.isdigit() or len(c.core) == 1 or any(ch.isdigit() for ch in c.core)
                for c in group
            ):
                return None
            if len(text) == 4 and sum(ch.isdigit() for ch in text) >= 2:
                digits = text if text.isdigit() else as_year(text)
                if digits and 1000 <= int(digits) <= 2099:
                    last = group[-1]
                    tail = last.core[len(last_core) :] + last.trail
                    return Choice(group[0].start, last.end, digits + tail, "digits", 5.0, 5.0), size
        return None

    def score_join(
        self, group: list[Chunk], after: int, previous: str | None, hyphen: bool
    ) -> tuple[float, Choice] | None:
        parts = [c.lower for c in group]
        if any(not LETTERS_ONLY.fullmatch(p) for p in parts):
            return None
        if not hyphen and all(self.is_trusted(p) and len(p) > 3 for p in parts):
            return None  # real words side by side
        if all(len(p) == 1 for p in parts):
            return None  # initials: C L R James
        if any(c.core[:1].isupper() and not c.core.isupper() for c in group[1:]):
            return None  # a capital starts a word: Ty Coon, Hong Kong
        crosses_line = "\n" in self.raw[group[0].end : group[-1].start]
        if crosses_line and not hyphen and all(self.is_trusted(p) for p in parts):
            return None  # across a line break real words are not joined (some / thing)
        following = self.context_word(after)
        joined = "".join(parts)
        options = [(joined, 0.0)] if self.lexicon.logp.get(joined, -99) >= JOINABLE else []
        if not all(map(self.is_trusted, parts)) and len(joined) <= MAX_JOINED:
            # a hyphen at a line end in a heavily damaged text: one word, however damaged
            whole = hyphen and self.heavily_damaged and not self.lexicon.knows(joined)
            limit = DAMAGED_JOIN_REPAIR if whole else MAX_JOIN_REPAIR
            options += [
                (c.word, c.cost)
                for c in self.candidates(joined, rules_only=not whole)
                if c.cost <= limit and self.lexicon.logp.get(c.word, -99) >= JOINABLE
            ]
        first, last = group[0], group[-1]
        compound = hyphen and self.is_trusted(parts[0]) and self.is_trusted(parts[1])
        if compound and (
            not options or self.word_logp(options[0][0]) < min(map(self.word_logp, parts))
        ):
            # over-/intellectual: a real compound; rejoining it is left to the reviewer
            text = first.lead + first.core + "-" + last.core + last.trail
            return 2.0, self.join_choice(group, text, "dehyphenate", 2.0)
        if not options:
            return None
        if hyphen:
            join_cost = self.settings.hyphen_cost
        else:
            join_cost = self.settings.join_cost * (len(group) - 1) ** 0.5
        word, cost = max(options, key=lambda o: self.lm(previous, o[0], following) - o[1])
        together = self.lm(previous, word, following) - cost - join_cost
        apart, prev = 0.0, previous
        for p in parts:
            w, score = self.best_reading(p, prev)
            apart += score
            prev = w
        if following:
            apart += self.lexicon.next_logp(prev, following) - self.lexicon.word_logp(following)
        gain = together - apart
        if gain < self.settings.suggest_gain:
            return None
        text = first.lead + match_case(first.core, word) + last.trail
        choice = self.join_choice(group, text, "dehyphenate" if hyphen else "join", gain)
        # a join that also changes letters of real words needs the evidence of a real-word fix
        choice.known = word != joined and all(map(self.lexicon.knows, parts))
        return gain, choice

    def join_choice(self, group: list[Chunk], text: str, rule: str, gain: float) -> Choice:
        """Replace the group by ``text``; a join across a line break keeps the break after."""
        first, last = group[0], group[-1]
        end = last.end
        if "\n" in self.raw[first.end : last.start]:
            while end < len(self.raw) and self.raw[end] in " \t":
                end += 1
            if end < len(self.raw) and self.raw[end] not in "\n\f":
                text += "\n"
        return Choice(first.start, end, text, rule, gain, gain)


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


def learned_sources() -> list[Path]:
    """The reviewers' learned files that exist: protected words, confusions, rejections."""
    userdata.settle()
    paths = [userdata.protected_path(), userdata.confusions_path(), userdata.rejected_path()]
    return [p for p in paths if p.exists()]


def fingerprint(extra_lexicons: tuple[str, ...] = (), model_dir: str | None = None) -> str:
    """A hash of everything the corrector reads: its code, lexicons, confusions, the
    correction model and learned data."""
    digest = hashlib.sha256(f"{lexicon.FORMAT}".encode())
    model = store.DEFAULT_DIR if model_dir is None else Path(model_dir)
    code = sorted(Path(__file__).parent.glob("*.py")) + sorted(
        Path(store.__file__).parent.glob("*.py")
    )
    sources = [
        *code,
        *lexicon.default_sources(),
        *map(Path, extra_lexicons),
        confusions.TABLE,
        *sorted(p for p in model.glob("*") if p.is_file()),
        *learned_sources(),
    ]
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def load_model(model_dir: str | None) -> store.Model | None:
    """The model in ``model_dir``, by default the one ocrfix ships (None if not built)."""
    if model_dir:
        return store.load(Path(model_dir))
    if (store.DEFAULT_DIR / "model.json").is_file():
        return store.load(store.DEFAULT_DIR)
    return None


def model_channel(model: store.Model | None) -> Channel:
    """The channel of ``model``: its learned rules (costs times the model's weight) with
    the hand-written table's beside them (a rule in both keeps the lower cost), and the
    table's costs for arbitrary edits; without a model, the table alone."""
    table = confusions.load_table()
    if model is None:
        return table
    learned = confusions.from_rules(model.rules, model.settings.get("weight", 1.0))
    return learned.merged(table)


def model_settings(model: store.Model | None) -> Settings:
    """The corrector's settings under ``model``: a learned model has candidates proposed
    down to its own floor of gain, for its decision model to weigh."""
    if model is None or "candidate_gain" not in model.settings:
        return Settings()
    return Settings(suggest_gain=model.settings["candidate_gain"])


def corrector_with(model: store.Model | None, decision: bool = True) -> Corrector:
    """A corrector of ``model`` and ocrfix's own lexicons only (nothing a user taught):
    what training fits the decision model with (``decision=False``)."""
    chosen = from_dict(model.decision) if model is not None and decision else None
    channel, settings = model_channel(model), model_settings(model)
    return Corrector(lexicon.load(), channel, settings=settings, decision=chosen)


@functools.cache
def corrector_for(extra_lexicons: tuple[str, ...] = (), model_dir: str | None = None) -> Corrector:
    """The corrector with ocrfix's lexicons, the user's ``extra_lexicons``, the correction
    model in ``model_dir`` and what reviewers taught it (see :mod:`ocrfix.userdata`),
    loaded once per process."""
    userdata.settle()
    domain = [*lexicon.default_sources(), *map(Path, extra_lexicons)]
    protected = [userdata.protected_path()] if userdata.protected_path().exists() else []
    model = load_model(model_dir)
    channel = model_channel(model)
    if userdata.confusions_path().exists():
        channel = channel.merged(confusions.load_table(userdata.confusions_path()))
    decision = from_dict(model.decision) if model is not None else None
    return Corrector(
        lexicon.load(domain, protected), channel, model_settings(model),
        rejected=userdata.read_rejected(), decision=decision,
    )  # fmt: skip


def default_corrector() -> Corrector:
    return corrector_for(())
