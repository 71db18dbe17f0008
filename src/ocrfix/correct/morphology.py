"""Frequencies of unknown words that are known words with a common ending or beginning."""

from __future__ import annotations

from ocrfix.correct.lexicon import OOV_LOGP, Lexicon

SUFFIXES = (
    *("'s", "s'", "s", "es", "ies", "ied", "ed", "d", "ing", "er", "ers", "ly", "ally"),
    *("ism", "isms", "ist", "ists", "ise", "ised", "ises", "ize", "ized", "izes"),
    *("isation", "ization", "ian", "ians", "ness", "ment", "ments", "al", "ity", "ive"),
    *("ite", "ites"),
)
PREFIXES = (
    "counter",
    "anti",
    "non",
    "neo",
    "re",
    "un",
    "pre",
    "post",
    "pro",
    "de",
    "dis",
    "sub",
    "super",
    "semi",
    "inter",
    "over",
    "under",
    "self",
    "ultra",
    "pseudo",
)
DERIVED_COST = 3.0  # ln-probability lost by a word only known through its stem
SIBLING_COST = 5.0  # ... or through a word with the same stem and another ending
SIBLING_STEM = 5  # the shortest stem shared that way


def derived_logp(lexicon: Lexicon, word: str) -> float:
    """ln P of an unknown word from the known word it is derived from, or the OOV value.

    >>> from ocrfix.correct.lexicon import Lexicon
    >>> lex = Lexicon({"counterpose": -15.0, "zinoviev": -16.0}, {}, {})
    >>> derived_logp(lex, "counterposes"), derived_logp(lex, "zinoviev's"), derived_logp(lex, "qq")
    (-18.0, -19.0, -23.02585092994046)
    >>> derived_logp(Lexicon({"bolshevism": -12.0}, {}, {}), "bolshevised")
    -17.0
    """
    best = OOV_LOGP
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            bases = (stem + "y",) if suffix in ("ies", "ied") else (stem, stem + "e", stem + "y")
            for base in bases:
                if base in lexicon.logp:
                    best = max(best, lexicon.logp[base] - DERIVED_COST)
        if word.endswith(suffix) and len(word) - len(suffix) >= SIBLING_STEM:
            stem = word[: -len(suffix)]  # Bolshevised beside Bolshevism: a sibling
            for other in SUFFIXES:
                if other != suffix and stem + other in lexicon.logp:
                    best = max(best, lexicon.logp[stem + other] - SIBLING_COST)
    for prefix in PREFIXES:
        rest = word[len(prefix) :].lstrip("-")
        if word.startswith(prefix) and len(rest) >= 4 and rest in lexicon.logp:
            best = max(best, lexicon.logp[rest] - DERIVED_COST)
    return best
