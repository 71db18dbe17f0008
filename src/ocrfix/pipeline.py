"""The chain ingest → preprocess → ocr → correct → output, for one document or a batch.

A batch runs pages in parallel (one process each, Tesseract single-threaded inside), then
finishes each document (correction and output) as soon as its last page is read. A
document whose input and settings are unchanged since the last run is skipped.

Each document's folder is named from its input's path (:mod:`ocrfix.identity`). A reviewed
document (one with decisions in ``suggestions.csv`` or a ``final.txt``) is redone only when
its input changed or ``--force`` is given, never because ocrfix's data or settings changed;
when it is redone, the earlier folder is kept as ``history/vN/`` and the decisions that
still fit the new text are carried over (:mod:`ocrfix.review.carry`), the others listed in
``uncarried.csv``. Any failure of one input becomes one line and the batch goes on.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import heapq
import io
import json
import os
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import (
    FIRST_COMPLETED,
    BrokenExecutor,
    Executor,
    Future,
    ProcessPoolExecutor,
    wait,
)
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ocrfix import (
    __version__,
    correct,
    identity,
    ingest,
    layout,
    ocr,
    pictures,
    preprocess,
    tesseract,
)
from ocrfix import page as page_stage
from ocrfix.correct.assemble import fingerprint as correction_fingerprint
from ocrfix.errors import ExitCode, ExternalTimeout, InputError, OcrfixError, OutputError, reason_of
from ocrfix.fsio import (
    read_json_object,
    remove_leftovers,
    staged_folder,
    text_chunks,
    write_files,
    write_pieces,
)
from ocrfix.page import PageRead, read_page_image, read_plain
from ocrfix.review import decisions
from ocrfix.review.carry import Carried, carry
from ocrfix.review.diff import diff_lines
from ocrfix.review.page import render_pages as review_pages
from ocrfix.review.table import csv_pieces, spreadsheet_safe, table_rows
from ocrfix.scanout import scan_outputs
from ocrfix.suggestion import Suggestion, SuggestionList, apply_pieces
from ocrfix.text import count_words

PAGE_BREAK = "\f"
HISTORY = "history"  # earlier reviewed versions of a document folder
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
    model: str | None = None  # the correction model's folder (--model; None: ocrfix's own)
    preprocess: str = "auto"  # "auto": clean, deskew, rescale…; "none": the page as it is
    retry_below: float = 75.0  # mean word confidence under which alternatives are tried
    max_tries: int = 3  # readings of a page at most (see ocrfix.page)
    max_pages: int = ingest.DEFAULT_MAX_PAGES  # pages of one input at most (--max-pages)
    page_timeout: float = tesseract.DEFAULT_TIMEOUT  # Tesseract's seconds per page (--timeout)
    ocr_model: str = tesseract.SYSTEM_MODEL  # Tesseract's model (--ocr-model): a name or a folder


@dataclass(frozen=True)
class DocJob:
    """A document to process: where it comes from and where its output goes."""

    path: Path
    doc_id: str
    kind: str
    pages: int
    sha256: str
    fingerprint: str
    source: str = ""  # the input's absolute path: what the document folder belongs to


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
    picture_boxes: list[tuple[int, int, int, int]] = field(default_factory=list)  # see pictures


@dataclass
class Outcome:
    """What became of one input in a batch: ``status`` is ``done``, ``skipped`` or ``failed``."""

    path: str
    doc_id: str
    status: str
    error: str = ""
    notes: list[str] = field(default_factory=list)
    pages: int = 0
    words: int = 0
    suggestions: int = 0
    auto: int = 0
    exit_code: int = 0  # of a failure: ExitCode of its kind
    carried: int = 0  # decisions of an earlier review kept on the new text
    uncarried: int = 0  # ... and those that could not be placed on it
    seconds_ocr: float = 0.0
    seconds: float = 0.0


@dataclass
class BatchResult:
    """Every input's outcome, the unsupported files passed over, and the wall-clock time.

    ``kept_reviewed`` names the reviewed documents kept as they are although ocrfix's data
    or settings changed since they were made (``--force`` redoes them).
    """

    outcomes: list[Outcome] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    kept_reviewed: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def failure(path: Path | str, doc_id: str, exc: BaseException) -> Outcome:
    """The outcome of an input that failed, whatever the exception."""
    code = exc.exit_code if isinstance(exc, OcrfixError) else ExitCode.INPUT_FAILED
    return Outcome(str(path), doc_id, "failed", error=reason_of(exc), exit_code=int(code))


# ---------------------------------------------------------------- planning


def engine_info(kind: str, settings: Settings) -> dict:
    """What reads the document: Tesseract (with its version and options) or nothing."""
    if kind == "text":
        return {"name": "none"}
    return {
        "name": "tesseract",
        "version": tesseract.version(),
        "lang": settings.lang,
        "psm": settings.psm,
        "model": tesseract.model_info(settings.ocr_model, settings.lang),
    }


def fingerprint(kind: str, settings: Settings) -> str:
    """A hash of everything but the input that decides the output of a document of ``kind``."""
    blob = json.dumps(
        {
            "ocrfix": __version__,
            "engine": engine_info(kind, settings),
            "settings": asdict(settings),
            "corrector": correction_fingerprint(settings.lexicons, settings.model),
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
    for module in (preprocess, page_stage, layout, ocr, pictures):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


def read_manifest(folder: Path) -> dict | None:
    """A document folder's ``manifest.json``, or ``None`` when there is none to read."""
    return read_json_object(folder / "manifest.json")


