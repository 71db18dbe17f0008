"""``ocrfix review``: a local web app that walks the suggestions of a corrections folder.

Standard library only (:class:`http.server.ThreadingHTTPServer`). The routes:

- ``GET /``: the app (one page, ``app.html``);
- ``GET /api/docs``: the documents, each with its workload (:mod:`ocrfix.review.workload`:
  how many suggestions need a decision, how many are left, whether it is ready to export),
  and the batch's;
- ``GET /api/doc?doc=NAME``: one document: ``raw.txt``, its rows, and for a scan the box of
  each suggestion's word and line on its page image;
- ``GET /api/series[?min=N]``: the error series of the batch: the same change (rule,
  original, replacement) in every listed document, each occurrence with its line of text
  (and its crop, for a scan); series of at least ``N`` (2) occurrences, most first; layout
  changes are left out (they have a summary card of their own);
- ``GET /files/NAME/...``: a file under the corrections folder (page images, review.html);
  nothing outside it, whatever the path says;
- ``POST /api/decide`` ``{"doc", "id", "decision"}``: set one decision (blank, accept,
  reject, keep or ``edit:TEXT``);
- ``POST /api/accept-all`` ``{"doc", "id"}``: accept that row and every undecided row of
  the document with the same rule, original and replacement;
- ``POST /api/layout`` ``{"doc", "decision"}``: accept or reject every undecided layout row
  of the document (the summary card);
- ``POST /api/cells`` ``{"changes": [{"doc", "ids", "cell", "expect"}, ...]}``: set the cell
  of rows of several documents, each row only if its cell is still ``expect`` (a series
  decided in one step, an undo); each document is written under its own lock, atomically,
  and the rows whose cell changed meanwhile are answered as ``conflicts``, left alone.

Each change answers with the cells it wrote (``changed``) and the cells they replaced
(``previous``), so the page can undo it as one step through ``/api/cells``.

Every decision is in ``suggestions.csv`` (written atomically, under a lock) before the
answer goes back, so a crash of the browser or of the server loses none that was
confirmed. A POST must carry the session's token in ``X-Ocrfix-Token`` (the address the
command prints has it after ``#``, which browsers never send to a server), a JSON body with
exactly the expected fields, and, from a browser, this server's own origin; while bound to
the loopback address the server answers only requests addressed to it by a loopback name
(no DNS rebinding). Bound to another address, every GET but the app itself needs the token
too (``/files/`` also takes it as ``?token=``, for images and links).

Every file the server reads is checked with :func:`confined`: a path, or a link on it (the
document folder, ``raw.txt``, a page image…), that leads out of the corrections folder is
refused, and a document folder that is such a link is not listed.
"""

from __future__ import annotations

import contextlib
import csv
import hmac
import io
import json
import mimetypes
import secrets
import socket
import sys
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from ocrfix.review import decisions, workload
from ocrfix.review.decisions import DecisionError, Row

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8765
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_BODY = 64 * 1024
MAX_BULK_BODY = 16 * 1024 * 1024  # /api/cells: the undo of every layout row of a long text
BULK = "/api/cells"
LINE_CONTEXT = 80  # characters of the line shown each side of a change in a series
TOKEN_HEADER = "X-Ocrfix-Token"
WORDS = "words.tsv"
READ = (decisions.RAW, decisions.TABLE, WORDS)  # the files of a document the server reads
PUBLIC = ("/", "/index.html", "/favicon.ico")  # answered without the token: they hold no data
PAD = 6  # pixels around a line crop


