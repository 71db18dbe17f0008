"""The ``ocrfix`` command: parse, call the library, print."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console, RenderableType
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from ocrfix import __version__, api, ingest, tesseract
from ocrfix.errors import (
    ExitCode,
    InputError,
    OcrfixError,
    OutputError,
    UsageError,
    reason_of,
)
from ocrfix.ingest import find_inputs, read_text
from ocrfix.pipeline import BatchResult

if TYPE_CHECKING:
    from ocrfix.evaluate import Evaluation
    from ocrfix.review.learn import LearnResult

EXIT_OK, EXIT_FAILED, EXIT_USAGE = ExitCode.OK, ExitCode.INPUT_FAILED, ExitCode.USAGE


def error_console() -> Console:
    """Standard error, one message per line, never wrapped or highlighted."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def wrap_prose(message: str, width: int) -> str:
    """``message`` wrapped at spaces to ``width``; a word longer than that (a path) is kept
    whole on a line of its own.

    >>> print(wrap_prose("Report: /tmp/out/report.html", 12))
    Report:
    /tmp/out/report.html
    """
    return textwrap.fill(message, width, break_long_words=False, break_on_hyphens=False)


def say(message: str, console: Console | None = None) -> None:
    """Print a line of prose: wrapped at spaces to the terminal, a path never broken."""
    console = console or Console()
    console.print(wrap_prose(message, console.width), markup=False, highlight=False, soft_wrap=True)


# ---------------------------------------------------------------- tables

ID, NUMBER, WORD, TEXT = "id", "number", "word", "text"
UNBOUNDED = 10_000  # columns to measure a --wide table in


@dataclass(frozen=True)
class Col:
    """A column of a printed table: its header (a line per word that would not fit), its
    kind, and whether only ``--wide`` shows it.

    Kinds: ``id`` (a document or slug: folded onto more lines when narrow, never cut),
    ``number`` (right-aligned, never wrapped), ``word`` (yes, no, a date: never wrapped) and
    ``text`` (wrapped at spaces).
    """

    header: str
    kind: str = NUMBER
    wide: bool = False


def add_column(table: Table, col: Col) -> None:
    """A column of ``table`` set up for its kind (see :class:`Col`)."""
    if col.kind == NUMBER:
        table.add_column(col.header, justify="right", no_wrap=True)
    elif col.kind == WORD:
        table.add_column(col.header, no_wrap=True)
    else:
        table.add_column(col.header, overflow="fold")


def shown(cols: Sequence[Col], wide: bool) -> list[int]:
    """The indexes of the columns a table shows, with or without ``--wide``.

    >>> shown([Col("a", ID), Col("b", wide=True), Col("c")], wide=False)
    [0, 2]
    """
    return [i for i, col in enumerate(cols) if wide or not col.wide]


def as_cell(value: RenderableType) -> RenderableType:
    """A cell as rich renders it: a string is plain text (never read as markup)."""
    return Text(value) if isinstance(value, str) else value


def make_table(
    title: str,
    cols: Sequence[Col],
    rows: Iterable[Sequence[RenderableType]],
    wide: bool = False,
    total: Sequence[RenderableType] | None = None,
) -> Table:
    """A table of ``rows`` (a cell per column of ``cols``), the ``--wide`` columns only with
    ``wide``, and ``total`` as a last row under a line."""
    keep = shown(cols, wide)
    table = Table(title=title)
    for i in keep:
        add_column(table, cols[i])
    body = list(rows)
    for n, row in enumerate(body):
        last = total is not None and n == len(body) - 1
        table.add_row(*(as_cell(row[i]) for i in keep), end_section=last)
    if total is not None:
        table.add_row(*(as_cell(total[i]) for i in keep))
    return table


def print_table(table: Table, wide: bool = False, console: Console | None = None) -> None:
    """Print a table to fit the terminal; with ``wide``, as wide as its columns need."""
    console = console or Console()
    if wide:
        unbounded = console.options.update_width(UNBOUNDED)
        needed = console.measure(table, options=unbounded).maximum
        if needed > console.width:
            console = Console(width=needed, quiet=console.quiet)
    console.print(table)


