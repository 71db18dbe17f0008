"""``catalog.sqlite``: the documents of an archive, their versions, and full-text search.

Tables:

- ``documents``: one row per document, its current version: slug, title, author, date,
  source file and SHA-256, pages, reviewed, version, the SHA-256 of its text and Markdown,
  the front matter as JSON;
- ``versions``: one row per version of each document, with the files that hold it
  (``versions/<slug>/vN.md`` and ``.txt``) and their hashes, and what changed (``new``,
  ``text``, ``record`` for the front matter alone);
- ``search``: an FTS5 index of the current version (title, author, body), its rowid the
  document's id; words are folded (case, accents) and stemmed (Porter). Documents are
  matched and ranked here;
- ``passages``: the same text in passages of about ``PASSAGE_CHARS`` characters (rowid
  ``document id << PASSAGE_BITS | n``), from which snippets are cut: FTS5 reads a
  document's whole text to make a snippet, which takes milliseconds for a book.

The database is in WAL mode, so searches read while an export writes; every export
changes it in one transaction, under a lock file (:func:`export_lock`) that makes two
exports take turns.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ocrfix.errors import OcrfixError, UsageError

CATALOG = "catalog.sqlite"
LOCK = ".export.lock"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 60_000
WEIGHTS = (10.0, 5.0, 1.0)  # bm25 weights of title, author, body
SNIPPET_WORDS = 16
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"  # around a match in a snippet (see Hit.marked)
PASSAGE_CHARS = 2000
PASSAGE_BITS = 20  # passages of one document at most 2**20
PASSAGE_MASK = (1 << PASSAGE_BITS) - 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    doc_id TEXT NOT NULL,
    source TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    title TEXT NOT NULL,
    author TEXT,
    date TEXT,
    pages INTEGER NOT NULL,
    reviewed INTEGER NOT NULL,
    version INTEGER NOT NULL,
    text_sha256 TEXT NOT NULL,
    md_sha256 TEXT NOT NULL,
    record TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_by_sha256 ON documents (source_sha256);
CREATE INDEX IF NOT EXISTS documents_by_source ON documents (source);
CREATE TABLE IF NOT EXISTS versions (
    document_id INTEGER NOT NULL REFERENCES documents (id),
    version INTEGER NOT NULL,
    md_path TEXT NOT NULL,
    txt_path TEXT NOT NULL,
    md_sha256 TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    reviewed INTEGER NOT NULL,
    change TEXT NOT NULL,
    exported TEXT NOT NULL,
    PRIMARY KEY (document_id, version)
);
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5 (
    title, author, body,
    tokenize = 'porter unicode61 remove_diacritics 2',
    prefix = '2 3'
);
CREATE VIRTUAL TABLE IF NOT EXISTS passages USING fts5 (
    title, author, body,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
"""


class ArchiveError(OcrfixError):
    """An archive that cannot be used (no catalogue, a newer schema…)."""


class QueryError(UsageError, ValueError):
    """A search query that FTS5 cannot read; the message says why, in one line."""