def owners(out: Path) -> dict[str, str]:
    """Each document folder in ``out`` and the absolute path of the input it was made for.

    Folders of older versions of ocrfix record the input only as it was given; it is read
    relative to the current folder.
    """
    found = {}
    if not out.is_dir():
        return found
    for folder in sorted(out.iterdir()):
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        manifest = read_manifest(folder)
        if manifest is None:
            continue
        source = manifest.get("source") or identity.source_of(Path(str(manifest.get("input"))))
        found[folder.name] = str(source)
    return found


def is_reviewed(folder: Path) -> bool:
    """A person has worked on this document: a decision in its table, or a ``final.txt``.

    A table that cannot be read counts as reviewed (someone edited it by hand).
    """
    if (folder / decisions.FINAL).exists():
        return True
    if not (folder / decisions.TABLE).exists():
        return False
    try:
        return decisions.has_decisions(folder / decisions.TABLE)
    except decisions.DecisionError:
        return True


def plan(
    path: Path, doc_id: str, settings: Settings, prints: dict[str, str] | None = None
) -> DocJob:
    """Check an input from its headers and describe the work; raises ``OcrfixError``.

    ``prints`` keeps the fingerprint of each kind of input for a batch, so the lexicons and
    code behind it are hashed once, not once per document.
    """
    kind = ingest.kind_of(path)
    pages = ingest.count_pages(path, settings.max_pixels, settings.max_pages)
    if kind != "text":
        tesseract.version()  # MissingDependency when Tesseract is not installed
    prints = {} if prints is None else prints
    if kind not in prints:
        prints[kind] = fingerprint(kind, settings)
    sha = ingest.sha256_of(path)
    return DocJob(path, doc_id, kind, pages, sha, prints[kind], identity.source_of(path))


def up_to_date(job: DocJob, folder: Path) -> tuple[bool, bool]:
    """``(skip, kept_reviewed)``: whether the document's folder stands as it is, and whether
    that is only because a person reviewed it (ocrfix's data or settings changed since)."""
    manifest = read_manifest(folder)
    if manifest is None or manifest.get("sha256") != job.sha256:
        return False, False
    if manifest.get("fingerprint") == job.fingerprint:
        return True, False
    reviewed = is_reviewed(folder)
    return reviewed, reviewed


# ---------------------------------------------------------------- the stages


def read_page(path: Path, index: int, settings: Settings) -> PageResult:
    """Load, preprocess and OCR one page of an image or PDF input, with the settings'
    Tesseract model.

    A page on which Tesseract runs out of time is left empty, and its log says so.
    """
    with tesseract.using_model(settings.ocr_model):
        return read_page_with_model(path, index, settings)


def read_page_with_model(path: Path, index: int, settings: Settings) -> PageResult:
    """:func:`read_page`, once Tesseract's model is chosen."""
    start = time.perf_counter()
    page = ingest.load_page(path, index, settings.max_pixels)
    file_dpi = float(page.info.get("dpi", (0,))[0]) or None
    grey = preprocess.to_grey(preprocess.to_array(page))
    try:
        if settings.preprocess == "none":
            dpi = round(file_dpi or settings.default_dpi)
            read = read_plain(grey, dpi, settings.lang, settings.psm, settings.page_timeout)
        else:
            read = read_page_image(
                grey,
                file_dpi,
                settings.lang,
                settings.psm,
                settings.default_dpi,
                settings.retry_below,
                settings.max_tries,
                settings.page_timeout,
            )
    except ExternalTimeout as exc:
        read = PageRead([], [], grey, {"timeout": str(exc)}, 0.0, time.perf_counter() - start)
    text, spans = ocr.layout(read.words)
    png = read.png or tesseract.encode(read.image)  # the bytes Tesseract read, if any
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
        picture_boxes=read.picture_boxes,
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


