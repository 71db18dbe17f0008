"""Correction: from the raw text (and OCR confidences) to span-based suggestions."""

from __future__ import annotations

from ocrfix.suggestion import Suggestion


def suggest(raw: str, confidences: dict[int, float] | None = None) -> list[Suggestion]:
    """Every suggestion for ``raw``, in text order (see :mod:`ocrfix.correct.engine`)."""
    from ocrfix.correct.engine import default_corrector

    return default_corrector().suggest(raw, confidences)
