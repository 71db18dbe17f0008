"""Scoring corrections against ground truth: ``ocrfix eval``.

Besides the errors of ``raw.txt`` and ``clean.txt``, the figure that matters to a
reviewer: the errors left after an *ideal review*, where a person accepts exactly the
suggestions (automatic or not, or one of their alternatives) that bring the text nearer
the truth and rejects the rest; and the review load, the suggestions that are not
automatic, each an item a person must look at.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from functools import cached_property
from pathlib import Path

import pandas as pd

from ocrfix.ingest import read_text
from ocrfix.metrics import (
    char_errors,
    correct_words_changed,
    effect,
    normalize,
    truth_offsets,
    word_errors,
)
from ocrfix.review.decisions import Row, read_table
from ocrfix.suggestion import Suggestion, apply


@dataclass
class Score:
    """Errors of raw.txt and clean.txt against the truth, and false alarms, for a document
    (or, summed, for a batch)."""

    doc: str
    chars: int = 0
    words: int = 0
    char_errors_raw: int = 0
    char_errors_clean: int = 0
    word_errors_raw: int = 0
    word_errors_clean: int = 0
    correct_words: int = 0
    false_alarms: int = 0
    char_errors_ideal: int = 0  # after an ideal review of the suggestions
    review_items: int = 0  # suggestions that are not automatic
    raw_words: int = 0  # words of raw.txt

    @property
    def cer_raw(self) -> float:
        return self.char_errors_raw / max(self.chars, 1)

    @property
    def cer_clean(self) -> float:
        return self.char_errors_clean / max(self.chars, 1)

    @property
    def wer_raw(self) -> float:
        return self.word_errors_raw / max(self.words, 1)

    @property
    def wer_clean(self) -> float:
        return self.word_errors_clean / max(self.words, 1)

    @property
    def error_reduction(self) -> float:
        """Share of the raw text's character errors that cleaning removed."""
        if not self.char_errors_raw:
            return 0.0
        return 1 - self.char_errors_clean / self.char_errors_raw

    @property
    def false_alarms_per_10k(self) -> float:
        return 1e4 * self.false_alarms / max(self.correct_words, 1)

    @property
    def cer_ideal(self) -> float:
        return self.char_errors_ideal / max(self.chars, 1)

    @property
    def ideal_reduction(self) -> float:
        """Share of the raw text's character errors an ideal review removes."""
        if not self.char_errors_raw:
            return 0.0
        return 1 - self.char_errors_ideal / self.char_errors_raw

    @property
    def items_per_1k(self) -> float:
        return 1e3 * self.review_items / max(self.raw_words, 1)

    def add(self, other: Score) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict:
        figures = {name: round(getattr(self, name), 6) for name in RATES}
        return {**asdict(self), **figures}


COUNTS = tuple(f.name for f in fields(Score) if f.name != "doc")  # what a total sums
RATES = (
    "cer_raw",
    "cer_clean",
    "wer_raw",
    "wer_clean",
    "error_reduction",
    "false_alarms_per_10k",
    "cer_ideal",
    "ideal_reduction",
    "items_per_1k",
)


def truth_for(doc: str, gt_dir: Path) -> Path | None:
    """The ground truth of a document: ``<doc>.gt.txt`` (with or without an ``.ocr``
    suffix in the document's name) or ``<doc>.txt`` in ``gt_dir``."""
    base = doc[: -len(".ocr")] if doc.endswith(".ocr") else doc
    for name in (f"{doc}.gt.txt", f"{base}.gt.txt", f"{doc}.txt", f"{base}.txt"):
        if (gt_dir / name).is_file():
            return gt_dir / name
    return None


def ideal_review(raw: str, rows: list[Row], truth: str) -> str:
    """``raw`` after an ideal review of ``rows``: of each suggestion's replacement and
    alternatives, the one that brings the text nearest the truth, where any does."""
    offsets = truth_offsets(raw, truth)
    chosen = []
    for row in rows:
        options = dict.fromkeys([row.replacement, *row.alternatives])
        gain, best = min(
            (effect(raw, truth, offsets, row.start, row.end, text), text) for text in options
        )
        if gain < 0:
            chosen.append(Suggestion(row.start, row.end, row.original, best, row.rule, 1.0, True))
    return apply(raw, chosen)


def score_document(
    doc: str, raw: str, clean: str, truth: str, rows: list[Row] | None = None
) -> Score:
    """The figures of one document (with its suggestions ``rows``, those of a review)."""
    correct, changed = correct_words_changed(raw, clean, truth)
    rows = rows or []
    return Score(
        doc,
        len(normalize(truth)),
        len(normalize(truth).split()),
        char_errors(raw, truth),
        char_errors(clean, truth),
        word_errors(raw, truth),
        word_errors(clean, truth),
        correct,
        changed,
        char_errors(ideal_review(raw, rows, truth), truth),
        sum(not row.auto for row in rows),
        len(raw.split()),
    )


