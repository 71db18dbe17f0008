"""Does preprocessing help Tesseract? Per damage type, Tesseract alone against ocrfix.

    .venv/bin/python bench/scans.py [--fonts serif,sans,mono] [--jobs 2] [--pages DIR]
    .venv/bin/python bench/scans.py --binarization   # which page image to read first

Makes the damaged pages of bench/scanset.py (A4, 300 dpi, three faces; every damage alone
and combined) and reads each page twice:

- **Tesseract alone**: the ``tesseract`` command on the page file as it is (``--psm 3``);
- **ocrfix**: ``pipeline.read_page`` with default settings (preprocessing, the bounded
  search, column order).

Prints, per damage type, CER and WER (character and word error rates against the exact
ground truth, whitespace collapsed) and seconds per page for both, and ocrfix's
preprocessing seconds per page; then the targets. Writes a bar chart to
bench/out/scans.png. With ``--pages DIR`` it reads real pages instead: every image in DIR
with its ``NAME.gt.txt`` beside it, grouped by the part of NAME before the first ``-``.

With ``--binarization`` it compares instead the page images ocrfix can give Tesseract
(``ocrfix.page.variant``: the hysteresis-cleaned page, Otsu, Sauvola, the normalized grey),
each read once with ``--psm 3`` after the same preprocessing, on the pages that need no
turning.

Tesseract runs single-threaded (OMP_THREAD_LIMIT=1), two pages at a time by default.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"

from rich.console import Console
from rich.table import Table

from ocrfix import ingest, layout, ocr, preprocess
from ocrfix.metrics import char_errors, normalize, word_errors
from ocrfix.page import variant
from ocrfix.pipeline import Settings, read_page

sys.path.insert(0, str(Path(__file__).parent))
import scanset

OUT = Path(__file__).parent / "out"


@dataclass
class Result:
    """One page read both ways."""

    name: str
    damage: str
    chars: int
    words: int
    tess_cer_errors: int
    tess_wer_errors: int
    tess_seconds: float
    ocrfix_cer_errors: int
    ocrfix_wer_errors: int
    ocrfix_seconds: float
    ocrfix_ocr_seconds: float
    preprocess_seconds: float
    tries: int
    running: bool  # the page has a running head and a page number
    running_marked: bool  # ocrfix marked both


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


def measure(path: Path, truth: str, damage: str, running: bool = False) -> Result:
    """Read one page both ways and count the errors."""
    tess_text, tess_seconds = tesseract_alone(path)
    start = time.perf_counter()
    page = read_page(path, 0, Settings())
    seconds = time.perf_counter() - start
    return Result(
        path.stem,
        damage,
        len(normalize(truth)),
        len(normalize(truth).split()),
        char_errors(tess_text, truth),
        word_errors(tess_text, truth),
        tess_seconds,
        char_errors(page.text, truth),
        word_errors(page.text, truth),
        seconds,
        page.seconds_ocr,
        page.seconds_preprocess,
        len(page.log.get("tries", [])),
        running,
        {"header", "page-number"} <= set(page.zones),
    )


VARIANTS = ("clean", "otsu", "sauvola", "grey")


def measure_variants(path: Path, truth: str, damage: str, running: bool = False) -> dict:
    """Character errors of each page image variant, read once after preprocessing."""
    page = ingest.load_page(path, 0)
    file_dpi = float(page.info.get("dpi", (0,))[0]) or None
    prepared = preprocess.prepare(preprocess.to_grey(preprocess.to_array(page)), file_dpi)
    errors = {"damage": damage, "chars": len(normalize(truth))}
    for name in VARIANTS:
        words = ocr.recognize(variant(prepared, name), "eng", 3, prepared.dpi)
        text = ocr.layout(layout.order_by_columns(words, prepared.gutters))[0]
        errors[name] = char_errors(text, truth)
    return errors


def compare_variants(pages: list, jobs: int, console: Console) -> None:
    """The --binarization table: CER per damage type for each page image variant."""
    pages = [p for p in pages if not p[2].startswith("turned")]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(measure_variants, *zip(*pages, strict=True)))
    out = Table(title="CER of each page image, after the same preprocessing (psm 3, one try)")
    out.add_column("damage")
    for name in VARIANTS:
        out.add_column(name, justify="right")
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in results:
        groups[r["damage"]].append(r)
    groups["all"] = results
    for damage, rs in groups.items():
        chars = sum(r["chars"] for r in rs) or 1
        out.add_row(damage, *(f"{sum(r[n] for r in rs) / chars:.2%}" for n in VARIANTS))
    console.print(out)


def real_pages(folder: Path) -> list[tuple[Path, str, str, bool]]:
    """Images in ``folder`` that have a ``NAME.gt.txt`` beside them."""
    found = []
    for path in sorted(folder.iterdir()):
        truth = path.with_name(path.stem + ".gt.txt")
        if path.suffix.lower() in ingest.IMAGE_SUFFIXES and truth.exists():
            found.append((path, truth.read_text("utf-8"), path.stem.split("-")[0], False))
    return found


@dataclass
class Row:
    damage: str
    pages: int
    tess_cer: float
    tess_wer: float
    tess_sec: float
    ocrfix_cer: float
    ocrfix_wer: float
    ocrfix_sec: float
    pre_sec: float
    ocrfix_ocr_sec: float
    tries: float


def summarize(label: str, results: list[Result]) -> Row:
    """Error rates over the group's characters and words (not a mean of page rates)."""
    chars = sum(r.chars for r in results) or 1
    words = sum(r.words for r in results) or 1
    n = len(results) or 1
    return Row(
        label,
        len(results),
        sum(r.tess_cer_errors for r in results) / chars,
        sum(r.tess_wer_errors for r in results) / words,
        sum(r.tess_seconds for r in results) / n,
        sum(r.ocrfix_cer_errors for r in results) / chars,
        sum(r.ocrfix_wer_errors for r in results) / words,
        sum(r.ocrfix_seconds for r in results) / n,
        sum(r.preprocess_seconds for r in results) / n,
        sum(r.ocrfix_ocr_seconds for r in results) / n,
        sum(r.tries for r in results) / n,
    )


