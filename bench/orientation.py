"""Does the ink say which way up a page stands? ``ocrfix.upright`` on every benchmark page
in its four orientations, against the turn known from how the page was made.

    .venv/bin/python bench/orientation.py [--set all|synthetic|archive] [--limit N]

Each page of bench/scans.py's sets (the 45 synthetic pages of bench/scanset.py and the
45 archive-like pages of bench/archivepages.py) is turned 0°, 90°, 180° and 270°
counter-clockwise and prepared as ocrfix prepares a page; the verdict of
``preprocess.prepare`` (``log["upright"]``) is then right, wrong, or "unsure" (the page
goes to Tesseract's orientation detection, as every turned page did before). The pages
made turned 90° are left out: their true turn depends on the page. Prints one row per
page kind and the total.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image
from rich.console import Console
from rich.table import Table

from ocrfix import preprocess

sys.path.insert(0, str(Path(__file__).parent))
import scans

MADE_TURNED = {"turned180": 180, "turned90": None}  # the turn each page kind needs as made


def verdicts(job: scans.Job) -> tuple[str, list[str]]:
    """The page's kind and, for each quarter turn, ``right``, ``wrong`` or ``unsure``."""
    page = Image.open(job.path)
    page.load()
    file_dpi = page.info.get("dpi", (None,))[0]
    grey = preprocess.to_grey(np.asarray(page.convert("L")))
    needs = MADE_TURNED.get(job.kind, 0)
    if needs is None:
        return job.kind, []
    out = []
    for quarters in range(4):
        turned = np.ascontiguousarray(np.rot90(grey, quarters))
        turn = preprocess.prepare(turned, file_dpi).log["upright"]["turn"]
        expected = (needs + 90 * quarters) % 360
        out.append("unsure" if turn is None else "right" if turn == expected else "wrong")
    return job.kind, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=("all", "synthetic", "archive"), default="all")
    parser.add_argument("--limit", type=int, help="pages of each kind at most")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    gather_args = argparse.Namespace(
        pages=None,
        pageset=args.set,
        fonts=",".join(scans.scanset.FONTS),
        damages=",".join(scans.scanset.DAMAGES),
        limit=args.limit,
        jobs=args.jobs,
    )
    with tempfile.TemporaryDirectory() as tmp:
        jobs, title, _ = scans.gather(gather_args, Path(tmp))
        with ProcessPoolExecutor(args.jobs) as pool:
            results = list(pool.map(verdicts, jobs))
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for kind, outcomes in results:
        by_kind[kind].update(outcomes)
    table = Table(title=f"Which way up, from the ink: {title}, each in 4 orientations")
    for column in ("kind", "cases", "right", "unsure (to Tesseract)", "wrong"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    total: Counter = Counter()
    for kind, counts in by_kind.items():
        if counts:
            total.update(counts)
            cases = sum(counts.values())
            table.add_row(
                kind, str(cases), str(counts["right"]), str(counts["unsure"]), str(counts["wrong"])
            )
    table.add_section()
    table.add_row(
        "all",
        str(sum(total.values())),
        str(total["right"]),
        str(total["unsure"]),
        str(total["wrong"]),
    )
    Console(width=100).print(table)


if __name__ == "__main__":
    main()