RUN_HELP = """\
Read every input and write, for each document, a folder OUT/<name>/ with:
  raw.txt          what Tesseract (or the .txt input) said, never changed
  clean.txt        raw.txt with the confident corrections applied
  changes.diff     unified diff raw.txt -> clean.txt
  suggestions.csv  every change: span, original, replacement, rule, score, decision
  manifest.json    input hash, pages, engine and settings, counts
  review.html      the changed lines, raw and clean side by side, each change
                   marked (review-2.html... past 2,000 changes)
  words.tsv, pages/  (scans) each word's box, confidence and zone (body, header,
                   footer, page-number); the preprocessed page images
and OUT/report.html, the batch at a glance.

A document's folder is named from its input's path under the folder given (scans/1917/
report.pdf given as scans/ is OUT/1917__report/); two inputs that would share a name get
a short hash of their path added (notes-3f2a91c0), and a folder stays its input's.

Inputs are files or folders (searched recursively): .png .jpg .jpeg .tif .tiff (every
page of a multi-page TIFF), .pdf (every page, rendered at 300 dpi) and .txt (text an OCR
engine already produced). Other files are passed over and listed. Documents whose input
and settings have not changed since the last run are skipped unless --force is given.

Reviewed documents (with decisions or a final.txt) are redone only when their input
changed or with --force: the earlier folder is kept in OUT/<name>/history/vN/, and each
decision that still fits the new text is carried over (the others are listed in
uncarried.csv).

A bad input (unreadable, corrupt, too large, not a regular file) gets one line naming it
and the reason; the others go on.

Exit status: 0 when every input was processed (or skipped); 1 when any input failed;
2 for a usage error, among them a --lang that Tesseract has no data for (checked before
any work when the batch has scans); 3 when Tesseract is missing; 5 when the output
cannot be written.
"""


APPLY_HELP = """\
Write final.txt in each document folder of CORRECTIONS (all, or the DOCs named): raw.txt
with the suggestions a reviewer accepted or edited, and those ocrfix applied on its own
that no reviewer rejected or kept. Decisions are the `decision` column of suggestions.csv, filled
in by `ocrfix review` or in a spreadsheet:
  (blank)     no decision: kept if ocrfix applied it (auto = true), else left out
  accept      apply the suggestion
  reject      do not apply it
  keep        do not apply it: the word is right as printed (learning protects it)
  edit:TEXT   replace the span by TEXT instead

A document is refused, with the file and row named, when a decision is malformed, a span
no longer matches raw.txt, or two chosen changes overlap; its final.txt is not touched.
Then, unless --no-learn, learns from the decisions as `ocrfix learn` does.

Prints, per document and in total, the decisions counted and what is left for a person
("2 of 30 need a decision", or "ready to export").

Exit status: 0 when every document was applied, 1 when any was refused.
"""

LEARN_HELP = """\
Learn from the decisions in CORRECTIONS (all documents, or the DOCs named), into the
folder of learned data ($OCRFIX_DATA, else ~/.local/share/ocrfix):
  protected.txt   words whose change a reviewer rejected; never changed again
  confusions.tsv  character confusions of accepted or edited changes (rn -> m), with a
                  cost in nats from how often reviewers accepted them
  rejected.tsv    rejected (original, replacement) pairs; never suggested again
Learning again from the same or changed decisions replaces what those documents taught
before (nothing is counted twice); lines added to these files by hand are kept.
"""

TRAIN_HELP = """\
Learn a correction model from pairs of OCR and truth, into MODEL_DIR:
  channel.tsv    what the OCR does to each string of the truth (e -> o, m -> rn, h -> li),
                 counted from the aligned pairs, as costs in nats
  decision.json  gradient-boosted trees that give each candidate change the probability
                 that it is right, and the two thresholds: automatic, and for review
  model.json     the sources, the costs of edits no rule covers
PAIRS are folders of NAME.ocr.txt with NAME.gt.txt (line i of one is line i of the
other), or `ocrfix run` outputs whose documents a person reviewed (raw.txt with its
final.txt). With --choose-on, the thresholds are chosen on those held-out pairs: the most
errors removed with at most --false-alarms automatic changes per 10,000 correct words,
and at most --review-load suggestions per 1,000 words for a person. The same pairs give
the same model, byte for byte. Use it with `ocrfix run --model MODEL_DIR`.
"""

REVIEW_HELP = """\
Serve a local web app that walks what needs a person in CORRECTIONS: the suggestions
ocrfix did not apply on its own ("N of M need a decision"; a document with none left is
ready to export). For a scan, the word as it is on the page beside its text line; for a
text, the lines around it; the original, the suggestion, its alternatives, rule and score.

Keys: a accept, r reject ("not this change"), p correct as printed (keep the word; learn
protects it), e edit, 1-9 take an alternative, u clear, A accept every undecided
suggestion of the same change in the document, z undo the last change (a bulk one as one
step), j / k next / previous, f next filter (needs a decision, automatic, decided,
everything). Whitespace and layout changes are one summary card per document (l; a / r
all of them, o the list). s: the error series, the same change across the whole batch,
decided in one step with exceptions unticked (x). Bulk actions show their count and ask
first (Enter / Esc).

Each decision is written to suggestions.csv at once (atomically): stopping the server or
closing the browser loses nothing. Open the address printed at start: it carries the
session token, without which no decision is accepted. Ctrl-C stops the server.
"""

