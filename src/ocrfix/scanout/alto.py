"""``final.alto.xml``: the reviewed words and their boxes as ALTO v4 (Library of Congress).

Coordinates are pixels of ``pages/page-NNN.png`` (``MeasurementUnit`` pixel), one ``Page``
per image. A ``TextBlock`` is a paragraph of Tesseract's layout (its block and paragraph
numbers in ``words.tsv``), a ``TextLine`` one of its lines; ``String`` boxes and contents
are those of :func:`~ocrfix.scanout.words.final_words`, ``SP`` the gaps between them. A
String that review changed keeps the OCR's reading as its ``ALTERNATIVE`` (``PURPOSE``
``ocr``); ``WC`` is Tesseract's confidence in the box's OCR reading, from 0 to 1.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from ocrfix.scanout.pages import ScanPage
from ocrfix.scanout.words import Box, FinalWord, union

NS = "http://www.loc.gov/standards/alto/ns-v4#"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_VERSION = "4.4"
SCHEMA_LOCATION = f"{NS} http://www.loc.gov/standards/alto/v4/alto-4-4.xsd"


@dataclass(frozen=True)
class Source:
    """What the Description says: the scanned file, the OCR engine, the ocrfix version."""

    file_name: str
    engine: str = "Tesseract"
    engine_version: str = ""
    engine_settings: str = ""
    ocrfix_version: str = ""


def sub(parent: ET.Element, name: str, text: str | None = None, **attrib: str) -> ET.Element:
    """A child element (in the ALTO namespace, which the root declares as the default)."""
    child = ET.SubElement(parent, name, attrib)
    if text is not None:
        child.text = text
    return child


def box_attrib(box: Box) -> dict[str, str]:
    """``HPOS VPOS WIDTH HEIGHT`` of a box.

    >>> box_attrib((1, 2, 3, 4))
    {'HPOS': '1', 'VPOS': '2', 'WIDTH': '3', 'HEIGHT': '4'}
    """
    return dict(zip(("HPOS", "VPOS", "WIDTH", "HEIGHT"), map(str, box), strict=True))


def confidence(conf: float) -> str:
    """Tesseract's 0..100 as ALTO's ``WC``, 0..1.

    >>> confidence(96.53), confidence(-1), confidence(100)
    ('0.9653', '0', '1')
    """
    value = min(max(conf / 100, 0.0), 1.0)
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"


def description(root: ET.Element, source: Source) -> None:
    """``Description``: unit, source image, and the processing (Tesseract, then ocrfix)."""
    desc = sub(root, "Description")
    sub(desc, "MeasurementUnit", "pixel")
    sub(sub(desc, "sourceImageInformation"), "fileName", source.file_name)
    processing = sub(desc, "OCRProcessing", ID="OCR_0")
    ocr = sub(processing, "ocrProcessingStep")
    sub(ocr, "processingCategory", "contentGeneration")
    if source.engine_settings:
        sub(ocr, "processingStepSettings", source.engine_settings)
    software = sub(ocr, "processingSoftware")
    sub(software, "softwareName", source.engine)
    if source.engine_version:
        sub(software, "softwareVersion", source.engine_version)
    post = sub(processing, "postProcessingStep")
    sub(post, "processingCategory", "contentModification")
    sub(post, "processingStepDescription", "OCR errors corrected and reviewed with ocrfix")
    software = sub(post, "processingSoftware")
    sub(software, "softwareName", "ocrfix")
    if source.ocrfix_version:
        sub(software, "softwareVersion", source.ocrfix_version)


def text_line(block: ET.Element, words: Sequence[FinalWord], line_id: str, first: int) -> None:
    """One ``TextLine``: its Strings (numbered from ``first`` on the page) and the SPs."""
    line_box = union([w.word.box for w in words])
    line = sub(block, "TextLine", ID=line_id, **box_attrib(line_box))
    page = words[0].word.page
    for i, fw in enumerate(words):
        if i:
            before = words[i - 1].word.box
            gap = max(fw.word.box[0] - before[0] - before[2], 0)
            hpos = str(before[0] + before[2])
            sub(line, "SP", WIDTH=str(gap), VPOS=str(line_box[1]), HPOS=hpos)
        string = sub(
            line,
            "String",
            ID=f"P{page}_S{first + i}",
            **box_attrib(fw.word.box),
            CONTENT=fw.text,
            WC=confidence(fw.word.conf),
        )
        if fw.changed:
            sub(string, "ALTERNATIVE", fw.original, PURPOSE="ocr")


def page_element(layout: ET.Element, page: ScanPage, words: Sequence[FinalWord]) -> None:
    """One ``Page`` with its ``PrintSpace`` (the whole image) and text blocks."""
    n = page.number
    element = sub(
        layout,
        "Page",
        ID=f"P{n}",
        PHYSICAL_IMG_NR=str(n),
        WIDTH=str(page.width),
        HEIGHT=str(page.height),
    )
    space = sub(element, "PrintSpace", **box_attrib((0, 0, page.width, page.height)))
    blocks: dict[tuple[int, int], dict[int, list[FinalWord]]] = {}
    for fw in words:
        w = fw.word
        blocks.setdefault((w.block, w.par), {}).setdefault(w.line, []).append(fw)
    count = 0
    for (b, p), lines in blocks.items():
        boxes = [fw.word.box for line in lines.values() for fw in line]
        block = sub(space, "TextBlock", ID=f"P{n}_B{b}_{p}", **box_attrib(union(boxes)))
        for number, line in lines.items():
            text_line(block, line, f"P{n}_L{b}_{p}_{number}", count + 1)
            count += len(line)


def alto_bytes(pages: Sequence[tuple[ScanPage, Sequence[FinalWord]]], source: Source) -> bytes:
    """The ALTO document of the pages, each with its words, as UTF-8."""
    root = ET.Element(
        "alto",
        {
            "xmlns": NS,
            "xmlns:xsi": XSI,
            "xsi:schemaLocation": SCHEMA_LOCATION,
            "SCHEMAVERSION": SCHEMA_VERSION,
        },
    )
    description(root, source)
    layout = sub(root, "Layout")
    for page, words in pages:
        page_element(layout, page, words)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")
