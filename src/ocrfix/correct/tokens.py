"""Chunks of raw text and what can be told of them without a lexicon: where a word's core
is, its case, years with misread digits, capitals the OCR put inside words."""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

CHUNK = regex.compile(r"\S+")
PARTS = regex.compile(
    r"^(?P<lead>[^\p{L}\p{N}~]*)(?P<core>.*?)(?P<trail>[^\p{L}\p{N}~]*)$", regex.S
)
WORDLIKE = regex.compile(
    r"(?![\p{L}\p{N}]{1,2}\.)"  # not an abbreviation (e.g, Ph.D)
    r"[\p{L}\d~'’!|\[\]{}$*&():;,.\"^/€]*\p{L}[\p{L}\d~'’!|\[\]{}$*&():;,.\"^/€]*"
)
LETTERS_ONLY = regex.compile(r"\p{L}+(?:['’]\p{L}+)*")
# Where a core may be cut into words: inner hyphens, lost spaces after punctuation, a
# capital inside a word (``CivilWar``).
INNER_BREAK = regex.compile(
    r"(?<=\p{L})-(?=\p{L})|(?<=\p{L}{2})[.;:](?=\p{Lu}\p{Ll})|(?<=\p{Ll}{2})(?=\p{Lu}\p{Ll})"
)
# ... and, in a damaged document, before a capital misread as a small letter
# (increose.lndustriol, beosrs.lhere)
LOST_SPACE = regex.compile(r"(?<=\p{L}{3})[.;:](?=[lij]\p{L}{2})")
# not APIs, McIntyre, MacIver
CASE_NOISE = regex.compile(r"(?<=\p{Ll}|^\p{Lu})(?<!^Ma?c)[OQIHJ](?=\p{Ll})")
ROMAN = regex.compile(r"[IVXLCDM]+")
MARGIN_JUNK = frozenset({"I", "J", "|", "[", "]", "J'", "l", "!", "I'", "|'", "li", "t", "r"})
NOT_A_YEAR = regex.compile(r"\d{3}\p{L}$|\d'\d")  # 200l (pounds), 18'1 (feet, inches)
YEARS = range(1500, 2100)  # the years a misread year may be (printed matter)
CLITICS = frozenset({"s", "t", "ll", "re", "ve", "d", "m"})
DIGIT_LOOKALIKES = {
    "l": "1",
    "i": "1",
    "t": "1",
    "r": "1",
    "o": "0",
    "s": "5",
    "z": "2",
    "b": "8",
    "g": "9",
    "q": "9",
    "a": "4",
    "|": "1",
    "!": "1",
    "'": "1",
}
LEAD_JUNK = "{[*&$|!~€"  # at a word's start, these are more often letters than punctuation
TRAIL_JUNK = "[{(*&$|~"  # ... and these at its end
LEAD_JUNK_SET = frozenset(LEAD_JUNK)
TRAIL_JUNK_SET = frozenset(TRAIL_JUNK)
ORDINAL = regex.compile(r"\d+(?:st|nd|rd|th|s|'s|’s)")
SENTENCE_END = frozenset(".!?")


@dataclass
class Chunk:
    """A run of non-space characters: leading punctuation, core, trailing punctuation."""

    start: int
    end: int
    text: str
    lead: str
    core: str
    trail: str
    line_start: bool = False
    line_end: bool = False
    lower: str = field(init=False)

    def __post_init__(self) -> None:
        self.lower = self.core.lower().replace("’", "'")

    @property
    def core_start(self) -> int:
        return self.start + len(self.lead)

    @property
    def core_end(self) -> int:
        return self.core_start + len(self.core)


def bare_chunk(start: int, core: str) -> Chunk:
    """A core at ``start`` with nothing around it: a piece of a chunk decided alone."""
    return Chunk(start, start + len(core), core, "", core, "")


def split_chunks(raw: str) -> list[Chunk]:
    """Every run of non-space characters, with its line position."""
    chunks = []
    for m in CHUNK.finditer(raw):
        text, start, end = m.group(), m.start(), m.end()
        if text.isalpha():  # most chunks: a plain word
            lead, core, trail = "", text, ""
        else:
            lead, core, trail = PARTS.match(text).group("lead", "core", "trail")
        before = raw[start - 1] if start else "\n"
        after = raw[end] if end < len(raw) else "\n"
        chunks.append(
            Chunk(start, end, text, lead, core, trail, before in "\n\f", after in "\n\f\r")
        )
    return chunks


def match_case(model: str, word: str) -> str:
    """``word`` in the case of ``model``: all capitals, capitalised, or as it is.

    >>> match_case("RENEWEO", "renewed"), match_case("~Iarxism", "marxism")
    ('RENEWED', 'Marxism')
    >>> match_case("ond", "and"), match_case("lsroel", "Israel")
    ('and', 'Israel')
    """
    letters = [c for c in model if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return word.upper()
    if letters and letters[0].isupper():
        return word[:1].upper() + word[1:]
    return word


def as_year(text: str) -> str | None:
    """A year of printed matter (``YEARS``) with some digits misread as look-alike
    letters, or None. Not a number with a unit or a mark after it (``20lb``, ``100l``,
    ``121b``) nor one with a capital other than ``I``, ``B`` or ``S`` (``157A``,
    ``166L``, ``180O``).

    >>> as_year("t9t7"), as_year("r920"), as_year("l5"), as_year("1917"), as_year("1930s")
    ('1917', '1920', None, None, None)
    >>> as_year("200l"), as_year("20lb"), as_year("18'1"), as_year("157A"), as_year("IB16")
    (None, None, None, None, '1816')
    """
    n_digits = sum(c.isdigit() for c in text)
    if (
        len(text) != 4
        or n_digits < 2
        or n_digits == 4
        or (not text[1:3].isdigit() and (text[-1] in "sS"))
        or not (text[-1].isdigit() or text[-2].isdigit())  # 20lb, 12oz: a unit
        or NOT_A_YEAR.search(text)  # 200l (pounds), 18'1 (feet and inches)
        or any(c.isupper() and c not in "IBS" for c in text)
    ):
        return None
    digits = "".join(c if c.isdigit() else DIGIT_LOOKALIKES.get(c.lower(), "?") for c in text)
    if "?" in digits or int(digits) not in YEARS:
        return None
    return digits


def fix_case_noise(core: str) -> str:
    """A capital the OCR put inside a lower-case word, lowered.

    >>> [fix_case_noise(w) for w in ("dOctrine", "WOlfgang", "McIntyre", "APIs")]
    ['doctrine', 'Wolfgang', 'McIntyre', 'APIs']
    """
    return CASE_NOISE.sub(lambda m: m.group().lower(), core)
