"""One document folder of ``ocrfix run``, as the archive sees it: its final text and record.

The final text is what ``ocrfix apply`` writes to ``final.txt``, computed here from
``raw.txt`` and the decisions by the same functions (:mod:`ocrfix.review.decisions`), so
that a ``final.txt`` left behind by later decisions is never exported by mistake.

A document is **reviewed** when every suggestion that ocrfix did not apply on its own has
a decision; the changes it did apply (``auto``) count as kept unless a reviewer rejected
them, so they need no decision. A document with no suggestion awaiting a decision is
reviewed.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ocrfix.review.decisions import FINAL, DecisionError, Row, final_text, load, tally

MANIFEST = "manifest.json"
COUNT_NAMES = {
    "auto": "auto",
    "accept": "accepted",
    "reject": "rejected",
    "keep": "kept",  # marked correct as printed
    "edit": "edited",
}


@dataclass(frozen=True)
class SourceDocument:
    """What the archive takes from one document folder."""

    folder: Path
    doc_id: str
    manifest: dict
    text: str
    counts: dict[str, int]  # auto, accepted, rejected, edited, undecided
    reviewed: bool
    stale_final: bool  # final.txt exists but the decisions now give another text


def is_reviewed(rows: list[Row]) -> bool:
    """True when no suggestion awaits a decision (``auto`` rows may stay blank).

    >>> undecided = Row(1, 1, 1, 0, 3, "tne", "the", "word", 0.4, False)
    >>> applied = Row(2, 1, 1, 4, 8, "rnay", "may", "word", 1.0, True)
    >>> is_reviewed([applied]), is_reviewed([applied, undecided]), is_reviewed([])
    (True, False, True)
    """
    return all(row.decision or row.auto for row in rows)


def change_counts(counts: Counter[str]) -> dict[str, int]:
    """The tally of :func:`ocrfix.review.decisions.tally` under the archive's names.

    >>> change_counts(Counter({"auto": 3, "edit": 1}))
    {'auto': 3, 'accepted': 0, 'rejected': 0, 'kept': 0, 'edited': 1, 'undecided': 0}
    """
    named = {name: counts.get(key, 0) for key, name in COUNT_NAMES.items()}
    named["undecided"] = counts.get("undecided", 0)
    return named


def read_manifest(folder: Path) -> dict:
    """``manifest.json`` of a document folder; raises :class:`DecisionError` if unusable."""
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise DecisionError(path, f"cannot be read ({exc})") from None
    if not isinstance(manifest, dict):
        raise DecisionError(path, "is not a JSON object")
    missing = [k for k in ("input", "sha256") if not isinstance(manifest.get(k), str)]
    if missing:
        raise DecisionError(path, f"has no {' or '.join(missing)}")
    return manifest


def read_document(folder: Path) -> SourceDocument:
    """The final text, change counts and review state of a document folder.

    Raises :class:`DecisionError` (naming file and row) when its decisions cannot be applied.
    """
    manifest = read_manifest(folder)
    raw, table = load(folder)
    text = final_text(raw, table)
    final = folder / FINAL
    try:
        stale = final.read_text("utf-8") != text
    except (OSError, UnicodeDecodeError):
        stale = final.exists()
    return SourceDocument(
        folder,
        str(manifest.get("doc_id") or folder.name),
        manifest,
        text,
        change_counts(tally(table.rows)),
        is_reviewed(table.rows),
        stale,
    )
