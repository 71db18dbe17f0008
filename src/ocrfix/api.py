"""ocrfix from Python: the four things the command line does, for a notebook or a script.

Each function is what an ``ocrfix`` command calls, with the same checks, outputs and
errors (every error is an :class:`ocrfix.errors.OcrfixError`, one line, with the exit
status the command would end with)::

    from ocrfix import api

    batch = api.run(["raw_scans"], "corrections")       # ocrfix run raw_scans --out corrections
    table = api.suggestions("corrections/circle_notes")  # suggestions.csv as a DataFrame
    done = api.apply("corrections")                     # ocrfix apply corrections
    print(done.workload.summary())                      # e.g. 2 of 30 need a decision
    scores = api.evaluate("corrections", "truth")        # ocrfix eval corrections --gt truth
    scores.frame                                         # per document and total, a DataFrame
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ocrfix import ingest, tesseract
from ocrfix.errors import ExitCode, InputError, OutputError, UsageError, reason_of
from ocrfix.pipeline import BatchResult, Settings, process_batch

if TYPE_CHECKING:
    import pandas as pd

    from ocrfix.evaluate import Evaluation
    from ocrfix.review.decisions import DecisionError, Row
    from ocrfix.review.learn import LearnResult
    from ocrfix.review.workload import Workload

__all__ = [
    "AppliedDocument",
    "ApplyResult",
    "RunResult",
    "apply",
    "evaluate",
    "run",
    "suggestions",
    "write_report",
]

PathLike = str | os.PathLike[str]


# ---------------------------------------------------------------- run


@dataclass
class RunResult:
    """What :func:`run` did: the batch (an outcome per input) and the report it wrote."""

    batch: BatchResult
    report: Path | None = None  # OUT/report.html, when written

    @property
    def exit_code(self) -> ExitCode:
        """The status ``ocrfix run`` ends with: the most serious among the failed inputs."""
        return batch_status(self.batch)


def batch_status(batch: BatchResult) -> ExitCode:
    """The exit status of a batch: the most serious kind among the failed inputs."""
    codes = [o.exit_code for o in batch.failed]
    return ExitCode(max(codes)) if codes else ExitCode.OK


def paths_of(inputs: PathLike | Iterable[PathLike]) -> list[Path]:
    """One path or several, as a list of :class:`Path`.

    >>> paths_of("scans"), paths_of(["a.png", Path("b.txt")])
    ([PosixPath('scans')], [PosixPath('a.png'), PosixPath('b.txt')])
    """
    if isinstance(inputs, str | os.PathLike):
        return [Path(inputs)]
    return [Path(p) for p in inputs]


def check_options(
    jobs: int, max_pages: int, max_megapixels: float, timeout: float, lexicons: list[Path]
) -> None:
    """Refuse options that cannot be right, as :class:`UsageError` (exit status 2)."""
    if jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if max_pages < 1 or max_megapixels <= 0 or timeout <= 0:
        raise UsageError("--max-pages, --max-megapixels and --timeout must be positive")
    missing = [str(p) for p in lexicons if not p.is_file()]
    if missing:
        raise UsageError(f"{missing[0]}: no such lexicon file")


def check_model(model: Path | None) -> None:
    """Refuse a ``--model`` folder that ``ocrfix train`` did not make."""
    if model is not None and not (model / "model.json").is_file():
        raise UsageError(f"{model}: not a correction model (see `ocrfix train`)")


def has_scans(inputs: list[Path], out: Path) -> bool:
    """Whether any input is an image or a PDF (a batch of only ``.txt`` needs no Tesseract)."""
    found = ingest.find_inputs(inputs, exclude=out)
    return any(ingest.kind_of(path) != "text" for path in found.files)


def check_languages(
    inputs: list[Path], out: Path, lang: str, ocr_model: str = tesseract.SYSTEM_MODEL
) -> None:
    """Refuse, before any work, a ``lang`` that Tesseract does not have in ``ocr_model``'s
    folder, when the batch has scans to read and Tesseract is installed
    (:class:`ocrfix.errors.MissingLanguage`, exit status 2). Without Tesseract each scan
    fails on its own line and texts go on."""
    if tesseract.installed() and has_scans(inputs, out):
        tesseract.require_languages(lang, ocr_model)


def choose_ocr_model(ocr_model: PathLike | None, lang: str = "eng") -> tuple[str, str | None]:
    """The Tesseract model to read with (a name, or a folder's absolute path), and a note
    when the default one is not installed and the system's ``fast`` is used instead.

    The default (``ocr_model`` None) is ``best_int`` when it has every language of
    ``lang``, else ``fast`` (the system's languages). :class:`UsageError` for an unknown
    name, a missing folder or a model asked for by name that is not installed."""
    if ocr_model is None:
        if tesseract.installed_model(tesseract.DEFAULT_MODEL):
            if tesseract.missing_languages(lang, tesseract.DEFAULT_MODEL):
                return tesseract.SYSTEM_MODEL, None  # e.g. deu: only the system has it
            return tesseract.DEFAULT_MODEL, None
        return tesseract.SYSTEM_MODEL, (
            f"the OCR model '{tesseract.DEFAULT_MODEL}' is not installed "
            f"(`make setup` installs it); reading with the system's '{tesseract.SYSTEM_MODEL}'"
        )
    name = os.fspath(ocr_model)
    folder = tesseract.model_folder(name)
    return (name if name in tesseract.MODELS else str(folder)), None


def run(
    inputs: PathLike | Iterable[PathLike],
    out: PathLike = "corrections",
    *,
    jobs: int | None = None,
    force: bool = False,
    lang: str = "eng",
    psm: int = 3,
    preprocess: str = "auto",
    max_pages: int = ingest.DEFAULT_MAX_PAGES,
    max_megapixels: float = ingest.DEFAULT_MAX_PIXELS / 1e6,
    timeout: float = tesseract.DEFAULT_TIMEOUT,
    lexicons: Iterable[PathLike] = (),
    model: PathLike | None = None,
    ocr_model: PathLike | None = None,
    report: bool = True,
    on_total: Callable[[int], None] = lambda total: None,
    on_advance: Callable[[int], None] = lambda pages: None,
) -> RunResult:
    """OCR and clean a batch, as ``ocrfix run``: a folder ``out/<doc>/`` per document
    (raw.txt, clean.txt, suggestions.csv, ...) and, with ``report``, ``out/report.html``.

    The options are those of ``ocrfix run`` (``lexicons`` is ``--lexicon`` repeated;
    ``ocr_model`` None: ``best_int`` if installed with every language of ``lang``, else
    the system's ``fast``). A bad
    input does not stop the batch: it is an outcome with ``status == "failed"``. Raises
    :class:`ocrfix.errors.UsageError` for options that cannot be right, including a
    ``lang`` Tesseract has not installed (checked when the batch has scans), and
    :class:`ocrfix.errors.OutputError` when ``out`` cannot be written.

    Example::

        done = run(["raw_scans"], "corrections", lang="eng", jobs=4)
        [(o.doc_id, o.status, o.suggestions) for o in done.batch.outcomes]
        # [('catalogue_guide', 'done', 3), ('circle_notes', 'done', 1), ...]
        done.exit_code, done.report
        # (<ExitCode.OK: 0>, PosixPath('corrections/report.html'))
    """
    paths, out = paths_of(inputs), Path(out)
    lexicon_paths = [Path(p) for p in lexicons]
    jobs = jobs if jobs is not None else os.cpu_count() or 1
    check_options(jobs, max_pages, max_megapixels, timeout, lexicon_paths)
    model_path = Path(model) if model is not None else None
    check_model(model_path)
    ocr_name, note = choose_ocr_model(ocr_model, lang)
    if note:
        warnings.warn(note, stacklevel=2)
    check_languages(paths, out, lang, ocr_name)
    settings = Settings(
        model=str(model_path.resolve()) if model_path else None,
        lang=lang,
        psm=psm,
        lexicons=tuple(str(p.resolve()) for p in lexicon_paths),
        preprocess=preprocess,
        max_pixels=round(max_megapixels * 1e6),
        max_pages=max_pages,
        page_timeout=timeout,
        ocr_model=ocr_name,
    )
    batch = process_batch(
        paths, out, settings, jobs=jobs, force=force, on_total=on_total, on_advance=on_advance
    )
    return RunResult(batch, write_report(out, batch) if report else None)


def write_report(out: PathLike, batch: BatchResult | None = None) -> Path:
    """Write ``out/report.html``, the batch at a glance (after ``batch``, if given: its
    failures and timing); :class:`OutputError` if it cannot."""
    from ocrfix.report import write_report as write

    out = Path(out)
    try:
        return write(out, batch)
    except OSError as exc:
        raise OutputError(out / "report.html", f"not written: {reason_of(exc)}") from None


# ---------------------------------------------------------------- apply


@dataclass(frozen=True)
class AppliedDocument:
    """One document whose ``final.txt`` was written: its decisions counted (``accept``,
    ``edit``, ``reject``, ``keep``, ``auto``, ``undecided``), its length, what is left to
    decide, and for a scan its final.pdf and final.alto.xml."""

    doc: str
    path: Path  # final.txt
    counts: dict[str, int]
    chars: int
    workload: Workload
    scan_files: tuple[Path, ...] = ()


@dataclass
class ApplyResult:
    """What :func:`apply` did: the documents applied, those refused (each with its error),
    and what learning from them gave (``None`` without ``learn``)."""

    documents: list[AppliedDocument] = field(default_factory=list)
    refused: list[DecisionError] = field(default_factory=list)
    learned: LearnResult | None = None
    report: Path | None = None  # report.html, written again with the decisions counted
    report_error: OutputError | None = None  # ... or why it could not be

    @property
    def workload(self) -> Workload:
        """What is left to decide in all the applied documents together."""
        from ocrfix.review.workload import Workload

        total = Workload()
        for doc in self.documents:
            total = total.plus(doc.workload)
        return total

    @property
    def exit_code(self) -> ExitCode:
        """The status ``ocrfix apply`` ends with: 1 when a document was refused."""
        return ExitCode.INPUT_FAILED if self.refused else ExitCode.OK


def apply_one(folder: Path) -> AppliedDocument:
    """Write one document's ``final.txt``; raises :class:`DecisionError`."""
    from ocrfix.review.decisions import apply_document

    done = apply_document(folder)
    return AppliedDocument(
        done.doc, done.path, dict(done.counts), done.chars, done.workload, done.scan_files
    )


def apply(corrections: PathLike, docs: Iterable[str] = (), *, learn: bool = True) -> ApplyResult:
    """Write ``final.txt`` of each document of ``corrections`` (all, or those named in
    ``docs``) from the decisions in its suggestions.csv, as ``ocrfix apply``; then, with
    ``learn``, learn from the decisions as ``ocrfix learn`` does.

    A document whose table is malformed, or whose spans no longer fit raw.txt, is refused
    (its error is in :attr:`ApplyResult.refused`, its final.txt untouched); the others go
    on. A named document that is not there raises :class:`DecisionError`.

    Example::

        done = apply("corrections", ["circle_notes"], learn=False)
        done.documents[0].workload.summary()
        # '2 of 5 need a decision'
    """
    from ocrfix.review.decisions import DecisionError, document_folders
    from ocrfix.review.learn import learn as learn_from

    result = ApplyResult()
    for folder in document_folders(Path(corrections), docs):
        try:
            result.documents.append(apply_one(folder))
        except DecisionError as exc:
            result.refused.append(exc)
    if learn and result.documents:
        result.learned = learn_from([doc.path.parent for doc in result.documents])
    if result.documents:
        try:
            result.report = write_report(corrections)
        except OutputError as exc:
            result.report_error = exc
    return result


# ---------------------------------------------------------------- evaluate


def evaluate(out_dir: PathLike, gt_dir: PathLike) -> Evaluation:
    """Score a run against ground truth, as ``ocrfix eval``: CER and WER of raw.txt and
    clean.txt, false alarms, an ideal review and the review load, per document and in
    total (:attr:`Evaluation.frame` is a DataFrame of them, the total its last row).

    Raises :class:`InputError` when a folder is missing or no document has a truth
    (``<doc>.gt.txt`` or ``<doc>.txt`` in ``gt_dir``).

    Example::

        scores = evaluate("corrections", "truth")
        scores.frame[["doc", "cer_raw", "cer_clean"]]
    """
    from ocrfix.evaluate import Evaluation
    from ocrfix.evaluate import evaluate as score_all

    out_dir, gt_dir = Path(out_dir), Path(gt_dir)
    for folder in (out_dir, gt_dir):
        if not folder.is_dir():
            raise InputError(folder, "no such folder")
    scores, total, missing = score_all(out_dir, gt_dir)
    if not scores:
        raise InputError(out_dir, f"no document has a ground truth in {gt_dir}")
    return Evaluation(scores, total, missing)


# ---------------------------------------------------------------- suggestions

SUGGESTION_TYPES = {
    "id": "int64",
    "page": "int64",
    "line": "int64",
    "start": "int64",
    "end": "int64",
    "original": "str",
    "replacement": "str",
    "rule": "str",
    "score": "float64",
    "auto": "bool",
    "decision": "str",
    "needs_decision": "bool",
}


def suggestion_record(row: Row) -> dict[str, object]:
    """The cells of one suggestion; ``needs_decision`` as :mod:`ocrfix.review.workload`
    counts it (ocrfix did not apply it on its own)."""
    from ocrfix.review.decisions import row_fields

    return {**row_fields(row), "decision": row.cell, "needs_decision": not row.auto}


def suggestions(doc_dir: PathLike) -> pd.DataFrame:
    """A document's suggestions.csv as a DataFrame, one row per suggestion, checked as
    ``ocrfix apply`` checks it (:class:`DecisionError` naming the first bad row).

    Columns: ``id``, ``page``, ``line``, ``start``, ``end`` (int; the span is
    ``raw[start:end]``), ``original``, ``replacement``, ``rule`` (str), ``score`` (float),
    ``auto`` (bool: ocrfix applied it), ``decision`` (str: ``""``, ``accept``, ``reject``
    or ``edit:TEXT``) and ``needs_decision`` (bool: not automatic, so a person decides).
    What is still left to decide is ``needs_decision & (decision == "")``.

    Example::

        table = suggestions("corrections/circle_notes")
        table[table.needs_decision & (table.decision == "")].sort_values("score")
    """
    import pandas as pd

    from ocrfix.review.decisions import TABLE, read_table

    folder = Path(doc_dir)
    rows = read_table(folder / TABLE).rows
    records = [suggestion_record(row) for row in rows]
    frame = pd.DataFrame(records, columns=list(SUGGESTION_TYPES))
    return frame.astype(SUGGESTION_TYPES)
