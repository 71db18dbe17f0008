"""The chain ingest → preprocess → ocr → correct → output, for one document or a batch.

A batch runs pages in parallel (one process each, Tesseract single-threaded inside), then
finishes each document (correction and output) as soon as its last page is read. A
document whose input and settings are unchanged since the last run is skipped.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import os
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ocrfix import __version__, correct, ingest, layout, ocr, preprocess
from ocrfix import page as page_stage
from ocrfix.correct.engine import fingerprint as correction_fingerprint
from ocrfix.fsio import remove_leftovers, staged_folder, text_chunks, write_pieces
from ocrfix.ingest import InputError
from ocrfix.page import read_page_image, read_plain
from ocrfix.review.decisions import carry_decisions
from ocrfix.review.diff import diff_lines
from ocrfix.review.page import render_pages as review_pages
from ocrfix.review.table import csv_pieces, table_rows
from ocrfix.suggestion import SuggestionList, apply_pieces
from ocrfix.text import count_words

PAGE_BREAK = "\f"
WORD_COLUMNS = (
    "page",
    "block",
    "par",
    "line",
    "word",
    "left",
    "top",
    "width",
    "height",
    "conf",
    "text",
    "start",
    "end",
    "zone",
)


@dataclass(frozen=True)
class Settings:
    """Everything besides the input that decides a document's output."""

    lang: str = "eng"
    psm: int = 3
    default_dpi: int = 300
    max_pixels: int = ingest.DEFAULT_MAX_PIXELS
    lexicons: tuple[str, ...] = ()  # the user's extra word lists (--lexicon)
    preprocess: str = "auto"  # "auto": clean, deskew, rescale…; "none": the page as it is
    retry_below: float = 75.0  # mean word confidence under which alternatives are tried
    max_tries: int = 3  # readings of a page at most (see ocrfix.page)


@dataclass(frozen=True)
class DocJob:
    """A document to process: where it comes from and where its output goes."""

    path: Path
    doc_id: str
    kind: str
    pages: int
    sha256: str
    fingerprint: str


@dataclass
class PageResult:
    """One page read by Tesseract."""

    words: list[ocr.Word]
    text: str
    spans: list[tuple[int, int]]
    png: bytes
    seconds_ocr: float
    seconds: float
    zones: list[str] = field(default_factory=list)  # each word's layout.ZONES entry
    log: dict = field(default_factory=dict)  # preprocessing steps and tries, for the manifest
    seconds_preprocess: float = 0.0


@dataclass
class Outcome:
    """What became of one input in a batch: ``status`` is ``done``, ``skipped`` or ``failed``."""

    path: str
    doc_id: str
    status: str
    error: str = ""
    note: str = ""
    pages: int = 0
    words: int = 0
    suggestions: int = 0
    auto: int = 0
    seconds_ocr: float = 0.0
    seconds: float = 0.0


@dataclass
class BatchResult:
    """Every input's outcome, the unsupported files passed over, and the wall-clock time."""

    outcomes: list[Outcome] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]


# ---------------------------------------------------------------- planning


def engine_info(kind: str, settings: Settings) -> dict:
    """What reads the document: Tesseract (with its version and options) or nothing."""
    if kind == "text":
        return {"name": "none"}
    return {
        "name": "tesseract",
        "version": ocr.tesseract_version(),
        "lang": settings.lang,
        "psm": settings.psm,
    }


