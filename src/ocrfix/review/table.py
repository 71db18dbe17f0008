"""``suggestions.csv``: one row per suggestion, with a decision column for the reviewer.

A cell of OCR text is written through :func:`spreadsheet_safe` (``original``,
``replacement``, ``alternatives``; and ``text`` of ``words.tsv``), so a spreadsheet never
reads ``=HYPERLINK(…)`` as a formula, and read back through :func:`spreadsheet_value`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence

from ocrfix.suggestion import Locator, Suggestion, ordered

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


BATCH = 2000  # rows turned into CSV text at a time


def table_rows(
    raw: str, suggestions: Sequence[Suggestion], decisions: Mapping[Suggestion, str] | None = None
) -> Iterator[list[str]]:
    """The rows of the table of ``suggestions`` (in text order, numbered from 1), cells as
    text (spreadsheet-safe), decisions blank unless ``decisions`` has one; the header row
    is :data:`COLUMNS`."""
    decisions = decisions or {}
    locator = Locator(raw)
    for number, s in enumerate(ordered(suggestions), start=1):
        page, line = locator.locate(s.start)
        yield [
            str(number),
            str(page),
            str(line),
            str(s.start),
            str(s.end),
            spreadsheet_safe(s.original),
            spreadsheet_safe(s.replacement),
            s.rule,
            f"{s.score:.3f}",
            "true" if s.auto else "false",
            decisions.get(s, "") if decisions else "",
            spreadsheet_safe("|".join(s.alternatives)),
        ]


def csv_pieces(rows: Iterable[Sequence[str]], columns: Sequence[str] = COLUMNS) -> Iterator[str]:
    """The CSV text of a header and ``rows``, a few thousand rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def suggestions_csv(
    raw: str, suggestions: Sequence[Suggestion], decisions: Mapping[Suggestion, str] | None = None
) -> str:
    """The table of ``suggestions`` (in text order, numbered from 1) with their decision
    cells (blank unless ``decisions`` has one)."""
    return "".join(csv_pieces(table_rows(raw, suggestions, decisions)))
