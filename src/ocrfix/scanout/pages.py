"""The page images of a scanned document folder: their pixel size and resolution.

The boxes of ``words.tsv`` are pixels of ``pages/page-NNN.png`` (the preprocessed page that
Tesseract read, rescaled to about 300 dpi). The resolution of each is, in this order: the
image's own (a PNG ``pHYs``), the ``dpi`` that preprocessing recorded for the page in
``manifest.json``, the run's ``default_dpi``, 300.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

DEFAULT_DPI = 300.0
PAGES = "pages"
PAGE_FILE = re.compile(r"page-([0-9]+)\.png\Z")


@dataclass(frozen=True)
class ScanPage:
    """One page image: its number (1-based), file, size in pixels and dots per inch."""

    number: int
    path: Path
    width: int
    height: int
    dpi: float

    @property
    def points(self) -> tuple[float, float]:
        """The page's size in PDF points (1/72 inch)."""
        return self.width * 72 / self.dpi, self.height * 72 / self.dpi


def manifest_dpi(manifest: Mapping, page: int) -> float | None:
    """The resolution preprocessing recorded for ``page``, else the run's default.

    >>> manifest_dpi({"preprocessing": [{"page": 1, "dpi": 306}]}, 1)
    306.0
    >>> manifest_dpi({"settings": {"default_dpi": 200}}, 2)
    200.0
    """
    for entry in manifest.get("preprocessing") or []:
        if isinstance(entry, Mapping) and entry.get("page") == page and entry.get("dpi"):
            return float(entry["dpi"])
    default = (manifest.get("settings") or {}).get("default_dpi")
    return float(default) if default else None


def image_dpi(image: Image.Image) -> float | None:
    """The horizontal resolution an image file records, if any (a plausible one)."""
    dpi = image.info.get("dpi")
    value = float(dpi[0]) if dpi else 0.0
    return value if 10 <= value <= 10000 else None


def scan_pages(folder: Path, manifest: Mapping) -> list[ScanPage]:
    """The page images of a document folder, in page order."""
    pages = []
    for path in sorted((folder / PAGES).glob("page-*.png")):
        match = PAGE_FILE.match(path.name)
        if not match:
            continue
        number = int(match.group(1))
        with Image.open(path) as image:
            width, height = image.size
            dpi = image_dpi(image) or manifest_dpi(manifest, number) or DEFAULT_DPI
        pages.append(ScanPage(number, path, width, height, dpi))
    return pages
