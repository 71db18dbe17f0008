"""ocrfix: scanned pages and damaged OCR text in, text a person can trust out."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ocrfix")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"
