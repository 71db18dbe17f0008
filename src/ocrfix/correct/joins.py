"""Words the OCR split or ran together: joins (``wi thout``, ``s oc ia l``), words
hyphenated across a line (``bureau-`` / ``cracy``), split years (``I 917``) and splits of
run-together words (``privilegedond``).

:class:`JoinRules` is a part of :class:`ocrfix.correct.engine.Document`: it reads the
document's chunks and asks its word model (:mod:`ocrfix.correct.knowledge`) and its
decisions for one word (``decide_core``, ``context_word``).
"""

from __future__ import annotations

import itertools
import math

import regex

from ocrfix.correct.choices import Choice
from ocrfix.correct.knowledge import WordModel
from ocrfix.correct.tokens import CLITICS, LETTERS_ONLY, Chunk, as_year, bare_chunk, match_case

HYPHEN_GAP = regex.compile(r"[ \t]*(?:\n[ \t]*){0,2}")  # after a hyphen: a line end or two
SUSPENDED = frozenset({"and", "or", "nor", "to", "but"})  # words after a suspended hyphen


class JoinRules(WordModel):
    """Joins and splits of the document's chunks."""

    raw: str
    chunks: list[Chunk]
    margin_chunks: set[int]

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
                if c.cost <= self.settings.max_join_repair and self.is_trusted(c.word)
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
            or self.lexicon.logp.get(core, -math.inf) < self.settings.joinable_logp
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
            text = first.text + second.text
            return self.sure_choice(first.start, second.end, text, "join"), 2
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
            gain = self.settings.compound_gain
            return Choice(first.start, last.end, text, "join", gain, gain), j - i + 1
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
                    text = digits + tail
                    return self.sure_choice(group[0].start, last.end, text, "digits"), size
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
        options = (
            [(joined, 0.0)]
            if self.lexicon.logp.get(joined, -99) >= self.settings.joinable_logp
            else []
        )
        if not all(map(self.is_trusted, parts)) and len(joined) <= self.settings.max_joined:
            # a hyphen at a line end in a heavily damaged text: one word, however damaged
            whole = hyphen and self.heavily_damaged and not self.lexicon.knows(joined)
            limit = self.settings.damaged_join_repair if whole else self.settings.max_join_repair
            options += [
                (c.word, c.cost)
                for c in self.candidates(joined, rules_only=not whole)
                if c.cost <= limit
                and self.lexicon.logp.get(c.word, -99) >= self.settings.joinable_logp
            ]
        first, last = group[0], group[-1]
        compound = hyphen and self.is_trusted(parts[0]) and self.is_trusted(parts[1])
        if compound and (
            not options or self.word_logp(options[0][0]) < min(map(self.word_logp, parts))
        ):
            # over-/intellectual: a real compound; rejoining it is left to the reviewer
            text = first.lead + first.core + "-" + last.core + last.trail
            gain = self.settings.kept_compound_gain
            return gain, self.join_choice(group, text, "dehyphenate", gain)
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
