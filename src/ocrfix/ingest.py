"""Finding inputs and reading them: images (multi-page TIFF too), PDF pages, text.

Every problem with an input is raised as :class:`InputError`, whose message is one line
naming the file and the reason. Sizes are checked from headers, before any large
allocation.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageSequence, UnidentifiedImageError

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})
PDF_SUFFIXES = frozenset({".pdf"})
TEXT_SUFFIXES = frozenset({".txt"})
SUPPORTED_SUFFIXES = IMAGE_SUFFIXES | PDF_SUFFIXES | TEXT_SUFFIXES

DEFAULT_MAX_PIXELS = 120_000_000
PDF_DPI = 300

# Our own check (see check_pixels) runs first; Pillow's guard stays as a second line.
Image.MAX_IMAGE_PIXELS = DEFAULT_MAX_PIXELS


class InputError(Exception):
    """An input that cannot be processed; ``str()`` is ``"<path>: <reason>"``."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason

    def __reduce__(self):  # crosses process boundaries in a batch
        return InputError, (self.path, self.reason)


@dataclass(frozen=True)
class Found:
    """Inputs found under the given paths: supported files, and files skipped for their type."""

    files: tuple[Path, ...]
    unsupported: tuple[Path, ...]


def kind_of(path: Path) -> str:
    """``image``, ``pdf`` or ``text`` by the file's suffix (case-insensitive)."""
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix in PDF_SUFFIXES:
        return "pdf"
    if suffix in TEXT_SUFFIXES:
        return "text"
    raise InputError(path, f"unsupported file type {suffix or '(none)'}")


def find_inputs(paths: Iterable[Path], exclude: Path | None = None) -> Found:
    """Files given directly and files found recursively in folders, sorted, hidden ones left out.

    ``exclude`` (the output folder) is never searched. A path that does not exist raises.
    """
    files: set[Path] = set()
    unsupported: set[Path] = set()
    excluded = exclude.resolve() if exclude else None
    for path in paths:
        if not path.exists():
            raise InputError(path, "no such file or folder")
        candidates = [path] if path.is_file() else _walk(path, excluded)
        for f in candidates:
            if is_sidecar(f):
                continue  # metadata for the archive, not an input
            (files if f.suffix.lower() in SUPPORTED_SUFFIXES else unsupported).add(f)
    return Found(tuple(sorted(files)), tuple(sorted(unsupported)))


def is_sidecar(path: Path) -> bool:
    """``metadata.csv`` or ``NAME.meta.yaml``: a scans folder's metadata for the archive.

    >>> is_sidecar(Path("scans/metadata.csv")), is_sidecar(Path("a.meta.yaml"))
    (True, True)
    """
    name = path.name.lower()
    return name == "metadata.csv" or name.endswith((".meta.yaml", ".meta.yml"))


def _walk(folder: Path, excluded: Path | None) -> list[Path]:
    found = []
    for root, dirs, names in os.walk(folder):
        root_path = Path(root)
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and (root_path / d).resolve() != excluded
        )
        found += [root_path / n for n in names if not n.startswith(".")]
    return found


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_not_empty(path: Path) -> None:
    if path.stat().st_size == 0:
        raise InputError(path, "empty file")


def check_pixels(path: Path, width: int, height: int, max_pixels: int, what: str = "image") -> None:
    """Refuse a page larger than ``max_pixels`` (known from the header, before decoding)."""
    if width * height > max_pixels:
        raise InputError(
            path,
            f"{what} is {width}x{height} = {width * height / 1e6:.0f} megapixels, over the limit "
            f"of {max_pixels / 1e6:.0f} megapixels",
        )


def _open_image(path: Path) -> Image.Image:
    check_not_empty(path)
    try:
        with warnings.catch_warnings():  # over the limit is refused by check_pixels
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(path)
    except UnidentifiedImageError:
        raise InputError(path, "not an image (its content is no known image format)") from None
    except Image.DecompressionBombError:
        raise InputError(
            path, f"image is over the limit of {Image.MAX_IMAGE_PIXELS / 1e6:.0f} megapixels"
        ) from None
    except OSError as exc:
        raise InputError(path, f"cannot read image: {exc}") from None


