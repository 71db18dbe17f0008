"""``suggestions.csv``: one row per suggestion, with a decision column for the reviewer.

A cell of OCR text is written through :func:`spreadsheet_safe` (``original``,
``replacement``, ``alternatives``; and ``text`` of ``words.tsv``), so a spreadsheet never
reads ``=HYPERLINK(…)`` as a formula, and read back through :func:`spreadsheet_value`.
"""

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
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet reads such a cell as a formula


def spreadsheet_safe(cell: str) -> str:
    r"""``cell`` with a ``'`` in front if a spreadsheet would read it as a formula (it
    starts with ``= + - @``, a tab or a carriage return, after any ``'``); else unchanged.

    >>> print(spreadsheet_safe('=HYPERLINK("http://x.example")'))
    '=HYPERLINK("http://x.example")
    >>> spreadsheet_safe("-1920"), spreadsheet_safe("\tx"), spreadsheet_safe("'=x")
    ("'-1920", "'\tx", "''=x")
    >>> spreadsheet_safe("the"), spreadsheet_safe("'tis"), spreadsheet_safe("")
    ('the', "'tis", '')
    """
    return "'" + cell if cell.lstrip("'").startswith(FORMULA_START) else cell


def spreadsheet_value(cell: str) -> str:
    r"""The text of a cell written by :func:`spreadsheet_safe` (its inverse): one ``'``
    taken off when what follows would be a formula; any other cell unchanged.

    >>> spreadsheet_value("'=SUM(A1)"), spreadsheet_value("''=x"), spreadsheet_value("'-1")
    ('=SUM(A1)', "'=x", '-1')
    >>> spreadsheet_value("'tis"), spreadsheet_value("=x"), spreadsheet_value("'")
    ("'tis", '=x', "'")
    """
    if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_START):
        return cell[1:]
    return cell


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
                spreadsheet_safe(s.original),
                spreadsheet_safe(s.replacement),
                s.rule,
                f"{s.score:.3f}",
                "true" if s.auto else "false",
                decisions.get(s, ""),
                spreadsheet_safe("|".join(s.alternatives)),
            ]
        )
    return buffer.getvalue()
