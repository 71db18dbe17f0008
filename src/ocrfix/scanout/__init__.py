"""The reviewed text of a scanned document on its pages: ``final.pdf`` and ``final.alto.xml``.

``ocrfix apply`` writes both beside ``final.txt`` for a document with ``words.tsv``: the
page images with an invisible, searchable layer of the final words (:mod:`.pdf`), and the
same words with their boxes as ALTO v4 (:mod:`.alto`). Which box shows which final word is
:mod:`.words`; the pages' sizes and resolutions are :mod:`.pages`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ocrfix import __version__
from ocrfix.fsio import atomic_write_bytes, read_json_object
from ocrfix.scanout.alto import Source, alto_bytes
from ocrfix.scanout.pages import ScanPage, scan_pages
from ocrfix.scanout.pdf import pdf_bytes
from ocrfix.scanout.words import FinalWord, final_words, line_boxes, read_words
from ocrfix.suggestion import Suggestion

WORDS = "words.tsv"
MANIFEST = "manifest.json"
FINAL_PDF = "final.pdf"
FINAL_ALTO = "final.alto.xml"
OUTPUTS = (FINAL_PDF, FINAL_ALTO)


def source_of(manifest: dict) -> Source:
    """What the ALTO Description says, from the manifest.

    >>> found = source_of({"input": "scans/a.png", "engine": {"version": "5.3.0", "psm": 3}})
    >>> found.file_name, found.engine, found.engine_version, found.engine_settings
    ('a.png', 'Tesseract', '5.3.0', 'psm=3')
    """
    engine = manifest.get("engine") or {}
    settings = " ".join(f"{k}={engine[k]}" for k in ("lang", "psm") if engine.get(k) is not None)
    return Source(
        Path(str(manifest.get("input") or "")).name,
        str(engine.get("name") or "tesseract").capitalize(),
        str(engine.get("version") or ""),
        settings,
        __version__,
    )


def by_page(
    pages: Sequence[ScanPage], words: Sequence[FinalWord]
) -> list[tuple[ScanPage, list[FinalWord]]]:
    """Each page image with its words (in text order)."""
    found: dict[int, list[FinalWord]] = {p.number: [] for p in pages}
    for fw in words:
        found.setdefault(fw.word.page, []).append(fw)
    return [(p, found[p.number]) for p in pages]


def scan_outputs(folder: Path, raw: str, chosen: Sequence[Suggestion]) -> dict[str, bytes]:
    """``final.pdf`` and ``final.alto.xml`` of a document folder (name -> bytes) for the
    final text ``apply(raw, chosen)``; ``{}`` for a document that is not a scan."""
    words_path = folder / WORDS
    if not words_path.is_file():
        return {}
    words = read_words(words_path.read_text("utf-8"))
    manifest = read_json_object(folder / MANIFEST) or {}
    pages = by_page(scan_pages(folder, manifest), final_words(raw, words, chosen))
    return {
        FINAL_PDF: pdf_bytes(pages, line_boxes(words)),
        FINAL_ALTO: alto_bytes(pages, source_of(manifest)),
    }


def write_scan_outputs(folder: Path, raw: str, chosen: Sequence[Suggestion]) -> list[Path]:
    """Write ``final.pdf`` and ``final.alto.xml`` of a scanned document folder, each
    atomically; the paths written (none for a document without ``words.tsv``).

    Takes ``raw.txt`` and the chosen suggestions rather than ``final.txt``: their spans say
    exactly which OCR box each change belongs to (see :mod:`ocrfix.scanout.words`).
    """
    written = []
    for name, data in scan_outputs(folder, raw, chosen).items():
        atomic_write_bytes(folder / name, data)
        written.append(folder / name)
    return written
