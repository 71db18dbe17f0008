"""``ocrfix review``: a local web app that walks the suggestions of a corrections folder.

Standard library only (:class:`http.server.ThreadingHTTPServer`). The routes:

- ``GET /``: the app (one page, ``app.html``);
- ``GET /api/docs``: the documents, with how many suggestions each has and how many are
  decided;
- ``GET /api/doc?doc=NAME``: one document: ``raw.txt``, its rows, and for a scan the box of
  each suggestion's word and line on its page image;
- ``GET /files/NAME/...``: a file under the corrections folder (page images, review.html);
  nothing outside it, whatever the path says;
- ``POST /api/decide`` ``{"doc", "id", "decision"}``: set one decision (blank, accept,
  reject or ``edit:TEXT``);
- ``POST /api/accept-all`` ``{"doc", "id"}``: accept that row and every undecided row of
  the document with the same rule, original and replacement.

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
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from ocrfix.review import decisions
from ocrfix.review.decisions import DecisionError, Row

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8765
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_BODY = 64 * 1024
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
    return {
        "id": row.id,
        "page": row.page,
        "line": row.line,
        "start": row.start,
        "end": row.end,
        "original": row.original,
        "replacement": row.replacement,
        "rule": row.rule,
        "score": row.score,
        "auto": row.auto,
        "decision": cell,
        "alternatives": list(row.alternatives),
    }


def progress(sheet: decisions.Sheet) -> dict:
    return {"decided": sheet.decided(), "total": len(sheet.records)}


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


def document_json(root: Path, doc: str) -> dict:
    """Everything the app shows of one document."""
    folder = document_folder(root, doc)
    raw, table = decisions.load(folder)
    col = table.sheet.column("decision")
    rows = [row_json(r, c[col]) for r, c in zip(table.rows, table.sheet.records, strict=True)]
    kind, pages = "text", {}
    words_path = folder / WORDS
    if words_path.is_file():
        kind = "scan"
        words = read_words(words_path.read_text("utf-8"))
        starts = [w.start for w in words]
        for data in rows:
            data["crop"] = crop(words, starts, data["start"], data["end"])
        for png in sorted((folder / "pages").glob("page-*.png")):
            with contextlib.suppress(Refused):
                confined(root, png)
                number = int(png.stem.split("-")[1])
                pages[number] = f"/files/{doc}/pages/{png.name}"
    return {"doc": doc, "kind": kind, "raw": raw, "rows": rows, "pages": pages}


def documents_json(root: Path) -> list[dict]:
    docs = []
    for doc, folder in listed(root).items():
        try:
            sheet = decisions.read_sheet(check_files(root, folder) / decisions.TABLE)
        except (Refused, DecisionError) as exc:
            docs.append({"doc": doc, "error": str(exc), "decided": 0, "total": 0})
            continue
        docs.append({"doc": doc, **progress(sheet)})
    return docs


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
            self.send_json({"docs": documents_json(self.server.root)})
        elif path == "/api/doc":
            doc = parse_qs(parts.query).get("doc", [""])[0]
            self.send_json(document_json(self.server.root, doc))
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
        body = self.read_body()
        path = urlsplit(self.path).path
        if path == "/api/decide":
            self.decide(check_fields(body, {"doc": str, "id": int, "decision": str}))
        elif path == "/api/accept-all":
            self.accept_all(check_fields(body, {"doc": str, "id": int}))
        else:
            raise Refused(HTTPStatus.NOT_FOUND, "not found")

    def read_body(self) -> object:
        """The checked JSON body of a state-changing request."""
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
        if not 0 <= length <= MAX_BODY:
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

    def save(self, body: dict, change) -> None:
        folder = self.server.folder(body["doc"])
        try:
            sheet, changed = decisions.set_decisions(folder, change)
        except KeyError:
            raise Refused(HTTPStatus.BAD_REQUEST, f"no row {body['id']} in {body['doc']}") from None
        cells = {str(i): cell for i, cell in changed.items()}
        self.send_json({"changed": cells, **progress(sheet)})


def make_server(root: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> ReviewServer:
    """A server for the corrections folder ``root`` (port 0: any free port)."""
    if not root.is_dir():
        raise DecisionError(root, "no such folder")
    return ReviewServer(root, host, port)