def fingerprint(kind: str, settings: Settings) -> str:
    """A hash of everything but the input that decides the output of a document of ``kind``."""
    blob = json.dumps(
        {
            "ocrfix": __version__,
            "engine": engine_info(kind, settings),
            "settings": asdict(settings),
            "corrector": correction_fingerprint(settings.lexicons),
            "scan_code": scan_code_version() if kind != "text" else None,
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


@functools.cache
def scan_code_version() -> str:
    """A hash of the code that turns a page image into words, so that a change to it
    (a tuned threshold, say) redoes scanned documents without a version bump."""
    digest = hashlib.sha256()
    for module in (preprocess, page_stage, layout, ocr):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


def assign_doc_ids(paths: Iterable[Path]) -> list[str]:
    """Each input's stem, made unique with ``-2``, ``-3``… in the given order."""
    ids: list[str] = []
    seen: set[str] = set()
    for path in paths:
        base = candidate = path.stem
        n = 1
        while candidate in seen:
            n += 1
            candidate = f"{base}-{n}"
        seen.add(candidate)
        ids.append(candidate)
    return ids


def plan(
    path: Path, doc_id: str, settings: Settings, prints: dict[str, str] | None = None
) -> DocJob:
    """Check an input from its headers and describe the work; raises :class:`InputError`.

    ``prints`` keeps the fingerprint of each kind of input for a batch, so the lexicons and
    code behind it are hashed once, not once per document.
    """
    kind = ingest.kind_of(path)
    pages = ingest.count_pages(path, settings.max_pixels)
    if kind != "text":
        try:
            ocr.tesseract_version()
        except Exception:  # pytesseract raises its own not-found error
            raise InputError(path, "Tesseract is not installed (run `make setup`)") from None
    prints = {} if prints is None else prints
    if kind not in prints:
        prints[kind] = fingerprint(kind, settings)
    return DocJob(path, doc_id, kind, pages, ingest.sha256_of(path), prints[kind])


def is_unchanged(job: DocJob, out: Path) -> bool:
    """True when ``out/<doc_id>`` was made from the same bytes with the same settings."""
    try:
        manifest = json.loads((out / job.doc_id / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return manifest.get("sha256") == job.sha256 and manifest.get("fingerprint") == job.fingerprint


# ---------------------------------------------------------------- the stages


def read_page(path: Path, index: int, settings: Settings) -> PageResult:
    """Load, preprocess and OCR one page of an image or PDF input."""
    start = time.perf_counter()
    page = ingest.load_page(path, index, settings.max_pixels)
    file_dpi = float(page.info.get("dpi", (0,))[0]) or None
    grey = preprocess.to_grey(preprocess.to_array(page))
    if settings.preprocess == "none":
        dpi = round(file_dpi or settings.default_dpi)
        read = read_plain(grey, dpi, settings.lang, settings.psm)
    else:
        read = read_page_image(
            grey,
            file_dpi,
            settings.lang,
            settings.psm,
            settings.default_dpi,
            settings.retry_below,
            settings.max_tries,
        )
    text, spans = ocr.layout(read.words)
    png = preprocess.encode_png(read.image)
    seconds = time.perf_counter() - start
    return PageResult(
        read.words,
        text,
        spans,
        png,
        read.seconds_ocr,
        seconds,
        zones=read.zones,
        log=read.log,
        seconds_preprocess=read.seconds_preprocess,
    )


def word_confidences(pages: list[PageResult] | None) -> dict[int, float]:
    """Tesseract's confidence in each word, by the word's start offset in raw.txt."""
    confidences: dict[int, float] = {}
    offset = 0
    for page in pages or []:
        for word, (start, _end) in zip(page.words, page.spans, strict=True):
            confidences[offset + start] = word.conf
        offset += len(page.text) + len(PAGE_BREAK)
    return confidences


def words_tsv(pages: list[PageResult]) -> str:
    """Every OCR word with its page, Tesseract numbering, box, confidence and span in raw.txt."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(WORD_COLUMNS)
    offset = 0
    for number, page in enumerate(pages, start=1):
        zones = page.zones or [layout.BODY] * len(page.words)
        for w, (s, e), zone in zip(page.words, page.spans, zones, strict=True):
            writer.writerow(
                [
                    number,
                    w.block,
                    w.par,
                    w.line,
                    w.word,
                    w.left,
                    w.top,
                    w.width,
                    w.height,
                    f"{w.conf:.2f}",
                    w.text,
                    offset + s,
                    offset + e,
                    zone,
                ]
            )
        offset += len(page.text) + len(PAGE_BREAK)
    return buffer.getvalue()


def finish(job: DocJob, pages: list[PageResult] | None, out: Path, settings: Settings) -> Outcome:
    """Correct a document and write its output folder (atomically); the text of a ``.txt``
    input is read here, the pages of a scan come already read. Large outputs are written
    into the staging folder piece by piece, never whole in memory."""
    start = time.perf_counter()
    note, encoding = "", None
    if pages is None:
        raw, encoding, note = ingest.read_text(job.path)
        words = count_words(raw)
    else:
        raw = PAGE_BREAK.join(p.text for p in pages)
        words = sum(len(p.words) for p in pages)
        decided = layout.confirm_running([(p.words, p.zones) for p in pages])
        for p, zones in zip(pages, decided, strict=True):
            p.zones = zones  # a running head is told from a title across pages
    suggestions = SuggestionList()  # compact: a long text may have millions
    for piece in correct.suggest_pieces(raw, word_confidences(pages), settings.lexicons):
        suggestions.extend(piece)
    applied = suggestions.applied()
    auto = len(applied)
    target = out / job.doc_id
    with staged_folder(target) as staging:
        if pages is not None:
            write_pieces(staging / "words.tsv", [words_tsv(pages)])
            (staging / "pages").mkdir()
            for number, page in enumerate(pages, start=1):
                (staging / f"pages/page-{number:03d}.png").write_bytes(page.png)
        write_pieces(staging / "raw.txt", text_chunks(raw))
        write_pieces(staging / "clean.txt", apply_pieces(raw, applied))
        write_pieces(staging / "changes.diff", diff_lines(raw, applied))
        rows = table_rows(raw, suggestions)
        rows = carry_decisions(target / "suggestions.csv", rows)
        write_pieces(staging / "suggestions.csv", csv_pieces(rows))
        for name, html in review_pages(job.doc_id, raw, suggestions):
            write_pieces(staging / name, html)
        manifest = {
            "ocrfix": __version__,
            "doc_id": job.doc_id,
            "input": str(job.path),
            "kind": job.kind,
            "sha256": job.sha256,
            "fingerprint": job.fingerprint,
            "pages": job.pages,
            "encoding": encoding,
            "engine": engine_info(job.kind, settings),
            "settings": asdict(settings),
            "stats": {
                "chars": len(raw),
                "words": words,
                "suggestions": len(suggestions),
                "auto": auto,
            },
            "files": sorted(
                p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()
            ),
        }
        if pages is not None:
            manifest["preprocessing"] = [{"page": n, **p.log} for n, p in enumerate(pages, 1)]
            manifest["furniture"] = layout.furniture(
                raw, [(p.text, p.spans, p.zones) for p in pages]
            )
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        write_pieces(staging / "manifest.json", [text])
    seconds_ocr = sum(p.seconds_ocr for p in pages or [])
    seconds = sum(p.seconds for p in pages or []) + time.perf_counter() - start
    return Outcome(
        str(job.path),
        job.doc_id,
        "done",
        note=note,
        pages=job.pages,
        words=words,
        suggestions=len(suggestions),
        auto=auto,
        seconds_ocr=seconds_ocr,
        seconds=seconds,
    )


def process_document(path: Path, out: Path, settings: Settings | None = None) -> Outcome:
    """Process one input into ``out/<stem>/``, serially; raises :class:`InputError`."""
    settings = settings or Settings()
    job = plan(path, path.stem, settings)
    pages = None
    if job.kind != "text":
        pages = [read_page(path, i, settings) for i in range(job.pages)]
    return finish(job, pages, out, settings)


# ---------------------------------------------------------------- the batch


class InlineExecutor(Executor):
    """Runs tasks one at a time in this process (``--jobs 1``): no pickling, easy to profile.

    Tasks wait in a queue until :func:`next_done` runs them, so progress is reported as
    the batch goes, as with a process pool.
    """

    def __init__(self) -> None:
        self._queue: deque[tuple[Future, Callable, tuple, dict]] = deque()

    def submit(self, fn, /, *args, **kwargs) -> Future:  # type: ignore[override]
        future: Future = Future()
        self._queue.append((future, fn, args, kwargs))
        return future

    def run_next(self) -> Future:
        future, fn, args, kwargs = self._queue.popleft()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


def make_executor(jobs: int) -> Executor:
    return InlineExecutor() if jobs <= 1 else ProcessPoolExecutor(max_workers=jobs)


def next_done(pool: Executor, pending: Iterable[Future]) -> set[Future]:
    """Futures that have finished, waiting for at least one."""
    if isinstance(pool, InlineExecutor):
        return {pool.run_next()}
    return wait(pending, return_when=FIRST_COMPLETED)[0]


def failure_reason(exc: BaseException) -> str:
    """One line saying why a document failed."""
    if isinstance(exc, InputError):
        return exc.reason
    text = " ".join(str(exc).split()) or "no details"
    return f"{type(exc).__name__}: {text}"


def process_batch(
    inputs: Iterable[Path],
    out: Path,
    settings: Settings | None = None,
    jobs: int | None = None,
    force: bool = False,
    on_total: Callable[[int], None] = lambda total: None,
    on_advance: Callable[[int], None] = lambda pages: None,
) -> BatchResult:
    """Process every supported file under ``inputs`` into ``out``.

    ``on_total`` is told how many pages the batch will read, ``on_advance`` each time some
    are done (skipped and failed documents count as done).
    """
    settings = settings or Settings()
    jobs = jobs or os.cpu_count() or 1
    started = time.perf_counter()
    found = ingest.find_inputs(inputs, exclude=out)
    out.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out)
    result = BatchResult(unsupported=[str(p) for p in found.unsupported])

    work: list[DocJob] = []
    prints: dict[str, str] = {}  # fingerprint by kind of input, for this batch
    for path, doc_id in zip(found.files, assign_doc_ids(found.files), strict=True):
        try:
            job = plan(path, doc_id, settings, prints)
        except InputError as exc:
            result.outcomes.append(Outcome(str(path), doc_id, "failed", error=exc.reason))
            continue
        if not force and is_unchanged(job, out):
            result.outcomes.append(Outcome(str(path), doc_id, "skipped", pages=job.pages))
        else:
            work.append(job)
    on_total(sum(job.pages for job in work))

    with make_executor(jobs) as pool:
        pending: dict[Future, tuple[str, DocJob, int]] = {}
        page_results: dict[str, list[PageResult | None]] = {}
        for job in work:
            if job.kind == "text":
                pending[pool.submit(finish, job, None, out, settings)] = ("finish", job, 0)
            else:
                page_results[job.doc_id] = [None] * job.pages
                for index in range(job.pages):
                    future = pool.submit(read_page, job.path, index, settings)
                    pending[future] = ("page", job, index)
        while pending:
            done = next_done(pool, pending)
            for future in sorted(done, key=lambda f: pending[f][1].doc_id):
                stage, job, index = pending.pop(future)
                exc = future.exception()
                if stage == "finish":
                    if exc is None:
                        result.outcomes.append(future.result())
                    else:
                        result.outcomes.append(
                            Outcome(str(job.path), job.doc_id, "failed", error=failure_reason(exc))
                        )
                    on_advance(1 if job.kind == "text" else 0)
                    continue
                on_advance(1)
                pages = page_results.get(job.doc_id)
                if pages is None:  # the document already failed on another page
                    continue
                if exc is not None:
                    del page_results[job.doc_id]
                    result.outcomes.append(
                        Outcome(str(job.path), job.doc_id, "failed", error=failure_reason(exc))
                    )
                    continue
                pages[index] = future.result()
                if all(p is not None for p in pages):
                    del page_results[job.doc_id]
                    finished = pool.submit(finish, job, pages, out, settings)
                    pending[finished] = ("finish", job, 0)
    result.outcomes.sort(key=lambda o: o.doc_id)
    result.seconds = time.perf_counter() - started
    return result