EXPORT_HELP = """\
Put the documents of CORRECTIONS (all, or the DOCs named) into the reading archive
ARCHIVE_DIR:
  texts/<slug>.md    YAML front matter (title, author, date, source file and SHA-256,
                     pages, ocrfix version, counts of auto / accepted / rejected / kept /
                     edited changes, reviewed) and the final text in paragraphs, page breaks
                     as <!-- page N -->
  texts/<slug>.txt   the final text exactly, as `ocrfix apply` makes it
  texts/<slug>.pdf   (scans) the page images with the final text as a searchable layer
  texts/<slug>.alto.xml  (scans) ALTO v4: the final words and their boxes, OCR as ALTERNATIVE
  versions/<slug>/   every version, vN.md and vN.txt, kept for good
  catalog.sqlite     documents, versions and a full-text index (`ocrfix archive search`)

Only reviewed documents go, unless --include-unreviewed (they are marked reviewed:
false). A document is reviewed when every suggestion that ocrfix did not apply on its
own has a decision; the changes it applied count as kept unless rejected.

Fields come from metadata.csv in the input's folder (a `file` column with the input's
name, one column per field), then STEM.meta.yaml and NAME.meta.yaml beside the input
(report.meta.yaml, report.pdf.meta.yaml), then --set (for every document); otherwise the
title is the first heading-like line and the date a dateline near the top. A document
keeps its slug for good.

Exporting again writes nothing when nothing changed; a changed text or front matter
becomes a new version, the old one kept. Two exports at once take turns; an export
stopped midway is tidied up by the next one.

Exit status: 0 when every document was exported, unchanged or left out as unreviewed;
1 when any was refused.
"""

SEARCH_HELP = """\
Search the current text of every document in ARCHIVE_DIR, best matches first (BM25; a
match in the title counts most), each with a snippet, matches in [brackets].

  revolution               a word (also revolutions: words are stemmed)
  "workers' state"         a phrase
  bureau*                  words that begin so
  lenin NOT stalin         AND, OR, NOT, parentheses, NEAR(a b, 5)
  title:betrayed           in one column: title, author or body

A word with a hyphen, apostrophe or dot (counter-revolution) is searched as a phrase.
Exit status: 0 (also when nothing matches), 1 when there is no archive, 2 for a query
that cannot be read.
"""


