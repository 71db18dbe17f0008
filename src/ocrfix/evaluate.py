"""Scoring corrections against ground truth: ``ocrfix eval``."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ocrfix.ingest import read_text
from ocrfix.metrics import char_errors, correct_words_changed, normalize, word_errors


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


def score_document(doc: str, raw: str, clean: str, truth: str) -> Score:
    """The figures of one document."""
    correct, changed = correct_words_changed(raw, clean, truth)
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
        scores.append(score_document(folder.name, raw, clean, read_text(truth)[0]))
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
