"""Does ocrfix read scans better than Tesseract alone, and how much slower is it? Per kind.

    .venv/bin/python bench/scans.py [--set synthetic|archive|all] [--jobs 2] [--limit N]
    .venv/bin/python bench/scans.py --json                # the same numbers as JSON
    .venv/bin/python bench/scans.py --pages DIR           # real pages with NAME.gt.txt
    .venv/bin/python bench/scans.py --binarization        # which page image to read first

Two sets of pages with exact ground truth:

- ``synthetic`` (bench/scanset.py): A4 pages at 300 dpi in three DejaVu faces, each damage
  alone and combined (skew, shadow, low resolution, borders, bleed-through, turned…);
  a page's kind is its damage;
- ``archive`` (bench/archivepages.py): pages that look like real archives, in real book
  faces: clean book pages, 1-bit scanner output, two-column magazines, illustrated pages
  with engravings, captions, decorated initials and fleurons, pages at 200-400 dpi whose
  file does not say so, stained colour scans.

Each page is read twice, one page per worker, Tesseract single-threaded
(OMP_THREAD_LIMIT=1) both times:

- **Tesseract alone**: the ``tesseract`` command on the page file as it is (``--psm 3``);
- **ocrfix**: the whole pipeline, ``pipeline.process_document`` with default settings, into
  a folder of its own (preprocessing, the bounded search, layout, correction, every output
  file); its ``raw.txt`` is what Tesseract read after preprocessing, its ``clean.txt`` the
  text after ocrfix's own corrections. The time of that whole call is ocrfix's time. Each
  worker first processes a one-line text file, so that loading the correction data
  (a batch pays it once) is not charged to its first page.

One table, a row per kind: CER (character edits per truth character, whitespace collapsed,
over the kind's characters) of Tesseract alone, of raw.txt and of clean.txt; seconds per
page of both and their ratio; and, on kinds with pictures, the junk: characters of the
text that stand for nothing printed. Junk is measured by aligning the text with the truth
(rapidfuzz's Levenshtein opcodes, truth → text, both whitespace-collapsed) and counting the
non-space characters the alignment *inserts*: those that match no truth character, neither
as themselves nor as a misreading. Text read into a picture (hatching read as ``///``,
``=``, ``ii``) is mostly that; a misread word is mostly substitutions and does not count.
Then the overall time ratio (target: ocrfix at most 1.25 × Tesseract alone) and the other
targets. Writes a bar chart of CER per kind to bench/out/scans.png.

With ``--pages DIR`` it reads real pages instead: every image in DIR with its
``NAME.gt.txt`` beside it, its kind the part of NAME before the first ``-``. With
``--binarization`` it compares instead the page images ocrfix can give Tesseract
(``ocrfix.page.variant``), each read once with ``--psm 3`` after the same preprocessing, on
the pages that need no turning.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"

from rapidfuzz.distance import Levenshtein
from rich.console import Console
from rich.table import Table

from ocrfix import ingest, layout, ocr, preprocess
from ocrfix.metrics import char_errors, normalize, word_errors
from ocrfix.page import variant
from ocrfix.pipeline import Settings, process_document

sys.path.insert(0, str(Path(__file__).parent))
import archivepages
import scanset

OUT = Path(__file__).parent / "out"
SETS = ("synthetic", "archive", "all")
TIME_TARGET = 1.25  # ocrfix's seconds per page at most this many times Tesseract alone's


@dataclass(frozen=True)
class Job:
    """A page to read: its file, truth, kind and what it holds."""

    path: Path
    truth: str
    kind: str
    group: str  # synthetic, archive or real
    picture: bool = False
    running: bool = False  # has a running head and a page number
    dpi: int = 0  # the resolution it was made at, when known


@dataclass
class Result:
    """One page read both ways."""

    name: str
    kind: str
    group: str
    picture: bool
    chars: int
    words: int
    tess_errors: int
    raw_errors: int
    clean_errors: int
    tess_word_errors: int
    clean_word_errors: int
    tess_seconds: float
    ocrfix_seconds: float
    tess_junk: int
    raw_junk: int
    clean_junk: int
    tries: int
    running: bool
    running_marked: bool  # ocrfix marked a running head and a page number
    dpi: int  # made at (0: unknown)
    dpi_used: int  # the resolution ocrfix estimated (or took from the file)
    error: str = ""


def junk(text: str, truth: str) -> int:
    """Non-space characters of ``text`` that the alignment to ``truth`` inserts: they
    stand for no character of the truth (whitespace collapsed on both sides)."""
    hyp, ref = normalize(text), normalize(truth)
    return sum(
        len(hyp[op.dest_start : op.dest_end].replace(" ", ""))
        for op in Levenshtein.opcodes(ref, hyp)
        if op.tag == "insert"
    )


def tesseract_alone(path: Path) -> tuple[str, float]:
    """The ``tesseract`` command's text for a page file, and its seconds."""
    start = time.perf_counter()
    done = subprocess.run(
        ["tesseract", str(path), "-", "--psm", "3"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    return done.stdout, time.perf_counter() - start


@dataclass
class Read:
    """What ocrfix made of one page."""

    raw: str
    clean: str
    seconds: float
    log: dict
    zones: set[str]
    error: str = ""


def ocrfix_read(path: Path) -> Read:
    """The whole pipeline on one page into a temporary folder, timed."""
    with tempfile.TemporaryDirectory(prefix="ocrfix-bench-") as out:
        start = time.perf_counter()
        try:
            outcome = process_document(path, Path(out), Settings())
        except Exception as exc:  # a page that fails is reported, the run goes on
            return Read("", "", time.perf_counter() - start, {}, set(), f"{exc!r}"[:200])
        seconds = time.perf_counter() - start
        folder = Path(out) / outcome.doc_id
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        with (folder / "words.tsv").open(encoding="utf-8", newline="") as f:
            zones = {row.get("zone", "") for row in csv.DictReader(f, delimiter="\t")}
        return Read(
            (folder / "raw.txt").read_text("utf-8"),
            (folder / "clean.txt").read_text("utf-8"),
            seconds,
            (manifest.get("preprocessing") or [{}])[0],
            zones,
        )


def warm_up() -> None:
    """Process a one-line text file once, so the correction data is loaded in this worker."""
    with tempfile.TemporaryDirectory(prefix="ocrfix-warm-") as tmp:
        text = Path(tmp) / "warm.txt"
        text.write_text("The cornmittee meets on the first Monday.\n", encoding="utf-8")
        process_document(text, Path(tmp) / "out", Settings())


def measure(job: Job) -> Result:
    """Read one page both ways and count the errors and the junk."""
    tess, tess_seconds = tesseract_alone(job.path)
    read = ocrfix_read(job.path)
    truth = job.truth
    return Result(
        job.path.stem,
        job.kind,
        job.group,
        job.picture,
        len(normalize(truth)),
        len(normalize(truth).split()),
        char_errors(tess, truth),
        char_errors(read.raw, truth),
        char_errors(read.clean, truth),
        word_errors(tess, truth),
        word_errors(read.clean, truth),
        tess_seconds,
        read.seconds,
        junk(tess, truth),
        junk(read.raw, truth),
        junk(read.clean, truth),
        len(read.log.get("tries", [])),
        job.running,
        {"header", "page-number"} <= read.zones,
        job.dpi,
        int(read.log.get("estimated_dpi") or read.log.get("dpi") or 0),
        read.error,
    )


# ---------------------------------------------------------------- the pages


def synthetic_jobs(
    fonts: tuple[str, ...], damages: tuple[str, ...], limit: int | None, folder: Path
) -> list[Job]:
    """The damaged pages of bench/scanset.py (at most ``limit`` of each damage), written."""
    scans = scanset.make_scans(fonts, damages)
    if limit:
        seen: dict[str, int] = defaultdict(int)
        kept = []
        for scan in scans:
            seen[scan.damage] += 1
            if seen[scan.damage] <= limit:
                kept.append(scan)
        scans = kept
    paths = scanset.write_scans(scans, folder)
    return [
        Job(p, s.truth, s.damage, "synthetic", running=s.damage in scanset.HEADER_DAMAGES, dpi=300)
        for p, s in zip(paths, scans, strict=True)
    ]


def _make_archive_page(page_id: tuple[str, int]) -> archivepages.Page:
    return archivepages.make_page(*page_id)


def archive_jobs(limit: int | None, folder: Path, jobs: int) -> tuple[list[Job], list[str]]:
    """The pages of bench/archivepages.py (made in parallel), written; and the faces used."""
    ids = archivepages.page_ids(limit=limit)
    with ProcessPoolExecutor(max_workers=max(jobs, 2)) as pool:
        pages = list(pool.map(_make_archive_page, ids))
    paths = scanset.write_scans(pages, folder)
    found = [
        Job(path, p.truth, p.kind, "archive", p.picture, p.running, p.dpi)
        for path, p in zip(paths, pages, strict=True)
    ]
    return found, sorted({face for p in pages for face in p.fonts})


def real_jobs(folder: Path) -> list[Job]:
    """Images in ``folder`` that have a ``NAME.gt.txt`` beside them."""
    found = []
    for path in sorted(folder.iterdir()):
        truth = path.with_name(path.stem + ".gt.txt")
        if path.suffix.lower() in ingest.IMAGE_SUFFIXES and truth.exists():
            found.append(Job(path, truth.read_text("utf-8"), path.stem.split("-")[0], "real"))
    return found


# ---------------------------------------------------------------- --binarization

VARIANTS = ("clean", "otsu", "sauvola", "grey")


def measure_variants(job: Job) -> dict:
    """Character errors of each page image variant, read once after preprocessing."""
    page = ingest.load_page(job.path, 0)
    file_dpi = float(page.info.get("dpi", (0,))[0]) or None
    prepared = preprocess.prepare(preprocess.to_grey(preprocess.to_array(page)), file_dpi)
    errors = {"kind": job.kind, "chars": len(normalize(job.truth))}
    for name in VARIANTS:
        words = ocr.recognize(variant(prepared, name), "eng", 3, prepared.dpi)
        text = ocr.layout(layout.order_by_columns(words, prepared.gutters))[0]
        errors[name] = char_errors(text, job.truth)
    return errors


def compare_variants(jobs: list[Job], workers: int, console: Console) -> None:
    """The --binarization table: CER per kind for each page image variant."""
    jobs = [j for j in jobs if not j.kind.startswith("turned")]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(measure_variants, jobs))
    out = Table(title="CER of each page image, after the same preprocessing (psm 3, one try)")
    out.add_column("kind")
    for name in VARIANTS:
        out.add_column(name, justify="right")
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in results:
        groups[r["kind"]].append(r)
    groups["all"] = results
    for kind, rs in groups.items():
        chars = sum(r["chars"] for r in rs) or 1
        out.add_row(kind, *(f"{sum(r[n] for r in rs) / chars:.2%}" for n in VARIANTS))
    console.print(out)


# ---------------------------------------------------------------- the table


@dataclass
class Row:
    """One kind's numbers: error rates over its characters, means over its pages."""

    kind: str
    pages: int
    tess_cer: float
    raw_cer: float
    clean_cer: float
    tess_wer: float
    clean_wer: float
    tess_sec: float
    ocrfix_sec: float
    ratio: float
    picture_pages: int
    tess_junk: float | None  # per page with a picture
    raw_junk: float | None
    clean_junk: float | None
    tries: float


def summarize(label: str, results: list[Result]) -> Row:
    """Error rates over the group's characters and words (not a mean of page rates)."""
    chars = sum(r.chars for r in results) or 1
    words = sum(r.words for r in results) or 1
    n = len(results) or 1
    pictured = [r for r in results if r.picture]
    tess_sec = sum(r.tess_seconds for r in results) / n
    ocrfix_sec = sum(r.ocrfix_seconds for r in results) / n

    def per_picture(values: list[int]) -> float | None:
        return sum(values) / len(pictured) if pictured else None

    return Row(
        label,
        len(results),
        sum(r.tess_errors for r in results) / chars,
        sum(r.raw_errors for r in results) / chars,
        sum(r.clean_errors for r in results) / chars,
        sum(r.tess_word_errors for r in results) / words,
        sum(r.clean_word_errors for r in results) / words,
        tess_sec,
        ocrfix_sec,
        ocrfix_sec / tess_sec if tess_sec else 0.0,
        len(pictured),
        per_picture([r.tess_junk for r in pictured]),
        per_picture([r.raw_junk for r in pictured]),
        per_picture([r.clean_junk for r in pictured]),
        sum(r.tries for r in results) / n,
    )


def rows_of(results: list[Result]) -> list[list[Row]]:
    """Sections of rows: each group's kinds and its total, then every page."""
    sections = []
    for group in ("synthetic", "archive", "real"):
        mine = [r for r in results if r.group == group]
        if not mine:
            continue
        kinds: dict[str, list[Result]] = defaultdict(list)
        for r in mine:
            kinds[r.kind].append(r)
        sections.append([summarize(k, rs) for k, rs in kinds.items()])
        sections[-1].append(summarize(f"{group}, all", mine))
    if len(sections) > 1:
        sections.append([summarize("all pages", results)])
    return sections


COLUMNS = (
    "kind",
    "pages",
    "Tess CER",
    "raw CER",
    "clean CER",
    "Tess s/page",
    "ocrfix s/page",
    "time ratio",
    "tries/page",
    "Tess junk/pic",
    "raw junk/pic",
    "clean junk/pic",
)


def _junk(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def table(sections: list[list[Row]], title: str) -> Table:
    """The one table: a row per kind, a section per set of pages."""
    out = Table(title=title)
    for column in COLUMNS:
        out.add_column(column, justify="left" if column == "kind" else "right")
    for section in sections:
        for r in section:
            out.add_row(
                r.kind,
                str(r.pages),
                f"{r.tess_cer:.2%}",
                f"{r.raw_cer:.2%}",
                f"{r.clean_cer:.2%}",
                f"{r.tess_sec:.2f}",
                f"{r.ocrfix_sec:.2f}",
                f"{r.ratio:.2f}",
                f"{r.tries:.2f}",
                _junk(r.tess_junk),
                _junk(r.raw_junk),
                _junk(r.clean_junk),
                style="bold" if r.kind.endswith("all") or r.kind == "all pages" else None,
            )
        out.add_section()
    return out


def chart(rows: list[Row], path: Path) -> Path | None:
    """Grouped bars of CER per kind; None when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    xs = range(len(rows))
    fig, ax = plt.subplots(figsize=(max(6, 0.75 * len(rows)), 4.5), dpi=120)
    for offset, label, values in (
        (-0.27, "Tesseract alone", [100 * r.tess_cer for r in rows]),
        (0.0, "ocrfix raw.txt", [100 * r.raw_cer for r in rows]),
        (0.27, "ocrfix clean.txt", [100 * r.clean_cer for r in rows]),
    ):
        bars = ax.bar([x + offset for x in xs], values, 0.27, label=label)
        ax.bar_label(bars, fmt="%.1f", fontsize=6, padding=1)
    ax.set_xticks(list(xs), [r.kind for r in rows], rotation=45, ha="right")
    ax.set_ylabel("character error rate, %")
    ax.set_title("CER per kind of page: Tesseract alone vs ocrfix (raw and corrected)")
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def checks(results: list[Result]) -> list[tuple[str, bool]]:
    """The targets, each as ``(what, met)``."""
    found = []
    synthetic = [r for r in results if r.group == "synthetic"]
    damaged = [r for r in synthetic if r.kind != "clean"]
    if damaged:
        d = summarize("damaged", damaged)
        ratio = d.raw_cer / d.tess_cer if d.tess_cer else 0.0
        found.append(
            (
                f"damaged synthetic pages: raw CER {d.raw_cer:.2%} vs {d.tess_cer:.2%}, "
                f"ratio {ratio:.2f} (target ≤ 0.5)",
                ratio <= 0.5,
            )
        )
    clean = [r for r in synthetic if r.kind == "clean"]
    if clean:
        c = summarize("clean", clean)
        worse = 100 * (c.clean_cer - c.tess_cer)
        found.append(
            (
                f"clean synthetic pages: clean CER − Tesseract CER = {worse:+.3f} pp (≤ 0.1)",
                worse <= 0.1,
            )
        )
    every = summarize("all", results)
    found.append(
        (
            f"time: ocrfix {every.ocrfix_sec:.2f} s/page = {every.ratio:.2f} × Tesseract alone "
            f"({every.tess_sec:.2f} s/page), target ≤ {TIME_TARGET}",
            every.ratio <= TIME_TARGET,
        )
    )
    return found


def notes(results: list[Result]) -> list[str]:
    """Running heads marked, resolutions estimated, pages that failed."""
    lines = []
    running = [r for r in results if r.running]
    if running:
        marked = sum(r.running_marked for r in running)
        lines.append(
            f"Running head and page number marked on {marked} of the {len(running)} pages "
            "that have them."
        )
    unstated = [r for r in results if r.kind == "dpi" and r.dpi]
    if unstated:
        near = sum(abs(r.dpi_used - r.dpi) <= 0.1 * r.dpi for r in unstated)
        made = ", ".join(f"{r.dpi}→{r.dpi_used}" for r in unstated)
        lines.append(
            f"dpi pages whose resolution ocrfix estimated within 10 %: {near} of "
            f"{len(unstated)} (made at → estimated: {made})."
        )
    lines += [f"[red]failed[/] {r.name}: {r.error}" for r in results if r.error]
    return lines


# ---------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=SETS, default="all", dest="pageset")
    parser.add_argument("--fonts", default=",".join(scanset.FONTS), help="synthetic faces")
    parser.add_argument("--damages", default=",".join(scanset.DAMAGES), help="synthetic kinds")
    parser.add_argument("--jobs", type=int, default=2, help="pages read at a time")
    parser.add_argument("--limit", type=int, help="pages of each kind at most (a quick run)")
    parser.add_argument("--pages", type=Path, help="real pages with NAME.gt.txt beside them")
    parser.add_argument("--chart", type=Path, default=OUT / "scans.png")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument(
        "--binarization", action="store_true", help="compare the page images ocrfix can read"
    )
    return parser.parse_args()


def gather(args: argparse.Namespace, folder: Path) -> tuple[list[Job], str, list[str]]:
    """The pages to read, a title, and the faces of the archive pages."""
    if args.pages:
        jobs = real_jobs(args.pages)
        return jobs, f"{len(jobs)} pages of {args.pages}", []
    jobs, faces, parts = [], [], []
    if args.pageset in ("synthetic", "all"):
        fonts, damages = tuple(args.fonts.split(",")), tuple(args.damages.split(","))
        jobs += synthetic_jobs(fonts, damages, args.limit, folder / "synthetic")
        parts.append(f"{len(jobs)} synthetic A4 pages ({args.fonts})")
    if args.pageset in ("archive", "all"):
        archive, faces = archive_jobs(args.limit, folder / "archive", args.jobs)
        jobs += archive
        parts.append(f"{len(archive)} archive-like pages")
    return jobs, " + ".join(parts), faces


def main() -> None:
    args = parse_args()
    console = Console(width=170)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        jobs, title, faces = gather(args, Path(tmp))
        made = time.perf_counter() - start
        if args.binarization:
            compare_variants(jobs, args.jobs, console)
            return
        start = time.perf_counter()
        with ProcessPoolExecutor(max_workers=args.jobs, initializer=warm_up) as pool:
            results = list(pool.map(measure, jobs))
        wall = time.perf_counter() - start
    sections = rows_of(results)
    saved = chart([r for s in sections for r in s], args.chart)
    if args.json:
        print(
            json.dumps(
                {
                    "rows": [asdict(r) for s in sections for r in s],
                    "pages": [asdict(r) for r in results],
                    "checks": [{"what": what, "met": ok} for what, ok in checks(results)],
                    "fonts": faces,
                    "seconds": {"making": made, "reading": wall},
                    "jobs": args.jobs,
                },
                indent=1,
                ensure_ascii=False,
            )
        )
        return
    console.print(table(sections, f"Tesseract alone vs ocrfix: {title}"))
    console.print(
        f"{len(results)} pages made in {made:.0f} s, read in {wall:.0f} s with {args.jobs} "
        "workers. CER: Tesseract alone; raw = ocrfix's raw.txt; clean = its clean.txt. "
        "Junk/pic: inserted characters (matching nothing in the truth) per page with a picture."
    )
    if faces:
        console.print(f"Archive pages set in: {', '.join(faces)}.")
    for line in notes(results):
        console.print(line)
    for text, ok in checks(results):
        console.print(f"[{'green' if ok else 'red'}]{'met ' if ok else 'MISSED'}[/] {text}")
    console.print(
        f"Chart: {saved}"
        if saved
        else "Chart skipped: matplotlib is not installed (pip install -e '.[bench]')",
        markup=False,
    )


if __name__ == "__main__":
    main()
