"""Word frequencies, bigrams and protected words: what the corrector knows of the language.

The base is wordfreq's English frequencies (British and American spellings) and
symspellpy's English bigram counts; domain lexicons (``lexicons/*.txt`` and the user's
``--lexicon`` files) add names and terms. Everything is compiled once into a pickle in
the user's cache folder, keyed by a hash of the sources, so that a run starts fast.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.resources
import math
import os
import pickle
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import regex

from ocrfix.fsio import atomic_write_bytes

FORMAT = 7
_PACKAGED = Path(__file__).resolve().parents[1] / "lexicons"  # inside a built wheel
LEXICON_DIR = _PACKAGED if _PACKAGED.is_dir() else Path(__file__).resolve().parents[3] / "lexicons"
# A word as the lexicon stores it: letters with inner apostrophes or hyphens.
WORD = regex.compile(r"\p{L}+(?:['’-]\p{L}+)*")
OOV_LOGP = (-1.0 - 9.0) * math.log(10)  # a word no lexicon knows: Zipf -1
DOMAIN_ZIPF = 3.5  # the frequency given to a domain term that wordfreq does not know
DOMAIN_WEIGHT = 0.1  # ... or its share of the corpus it was harvested from, times this
CORPUS_WORDS = "corpus words:"  # the header line of a harvested list that gives its size
BIGRAM_WEIGHT = 0.5
NEAR_ZIPF = 3.0  # words this frequent are looked up by edit distance in damaged texts


def zipf_to_logp(zipf: float) -> float:
    """Natural log of a word's probability from its Zipf value (log10 per billion words)."""
    return (zipf - 9.0) * math.log(10)


