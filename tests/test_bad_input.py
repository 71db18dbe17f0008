"""Every kind of bad input gets a one-line error naming the file; the batch goes on."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from faultcases import png_header_only
from ocrfix import cli, ingest, synth
from ocrfix.fsio import OLD_PREFIX, TMP_PREFIX
from ocrfix.ingest import InputError


def make_pdf(path: Path, width_pt: float = 420, height_pt: float = 595) -> None:
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(width_pt, height_pt)
    pdf.save(path)
    pdf.close()


@pytest.fixture
def bad_inputs(tmp_path: Path, page_png: Path) -> dict[str, Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    files = {
        name: folder / name
        for name in (
            "empty.png",
            "empty.txt",
            "truncated.png",
            "not_an_image.jpg",
            "not_a_pdf.pdf",
            "encrypted.pdf",
            "nul.txt",
            "huge.png",
            "bomb.png",
            "huge_page.pdf",
            "latin1.txt",
            "cp1252.txt",
            "good.png",
            "notes.docx",
        )
    }
    files["empty.png"].write_bytes(b"")
    files["empty.txt"].write_bytes(b"")
    data = page_png.read_bytes()
    files["truncated.png"].write_bytes(data[: len(data) // 2])
    files["not_an_image.jpg"].write_text("this is a shopping list, not a photograph\n")
    files["not_a_pdf.pdf"].write_text("just some words\n")
    plain = tmp_path / "plain.pdf"
    make_pdf(plain)
    with pikepdf.open(plain) as pdf:
        pdf.save(files["encrypted.pdf"], encryption=pikepdf.Encryption(owner="o", user="secret"))
    files["nul.txt"].write_bytes(b"text\x00with\x00nul")
    png_header_only(files["huge.png"], 12_000, 11_000)  # 132 MP: over our 120 MP limit
    png_header_only(files["bomb.png"], 40_000, 40_000)  # 1,600 MP: Pillow's guard too
    make_pdf(files["huge_page.pdf"], 5000, 5000)  # 20,833 px square at 300 dpi
    files["latin1.txt"].write_bytes("Café, déjà vu, naïve\n".encode("latin-1"))
    files["cp1252.txt"].write_bytes("“Quoted” – and €5\n".encode("cp1252"))
    files["good.png"].write_bytes(data)
    files["notes.docx"].write_bytes(b"PK\x03\x04")
    return files


REASONS = {
    "empty.png": "empty file",
    "empty.txt": "empty file",
    "truncated.png": "truncated or corrupt image",
    "not_an_image.jpg": "not an image",
    "not_a_pdf.pdf": "not a PDF",
    "encrypted.pdf": "PDF is encrypted",
    "nul.txt": "NUL bytes",
    "huge.png": "over the limit of 120 megapixels",
    "bomb.png": "over the limit of 120 megapixels",
    "huge_page.pdf": "over the limit of 120 megapixels",
}


@pytest.mark.parametrize("name", sorted(set(REASONS) - {"truncated.png"}))
def test_bad_input_is_refused_from_its_header(bad_inputs, name):
    with pytest.raises(InputError) as caught:
        ingest.count_pages(bad_inputs[name])
    assert REASONS[name] in str(caught.value)
    assert str(caught.value).startswith(str(bad_inputs[name]))
    assert "\n" not in str(caught.value)


def test_truncated_image_is_refused_when_decoded(bad_inputs):
    path = bad_inputs["truncated.png"]
    assert ingest.count_pages(path) == 1
    with pytest.raises(InputError, match="truncated or corrupt image"):
        ingest.load_page(path, 0)


def test_text_in_latin1_and_cp1252_is_decoded_and_said_so(bad_inputs):
    text, encoding, note = ingest.read_text(bad_inputs["latin1.txt"])
    assert text == "Café, déjà vu, naïve\n" and "decoded as" in note
    text, encoding, note = ingest.read_text(bad_inputs["cp1252.txt"])
    assert text == "“Quoted” – and €5\n" and encoding == "cp1252"


def test_utf8_text_has_no_note(tmp_path):
    path = tmp_path / "ok.txt"
    path.write_text("Plain – UTF-8 ‘text’\n", encoding="utf-8")
    assert ingest.read_text(path) == ("Plain – UTF-8 ‘text’\n", "utf-8", "")


def test_batch_reports_each_bad_input_on_one_line_and_goes_on(bad_inputs, tmp_path, capsys):
    out = tmp_path / "out"
    status = cli.main(["run", str(tmp_path / "in"), "--out", str(out), "--jobs", "2", "-q"])
    err = capsys.readouterr().err
    assert status == 1
    lines = err.strip().splitlines()
    for name, reason in REASONS.items():
        mine = [line for line in lines if str(bad_inputs[name]) in line]
        assert len(mine) == 1, (name, lines)
        assert mine[0].startswith("error: ") and reason in mine[0]
        assert not (out / Path(name).stem).exists(), f"{name} left an output folder"
    assert f"skipped: {bad_inputs['notes.docx']}: unsupported file type" in lines
    assert any("latin1.txt" in line and line.startswith("note: ") for line in lines)
    for good in ("good", "latin1", "cp1252"):
        assert (out / good / "clean.txt").exists(), good
    assert "Café" in (out / "latin1" / "raw.txt").read_text("utf-8")
    leftovers = [p for p in out.iterdir() if p.name.startswith((TMP_PREFIX, OLD_PREFIX))]
    assert leftovers == []
    assert "not_a_pdf.pdf" in (out / "report.html").read_text("utf-8")


def test_batch_of_good_inputs_exits_zero(tmp_path, page_png, capsys):
    (tmp_path / "a.txt").write_text("one\ttwo\n")
    status = cli.main(
        ["run", str(tmp_path / "a.txt"), str(page_png), "--out", str(tmp_path / "out"), "-q"]
    )
    assert status == 0
    assert capsys.readouterr().err == ""


def test_missing_input_path_is_an_error(tmp_path, capsys):
    status = cli.main(["run", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o"), "-q"])
    assert status == 1
    assert "nowhere: no such file or folder" in capsys.readouterr().err


def test_rendered_page_of_a_sample_pdf_is_read(tmp_path):
    path = tmp_path / "two.pdf"
    pages = [synth.binarize(synth.render_page(t, page_in=(4, 2))) for t in ("one", "two")]
    synth.save_pages(pages, path, 300)
    assert ingest.count_pages(path) == 2
    image = ingest.load_page(path, 1)
    assert image.mode == "L" and image.size == (1200, 600)
