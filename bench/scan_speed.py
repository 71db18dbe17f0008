"""Is ocrfix's page reading worth its time? Tesseract alone against ``pipeline.read_page``
per page kind, with the number of Tesseract calls ocrfix makes.

    .venv/bin/python bench/scan_speed.py [--pages 3] [--jobs 1] [--kinds book-300,...]
    .venv/bin/python bench/scan_speed.py --damaged          # add bench/scanset.py pages
    .venv/bin/python bench/scan_speed.py --profile book-300  # cProfile of read_page

Makes clean pages of the kind an archive holds, with exact ground truth: book pages in
EB Garamond (grey, light paper tone and sensor noise, 300 dpi stated in the file), small
type (9 pt), a two-column magazine page in Liberation Serif, a book page with an
engraving, a 1-bit (bilevel) page, and book pages scanned at 200 and 400 dpi whose file
states no dpi. With ``--damaged`` the serif pages of bench/scanset.py are added, one
kind per damage.

Each page is read by the ``tesseract`` command on the file (``--psm 3``) and by
``read_page`` with default settings, both single-threaded (OMP_THREAD_LIMIT=1), one page
after the other by default so that the clocks do not share the machine. Prints per kind:
pages, seconds per page both ways and their ratio (wall clock, and CPU seconds of
ocrfix and its Tesseracts: steady when the machine is shared), CER both ways, and ocrfix's Tesseract
calls per page (of them orientation detections, ``--psm 0``).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from rich.console import Console
from rich.table import Table

from ocrfix import synth, tesseract
from ocrfix.metrics import char_errors, normalize
from ocrfix.pipeline import Settings, read_page

sys.path.insert(0, str(Path(__file__).parent))
import scanset
from prose import PASSAGES
from scans import tesseract_alone

GARAMOND = "/usr/share/fonts/opentype/ebgaramond/EBGaramond12-Regular.otf"
LIBERATION = "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"
BOOK_IN = (5.5, 8.5)
A4_IN = (8.27, 11.69)
FONT_HINT = "apt-get install -y fonts-ebgaramond fonts-liberation"


# ---------------------------------------------------------------- pages


@dataclass(frozen=True)
class Layout:
    """How a page kind is set: font, size, page, columns, scan resolution and file."""

    font: str = GARAMOND
    size_pt: float = 10.5
    page_in: tuple[float, float] = BOOK_IN
    margin_in: float = 0.75
    columns: int = 1
    dpi: int = 300
    file_dpi: bool = True
    bilevel: bool = False
    engraving: bool = False


KINDS: dict[str, Layout] = {
    "book-300": Layout(),
    "small-300": Layout(size_pt=9.0),
    "magazine-300": Layout(LIBERATION, 9.5, A4_IN, 0.7, columns=2),
    "engraving-300": Layout(engraving=True),
    "bilevel-300": Layout(bilevel=True),
    "book-200-nodpi": Layout(dpi=200, file_dpi=False),
    "book-400-nodpi": Layout(dpi=400, file_dpi=False),
}


def engraving(width: int, height: int, seed: int) -> np.ndarray:
    """An engraving-like picture: line hatching whose stroke width follows a smooth tone,
    cross-hatched where it is dark, in a ruled frame."""
    rng = np.random.default_rng(seed)
    tone = cv2.GaussianBlur(rng.random((height, width)).astype(np.float32), (0, 0), width / 8)
    tone = (tone - tone.min()) / max(float(np.ptp(tone)), 1e-6)
    ys, xs = np.mgrid[0:height, 0:width]
    period = 6
    lines = (ys % period) < tone * period * 0.9
    cross = ((xs + ys) % period < (tone - 0.55) * period * 1.6) & (tone > 0.55)
    picture = np.where(lines | cross, 20, 250).astype(np.uint8)
    picture[:4], picture[-4:], picture[:, :4], picture[:, -4:] = 10, 10, 10, 10
    return picture


def paper(image: np.ndarray, seed: int) -> np.ndarray:
    """Ink and paper as a flatbed scanner gives them: paper at ~236, ink at ~35, a little
    optical blur and sensor noise."""
    rng = np.random.default_rng(seed)
    pixels = 35 + image.astype(np.float32) * (236 - 35) / 255
    pixels = cv2.GaussianBlur(pixels, (0, 0), 0.6)
    pixels += rng.normal(0, 3.0, pixels.shape).astype(np.float32)
    return np.clip(pixels, 0, 255).astype(np.uint8)


def make_page(kind: Layout, index: int) -> tuple[np.ndarray, str]:
    """The grey page of a kind (the ``index``-th of its set) and the text on it."""
    dpi = kind.dpi
    width, height = round(kind.page_in[0] * dpi), round(kind.page_in[1] * dpi)
    margin = round(kind.margin_in * dpi)
    font = ImageFont.truetype(kind.font, round(kind.size_pt * dpi / 72))
    line_height = round(kind.size_pt * 1.3 * dpi / 72)
    gutter = round(0.3 * dpi)
    column_width = (width - 2 * margin - (kind.columns - 1) * gutter) // kind.columns
    text = " ".join(PASSAGES[(index + i) % len(PASSAGES)] for i in range(3))
    words = text.split()[index * 37 :]
    lines = synth.wrap(" ".join(words), font, column_width) if words else []
    top = margin
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    if kind.engraving:
        art_h = round(0.38 * (height - 2 * margin))
        art = engraving(width - 2 * margin, art_h, index)
        image.paste(Image.fromarray(art), (margin, margin))
        top = margin + art_h + line_height
    rows = (height - margin - top) // line_height
    lines = lines[: rows * kind.columns]
    for i, line in enumerate(lines):
        column, row = divmod(i, rows)
        x = margin + column * (column_width + gutter)
        draw.text((x, top + row * line_height), line, fill=0, font=font)
    pixels = paper(np.asarray(image), index)
    if kind.bilevel:
        pixels = np.where(pixels > 135, 255, 0).astype(np.uint8)
    return pixels, "\n".join(lines)


def write_page(pixels: np.ndarray, kind: Layout, path: Path) -> Path:
    """The page as PNG (1-bit for a bilevel kind), with or without its dpi."""
    image = Image.fromarray(pixels)
    if kind.bilevel:
        image = image.convert("1")
    options = {"dpi": (kind.dpi, kind.dpi)} if kind.file_dpi else {}
    image.save(path, "PNG", **options)
    return path


def archive_pages(kinds: list[str], per_kind: int, folder: Path) -> list[tuple[Path, str, str]]:
    """Every kind's pages written to ``folder``: (path, truth, kind)."""
    for needed in (GARAMOND, LIBERATION):
        if not Path(needed).exists():
            raise SystemExit(f"missing font {needed}: {FONT_HINT}")
    pages = []
    for name in kinds:
        for i in range(per_kind):
            pixels, truth = make_page(KINDS[name], i)
            path = write_page(pixels, KINDS[name], folder / f"{name}-{i}.png")
            pages.append((path, truth, name))
    return pages