@dataclass
class Lexicon:
    """Log-probabilities of words (lower case), bigram counts and protected words."""

    logp: dict[str, float]
    bigrams: dict[tuple[str, str], int]
    followers: dict[str, int]
    protected: frozenset[str] = frozenset()
    case_forms: dict[str, str] = field(default_factory=dict)
    sorted_words: list[str] = field(default_factory=list)
    domain_words: tuple[str, ...] = ()  # names and terms of the domain lexicons, lower case

    def __post_init__(self) -> None:
        if not self.sorted_words:
            self.sorted_words = sorted(self.logp)
        self._clear_caches()

    def _clear_caches(self) -> None:
        """Look-up caches, built as they are used and never pickled."""
        self.next_known: dict[str, str] = {}  # prefix -> next_letters(prefix), as found
        self._by_length: dict[int, list[str]] = {}  # common words by length
        self._near: dict[int, list[str]] = {}  # common words within two letters of a length

    def next_letters(self, prefix: str) -> str:
        """Every character that follows ``prefix`` in some known word (cached)."""
        found = self.next_known.get(prefix)
        if found is None:
            found = self.next_known[prefix] = self._scan_next(prefix)
        return found

    def _scan_next(self, prefix: str) -> str:
        words, size, letters = self.sorted_words, len(prefix), []
        i = bisect_left(words, prefix)
        while i < len(words) and words[i].startswith(prefix):
            if len(words[i]) == size:
                i += 1
                continue
            letter = words[i][size]
            letters.append(letter)
            i = bisect_left(words, prefix + chr(ord(letter) + 1), i)
        return "".join(letters)

    def common_words(self, size: int) -> list[str]:
        """Words of some frequency (Zipf ``NEAR_ZIPF`` and up) within two letters of
        ``size`` in length (cached)."""
        if not self._by_length:
            floor = zipf_to_logp(NEAR_ZIPF)
            for word, logp in self.logp.items():
                if logp >= floor and word.isalpha():
                    self._by_length.setdefault(len(word), []).append(word)
            for words in self._by_length.values():
                words.sort()
        if size not in self._near:
            lengths = range(size - 2, size + 3)
            self._near[size] = [w for n in lengths for w in self._by_length.get(n, ())]
        return self._near[size]

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        for cache in ("next_known", "_by_length", "_near"):
            state.pop(cache, None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._clear_caches()

    def word_logp(self, word: str) -> float:
        """ln P(word), lower-cased; unknown words get ``OOV_LOGP``."""
        return self.logp.get(word.lower(), OOV_LOGP)

    def knows(self, word: str) -> bool:
        return word.lower() in self.logp

    def is_protected(self, word: str) -> bool:
        return word.lower() in self.protected

    def next_logp(self, previous: str | None, word: str) -> float:
        """ln P(word | previous word), bigram interpolated with the unigram."""
        unigram = math.exp(self.word_logp(word))
        if previous is None:
            return math.log(unigram)
        total = self.followers.get(previous.lower())
        if not total:
            return math.log(unigram)
        count = self.bigrams.get((previous.lower(), word.lower()), 0)
        return math.log(BIGRAM_WEIGHT * count / total + (1 - BIGRAM_WEIGHT) * unigram)


# ---------------------------------------------------------------- domain word lists


def read_word_list(path: Path) -> Counter[str]:
    """A word list: one word per line, optionally a tab and a count; ``#`` starts a comment."""
    counts: Counter[str] = Counter()
    for line in path.read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        word, _, count = line.partition("\t")
        counts[word.strip()] += int(count) if count.strip().isdigit() else 1
    return counts


def corpus_words(path: Path) -> int | None:
    """The size of the corpus a word list was harvested from, if its header says."""
    for line in path.read_text("utf-8").splitlines():
        if not line.startswith("#"):
            break
        text = line.lstrip("#").strip()
        if text.startswith(CORPUS_WORDS):
            size = text[len(CORPUS_WORDS) :].strip()
            return int(size) if size.isdigit() and int(size) > 0 else None
    return None


def harvest_terms(texts: Iterable[str], min_count: int = 2, max_zipf: float = 3.0) -> Counter:
    """Names and terms of a clean corpus, in their most common spelling (case kept): words
    that wordfreq finds rare or does not know, seen at least ``min_count`` times, and names
    however common (capitalised every time, ``min_count`` times inside a sentence).

    >>> text = "Zinoviev met Lenin and Kamenev; then Zinoviev, kamenev and Lenin. The end"
    >>> sorted(harvest_terms([text]).items())
    [('Lenin', 2), ('Zinoviev', 2), ('kamenev', 2)]
    """
    from wordfreq import zipf_frequency

    forms: dict[str, Counter[str]] = {}
    inside: Counter[str] = Counter()  # capitalised occurrences inside a sentence
    for text in texts:
        for match in WORD.finditer(text):
            word = match.group().replace("’", "'")
            forms.setdefault(word.lower(), Counter())[word] += 1
            before = text[: match.start()].rstrip()[-1:]
            if word[0].isupper() and (before.islower() or before in (",", ";")):
                inside[word.lower()] += 1
    terms: Counter[str] = Counter()
    for lower, spellings in sorted(forms.items()):
        total = sum(spellings.values())
        if total < min_count or len(lower) < 3:
            continue
        always_capital = all(w[:1].isupper() for w in spellings)
        name = inside[lower] >= min_count and always_capital
        if name or zipf_frequency(lower, "en") < max_zipf:
            # a word written both ways keeps no capital: its case is the sentence's
            one_way = always_capital or len(spellings) == 1
            terms[spellings.most_common(1)[0][0] if one_way else lower] = total
    return terms


def write_word_list(terms: Counter[str], path: Path, header: str) -> None:
    lines = [f"# {line}" for line in header.splitlines()]
    ordered = sorted(terms.items(), key=lambda x: x[0].lower())
    lines += [f"{word}\t{count}" for word, count in ordered]
    atomic_write_bytes(path, ("\n".join(lines) + "\n").encode())


# ---------------------------------------------------------------- building and caching


def default_sources() -> list[Path]:
    """The lexicons ocrfix ships: every ``*.txt`` in ``lexicons/`` but learned ones."""
    return sorted(LEXICON_DIR.glob("*.txt")) if LEXICON_DIR.is_dir() else []


def _symspell_file(name: str) -> Path:
    return Path(str(importlib.resources.files("symspellpy") / name))


def _fingerprint(domain: list[Path], protected: list[Path]) -> str:
    digest = hashlib.sha256(f"{FORMAT} {version('wordfreq')} {version('symspellpy')}".encode())
    for path in [*domain, *protected]:
        digest.update(str(path.name).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


def build(domain: list[Path], protected: list[Path]) -> Lexicon:
    """Compile the lexicon from its sources (a few seconds; see :func:`load`)."""
    from wordfreq import get_frequency_dict

    logp = {
        word: math.log(freq)
        for word, freq in get_frequency_dict("en").items()
        if WORD.fullmatch(word)
    }
    case_forms: dict[str, str] = {}
    domain_words: set[str] = set()
    for path in domain:
        size = corpus_words(path)
        for word, count in read_word_list(path).items():
            lower = word.lower()
            domain_words.add(lower)
            floor = zipf_to_logp(DOMAIN_ZIPF)
            if size:  # the topic's own frequency, as one source among several
                floor = max(floor, math.log(DOMAIN_WEIGHT * count / size))
            logp[lower] = max(logp.get(lower, -math.inf), floor)
            if word != lower:
                case_forms[lower] = word
    bigrams: dict[tuple[str, str], int] = {}
    followers: Counter[str] = Counter()
    with _symspell_file("frequency_bigramdictionary_en_243_342.txt").open(encoding="utf-8") as fh:
        for line in fh:
            first, second, count = line.split()
            bigrams[(first, second)] = int(count)
            followers[first] += int(count)
    # Domain names and terms are protected as well as known.
    protected_words = {w.lower() for path in [*protected, *domain] for w in read_word_list(path)}
    return Lexicon(
        logp,
        bigrams,
        dict(followers),
        frozenset(protected_words),
        case_forms,
        domain_words=tuple(sorted(domain_words)),
    )


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ocrfix"


def load(domain: list[Path] | None = None, protected: list[Path] | None = None) -> Lexicon:
    """The compiled lexicon for these sources, from the cache when it is up to date."""
    domain = default_sources() if domain is None else domain
    protected = protected or []
    path = cache_dir() / f"lexicon-{_fingerprint(domain, protected)}.pickle"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    lexicon = build(domain, protected)
    with contextlib.suppress(OSError):  # a read-only home still works, only slower
        atomic_write_bytes(path, pickle.dumps(lexicon, protocol=pickle.HIGHEST_PROTOCOL))
    return lexicon