WIDE_HELP = "also the less important columns (lines may be wider than the terminal)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ocrfix",
        description="Turn scanned pages and damaged OCR text into text a person can trust.",
    )
    parser.add_argument("--version", action="version", version=f"ocrfix {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="OCR and clean a batch of scans or OCR text",
        description=RUN_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="files or folders")
    run.add_argument(
        "--out", type=Path, default=Path("corrections"), help="output folder (default: %(default)s)"
    )
    run.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=os.cpu_count() or 1,
        help="pages processed in parallel (default: the number of cores, %(default)s here)",
    )
    run.add_argument(
        "--force",
        action="store_true",
        help="redo documents even when their input and settings are unchanged",
    )
    run.add_argument(
        "--lang",
        default="eng",
        help="Tesseract language(s), e.g. eng or eng+deu, checked against `tesseract "
        "--list-langs` (in the --ocr-model's folder) before any scan is read "
        "(default: %(default)s)",
    )
    run.add_argument(
        "--psm",
        type=int,
        default=3,
        help="Tesseract page segmentation mode (default: %(default)s, automatic)",
    )
    run.add_argument(
        "--preprocess",
        choices=("auto", "none"),
        default="auto",
        help="auto: even the lighting, remove borders, specks and show-through, rescale, "
        "deskew, turn, and retry a poorly read page another way; none: read pages as they "
        "are (default: %(default)s)",
    )
    run.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="no progress bar and no summary table; errors are still printed",
    )
    run.add_argument(
        "--max-pages",
        type=int,
        default=ingest.DEFAULT_MAX_PAGES,
        metavar="N",
        help="refuse an input of more than N pages (default: %(default)s)",
    )
    run.add_argument(
        "--max-megapixels",
        type=float,
        default=ingest.DEFAULT_MAX_PIXELS / 1e6,
        metavar="MP",
        help="refuse a page larger than this many megapixels (default: %(default)g)",
    )
    run.add_argument(
        "--timeout",
        type=float,
        default=tesseract.DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="Tesseract's time for one page; a page that takes longer is left empty, with a "
        "note (default: %(default)g)",
    )
    run.add_argument(
        "--lexicon",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="an extra word list (one word per line, optionally a tab and a count): names "
        "and terms the corrector should know and never change; may be repeated",
    )
    run.add_argument(
        "--model",
        type=Path,
        metavar="DIR",
        help="a correction model made by `ocrfix train` (default: the one ocrfix ships, "
        "learned from real newspaper OCR)",
    )
    run.add_argument(
        "--ocr-model",
        metavar="NAME|DIR",
        help="Tesseract's model: best_int (tessdata_best made integer: about 40%% fewer "
        "character errors on book pages, 1.2x the time of fast), fast (the system's "
        "tessdata: Debian's tesseract-ocr-eng and every other language installed; "
        "fastest), standard (tessdata 4.0.0: slower, no better than fast), or the path of "
        "a tessdata folder. `make setup` installs best_int; "
        "scripts/install-ocr-models.sh --all installs standard too (default: best_int, or "
        "fast when best_int is not installed, with a note, or lacks a --lang language)",
    )
    run.set_defaults(handler=cmd_run)

    train = commands.add_parser(
        "train",
        help="learn a correction model from pairs of OCR and truth",
        description=TRAIN_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    train.add_argument("pairs", nargs="+", type=Path, metavar="PAIRS", help="folders of pairs")
    train.add_argument("-o", "--output", type=Path, required=True, metavar="MODEL_DIR")
    train.add_argument(
        "--choose-on", action="append", default=[], type=Path, metavar="PAIRS",
        help="held-out pairs to choose the thresholds on (may be repeated)",
    )  # fmt: skip
    train.add_argument(
        "--false-alarms", type=float, default=3.0, metavar="PER_10K",
        help="automatic changes of correct words allowed per 10,000 (default: %(default)g)",
    )  # fmt: skip
    train.add_argument(
        "--review-load", type=float, default=20.0, metavar="PER_1K",
        help="suggestions left for a person per 1,000 words (default: %(default)g)",
    )  # fmt: skip
    train.set_defaults(handler=cmd_train)

    lexicon = commands.add_parser("lexicon", help="build word lists of names and terms")
    lexicon_commands = lexicon.add_subparsers(
        dest="lexicon_command", required=True, metavar="ACTION"
    )
    build = lexicon_commands.add_parser(
        "build",
        help="harvest names and terms from clean text into a word list",
        description="Collect the words of clean CORPUS files that the base English lexicon "
        "finds rare or does not know (names, technical terms), seen at least "
        "--min-count times, and write them, with their counts, to OUTPUT. Put the "
        "file in lexicons/ or pass it to `ocrfix run --lexicon` so the corrector "
        "knows and protects these words.",
    )
    build.add_argument(
        "corpus", nargs="+", type=Path, metavar="CORPUS", help="clean .txt files or folders of them"
    )
    build.add_argument("-o", "--output", type=Path, required=True, help="word list to write")
    build.add_argument(
        "--min-count",
        type=int,
        default=2,
        help="occurrences a word needs to be kept (default: %(default)s)",
    )
    build.set_defaults(handler=cmd_lexicon_build)

    apply = commands.add_parser(
        "apply",
        help="write final.txt from the reviewers' decisions",
        description=APPLY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    apply.add_argument("corrections", type=Path, metavar="CORRECTIONS", help="output of ocrfix run")
    apply.add_argument("docs", nargs="*", metavar="DOC", help="document folders (default: all)")
    apply.add_argument("--no-learn", action="store_true", help="do not learn from the decisions")
    apply.add_argument(
        "--wide", action="store_true", help=f"{WIDE_HELP}: undecided, final.txt chars"
    )
    apply.set_defaults(handler=cmd_apply)

    learn = commands.add_parser(
        "learn",
        help="learn protected words and confusions from the decisions",
        description=LEARN_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    learn.add_argument("corrections", type=Path, metavar="CORRECTIONS", help="output of ocrfix run")
    learn.add_argument("docs", nargs="*", metavar="DOC", help="document folders (default: all)")
    learn.set_defaults(handler=cmd_learn)

    review = commands.add_parser(
        "review",
        help="review suggestions in the browser, one keystroke each",
        description=REVIEW_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    review.add_argument(
        "corrections", type=Path, metavar="CORRECTIONS", help="output of ocrfix run"
    )
    review.add_argument(
        "--port", type=int, default=8765, help="port to listen on (default: %(default)s; 0: any)"
    )
    review.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: %(default)s, this machine only)",
    )
    review.set_defaults(handler=cmd_review)

    evaluate = commands.add_parser(
        "eval",
        help="score corrections against ground truth (CER, WER, false alarms)",
        description="For every document folder in OUT_DIR with a ground truth in GT_DIR "
        "(<doc>.gt.txt or <doc>.txt; a trailing .ocr in the document's name is ignored): "
        "character and word error rates of raw.txt and clean.txt against the truth, with "
        "whitespace collapsed and curly quotes folded to straight ones; the share of "
        "character errors removed; false alarms, the correct input words that cleaning "
        "changed, per 10,000 correct words; the errors an ideal review removes (a person "
        "accepting exactly the suggestions, or alternatives, that bring the text nearer the "
        "truth) and the review load, suggestions left for a person per 1,000 words. Per "
        "document and in total.",
    )
    evaluate.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="an `ocrfix run` output")
    evaluate.add_argument(
        "--gt", type=Path, required=True, metavar="GT_DIR", help="folder of ground-truth texts"
    )
    evaluate.add_argument("--json", action="store_true", help="print JSON instead of a table")
    evaluate.add_argument(
        "--wide",
        action="store_true",
        help=f"{WIDE_HELP}: chars, WER raw and clean, false alarms counted",
    )
    evaluate.set_defaults(handler=cmd_eval)
    add_archive_commands(commands)
    return parser


def add_archive_commands(commands) -> None:
    """``ocrfix export`` and ``ocrfix archive search|list``."""
    export = commands.add_parser(
        "export",
        help="put reviewed documents into the reading archive",
        description=EXPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument(
        "corrections", type=Path, metavar="CORRECTIONS", help="output of ocrfix run"
    )
    export.add_argument("docs", nargs="*", metavar="DOC", help="document folders (default: all)")
    export.add_argument(
        "--archive", type=Path, required=True, metavar="ARCHIVE_DIR", help="the archive folder"
    )
    export.add_argument(
        "--include-unreviewed",
        action="store_true",
        help="export documents with undecided suggestions too, marked reviewed: false",
    )
    export.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="set a field (title, author, date, …) of every document exported; may be "
        "repeated (for one document, use metadata.csv or NAME.meta.yaml)",
    )
    export.set_defaults(handler=cmd_export)

    archive = commands.add_parser("archive", help="search and list the reading archive")
    actions = archive.add_subparsers(dest="archive_command", required=True, metavar="ACTION")
    search = actions.add_parser(
        "search",
        help="full-text search, best matches first, with snippets",
        description=SEARCH_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    search.add_argument("archive", type=Path, metavar="ARCHIVE_DIR")
    search.add_argument("query", metavar="QUERY", help="words, phrases, prefixes (see above)")
    search.add_argument(
        "--limit", type=int, default=10, help="results at most (default: %(default)s)"
    )
    search.set_defaults(handler=cmd_archive_search)
    listing = actions.add_parser(
        "list",
        help="the documents of the archive",
        description="Slug, title, author, date, version, reviewed and pages of every "
        "document in ARCHIVE_DIR.",
    )
    listing.add_argument("archive", type=Path, metavar="ARCHIVE_DIR")
    listing.add_argument("--wide", action="store_true", help=f"{WIDE_HELP}: version, pages")
    listing.set_defaults(handler=cmd_archive_list)


def cmd_run(args: argparse.Namespace) -> int:
    """``ocrfix run``: the batch, with a progress bar, a summary table and report.html."""
    out_console = Console(quiet=args.quiet)
    err = error_console()
    progress = Progress(
        TextColumn("[bold]ocrfix[/] pages"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=args.quiet,
        transient=True,
    )
    task = progress.add_task("pages", total=None)
    ocr_model, note = api.choose_ocr_model(args.ocr_model, args.lang)
    if note:
        err.print(f"note: {note}", markup=False)
    with progress:
        done = api.run(
            args.inputs,
            args.out,
            jobs=args.jobs,
            force=args.force,
            lang=args.lang,
            psm=args.psm,
            preprocess=args.preprocess,
            max_pages=args.max_pages,
            max_megapixels=args.max_megapixels,
            timeout=args.timeout,
            lexicons=args.lexicon,
            model=args.model,
            ocr_model=ocr_model,
            report=False,  # written below, after the messages and the summary
            on_total=lambda total: progress.update(task, total=total),
            on_advance=lambda n: progress.advance(task, n),
        )
    print_messages(done.batch, err)
    print_table(summary_table(done.batch), console=out_console)
    report = api.write_report(args.out, done.batch)
    say(f"Report: {report}", out_console)
    return done.exit_code


def cmd_train(args: argparse.Namespace) -> int:
    """``ocrfix train``: a correction model from pairs, with progress on standard error."""
    from ocrfix.model import store
    from ocrfix.model.decision import Targets
    from ocrfix.model.train import TrainSettings, train

    err = error_console()
    for folder in [*args.pairs, *args.choose_on]:
        if not folder.is_dir():
            raise InputError(folder, "no such folder")
    settings = TrainSettings(targets=Targets(args.false_alarms, args.review_load))
    model = train(args.pairs, args.choose_on, settings, progress=lambda m: err.print(m))
    try:
        store.save(model, args.output)
    except OSError as exc:
        raise OutputError(args.output, f"not written: {reason_of(exc)}") from None
    say(
        f"{args.output}: {len(model.rules)} channel rules, decision model "
        f"{'with' if model.decision else 'without'} trees, from {model.pairs} pairs"
    )
    return EXIT_OK


def cmd_lexicon_build(args: argparse.Namespace) -> int:
    """``ocrfix lexicon build``: harvest names and terms from clean text."""
    from ocrfix.correct.lexicon import CORPUS_WORDS, WORD, harvest_terms, write_word_list

    err = error_console()
    found = find_inputs(args.corpus)
    for path, reason in found.bad:
        err.print(f"error: {path}: {reason}", markup=False)
    files = [f for f in found.files if f.suffix.lower() == ".txt"]
    texts = []
    for path in files:
        try:
            texts.append(read_text(path)[0])
        except InputError as exc:
            err.print(f"error: {exc}", markup=False)
    terms = harvest_terms(texts, min_count=args.min_count)
    words = sum(len(WORD.findall(text)) for text in texts)
    header = (
        f"Names and terms harvested by `ocrfix lexicon build` from {len(texts)} file(s):\n"
        + "\n".join(f.name for f in files)
        + f"\n{CORPUS_WORDS} {words}"
    )
    write_word_list(terms, args.output, header)
    say(f"{len(terms)} words from {len(texts)} files written to {args.output}")
    return EXIT_OK if len(texts) == len(files) and not found.bad else EXIT_FAILED


def chosen_documents(args: argparse.Namespace) -> list[Path]:
    """The document folders ``apply`` or ``learn`` works on (``DecisionError`` if none)."""
    from ocrfix.review.decisions import document_folders

    return document_folders(args.corrections, args.docs)


APPLY_COLUMNS = (
    Col("document", ID),
    Col("accept"),
    Col("edit"),
    Col("reject"),
    Col("keep"),
    Col("auto\nkept"),
    Col("undecided", wide=True),
    Col("final.txt\nchars", wide=True),
    Col("need a\ndecision", TEXT),
)
APPLY_COUNTS = ("accept", "edit", "reject", "keep", "auto", "undecided")


def apply_row(doc: str, counts: dict[str, int], chars: int, summary: str) -> list[str]:
    """The cells of a document (or the total) in ``ocrfix apply``'s table."""
    return [doc, *(str(counts.get(k, 0)) for k in APPLY_COUNTS), str(chars), summary]


def apply_table(result: api.ApplyResult, wide: bool = False) -> Table:
    """A row per applied document, its decisions and what is left to decide; a total."""
    docs = result.documents
    rows = [apply_row(d.doc, d.counts, d.chars, d.workload.cell()) for d in docs]
    sums = {k: sum(d.counts.get(k, 0) for d in docs) for k in APPLY_COUNTS}
    chars = sum(d.chars for d in docs)
    total = apply_row("total", sums, chars, result.workload.cell()) if docs else None
    return make_table("ocrfix apply", APPLY_COLUMNS, rows, wide, total)


def cmd_apply(args: argparse.Namespace) -> int:
    """``ocrfix apply``: final.txt of each document from its decisions, then learn."""
    err = error_console()
    result = api.apply(args.corrections, args.docs, learn=not args.no_learn)
    for exc in result.refused:
        err.print(f"error: {exc}", markup=False)
    print_table(apply_table(result, args.wide), args.wide)
    if result.documents:
        say(f"Left for review: {result.workload.summary()}")
    if result.learned is not None:
        print_learned(result.learned, err)
    if result.report_error is not None:
        err.print(f"error: {result.report_error}", markup=False)
    elif result.report is not None:
        say(f"Report: {result.report}")
    return result.exit_code


def cmd_learn(args: argparse.Namespace) -> int:
    """``ocrfix learn``: protected words, confusions and rejected pairs from decisions."""
    from ocrfix.review.learn import learn

    err = error_console()
    folders = chosen_documents(args)
    result = learn(folders)
    print_learned(result, err)
    return EXIT_FAILED if result.errors else EXIT_OK


def print_learned(result: LearnResult, err: Console) -> None:
    """One line per refused document, then what the learned folder holds."""
    for exc in result.errors:
        err.print(f"error: {exc}", markup=False)
    say(
        f"Learned from {result.documents} document(s) ({result.accepted} accepted or edited, "
        f"{result.rejected} rejected): {result.protected_words} protected words, "
        f"{result.confusions} confusions, {result.rejected_pairs} rejected pairs in "
        f"{result.folder}"
    )


def cmd_review(args: argparse.Namespace) -> int:
    """``ocrfix review``: serve the review app until Ctrl-C."""
    from ocrfix.review.server import LOOPBACK, make_server

    err = error_console()
    try:
        server = make_server(args.corrections, args.host, args.port)
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {reason_of(exc)}") from None
    if args.host not in LOOPBACK:
        err.print(
            f"note: listening on {args.host}: other machines can connect; reading and "
            "deciding need the token in the address below"
        )
    print(f"Reviewing {args.corrections}: open\n  {server.url}\nCtrl-C stops.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return EXIT_OK


EVAL_COLUMNS = (  # a column, the field of evaluate.scores_frame it shows, its format
    (Col("document", ID), "doc", "{}"),
    (Col("chars", wide=True), "chars", "{:d}"),
    (Col("CER\nraw"), "cer_raw", "{:.2%}"),
    (Col("CER\nclean"), "cer_clean", "{:.2%}"),
    (Col("CER\nreduction"), "error_reduction", "{:.1%}"),
    (Col("WER\nraw", wide=True), "wer_raw", "{:.2%}"),
    (Col("WER\nclean", wide=True), "wer_clean", "{:.2%}"),
    (Col("false\nalarms", wide=True), "false_alarms", "{:d}"),
    (Col("false\nalarms\nper 10k"), "false_alarms_per_10k", "{:.1f}"),
    (Col("ideal\nreview"), "ideal_reduction", "{:.1%}"),
    (Col("review\nitems\nper 1k"), "items_per_1k", "{:.1f}"),
)


def eval_cells(record: dict) -> list[str]:
    """The cells of one row of ``ocrfix eval``'s table from a row of the scores frame."""
    return [fmt.format(record[key]) for _, key, fmt in EVAL_COLUMNS]


def eval_table(evaluation: Evaluation, title: str, wide: bool = False) -> Table:
    """A row per document and the total (the last row of ``evaluation.frame``)."""
    records = [eval_cells(r) for r in evaluation.frame.to_dict("records")]
    cols = [col for col, _, _ in EVAL_COLUMNS]
    return make_table(title, cols, records[:-1], wide, total=records[-1])


def cmd_eval(args: argparse.Namespace) -> int:
    """``ocrfix eval``: CER, WER and false alarms of a run against ground truth."""
    err = error_console()
    evaluation = api.evaluate(args.out_dir, args.gt)
    if args.json:
        print(evaluation.to_json())
        return EXIT_OK
    title = f"ocrfix eval: {args.out_dir} against {args.gt}"
    print_table(eval_table(evaluation, title, args.wide), args.wide)
    missing = evaluation.missing
    if missing:
        err.print(
            f"note: {len(missing)} document(s) without ground truth: " + ", ".join(missing[:5]),
            markup=False,
        )
    return EXIT_OK


EXPORT_COLUMNS = (
    Col("document", ID),
    Col("slug", ID),
    Col("status", TEXT),
    Col("version"),
    Col("reviewed", WORD),
)


def cmd_export(args: argparse.Namespace) -> int:
    """``ocrfix export``: documents into the archive, a table of what became of each."""
    from ocrfix.archive.export import NEW, REFUSED, UNCHANGED, UNREVIEWED, VERSION, export
    from ocrfix.archive.metadata import MetadataError, parse_assignment

    err = error_console()
    try:
        overrides = dict(parse_assignment(a) for a in args.set)
    except MetadataError as exc:
        raise UsageError(str(exc)) from None
    try:
        result = export(
            args.corrections,
            args.archive,
            args.docs,
            include_unreviewed=args.include_unreviewed,
            overrides=overrides,
            on_wait=lambda: err.print("waiting for another export of this archive…"),
        )
    except OSError as exc:
        raise OutputError(args.archive, reason_of(exc)) from None
    for line in result.tidied:
        err.print(f"tidied: {line}", markup=False)
    rows = []
    for o in result.outcomes:
        for note in o.notes:
            err.print(f"note: {o.doc}: {note}", markup=False)
        if o.error:
            err.print(f"error: {o.error}", markup=False)
        status = f"{o.status} ({o.change})" if o.change else o.status
        version = str(o.version) if o.version else ""
        reviewed = "" if o.status == REFUSED else ("yes" if o.reviewed else "no")
        rows.append([o.doc, o.slug, status, version, reviewed])
    print_table(make_table(f"ocrfix export → {args.archive}", EXPORT_COLUMNS, rows))
    count = {s: sum(o.status == s for o in result.outcomes) for s in (NEW, VERSION, UNCHANGED)}
    left_out = sum(o.status == UNREVIEWED for o in result.outcomes)
    summary = (
        f"{count[NEW]} new, {count[VERSION]} new version(s), {count[UNCHANGED]} unchanged, "
        f"{len(result.refused)} refused in {result.seconds:.2f} s"
    )
    if left_out:
        summary += f"; {left_out} not reviewed, left out (--include-unreviewed takes them)"
    say(summary)
    return EXIT_FAILED if result.refused else EXIT_OK


SEARCH_COLUMNS = (Col("#"), Col("title", TEXT), Col("slug", ID), Col("snippet", TEXT))


def cmd_archive_search(args: argparse.Namespace) -> int:
    """``ocrfix archive search``: ranked documents with a snippet each."""
    from ocrfix.archive.catalog import open_catalog, search

    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    conn = open_catalog(args.archive)
    try:
        hits = search(conn, args.query, args.limit)
    finally:
        conn.close()
    if not hits:
        say(f"No document matches {args.query}")
        return EXIT_OK
    rows = []
    for hit in hits:
        snippet = Text()
        for piece, match in hit.parts():
            snippet.append(f"[{piece}]" if match else piece, style="bold yellow" if match else "")
        rows.append([str(hit.rank), hit.title, hit.slug, snippet])
    print_table(make_table(f"{args.query} in {args.archive}", SEARCH_COLUMNS, rows))
    return EXIT_OK


LIST_COLUMNS = (
    Col("slug", ID),
    Col("title", TEXT),
    Col("author", TEXT),
    Col("date", WORD),
    Col("version", wide=True),
    Col("reviewed", WORD),
    Col("pages", wide=True),
)


def cmd_archive_list(args: argparse.Namespace) -> int:
    """``ocrfix archive list``: every document of an archive."""
    from ocrfix.archive.catalog import documents, open_catalog

    conn = open_catalog(args.archive)
    try:
        rows = documents(conn)
    finally:
        conn.close()
    cells = [
        [
            row["slug"],
            row["title"],
            row["author"] or "",
            row["date"] or "",
            str(row["version"]),
            "yes" if row["reviewed"] else "no",
            str(row["pages"]),
        ]
        for row in rows
    ]
    title = f"{args.archive}: {len(rows)} document(s)"
    print_table(make_table(title, LIST_COLUMNS, cells, args.wide), args.wide)
    return EXIT_OK


def print_messages(batch: BatchResult, err: Console) -> None:
    """One line per failed input, note (decoding, carried decisions) and unsupported file."""
    for path in batch.unsupported:
        err.print(f"skipped: {path}: unsupported file type", markup=False)
    for o in batch.outcomes:
        for note in o.notes:
            err.print(f"note: {o.path}: {note}", markup=False)
        if o.status == "failed":
            err.print(f"error: {o.path}: {o.error}", markup=False)
    if batch.kept_reviewed:
        err.print(
            f"note: {len(batch.kept_reviewed)} reviewed document(s) kept as they are, although "
            "ocrfix's data or settings changed since they were made (--force redoes them and "
            "carries the decisions over): "
            + ", ".join(batch.kept_reviewed[:5])
            + (" …" if len(batch.kept_reviewed) > 5 else ""),
            markup=False,
        )


RUN_HEADERS = ("done", "skipped", "failed", "pages", "words", "suggestions", "applied", "seconds")
RUN_COLUMNS = tuple(Col(header) for header in RUN_HEADERS)


def summary_table(batch: BatchResult) -> Table:
    """Documents done, skipped and failed; pages, words, suggestions and seconds of a batch."""
    done = [o for o in batch.outcomes if o.status == "done"]
    skipped = sum(o.status == "skipped" for o in batch.outcomes)
    row = [
        str(len(done)),
        str(skipped),
        str(len(batch.failed)),
        str(sum(o.pages for o in done)),
        str(sum(o.words for o in done)),
        str(sum(o.suggestions for o in done)),
        str(sum(o.auto for o in done)),
        f"{batch.seconds:.1f}",
    ]
    return make_table("ocrfix run", RUN_COLUMNS, [row])


def main(argv: list[str] | None = None) -> int:
    """Run one command; every error ocrfix knows ends here as one line and its exit status."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except OcrfixError as exc:
        error_console().print(f"error: {exc}", markup=False)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        error_console().print("interrupted", markup=False)
        return int(ExitCode.INTERRUPTED)


if __name__ == "__main__":
    sys.exit(main())
