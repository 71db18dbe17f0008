"""``suggestions.csv``: one row per suggestion, with a decision column for the reviewer."""

from __future__ import annotations

import csv
import io

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


def suggestions_csv(raw: str, suggestions: list[Suggestion]) -> str:
    """The table of ``suggestions`` (in text order, numbered from 1), decisions blank."""
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
                "",
                "|".join(s.alternatives),
            ]
        )
    return buffer.getvalue()