# ---------------------------------------------------------------- opening


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def create(archive: Path) -> sqlite3.Connection:
    """Open the catalogue of ``archive`` for writing, creating it (WAL mode) if needed."""
    archive.mkdir(parents=True, exist_ok=True)
    conn = _connect(archive / CATALOG)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ArchiveError(f"{archive / CATALOG}: not a catalogue ({exc})") from None
    if version > SCHEMA_VERSION:
        conn.close()
        raise ArchiveError(f"{archive / CATALOG}: made by a newer ocrfix (schema {version})")
    if version < SCHEMA_VERSION:
        with transaction(conn):
            for statement in SCHEMA.split(";\n"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return conn


def open_catalog(archive: Path) -> sqlite3.Connection:
    """Open an existing catalogue for reading; raises :class:`ArchiveError` if there is none."""
    path = archive / CATALOG
    if not path.is_file():
        raise ArchiveError(f"{archive}: no archive here (no {CATALOG}); run `ocrfix export` first")
    conn = _connect(path)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ArchiveError(f"{path}: not a catalogue ({exc})") from None
    if version != SCHEMA_VERSION:
        conn.close()
        raise ArchiveError(
            f"{path}: catalogue schema {version}, this ocrfix reads {SCHEMA_VERSION}"
        )
    return conn


@contextlib.contextmanager
def export_lock(archive: Path, on_wait: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Hold the archive's export lock (``flock``); ``on_wait`` is called if another holds it.

    The lock is released by the system when the process ends, however it ends.
    """
    archive.mkdir(parents=True, exist_ok=True)
    fd = os.open(archive / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: committed if the block ends, rolled back if it raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


# ---------------------------------------------------------------- writing


@dataclass(frozen=True)
class Entry:
    """A version of a document as the catalogue records it."""

    slug: str
    doc_id: str
    source: str
    source_sha256: str
    title: str
    author: str | None
    date: str | None
    pages: int
    reviewed: bool
    version: int
    text: str
    text_sha256: str
    md_sha256: str
    md_path: str
    txt_path: str
    record: dict
    change: str  # new, text or record


def now() -> str:
    """The time of a catalogue change, UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def find_document(conn: sqlite3.Connection, source_sha256: str, source: str) -> sqlite3.Row | None:
    """The document made from the same input bytes, else from the same input file."""
    for column, value in (("source_sha256", source_sha256), ("source", source)):
        row = conn.execute(
            f"SELECT * FROM documents WHERE {column} = ? ORDER BY id LIMIT 1", (value,)
        ).fetchone()
        if row is not None:
            return row
    return None


def slugs(conn: sqlite3.Connection) -> set[str]:
    """Every slug in use."""
    return {row[0] for row in conn.execute("SELECT slug FROM documents")}


def record_version(conn: sqlite3.Connection, entry: Entry, document_id: int | None) -> int:
    """Add a version (and the document, when new), and index its text; returns the id.

    Call inside :func:`transaction`.
    """
    stamp = now()
    values = (
        entry.slug,
        entry.doc_id,
        entry.source,
        entry.source_sha256,
        entry.title,
        entry.author,
        entry.date,
        entry.pages,
        int(entry.reviewed),
        entry.version,
        entry.text_sha256,
        entry.md_sha256,
        json.dumps(entry.record, ensure_ascii=False, sort_keys=True),
        stamp,
    )
    if document_id is None:
        cursor = conn.execute(
            "INSERT INTO documents (slug, doc_id, source, source_sha256, title, author, date,"
            " pages, reviewed, version, text_sha256, md_sha256, record, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            values,
        )
        document_id = int(cursor.lastrowid or 0)
    else:
        conn.execute(
            "UPDATE documents SET slug = ?, doc_id = ?, source = ?, source_sha256 = ?, title = ?,"
            " author = ?, date = ?, pages = ?, reviewed = ?, version = ?, text_sha256 = ?,"
            " md_sha256 = ?, record = ?, updated = ? WHERE id = ?",
            (*values, document_id),
        )
    conn.execute(
        "INSERT INTO versions (document_id, version, md_path, txt_path, md_sha256, text_sha256,"
        " source_sha256, reviewed, change, exported) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            document_id,
            entry.version,
            entry.md_path,
            entry.txt_path,
            entry.md_sha256,
            entry.text_sha256,
            entry.source_sha256,
            int(entry.reviewed),
            entry.change,
            stamp,
        ),
    )
    conn.execute("DELETE FROM search WHERE rowid = ?", (document_id,))
    conn.execute(
        "INSERT INTO search (rowid, title, author, body) VALUES (?, ?, ?, ?)",
        (document_id, entry.title, entry.author or "", entry.text),
    )
    first = document_id << PASSAGE_BITS
    conn.execute("DELETE FROM passages WHERE rowid BETWEEN ? AND ?", (first, first + PASSAGE_MASK))
    conn.executemany(
        "INSERT INTO passages (rowid, title, author, body) VALUES (?, ?, ?, ?)",
        (
            (first + n, entry.title, entry.author or "", passage)
            for n, passage in enumerate(split_passages(entry.text)[:PASSAGE_MASK])
        ),
    )
    return document_id


def split_passages(text: str, size: int = PASSAGE_CHARS) -> list[str]:
    """The text in pieces of at most about ``size`` characters, cut at a paragraph break,
    else a line break, else a space, in the second half of each piece.

    >>> split_passages("one two\\n\\nthree four five", 12)
    ['one two', 'three', 'four five']
    """
    pieces, start = [], 0
    while start < len(text):
        end = len(text) if len(text) - start <= size else start + size
        if end < len(text):
            half = start + size // 2
            for mark in ("\n\n", "\n", " "):
                cut = text.rfind(mark, half, end)
                if cut > 0:
                    end = cut
                    break
        if piece := text[start:end].strip():
            pieces.append(piece)
        start = end
    return pieces


def version_files(conn: sqlite3.Connection) -> set[str]:
    """The paths (relative to the archive) of every version's files."""
    found: set[str] = set()
    for md, txt in conn.execute("SELECT md_path, txt_path FROM versions"):
        found.update((md, txt))
    return found


def version_hashes(conn: sqlite3.Connection, slug: str) -> set[str]:
    """The SHA-256 of every version's Markdown and text of a document."""
    rows = conn.execute(
        "SELECT v.md_sha256, v.text_sha256 FROM versions v JOIN documents d"
        " ON d.id = v.document_id WHERE d.slug = ?",
        (slug,),
    )
    return {digest for row in rows for digest in row}


def current_versions(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Slug, files and hashes of each document's current version."""
    return conn.execute(
        "SELECT d.slug, v.md_path, v.txt_path, v.md_sha256, v.text_sha256 FROM documents d"
        " JOIN versions v ON v.document_id = d.id AND v.version = d.version ORDER BY d.slug"
    ).fetchall()


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class Hit:
    """One search result: the document and a snippet with the matches marked."""

    rank: int
    score: float
    slug: str
    title: str
    date: str | None
    snippet: str

    def marked(self, open_mark: str = "[", close_mark: str = "]") -> str:
        """The snippet with each match between ``open_mark`` and ``close_mark``.

        >>> Hit(1, -1.0, "s", "t", None, "the \\x02circle\\x03 met").marked()
        'the [circle] met'
        """
        return self.snippet.replace(MARK_OPEN, open_mark).replace(MARK_CLOSE, close_mark)

    def parts(self) -> list[tuple[str, bool]]:
        """The snippet in pieces, each with whether it is a match.

        >>> Hit(1, -1.0, "s", "t", None, "the \x02circle\x03 met").parts()
        [('the ', False), ('circle', True), (' met', False)]
        """
        pieces = re.split(f"({MARK_OPEN}[^{MARK_CLOSE}]*{MARK_CLOSE})", self.snippet)
        return [(p.strip(MARK_OPEN + MARK_CLOSE), p[0] == MARK_OPEN) for p in pieces if p]


_MARKS = "'’./&%$#@!?;-"  # inside a word, FTS5 refuses them (or reads - as a column filter)
_IN_WORD = rf"[\w{re.escape(_MARKS)}]"
_WORDISH = re.compile(rf"(?<!{_IN_WORD}){_IN_WORD}*\w{_IN_WORD}*")
_QUOTED = re.compile(r'("[^"]*"?)')


def _quote(match: re.Match) -> str:
    word = match.group(0)
    return f'"{word}"' if any(ch in _MARKS for ch in word) else word


def prepare_query(query: str) -> str:
    """The query with each word that holds a hyphen, apostrophe, dot, slash, ampersand or
    one of ``%$#@!?;`` put in quotes (FTS5 refuses them, or reads ``a-b`` as a column
    filter), so ``1.5``, ``-1`` or ``50%`` are searched as words; quoted phrases, ``*``,
    ``AND``, ``OR``, ``NOT``, ``NEAR``, ``column:`` and parentheses are left as they are.

    >>> print(prepare_query("counter-revolution AND don't* workers' title:tea (a OR b)"))
    "counter-revolution" AND "don't"* "workers'" title:tea (a OR b)
    >>> print(prepare_query('"the state" U.S.S.R.'))
    "the state" "U.S.S.R."
    >>> print(prepare_query("-1 1.5 50% NEAR(a b, 5)"))
    "-1" "1.5" "50%" NEAR(a b, 5)
    """
    parts = _QUOTED.split(query)
    return "".join(part if part.startswith('"') else _WORDISH.sub(_quote, part) for part in parts)


def query_error(exc: sqlite3.Error | ValueError) -> QueryError | ArchiveError:
    """The :class:`QueryError` (one line) that an error running a query stands for, or an
    :class:`ArchiveError` when the fault is the catalogue's, not the query's.

    >>> print(query_error(sqlite3.OperationalError('expected integer, got "x"')))
    malformed query: NEAR takes a whole number last, as NEAR(a b, 5)
    """
    message = " ".join(str(exc).split())
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
        return ArchiveError(f"the catalogue cannot be read ({message})")
    if isinstance(exc, UnicodeError):
        return QueryError("malformed query: it is not valid Unicode text")
    if message == 'fts5: syntax error near ""':
        return QueryError("malformed query: syntax error at the end (something is missing)")
    if message.startswith("fts5: "):
        return QueryError(f"malformed query: {message.removeprefix('fts5: ')}")
    if message == "unterminated string":
        return QueryError('malformed query: a double quote (") is not closed')
    if message.startswith("no such column: "):
        column = message.removeprefix("no such column: ")
        return QueryError(
            f"malformed query: no column {column[:40]!r} (columns are title, author, body; put a "
            'word with a colon or a leading hyphen in double quotes, "like:this")'
        )
    if message.startswith("unknown special query"):
        return QueryError("malformed query: nothing to search for")
    if message.startswith("expected integer"):
        return QueryError("malformed query: NEAR takes a whole number last, as NEAR(a b, 5)")
    return QueryError(f"malformed query: SQLite could not run it ({message})")


def search(conn: sqlite3.Connection, query: str, limit: int = 10) -> list[Hit]:
    """The documents that match an FTS5 query, best first (``bm25``, then slug).

    Raises :class:`QueryError` for a query FTS5 cannot read, or any other SQLite error while
    running it.
    """
    if not query.strip():
        raise QueryError("malformed query: it is empty")
    if "\x00" in query:
        raise QueryError("malformed query: it holds a NUL character")
    weights = ", ".join(map(str, WEIGHTS))
    ranked = (
        f"SELECT d.id, d.slug, d.title, d.date, bm25(search, {weights}) AS score"
        " FROM search JOIN documents d ON d.id = search.rowid"
        " WHERE search MATCH ? ORDER BY score, d.slug LIMIT ?"
    )
    try:
        fts_query = prepare_query(query)
        rows = conn.execute(ranked, (fts_query, limit)).fetchall()
        snippets = [snippet(conn, fts_query, row["id"]) for row in rows]
    except (sqlite3.Error, ValueError) as exc:  # ValueError: text SQLite cannot take
        raise query_error(exc) from None
    return [
        Hit(n, row["score"], row["slug"], row["title"], row["date"], snip)
        for n, (row, snip) in enumerate(zip(rows, snippets, strict=True), start=1)
    ]


def snippet(conn: sqlite3.Connection, fts_query: str, document_id: int) -> str:
    """A snippet of a document for a query, from its best passage (or, when no one passage
    matches the whole query, as ``a AND b`` far apart, from the whole text)."""
    cut = f"snippet({{table}}, -1, '{MARK_OPEN}', '{MARK_CLOSE}', '…', {SNIPPET_WORDS})"
    first = document_id << PASSAGE_BITS
    row = conn.execute(
        f"SELECT {cut.format(table='passages')} FROM passages WHERE passages MATCH ?"
        f" AND rowid BETWEEN ? AND ? ORDER BY bm25(passages, {', '.join(map(str, WEIGHTS))})"
        " LIMIT 1",
        (fts_query, first, first + PASSAGE_MASK),
    ).fetchone()
    if row is None:
        row = conn.execute(
            f"SELECT {cut.format(table='search')} FROM search WHERE search MATCH ? AND rowid = ?",
            (fts_query, document_id),
        ).fetchone()
    return " ".join(row[0].split()) if row else ""


def documents(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every document's current record, by slug."""
    return conn.execute(
        "SELECT slug, title, author, date, version, reviewed, pages, source, updated"
        " FROM documents ORDER BY slug"
    ).fetchall()


def check(conn: sqlite3.Connection) -> list[str]:
    """What is wrong with a catalogue (empty when nothing): SQLite's integrity check,
    FTS5's, and rows that do not agree with each other."""
    problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
    for table in ("search", "passages"):
        try:
            conn.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")
        except sqlite3.DatabaseError as exc:
            problems.append(f"{table} index: {exc}")
    queries = {
        "document without its current version": "SELECT slug FROM documents d WHERE NOT EXISTS"
        " (SELECT 1 FROM versions v WHERE v.document_id = d.id AND v.version = d.version)",
        "version of no document": "SELECT document_id FROM versions v WHERE NOT EXISTS"
        " (SELECT 1 FROM documents d WHERE d.id = v.document_id)",
        "document not indexed": "SELECT slug FROM documents WHERE id NOT IN"
        " (SELECT rowid FROM search)",
        "indexed text of no document": "SELECT rowid FROM search WHERE rowid NOT IN"
        " (SELECT id FROM documents)",
        "passage of no document": f"SELECT rowid FROM passages WHERE rowid >> {PASSAGE_BITS}"
        " NOT IN (SELECT id FROM documents)",
    }
    for what, sql in queries.items():
        problems += [f"{what}: {row[0]}" for row in conn.execute(sql)]
    return problems
