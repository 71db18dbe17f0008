"""OpenCV preprocessing of a page image before OCR, each step a small function.

:func:`prepare` runs the steps in order and records what each found and did::

    grey → (a 600 dpi page brought down to 300 first)
         → background (median of a reduced page) → dark borders found and whitened
         → illumination divided out → text height measured → rescaled to ~300 dpi
         → ink kept by hysteresis (faint bleed-through and shadows dropped)
         → specks dropped by size → pictures left as scanned
         → skew measured and undone → columns found

The result holds the cleaned grey page that Tesseract reads first, and what the page
search (:mod:`ocrfix.page`) needs to make the alternatives: the normalized page before
the ink was picked, for another binarization. Everything is vectorised NumPy/OpenCV and
deterministic; a 300 dpi A4 page takes a fraction of Tesseract's time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

from ocrfix import pictures as picture_regions
from ocrfix import upright

# The median height of the connected components of body text (mostly the x-height) at
# 300 dpi, for 10-11 pt type in the DejaVu faces: 23-26 px. Used to estimate the dpi.
XHEIGHT_300 = 24.5
TARGET_DPI = 300
# Rescale only when the effective resolution is outside this range (resampling costs
# time and a little sharpness, so a page at 240-450 dpi is read as it is).
DPI_RANGE = (240, 450)


@dataclass(frozen=True)
class Rules:
    """Where each costly step pays for its time: every number that decides whether a page
    is rescaled, read again, or turned (``bench/scan_speed.py`` measured them).

    - ``file_dpi``: a resolution the file states in this range is believed (a scanner
      writes the true one; 72 and 96 are a program's placeholder), whatever the text's
      height says. Text height is a poor judge: book faces have x-heights from 0.38 to
      0.55 of the type size (a 300 dpi page in small Garamond measures "184 dpi"), and
      an engraving's hatching, thousands of small strokes, makes it "85 dpi".
    - ``upscale_below``: the x-height in pixels under which a page is enlarged to
      ``XHEIGHT_300`` (when its file states a dpi, only if that is under ``DPI_RANGE``
      too). Tesseract reads 13-15 px x-heights (a 150-200
      dpi book page, small type at 300 dpi) as well as larger ones, and an enlarged page
      costs it the square of the factor. ``upscale_below_damaged``: the limit for a page
      whose file states no dpi and that shows a copier's damage (a dark border, or at
      least ``damaged_specks`` specks): a blurred, specked 180 dpi photocopy (17 px)
      reads better enlarged (0.51 % CER against 0.64 %), a clean 200 dpi page (14-15 px)
      does not.
    - ``turn_below``: orientation detection (about half a Tesseract pass) is asked only
      below this confidence of the first reading's text (``ocrfix.page.text_confidence``;
      alternatives at all only below ``Settings.retry_below``): a page upside down or on
      its side reads at 30-45, a poor scan upright at 60+ (only a page whose lines run
      up it, ``lines_are_vertical``, is asked at once).
    - ``min_osd_confidence``: an orientation Tesseract reports with less is not acted on.
    - ``min_gain``: an alternative that beat the first reading by less than this many
      points of confidence ends the search (the next one will not win either).
    - ``upright_balance``, ``upright_lines``: the page's ink says which way up it stands
      (:mod:`ocrfix.upright`) when its ascender balance is at least this far from 0 over
      at least this many line pieces. Upright pages of the benchmark sets measure +0.03
      to +0.87 (the low ones 150 dpi and blurred), upside-down ones −0.54 to −0.72; a
      turn it decides is checked by the page search (orientation detection when the
      reading is poor), and a page it calls upright is not given to orientation
      detection.
    """

    file_dpi: tuple[float, float] = (150.0, 1200.0)
    upscale_below: float = 13.0
    upscale_below_damaged: float = 18.0
    damaged_specks: int = 50
    turn_below: float = 60.0
    min_osd_confidence: float = 3.0
    min_gain: float = 2.0
    upright_balance: float = 0.25
    upright_lines: int = 20


RULES = Rules()
MAX_SCALE = 4.0
MAX_PIXELS_AFTER_SCALE = 60_000_000
# Pages over this many pixels (A4 at 300 dpi is 8.7 million) are checked for a resolution
# far above 300 dpi and brought down first.
LARGE_PAGE = 16_000_000
# A plain median of component heights under this share of the median by ink is dragged
# down by a picture's strokes (see text_height).
HATCHED_SHARE = 0.6
# Smallest skew worth a rotation, and the range searched.
MIN_SKEW = 0.1
MAX_SKEW = 15.0


def to_array(page: Image.Image) -> np.ndarray:
    """A Pillow page as a NumPy array (grey: 2-D uint8)."""
    return np.asarray(page)


def to_grey(image: np.ndarray) -> np.ndarray:
    """One 8-bit grey channel, whatever the input (grey, BGR or BGRA)."""
    if image.ndim == 2:
        return image
    code = cv2.COLOR_BGRA2GRAY if image.shape[2] == 4 else cv2.COLOR_BGR2GRAY
    return cv2.cvtColor(image, code)


# ---------------------------------------------------------------- illumination and borders


def reduction(shape: tuple[int, int], target: int = 700) -> int:
    """The integer factor that brings the page's shorter side near ``target`` pixels.

    >>> reduction((3508, 2480)), reduction((400, 300))
    (4, 1)
    """
    return max(1, round(min(shape) / target))


def background(grey: np.ndarray, factor: int) -> np.ndarray:
    """The paper's brightness without the ink, at 1/``factor`` of the page's size.

    A median over a window of about 1.5 lines of 300 dpi text on a reduced copy: text
    covers well under half of any such window, so the median is the paper, shadows and
    all. Large dark areas (a scanner's black border) stay dark.
    """
    small = cv2.resize(
        grey, (grey.shape[1] // factor, grey.shape[0] // factor), interpolation=cv2.INTER_AREA
    )
    window = max(5, (round(72 / factor) // 2) * 2 + 1)
    limit = max(3, (min(small.shape) // 2) * 2 - 1)
    return cv2.medianBlur(small, min(window, limit, 255))


def paper_level(bg_small: np.ndarray) -> float:
    """The brightness of well-lit paper: the 95th percentile of the background."""
    return float(np.percentile(bg_small, 95))


def find_border(bg_small: np.ndarray, step: float = 0.25) -> np.ndarray:
    """Dark scan borders on the reduced background: a boolean mask of the same size.

    A border is a dark area (under half the paper's brightness) that touches the edge of
    the image and meets the paper in a sharp step, as a photocopier's black margin does.
    A shadow, which darkens the page gradually, is not one.
    """
    level = paper_level(bg_small)
    dark = (bg_small < 0.5 * level).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=4)
    if count <= 1:
        return np.zeros(bg_small.shape, dtype=bool)
    h, w = bg_small.shape
    kernel = np.ones((3, 3), np.uint8)
    gradient = cv2.morphologyEx(bg_small, cv2.MORPH_GRADIENT, kernel).astype(np.float32)
    edge = cv2.dilate(dark, kernel) - dark  # paper pixels next to a dark area
    edge[[0, -1], :] = 0
    edge[:, [0, -1]] = 0
    edge_labels = cv2.dilate(labels.astype(np.float32), kernel)[edge > 0].astype(int)
    edge_gradient = gradient[edge > 0]
    mean_step = np.bincount(edge_labels, edge_gradient, minlength=count) / np.maximum(
        np.bincount(edge_labels, minlength=count), 1
    )
    x, y = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    right, bottom = x + stats[:, cv2.CC_STAT_WIDTH], y + stats[:, cv2.CC_STAT_HEIGHT]
    touches = (x == 0) | (y == 0) | (right == w) | (bottom == h)
    keep = touches & (mean_step > step * level)
    keep[0] = False
    return keep[labels]


def normalize(grey: np.ndarray, bg_small: np.ndarray, border: np.ndarray) -> np.ndarray:
    """The page divided by its background: even white paper, borders whitened."""
    h, w = grey.shape
    bg = cv2.resize(bg_small, (w, h), interpolation=cv2.INTER_LINEAR)
    norm = cv2.divide(grey, np.maximum(bg, 1), scale=255)
    if border.any():  # grown by a reduced pixel, to cover the ragged inner edge
        grown = cv2.dilate(border.astype(np.uint8), np.ones((3, 3), np.uint8))
        full = cv2.resize(grown, (w, h), interpolation=cv2.INTER_NEAREST).astype(bool)
        norm[full] = 255
    return norm


# ---------------------------------------------------------------- ink


def ink_level(norm: np.ndarray, tile: int = 128) -> float:
    """The brightness of the text's ink: for each tile of the page (``tile`` pixels square,
    on every other pixel) the darkest 1 %, and the median of that over the tiles that hold
    something dark. A black label or photo covering a few tiles does not set the level
    for faded text elsewhere.

    >>> page = np.full((600, 600), 255, np.uint8); page[100:500:20, 50:550] = 30
    >>> ink_level(page)
    30.0
    """
    sample = norm[::2, ::2]
    rows, cols = sample.shape[0] // tile, sample.shape[1] // tile
    if rows == 0 or cols == 0:  # a scrap of a page: its darkest 1 %
        flat = np.sort(sample.ravel())
        return float(flat[max(0, flat.size // 100 - 1)])
    tiles = sample[: rows * tile, : cols * tile].reshape(rows, tile, cols, tile)
    tiles = tiles.transpose(0, 2, 1, 3).reshape(rows * cols, tile * tile)
    k = tile * tile // 100
    darkest = np.partition(tiles, k, axis=1)[:, k]
    inked = darkest[darkest < 200]
    return float(np.median(inked)) if inked.size else float(darkest.min())


def hysteresis(norm: np.ndarray, strong: float, weak: float) -> np.ndarray:
    """Ink pixels: darker than ``strong``, or darker than ``weak`` and touching such a
    pixel (the anti-aliased edge of a stroke). Faint marks with no dark core — text showing
    through from the back of the sheet, a shadow's edge — are left out."""
    core = (norm < strong).astype(np.uint8)
    near = cv2.dilate(core, np.ones((3, 3), np.uint8)).astype(bool)
    return near & (norm < weak)


def components(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Labels and stats (OpenCV's left, top, width, height, area) of the 8-connected parts."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    return labels, stats


def ink_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The median of ``values`` weighted by ``weights``.

    >>> ink_median(np.array([5, 5, 5, 24]), np.array([10, 10, 10, 300]))
    24.0
    """
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def text_height(stats: np.ndarray) -> float | None:
    """The median height of the letter-sized components (about the x-height), or None when
    the page has too few to tell.

    An engraving's hatching is thousands of small strokes that outnumber the letters
    (the median of a 300 dpi page with one falls to 5-9 px against the text's 22-25):
    when the median by ink (each component weighted by its pixels) is over
    ``1 / HATCHED_SHARE`` times the plain one, it is the text's height. On pages without
    such strokes the two agree within a pixel or two, and the plain median is kept.
    """
    h = stats[1:, cv2.CC_STAT_HEIGHT]
    w = stats[1:, cv2.CC_STAT_WIDTH]
    letters = (h >= 4) & (h <= 400) & (w <= 4 * h)
    if letters.sum() < 20:
        return None
    plain = float(np.median(h[letters]))
    by_ink = ink_median(h[letters], stats[1:, cv2.CC_STAT_AREA][letters])
    return by_ink if plain < HATCHED_SHARE * by_ink else plain


def estimate_dpi(height: float) -> float:
    """The resolution at which body text (10-11 pt) has the measured x-height.

    >>> round(estimate_dpi(12.25))
    150
    """
    return TARGET_DPI * height / XHEIGHT_300


def near_letters(
    stats: np.ndarray, letters: np.ndarray, shape: tuple[int, int], height: float
) -> np.ndarray:
    """For each component, whether its centre lies within reach of a letter's box: an
    x-height sideways (a typewriter's full stop sits mid-cell; a dash between spaces),
    0.6 of it above (the dot of an ``i``) and 0.3 below (a comma's tail).

    The boxes are painted at a quarter of the page's size with a summed-area table, so
    the cost does not depend on how many letters there are.
    """
    q = 4
    h, w = shape[0] // q + 2, shape[1] // q + 2
    x, y = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    bw, bh = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    x0 = np.clip((x - height) // q, 0, w - 1).astype(int)[letters]
    x1 = np.clip((x + bw + height) // q + 1, 0, w - 1).astype(int)[letters]
    y0 = np.clip((y - 0.6 * height) // q, 0, h - 1).astype(int)[letters]
    y1 = np.clip((y + bh + 0.3 * height) // q + 1, 0, h - 1).astype(int)[letters]
    paint = np.zeros((h, w), np.int32)
    np.add.at(paint, (y0, x0), 1)
    np.add.at(paint, (y0, x1), -1)
    np.add.at(paint, (y1, x0), -1)
    np.add.at(paint, (y1, x1), 1)
    covered = paint.cumsum(axis=0).cumsum(axis=1) > 0
    cy = np.clip((y + bh // 2) // q, 0, h - 1)
    cx = np.clip((x + bw // 2) // q, 0, w - 1)
    return covered[cy, cx]


def drop_specks(
    mask: np.ndarray, labels: np.ndarray, stats: np.ndarray, height: float
) -> tuple[np.ndarray, int]:
    """The mask without specks, and how many went.

    A speck is a component smaller than a tenth of the x-height across, or one smaller
    than a third of it that lies away from every letter: a full stop, a comma or the dot
    of an ``i`` sits beside or above a letter, dust and toner anywhere. Nothing is blurred;
    what stays keeps every pixel.
    """
    area, tall = stats[:, cv2.CC_STAT_AREA], stats[:, cv2.CC_STAT_HEIGHT]
    tiny = area < max(3, round((0.1 * height) ** 2))
    small = (area < (0.35 * height) ** 2) & (tall < 0.6 * height) & ~tiny
    tiny[0] = small[0] = False
    if small.any():
        letters = (tall >= 0.6 * height) & (tall <= 8 * height)
        letters[0] = False  # the background
        small &= ~near_letters(stats, letters, mask.shape, height)
    drop = tiny | small
    if not drop.any():
        return mask, 0
    return mask & ~drop[labels], int(drop.sum())


def pictures(norm: np.ndarray, height: float) -> np.ndarray:
    """Where the normalized page holds a picture rather than type: a boolean mask.

    Type is ink and paper with thin grey edges; a drawing or a photograph keeps much of
    its area in mid-grey even after the light is evened out. Cells two x-heights square
    whose pixels are over 30 % mid-grey (50-210), joined into areas of at least a dozen
    cells, are pictures. (On our damaged text pages no cell of type passes 32 %.)
    """
    cell = max(4, round(2 * height))
    rows, cols = norm.shape[0] // cell, norm.shape[1] // cell
    if rows < 4 or cols < 4:
        return np.zeros(norm.shape, dtype=bool)
    mid = ((norm > 50) & (norm < 210)).astype(np.float32)[: rows * cell, : cols * cell]
    share = cv2.resize(mid, (cols, rows), interpolation=cv2.INTER_AREA)
    grid = cv2.morphologyEx((share > 0.3).astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 3)))
    _, labels, stats, _ = cv2.connectedComponentsWithStats(grid, connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= 12
    keep[0] = False
    if not keep.any():
        return np.zeros(norm.shape, dtype=bool)
    grid = cv2.dilate(keep[labels].astype(np.uint8), np.ones((3, 3), np.uint8))
    full = cv2.resize(grid, (cols * cell, rows * cell), interpolation=cv2.INTER_NEAREST)
    out = np.zeros(norm.shape, dtype=bool)
    out[: rows * cell, : cols * cell] = full.astype(bool)
    return out


# ---------------------------------------------------------------- skew


def skew_angle(mask: np.ndarray, max_angle: float = MAX_SKEW) -> float:
    """The angle (degrees, counter-clockwise) by which the text lines are turned.

    Projection profiles: the ink pixels (on a reduced copy) are projected onto the vertical
    at each candidate angle; the angle whose row histogram has the greatest sum of squares
    lines the text up. A coarse search over ±``max_angle`` is refined to 0.02°.
    """
    factor = max(1, round(min(mask.shape) / 1200))
    small = mask[::factor, ::factor]
    ys, xs = np.nonzero(small)
    if ys.size < 200:
        return 0.0
    if ys.size > 80_000:  # a regular subsample keeps the search fast and deterministic
        step = ys.size // 80_000 + 1
        ys, xs = ys[::step], xs[::step]
    ys = ys.astype(np.float32)
    xs = xs.astype(np.float32) - small.shape[1] / 2

    def score(angle: float) -> float:
        t = np.deg2rad(angle)
        rows = np.round(ys * np.cos(t) + xs * np.sin(t)).astype(np.int64)
        hist = np.bincount(rows - rows.min())
        return float(np.dot(hist, hist))

    coarse = np.arange(-max_angle, max_angle + 1e-9, 0.5)
    scores = [score(a) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    for span, step in ((0.5, 0.1), (0.1, 0.02)):
        fine = np.arange(best - span, best + span + 1e-9, step)
        best = float(fine[int(np.argmax([score(a) for a in fine]))])
    return round(best, 2)


def rotate(image: np.ndarray, degrees: float, fill: int = 255) -> np.ndarray:
    """The image turned by ``degrees`` counter-clockwise about its centre, same size,
    corners filled with ``fill``."""
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(
        image,
        matrix,
        (w, h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=fill,
    )


def lines_are_vertical(mask: np.ndarray) -> bool:
    """True when the ink lines up in columns rather than rows: a page turned 90° or 270°."""
    small = mask[::4, ::4].astype(np.float32)
    rows, cols = small.sum(axis=1), small.sum(axis=0)
    if rows.sum() < 100:
        return False

    def sharpness(profile: np.ndarray) -> float:
        return float(np.dot(profile, profile)) / max(float(profile.sum()) ** 2 / len(profile), 1)

    return sharpness(cols) > 1.3 * sharpness(rows)


# ---------------------------------------------------------------- binarization


def otsu(norm: np.ndarray) -> np.ndarray:
    """Black text on white by Otsu's global threshold (good on evenly lit, normalized pages)."""
    _, binary = cv2.threshold(norm, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return binary


def sauvola(norm: np.ndarray, window: int, k: float = 0.2) -> np.ndarray:
    """Black text on white by Sauvola's local threshold ``m·(1 + k·(s/128 − 1))`` over a
    ``window``-pixel square (mean ``m`` and deviation ``s`` from box filters)."""
    window = max(3, window | 1)
    image = norm.astype(np.float32)
    mean = cv2.boxFilter(image, -1, (window, window), borderType=cv2.BORDER_REFLECT)
    square = cv2.boxFilter(image * image, -1, (window, window), borderType=cv2.BORDER_REFLECT)
    deviation = np.sqrt(np.maximum(square - mean * mean, 0))
    threshold = mean * (1 + k * (deviation / 128 - 1))
    return np.where(image > threshold, 255, 0).astype(np.uint8)


def clean_binary(binary: np.ndarray, height: float) -> np.ndarray:
    """A black-on-white binary page without its specks (see :func:`drop_specks`)."""
    mask = binary < 128
    labels, stats = components(mask)
    mask, _ = drop_specks(mask, labels, stats, height)
    return np.where(mask, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------- columns


def longest_run(flags: np.ndarray) -> tuple[int, int]:
    """Start and end (exclusive) of the longest run of True values; (0, 0) for none.

    >>> longest_run(np.array([0, 1, 1, 0, 1, 1, 1, 0], bool))
    (4, 7)
    """
    padded = np.concatenate([[0], flags.astype(np.int8), [0]])
    edges = np.flatnonzero(np.diff(padded))
    if edges.size == 0:
        return 0, 0
    starts, ends = edges[::2], edges[1::2]
    best = int(np.argmax(ends - starts))
    return int(starts[best]), int(ends[best])


def find_gutters(mask: np.ndarray, height: float, q: int = 4) -> list[dict]:
    """Vertical white gaps that split the text into columns, each ``{"x", "top",
    "bottom"}`` in pixels.

    A gutter is a band of (nearly) ink-free pixel columns at least 1.2 x-heights wide,
    with a quarter of the text's width or more on either side (columns of prose, not of
    a table); it runs from top to bottom as far as no ink crosses it, and must span at
    least a third of the text's height. A title set across both columns ends it above.
    """
    small = mask[::q, ::q]
    rows = np.flatnonzero(small.any(axis=1))
    cols = small.sum(axis=0)
    if rows.size < 10 or cols.sum() < 500:
        return []
    filled = np.flatnonzero(cols)
    left, right = filled[0], filled[-1]
    typical = np.median(cols[cols > 0])
    clear = cols <= 0.05 * typical
    text_height = rows[-1] - rows[0]
    gutters = []
    padded = np.concatenate([[0], clear.astype(np.int8), [0]])
    edges = np.flatnonzero(np.diff(padded))
    for x0, x1 in zip(edges[::2], edges[1::2], strict=True):
        inner = x0 > left + 0.25 * (right - left) and x1 < right - 0.25 * (right - left)
        if not inner or (x1 - x0) * q < 1.2 * height:
            continue
        # Rows where a line of text crosses the gutter: ink in the band's inner part over
        # three rows or more (a speck or a long line's last letter does not end it).
        inked = small[rows[0] : rows[-1] + 1, x0 + 1 : max(x1 - 1, x0 + 2)].sum(axis=1) >= 2
        crossing = np.convolve(inked, np.ones(3), mode="same") >= 3
        crossing = np.convolve(crossing, np.ones(3), mode="same") > 0
        top, bottom = longest_run(~crossing)
        if bottom - top >= text_height / 3:
            gutters.append(
                {
                    "x": int((x0 + x1) * q // 2),
                    "top": int((rows[0] + top) * q),
                    "bottom": int((rows[0] + bottom) * q),
                }
            )
    return gutters


# ---------------------------------------------------------------- the whole step


@dataclass
class Prepared:
    """A page ready for Tesseract: ``image`` (cleaned grey and deskewed, the first try),
    ``norm`` (the page normalized but not yet deskewed by ``angle``, before the ink was
    picked: see :meth:`normalized`), the ``dpi`` to tell Tesseract, the x-``height`` of
    the text, the column ``gutters``, a ``log`` of what each step found and the
    ``picture_boxes`` (pictures, ornaments, rules: :mod:`ocrfix.pictures`) in ``image``'s
    pixels."""

    image: np.ndarray
    norm: np.ndarray
    angle: float
    dpi: int
    height: float
    gutters: list[dict] = field(default_factory=list)
    log: dict = field(default_factory=dict)
    picture_boxes: list[tuple[int, int, int, int]] = field(default_factory=list)

    def normalized(self) -> np.ndarray:
        """The normalized page, deskewed like ``image`` (made only when a try needs it)."""
        return rotate(self.norm, -self.angle) if self.angle else self.norm

    def upside_down(self) -> Prepared:
        """The same page turned 180°: nothing to measure again (a turn about the centre
        commutes with the deskew, and keeps its angle)."""
        h, w = self.image.shape
        gutters = [
            {"x": w - g["x"], "top": h - g["bottom"], "bottom": h - g["top"]} for g in self.gutters
        ]
        return Prepared(
            np.ascontiguousarray(self.image[::-1, ::-1]),
            np.ascontiguousarray(self.norm[::-1, ::-1]),
            self.angle,
            self.dpi,
            self.height,
            gutters,
            dict(self.log),
            picture_regions.flip_boxes(self.picture_boxes, (h, w)),
        )


def plausible(file_dpi: float | None, rules: Rules = RULES) -> bool:
    """Whether a resolution a file states is one a scanner writes.

    >>> plausible(300), plausible(72), plausible(None)
    (True, False, False)
    """
    return bool(file_dpi) and rules.file_dpi[0] <= file_dpi <= rules.file_dpi[1]


def choose_dpi(
    file_dpi: float | None, estimated: float | None, default: int, rules: Rules = RULES
) -> tuple[float, str]:
    """The page's effective resolution and where it came from: the file's own when it is
    plausible (:func:`plausible`), else the estimate from the text's height.

    >>> choose_dpi(300, 184, 300), choose_dpi(72, 150, 300), choose_dpi(None, None, 300)
    ((300, 'file'), (150, 'text height'), (300, 'default'))
    """
    if estimated is None:
        return (file_dpi or default), ("file" if file_dpi else "default")
    if plausible(file_dpi, rules):
        return file_dpi, "file"
    return estimated, "text height"


def upscale_limit(stated: bool, damaged: bool, rules: Rules = RULES) -> float:
    """The x-height (px) under which a page is enlarged: higher for a damaged page whose
    file did not state its dpi (see :class:`Rules`).

    >>> upscale_limit(True, True), upscale_limit(False, True), upscale_limit(False, False)
    (13.0, 18.0, 13.0)
    """
    return rules.upscale_below_damaged if damaged and not stated else rules.upscale_below


def looks_damaged(
    mask: np.ndarray, labels: np.ndarray, stats: np.ndarray, height: float, border: np.ndarray
) -> bool:
    """A page with a scanner's dark border or with specks (:func:`drop_specks`)."""
    if border.any():
        return True
    return drop_specks(mask, labels, stats, height)[1] >= RULES.damaged_specks


def scale_for(
    dpi: float,
    height: float | None,
    shape: tuple[int, int],
    below: float = RULES.upscale_below,
    stated: bool = False,
) -> float:
    """The factor to resample a page by before it is read: down to ~300 dpi from a
    resolution above ``DPI_RANGE`` (Tesseract's time grows with the pixels); up to
    ``XHEIGHT_300`` only when the text's x-height (``height`` px) is under ``below``
    (:func:`upscale_limit`), too small for Tesseract, and, when the file ``stated`` the
    ``dpi``, that is under ``DPI_RANGE`` too; else 1 (a page whose text already suits
    Tesseract is read as it is).

    >>> scale_for(600, 49, (7000, 5000)), scale_for(300, 15, (3500, 2500))
    (0.5, 1.0)
    >>> scale_for(150, 12.25, (1750, 1250)), scale_for(150, None, (1750, 1250))
    (2.0, 2.0)
    >>> scale_for(180, 17, (2100, 1500), below=18.0), scale_for(300, 8, (3500, 2500), 13, True)
    (1.441, 1.0)
    """
    if dpi > DPI_RANGE[1]:
        scale = TARGET_DPI / dpi
    elif height is not None and height < below and not (stated and dpi >= DPI_RANGE[0]):
        scale = XHEIGHT_300 / height
    elif height is None and dpi < DPI_RANGE[0]:
        scale = TARGET_DPI / dpi
    else:
        return 1.0
    room = (MAX_PIXELS_AFTER_SCALE / max(shape[0] * shape[1], 1)) ** 0.5
    return round(max(min(scale, MAX_SCALE, room), 1 / MAX_SCALE), 3)


def pick_ink(norm: np.ndarray) -> tuple[np.ndarray, dict]:
    """The ink mask of a normalized page and the thresholds used."""
    level = ink_level(norm)
    strong = level + 0.45 * (255 - level)
    weak = level + 0.88 * (255 - level)
    return hysteresis(norm, strong, weak), {"ink": round(level), "strong": round(strong)}


def quick_text_height(grey: np.ndarray) -> float | None:
    """The x-height of the text, measured without the later steps (borders, specks)."""
    bg_small = background(grey, reduction(grey.shape))
    norm = normalize(grey, bg_small, np.zeros(bg_small.shape, dtype=bool))
    mask, _ = pick_ink(norm)
    return text_height(components(mask)[1])


def shrink_large(
    grey: np.ndarray, file_dpi: float | None, default_dpi: int
) -> tuple[np.ndarray, float | None, float]:
    """A page scanned at far more than 300 dpi (600 dpi, say), brought down to about 300
    before the other steps, which then cost a quarter as much; with its dpi and the
    factor. The resolution is judged as in :func:`prepare` (the file's, unless the text's
    height on a half-size copy says otherwise); smaller pages are left alone.
    """
    if grey.size <= LARGE_PAGE and not (file_dpi and file_dpi > DPI_RANGE[1]):
        return grey, file_dpi, 1.0
    half = cv2.resize(grey, (grey.shape[1] // 2, grey.shape[0] // 2), interpolation=cv2.INTER_AREA)
    height = quick_text_height(half)
    estimated = estimate_dpi(2 * height) if height else None
    dpi, _ = choose_dpi(file_dpi, estimated, default_dpi)
    if dpi <= DPI_RANGE[1]:
        return grey, file_dpi, 1.0
    factor = TARGET_DPI / dpi
    size = (round(grey.shape[1] * factor), round(grey.shape[0] * factor))
    grey = (
        half if abs(factor - 0.5) < 0.03 else cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
    )
    return grey, (file_dpi * factor if file_dpi else None), factor


def without_boxes(mask: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> np.ndarray:
    """The mask with the ``boxes`` (left, top, right, bottom) cleared (a copy when any)."""
    if not boxes:
        return mask
    mask = mask.copy()
    for left, top, right, bottom in boxes:
        mask[top:bottom, left:right] = False
    return mask


def prepare(
    page: Image.Image | np.ndarray, file_dpi: float | None, default_dpi: int = 300
) -> Prepared:
    """Every preprocessing step on one page; see the module's docstring."""
    grey = to_grey(page if isinstance(page, np.ndarray) else to_array(page))
    file_dpi = float(file_dpi) if file_dpi else None  # TIFF gives rationals
    log: dict = {
        "size": [int(grey.shape[1]), int(grey.shape[0])],
        "file_dpi": round(file_dpi, 1) if file_dpi else None,
    }
    grey, file_dpi, shrink = shrink_large(grey, file_dpi, default_dpi)
    factor = reduction(grey.shape)
    bg_small = background(grey, factor)
    border = find_border(bg_small)
    log["border"] = round(float(border.mean()), 4)
    log["paper"] = round(paper_level(bg_small))
    norm = normalize(grey, bg_small, border)

    mask, thresholds = pick_ink(norm)
    labels, stats = components(mask)
    height = text_height(stats)
    estimated = estimate_dpi(height) if height else None
    dpi, source = choose_dpi(file_dpi, estimated, default_dpi)
    log["text_height"] = round(height, 1) if height else None
    log["estimated_dpi"] = round(estimated) if estimated else None
    log["dpi_from"] = source
    below = RULES.upscale_below
    if height and RULES.upscale_below <= height < RULES.upscale_below_damaged:
        damaged = looks_damaged(mask, labels, stats, height, border)
        below = upscale_limit(plausible(file_dpi), damaged)
    scale = scale_for(dpi, height, grey.shape, below, plausible(file_dpi))
    if scale != 1.0:
        h, w = norm.shape
        size = (round(w * scale), round(h * scale))
        interpolation = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
        norm = cv2.resize(norm, size, interpolation=interpolation)
        mask, thresholds = pick_ink(norm)
        labels, stats = components(mask)
        height = (height or XHEIGHT_300 / scale) * scale
    log["scale"] = round(scale * shrink, 3)
    log.update(thresholds)
    height = height or XHEIGHT_300

    mask, specks = drop_specks(mask, labels, stats, height)
    log["specks"] = specks
    picture = pictures(norm, height)
    log["pictures"] = round(float(picture.mean()), 4)
    boxes = picture_regions.regions(stats, picture, height)

    angle = skew_angle(mask & ~picture)
    angle = angle if abs(angle) >= MIN_SKEW else 0.0
    log["skew"] = angle
    image = np.where(mask, norm, 255).astype(np.uint8)
    before_deskew = mask  # a page on its side is judged on it (its deskew means nothing)
    if picture.any():  # left as scanned: Tesseract knows a picture when it sees one
        original = grey if scale == 1.0 else cv2.resize(grey, norm.shape[::-1])
        image[picture] = original[picture]
    if angle:
        image = rotate(image, -angle)
        mask = image < thresholds["strong"]
    gutters = find_gutters(mask, height)
    log["columns"] = len(gutters) + 1
    log["vertical"] = lines_are_vertical(mask)
    out_dpi = round(dpi * scale)
    log["dpi"] = out_dpi
    boxes = picture_regions.rotate_boxes(boxes, -angle, image.shape)
    log["picture_boxes"] = [list(b) for b in boxes]
    log["upright"] = upright.judge(
        before_deskew & ~picture if log["vertical"] else without_boxes(mask, boxes),
        height,
        log["vertical"],
        RULES.upright_balance,
        RULES.upright_lines,
    )
    return Prepared(image, norm, angle, out_dpi, height, gutters, log, boxes)


def preprocess(page: Image.Image) -> np.ndarray:
    """The page as Tesseract will see it first."""
    dpi = page.info.get("dpi", (None,))[0] if hasattr(page, "info") else None
    return prepare(page, dpi).image
