"""No input stops a batch: odd files, a full disk, a killed run, a slow page, no Tesseract.

Each runs ``ocrfix`` as a real process (as root, without the power to read any file, so
that file permissions count as for any user).
"""

from __future__ import annotations

import os
import stat

from faultcases import CASES, file_size_limit, kill_a_batch, make_cases, run_ocrfix
from ocrfix.fsio import OLD_PREFIX, TMP_PREFIX


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("error: ")]


def test_every_bad_input_gets_one_line_and_the_batch_goes_on(tmp_path):
    made = make_cases(tmp_path / "in")
    out = tmp_path / "out"
    status, _, err = run_ocrfix(["run", str(tmp_path / "in"), "--out", str(out), "-q"], 240)
    assert status == 1, err
    assert "Traceback" not in err
    for case in CASES:
        mine = [line for line in error_lines(err) if line.startswith(f"error: {made[case.name]}:")]
        assert len(mine) == 1 and case.reason in mine[0], (case.name, err)
    assert (out / "good" / "clean.txt").is_file()
    assert not [p for p in out.iterdir() if p.name.startswith((TMP_PREFIX, OLD_PREFIX))]
    assert "fifo.txt" in (out / "report.html").read_text()


def test_a_full_disk_fails_only_the_documents_it_stops(tmp_path):
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    (source / "small.txt").write_text("A short page.\n")
    (source / "large.txt").write_text("A long page of the pamphlet, line after line.\n" * 3000)
    args = ["run", str(source), "--out", str(out), "-q"]
    status, _, err = run_ocrfix(args, preexec=file_size_limit(64_000))
    assert status == 5, err
    assert error_lines(err) == [
        f"error: {source / 'large.txt'}: the output folder {out / 'large'} cannot be written: "
        "File too large"
    ]
    assert (out / "small" / "manifest.json").is_file() and not (out / "large").exists()
    assert not [p for p in out.iterdir() if p.name.startswith((TMP_PREFIX, OLD_PREFIX))]


def test_a_report_that_cannot_be_written_comes_after_every_document_line(tmp_path):
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    for n in range(60):
        (source / f"page-{n:02d}-with-a-rather-long-name-for-the-report.txt").write_text("Text.\n")
    (source / "empty.txt").write_text("")
    args = ["run", str(source), "--out", str(out), "-q", "--jobs", "1"]
    status, _, err = run_ocrfix(args, preexec=file_size_limit(16_000))
    assert status == 5, err
    lines = error_lines(err)
    assert lines[0].startswith(f"error: {source / 'empty.txt'}: empty file")
    assert lines[-1] == f"error: {out / 'report.html'}: not written: File too large"
    assert len(list(out.glob("*/manifest.json"))) == 60
    assert not (out / "report.html").exists()


def test_killing_the_batch_kills_its_workers(tmp_path):
    workers, survivors = kill_a_batch(tmp_path)
    assert len(workers) >= 2
    assert not survivors


def test_a_page_tesseract_cannot_finish_in_time_is_left_empty(tmp_path, page_png):
    out = tmp_path / "out"
    args = ["run", str(page_png), "--out", str(out), "-q", "--timeout", "0.05"]
    status, _, err = run_ocrfix(args)
    assert status == 0, err
    assert "page 1: Tesseract took longer than 0.05 s" in err
    assert (out / "page" / "raw.txt").read_text() == ""


def test_without_tesseract_scans_fail_on_one_line_and_texts_go_on(tmp_path, page_png):
    (tmp_path / "notes.txt").write_text("Some text.\n")
    out = tmp_path / "out"
    env = {**os.environ, "PATH": str(tmp_path / "nothing-here")}
    args = ["run", str(page_png), str(tmp_path / "notes.txt"), "--out", str(out), "-q"]
    status, _, err = run_ocrfix(args, env=env)
    assert status == 3, err
    assert error_lines(err) == [
        f"error: {page_png}: Tesseract is not installed: install "
        "Tesseract (run `make setup`, or apt-get install tesseract-ocr)"
    ]
    assert (out / "notes" / "clean.txt").is_file()


def test_outputs_follow_the_umask(tmp_path):
    (tmp_path / "notes.txt").write_text("Some text.\n")
    out = tmp_path / "out"

    def group_readable() -> None:
        os.umask(0o027)

    status, _, err = run_ocrfix(
        ["run", str(tmp_path / "notes.txt"), "--out", str(out), "-q"], preexec=group_readable
    )
    assert status == 0, err
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in [out, *out.rglob("*")]}
    assert modes["notes"] == 0o750 and modes["raw.txt"] == 0o640
    assert modes["report.html"] == 0o640 and modes["out"] == 0o750
