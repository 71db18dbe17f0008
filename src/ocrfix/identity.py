"""A document's identity: the name of its folder in the output, from its path alone.

The name is the input's path relative to the folder it was found in (the folder given on
the command line; for a file given directly, its own folder), without the suffix, its
parts joined by ``__``: ``scans/1917/report.pdf`` found under ``scans/`` is
``1917__report``. It is kept as it is where that is safe, and can never name a folder
outside the output, a hidden file or ocrfix's own ``report.html``. When two
inputs would share a name, or the name already belongs to another input's folder, each
such input gets the name with a short hash of its absolute path: ``notes-3f2a91c0``. A
folder once made for an input keeps being that input's folder (its manifest records the
input's absolute path as ``source``), whatever else a later batch holds.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import regex

MAX_NAME = 120  # characters of one name; file systems allow 255 bytes
PART_SEPARATOR = "__"
RESERVED = frozenset({"report.html"})  # ocrfix's own files beside the document folders
_CONTROL = regex.compile(r"[\x00-\x1f\x7f/\\]+")


def safe_name(text: str) -> str:
    r"""``text`` as a folder name: kept as it is where it is safe; control characters and
    slashes become ``_``, leading dots go (no hidden folder, no ``..``), and a name of
    ocrfix's own files is changed (never empty).

    >>> safe_name("report.html"), safe_name(".."), safe_name("Über die Räte (1919)")
    ('report_html', 'document', 'Über die Räte (1919)')
    >>> safe_name("seg_A.01"), safe_name(".hidden\tname")
    ('seg_A.01', 'hidden_name')
    """
    cleaned = _CONTROL.sub("_", unicodedata.normalize("NFC", text)).lstrip(".").strip()
    cleaned = cleaned[:MAX_NAME].strip() or "document"
    return cleaned.replace(".", "_") if cleaned.lower() in RESERVED else cleaned


def candidate_name(path: Path, root: Path) -> str:
    """The name of ``path`` found under ``root``, before any clash is resolved.

    >>> candidate_name(Path("scans/1917/report.pdf"), Path("scans"))
    '1917__report'
    >>> candidate_name(Path("..txt"), Path("."))
    'document'
    """
    try:
        parts = list(path.relative_to(root).parts)
    except ValueError:
        parts = [path.name]
    if not parts:
        parts = [path.name]
    last = parts[-1]
    parts[-1] = last[: -len(Path(last).suffix)] if Path(last).suffix else last
    return PART_SEPARATOR.join(safe_name(p) for p in parts)


def short_hash(source: str, length: int = 8) -> str:
    """A few hex digits of the SHA-256 of a path.

    >>> short_hash("/scans/a/notes.txt")
    '4213a46c'
    """
    return hashlib.sha256(source.encode("utf-8", "surrogateescape")).hexdigest()[:length]


def source_of(path: Path) -> str:
    """The absolute path of an input, symbolic links resolved: what identifies it."""
    return str(path.resolve())


def assign(inputs: Mapping[Path, Path], owners: Mapping[str, str]) -> dict[Path, str]:
    """The folder name of each input (``input -> the root it was found under``).

    ``owners`` maps each folder already in the output to the source it was made for. An
    input keeps the folder of its source; otherwise it gets its candidate name, or, when
    the name is taken by another source or wanted by several inputs, the name with a
    short hash of its source.

    >>> owners = {"notes": "/x/a/notes.txt"}
    >>> assign({Path("/x/b/notes.txt"): Path("/x/b")}, owners)
    {PosixPath('/x/b/notes.txt'): 'notes-8fc16387'}
    """
    by_source = {source: name for name, source in owners.items()}
    sources = {path: source_of(path) for path in inputs}
    names: dict[Path, str] = {}
    wanted: dict[Path, str] = {}
    for path, root in inputs.items():
        if sources[path] in by_source:
            names[path] = by_source[sources[path]]
        else:
            wanted[path] = candidate_name(path, root)
    demand = Counter(wanted.values())
    taken = set(owners) | set(names.values())
    for path, name in sorted(wanted.items()):
        source = sources[path]
        if demand[name] > 1 or name in taken:
            length = 8
            name = f"{wanted[path]}-{short_hash(source, length)}"
            while name in taken and owners.get(name) != source:
                length += 4
                name = f"{wanted[path]}-{short_hash(source, length)}"
        taken.add(name)
        names[path] = name
    return names
