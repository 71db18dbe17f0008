"""report.html: the batch's totals, what is left for review per document, the rule chart."""

from __future__ import annotations

import csv
from pathlib import Path

from ocrfix import cli
from ocrfix.report import documents, write_report
from ocrfix.review import decisions

DAMAGED = (
    "The Corrunittee met on Tuesday\twith the rrembers of the branch. They agreed to\n"
    "hold a meeting wi thout delay, and the secretory read the minutes of the last one.\n"
)
CLEAN = "The members of the branch agreed to meet again next week.\n"


def run_batch(tmp_path: Path) -> Path:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    (source / "damaged.txt").write_text(DAMAGED, "utf-8")
    (source / "clean.txt").write_text(CLEAN, "utf-8")
    assert cli.main(["run", str(source), "--out", str(out), "-q"]) == 0
    return out


def rows_of(folder: Path) -> list[dict[str, str]]:
    with (folder / "suggestions.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_report_counts_what_is_left_and_updates_after_decisions(tmp_path):
    out = run_batch(tmp_path)
    rows = rows_of(out / "damaged")
    review = [r for r in rows if r["auto"] != "true"]
    automatic = [r for r in rows if r["auto"] == "true"]
    assert automatic, "the damaged text gets automatic changes"
    frame, rules = documents(out, {})
    damaged = frame.set_index("doc").loc["damaged"]
    assert damaged["automatic"] == len(automatic)
    assert damaged["left"] == damaged["need"] == len(review)
    assert frame.set_index("doc").loc["clean", "left"] == 0
    assert rules["tab-space"] == 1
    page = (out / "report.html").read_text("utf-8")
    assert "ocrfix review" in page and 'href="damaged/review.html"' in page
    assert "<svg" in page and "tab-space" in page
    assert "ready to export" in page  # the clean document

    # every item decided: the document is ready, and the report says so once rewritten
    assert review, "secretory -> secretary is left for a person"
    decisions.set_decisions(out / "damaged", {int(r["id"]): "accept" for r in review})
    write_report(out)
    page = (out / "report.html").read_text("utf-8")
    assert "nothing is left for review" in page
    after = documents(out, {})[0].set_index("doc").loc["damaged"]
    assert (after["decided"], after["left"]) == (len(review), 0)