def colleague_pages(limit: int, folder: Path) -> list[tuple[Path, str, str]]:
    """The pages of bench/archivepages.py (at most ``limit`` of each kind)."""
    import archivepages

    pages = archivepages.make_pages(limit=limit)
    paths = scanset.write_scans(pages, folder)
    return [(p, page.truth, page.kind) for p, page in zip(paths, pages, strict=True)]


def damaged_pages(folder: Path) -> list[tuple[Path, str, str]]:
    """The serif pages of bench/scanset.py, their kind the damage."""
    scans = scanset.make_scans(("serif",))
    paths = scanset.write_scans(scans, folder)
    return [(p, s.truth, s.damage) for p, s in zip(paths, scans, strict=True)]


# ---------------------------------------------------------------- measuring


@dataclass
class Result:
    kind: str
    chars: int
    tess_errors: int
    tess_seconds: float
    ocrfix_errors: int
    ocrfix_seconds: float
    tess_cpu: float
    ocrfix_cpu: float
    calls: int
    osd_calls: int
    log: dict


def cpu() -> float:
    """CPU seconds of this process and of its finished children (Tesseract): a clock
    that other work on the machine does not move."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def counting(calls: list[list[str]], run: Callable) -> Callable:
    """``tesseract.run`` that also notes each call's arguments in ``calls``."""

    def counted(args, *rest, **kwargs):
        calls.append(list(args))
        return run(args, *rest, **kwargs)

    return counted


