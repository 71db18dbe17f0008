"""``suggestions.csv``: one row per suggestion, with a decision column for the reviewer."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

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
BATCH = 2000  # rows turned into CSV text at a time


def table_rows(raw: str, suggestions: Sequence[Suggestion]) -> Iterator[list[str]]:
    """The rows of the table of ``suggestions`` (in text order, numbered from 1), cells as
    text, decisions blank; the header row is :data:`COLUMNS`."""
    locator = Locator(raw)
    for number, s in enumerate(ordered(suggestions), start=1):
        page, line = locator.locate(s.start)
        yield [
            str(number),
            str(page),
            str(line),
            str(s.start),
            str(s.end),
            s.original,
            s.replacement,
            s.rule,
            f"{s.score:.3f}",
            "true" if s.auto else "false",
            "",
            "|".join(s.alternatives),
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


def suggestions_csv(raw: str, suggestions: Sequence[Suggestion]) -> str:
    """The table of ``suggestions`` (in text order, numbered from 1), decisions blank."""
    return "".join(csv_pieces(table_rows(raw, suggestions)))
