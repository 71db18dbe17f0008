"""Where ocrfix keeps what it learns from reviewers, and how that is read back.

The folder is ``$OCRFIX_DATA`` if set, else ``$XDG_DATA_HOME/ocrfix`` (by default
``~/.local/share/ocrfix``). It holds:

- ``protected.txt``: words a reviewer marked correct as printed (``keep``): one per
  line, optionally a tab and a count, like every word list of ocrfix;
- ``confusions.tsv``: substitutions reviewers accepted, ``observed<TAB>intended<TAB>cost``,
  the format of ``lexicons/confusions.tsv``;
- ``rejected.tsv``: ``original<TAB>replacement`` pairs a reviewer rejected; the corrector
  never suggests them again. A backslash, tab, newline, carriage return or form feed inside
  either side is written ``\\``, ``\t``, ``\n``, ``\r``, ``\f`` (see :func:`escape`), so
  a rejected tab-to-space or dehyphenation fits on one line;
- ``reviewed.json``: what ``ocrfix learn`` took from each reviewed document, so learning
  again from the same decisions counts nothing twice.
"""

from __future__ import annotations

import os
from pathlib import Path

from ocrfix.fsio import JOURNAL, finish_pending, folder_lock


def data_dir() -> Path:
    """The folder of learned data (not created here)."""
    explicit = os.environ.get("OCRFIX_DATA")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "ocrfix"


def settle() -> None:
    """Finish a change of the learned files that a crash interrupted (see
    :func:`ocrfix.fsio.write_together`), so they are read all old or all new."""
    folder = data_dir()
    if (folder / JOURNAL).exists():
        with folder_lock(folder):
            finish_pending(folder)


def protected_path() -> Path:
    return data_dir() / "protected.txt"


def confusions_path() -> Path:
    return data_dir() / "confusions.tsv"


def rejected_path() -> Path:
    return data_dir() / "rejected.tsv"


def ledger_path() -> Path:
    return data_dir() / "reviewed.json"


_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\f": "\\f"}
_UNESCAPES = {v[1]: k for k, v in _ESCAPES.items()}


def escape(text: str) -> str:
    r"""One side of a ``rejected.tsv`` pair, on one line.

    >>> escape("cata-\nlogue\t")
    'cata-\\nlogue\\t'
    """
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


def unescape(text: str) -> str:
    r"""The inverse of :func:`escape`; a backslash before any other character stays.

    >>> unescape(escape("a\\b\tc\f")) == "a\\b\tc\f"
    True
    """
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in _UNESCAPES:
            out.append(_UNESCAPES[text[i + 1]])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def read_rejected(path: Path | None = None) -> frozenset[tuple[str, str]]:
    """The ``(original, replacement)`` pairs reviewers rejected (empty when none)."""
    path = path or rejected_path()
    if not path.exists():
        return frozenset()
    pairs = set()
    for line in path.read_text("utf-8").split("\n"):
        line = line.removesuffix("\r")  # a pair's own CR, LF and the like are escaped
        if "\t" in line and not line.startswith("#"):
            original, _, replacement = line.partition("\t")
            pairs.add((unescape(original), unescape(replacement)))
    return frozenset(pairs)
