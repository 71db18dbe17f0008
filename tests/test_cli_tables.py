"""The command's tables fit an 80-column terminal, never cut a header or a document id, and
``--lang`` is checked against Tesseract's languages before any work.

Every test runs the real command (in this process, with ``COLUMNS=80``, which rich reads)
on a small batch: a rendered page and a text, read by Tesseract and corrected for real.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import PAGE_TEXT
from ocrfix import cli, synth

LONG_ID = "minutes_of_the_library_group_1917"  # the scan's document id: 33 characters
NOTES = (
    "The members bave agreed to keep the catalogue and mony of the pamphlets.\n"
    "The secretary read the rninutes of the last meeting.\n"
)
NOTES_TRUTH = (
    "The members have agreed to keep the catalogue and many of the pamphlets.\n"
    "The secretary read the minutes of the last meeting.\n"
)

RUN_HEADER = ["done", "skipped", "failed", "pages", "words", "suggestions", "applied", "seconds"]
APPLY_HEADER = {
    "document",
    "accept",
    "edit",
    "reject",
    "keep",
    "auto",
    "kept",
    "need",
    "a",
    "decision",
}


@contextlib.contextmanager
def columns(width: int) -> Iterator[None]:
    """``COLUMNS=width`` for the duration (rich reads it when a console is made)."""
    before = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(width)
    try:
        yield
    finally:
        if before is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = before


def ocrfix(*args: str | Path) -> tuple[int, str, str]:
    """``ocrfix ARGS`` in this process at 80 columns: exit status, standard output and error."""
    out, err = io.StringIO(), io.StringIO()
    with columns(80), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main([str(a) for a in args])
    return status, out.getvalue(), err.getvalue()


def assert_fits(text: str, width: int = 80) -> None:
    """No line wider than ``width`` and nothing cut short with an ellipsis."""
    long = [line for line in text.splitlines() if len(line) > width]
    assert not long, "\n".join(long)
    assert "…" not in text, text


def header(text: str) -> str:
    """The words of a table's header rows (those drawn with ┃), row after row."""
    rows = [line for line in text.splitlines() if line.startswith("┃")]
    return " ".join(cell.strip() for row in rows for cell in row.split("┃") if cell.strip())


def column(text: str, index: int) -> str:
    """The cells of a table's column ``index`` (body rows), joined: a folded id reads whole."""
    rows = [line.split("│") for line in text.splitlines() if line.startswith("│")]
    return "".join(row[index + 1].strip() for row in rows)


@pytest.fixture(scope="module")
def batch(tmp_path_factory, page_image) -> Path:
    """A folder ``in/`` (the scan LONG_ID.png and notes.txt), ``gt/`` with their truths, and
    ``out/`` that ``ocrfix run`` made of them, with its printed output in ``run.out``."""
    root = tmp_path_factory.mktemp("tables")
    (root / "in").mkdir()
    (root / "gt").mkdir()
    synth.save_pages([page_image], root / "in" / f"{LONG_ID}.png", 300)
    (root / "in" / "notes.txt").write_text(NOTES, "utf-8")
    (root / "gt" / f"{LONG_ID}.gt.txt").write_text(PAGE_TEXT + "\n", "utf-8")
    (root / "gt" / "notes.gt.txt").write_text(NOTES_TRUTH, "utf-8")
    status, out, err = ocrfix("run", root / "in", "--out", root / "out", "--jobs", "2")
    assert status == 0, err
    (root / "run.out").write_text(out, "utf-8")
    return root


def test_run_summary_fits_80_columns_with_whole_headers(batch):
    printed = (batch / "run.out").read_text("utf-8")
    assert_fits(printed)
    words = header(printed).split()
    assert words == RUN_HEADER
    assert column(printed, 0) == "2"
    assert f"Report: {batch / 'out' / 'report.html'}" in printed.replace("\n", " ")


def test_apply_fits_80_columns_with_ids_whole_and_the_workload(batch):
    status, printed, err = ocrfix("apply", batch / "out", "--no-learn")
    assert status == 0, err
    assert_fits(printed)
    assert set(header(printed).split()) == APPLY_HEADER
    ids = column(printed, 0)
    assert LONG_ID in ids and "notes" in ids and ids.endswith("total")
    review = " ".join(
        line.split("│")[-2].strip() for line in printed.splitlines() if line.startswith("│")
    )
    assert re.search(r"\d+ of \d+|ready", review)
    assert re.search(r"\d+ of \d+ need a decision|ready to export", printed)  # the total


