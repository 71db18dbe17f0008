"""Throughput of the batch runner.

    .venv/bin/python bench/foundation.py [--repeat 3]

1. Pages per minute on raw_scans/ with --jobs 1 and --jobs 2, the share of worker time
   spent inside Tesseract, beside the `tesseract` command run on the same pages one by one.
2. Seconds to run all of ../shared/seeds/*.txt through `ocrfix run` (a fresh process, as a
   user runs it).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ocrfix import ingest, preprocess, tesseract
from ocrfix.pipeline import process_batch

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "raw_scans"
SEEDS = ROOT.parent / "shared" / "seeds"


def scan_inputs() -> list[Path]:
    return [p for p in sorted(SAMPLES.iterdir()) if ingest.kind_of(p) != "text"]


def time_batch(inputs: list[Path], jobs: int) -> tuple[float, int, float, float]:
    """Wall seconds, pages, seconds inside Tesseract and worker seconds of one forced batch."""
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        batch = process_batch(inputs, Path(out), jobs=jobs, force=True)
        wall = time.perf_counter() - start
    assert not batch.failed, batch.failed
    done = batch.outcomes
    return (
        wall,
        sum(o.pages for o in done),
        sum(o.seconds_ocr for o in done),
        sum(o.seconds for o in done),
    )


def time_tesseract_cli(inputs: list[Path]) -> tuple[float, int]:
    """Seconds for the plain `tesseract` command over the same pages, one after another."""
    with tempfile.TemporaryDirectory() as tmp:
        pages = []
        for path in inputs:
            for index in range(ingest.count_pages(path)):
                page = tmp + f"/{path.stem}-{index}.png"
                Path(page).write_bytes(
                    tesseract.encode(preprocess.preprocess(ingest.load_page(path, index)))
                )
                pages.append(page)
        start = time.perf_counter()
        for page in pages:
            subprocess.run(
                ["tesseract", page, "-", "--psm", "3"],
                check=True,
                capture_output=True,
                env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin"},
            )
        return time.perf_counter() - start, len(pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per row; the median is shown")
    args = parser.parse_args()
    console = Console()

    inputs = scan_inputs()
    table = Table(title=f"Scans: {len(inputs)} files in raw_scans/ (median of {args.repeat})")
    for column in ("runner", "pages", "seconds", "pages/min", "in Tesseract"):
        table.add_column(column, justify="right")
    runs = [time_tesseract_cli(inputs) for _ in range(args.repeat)]
    wall = statistics.median(r[0] for r in runs)
    table.add_row(
        "tesseract CLI, serial",
        str(runs[0][1]),
        f"{wall:.2f}",
        f"{60 * runs[0][1] / wall:.0f}",
        "100%",
    )
    for jobs in (1, 2):
        runs = [time_batch(inputs, jobs) for _ in range(args.repeat)]
        wall = statistics.median(r[0] for r in runs)
        pages = runs[0][1]
        share = statistics.median(r[2] / r[3] for r in runs)
        table.add_row(
            f"ocrfix run --jobs {jobs}",
            str(pages),
            f"{wall:.2f}",
            f"{60 * pages / wall:.0f}",
            f"{share:.0%}",
        )
    console.print(table)

    if not SEEDS.is_dir():
        console.print("../shared/seeds not found: text corpus skipped")
        return
    seeds = sorted(SEEDS.glob("*.txt"))
    size = sum(p.stat().st_size for p in seeds)
    table = Table(title=f"Text: {len(seeds)} files of ../shared/seeds, {size / 1024:.0f} KiB")
    for column in ("command", "seconds (median)", "KiB/s"):
        table.add_column(column, justify="right")
    times = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "ocrfix.cli", "run", str(SEEDS), "--out", out, "-q"],
                check=True,
            )
            times.append(time.perf_counter() - start)
    seconds = statistics.median(times)
    table.add_row(
        "ocrfix run seeds/ (new process)", f"{seconds:.2f}", f"{size / 1024 / seconds:.0f}"
    )
    console.print(table)


if __name__ == "__main__":
    main()
