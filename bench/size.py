"""How ocrfix scales with the size of one text: time, memory and the size of review.html.

    PYTHONPATH=src .venv/bin/python bench/size.py [--sizes 5,50]

For each size (in MB, 10^6 bytes of UTF-8) a text is built by concatenating the seed texts
of ../shared/seeds (cycled, a blank line between two of them; the last one cut at a line
end) into a temporary folder, and ``ocrfix run FILE --out TMP --jobs 1 --quiet`` runs on it
in a fresh process. Reported: wall-clock seconds, the child's peak resident memory
(``wait4``'s rusage of that one process), seconds per MB, the total size of the review pages
(``review.html``, ``review-2.html``…) and the largest of them, and the number of
suggestions (from ``manifest.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
MB = 1_000_000


@dataclass
class Run:
    megabytes: float
    seconds: float
    peak_rss: int  # bytes
    review_bytes: int
    review_files: int
    largest_review: int
    suggestions: int


def build_text(path: Path, size: int) -> int:
    """Write about ``size`` bytes of seed text to ``path``; the number of bytes written."""
    seeds = [p.read_bytes() for p in sorted(SEEDS.glob("*.txt"))]
    if not seeds:
        sys.exit(f"no seed texts in {SEEDS}")
    written = 0
    with path.open("wb") as fh:
        k = 0
        while written < size:
            text = seeds[k % len(seeds)]
            text = text if text.endswith(b"\n") else text + b"\n"
            text += b"\n"  # a blank line between two seeds
            if written + len(text) > size:
                cut = text.rfind(b"\n", 0, size - written)
                text = text[: cut + 1] if cut >= 0 else b""
                if not text:
                    break
            fh.write(text)
            written += len(text)
            k += 1
    return written


def run_once(source: Path, out: Path) -> tuple[float, int]:
    """Seconds and peak RSS (bytes) of one ``ocrfix run`` in a new process."""
    command = [sys.executable, "-m", "ocrfix.cli", "run", str(source), "--out", str(out)]
    command += ["--jobs", "1", "--quiet"]
    start = time.perf_counter()
    child = subprocess.Popen(command)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"ocrfix run failed on {source} (exit {child.returncode})")
    return seconds, usage.ru_maxrss * 1024  # Linux reports kilobytes


def measure(megabytes: float, work: Path) -> Run:
    source = work / f"size-{megabytes:g}mb.txt"
    written = build_text(source, int(megabytes * MB))
    out = work / f"out-{megabytes:g}"
    seconds, rss = run_once(source, out)
    folder = out / source.stem
    pages = sorted(folder.glob("review*.html"))
    sizes = [p.stat().st_size for p in pages]
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    source.unlink()
    return Run(
        written / MB,
        seconds,
        rss,
        sum(sizes),
        len(sizes),
        max(sizes, default=0),
        manifest["stats"]["suggestions"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5,50", help="text sizes in MB, comma-separated")
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",") if s.strip()]
    console = Console()
    table = Table(
        title="ocrfix run --jobs 1 on one text of seeds (targets: ≤ 1 GB at 50 MB, "
        "review.html < 5 MB per file)"
    )
    for column in (
        "size MB",
        "seconds",
        "s / MB",
        "peak RSS MB",
        "review MB (files, largest)",
        "suggestions",
    ):
        table.add_column(column, justify="right")
    with tempfile.TemporaryDirectory(prefix="ocrfix-size-") as tmp:
        for megabytes in sizes:
            console.print(f"running {megabytes:g} MB…", style="dim")
            r = measure(megabytes, Path(tmp))
            table.add_row(
                f"{r.megabytes:.1f}",
                f"{r.seconds:.1f}",
                f"{r.seconds / r.megabytes:.1f}",
                f"{r.peak_rss / MB:,.0f}",
                f"{r.review_bytes / MB:.1f} ({r.review_files}, {r.largest_review / MB:.1f})",
                f"{r.suggestions:,}",
            )
    console.print(table)


if __name__ == "__main__":
    main()