def test_apply_wide_adds_the_columns_and_learns(batch):
    status, printed, err = ocrfix("apply", batch / "out", "--wide")
    assert status == 0, err
    assert "…" not in printed
    words = header(printed).split()
    assert "undecided" in words and "final.txt" in words and "chars" in words
    learned = printed.split("┘\n", 1)[1]  # the prose below the table wraps to 80, paths whole
    assert learned.startswith("Left for review: ") and "\nLearned from 2 document(s)" in learned
    assert all(len(line) <= 80 or " " not in line for line in learned.splitlines())


def test_eval_fits_80_columns_and_wide_shows_every_figure(batch):
    status, printed, err = ocrfix("eval", batch / "out", "--gt", batch / "gt")
    assert status == 0, err
    assert_fits(printed)
    words = header(printed).split()
    for word in ("document", "CER", "raw", "clean", "reduction", "alarms", "ideal", "review"):
        assert word in words
    assert "WER" not in words
    ids = column(printed, 0)
    assert ids == f"{LONG_ID}notestotal"

    status, wide, err = ocrfix("eval", batch / "out", "--gt", batch / "gt", "--wide")
    assert status == 0, err
    assert "…" not in wide
    words = header(wide).split()
    assert "WER" in words and "chars" in words
    assert f"│ {LONG_ID} │" in wide  # wide: as wide as the columns need, the id on one line


def test_eval_json_keeps_its_format(batch):
    status, printed, err = ocrfix("eval", batch / "out", "--gt", batch / "gt", "--json")
    assert status == 0, err
    report = json.loads(printed)
    assert set(report) == {"documents", "total", "without_truth"}
    assert [d["doc"] for d in report["documents"]] == [LONG_ID, "notes"]
    total = report["total"]
    for name in ("chars", "char_errors_raw", "char_errors_clean", "review_items"):
        assert total[name] == sum(d[name] for d in report["documents"])
    assert total["cer_raw"] == round(total["char_errors_raw"] / total["chars"], 6)


def test_a_very_long_id_is_folded_not_cut(tmp_path):
    name = "proceedings_of_the_annual_general_meeting_of_the_society_1921"  # 62 characters
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / f"{name}.txt").write_text(NOTES, "utf-8")
    status, _, err = ocrfix("run", tmp_path / "in", "--out", tmp_path / "out", "-q")
    assert status == 0, err
    status, printed, err = ocrfix("apply", tmp_path / "out", "--no-learn")
    assert status == 0, err
    assert_fits(printed)
    assert column(printed, 0) == f"{name}total"


# ---------------------------------------------------------------- --lang


def run_cli(*args: str | Path) -> subprocess.CompletedProcess:
    """``ocrfix ARGS`` as a real process."""
    return subprocess.run(
        [sys.executable, "-m", "ocrfix.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize(("lang", "missing"), [("deu", "deu"), ("fra+eng", "fra")])
def test_a_language_tesseract_lacks_is_refused_on_one_line_before_any_work(
    tmp_path, page_png, lang, missing
):
    out = tmp_path / "out"
    done = run_cli("run", page_png, "--out", out, "--lang", lang)
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"error: Tesseract has no language data for {missing} ")
    assert "installed: eng" in lines[0] and f"tesseract-ocr-{missing}" in lines[0]
    assert "for eng" not in lines[0]
    assert not out.exists()
    assert done.stdout == ""


def test_a_batch_of_texts_needs_no_tesseract_language(tmp_path):
    (tmp_path / "notes.txt").write_text(NOTES, "utf-8")
    status, _, err = ocrfix("run", tmp_path / "notes.txt", "--out", tmp_path / "o", "--lang", "deu")
    assert status == 0, err
    assert (tmp_path / "o" / "notes" / "clean.txt").is_file()


def test_an_empty_language_is_a_usage_error(tmp_path, page_png):
    status, _, err = ocrfix("run", page_png, "--out", tmp_path / "o", "--lang", "+", "-q")
    assert status == 2
    assert err.startswith("error: language '+' names no Tesseract language")
