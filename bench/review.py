"""How fast review is.

    .venv/bin/python bench/review.py [--repeat 5]

1. Time to first paint, in headless Chromium (Paint Timing API, ``first-contentful-paint``),
   of a document with 1,000 suggestions: its static ``review.html`` opened from disk, and
   the ``ocrfix review`` app (also the time until the first suggestion is drawn). The
   document is made by ``ocrfix run`` from real text: the shortest beginning of the first
   seed that gives 1,000 suggestions.
2. Seconds to save one decision (suggestions.csv rewritten atomically under the lock).
3. ``apply`` over the corrections of ../shared/seeds: in process, per document, and the
   command ``ocrfix apply --no-learn`` as a user runs it (a new process).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TARGET = 1000


def make_document(out: Path) -> tuple[Path, int]:
    """A document folder with TARGET suggestions (or as near as the corrector allows),
    made by the real pipeline from a beginning of the first seed."""
    from ocrfix.pipeline import process_document
    from ocrfix.review.decisions import read_table

    text = sorted(SEEDS.glob("*.txt"))[0].read_text("utf-8")
    source = out / "thousand.txt"
    doc = out / "corrections" / source.stem

    def run(length: int) -> int:
        source.write_text(text[:length], "utf-8")
        return process_document(source, out / "corrections").suggestions

    if run(len(text)) <= TARGET:
        raise SystemExit(f"the first seed gives no more than {TARGET} suggestions")
    starts = [row.start for row in read_table(doc / "suggestions.csv").rows]
    cut = TARGET  # end the text just before suggestion number cut + 1 of the whole text
    for _ in range(5):
        count = run(starts[cut])
        if count == TARGET:
            break
        cut = min(len(starts) - 1, max(1, cut + TARGET - count))
    return doc, count


def paint_times(context, url: str, mark: str | None = None) -> tuple[float, float | None]:
    """``first-contentful-paint`` (and a performance mark) of a fresh load, in ms."""
    page = context.new_page()
    try:
        page.goto(url)
        if mark:
            page.wait_for_function(f"() => performance.getEntriesByName('{mark}').length > 0")
        page.wait_for_function(
            "() => performance.getEntriesByName('first-contentful-paint').length > 0"
        )
        fcp = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
        marked = (
            page.evaluate(f"performance.getEntriesByName('{mark}')[0].startTime") if mark else None
        )
        return fcp, marked
    finally:
        page.close()


def first_paint(doc: Path, repeat: int, console: Console) -> None:
    from playwright.sync_api import sync_playwright

    from ocrfix.review.server import make_server

    server = make_server(doc.parent, port=0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    table = Table(title=f"Time to first paint, ms (median of {repeat})")
    for column in ("page", "KiB", "first contentful paint", "first suggestion drawn"):
        table.add_column(column, justify="right")
    try:
        with sync_playwright() as driver, tempfile.TemporaryDirectory() as profile:
            context = driver.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            html = doc / "review.html"
            runs = [paint_times(context, html.as_uri()) for _ in range(repeat)]
            table.add_row(
                "review.html from disk",
                f"{html.stat().st_size / 1024:.0f}",
                f"{statistics.median(r[0] for r in runs):.0f}",
                "",
            )
            runs = [
                paint_times(context, server.url, "ocrfix-first-suggestion") for _ in range(repeat)
            ]
            table.add_row(
                "ocrfix review app",
                "",
                f"{statistics.median(r[0] for r in runs):.0f}",
                f"{statistics.median(r[1] for r in runs):.0f}",
            )
            context.close()
    finally:
        server.shutdown()
        server.server_close()
    console.print(table)


def save_time(doc: Path, repeat: int) -> float:
    from ocrfix.review.decisions import set_decisions

    times = []
    for i in range(repeat):
        start = time.perf_counter()
        set_decisions(doc, {1: "accept" if i % 2 == 0 else ""})
        times.append(time.perf_counter() - start)
    set_decisions(doc, {1: ""})
    return statistics.median(times)


def apply_times(out: Path, repeat: int, console: Console) -> None:
    from ocrfix.review.decisions import apply_document, document_folders

    folders = document_folders(out)
    table = Table(title=f"apply over the seeds' corrections (median of {repeat})")
    for column in ("document", "suggestions", "apply, s", "one decision saved, s"):
        table.add_column(column, justify="right")
    total = 0.0
    for folder in folders:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            done = apply_document(folder)
            times.append(time.perf_counter() - start)
        seconds = statistics.median(times)
        total += seconds
        table.add_row(
            folder.name,
            str(sum(done.counts.values())),
            f"{seconds:.3f}",
            f"{save_time(folder, repeat):.3f}",
        )
    table.add_row("all (in process)", "", f"{total:.3f}", "")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "ocrfix.cli", "apply", str(out), "--no-learn"],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
    table.add_row(
        "ocrfix apply --no-learn (new process)", "", f"{statistics.median(times):.3f}", ""
    )
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per row; the median is shown")
    args = parser.parse_args()
    console = Console()
    if not SEEDS.is_dir():
        console.print("../shared/seeds not found: nothing to measure")
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["OCRFIX_DATA"] = str(work / "learned")  # nothing learned: plain output
        doc, count = make_document(work)
        size = len((doc / "raw.txt").read_text("utf-8"))
        console.print(f"Document: {count} suggestions in the first {size} characters of a seed")
        if Path(CHROMIUM).exists():
            first_paint(doc, args.repeat, console)
        else:
            console.print(f"{CHROMIUM} not found: first paint not measured")
        console.print(f"Save one decision in {doc.name}: {save_time(doc, args.repeat):.3f} s")
        out = work / "seeds"
        subprocess.run(
            [sys.executable, "-m", "ocrfix.cli", "run", str(SEEDS), "--out", str(out), "-q"],
            check=True,
            env=os.environ,
        )
        apply_times(out, args.repeat, console)


if __name__ == "__main__":
    main()
