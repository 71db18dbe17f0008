"""The batch end to end, with real Tesseract."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import PAGE_TEXT, ROOT, SEEDS, require_shared
from ocrfix import cli, synth
from ocrfix.fsio import staged_folder, write_folder, write_pieces
from ocrfix.metrics import cer
from ocrfix.pipeline import Settings, process_batch, process_document
from ocrfix.review import decisions
from ocrfix.review.table import spreadsheet_value


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_page_is_read_by_tesseract_with_words_and_boxes(page_png, tmp_path):
    outcome = process_document(page_png, tmp_path)
    doc = tmp_path / "page"
    raw = (doc / "raw.txt").read_text("utf-8")
    assert cer(raw, PAGE_TEXT) < 0.02
    assert outcome.status == "done" and outcome.pages == 1 and outcome.words >= 20
    with (doc / "words.tsv").open() as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert len(rows) == outcome.words
    for row in rows:
        assert raw[int(row["start"]) : int(row["end"])] == spreadsheet_value(row["text"])
        assert 0 <= float(row["conf"]) <= 100 and int(row["width"]) > 0
    manifest = json.loads((doc / "manifest.json").read_text())
    assert manifest["engine"]["name"] == "tesseract" and manifest["pages"] == 1
    assert (doc / "pages" / "page-001.png").stat().st_size > 1000


def test_multipage_tiff_pages_are_separated_by_form_feeds(tmp_path):
    texts = ["The first page of the pamphlet", "The second page of the pamphlet"]
    pages = [synth.binarize(synth.render_page(t, page_in=(5.8, 2.0))) for t in texts]
    path = tmp_path / "two.tif"
    synth.save_pages(pages, path, 300)
    process_document(path, tmp_path / "out")
    raw = (tmp_path / "out" / "two" / "raw.txt").read_text("utf-8")
    assert raw.count("\f") == 1
    for got, want in zip(raw.split("\f"), texts, strict=True):
        assert cer(got, want) < 0.05
    rows = list(csv.DictReader((tmp_path / "out" / "two" / "words.tsv").open(), delimiter="\t"))
    assert {row["page"] for row in rows} == {"1", "2"}


def test_rerun_skips_unchanged_and_force_redoes_identically(tmp_path, page_png):
    (tmp_path / "in").mkdir()
    page_png.rename(tmp_path / "in" / "page.png")
    (tmp_path / "in" / "old.txt").write_text("An   old\tOCR text \n")
    out = tmp_path / "out"
    first = process_batch([tmp_path / "in"], out, jobs=2)
    assert [o.status for o in first.outcomes] == ["done", "done"]
    before = {d: folder_bytes(out / d) for d in ("old", "page")}
    again = process_batch([tmp_path / "in"], out, jobs=2)
    assert [o.status for o in again.outcomes] == ["skipped", "skipped"]
    forced = process_batch([tmp_path / "in"], out, jobs=1, force=True)
    assert [o.status for o in forced.outcomes] == ["done", "done"]
    assert {d: folder_bytes(out / d) for d in ("old", "page")} == before
    (tmp_path / "in" / "old.txt").write_text("A changed text\n")
    changed = process_batch([tmp_path / "in"], out)
    assert {o.doc_id: o.status for o in changed.outcomes} == {"old": "done", "page": "skipped"}
    other = process_batch([tmp_path / "in"], out, settings=Settings(psm=6))
    assert {o.status for o in other.outcomes} == {"done"}


def test_output_folder_is_not_searched_for_inputs(tmp_path):
    (tmp_path / "x.txt").write_text("text\n")
    process_batch([tmp_path], tmp_path / "corrections")
    batch = process_batch([tmp_path], tmp_path / "corrections", force=True)
    assert [o.doc_id for o in batch.outcomes] == ["x"]


def test_write_folder_keeps_the_old_folder_when_writing_fails(tmp_path):
    target = tmp_path / "doc"
    write_folder(target, {"raw.txt": b"old"})

    class Exploding(dict):
        def items(self):
            yield "raw.txt", b"new"
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_folder(target, Exploding())
    assert (target / "raw.txt").read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["doc"]


def test_staged_folder_replaces_the_old_folder_only_when_complete(tmp_path):
    target = tmp_path / "doc"
    write_folder(target, {"raw.txt": b"old", "old-only.txt": b"x"})
    with staged_folder(target) as staging:
        assert staging.parent == tmp_path and staging != target
        write_pieces(staging / "raw.txt", ["ne", "w\r\n", "é"])
        assert (target / "raw.txt").read_bytes() == b"old"  # not yet swapped in
    assert {p.name for p in target.iterdir()} == {"raw.txt"}
    assert (target / "raw.txt").read_bytes() == "new\r\né".encode()
    assert [p.name for p in tmp_path.iterdir()] == ["doc"]  # no staging or old folder left


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()])
def test_staged_folder_keeps_the_old_folder_when_the_block_fails(tmp_path, error):
    target = tmp_path / "doc"
    write_folder(target, {"raw.txt": b"old"})
    with pytest.raises(type(error)), staged_folder(target) as staging:
        write_pieces(staging / "raw.txt", ["half"])
        (staging / "pages").mkdir()
        raise error
    assert (target / "raw.txt").read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["doc"]


def test_staged_folder_makes_a_folder_that_did_not_exist(tmp_path):
    target = tmp_path / "new" / "doc"
    with staged_folder(target) as staging:
        (staging / "a.txt").write_text("a")
    assert (target / "a.txt").read_text() == "a"


def test_batch_killed_midway_leaves_whole_folders_and_reruns(tmp_path):
    require_shared()
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "ocrfix.cli",
        "run",
        str(SEEDS),
        "--out",
        str(out),
        "--jobs",
        "1",
        "-q",
    ]
    proc = subprocess.Popen(cmd, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(out.glob("*/manifest.json")):
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    expected = {"raw.txt", "clean.txt", "changes.diff", "suggestions.csv", "manifest.json"}
    for doc in (p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")):
        assert expected <= {p.name for p in doc.iterdir()}, doc
    rerun = subprocess.run(cmd, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert len(list(out.glob("*/manifest.json"))) == len(list(SEEDS.glob("*.txt")))
    assert not [p for p in out.iterdir() if p.name.startswith(".ocrfix-")]


def test_bundled_samples_all_process(tmp_path, capsys):
    status = cli.main(["run", str(ROOT / "raw_scans"), "--out", str(tmp_path), "--jobs", "2"])
    printed = capsys.readouterr().out
    assert status == 0
    assert "ocrfix run" in printed and "Report:" in printed
    docs = {p.parent.name for p in tmp_path.glob("*/manifest.json")}
    assert docs == {p.stem for p in (ROOT / "raw_scans").iterdir()}
    damaged = (tmp_path / "committee_report_damaged" / "raw.txt").read_text("utf-8")
    assert "committee" in damaged
    report = (tmp_path / "report.html").read_text("utf-8")
    assert 'href="circle_notes/clean.txt"' in report
    # the worn page leaves several changes for a person, each on a word of the scan
    # (2 read with best_int, the default OCR model; 3 with fast)
    worn = tmp_path / "toad_lane_talk_worn"
    rows = decisions.read_table(worn / "suggestions.csv").rows
    review = [r for r in rows if not r.auto]
    assert len(review) >= 2
    with (worn / "words.tsv").open(encoding="utf-8", newline="") as fh:
        boxes = [(int(w["start"]), int(w["end"])) for w in csv.DictReader(fh, delimiter="\t")]
    assert all(any(a <= r.start < b for a, b in boxes) for r in review)


def test_help_explains_the_outputs(capsys):
    with pytest.raises(SystemExit):
        cli.main(["run", "--help"])
    text = capsys.readouterr().out
    for word in ("raw.txt", "clean.txt", "suggestions.csv", "--jobs", "--force", "Exit status"):
        assert word in text