def read_counted(path: Path) -> tuple[object, list[list[str]], float]:
    """``read_page`` of a file with default settings, the Tesseract calls it made and its
    seconds."""
    calls: list[list[str]] = []
    original = tesseract.run
    tesseract.run = counting(calls, original)
    try:
        start = time.perf_counter()
        page = read_page(path, 0, Settings())
        seconds = time.perf_counter() - start
    finally:
        tesseract.run = original
    return page, calls, seconds


def measure(path: Path, truth: str, kind: str) -> Result:
    """One page read both ways."""
    start = cpu()
    tess_text, tess_seconds = tesseract_alone(path)
    middle = cpu()
    page, calls, seconds = read_counted(path)
    end = cpu()
    osd = sum(1 for c in calls if c[c.index("--psm") + 1] == "0") if calls else 0
    return Result(
        kind,
        len(normalize(truth)),
        char_errors(tess_text, truth),
        tess_seconds,
        char_errors(page.text, truth),
        seconds,
        middle - start,
        end - middle,
        len(calls),
        osd,
        page.log,
    )


def warm_up(path: Path) -> None:
    """One read of each kind before the clocks start (file caches, imports)."""
    tesseract_alone(path)
    read_counted(path)


def summary_table(results: list[Result], title: str) -> Table:
    out = Table(title=title)
    columns = ("kind", "pages", "Tess s/page", "ocrfix s/page", "ratio", "CPU ratio", "Tess CER")
    for column in (*columns, "ocrfix CER", "Tess calls/page", "of them OSD"):
        out.add_column(column, justify="left" if column == "kind" else "right")
    groups: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        groups[r.kind].append(r)
    if len(groups) > 1:
        groups["all"] = results
    for kind, rs in groups.items():
        n, chars = len(rs), sum(r.chars for r in rs) or 1
        tess, mine = sum(r.tess_seconds for r in rs), sum(r.ocrfix_seconds for r in rs)
        out.add_row(
            kind,
            str(n),
            f"{tess / n:.2f}",
            f"{mine / n:.2f}",
            f"{mine / tess:.2f}",
            f"{sum(r.ocrfix_cpu for r in rs) / sum(r.tess_cpu for r in rs):.2f}",
            f"{sum(r.tess_errors for r in rs) / chars:.2%}",
            f"{sum(r.ocrfix_errors for r in rs) / chars:.2%}",
            f"{sum(r.calls for r in rs) / n:.2f}",
            f"{sum(r.osd_calls for r in rs) / n:.2f}",
        )
    return out


def profile(path: Path, lines: int = 30) -> str:
    """The cProfile of one ``read_page``, by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    read_counted(path)
    profiler.disable()
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(lines)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=3, help="pages per kind")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--damaged", action="store_true", help="add bench/scanset.py pages")
    parser.add_argument(
        "--archive", type=int, metavar="N", help="add N of each kind of bench/archivepages.py"
    )
    parser.add_argument("--only-added", action="store_true", help="leave out this file's own pages")
    parser.add_argument("--profile", metavar="KIND", help="cProfile one page of KIND")
    parser.add_argument("--log", action="store_true", help="print each page's log")
    parser.add_argument("--keep", type=Path, help="write the pages to this folder")
    args = parser.parse_args()
    console = Console(width=160)

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if args.profile:
            path = archive_pages([args.profile], 1, folder)[0][0]
            warm_up(path)
            console.print(profile(path), markup=False, highlight=False)
            return
        pages = [] if args.only_added else archive_pages(args.kinds.split(","), args.pages, folder)
        if args.archive:
            pages += colleague_pages(args.archive, folder / "archive")
        if args.damaged:
            pages += damaged_pages(folder / "damaged")
        warm_up(pages[0][0])
        start = time.perf_counter()
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(measure, *zip(*pages, strict=True)))
        wall = time.perf_counter() - start

    if args.log:
        for (path, _, _), r in zip(pages, results, strict=True):
            keys = ("estimated_dpi", "dpi_from", "scale", "dpi", "pictures", "osd", "tries")
            console.print(path.name, {k: r.log.get(k) for k in keys}, highlight=False)
    title = f"Tesseract alone vs ocrfix read_page, {len(results)} pages, {args.jobs} worker(s)"
    console.print(summary_table(results, title))
    console.print(f"wall {wall:.0f} s")


if __name__ == "__main__":
    main()
