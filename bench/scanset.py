"""Damaged test pages with exact ground truth, for bench/scans.py and by hand.

    .venv/bin/python bench/scanset.py [--out bench/out/scans] [--fonts serif,sans,mono]

Each page is the original prose of bench/prose.py set on an A4 page at 300 dpi in a serif,
a sans or a typewriter face (DejaVu Serif, Sans, Sans Mono), then damaged like a real scan:
one damage alone, or several together. Beside every page ``NAME.png`` (or ``.jpg``) lies
``NAME.gt.txt``, the text on it in reading order. Everything is deterministic.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from ocrfix import synth

try:  # run as a script (bench/ on sys.path) or imported as bench.scanset
    from prose import PASSAGES
except ImportError:  # pragma: no cover
    from bench.prose import PASSAGES

FONTS = ("serif", "sans", "mono")


@dataclass(frozen=True)
class Scan:
    """One damaged page: its bytes, file suffix and ground truth."""

    name: str
    damage: str
    font: str
    data: bytes
    suffix: str
    truth: str


@dataclass(frozen=True)
class Source:
    """What a damage starts from: the typeset page, another page (its back) and a seed."""

    page: synth.Typeset
    back: synth.Typeset
    seed: int


def _png(pixels: np.ndarray, dpi: int | None) -> tuple[bytes, str]:
    image = synth.to_image(pixels, dpi or 72)
    buffer = io.BytesIO()
    if dpi:
        image.save(buffer, "PNG", dpi=(dpi, dpi))
    else:
        image.save(buffer, "PNG")
    return buffer.getvalue(), ".png"


def _jpg(pixels: np.ndarray, quality: int) -> tuple[bytes, str]:
    return synth.jpeg_bytes(pixels, quality), ".jpg"


def _grey(src: Source) -> np.ndarray:
    return synth.to_array(src.page.image)


def _sign(seed: int) -> int:
    return 1 if seed % 2 else -1


# Each damage: a Source in, the file's bytes and suffix out.
def clean(src: Source) -> tuple[bytes, str]:
    return _png(_grey(src), 300)


def skew(src: Source) -> tuple[bytes, str]:
    angle = _sign(src.seed) * (1.5 + (src.seed % 5) * 0.9)
    return _png(synth.rotate(_grey(src), angle), 300)


def shadow(src: Source) -> tuple[bytes, str]:
    return _jpg(synth.shadow(_grey(src), 0.75, src.seed), 85)


def photo(src: Source) -> tuple[bytes, str]:
    """Photographed 2.5° off square under an uneven shadow."""
    pixels = synth.rotate(_grey(src), _sign(src.seed) * 2.5)
    return _jpg(synth.shadow(pixels, 0.8, src.seed), 80)


def speckle(src: Source) -> tuple[bytes, str]:
    pixels = synth.speckle(_grey(src), 0.03, src.seed)
    return _png(synth.dust(pixels, 900, src.seed), 300)


def lowres(src: Source) -> tuple[bytes, str]:
    """A 150 dpi scan whose file says nothing of its resolution."""
    return _png(synth.rescale(_grey(src), 0.5), None)


def jpeg(src: Source) -> tuple[bytes, str]:
    return _jpg(synth.rescale(_grey(src), 0.7), 25)


def border(src: Source) -> tuple[bytes, str]:
    rng = np.random.default_rng(src.seed)
    widths = tuple(int(v) for v in rng.integers(40, 120, 4))
    pixels = synth.rotate(_grey(src), _sign(src.seed) * 0.8)
    return _png(synth.dark_border(pixels, widths, src.seed), 300)  # type: ignore[arg-type]


def bleed(src: Source) -> tuple[bytes, str]:
    pixels = synth.bleed_through(_grey(src), synth.to_array(src.back.image), 0.45)
    return _jpg(pixels, 85)


def columns(src: Source) -> tuple[bytes, str]:
    return _png(_grey(src), 300)


def turned180(src: Source) -> tuple[bytes, str]:
    return _png(synth.turn(_grey(src), 2), 300)


def turned90(src: Source) -> tuple[bytes, str]:
    return _png(synth.turn(_grey(src), 1 + 2 * (src.seed % 2)), 300)


def faded(src: Source) -> tuple[bytes, str]:
    """A faded carbon copy, a little soft, with a dark library label pasted in a corner."""
    pixels = 120 + _grey(src).astype(np.float32) * (226 - 120) / 255
    pixels = synth.blur(np.clip(pixels, 0, 255).astype(np.uint8), 0.9)
    w = pixels.shape[1]
    pixels[40:240, w - 560 : w - 60] = 35
    return _jpg(pixels, 80)


def photocopy(src: Source) -> tuple[bytes, str]:
    """An old photocopy: borders, slant, bleed-through, toner specks, blur, low resolution."""
    rng = np.random.default_rng(src.seed)
    pixels = synth.bleed_through(_grey(src), synth.to_array(src.back.image), 0.35)
    pixels = synth.rotate(pixels, _sign(src.seed) * 1.7)
    widths = tuple(int(v) for v in rng.integers(30, 110, 4))
    pixels = synth.dark_border(pixels, widths, src.seed)  # type: ignore[arg-type]
    pixels = synth.dust(synth.speckle(pixels, 0.01, src.seed), 500, src.seed)
    return _jpg(synth.rescale(synth.blur(pixels, 0.8), 0.6), 50)


def combined(src: Source) -> tuple[bytes, str]:
    """Skewed, shaded, speckled, at 150 dpi, JPEG-damaged: every damage at once."""
    pixels = synth.rotate(_grey(src), _sign(src.seed) * 3.2)
    pixels = synth.shadow(synth.speckle(pixels, 0.01, src.seed), 0.6, src.seed)
    return _jpg(synth.rescale(pixels, 0.5), 45)


DAMAGES: dict[str, Callable[[Source], tuple[bytes, str]]] = {
    "clean": clean,
    "skew": skew,
    "shadow": shadow,
    "photo": photo,
    "speckle": speckle,
    "lowres": lowres,
    "jpeg": jpeg,
    "border": border,
    "bleed": bleed,
    "columns": columns,
    "turned180": turned180,
    "turned90": turned90,
    "faded": faded,
    "photocopy": photocopy,
    "combined": combined,
}
HEADER_DAMAGES = frozenset({"clean", "skew", "border", "photocopy"})


def source(damage: str, font: str, index: int) -> Source:
    """The typeset page (and its back) for the ``index``-th page of the set."""
    passage = PASSAGES[index % len(PASSAGES)]
    back = PASSAGES[(index + 1) % len(PASSAGES)]
    kwargs: dict = {}
    if damage == "columns":  # two passages, to fill both columns
        passage += "\n\n" + back
        back = PASSAGES[(index + 2) % len(PASSAGES)]
        kwargs = {"columns": 2, "size_pt": 10.0, "margin_in": 0.8}
    if damage in HEADER_DAMAGES:
        number = 10 + index
        title = passage.split("\n", 1)[0].upper()
        kwargs["header"] = f"{title}    {number}" if index % 2 else f"{number}    {title}"
        kwargs["footer"] = str(number)
    page = synth.typeset(passage, font, **kwargs)
    return Source(page, synth.typeset(back, font), seed=index)


def make_scans(fonts: tuple[str, ...] = FONTS, damages: tuple[str, ...] = tuple(DAMAGES)):
    """Every damage in every font: a list of :class:`Scan`."""
    scans = []
    index = 0
    for damage in damages:
        for font in fonts:
            src = source(damage, font, index)
            data, suffix = DAMAGES[damage](src)
            scans.append(Scan(f"{damage}-{font}", damage, font, data, suffix, src.page.text))
            index += 1
    return scans


class Written(Protocol):
    """A benchmark page to write: a :class:`Scan`, or a page of bench/archivepages.py."""

    @property
    def name(self) -> str: ...
    @property
    def data(self) -> bytes: ...
    @property
    def suffix(self) -> str: ...
    @property
    def truth(self) -> str: ...


def write_scans(scans: Sequence[Written], out: Path) -> list[Path]:
    """Each page as ``NAME.png|jpg|tif`` with ``NAME.gt.txt`` beside it; the image paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for scan in scans:
        path = out / f"{scan.name}{scan.suffix}"
        path.write_bytes(scan.data)
        (out / f"{scan.name}.gt.txt").write_text(scan.truth + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "scans")
    parser.add_argument("--fonts", default=",".join(FONTS))
    parser.add_argument("--damages", default=",".join(DAMAGES))
    args = parser.parse_args()
    scans = make_scans(tuple(args.fonts.split(",")), tuple(args.damages.split(",")))
    for path in write_scans(scans, args.out):
        print(path)


if __name__ == "__main__":
    main()
