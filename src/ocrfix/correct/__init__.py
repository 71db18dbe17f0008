"""Correction: from the raw text (and OCR confidences) to span-based suggestions."""

from __future__ import annotations

from collections.abc import Iterator

from ocrfix.suggestion import Suggestion


def suggest(
    raw: str,
    confidences: dict[int, float] | None = None,
    lexicons: tuple[str, ...] = (),
    model: str | None = None,
) -> list[Suggestion]:
    """Every suggestion for ``raw``, in text order (see :mod:`ocrfix.correct.engine`).

    ``confidences`` maps the start offset of an OCR word to Tesseract's confidence in it;
    ``lexicons`` are the user's extra word lists; ``model`` the folder of a correction
    model (by default the one ocrfix ships, see :mod:`ocrfix.model`).
    """
    from ocrfix.correct.assemble import corrector_for

    return corrector_for(tuple(lexicons), model).suggest(raw, confidences)


def suggest_pieces(
    raw: str,
    confidences: dict[int, float] | None = None,
    lexicons: tuple[str, ...] = (),
    model: str | None = None,
) -> Iterator[list[Suggestion]]:
    """The suggestions of :func:`suggest`, one list per piece of the text, in text order
    (see :mod:`ocrfix.correct.pieces`): a long text is corrected without ever holding the
    corrector's working state for all of it."""
    from ocrfix.correct.assemble import corrector_for

    return corrector_for(tuple(lexicons), model).suggest_pieces(raw, confidences)