def _open_pdf(path: Path):  # -> pypdfium2.PdfDocument
    import pypdfium2 as pdfium

    check_not_empty(path)
    with path.open("rb") as fh:
        if b"%PDF-" not in fh.read(1024):
            raise InputError(path, "not a PDF (no %PDF header)")
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise InputError(path, "PDF is encrypted (a password is needed to open it)") from None
        raise InputError(path, f"PDF will not open: {reason}") from None


def _pdf_page_pixels(page, dpi: int) -> tuple[int, int]:
    width_pt, height_pt = page.get_size()
    return round(width_pt * dpi / 72), round(height_pt * dpi / 72)


def count_pages(path: Path, max_pixels: int = DEFAULT_MAX_PIXELS) -> int:
    """Number of pages of an input, checking from headers that every page can be processed.

    Text files count as one page. Raises :class:`InputError` for empty, unreadable,
    encrypted or over-large inputs.
    """
    kind = kind_of(path)
    if kind == "text":
        read_text(path)
        return 1
    if kind == "pdf":
        pdf = _open_pdf(path)
        try:
            if len(pdf) == 0:
                raise InputError(path, "PDF has no pages")
            for index in range(len(pdf)):
                width, height = _pdf_page_pixels(pdf[index], PDF_DPI)
                check_pixels(path, width, height, max_pixels, f"page {index + 1} at {PDF_DPI} dpi")
            return len(pdf)
        finally:
            pdf.close()
    with _open_image(path) as img:
        pages = 0
        for frame in ImageSequence.Iterator(img):
            pages += 1
            check_pixels(path, *frame.size, max_pixels, f"page {pages}")
        return pages


def load_page(path: Path, index: int, max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image:
    """Decode page ``index`` (0-based) of an image or PDF into an 8-bit grey Pillow image."""
    if kind_of(path) == "pdf":
        pdf = _open_pdf(path)
        try:
            page = pdf[index]
            check_pixels(path, *_pdf_page_pixels(page, PDF_DPI), max_pixels, f"page {index + 1}")
            image = page.render(scale=PDF_DPI / 72, grayscale=True).to_pil()
            image.info["dpi"] = (PDF_DPI, PDF_DPI)
            return image
        finally:
            pdf.close()
    with _open_image(path) as img:
        try:
            img.seek(index)
            check_pixels(path, *img.size, max_pixels, f"page {index + 1}")
            img.load()
            dpi = img.info.get("dpi")
            page = img.convert("L")
        except EOFError:
            raise InputError(path, f"has no page {index + 1}") from None
        except OSError as exc:
            raise InputError(path, f"truncated or corrupt image data ({exc})") from None
        if dpi:
            page.info["dpi"] = dpi
        return page


# (encoding name, what we say about it); tried in order, the first that decodes wins.
_TEXT_ENCODINGS = (
    ("utf-8", ""),
    ("cp1252", "not UTF-8; decoded as cp1252"),
    ("latin-1", "not UTF-8; decoded as Latin-1"),
)


def read_text(path: Path) -> tuple[str, str, str]:
    """Text of a ``.txt`` input as ``(text, encoding, note)``; ``note`` is empty for UTF-8.

    UTF-8 is tried first; text that is not UTF-8 is decoded as cp1252 (Windows' Western
    encoding, a superset of the printable Latin-1), else Latin-1, and the note says so. Text
    with NUL bytes is refused: it is binary, or UTF-16, not OCR output.
    """
    data = path.read_bytes()
    if not data:
        raise InputError(path, "empty file")
    if b"\x00" in data:
        raise InputError(path, "contains NUL bytes: binary data or UTF-16, not plain text")
    for encoding, note in _TEXT_ENCODINGS:
        try:
            return data.decode(encoding), encoding, note
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover
