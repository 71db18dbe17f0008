"""Scoring corrections against ground truth: ``ocrfix eval``.

Besides the errors of ``raw.txt`` and ``clean.txt``, the figure that matters to a
reviewer: the errors left after an *ideal review*, where a person accepts exactly the
suggestions (automatic or not, or one of their alternatives) that bring the text nearer
the truth and rejects the rest; and the review load, the suggestions that are not
automatic, each an item a person must look at.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

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
        for name in (
            "chars",
            "words",
            "char_errors_raw",
            "char_errors_clean",
            "word_errors_raw",
            "word_errors_clean",
            "correct_words",
            "false_alarms",
            "char_errors_ideal",
            "review_items",
            "raw_words",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict:
        figures = {
            name: round(getattr(self, name), 6)
            for name in (
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
        }
        return {**asdict(self), **figures}


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
    total = Score("total")
    for score in scores:
        total.add(score)
    return scores, total, missing


def to_json(scores: list[Score], total: Score, missing: list[str]) -> str:
    return json.dumps(
        {
            "documents": [s.as_dict() for s in scores],
            "total": total.as_dict(),
            "without_truth": missing,
        },
        indent=2,
    )