def picture_suggestions(pages: list[PageResult] | None) -> list[Suggestion]:
    """The removals of what Tesseract read in pictures (words of the zone ``picture``), as
    suggestions of the rule ``picture`` in text order: automatic where the words lie in a
    region the image showed, for review otherwise (see :func:`ocrfix.pictures.removal_spans`).
    """
    cfg = pictures.CONFIG
    found = []
    offset = 0
    for page in pages or []:
        flags = [zone == layout.PICTURE for zone in page.zones]
        if any(flags):
            sure = pictures.sure_flags(page.words, flags, page.picture_boxes)
            for start, end, auto in pictures.removal_spans(page.text, page.spans, flags, sure):
                score = cfg.sure_score if auto else cfg.doubt_score
                text = page.text[start:end]
                found.append(
                    Suggestion(offset + start, offset + end, text, "", pictures.RULE, score, auto)
                )
        offset += len(page.text) + len(PAGE_BREAK)
    return found


def with_pictures(
    pieces: Iterable[list[Suggestion]], removals: list[Suggestion]
) -> Iterable[Suggestion]:
    """The corrector's suggestions (in text order) but those overlapping a picture's
    removal, merged in order with the removals."""
    if not removals:
        return (s for piece in pieces for s in piece)
    spans = [(r.start, r.end) for r in removals]
    kept = (s for piece in pieces for s in piece if not pictures.covers(spans, s.start, s.end))
    return heapq.merge(kept, removals)


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
                    spreadsheet_safe(w.text),
                    offset + s,
                    offset + e,
                    zone,
                ]
            )
        offset += len(page.text) + len(PAGE_BREAK)
    return buffer.getvalue()


@dataclass
class Earlier:
    """A reviewed document's folder as it was before this run: what is carried over."""

    folder: Path
    raw: str
    rows: list[tuple[decisions.Row, str]]  # the decided rows, with their decision cells
    had_final: bool
    note: str = ""  # why nothing could be carried, if so


def read_earlier(folder: Path) -> Earlier | None:
    """The reviewed state of a document folder, or ``None`` when nobody reviewed it."""
    if not folder.is_dir() or not is_reviewed(folder):
        return None
    had_final = (folder / decisions.FINAL).exists()
    try:
        raw, rows = decisions.decided_rows(folder)
    except decisions.DecisionError as exc:
        return Earlier(folder, "", [], had_final, f"the earlier decisions cannot be read ({exc})")
    return Earlier(folder, raw, rows, had_final)


def next_version(folder: Path) -> int:
    """The number of the next ``history/vN`` of a document folder."""
    numbers = [int(p.name[1:]) for p in (folder / HISTORY).glob("v*") if p.name[1:].isdigit()]
    return max(numbers, default=0) + 1


def history_files(folder: Path) -> dict[str, Path]:
    """The files of ``folder`` that go into its next version, and its earlier versions."""
    files: dict[str, Path] = {}
    version = f"{HISTORY}/v{next_version(folder)}"
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.is_symlink():
            files[f"{version}/{path.name}"] = path
    for path in sorted((folder / HISTORY).rglob("*")):
        if path.is_file() and not path.is_symlink():
            files[str(path.relative_to(folder))] = path
    return files


