"""Synthetic pages with exact ground truth: render text, then damage it like a real scan.

Used to make the bundled samples, test data and benchmark pages. Every function is
deterministic for a given seed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_FILES = {
    "serif": "DejaVuSerif.ttf",
    "sans": "DejaVuSans.ttf",
    "mono": "DejaVuSansMono.ttf",
}
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/TTF"))


def load_font(family: str, size_px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A TrueType font of ``family`` (serif, sans, mono) at ``size_px``; Pillow's own font
    when the DejaVu files are not installed."""
    for folder in FONT_DIRS:
        path = folder / FONT_FILES[family]
        if path.exists():
            return ImageFont.truetype(str(path), size_px)
    return ImageFont.load_default(size_px)


def wrap(text: str, font: ImageFont.ImageFont, width_px: int) -> list[str]:
    """Lines of ``text`` that fit ``width_px``; blank lines between paragraphs are kept."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if line and font.getlength(trial) > width_px:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return lines


def render_page(
    text: str,
    family: str = "serif",
    dpi: int = 300,
    size_pt: float = 11.0,
    page_in: tuple[float, float] = (5.83, 8.27),
    margin_in: float = 0.7,
) -> Image.Image:
    """``text`` set on a white page (default A5) at ``dpi``: grey, anti-aliased, with dpi info."""
    width, height = round(page_in[0] * dpi), round(page_in[1] * dpi)
    margin = round(margin_in * dpi)
    font = load_font(family, round(size_pt * dpi / 72))
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    line_height = round(size_pt * 1.45 * dpi / 72)
    y = margin
    for line in wrap(text, font, width - 2 * margin):
        if y + line_height > height - margin:
            break
        draw.text((margin, y), line, fill=0, font=font)
        y += line_height
    page.info["dpi"] = (dpi, dpi)
    return page


def to_array(page: Image.Image) -> np.ndarray:
    """A Pillow page as a 2-D grey uint8 array."""
    return np.asarray(page.convert("L"))


def rotate(page: np.ndarray, degrees: float) -> np.ndarray:
    """The page turned by ``degrees`` (counter-clockwise), corners filled white."""
    h, w = page.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(page, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def speckle(page: np.ndarray, amount: float, seed: int) -> np.ndarray:
    """Salt-and-pepper dots on a share ``amount`` of the pixels."""
    rng = np.random.default_rng(seed)
    noisy = page.copy()
    mask = rng.random(page.shape)
    noisy[mask < amount / 2] = 0
    noisy[mask > 1 - amount / 2] = 255
    return noisy


def shade(page: np.ndarray, strength: float) -> np.ndarray:
    """Uneven lighting: a gradient that darkens the page towards one corner."""
    h, w = page.shape
    ys, xs = np.mgrid[0:h, 0:w]
    light = 1.0 - strength * (xs / w + ys / h) / 2
    return np.clip(page.astype(np.float32) * light, 0, 255).astype(np.uint8)


def rescale(page: np.ndarray, factor: float) -> np.ndarray:
    """The page resampled by ``factor`` (0.5 halves the resolution)."""
    h, w = page.shape
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    return cv2.resize(page, size, interpolation=cv2.INTER_AREA)


def jpeg_bytes(page: np.ndarray, quality: int) -> bytes:
    """JPEG encoding of a grey page."""
    ok, buffer = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:  # pragma: no cover
        raise ValueError("JPEG encoding failed")
    return buffer.tobytes()


def to_image(page: np.ndarray, dpi: int) -> Image.Image:
    """A NumPy page as a Pillow image that remembers its dpi."""
    image = Image.fromarray(page)
    image.info["dpi"] = (dpi, dpi)
    return image


def binarize(page: Image.Image) -> Image.Image:
    """A 1-bit copy (threshold at mid-grey), for compact TIFF and PDF samples."""
    return page.point(lambda v: 255 if v > 127 else 0).convert("1")


def save_pages(pages: list[Image.Image], path: Path, dpi: int) -> None:
    """Save one or more pages as PNG, TIFF (multi-page, Group 4) or PDF, by suffix."""
    suffix = path.suffix.lower()
    first, rest = pages[0], pages[1:]
    buffer = io.BytesIO()
    if suffix in (".tif", ".tiff"):
        first.save(
            buffer, "TIFF", save_all=True, append_images=rest, dpi=(dpi, dpi), compression="group4"
        )
    elif suffix == ".pdf":
        first.save(buffer, "PDF", save_all=True, append_images=rest, resolution=dpi)
    else:
        first.save(buffer, "PNG", dpi=(dpi, dpi), optimize=True)
    path.write_bytes(buffer.getvalue())


# ---------------------------------------------------------------- pages with exact ground truth

A4_IN = (8.27, 11.69)


@dataclass(frozen=True)
class Typeset:
    """A rendered page and the exact text on it, in reading order (header, body, footer)."""

    image: Image.Image
    text: str
    body: str


def typeset(
    text: str,
    family: str = "serif",
    dpi: int = 300,
    size_pt: float = 11.0,
    page_in: tuple[float, float] = A4_IN,
    margin_in: float = 1.0,
    columns: int = 1,
    gutter_in: float = 0.4,
    header: str = "",
    footer: str = "",
) -> Typeset:
    """``text`` set on a page in one or more columns, with an optional running header and
    footer in a smaller size; the text that did not fit is left out of the ground truth.

    Columns are filled one after the other, so the reading order is column by column.
    """
    width, height = round(page_in[0] * dpi), round(page_in[1] * dpi)
    margin = round(margin_in * dpi)
    font = load_font(family, round(size_pt * dpi / 72))
    line_height = round(size_pt * 1.45 * dpi / 72)
    gutter = round(gutter_in * dpi)
    column_width = (width - 2 * margin - (columns - 1) * gutter) // columns
    rows = (height - 2 * margin) // line_height
    lines = wrap(text, font, column_width)[: rows * columns]
    while lines and not lines[-1]:
        lines.pop()
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(lines):
        column, row = divmod(i, rows)
        draw.text(
            (margin + column * (column_width + gutter), margin + row * line_height),
            line,
            fill=0,
            font=font,
        )
    small = load_font(family, round(size_pt * 0.85 * dpi / 72))
    if header:
        draw.text((margin, margin - 2.5 * line_height), header, fill=0, font=small)
    if footer:
        x = (width - small.getlength(footer)) / 2
        draw.text((x, height - margin + 1.5 * line_height), footer, fill=0, font=small)
    page.info["dpi"] = (dpi, dpi)
    body = "\n".join(lines)
    full = "\n".join(part for part in (header, body, footer) if part)
    return Typeset(page, full, body)


# ---------------------------------------------------------------- more damage


def turn(page: np.ndarray, quarter_turns: int) -> np.ndarray:
    """The page turned by a multiple of 90° counter-clockwise (1: 90°, 2: 180°, 3: 270°)."""
    return np.ascontiguousarray(np.rot90(page, quarter_turns % 4))


def dark_border(page: np.ndarray, widths: tuple[int, int, int, int], seed: int) -> np.ndarray:
    """Black photocopier bands along the edges (``left, top, right, bottom`` in pixels), with
    a ragged inner edge and a slight slant, as where the lid did not cover the glass."""
    rng = np.random.default_rng(seed)
    h, w = page.shape
    out = page.copy()
    ys, xs = np.arange(h), np.arange(w)
    left, top, right, bottom = widths

    def ragged(n: int, base: int) -> np.ndarray:
        if base <= 0:
            return np.zeros(n, dtype=int)
        slant = np.linspace(0, rng.uniform(-0.3, 0.3) * base, n)
        wobble = np.convolve(rng.normal(0, base * 0.08, n), np.ones(25) / 25, mode="same")
        return np.maximum(0, np.round(base + slant + wobble)).astype(int)

    dark = rng.integers(10, 45)
    out[xs[None, :] < ragged(h, left)[:, None]] = dark
    out[xs[None, :] >= w - ragged(h, right)[:, None]] = dark
    out[ys[:, None] < ragged(w, top)[None, :]] = dark
    out[ys[:, None] >= h - ragged(w, bottom)[None, :]] = dark
    return out


def bleed_through(page: np.ndarray, back: np.ndarray, strength: float) -> np.ndarray:
    """Text of the other side showing faintly: ``back`` mirrored, blurred and darkening the
    page by at most ``strength`` (0.3 leaves the show-through at about 75 % white)."""
    mirrored = cv2.GaussianBlur(back[:, ::-1], (0, 0), 1.6)
    ink = 1.0 - mirrored.astype(np.float32) / 255.0
    shown = page.astype(np.float32) * (1.0 - strength * ink)
    return np.clip(shown, 0, 255).astype(np.uint8)


def shadow(page: np.ndarray, strength: float, seed: int) -> np.ndarray:
    """A photograph's uneven light: a soft dark band along one side (a book's gutter or a
    hand), a smooth random falloff across the page, and a dimmer overall exposure."""
    rng = np.random.default_rng(seed)
    h, w = page.shape
    small = rng.random((4, 3)).astype(np.float32)
    field = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    field = (field - field.min()) / max(float(np.ptp(field)), 1e-6)
    xs = np.linspace(0, 1, w, dtype=np.float32)[None, :]
    band = np.exp(-((xs - rng.choice([0.0, 1.0])) ** 2) / 0.03)
    light = 1.0 - strength * (0.55 * field + 0.6 * band) - 0.1
    return np.clip(page.astype(np.float32) * np.clip(light, 0.05, 1), 0, 255).astype(np.uint8)


def blur(page: np.ndarray, sigma: float) -> np.ndarray:
    """Soft focus (a Gaussian of ``sigma`` pixels)."""
    return cv2.GaussianBlur(page, (0, 0), sigma)


def dust(page: np.ndarray, count: int, seed: int, max_radius: int = 3) -> np.ndarray:
    """Dark specks of dust and toner, round and up to ``max_radius`` pixels across."""
    rng = np.random.default_rng(seed)
    h, w = page.shape
    out = page.copy()
    for x, y, r in zip(
        rng.integers(0, w, count),
        rng.integers(0, h, count),
        rng.integers(1, max_radius + 1, count),
        strict=True,
    ):
        cv2.circle(out, (int(x), int(y)), int(r), int(rng.integers(0, 80)), -1)
    return out


def worn(page: np.ndarray, share: float, seed: int, max_radius: int = 2) -> np.ndarray:
    """Worn type: white nicks in a share ``share`` of the ink pixels, round and up to
    ``max_radius`` pixels across, so that letters lose strokes (``h`` reads ``n``, ``o``
    reads ``c``) as on a cheaply printed, much-handled page."""
    rng = np.random.default_rng(seed)
    ink = np.argwhere(page < 128)
    picked = ink[rng.random(len(ink)) < share]
    out = page.copy()
    for (y, x), r in zip(picked, rng.integers(1, max_radius + 1, len(picked)), strict=True):
        cv2.circle(out, (int(x), int(y)), int(r), 255, -1)
    return out
