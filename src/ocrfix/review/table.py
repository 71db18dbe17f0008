"""``suggestions.csv``: one row per suggestion, with a decision column for the reviewer."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from ocrfix.suggestion import Locator, Suggestion

COLUMNS = (
    "id",
    "page",
    "line",
    "start",
    "end",
    "original",
    "replacement",
    "rule",
    "score",
    "auto",
    "decision",
    "alternatives",
)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula: one starting with ``= + - @``, a tab
    or a carriage return gets a leading ``'``.

    >>> spreadsheet_safe("=HYPERLINK(1)"), spreadsheet_safe("word")
    ("'=HYPERLINK(1)", 'word')
    """
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def suggestions_csv(
    raw: str, suggestions: list[Suggestion], decisions: Mapping[Suggestion, str] | None = None
) -> str:
    """The table of ``suggestions`` (in text order, numbered from 1) with their decision
    cells (blank unless ``decisions`` has one)."""
    decisions = decisions or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    locator = Locator(raw)
    for number, s in enumerate(sorted(suggestions), start=1):
        page, line = locator.locate(s.start)
        writer.writerow(
            [
                number,
                page,
                line,
                s.start,
                s.end,
                s.original,
                s.replacement,
                s.rule,
                f"{s.score:.3f}",
                "true" if s.auto else "false",
                decisions.get(s, ""),
                "|".join(s.alternatives),
            ]
        )
    return buffer.getvalue()
