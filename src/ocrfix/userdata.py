"""Where ocrfix keeps what it learns from reviewers, and how that is read back.

The folder is ``$OCRFIX_DATA`` if set, else ``$XDG_DATA_HOME/ocrfix`` (by default
``~/.local/share/ocrfix``). It holds:

- ``protected.txt``: words a reviewer kept (rejected changes of): one per line, optionally
  a tab and a count, like every word list of ocrfix;
- ``confusions.tsv``: substitutions reviewers accepted, ``observed<TAB>intended<TAB>cost``,
  the format of ``lexicons/confusions.tsv``;
- ``rejected.tsv``: ``original<TAB>replacement`` pairs a reviewer rejected; the corrector
  never suggests them again.
"""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """The folder of learned data (not created here)."""
    explicit = os.environ.get("OCRFIX_DATA")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "ocrfix"


def protected_path() -> Path:
    return data_dir() / "protected.txt"


def confusions_path() -> Path:
    return data_dir() / "confusions.tsv"


def rejected_path() -> Path:
    return data_dir() / "rejected.tsv"


def read_rejected(path: Path | None = None) -> frozenset[tuple[str, str]]:
    """The ``(original, replacement)`` pairs reviewers rejected (empty when none)."""
    path = path or rejected_path()
    if not path.exists():
        return frozenset()
    pairs = set()
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            original, _, replacement = line.partition("\t")
            pairs.add((original, replacement))
    return frozenset(pairs)
