"""The corrector: raw text in, span-based suggestions out.

A noisy channel. For each suspicious word, candidates come from a search through the
channel's rewrites; each is scored by its frequency (in English and in this document), its
neighbours (bigrams) and the cost of the mistake that would have turned it into what the
OCR printed. Keeping the word is always one of the options. The document's own error
profile (:mod:`ocrfix.correct.profile`) is learned first and makes its systematic mistakes
cheap, on known words too. The parts, in the order data flows through them:

- :mod:`~ocrfix.correct.config`: every number the corrector decides by, one frozen object;
- :mod:`~ocrfix.correct.tokens`: the text cut into chunks (a word with its punctuation);
- :mod:`~ocrfix.correct.knowledge`: the word model: frequencies, candidates, their costs
  (through :mod:`~ocrfix.correct.candidates` and the channel of
  :mod:`~ocrfix.correct.confusions`);
- this module: the document's profile, then a choice for each word (``decide``);
- :mod:`~ocrfix.correct.joins`: joins, splits, line-end hyphens and split years;
- :mod:`~ocrfix.correct.punctuation`: stray marks; margin junk is found here;
- :mod:`~ocrfix.correct.features` and :mod:`~ocrfix.correct.ngram`: each candidate
  change described for the decision model, with the word trigram model's verdict;
- :mod:`~ocrfix.correct.decide`: overlapping changes arbitrated, each decided;
- :mod:`~ocrfix.correct.assemble`: a corrector put together from lexicons and a model.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import regex

from ocrfix.correct import candidates as cand
from ocrfix.correct import decide, features, ngram
from ocrfix.correct import profile as prof
from ocrfix.correct.choices import CandidateChange, Choice, Reading
from ocrfix.correct.config import Settings
from ocrfix.correct.confusions import Channel
from ocrfix.correct.joins import JoinRules
from ocrfix.correct.lexicon import Lexicon
from ocrfix.correct.pieces import PieceSettings, piece_bounds
from ocrfix.correct.punctuation import stray_punctuation
from ocrfix.correct.tokens import (
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
from ocrfix.model.decision import Decision
from ocrfix.suggestion import Suggestion, shifted

SLASHED = regex.compile(r"\p{L}+/\p{L}*")  # Strugg/e, bureoucroc/ (not 1/2, a/b/c)
# two-letter words too common to be the tail of a split word (unlike "ic" or "ty")
COMMON_SHORT = frozenset({
    "of", "to", "in", "is", "it", "be", "as", "at", "by", "or", "on", "an",
    "we", "he", "me", "my", "no", "so", "up", "us", "do", "go", "if", "am",
})  # fmt: skip
OPTIONAL_PLURAL = regex.compile(r"\p{L}\((?:s|es)$")  # Contribution(s): not junk


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
    trigram: ngram.Trigram = field(default_factory=ngram.default_trigram, repr=False)

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


class Document(JoinRules):
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
        self.trigram = corrector.trigram
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

    def learn(self, counts: TextCounts | None = None) -> None:
        """Learn the document from its ``counts`` (by default this text's own): repair its
        unknown words, count the edits, make the frequent ones cheap, and again with the
        sharper channel (at most ``settings.learn_rounds`` times); then count the words the
        document uses as they are."""
        if counts is not None:
            self.counts, self.name_like = counts, counts.name_like
        words = self.counts.words
        self.n_words = max(words.total(), 1)
        suspicious = self.counts.suspicious
        sample = dict(
            suspicious.most_common(self.settings.learn_sample)
        )  # plenty for the statistics
        for _ in range(self.settings.learn_rounds):
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
        if self.profile and share >= self.settings.heavy_damage:
            self.heavily_damaged = True  # a systematic confusion, and words lost to it
            # the odds that an unknown word is damage rather than a real word: the share of
            # unknown words here over the share a clean text has
            self.unknown_cost = math.log(share / self.settings.clean_unknown)
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
        if (
            best != word
            and gain >= self.settings.auto_gain
            and margin >= self.settings.repair_margin
        ):
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
        for c, original in decide.arbitrate(choices, self.raw, self.rejected):
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
                ngram.gain(self.trigram, self.raw, c.start, c.end, c.replacement, self.settings),
            )
            found.append(CandidateChange(c, original, row))
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
        """What ``found`` becomes (see :func:`ocrfix.correct.decide.suggestion`)."""
        hand = self.thresholds(found.choice.known)
        return decide.suggestion(found, probability, self.decision, hand)

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
        if (
            many < self.settings.min_margin_junk
            or many < self.settings.margin_share * self.counts.line_starts
        ):
            return []
        firsts = [i for i, c in enumerate(self.chunks) if c.line_start]
        junk = [i for i in firsts if self.chunks[i].text in MARGIN_JUNK]
        self.margin_chunks = set(junk)
        choices = []
        for i in junk:
            chunk = self.chunks[i]
            nxt = self.chunks[i + 1] if i + 1 < len(self.chunks) else None
            end = chunk.end
            while end < len(self.raw) and self.raw[end] in " \t" and not chunk.line_end:
                end += 1
            if (
                chunk.text == "I"
                and nxt
                and not chunk.line_end
                and self.is_pronoun(chunk, nxt, end)
            ):
                continue  # "I remained there": a real pronoun
            gain = self.settings.margin_junk_gain
            choices.append(Choice(chunk.start, end, "", "margin-junk", gain, gain))
        return choices

    def is_pronoun(self, chunk: Chunk, nxt: Chunk, end: int) -> bool:
        """Whether an ``I`` at a line start may be the pronoun: the word trigram model does
        not find the line likelier without it by ``settings.pronoun_fit``, or, where it
        starts a sentence before a known lower-case word (``I then said``), by
        ``settings.pronoun_doubt``."""
        raw, settings = self.raw, self.settings
        dropped, _ = ngram.gain(self.trigram, raw, chunk.start, end, "", settings)
        if dropped < settings.pronoun_fit:
            return True
        last = chunk.start  # the end of the text before it, without the line break
        while last and raw[last - 1].isspace():
            last -= 1
        starts = not last or raw[last - 1] in '.!?"”:'
        known = nxt.core[:1].islower() and self.lexicon.knows(nxt.lower)
        return starts and known and dropped < settings.pronoun_doubt

    def stray_marks(self) -> list[Choice]:
        """Specks read as punctuation beside words (see :mod:`ocrfix.correct.punctuation`)."""
        gain = self.settings.stray_gain
        return [
            Choice(s.start, s.end, s.replacement, "stray-punct", gain, gain)
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
        s = self.settings
        return min(s.confidence_cost, (s.low_confidence - conf) / s.confidence_scale)

    def sure_choice(self, start: int, end: int, text: str, rule: str) -> Choice:
        """A change a rule is sure of (a year mended, a case fixed, a space restored)."""
        return Choice(start, end, text, rule, self.settings.sure_gain, self.settings.sure_gain)

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
            sure = self.settings.sure_gain
            return Choice(chunk.core_start, chunk.core_end, number, "digits", sure, sure)
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
                    changed.append(self.sure_choice(begin, begin, "", "split"))
            elif spaced:
                sep += " "
                changed.append(self.sure_choice(begin, begin, "", "split"))
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
            return self.sure_choice(chunk.core_start, chunk.core_end, denoised, "case")
        keep_lm = self.lm(previous, core, following, core)
        keep = keep_lm - self.keep_cost(core)
        edge_junk = self.junk_edge_cost(chunk)
        keep -= self.confidence_penalty(chunk) + edge_junk
        scored: list[tuple[float, str, Reading, float, float]] = []
        for reading in self.readings(chunk):
            covered = reading.end - reading.start - len(chunk.core)  # junk read as letters
            left = (
                edge_junk - self.settings.junk_keep_cost * covered
            )  # junk a change would leave (€ommune)
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
        gain = self.settings.name_case_gain
        return Choice(chunk.core_start, chunk.core_end, name, "case", gain, gain)

    def junk_edge_cost(self, chunk: Chunk) -> float:
        """What keeping letter-like junk glued to a word costs: ``$e``, ``o[``."""
        lead = len(chunk.lead) - len(chunk.lead.rstrip(LEAD_JUNK))
        trail = len(chunk.trail) - len(chunk.trail.lstrip(TRAIL_JUNK))
        return self.settings.junk_keep_cost * (lead + trail)

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
