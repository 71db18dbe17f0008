"""Reviewer decisions in ``suggestions.csv``, and the final text they give.

The ``decision`` cell of a row is one of:

- blank: no decision; the suggestion counts if ocrfix applied it on its own (``auto``);
- ``accept``: apply the suggestion;
- ``reject``: do not apply it (even if ocrfix did in ``clean.txt``): "not this change";
- ``keep``: do not apply it either, and the word is correct as printed (``ocrfix learn``
  protects it: the corrector never changes it again);
- ``edit:TEXT``: replace the span by ``TEXT`` instead (``edit:`` alone deletes it).

``accept``, ``reject`` and ``keep`` may be written in any case and with spaces around (as a
spreadsheet user may type them); everything after ``edit:`` is kept exactly.

``final.txt`` is ``apply(raw, accepted + edited + auto-and-neither-rejected-nor-kept)``.
Every row is checked first: a malformed cell, or a span that no longer reads its
``original`` in ``raw.txt``, refuses the whole document with a :class:`DecisionError`
naming the row.

Decisions are written back through a temporary file and a rename, under a lock (a thread
lock within a process, ``flock`` on the document folder between processes), so a
concurrent writer never loses another's decision and a crash never leaves half a table.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ocrfix.errors import OcrfixError
from ocrfix.fsio import atomic_write_text, document_lock
from ocrfix.review.table import COLUMNS, spreadsheet_value
from ocrfix.review.workload import Workload, is_layout, workload
from ocrfix.scanout import write_scan_outputs
from ocrfix.suggestion import Suggestion, apply

ACCEPT, REJECT, KEEP, EDIT = "accept", "reject", "keep", "edit"
WORDS = (ACCEPT, REJECT, KEEP)  # the decisions that are one word
EDIT_PREFIX = "edit:"
MAX_EDIT_CHARS = 1000
TABLE = "suggestions.csv"
RAW = "raw.txt"
FINAL = "final.txt"


class DecisionError(OcrfixError, ValueError):
    """A document cannot be applied: names the file, the row and the reason."""

    def __init__(self, path: Path, reason: str, row: str | int | None = None, line: int = 0):
        self.path, self.reason, self.row, self.line = path, reason, row, line
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: " + (f"row {row}: " if row is not None else "") + reason)


# ---------------------------------------------------------------- one cell


def parse_decision(cell: str) -> tuple[str, str]:
    """``(kind, text)`` of a decision cell; ``kind`` is ``""``, accept, reject, keep or edit.

    >>> parse_decision(" Accept ")
    ('accept', '')
    >>> parse_decision("KEEP")
    ('keep', '')
    >>> parse_decision("edit:Stalin")
    ('edit', 'Stalin')
    >>> parse_decision("")
    ('', '')
    >>> parse_decision("yes")
    Traceback (most recent call last):
    ValueError: decision 'yes' is not blank, accept, reject, keep or edit:TEXT
    """
    if cell[: len(EDIT_PREFIX)].lower() == EDIT_PREFIX:
        text = cell[len(EDIT_PREFIX) :]
        if len(text) > MAX_EDIT_CHARS:
            raise ValueError(f"edited text is longer than {MAX_EDIT_CHARS} characters")
        if "\x00" in text:
            raise ValueError("edited text holds a NUL character")
        return EDIT, text
    word = cell.strip().lower()
    if word == "" or word in WORDS:
        return word, ""
    raise ValueError(f"decision {cell[:40]!r} is not blank, accept, reject, keep or edit:TEXT")


def format_decision(kind: str, text: str = "") -> str:
    """The cell for a decision (the inverse of :func:`parse_decision`).

    >>> format_decision("edit", "the"), format_decision("keep")
    ('edit:the', 'keep')
    """
    return EDIT_PREFIX + text if kind == EDIT else kind


# ---------------------------------------------------------------- one row


@dataclass(frozen=True)
class Row:
    """One suggestion of the table with its parsed decision."""

    id: int
    page: int
    line: int
    start: int
    end: int
    original: str
    replacement: str
    rule: str
    score: float
    auto: bool
    decision: str = ""  # "", accept, reject, keep or edit
    edit: str = ""  # the text of an edit
    alternatives: tuple[str, ...] = ()
    csv_line: int = field(default=0, compare=False)

    @property
    def cell(self) -> str:
        return format_decision(self.decision, self.edit)

    @property
    def intended(self) -> str:
        """What the reviewer says the span should read (accept or edit)."""
        return self.edit if self.decision == EDIT else self.replacement

    @property
    def refused(self) -> bool:
        """Whether the reviewer said no to the change (``reject`` or ``keep``)."""
        return self.decision in (REJECT, KEEP)

    def chosen(self) -> Suggestion | None:
        """The change that goes into ``final.txt``, or ``None`` (``keep`` is a no, as
        ``reject`` is).

        >>> row = Row(1, 1, 1, 0, 3, "tne", "the", "word", 0.4, False, "edit", "The")
        >>> row.chosen().replacement
        'The'
        >>> Row(1, 1, 1, 0, 3, "Tne", "The", "word", 0.9, True, "keep").chosen() is None
        True
        """
        if self.refused or (self.decision == "" and not self.auto):
            return None
        return Suggestion(
            self.start, self.end, self.original, self.intended, self.rule, self.score, True
        )


ROW_FIELDS = ("id", "page", "line", "start", "end", "original", "replacement", "rule", "score",
              "auto")  # fmt: skip


def row_fields(row: Row) -> dict[str, object]:
    """The cells of a row that ocrfix wrote (``id`` to ``auto``), as values.

    >>> row_fields(Row(1, 1, 2, 0, 3, "tne", "the", "word", 0.9, True))["line"]
    2
    """
    return {name: getattr(row, name) for name in ROW_FIELDS}


def _bool(cell: str) -> bool:
    value = cell.strip().lower()
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no", ""):
        return False
    raise ValueError(f"auto {cell!r} is not true or false")


def parse_row(cells: Mapping[str, str], csv_line: int = 0) -> Row:
    """A :class:`Row` from the cells of a CSV row; raises ``ValueError`` with the reason."""
    try:
        numbers = {k: int(cells[k]) for k in ("id", "page", "line", "start", "end")}
    except ValueError:
        bad = next(k for k in ("id", "page", "line", "start", "end") if not _is_int(cells[k]))
        raise ValueError(f"{bad} {cells[bad]!r} is not a whole number") from None
    try:
        score = float(cells["score"])
    except ValueError:
        raise ValueError(f"score {cells['score']!r} is not a number") from None
    kind, text = parse_decision(cells["decision"])
    original = spreadsheet_value(cells["original"])  # as table.suggestions_csv wrote them
    replacement = spreadsheet_value(cells["replacement"])
    alternatives = tuple(
        a for a in spreadsheet_value(cells.get("alternatives", "")).split("|") if a
    )
    start, end = numbers["start"], numbers["end"]
    if not 0 <= start <= end or end - start != len(original):
        raise ValueError(f"span {start}..{end} does not fit original {original!r}")
    return Row(
        numbers["id"],
        numbers["page"],
        numbers["line"],
        start,
        end,
        original,
        replacement,
        cells["rule"],
        score,
        _bool(cells["auto"]),
        kind,
        text,
        alternatives,
        csv_line,
    )


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------- the table


@dataclass
class Sheet:
    """``suggestions.csv`` as cells, kept exactly as written, with the line of each record."""

    path: Path
    columns: list[str]
    records: list[list[str]]
    lines: list[int]

    def column(self, name: str) -> int:
        return self.columns.index(name)

    def index(self) -> dict[int, int]:
        """Row id -> position in :attr:`records` (rows whose id is not a number left out)."""
        col, found = self.column("id"), {}
        for i, record in enumerate(self.records):
            with contextlib.suppress(ValueError):
                found.setdefault(int(record[col]), i)
        return found

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows(self.records)
        return buffer.getvalue()


def read_sheet(path: Path) -> Sheet:
    """The cells of a ``suggestions.csv`` (also as saved by a spreadsheet: BOM, CRLF).

    Checks only the header and the number of cells of each record.
    """
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DecisionError(path, f"cannot be read ({exc})") from None
    return parse_sheet(path, text)


def parse_sheet(path: Path, text: str) -> Sheet:
    """The cells of the text of a ``suggestions.csv`` (``path`` names it in errors)."""
    columns, found = sheet_records(path, io.StringIO(text.removeprefix("\ufeff"), newline=""))
    records, lines = [], []
    for record, line in found:
        records.append(record)
        lines.append(line)
    return Sheet(path, columns, records, lines)


def sheet_records(
    path: Path, lines: Iterable[str]
) -> tuple[list[str], Iterator[tuple[list[str], int]]]:
    """The header of the CSV text ``lines`` and its records with their line numbers, one
    at a time; raises :class:`DecisionError` for a missing column at once, and for a
    record with the wrong number of cells when it is reached."""
    reader = csv.reader(lines)
    columns = next(reader, [])
    missing = [c for c in COLUMNS if c != "alternatives" and c not in columns]
    if missing:
        raise DecisionError(path, f"missing column(s): {', '.join(missing)}", line=1)

    def records() -> Iterator[tuple[list[str], int]]:
        for record in reader:
            if len(record) != len(columns):
                if not any(record):
                    continue  # a blank line, as some spreadsheets leave at the end
                at = columns.index("id")
                row_id = record[at] if len(record) > at else "?"
                raise DecisionError(path, "wrong number of cells", row_id, reader.line_num)
            yield record, reader.line_num

    return columns, records()


@dataclass
class Table:
    """A checked ``suggestions.csv``: its cells and the parsed rows, in the same order."""

    sheet: Sheet
    rows: list[Row]

    @property
    def path(self) -> Path:
        return self.sheet.path


def read_table(path: Path) -> Table:
    """Read and check a ``suggestions.csv``; raises :class:`DecisionError` naming the first
    bad row."""
    sheet = read_sheet(path)
    rows, seen = [], set()
    for record, line in zip(sheet.records, sheet.lines, strict=True):
        row = checked_row(path, sheet.columns, record, line)
        if row.id in seen:
            raise DecisionError(path, "id is used twice", row.id, line)
        seen.add(row.id)
        rows.append(row)
    return Table(sheet, rows)


def checked_row(path: Path, columns: list[str], record: list[str], line: int) -> Row:
    """The :class:`Row` of one record of the table ``path``; :class:`DecisionError` if
    malformed."""
    cells = dict(zip(columns, record, strict=True))
    try:
        return parse_row(cells, line)
    except ValueError as exc:
        raise DecisionError(path, str(exc), cells["id"], line) from None


def check_span(row: Row, raw: str, table_path: Path, raw_path: Path) -> None:
    """Refuse a row whose span no longer reads its ``original`` in ``raw.txt``."""
    found = raw[row.start : row.end]
    if row.end > len(raw) or found != row.original:
        raise DecisionError(
            table_path,
            f"span {row.start}..{row.end} of {raw_path.name} reads {found!r}, not {row.original!r}",
            row.id,
            row.csv_line,
        )


def check_spans(table: Table, raw: str, raw_path: Path) -> None:
    """Refuse a row whose span no longer reads its ``original`` in ``raw.txt``."""
    for row in table.rows:
        check_span(row, raw, table.path, raw_path)


def chosen_suggestions(table: Table) -> list[Suggestion]:
    """The changes of ``final.txt``; refuses two chosen changes to the same characters."""
    chosen = sorted(
        ((s, row) for row in table.rows if (s := row.chosen()) is not None),
        key=lambda pair: (pair[0].start, pair[0].end),
    )
    for (a, row_a), (b, row_b) in itertools.pairwise(chosen):
        if b.start < a.end:
            raise DecisionError(
                table.path, f"overlaps row {row_a.id}; both cannot apply", row_b.id, row_b.csv_line
            )
    return [s for s, _ in chosen]


# ---------------------------------------------------------------- documents


@dataclass(frozen=True)
class Applied:
    """What ``final.txt`` of one document was made of."""

    doc: str
    path: Path
    counts: Counter[str]
    chars: int
    workload: Workload  # what is left for a person, as the table stood when applied
    scan_files: tuple[Path, ...] = ()  # final.pdf and final.alto.xml of a scanned document


def document_folders(corrections: Path, docs: Iterable[str] = ()) -> list[Path]:
    """Document folders (those with ``suggestions.csv`` and ``raw.txt``), all or the named.

    Raises :class:`DecisionError` for a named document that is not there.
    """
    if not corrections.is_dir():
        raise DecisionError(corrections, "no such folder")
    names = list(docs)
    if not names:
        return [
            p
            for p in sorted(corrections.iterdir())
            if not p.name.startswith(".") and (p / TABLE).is_file() and (p / RAW).is_file()
        ]
    folders = []
    for name in names:
        folder = corrections / name
        if "/" in name or name.startswith(".") or not (folder / TABLE).is_file():
            raise DecisionError(folder, f"no such document (no {TABLE})")
        folders.append(folder)
    return folders


def read_raw(folder: Path) -> str:
    """A document folder's ``raw.txt``; :class:`DecisionError` when it cannot be read."""
    try:
        return (folder / RAW).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DecisionError(folder / RAW, f"cannot be read ({exc})") from None


