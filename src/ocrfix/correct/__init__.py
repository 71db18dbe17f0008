"""Correction: from the raw text (and OCR confidences) to span-based suggestions."""

from __future__ import annotations

from ocrfix.suggestion import Suggestion
from ocrfix.text import layout_suggestions


def suggest(raw: str) -> list[Suggestion]:
    """Every suggestion for ``raw``, in text order."""
    return layout_suggestions(raw)