def uncarried_csv(rows: list[tuple[decisions.Row, str]]) -> str:
    """The decisions that could not be placed on the new text, and why."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "start", "end", "original", "replacement", "decision", "reason"])
    for row, reason in rows:
        writer.writerow(
            [row.id, row.start, row.end, row.original, row.replacement, row.cell, reason]
        )
    return buffer.getvalue()


@dataclass
class Review:
    """What a new reading of a document keeps of its earlier review."""

    suggestions: SuggestionList  # the new suggestions, with the carried rows among them
    carried: Carried | None = None  # None: nobody had reviewed the document
    files: dict[str, bytes | Path] = field(default_factory=dict)  # history/, uncarried.csv
    notes: list[str] = field(default_factory=list)
    had_final: bool = False


def merge_review(earlier: Earlier | None, raw: str, suggestions: SuggestionList) -> Review:
    """The suggestions with the earlier decisions carried over, and the files that keep
    the earlier folder."""
    if earlier is None:
        return Review(suggestions)
    merged = carry(earlier.raw, earlier.rows, raw, suggestions)
    files: dict[str, bytes | Path] = dict(history_files(earlier.folder))
    version = f"{HISTORY}/v{next_version(earlier.folder)}/"
    notes = [earlier.note] if earlier.note else []
    notes.append(
        f"reviewed earlier: {len(merged.decisions)} decision(s) carried over, "
        f"{len(merged.uncarried)} could not be; the earlier folder is kept in {version}"
    )
    if merged.uncarried:
        files["uncarried.csv"] = uncarried_csv(merged.uncarried).encode()
        notes[-1] += ", the decisions not carried are listed in uncarried.csv"
    return Review(merged.suggestions, merged, files, notes, earlier.had_final)


def chosen_after_carry(table: Path) -> list[Suggestion] | None:
    """The changes that make ``final.txt`` from the carried decisions in ``table``
    (``None`` if they cannot all apply)."""
    try:
        return decisions.chosen_suggestions(decisions.read_table(table))
    except decisions.DecisionError:
        return None


def written_files(staging: Path) -> list[str]:
    """The files of a document folder being written, but for its ``history/``."""
    names = (p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
    return [name for name in names if not name.startswith(HISTORY + "/")]


def write_document(
    job: DocJob,
    pages: list[PageResult] | None,
    raw: str,
    words: int,
    review: Review,
    folder: Path,
    settings: Settings,
    encoding: str | None,
) -> int:
    """Write every output of a document into a staged folder that replaces ``folder``
    whole; the number of changes ocrfix applied."""
    suggestions = review.suggestions
    applied = suggestions.applied()
    decided = review.carried.decisions if review.carried else None
    with staged_folder(folder) as staging:
        write_files(staging, review.files)
        if pages is not None:
            write_pieces(staging / "words.tsv", [words_tsv(pages)])
            write_files(staging, {f"pages/page-{n:03d}.png": p.png for n, p in enumerate(pages, 1)})
        write_pieces(staging / "raw.txt", text_chunks(raw))
        write_pieces(staging / "clean.txt", apply_pieces(raw, applied))
        write_pieces(staging / "changes.diff", diff_lines(raw, applied))
        table = staging / decisions.TABLE
        write_pieces(table, csv_pieces(table_rows(raw, suggestions, decided)))
        chosen = chosen_after_carry(table) if review.had_final else None
        if chosen is not None:
            write_pieces(staging / decisions.FINAL, apply_pieces(raw, chosen))
            write_files(staging, scan_outputs(staging, raw, chosen))
        for name, html in review_pages(job.doc_id, raw, suggestions):
            write_pieces(staging / name, html)
        manifest = {
            "ocrfix": __version__,
            "doc_id": job.doc_id,
            "input": str(job.path),
            "source": job.source,
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
                "auto": len(applied),
            },
            "files": sorted([*written_files(staging), "manifest.json"]),
        }
        if pages is not None:
            manifest["preprocessing"] = [{"page": n, **p.log} for n, p in enumerate(pages, 1)]
            manifest["furniture"] = layout.furniture(
                raw, [(p.text, p.spans, p.zones) for p in pages]
            )
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        write_pieces(staging / "manifest.json", [text])
    return len(applied)


def finish(job: DocJob, pages: list[PageResult] | None, out: Path, settings: Settings) -> Outcome:
    """Correct a document and write its output folder (atomically, under the document's
    lock, carrying an earlier review over); the text of a ``.txt`` input is read here, the
    pages of a scan come already read. Large outputs are written into the staging folder
    piece by piece, never whole in memory."""
    start = time.perf_counter()
    notes, encoding = [], None
    if pages is None:
        raw, encoding, note = ingest.read_text(job.path)
        notes += [note] if note else []
        words = count_words(raw)
    else:
        raw = PAGE_BREAK.join(p.text for p in pages)
        words = sum(len(p.words) for p in pages)
        decided = layout.confirm_running([(p.words, p.zones) for p in pages])
        for p, zones in zip(pages, decided, strict=True):
            p.zones = zones  # a running head is told from a title across pages
        notes += [
            f"page {n}: {p.log['timeout']}; the page is left empty"
            for n, p in enumerate(pages, start=1)
            if "timeout" in p.log
        ]
    removals = picture_suggestions(pages)  # the corrector reads the text without them
    spans = [(r.start, r.end) for r in removals]
    confidences = word_confidences(pages)
    confidences = {k: c for k, c in confidences.items() if not pictures.covers(spans, k, k + 1)}
    pieces = correct.suggest_pieces(
        pictures.masked(raw, spans), confidences, settings.lexicons, settings.model
    )
    suggestions = SuggestionList(with_pictures(pieces, removals))  # compact: may be millions
    folder = out / job.doc_id
    try:
        with decisions.locked(folder):
            review = merge_review(read_earlier(folder), raw, suggestions)
            notes += review.notes
            auto = write_document(job, pages, raw, words, review, folder, settings, encoding)
    except OSError as exc:
        reason = f"the output folder {folder} cannot be written: {reason_of(exc)}"
        raise OutputError(folder, reason) from None
    merged = review.carried
    seconds_ocr = sum(p.seconds_ocr for p in pages or [])
    seconds = sum(p.seconds for p in pages or []) + time.perf_counter() - start
    return Outcome(
        str(job.path),
        job.doc_id,
        "done",
        notes=notes,
        pages=job.pages,
        words=words,
        suggestions=len(review.suggestions),
        auto=auto,
        carried=len(merged.decisions) if merged else 0,
        uncarried=len(merged.uncarried) if merged else 0,
        seconds_ocr=seconds_ocr,
        seconds=seconds,
    )


def process_document(path: Path, out: Path, settings: Settings | None = None) -> Outcome:
    """Process one input into its folder in ``out`` (named as in a batch of it alone),
    serially; raises ``OcrfixError``."""
    settings = settings or Settings()
    doc_id = identity.assign({path: path.parent}, owners(out))[path]
    job = plan(path, doc_id, settings)
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
    """Pages in this process (``jobs`` 1), else in worker processes that die with it."""
    if jobs <= 1:
        return InlineExecutor()
    return ProcessPoolExecutor(max_workers=jobs, initializer=tesseract.die_with_parent)


def next_done(pool: Executor, pending: Iterable[Future]) -> set[Future]:
    """Futures that have finished, waiting for at least one."""
    if isinstance(pool, InlineExecutor):
        return {pool.run_next()}
    return wait(pending, return_when=FIRST_COMPLETED)[0]


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
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(out, f"cannot be made: {reason_of(exc)}") from None
    remove_leftovers(out)
    result = BatchResult(unsupported=[str(p) for p in found.unsupported])
    for path, reason in found.bad:
        result.outcomes.append(failure(path, "", InputError(path, reason)))

    unique: dict[str, Path] = {}  # one input per file (a link and its target are one)
    for path in found.files:
        unique.setdefault(identity.source_of(path), path)
    inputs_by_root = {path: found.roots[path] for path in unique.values()}
    names = identity.assign(inputs_by_root, owners(out))
    work: list[DocJob] = []
    prints: dict[str, str] = {}  # fingerprint by kind of input, for this batch
    for path in sorted(inputs_by_root):
        doc_id = names[path]
        try:
            job = plan(path, doc_id, settings, prints)
        except Exception as exc:  # whatever it is, it is this input's failure alone
            result.outcomes.append(failure(path, doc_id, exc))
            continue
        skip, kept = (False, False) if force else up_to_date(job, out / doc_id)
        if skip:
            result.outcomes.append(Outcome(str(path), doc_id, "skipped", pages=job.pages))
            if kept:
                result.kept_reviewed.append(doc_id)
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
                        result.outcomes.append(failure(job.path, job.doc_id, exc))
                    on_advance(1 if job.kind == "text" else 0)
                    continue
                on_advance(1)
                pages = page_results.get(job.doc_id)
                if pages is None:  # the document already failed on another page
                    continue
                if exc is not None:
                    del page_results[job.doc_id]
                    result.outcomes.append(failure(job.path, job.doc_id, exc))
                    continue
                pages[index] = future.result()
                if all(p is not None for p in pages):
                    del page_results[job.doc_id]
                    try:
                        finished = pool.submit(finish, job, pages, out, settings)
                    except BrokenExecutor as broken:  # a worker was killed
                        result.outcomes.append(failure(job.path, job.doc_id, broken))
                        continue
                    pending[finished] = ("finish", job, 0)
    result.outcomes.sort(key=lambda o: (o.doc_id, o.path))
    result.seconds = time.perf_counter() - started
    return result