def load(folder: Path) -> tuple[str, Table]:
    """``raw.txt`` and the checked table of a document folder."""
    raw = read_raw(folder)
    table = read_table(folder / TABLE)
    check_spans(table, raw, folder / RAW)
    return raw, table


@contextlib.contextmanager
def records_of(path: Path) -> Iterator[tuple[list[str], Iterator[tuple[list[str], int]]]]:
    """The header and records of a ``suggestions.csv``, read a record at a time."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            yield sheet_records(path, fh)
    except (OSError, UnicodeDecodeError) as exc:
        raise DecisionError(path, f"cannot be read ({exc})") from None


def has_decisions(path: Path) -> bool:
    """Whether a ``suggestions.csv`` holds a decision (read until the first one)."""
    with records_of(path) as (columns, records):
        col = columns.index("decision")
        return any(record[col].strip() for record, _ in records)


def decided_rows(folder: Path) -> tuple[str, list[tuple[Row, str]]]:
    """``raw.txt`` and the decided rows of a document's table, each with its decision cell,
    checked as :func:`load` checks them; the table is read a row at a time and only its
    decided rows are kept."""
    raw = read_raw(folder)
    path = folder / TABLE
    found: list[tuple[Row, str]] = []
    with records_of(path) as (columns, records):
        col = columns.index("decision")
        for record, line in records:
            if record[col].strip():
                row = checked_row(path, columns, record, line)
                check_span(row, raw, path, folder / RAW)
                found.append((row, record[col]))
    return raw, found


def tally(rows: Iterable[Row]) -> Counter[str]:
    """How many rows were accepted, rejected, kept as printed (``keep``), edited, left as
    applied (``auto``) or left undecided."""
    counts: Counter[str] = Counter()
    for row in rows:
        if row.decision:
            counts[row.decision] += 1
        else:
            counts["auto" if row.auto else "undecided"] += 1
    return counts


def final_text(raw: str, table: Table) -> str:
    """``raw`` with the accepted, edited, and applied-and-not-refused suggestions."""
    return apply(raw, chosen_suggestions(table))


def apply_document(folder: Path) -> Applied:
    """Write ``final.txt`` of one document folder (atomically, under the document's lock);
    raises :class:`DecisionError`."""
    with locked(folder):
        raw, table = load(folder)
        chosen = chosen_suggestions(table)
        final = apply(raw, chosen)
        atomic_write_text(folder / FINAL, final)
        scan_files = tuple(write_scan_outputs(folder, raw, chosen))
    left = workload((row.rule, row.auto, row.cell) for row in table.rows)
    return Applied(folder.name, folder / FINAL, tally(table.rows), len(final), left, scan_files)


# ---------------------------------------------------------------- writing decisions

_thread_locks: dict[Path, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the document folder's lock: one writer at a time, in this process and others."""
    key = folder.absolute()
    with _thread_locks_guard:
        lock = _thread_locks.setdefault(key, threading.Lock())
    with lock, document_lock(key):
        yield


def set_decisions(
    folder: Path, decisions: Mapping[int, str] | Callable[[Sheet], Mapping[int, str]]
) -> tuple[Sheet, dict[int, str]]:
    """Set the decision cells of rows (id -> cell) and save the table atomically.

    ``decisions`` may also be a function of the table read afresh under the lock (to decide
    from its current state). Decisions written meanwhile by another writer (a second tab, a
    second server, a spreadsheet) are kept. Returns the new table and the cells set. Raises
    ``KeyError`` for an unknown id and ``ValueError`` for a malformed cell, writing nothing.
    """
    with locked(folder):
        sheet = read_sheet(folder / TABLE)
        chosen = dict(decisions(sheet) if callable(decisions) else decisions)
        for cell in chosen.values():
            parse_decision(cell)
        index = sheet.index()
        unknown = [i for i in chosen if i not in index]
        if unknown:
            raise KeyError(unknown[0])
        col = sheet.column("decision")
        for row_id, cell in chosen.items():
            sheet.records[index[row_id]][col] = cell
        if chosen:
            atomic_write_text(sheet.path, sheet.to_csv())
    return sheet, chosen


def same_change(sheet: Sheet, row_id: int) -> dict[int, str]:
    """``accept`` for a row and every undecided row with its rule, original and replacement.

    Rows already decided otherwise keep their decision. Raises ``KeyError`` for an unknown id.
    """
    index = sheet.index()
    cols = [sheet.column(c) for c in ("rule", "original", "replacement")]
    decision = sheet.column("decision")
    model = sheet.records[index[row_id]]
    key = [model[c] for c in cols]
    return {
        other: ACCEPT
        for other, i in index.items()
        if (other == row_id or not sheet.records[i][decision].strip())
        and [sheet.records[i][c] for c in cols] == key
    }


def layout_rows(sheet: Sheet, cell: str) -> dict[int, str]:
    """``cell`` for every undecided layout row of the table (tabs, trailing spaces, margin
    junk, rejoined hyphenations: :func:`ocrfix.review.workload.is_layout`); rows already
    decided keep their decision."""
    rule, decision = sheet.column("rule"), sheet.column("decision")
    return {
        row_id: cell
        for row_id, i in sheet.index().items()
        if is_layout(sheet.records[i][rule]) and not sheet.records[i][decision].strip()
    }


# ---------------------------------------------------------------- changes that can be undone


@dataclass(frozen=True)
class Changed:
    """What one write did to a table: the cells written, the cells they replaced, and the
    rows left alone because their cell was not the one expected (``None``: no such row)."""

    sheet: Sheet
    cells: dict[int, str]
    previous: dict[int, str]
    conflicts: dict[int, str | None] = field(default_factory=dict)


def same_cell(a: str, b: str) -> bool:
    """Whether two decision cells say the same (``" Accept "`` is ``accept``).

    >>> same_cell(" Accept ", "accept"), same_cell("edit:a", "edit:a "), same_cell("x", "x")
    (True, False, True)
    """
    try:
        return parse_decision(a) == parse_decision(b)
    except ValueError:
        return a == b


def current_cells(sheet: Sheet, ids: Iterable[int]) -> dict[int, str]:
    """The decision cells of the rows ``ids`` that the table has."""
    index, col = sheet.index(), sheet.column("decision")
    return {i: sheet.records[index[i]][col] for i in ids if i in index}


def change_cells(
    folder: Path, change: Mapping[int, str] | Callable[[Sheet], Mapping[int, str]]
) -> Changed:
    """:func:`set_decisions`, returning also the cells replaced (for an undo); a row whose
    cell already says the same is left as it is. Raises as :func:`set_decisions` does."""
    previous: dict[int, str] = {}

    def chosen(sheet: Sheet) -> dict[int, str]:
        wanted = dict(change(sheet) if callable(change) else change)
        before = current_cells(sheet, wanted)
        for row_id in [i for i, cell in wanted.items() if i in before]:
            if same_cell(before[row_id], wanted[row_id]):
                del wanted[row_id]
        previous.update((i, before[i]) for i in wanted if i in before)
        return wanted

    sheet, cells = set_decisions(folder, chosen)
    return Changed(sheet, cells, previous)


def change_cells_if(folder: Path, wanted: Mapping[int, tuple[str, str]]) -> Changed:
    """Set each row's cell (id -> ``(cell, expected)``) only if its cell is still the
    ``expected`` one, as a compare-and-swap: an undo never overwrites what someone decided
    since. The others are returned in :attr:`Changed.conflicts` with their cell now."""
    conflicts: dict[int, str | None] = {}

    def chosen(sheet: Sheet) -> dict[int, str]:
        now = current_cells(sheet, wanted)
        conflicts.update(
            (i, now.get(i))
            for i, (_, expected) in wanted.items()
            if i not in now or not same_cell(now[i], expected)
        )
        return {i: cell for i, (cell, _) in wanted.items() if i not in conflicts}

    done = change_cells(folder, chosen)
    return Changed(done.sheet, done.cells, done.previous, conflicts)
