"""What a reviewer must look at on the damaged seeds, and how much of it is worth a look.

    .venv/bin/python bench/review_load.py [--floors 0.25,0.3,...] [--json] [--ocrfix-src DIR]

``--ocrfix-src`` runs another checkout's ocrfix (its ``src/``) on the seeds, e.g. the
commit an issue was filed against, to count what its reviewer faced.

Runs ``ocrfix run`` on seeds ``004_…`` and ``000_…`` (``../shared/seeds``) and counts, per
seed:
- cards before issue 12: the app walked every suggestion, automatic and layout ones too;
- cards now: a card per suggestion that needs a decision (not automatic, not layout), one
  summary card for the document's layout changes (:mod:`ocrfix.review.workload`);
- of the items left for review that fall in the hand-corrected segments of
  ``../shared/eval/dev`` (``seg_A_*`` from 004, ``seg_B_*`` from 000), how many are right:
  the replacement or one of its alternatives brings the text nearer the truth.
For each probability floor under which an item is not shown, the same counts: what the
floor removes, and how many right suggestions it loses. With ``--realocr``, the same share
of right items by floor over the corrector's suggestions on ``realocr/dev`` (109 newspaper
articles never trained on), judged against their truths.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ocrfix.metrics import effect, truth_offsets
from ocrfix.review.decisions import Row, read_table
from ocrfix.review.workload import workload

sys.path.insert(0, str(Path(__file__).parent))
from correction import REALOCR, SHARED, as_row, pairs

SEEDS = {"004": "seg_A_", "000": "seg_B_"}
FLOORS = (0.0, 0.3, 0.35, 0.4, 0.45, 0.5)


@dataclass(frozen=True)
class Item:
    """A suggestion left for review, and whether the gold says it is right (None: outside
    the gold segments)."""

    row: Row
    right: bool | None  # the replacement or one of the alternatives is right
    first: bool | None  # the replacement itself is right


def run_seeds(out: Path, src: Path | None = None) -> dict[str, Path]:
    """``ocrfix run`` (of the checkout ``src``, if given) on the two damaged seeds; their
    output folders by seed number."""
    inputs = {k: next((SHARED / "seeds").glob(f"{k}_*.txt")) for k in SEEDS}
    cmd = [sys.executable, "-m", "ocrfix.cli", "run", *map(str, inputs.values())]
    env = {**os.environ, "PYTHONPATH": str(src)} if src else None
    subprocess.run([*cmd, "--out", str(out), "-q"], check=True, env=env)
    return {k: out / p.stem for k, p in inputs.items()}


def segments(raw: str, prefix: str) -> list[tuple[int, str, str]]:
    """``(offset in raw, ocr, truth)`` of each gold segment cut from ``raw``."""
    found = ((raw.find(ocr), ocr, truth) for ocr, truth in pairs(prefix).values())
    return [(at, ocr, truth) for at, ocr, truth in found if at >= 0]


def judged(row: Row, cuts: list[tuple[int, str, str, list[int]]]) -> Item:
    """A suggestion judged by the gold segment it falls in (None outside them)."""
    for at, ocr, truth, offsets in cuts:
        if at <= row.start and row.end <= at + len(ocr):
            start, end = row.start - at, row.end - at
            gains = [effect(ocr, truth, offsets, start, end, t)
                     for t in dict.fromkeys([row.replacement, *row.alternatives])]  # fmt: skip
            return Item(row, min(gains) < 0, gains[0] < 0)
    return Item(row, None, None)


def items_of(folder: Path, prefix: str) -> tuple[list[Row], list[Item]]:
    """All rows of a seed's table and its review items, judged where gold exists."""
    raw = (folder / "raw.txt").read_text("utf-8")
    rows = read_table(folder / "suggestions.csv").rows
    cuts = [(at, o, t, truth_offsets(o, t)) for at, o, t in segments(raw, prefix)]
    review = [r for r in rows if not r.auto]
    return rows, [judged(r, cuts) for r in review]


def realocr_items() -> list[Item]:
    """The corrector's review items on each ``realocr/dev`` OCR text, judged by its truth."""
    from ocrfix.correct.assemble import default_corrector

    corrector, found = default_corrector(), []
    for ocr, truth in pairs("", REALOCR).values():
        cuts = [(0, ocr, truth, truth_offsets(ocr, truth))]
        for k, s in enumerate(corrector.suggest(ocr)):
            if not s.auto:
                found.append(judged(as_row(k, s), cuts))
    return found


def counts(rows: list[Row], items: list[Item], floor: float) -> dict:
    """The cards and the judged items once items under ``floor`` are not shown."""
    hidden = {i.row.id for i in items if i.row.score < floor}
    kept = [r for r in rows if r.id not in hidden]
    load = workload((r.rule, r.auto, "") for r in kept)
    shown = [i for i in items if i.row.id not in hidden]
    judged_items = [i for i in shown if i.right is not None]
    right = sum(bool(i.right) for i in judged_items)
    first = sum(bool(i.first) for i in judged_items)
    return {
        "floor": floor,
        "cards_before": len(rows),
        "cards": load.cards,
        "need": load.need,
        "judged": len(judged_items),
        "right": right,
        "share_right": right / len(judged_items) if judged_items else 0.0,
        "first_right": first,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--floors", default=",".join(map(str, FLOORS)))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--realocr", action="store_true", help="also judge realocr/dev items")
    parser.add_argument("--ocrfix-src", type=Path, help="the src/ of another ocrfix checkout")
    args = parser.parse_args()
    floors = [float(f) for f in args.floors.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        folders = run_seeds(Path(tmp), args.ocrfix_src)
        report = {}
        for seed, folder in folders.items():
            rows, items = items_of(folder, SEEDS[seed])
            report[seed] = [counts(rows, items, f) for f in floors]
    if args.realocr:
        items = realocr_items()
        report["realocr/dev"] = [counts([i.row for i in items], items, f) for f in floors]
    if args.json:
        print(json.dumps(report, indent=2))
        return
    table = Table(title="Review load on the damaged seeds")
    for name in ("seed", "floor", "cards before", "cards now", "need", "judged", "right",
                 "share right", "first right"):  # fmt: skip
        table.add_column(name, justify="right")
    for seed, lines in report.items():
        for c in lines:
            table.add_row(
                seed, f"{c['floor']:.2f}", str(c["cards_before"]), str(c["cards"]),
                str(c["need"]), str(c["judged"]), str(c["right"]), f"{c['share_right']:.0%}",
                str(c["first_right"]),
            )  # fmt: skip
    Console().print(table)


if __name__ == "__main__":
    main()