def evaluate(out_dir: Path, gt_dir: Path) -> tuple[list[Score], Score, list[str]]:
    """Scores of every document of ``out_dir`` that has a truth in ``gt_dir``, their total,
    and the documents without one."""
    scores, missing = [], []
    for folder in sorted(p for p in out_dir.iterdir() if (p / "raw.txt").is_file()):
        truth = truth_for(folder.name, gt_dir)
        if truth is None:
            missing.append(folder.name)
            continue
        raw = (folder / "raw.txt").read_text("utf-8")
        clean = (folder / "clean.txt").read_text("utf-8")
        rows = read_table(folder / "suggestions.csv").rows
        scores.append(score_document(folder.name, raw, clean, read_text(truth)[0], rows))
    return scores, total_of(scores), missing


# ---------------------------------------------------------------- tables (pandas)


def counts_frame(scores: Iterable[Score]) -> pd.DataFrame:
    """One row per score: ``doc`` and the counts (int64), nothing derived."""
    records = [{"doc": s.doc, **{name: getattr(s, name) for name in COUNTS}} for s in scores]
    frame = pd.DataFrame(records, columns=["doc", *COUNTS])
    return frame.astype({"doc": "str", **dict.fromkeys(COUNTS, "int64")})


def share_removed(before: pd.Series, after: pd.Series) -> pd.Series:
    """``1 - after / before``, and 0 where there was nothing to remove (as
    :attr:`Score.error_reduction`)."""
    return (1 - after / before.where(before > 0)).fillna(0.0)


def with_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """``counts`` with the columns of :data:`RATES`, computed as :class:`Score` does."""
    f = counts.copy()
    chars, words = f["chars"].clip(lower=1), f["words"].clip(lower=1)
    f["cer_raw"] = f["char_errors_raw"] / chars
    f["cer_clean"] = f["char_errors_clean"] / chars
    f["wer_raw"] = f["word_errors_raw"] / words
    f["wer_clean"] = f["word_errors_clean"] / words
    f["error_reduction"] = share_removed(f["char_errors_raw"], f["char_errors_clean"])
    f["false_alarms_per_10k"] = 1e4 * f["false_alarms"] / f["correct_words"].clip(lower=1)
    f["cer_ideal"] = f["char_errors_ideal"] / chars
    f["ideal_reduction"] = share_removed(f["char_errors_raw"], f["char_errors_ideal"])
    f["items_per_1k"] = 1e3 * f["review_items"] / f["raw_words"].clip(lower=1)
    return f


def scores_frame(scores: Iterable[Score]) -> pd.DataFrame:
    """The scores as a table: ``doc``, the counts and the rates, one row per document.

    >>> frame = scores_frame([Score("a", chars=100, char_errors_raw=4, char_errors_clean=1)])
    >>> float(frame.loc[0, "cer_clean"]), float(frame.loc[0, "error_reduction"])
    (0.01, 0.75)
    """
    return with_rates(counts_frame(scores))


def total_frame(frame: pd.DataFrame, name: str = "total") -> pd.DataFrame:
    """One row, ``name``: the sums of the counts of ``frame``, and the rates of those sums
    (not the mean of the documents' rates)."""
    sums = frame[list(COUNTS)].sum().astype("int64")
    return with_rates(pd.DataFrame([{"doc": name, **sums.to_dict()}]))


def with_total(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its total as a last row (``doc`` is ``total``)."""
    return pd.concat([frame, total_frame(frame)], ignore_index=True)


def total_of(scores: Iterable[Score]) -> Score:
    """The :class:`Score` of a batch: the sums of the documents' counts."""
    sums = counts_frame(scores)[list(COUNTS)].sum()
    return Score("total", **{name: int(sums[name]) for name in COUNTS})


@dataclass
class Evaluation:
    """The scores of a run against ground truth: per document, in total, and the
    documents that have no truth."""

    scores: list[Score]
    total: Score
    missing: list[str] = field(default_factory=list)

    @cached_property
    def frame(self) -> pd.DataFrame:
        """One row per document and a last ``total`` row: ``doc``, counts and rates."""
        return with_total(scores_frame(self.scores))

    def to_json(self) -> str:
        """What ``ocrfix eval --json`` prints."""
        return to_json(self.scores, self.total, self.missing)


def to_json(scores: list[Score], total: Score, missing: list[str]) -> str:
    """The scores as JSON: ``documents``, ``total`` and ``without_truth``."""
    return json.dumps(
        {
            "documents": [s.as_dict() for s in scores],
            "total": total.as_dict(),
            "without_truth": missing,
        },
        indent=2,
    )