def table(rows: list[Row], title: str) -> Table:
    out = Table(title=title)
    for column in (
        "damage",
        "pages",
        "Tess CER",
        "Tess WER",
        "Tess s/page",
        "ocrfix CER",
        "ocrfix WER",
        "ocrfix s/page",
        "preproc s/page",
        "tries/page",
    ):
        out.add_column(column, justify="left" if column == "damage" else "right")
    for r in rows:
        out.add_row(
            r.damage,
            str(r.pages),
            f"{r.tess_cer:.2%}",
            f"{r.tess_wer:.2%}",
            f"{r.tess_sec:.2f}",
            f"{r.ocrfix_cer:.2%}",
            f"{r.ocrfix_wer:.2%}",
            f"{r.ocrfix_sec:.2f}",
            f"{r.pre_sec:.2f}",
            f"{r.tries:.2f}",
        )
    return out


def chart(rows: list[Row], path: Path) -> Path | None:
    """Grouped bars of CER per damage type; None when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    labels = [r.damage for r in rows]
    xs = range(len(rows))
    fig, ax = plt.subplots(figsize=(max(6, 0.8 * len(rows)), 4), dpi=120)
    for offset, label, values in (
        (-0.2, "Tesseract alone", [100 * r.tess_cer for r in rows]),
        (0.2, "ocrfix", [100 * r.ocrfix_cer for r in rows]),
    ):
        bars = ax.bar([x + offset for x in xs], values, 0.4, label=label)
        ax.bar_label(bars, fmt="%.1f", fontsize=7, padding=1)
    ax.set_xticks(list(xs), labels, rotation=45, ha="right")
    ax.set_ylabel("character error rate, %")
    ax.set_title("CER per damage type: Tesseract alone vs ocrfix")
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fonts", default=",".join(scanset.FONTS))
    parser.add_argument("--damages", default=",".join(scanset.DAMAGES))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--pages", type=Path, help="real pages with NAME.gt.txt beside them")
    parser.add_argument("--chart", type=Path, default=OUT / "scans.png")
    parser.add_argument(
        "--binarization", action="store_true", help="compare the page images ocrfix can read"
    )
    args = parser.parse_args()
    console = Console(width=150)

    with tempfile.TemporaryDirectory() as tmp:
        if args.pages:
            pages = real_pages(args.pages)
            title = f"{len(pages)} pages of {args.pages}"
        else:
            scans = scanset.make_scans(tuple(args.fonts.split(",")), tuple(args.damages.split(",")))
            paths = scanset.write_scans(scans, Path(tmp))
            pages = [
                (p, s.truth, s.damage, s.damage in scanset.HEADER_DAMAGES)
                for p, s in zip(paths, scans, strict=True)
            ]
            title = f"{len(pages)} synthetic A4 pages at 300 dpi ({args.fonts})"
        if args.binarization:
            compare_variants(pages, args.jobs, console)
            return
        start = time.perf_counter()
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(measure, *zip(*pages, strict=True)))
        wall = time.perf_counter() - start

    groups: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        groups[r.damage].append(r)
    rows = [summarize(d, rs) for d, rs in groups.items()]
    damaged = [r for r in results if r.damage != "clean"]
    clean = [r for r in results if r.damage == "clean"]
    totals = [summarize("damaged, all", damaged)] if damaged else []
    totals += [summarize("all pages", results)]
    console.print(table(rows + totals, f"Tesseract alone vs ocrfix: {title}"))

    every = summarize("all", results)
    console.print(
        f"{len(results)} pages in {wall:.0f} s with {args.jobs} workers. "
        f"Preprocessing {every.pre_sec:.2f} s/page = {every.pre_sec / every.tess_sec:.0%} of "
        f"Tesseract alone ({every.tess_sec:.2f} s/page) and "
        f"{every.pre_sec / every.ocrfix_ocr_sec:.0%} of ocrfix's own Tesseract time "
        f"({every.ocrfix_ocr_sec:.2f} s/page, retries included)."
    )
    running = [r for r in results if r.running]
    if running:
        marked = sum(r.running_marked for r in running)
        console.print(
            f"Running head and page number marked on {marked} of the {len(running)} pages "
            "that have them."
        )
    checks = []
    if damaged:
        d = summarize("damaged", damaged)
        ratio = d.ocrfix_cer / d.tess_cer if d.tess_cer else 0.0
        checks.append(
            (f"damaged pages: CER {d.ocrfix_cer:.2%} vs {d.tess_cer:.2%}, ratio {ratio:.2f}",
             ratio <= 0.5)
        )  # fmt: skip
    if clean:
        c = summarize("clean", clean)
        worse = 100 * (c.ocrfix_cer - c.tess_cer)
        checks.append((f"clean pages: ocrfix CER − Tesseract CER = {worse:+.3f} pp", worse <= 0.1))
    share = every.pre_sec / every.tess_sec
    checks.append((f"preprocessing time = {share:.0%} of Tesseract time", share <= 0.25))
    for text, ok in checks:
        console.print(f"[{'green' if ok else 'red'}]{'met ' if ok else 'MISSED'}[/] {text}")
    saved = chart(rows, args.chart)
    console.print(
        f"Chart: {saved}"
        if saved
        else "Chart skipped: matplotlib is not installed (pip install -e '.[bench]')"
    )


if __name__ == "__main__":
    main()
