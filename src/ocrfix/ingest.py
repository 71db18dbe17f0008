"""Finding inputs and reading them: images (multi-page TIFF too), PDF pages, text.

Every problem with an input is raised as :class:`InputError`, whose message is one line
naming the file and the reason, whatever the library underneath raised. Only regular
files are read (a symbolic link to one is followed; dangling links, link loops, FIFOs and
devices are refused). Sizes are checked from headers, before any large allocation.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageSequence, UnidentifiedImageError

from ocrfix.errors import InputError, os_reason

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})
PDF_SUFFIXES = frozenset({".pdf"})
TEXT_SUFFIXES = frozenset({".txt"})
SUPPORTED_SUFFIXES = IMAGE_SUFFIXES | PDF_SUFFIXES | TEXT_SUFFIXES

DEFAULT_MAX_PIXELS = 120_000_000
DEFAULT_MAX_PAGES = 2000
PDF_DPI = 300

# Our own check (see check_pixels) runs first; Pillow's guard stays as a second line.
Image.MAX_IMAGE_PIXELS = DEFAULT_MAX_PIXELS


@dataclass(frozen=True)
class Found:
    """Inputs found under the given paths: supported files, files skipped for their type,
    and paths that cannot be read at all, each with the reason."""

    files: tuple[Path, ...]
    unsupported: tuple[Path, ...]
    bad: tuple[tuple[Path, str], ...] = ()
    roots: Mapping[Path, Path] = field(default_factory=dict)  # file -> folder it was found in


def unreadable(path: Path) -> str | None:
    """Why ``path`` is not a regular file ocrfix can read, or ``None`` when it is one.

    >>> unreadable(Path("/dev/null"))
    'not a regular file (a device)'
    """
    try:
        mode = os.stat(path).st_mode  # follows a symbolic link
    except FileNotFoundError:
        return "dangling symbolic link" if path.is_symlink() else "no such file or folder"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        return os_reason(exc)
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return None
    what = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    return f"not a regular file ({what})"


def check_readable(path: Path) -> None:
    """Raise :class:`InputError` unless ``path`` is a regular file that can be opened."""
    reason = unreadable(path)
    if reason is None and path.is_dir():
        reason = "is a folder"
    if reason is None:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        except OSError as exc:
            reason = os_reason(exc)
        else:
            os.close(fd)
    if reason is not None:
        raise InputError(path, reason)


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
    bad: dict[Path, str] = {}
    roots: dict[Path, Path] = {}
    excluded = exclude.resolve() if exclude else None
    for path in paths:
        reason = unreadable(path)
        if reason is not None:
            bad[path] = reason
            continue
        root = path if path.is_dir() else path.parent
        candidates = _walk(path, excluded, bad) if path.is_dir() else [path]
        for f in candidates:
            if f not in roots or len(root.parts) < len(roots[f].parts):
                roots[f] = root  # the outermost folder it was found in
            if is_sidecar(f):
                continue  # metadata for the archive, not an input
            if f.suffix.lower() not in SUPPORTED_SUFFIXES:
                unsupported.add(f)
            elif (reason := unreadable(f)) is not None:
                bad[f] = reason
            else:
                files.add(f)
    return Found(
        tuple(sorted(files)),
        tuple(sorted(unsupported)),
        tuple(sorted(bad.items())),
        {f: roots[f] for f in sorted(files)},
    )


def is_sidecar(path: Path) -> bool:
    """``metadata.csv`` or ``NAME.meta.yaml``: a scans folder's metadata for the archive.

    >>> is_sidecar(Path("scans/metadata.csv")), is_sidecar(Path("a.meta.yaml"))
    (True, True)
    """
    name = path.name.lower()
    return name == "metadata.csv" or name.endswith((".meta.yaml", ".meta.yml"))


def _walk(folder: Path, excluded: Path | None, bad: dict[Path, str]) -> list[Path]:
    """Files under ``folder`` (hidden ones and ``excluded`` left out); a folder that cannot
    be listed goes into ``bad`` with the reason."""
    found: list[Path] = []

    def on_error(exc: OSError) -> None:
        bad[Path(exc.filename)] = f"folder cannot be read: {os_reason(exc)}"

    for root, dirs, names in os.walk(folder, onerror=on_error):
        root_path = Path(root)
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and (root_path / d).resolve() != excluded
        )
        found += [root_path / n for n in names if not n.startswith(".")]
    return found


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise InputError(path, os_reason(exc)) from None
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


def as_input_error(path: Path, exc: Exception) -> InputError:
    """Whatever a decoding library raised, as one line about the input."""
    if isinstance(exc, InputError):
        return exc
    if isinstance(exc, OSError) and exc.errno is not None:
        return InputError(path, os_reason(exc))
    detail = " ".join(str(exc).split())[:200] or "no details"
    return InputError(path, f"corrupt or unreadable data ({type(exc).__name__}: {detail})")


def count_pages(
    path: Path, max_pixels: int = DEFAULT_MAX_PIXELS, max_pages: int = DEFAULT_MAX_PAGES
) -> int:
    """Number of pages of an input, checking from headers that every page can be processed.

    Text files count as one page. Raises :class:`InputError` for empty, unreadable,
    encrypted, corrupt or over-large inputs, and for more than ``max_pages`` pages.
    """
    check_readable(path)
    try:
        pages = _count_pages(path, max_pixels)
    except Exception as exc:
        raise as_input_error(path, exc) from None
    if pages > max_pages:
        raise InputError(
            path, f"has {pages} pages, over the limit of {max_pages} (raise it with --max-pages)"
        )
    return pages


def _count_pages(path: Path, max_pixels: int) -> int:
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
    try:
        return _load_page(path, index, max_pixels)
    except Exception as exc:
        raise as_input_error(path, exc) from None


def _load_page(path: Path, index: int, max_pixels: int) -> Image.Image:
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
    check_readable(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, os_reason(exc)) from None
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