class Refused(Exception):
    """A request the server will not carry out: an HTTP status and a one-line reason."""

    def __init__(self, status: HTTPStatus, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


# ---------------------------------------------------------------- boxes of words


@dataclass(frozen=True)
class WordBox:
    """A word of ``words.tsv``: its page, line key, box and span in ``raw.txt``."""

    page: int
    line: tuple[int, int, int, int]
    box: tuple[int, int, int, int]
    start: int
    end: int


def read_words(text: str) -> list[WordBox]:
    """The words of a ``words.tsv``, in text order."""
    words = []
    for r in csv.DictReader(io.StringIO(text, newline=""), delimiter="\t"):
        page = int(r["page"])
        words.append(
            WordBox(
                page,
                (page, int(r["block"]), int(r["par"]), int(r["line"])),
                (int(r["left"]), int(r["top"]), int(r["width"]), int(r["height"])),
                int(r["start"]),
                int(r["end"]),
            )
        )
    words.sort(key=lambda w: w.start)
    return words


def union(boxes: list[tuple[int, int, int, int]]) -> list[int]:
    """The smallest box ``[left, top, width, height]`` around ``boxes``.

    >>> union([(10, 10, 5, 5), (20, 8, 5, 5)])
    [10, 8, 15, 7]
    """
    left = min(b[0] for b in boxes)
    top = min(b[1] for b in boxes)
    right = max(b[0] + b[2] for b in boxes)
    bottom = max(b[1] + b[3] for b in boxes)
    return [left, top, right - left, bottom - top]


def crop(words: list[WordBox], starts: list[int], start: int, end: int) -> dict | None:
    """Where a span is on its page: the box of its word(s) and of their line(s).

    A span of only whitespace (a tab, a join's space) is shown by the words beside it.
    """
    i = bisect_left(starts, end)  # words[:i] start before the span ends
    hit = [w for w in words[max(0, i - 8) : i] if w.end > start]
    if not hit:
        hit = [words[j] for j in (i - 1, i) if 0 <= j < len(words)]
        if len(hit) == 2 and hit[0].line != hit[1].line:
            hit = hit[:1]
    if not hit:
        return None
    page = hit[0].page
    hit = [w for w in hit if w.page == page]
    lines = {w.line for w in hit}
    j = bisect_left(starts, hit[0].start)
    neighbours = words[max(0, j - 60) : j + 60]
    line_words = [w.box for w in neighbours if w.line in lines] or [w.box for w in hit]
    return {"page": page, "word": union([w.box for w in hit]), "line": union(line_words)}


# ---------------------------------------------------------------- the data


def row_json(row: Row, cell: str) -> dict:
    return {**decisions.row_fields(row), "decision": cell, "alternatives": list(row.alternatives)}


def sheet_counts(sheet: decisions.Sheet) -> workload.Workload:
    """What is left for a person in a table (:func:`ocrfix.review.workload.sheet_workload`)."""
    return workload.sheet_workload(sheet.columns, sheet.records)


def counts_json(counts: workload.Workload) -> dict:
    """A workload for the page: its counts, its line for a person, and ``total`` (the
    number of suggestions, as the app's first version called it).

    >>> counts_json(workload.Workload(5, 3, 0, 2, 1, 2))["summary"]
    '1 of 2 need a decision'
    """
    return {**counts.as_dict(), "summary": counts.summary(), "total": counts.suggestions}


def progress(sheet: decisions.Sheet) -> dict:
    """:func:`counts_json` of a table."""
    return counts_json(sheet_counts(sheet))


def confined(root: Path, path: Path) -> Path:
    """``path`` with every link on it resolved, if that is still under ``root``; else
    :class:`Refused` (403). Every file the server reads goes through here.

    >>> confined(Path("/tmp"), Path("/tmp/../etc/passwd"))
    Traceback (most recent call last):
    ocrfix.review.server.Refused: ../etc/passwd: outside the corrections folder
    """
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # a loop of links
        raise Refused(HTTPStatus.NOT_FOUND, "not found") from None
    if not target.is_relative_to(root.resolve()):
        shown = path.relative_to(root) if path.is_relative_to(root) else path.name
        raise Refused(HTTPStatus.FORBIDDEN, f"{shown}: outside the corrections folder")
    return target


def listed(root: Path) -> dict[str, Path]:
    """The documents served, name -> folder (links resolved); a folder that is a link out
    of ``root`` is left out."""
    found = {}
    for folder in decisions.document_folders(root):
        with contextlib.suppress(Refused):
            found[folder.name] = confined(root, folder)
    return found


def check_files(root: Path, folder: Path) -> Path:
    """``folder`` if each file the server reads in it stays under ``root``, else
    :class:`Refused`."""
    for name in READ:
        confined(root, folder / name)
    return folder


def document_folder(root: Path, doc: str) -> Path:
    """The folder of a listed document whose files stay under ``root``, else :class:`Refused`."""
    folder = listed(root).get(doc)
    if folder is None:
        raise Refused(HTTPStatus.NOT_FOUND, f"no document {doc[:80]!r}")
    return check_files(root, folder)


def page_images(root: Path, doc: str, folder: Path) -> dict[int, str]:
    """The page images of a document folder that stay under ``root``: number -> address."""
    pages = {}
    for png in sorted((folder / "pages").glob("page-*.png")):
        with contextlib.suppress(Refused, ValueError, IndexError):
            confined(root, png)
            pages[int(png.stem.split("-")[1])] = f"/files/{doc}/pages/{png.name}"
    return pages


def cropper(folder: Path) -> Callable[[int, int], dict | None] | None:
    """A function from a span to its :func:`crop` on the page, or ``None`` for a text (a
    document without ``words.tsv``)."""
    words_path = folder / WORDS
    if not words_path.is_file():
        return None
    words = read_words(words_path.read_text("utf-8"))
    starts = [w.start for w in words]
    return lambda start, end: crop(words, starts, start, end)


def document_json(root: Path, doc: str) -> dict:
    """Everything the app shows of one document."""
    folder = document_folder(root, doc)
    raw, table = decisions.load(folder)
    col = table.sheet.column("decision")
    rows = [row_json(r, c[col]) for r, c in zip(table.rows, table.sheet.records, strict=True)]
    kind, pages = "text", {}
    where = cropper(folder)
    if where is not None:
        kind, pages = "scan", page_images(root, doc, folder)
        for data in rows:
            data["crop"] = where(data["start"], data["end"])
    return {
        "doc": doc,
        "kind": kind,
        "raw": raw,
        "rows": rows,
        "pages": pages,
        **progress(table.sheet),
    }


# ---------------------------------------------------------------- error series

SeriesKey = tuple[str, str, str]  # rule, original, replacement


def line_around(raw: str, start: int, end: int, width: int = LINE_CONTEXT) -> tuple[str, str]:
    r"""The text of the line before and after a span, at most ``width`` characters each side.

    >>> line_around("one\ntwo tbe three\nfour", 8, 11)
    ('two ', ' three')
    """
    begin = max(raw.rfind("\n", 0, start), raw.rfind("\f", 0, start)) + 1
    stops = [i for i in (raw.find("\n", end), raw.find("\f", end)) if i >= 0]
    stop = min(stops) if stops else len(raw)
    return raw[max(begin, start - width) : start], raw[end : min(stop, end + width)]


def word_rows(folder: Path) -> tuple[str, list[tuple[Row, str]]]:
    """``raw.txt`` and the checked rows of a document that are not layout changes, each
    with its decision cell."""
    raw = decisions.read_raw(folder)
    sheet = decisions.read_sheet(folder / decisions.TABLE)
    rule, col = sheet.column("rule"), sheet.column("decision")
    found = []
    for record, line in zip(sheet.records, sheet.lines, strict=True):
        if not workload.is_layout(record[rule]):
            row = decisions.checked_row(sheet.path, sheet.columns, record, line)
            decisions.check_span(row, raw, sheet.path, folder / decisions.RAW)
            found.append((row, record[col]))
    return raw, found


def occurrence_json(doc: str, raw: str, row: Row, cell: str) -> dict:
    """One occurrence of a series: where it is, its state, and its line of text."""
    before, after = line_around(raw, row.start, row.end)
    return {
        "doc": doc,
        "id": row.id,
        "page": row.page,
        "line": row.line,
        "auto": row.auto,
        "score": row.score,
        "decision": cell,
        "before": before,
        "after": after,
    }


def series_json(key: SeriesKey, occurrences: list[dict]) -> dict:
    """A series: its change, how many occurrences in how many documents, how many of them
    need a decision (``left``) or have none (``undecided``), and the occurrences."""
    rule, original, replacement = key
    return {
        "rule": rule,
        "original": original,
        "replacement": replacement,
        "count": len(occurrences),
        "docs": len({o["doc"] for o in occurrences}),
        "left": sum(not o["auto"] and not o["decision"].strip() for o in occurrences),
        "undecided": sum(not o["decision"].strip() for o in occurrences),
        "occurrences": occurrences,
    }


def group_series(found: Iterable[tuple[SeriesKey, dict]], min_count: int = 2) -> list[dict]:
    """The occurrences grouped by change: series of at least ``min_count``, the longest
    first (then by rule, original, replacement), each in the order found.

    >>> occ = lambda doc: {"doc": doc, "auto": False, "decision": ""}
    >>> found = [(("word", "tbe", "the"), occ("a")), (("word", "ond", "and"), occ("a")),
    ...          (("word", "tbe", "the"), occ("b"))]
    >>> [(s["original"], s["count"], s["docs"]) for s in group_series(found)]
    [('tbe', 2, 2)]
    """
    groups: dict[SeriesKey, list[dict]] = {}
    for key, occurrence in found:
        groups.setdefault(key, []).append(occurrence)
    chosen = sorted(
        (item for item in groups.items() if len(item[1]) >= min_count),
        key=lambda item: (-len(item[1]), item[0]),
    )
    return [series_json(key, occurrences) for key, occurrences in chosen]


def batch_occurrences(root: Path) -> tuple[list[tuple[SeriesKey, dict]], dict, list[dict]]:
    """Every non-layout suggestion of the listed documents as a series occurrence (with
    its crop, for a scan), the page images of each scan, and the documents left out (a
    table that cannot be read, a file out of the folder) with the reason."""
    found: list[tuple[SeriesKey, dict]] = []
    pages: dict[str, dict[int, str]] = {}
    skipped: list[dict] = []
    for doc, folder in listed(root).items():
        try:
            raw, rows = word_rows(check_files(root, folder))
        except (Refused, DecisionError) as exc:
            skipped.append({"doc": doc, "error": str(exc)})
            continue
        where = cropper(folder)
        if where is not None:
            pages[doc] = page_images(root, doc, folder)
        for row, cell in rows:
            occurrence = occurrence_json(doc, raw, row, cell)
            if where is not None:
                occurrence["crop"] = where(row.start, row.end)
            found.append(((row.rule, row.original, row.replacement), occurrence))
    return found, pages, skipped


def series_of_batch(root: Path, min_count: int = 2) -> dict:
    """``GET /api/series``: the error series of every listed document (see
    :func:`group_series`), with the page images of the scans and the documents left out."""
    found, pages, skipped = batch_occurrences(root)
    return {"series": group_series(found, min_count), "pages": pages, "skipped": skipped}


def documents_json(root: Path) -> dict:
    """The listed documents, each with its workload, and the batch's (``batch``)."""
    docs, batch = [], workload.Workload()
    for doc, folder in listed(root).items():
        try:
            sheet = decisions.read_sheet(check_files(root, folder) / decisions.TABLE)
        except (Refused, DecisionError) as exc:
            docs.append({"doc": doc, "error": str(exc), **counts_json(workload.Workload())})
            continue
        counts = sheet_counts(sheet)
        batch = batch.plus(counts)
        docs.append({"doc": doc, **counts_json(counts)})
    return {"docs": docs, "batch": counts_json(batch)}


# ---------------------------------------------------------------- checking requests


def check_fields(body: object, fields: dict[str, type]) -> dict:
    """The body if it is a JSON object with exactly ``fields`` of the given types.

    >>> check_fields({"doc": "a", "id": 3}, {"doc": str, "id": int})
    {'doc': 'a', 'id': 3}
    >>> check_fields({"doc": "a", "id": True}, {"doc": str, "id": int})
    Traceback (most recent call last):
    ocrfix.review.server.Refused: field id must be int
    """
    if not isinstance(body, dict):
        raise Refused(HTTPStatus.BAD_REQUEST, "the body must be a JSON object")
    if set(body) != set(fields):
        raise Refused(HTTPStatus.BAD_REQUEST, f"the fields must be {', '.join(sorted(fields))}")
    for name, kind in fields.items():
        value = body[name]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise Refused(HTTPStatus.BAD_REQUEST, f"field {name} must be {kind.__name__}")
    return body


def parse_changes(body: object) -> dict[str, dict[int, tuple[str, str]]]:
    """The rows a ``POST /api/cells`` sets, document -> id -> ``(cell, expected cell)``;
    :class:`Refused` (400) for a malformed body, cell or id, or a row named twice.

    >>> parse_changes({"changes": [{"doc": "a", "ids": [2, 3], "cell": "", "expect": "accept"}]})
    {'a': {2: ('', 'accept'), 3: ('', 'accept')}}
    """
    fields = {"doc": str, "ids": list, "cell": str, "expect": str}
    wanted: dict[str, dict[int, tuple[str, str]]] = {}
    for group in check_fields(body, {"changes": list})["changes"]:
        group = check_fields(group, fields)
        for cell in (group["cell"], group["expect"]):
            try:
                decisions.parse_decision(cell)
            except ValueError as exc:
                raise Refused(HTTPStatus.BAD_REQUEST, str(exc)) from None
        rows = wanted.setdefault(group["doc"], {})
        for row_id in group["ids"]:
            if not isinstance(row_id, int) or isinstance(row_id, bool):
                raise Refused(HTTPStatus.BAD_REQUEST, "ids must be whole numbers")
            if row_id in rows:
                raise Refused(
                    HTTPStatus.BAD_REQUEST, f"row {row_id} of {group['doc']} is named twice"
                )
            rows[row_id] = (group["cell"], group["expect"])
    return wanted


def changed_json(done: decisions.Changed) -> dict[str, dict[str, str | None]]:
    """The cells a change wrote, those they replaced, and the rows it left alone, by id."""
    return {
        "changed": {str(i): cell for i, cell in done.cells.items()},
        "previous": {str(i): cell for i, cell in done.previous.items()},
        "conflicts": {str(i): cell for i, cell in done.conflicts.items()},
    }


def safe_file(root: Path, relative: str) -> Path:
    """The file ``root/relative`` if it is a file under ``root`` (links resolved, see
    :func:`confined`), else :class:`Refused` (404, whatever the reason).

    >>> safe_file(Path("/tmp"), "../etc/passwd")
    Traceback (most recent call last):
    ocrfix.review.server.Refused: not found
    """
    parts = relative.split("/")
    if "\x00" in relative or any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        raise Refused(HTTPStatus.NOT_FOUND, "not found")
    with contextlib.suppress(Refused):
        target = confined(root, root / relative)
        if target.is_file():
            return target
    raise Refused(HTTPStatus.NOT_FOUND, "not found")


# ---------------------------------------------------------------- the server


class ReviewServer(ThreadingHTTPServer):
    """Serves one corrections folder; ``token`` guards every change, and every read too when
    bound beyond the loopback."""

    daemon_threads = True

    def __init__(self, root: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT):
        self.root = root.resolve()
        self.token = secrets.token_urlsafe(24)
        self.host = host
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), Handler)
        self.port = self.server_address[1]

    @property
    def origin(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        """The address to open: the token rides after ``#``."""
        return f"{self.origin}/#token={self.token}"

    def allowed_hosts(self) -> set[str] | None:
        """Host headers answered, or ``None`` (any) when bound beyond the loopback."""
        if self.host not in LOOPBACK:
            return None
        return {f"{h}:{self.port}" for h in ("127.0.0.1", "localhost", "[::1]")}

    @property
    def reads_need_token(self) -> bool:
        return self.host not in LOOPBACK

    def folder(self, doc: str) -> Path:
        """The folder of a document of this corrections folder, or :class:`Refused`."""
        return document_folder(self.root, doc)


def app_html() -> bytes:
    return resources.files("ocrfix.review").joinpath("app.html").read_bytes()


class Handler(BaseHTTPRequestHandler):
    server: ReviewServer
    server_version = "ocrfix-review"
    sys_version = ""

    def log_message(self, format: str, *args) -> None:
        pass

    # -- answers

    def send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        if content_type.startswith("text/html"):
            self.send_header(
                "Content-Security-Policy",
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
                "frame-ancestors 'none'",
            )
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, data: object, status: HTTPStatus = HTTPStatus.OK) -> None:
        body = json.dumps(data, ensure_ascii=False).encode()
        self.send(status, body, "application/json; charset=utf-8")

    def refuse(self, exc: Refused) -> None:
        self.send_json({"error": exc.reason}, exc.status)

    def check_host(self) -> None:
        allowed = self.server.allowed_hosts()
        if allowed is not None and self.headers.get("Host", "") not in allowed:
            raise Refused(HTTPStatus.FORBIDDEN, "wrong Host header")

    def check_token(self, given: str | None = None) -> None:
        """Refuse a request without this session's token (``given``, else the header)."""
        if given is None:
            given = self.headers.get(TOKEN_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.server.token.encode()):
            raise Refused(HTTPStatus.FORBIDDEN, "missing or wrong session token")

    # -- GET

    def answer(self, route: Callable[[], None]) -> None:
        """Check the Host header and run ``route``; every failure becomes an HTTP error."""
        try:
            self.check_host()
            route()
        except Refused as exc:
            self.refuse(exc)
        except DecisionError as exc:
            self.refuse(Refused(HTTPStatus.CONFLICT, str(exc)))
        except Exception as exc:  # a bug or a full disk: say so, and keep serving
            reason = f"{type(exc).__name__}: {exc}"
            sys.stderr.write(f"error: {self.command} {self.path}: {reason}\n")
            self.refuse(Refused(HTTPStatus.INTERNAL_SERVER_ERROR, reason))

    def do_GET(self) -> None:
        self.answer(self.route_get)

    do_HEAD = do_GET

    def route_get(self) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if path not in PUBLIC and self.server.reads_need_token:
            given = self.headers.get(TOKEN_HEADER)
            if given is None and path.startswith("/files/"):
                given = parse_qs(parts.query).get("token", [""])[0]
            self.check_token(given or "")
        if path in ("/", "/index.html"):
            self.send(HTTPStatus.OK, app_html(), "text/html; charset=utf-8")
        elif path == "/favicon.ico":
            self.send(HTTPStatus.NO_CONTENT, b"", "image/x-icon")
        elif path == "/api/docs":
            self.send_json(documents_json(self.server.root))
        elif path == "/api/doc":
            doc = parse_qs(parts.query).get("doc", [""])[0]
            self.send_json(document_json(self.server.root, doc))
        elif path == "/api/series":
            least = parse_qs(parts.query).get("min", ["2"])[0]
            if not least.isdigit() or not 1 <= int(least) <= 1000:
                raise Refused(HTTPStatus.BAD_REQUEST, "min must be a whole number from 1 to 1000")
            self.send_json(series_of_batch(self.server.root, int(least)))
        elif path.startswith("/files/"):
            target = safe_file(self.server.root, path.removeprefix("/files/"))
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if kind.startswith("text/"):
                kind += "; charset=utf-8"
            self.send(HTTPStatus.OK, target.read_bytes(), kind)
        else:
            raise Refused(HTTPStatus.NOT_FOUND, "not found")

    # -- POST

    def do_POST(self) -> None:
        self.answer(self.route_post)

    def route_post(self) -> None:
        path = urlsplit(self.path).path
        body = self.read_body(MAX_BULK_BODY if path == BULK else MAX_BODY)
        if path == "/api/decide":
            self.decide(check_fields(body, {"doc": str, "id": int, "decision": str}))
        elif path == "/api/accept-all":
            self.accept_all(check_fields(body, {"doc": str, "id": int}))
        elif path == "/api/layout":
            self.layout(check_fields(body, {"doc": str, "decision": str}))
        elif path == BULK:
            self.send_json(self.set_cells(parse_changes(body)))
        else:
            raise Refused(HTTPStatus.NOT_FOUND, "not found")

    def read_body(self, limit: int = MAX_BODY) -> object:
        """The checked JSON body of a state-changing request (at most ``limit`` bytes)."""
        origin = self.headers.get("Origin")
        if (
            origin is not None
            and origin != self.server.origin
            and origin != ("http://" + self.headers.get("Host", ""))
        ):
            raise Refused(HTTPStatus.FORBIDDEN, "cross-origin request")
        self.check_token()
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            raise Refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "the body must be application/json")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise Refused(HTTPStatus.LENGTH_REQUIRED, "Content-Length is needed") from None
        if not 0 <= length <= limit:
            raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "the body is too large")
        try:
            return json.loads(self.rfile.read(length).decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise Refused(HTTPStatus.BAD_REQUEST, "the body is not JSON") from None

    def decide(self, body: dict) -> None:
        try:
            kind, text = decisions.parse_decision(body["decision"])
        except ValueError as exc:
            raise Refused(HTTPStatus.BAD_REQUEST, str(exc)) from None
        self.save(body, {body["id"]: decisions.format_decision(kind, text)})

    def accept_all(self, body: dict) -> None:
        self.save(body, lambda table: decisions.same_change(table, body["id"]))

    def layout(self, body: dict) -> None:
        cell = body["decision"].strip().lower()
        if cell not in (decisions.ACCEPT, decisions.REJECT):
            raise Refused(HTTPStatus.BAD_REQUEST, "decision must be accept or reject")
        self.save(body, lambda table: decisions.layout_rows(table, cell))

    def save(
        self, body: dict, change: Mapping[int, str] | Callable[[decisions.Sheet], Mapping]
    ) -> None:
        """Write a change of one document and answer what it wrote and replaced."""
        folder = self.server.folder(body["doc"])
        try:
            done = decisions.change_cells(folder, change)
        except KeyError:
            raise Refused(HTTPStatus.BAD_REQUEST, f"no row {body['id']} in {body['doc']}") from None
        self.send_json({"doc": body["doc"], **changed_json(done), **progress(done.sheet)})

    def set_cells(self, wanted: dict[str, dict[int, tuple[str, str]]]) -> dict:
        """``POST /api/cells``: every document is found before any is written; then each is
        written on its own, under its own lock."""
        folders = {doc: self.server.folder(doc) for doc in wanted}
        answer: dict[str, dict] = {"changed": {}, "previous": {}, "conflicts": {}, "docs": {}}
        for doc, rows in wanted.items():
            done = decisions.change_cells_if(folders[doc], rows)
            for name, value in changed_json(done).items():
                answer[name][doc] = value
            answer["docs"][doc] = progress(done.sheet)
        return answer


def make_server(root: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> ReviewServer:
    """A server for the corrections folder ``root`` (port 0: any free port)."""
    if not root.is_dir():
        raise DecisionError(root, "no such folder")
    return ReviewServer(root, host, port)
