"""Synthetic pages with exact ground truth: render text, then damage it like a real scan.

Used to make the bundled samples, test data and benchmark pages. Every function is
deterministic for a given seed.
"""

from __future__ import annotations

import io
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
