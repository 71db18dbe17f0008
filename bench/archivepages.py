"""Benchmark pages that look like real archives, with exact ground truth.

    .venv/bin/python bench/archivepages.py [--out bench/out/archive]

Original prose (written for ocrfix, see PARAGRAPHS) set in real book faces, when the
Debian font packages of bench/install-fonts.sh are installed (DejaVu otherwise), on six
kinds of page:

- ``book``: a clean grey 300 dpi book page, justified serif text at 10-12 pt, running
  head and page number;
- ``book-binarized``: the same kind as a scanner's 1-bit output (TIFF G4 or PNG), specked;
- ``magazine``: masthead, heading, standfirst and two columns of smaller sans text;
- ``illustrated``: a drawn "engraving" (hatching, crossed strokes, circles, textured
  shapes) with its caption, decorated initials, rules and bands of fleurons;
- ``dpi``: book pages at 200, 250, 350 and 400 dpi whose file does not say so;
- ``stained``: a colour scan of a book page with coffee rings and foxing.

The truth of a page is exactly the text printed on it, in reading order (running head,
headings, body, captions, footer); pictures, initials' ornaments, rules and fleurons add
nothing to it. A decorated initial is the first letter of its word, so the truth keeps the
word whole. Everything is deterministic.
"""

from __future__ import annotations

import argparse
import functools
import io
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

try:  # run as a script (bench/ on sys.path) or imported as bench.archivepages
    from scanset import write_scans
except ImportError:  # pragma: no cover
    from bench.scanset import write_scans

# ---------------------------------------------------------------- the text (original prose)

PARAGRAPHS = (
    # 0-2: a handbook of home weaving
    "The simplest of all weaves is the tabby, in which each weft thread passes over one "
    "warp thread and under the next, and on the return journey under the first and over "
    "the second. Nothing more is needed to make a sound cloth, and the beginner should "
    "weave several yards of plain tabby before attempting anything more ambitious. The "
    "evenness of the finished piece depends far less on the loom than on the weaver's "
    "hands: the weft must be laid in the shed at a slight angle, never pulled tight, and "
    "beaten with the same force on every pick.",
    "A warp of thirty-two ends to the inch suits most woollen yarns of medium weight. Finer "
    "cotton may need forty or more, while a rug wool will rarely take more than eight. "
    "Before winding the warp, wrap a few turns of the yarn around a ruler and count how "
    "many lie side by side in an inch without crowding; half that number, as a rule, gives "
    "a balanced cloth. Write the figure down. The weaver who trusts her memory will find, "
    "some months later, that she cannot repeat her own best work.",
    "Twills are recognised by the diagonal line that runs across the face of the cloth. "
    "The commonest is the two-and-two twill, in which the weft passes over two warp ends "
    "and under two, stepping one end along on each pick. Reverse the direction of the step "
    "halfway across and the diagonal turns back on itself to form a chevron; reverse it at "
    "regular intervals in both directions and a small diamond appears. These patterns need "
    "four shafts, and they are the natural next step once tabby holds no more surprises.",
    # 3-5: the canals of the north
    "The canal company's first boats were built at a yard beside the basin in 1798, of oak "
    "brought down from the estates above the town. Each was seventy feet long and a little "
    "under seven wide, the largest size the locks would take, and each carried about "
    "twenty-five tons of coal when fully laden. The boatmen were paid by the ton and by the "
    "mile, so that a quick passage through the flight of locks at Hollin Bridge could make "
    "the difference between a good week and a poor one.",
    "Horses towed the boats until well into the present century. A good horse could pull a "
    "loaded boat at two miles an hour for ten hours a day, and it knew the towpath better "
    "than its driver. At every bridge the line had to be unhitched and passed over, and at "
    "the tunnel, where there was no path at all, the horse was led over the hill by a boy "
    "while the boatmen lay on their backs on planks and walked the boat through with their "
    "feet.",
    "Trade on the canal reached its height in the 1840s, when more than four hundred boats "
    "were registered at the basin. Within thirty years the railway had taken most of the "
    "coal and almost all of the passengers, and the company was glad to sell its shares to "
    "the railway that had ruined it. Parts of the canal were still used for carrying lime "
    "and building stone as late as 1950, and the last commercial load, a cargo of salt, "
    "passed through the top lock in the winter of 1962.",
    # 6-8: a history of the parish school
    "The school opened in January 1853 with one teacher, a monitor of thirteen, and "
    "sixty-four children whose ages ran from four to twelve. The log book records that the "
    "room was too cold to write in for most of the first month, and that many of the older "
    "boys were kept at home whenever there was work in the fields. The managers bought a "
    "second stove in March. By the summer the attendance had risen to ninety, and the "
    "teacher asked, without success, for a second room.",
    "Reading was taught from a single primer, passed from child to child until its pages "
    "came loose. Arithmetic was worked on slates, and the inspector who visited in 1861 "
    "complained that the children could add long columns of figures but could not say what "
    "the answer meant. Needlework was taught to the girls on two afternoons a week, and the "
    "sampler worked by one of them, dated 1866 and signed with her initials, hangs today in "
    "the entrance hall of the new school.",
    "Of all the changes that the school saw, none was welcomed more warmly than the arrival "
    "of free school dinners in the winter of 1906. The log book for that week notes that "
    "attendance was the best ever recorded, and that several children who had never before "
    "stayed for the afternoon were present until the bell. The dinners were cooked in the "
    "schoolhouse kitchen by the caretaker's wife and cost the parish a little under a penny "
    "a head.",
    # 9-10: the beekeeper's year
    "A strong colony in early spring may hold no more than ten thousand bees, most of them "
    "old workers that have survived the winter. As the days lengthen the queen lays faster, "
    "and by the beginning of June the same hive can hold fifty thousand. It is at this "
    "moment, with the hive crowded and the honey flow only beginning, that a colony is most "
    "likely to swarm. The careful beekeeper looks through every brood box once a week from "
    "the middle of May, watching for the long cells in which new queens are raised.",
    "Honey should never be taken until the cells are capped with wax, for uncapped honey "
    "holds too much water and will ferment in the jar. Lift each frame and hold it flat: if "
    "nectar drips from it when it is given a sharp shake, put it back for another week. A "
    "frame that is three parts capped may be taken safely. Extracted honey is left to stand "
    "for several days in a tank with a tap at the bottom, so that the air bubbles and "
    "fragments of wax can rise to the surface.",
    # 11-14: a local magazine
    "The monthly meeting of the allotment society was held on Tuesday last in the upper "
    "room of the Railway Inn. The secretary reported that all but three of the forty-six "
    "plots are now let, and that the waiting list stands at nineteen names. A proposal to "
    "raise the annual rent by one shilling was carried after some discussion, the money to "
    "go towards a new water tank at the lower end of the field. Members are reminded that "
    "paths between plots must be kept clear.",
    "Nothing marks the turn of the season so surely as the first frost on the leeks. Those "
    "who planted late in June will find their rows a little thin this year, but the flavour "
    "of a leek that has been frosted once or twice more than makes up for its size. Lift "
    "them as they are wanted and leave the rest in the ground; they will stand happily "
    "until March, when the first of the spring sowings must be made in the same bed.",
    "Our correspondent in the printing trade writes that the price of good paper has risen "
    "by nearly a third since the spring, and that several small firms in the district are "
    "now printing on stock that would have been refused ten years ago. Readers who keep "
    "pamphlets and programmes are advised to store them away from sunlight and damp. A "
    "brown stain along the edge of a sheet is the first sign that the paper is turning "
    "acid, and little can be done to stop it.",
    "The flower show will take place on the second Saturday in August, on the cricket field "
    "if the weather is fair and in the church hall if it is not. Entries for the vegetable "
    "classes close on the Wednesday before. New this year is a class for the heaviest "
    "marrow grown by a child under twelve, with a prize of five shillings given by the "
    "landlord of the Railway Inn. Judging begins at eleven o'clock, and the prizes will be "
    "presented at four.",
    # 15: the weaving handbook again
    "Cloth that is to be washed must be finished before it is cut, or it will shrink "
    "unevenly and pull the seams out of line. Soak the length in warm water with a little "
    "soap for an hour, squeeze it gently without wringing, and roll it in a dry towel. Then "
    "hang it over a pole away from the fire, turning it now and then so that the water does "
    "not gather along the lower edge. A woollen cloth will lose about a tenth of its width "
    "in the process.",
)
BOOK_PARAGRAPHS = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15)
MAGAZINE_PARAGRAPHS = (11, 12, 13, 14, 9, 6, 3)
RUNNING_TITLES = {  # the running head of a page whose text starts with that paragraph
    0: "A HANDBOOK OF HOME WEAVING",
    3: "THE CANALS OF THE NORTH",
    6: "A HISTORY OF THE PARISH SCHOOL",
    9: "THE BEEKEEPER'S YEAR",
    15: "A HANDBOOK OF HOME WEAVING",
}
CAPTIONS = (
    "FIG. 12. A SIMPLE TABBY WEAVE SHOWN FROM ABOVE.",
    "FIG. 3. THE TOP LOCK AT HOLLIN BRIDGE, FROM AN OLD ENGRAVING.",
    "FIG. 21. A FOUR-SHAFT LOOM WITH THE SHED OPEN.",
    "PLATE IV. THE SCHOOLHOUSE AND THE NEW CLASSROOM, 1874.",
    "FIG. 9. TWO-AND-TWO TWILL, SHOWING THE DIAGONAL LINE.",
    "FIG. 5. A HORSE-DRAWN BOAT ENTERING THE TUNNEL.",
    "FIG. 7. A FRAME OF CAPPED HONEY READY FOR THE EXTRACTOR.",
    "FIG. 14. THE WINTER HIVE, WITH ITS ENTRANCE REDUCED.",
)
CHAPTERS = (
    ("CHAPTER IV", "Plain Weaving"),
    ("CHAPTER II", "The First Boats"),
    ("CHAPTER VII", "The Schoolroom"),
    ("CHAPTER III", "Swarming and the Honey Flow"),
)
HEADLINES = (
    ("News from the Allotments", "The society meets again, the rents go up by a shilling and "
     "the new water tank is promised for the spring."),
    ("Leeks, Frost and Patience", "A few words for those who planted late, from our "
     "gardening correspondent."),
    ("Paper Is Getting Dearer", "Why the pamphlets of this year may not last as long as "
     "those of our grandparents."),
    ("The Flower Show Returns", "Dates, classes and prizes for the summer, with a new class "
     "for the youngest growers."),
    ("A Busy Year for the Bees", "Our beekeepers report strong colonies and an early flow."),
    ("Looking Back at the School", "Notes from the old log book, read at the winter meeting."),
    ("Boats on the Old Canal", "A member remembers the last loads of lime and stone."),
)  # fmt: skip
MASTHEADS = ("THE VALLEY GAZETTE", "PARISH AND DISTRICT NEWS", "THE ALLOTMENT MONTHLY")
MONTHS = ("March 1957", "November 1958", "June 1961", "October 1963")

# ---------------------------------------------------------------- fonts

SERIF_FACES = (
    "EB Garamond 12",
    "Linux Libertine O",
    "Caladea",
    "TeX Gyre Pagella",
    "TeX Gyre Termes",
    "Liberation Serif",
)
SANS_FACES = ("Liberation Sans", "TeX Gyre Heros", "Linux Biolinum O", "Liberation Sans Narrow")
FALLBACK = {"serif": "DejaVu Serif", "sans": "DejaVu Sans"}
USED: set[str] = set()  # the faces that the pages made so far were set in


@functools.cache
def font_file(family: str, style: str = "Regular") -> tuple[str, str] | None:
    """``(path, family)`` of an installed face via fontconfig, or None when it is missing
    (fontconfig then answers with another family, which is not taken)."""
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{family}\n%{file}", f"{family}:style={style}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return None
    if len(found) < 2 or family.lower() not in found[0].lower().split(","):
        return None
    return found[1], family


def load_font(family: str, kind: str, size_px: int, style: str = "Regular"):
    """``family`` at ``size_px``, or DejaVu of the same ``kind`` (serif, sans) when the
    face is not installed; records the face used in USED."""
    found = font_file(family, style) or font_file(family) or font_file(FALLBACK[kind], style)
    found = found or font_file(FALLBACK[kind])
    if found is None:
        USED.add("Pillow default")
        return ImageFont.load_default(size_px)
    USED.add(f"{found[1]} {style}" if style != "Regular" else found[1])
    return ImageFont.truetype(found[0], size_px)


def fonts_used() -> list[str]:
    """The faces the pages made so far were set in, sorted."""
    return sorted(USED)


# ---------------------------------------------------------------- setting text


@dataclass
class Sheet:
    """A page being set: a white ink layer, its pictures, and the printed text in order."""

    width: int
    height: int
    dpi: int
    lines: list[str] = field(default_factory=list)
    pictures: list[tuple[int, int, np.ndarray]] = field(default_factory=list)
    running: bool = False  # has a running head with the page number

    def __post_init__(self) -> None:
        self.image = Image.new("L", (self.width, self.height), 255)
        self.draw = ImageDraw.Draw(self.image)

    def px(self, inches: float) -> int:
        return round(inches * self.dpi)

    def pt(self, points: float) -> int:
        return round(points * self.dpi / 72)

    def text(self, x: float, baseline: float, text: str, font, truth: bool = True) -> None:
        self.draw.text((x, baseline), text, fill=0, font=font, anchor="ls")
        if truth:
            self.lines.append(text)

    def centred(self, left: int, right: int, baseline: float, text: str, font) -> None:
        self.text((left + right - font.getlength(text)) / 2, baseline, text, font)

    def paste(self, x: int, y: int, pixels: np.ndarray) -> None:
        """A picture (white 255, ink dark) laid on the page; it is no text."""
        self.pictures.append((x, y, pixels))

    def ink(self) -> np.ndarray:
        """The page's ink: text and pictures, 255 where nothing is printed."""
        out = np.asarray(self.image).copy()
        for x, y, pixels in self.pictures:
            h, w = pixels.shape
            out[y : y + h, x : x + w] = np.minimum(out[y : y + h, x : x + w], pixels)
        return out

    @property
    def truth(self) -> str:
        return "\n".join(self.lines)


class Stream:
    """The words of some paragraphs, taken a line at a time."""

    def __init__(self, paragraphs: list[str]) -> None:
        self.paragraphs = [p.split() for p in paragraphs if p.split()]
        self.par = 0
        self.word = 0

    @property
    def empty(self) -> bool:
        return self.par >= len(self.paragraphs)

    def line(self, font, width: float) -> tuple[list[str], bool, bool]:
        """The next words that fit ``width``: ``(words, starts_paragraph, ends_paragraph)``."""
        words = self.paragraphs[self.par]
        starts = self.word == 0
        taken: list[str] = []
        while self.word < len(words):
            trial = " ".join([*taken, words[self.word]])
            if taken and font.getlength(trial) > width:
                break
            taken.append(words[self.word])
            self.word += 1
        ends = self.word >= len(words)
        if ends:
            self.par, self.word = self.par + 1, 0
        return taken, starts, ends


def draw_line(
    sheet: Sheet, words: list[str], x: float, y: float, width: float, font, justify: bool
) -> None:
    """One line of words, spread to ``width`` when ``justify`` (not past thrice a space)."""
    sizes = [font.getlength(w) for w in words]
    space = font.getlength(" ")
    gap = space
    if justify and len(words) > 1:
        gap = (width - sum(sizes)) / (len(words) - 1)
        gap = gap if gap <= 3 * space else space
    for word, size in zip(words, sizes, strict=True):
        sheet.draw.text((x, y), word, fill=0, font=font, anchor="ls")
        x += size + gap
    sheet.lines.append(" ".join(words))


@dataclass
class Column:
    """Where a column of text goes and how it is set."""

    left: int
    top: int  # the first baseline
    width: int
    rows: int
    leading: int
    justify: bool = True
    indent: int = 0  # of a paragraph's first line
    narrow: dict[int, int] = field(default_factory=dict)  # row -> left inset (an initial)


def set_column(sheet: Sheet, stream: Stream, font, col: Column, first_indent: bool = True) -> int:
    """Fill ``col`` from ``stream``; the number of rows used."""
    row = 0
    while row < col.rows and not stream.empty:
        inset = col.narrow.get(row, 0)
        if stream.word == 0 and (row or first_indent) and not inset:
            inset = col.indent
        words, _starts, ends = stream.line(font, col.width - inset)
        y = col.top + row * col.leading
        draw_line(
            sheet, words, col.left + inset, y, col.width - inset, font, col.justify and not ends
        )
        row += 1
    return row


def rows_between(top: int, bottom: int, leading: int) -> int:
    return max(0, (bottom - top) // leading + 1)


# ---------------------------------------------------------------- pictures and ornaments


def hatch(
    shape: tuple[int, int],
    angle: float,
    spacing: float,
    width: np.ndarray | float,
    rng: np.random.Generator,
    wobble: float = 1.5,
) -> np.ndarray:
    """Parallel engraved lines at ``angle`` degrees, each ``width`` pixels thick (a map:
    thicker where the tone is darker), with a slight hand-cut wobble."""
    h, w = shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    t = np.deg2rad(angle)
    u = xs * np.cos(t) + ys * np.sin(t)
    v = -xs * np.sin(t) + ys * np.cos(t)
    u = u + wobble * np.sin(v / rng.uniform(25, 70) + rng.uniform(0, 6.3))
    return (u % spacing) < width


def smooth_field(shape: tuple[int, int], rng: np.random.Generator, cells: int = 5) -> np.ndarray:
    """A smooth random field in [0, 1]."""
    h, w = shape
    small = rng.random((cells, cells)).astype(np.float32)
    big = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    return (big - big.min()) / max(float(np.ptp(big)), 1e-6)


def landscape_tone(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Darkness of a hilly view: pale sky, bands of hills, dark trees and foreground."""
    h, w = shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    tone = 0.08 + 0.25 * ys / h
    for k, level in enumerate(rng.uniform(0.35, 0.6, 3)):
        edge = h * (0.35 + 0.17 * k) + h * 0.06 * np.sin(xs / w * rng.uniform(4, 9) + k)
        tone = np.where(ys > edge, level + 0.12 * k, tone)
    for _ in range(int(rng.integers(3, 7))):
        cx, cy, r = rng.uniform(0, w), rng.uniform(0.35 * h, 0.8 * h), rng.uniform(0.03, 0.08) * w
        tone = np.where((xs - cx) ** 2 + (ys - cy) ** 2 < r * r, 0.85, tone)
    return np.clip(tone + 0.1 * (smooth_field(shape, rng) - 0.5), 0, 1)


def weave_tone(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Darkness of a tabby weave seen from above: strips going over and under in turn."""
    h, w = shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    cell = rng.uniform(0.07, 0.11) * min(h, w)
    i, j = xs // cell, ys // cell
    fx, fy = (xs % cell) / cell, (ys % cell) / cell
    warp_up = (i + j) % 2 == 0
    across = np.where(warp_up, fx, fy)  # position across the strip on top
    tone = 0.2 + 0.6 * (2 * np.abs(across - 0.5)) ** 2  # round strips: dark at their edges
    gap = (np.minimum(fx, 1 - fx) < 0.06) & (np.minimum(fy, 1 - fy) < 0.06)
    return np.where(gap, 0.95, tone)


def machine_tone(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Darkness of a machine: frames, wheels and their shadows on a mid background."""
    h, w = shape
    tone = np.full(shape, 0.18, np.float32)
    for _ in range(3):
        x0, y0 = int(rng.uniform(0, 0.6) * w), int(rng.uniform(0, 0.6) * h)
        cv2.rectangle(tone, (x0, y0), (x0 + int(0.35 * w), y0 + int(0.3 * h)), 0.5, -1)
    for _ in range(int(rng.integers(2, 4))):
        c = (int(rng.uniform(0.2, 0.8) * w), int(rng.uniform(0.25, 0.75) * h))
        r = int(rng.uniform(0.1, 0.22) * min(h, w))
        cv2.circle(tone, c, r, 0.75, -1)
        cv2.circle(tone, c, int(r * 0.7), 0.3, -1)
    return tone


def outlines(pixels: np.ndarray, rng: np.random.Generator) -> None:
    """Engraved contours drawn on ``pixels``: circles with spokes, polygons, wavy strokes."""
    h, w = pixels.shape
    for _ in range(int(rng.integers(1, 4))):
        c = (int(rng.uniform(0.15, 0.85) * w), int(rng.uniform(0.2, 0.8) * h))
        r = int(rng.uniform(0.06, 0.2) * min(h, w))
        for k in range(int(rng.integers(1, 4))):
            cv2.circle(pixels, c, max(3, r - 9 * k), 0, 2, cv2.LINE_AA)
        for a in np.linspace(0, np.pi, int(rng.integers(3, 7)), endpoint=False):
            d = (int(r * np.cos(a)), int(r * np.sin(a)))
            cv2.line(pixels, (c[0] - d[0], c[1] - d[1]), (c[0] + d[0], c[1] + d[1]), 0, 2)
    for _ in range(int(rng.integers(2, 5))):
        pts = rng.uniform((0, 0), (w, h), (int(rng.integers(3, 7)), 2)).astype(np.int32)
        cv2.polylines(pixels, [cv2.convexHull(pts)], True, 0, 2, cv2.LINE_AA)
    for _ in range(int(rng.integers(4, 10))):
        x = np.linspace(rng.uniform(0, w), rng.uniform(0, w), 40)
        y = np.linspace(rng.uniform(0, h), rng.uniform(0, h), 40) + 8 * np.sin(np.arange(40) / 4)
        cv2.polylines(pixels, [np.stack([x, y], 1).astype(np.int32)], False, 0, 1, cv2.LINE_AA)


def textured_shapes(pixels: np.ndarray, rng: np.random.Generator) -> None:
    """A few random blobs filled with their own cross-hatching."""
    h, w = pixels.shape
    for _ in range(int(rng.integers(2, 5))):
        mask = np.zeros((h, w), np.uint8)
        pts = rng.uniform((0, 0), (w, h), (6, 2)).astype(np.int32)
        cv2.fillPoly(mask, [cv2.convexHull(pts)], 1)
        lines = hatch((h, w), rng.uniform(0, 180), rng.uniform(5, 9), 1.6, rng)
        lines |= hatch((h, w), rng.uniform(0, 180), rng.uniform(6, 11), 1.2, rng)
        pixels[(mask > 0) & lines] = 0


PICTURES: dict[str, Callable[[tuple[int, int], np.random.Generator], np.ndarray]] = {
    "weave": weave_tone,
    "landscape": landscape_tone,
    "machine": machine_tone,
}


def engraving(w: int, h: int, style: str, grey: bool, rng: np.random.Generator) -> np.ndarray:
    """A drawn picture in a double frame: line art (0/255) or grey, white 255 around."""
    tone = PICTURES[style]((h, w), rng)
    spacing = rng.uniform(5, 8)
    lines = hatch((h, w), rng.uniform(20, 70), spacing, 0.15 + 0.8 * spacing * tone, rng)
    cross = hatch((h, w), rng.uniform(100, 160), spacing * 1.2, 1.8 * spacing * (tone - 0.55), rng)
    ink = lines | cross
    if grey:
        shade = 255 - 170 * cv2.GaussianBlur(tone, (0, 0), 3)
        pixels = np.where(ink, 70.0, shade) + rng.normal(0, 6, (h, w))
        pixels = np.clip(cv2.GaussianBlur(pixels, (0, 0), 0.8), 0, 255).astype(np.uint8)
    else:
        pixels = np.where(ink, 0, 255).astype(np.uint8)
    textured_shapes(pixels, rng)
    outlines(pixels, rng)
    cv2.rectangle(pixels, (0, 0), (w - 1, h - 1), 0, 5)
    framed = np.full((h + 24, w + 24), 255, np.uint8)
    framed[12:-12, 12:-12] = pixels
    cv2.rectangle(framed, (2, 2), (w + 21, h + 21), 0, 2)
    return framed


def fleurons(width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    """A band of printer's flowers: lozenges between pairs of leaves, with dots."""
    band = np.full((height, width), 255, np.uint8)
    step = int(height * rng.uniform(1.6, 2.2))
    cy = height // 2
    for cx in range(step // 2, width - step // 2 + 1, step):
        r = height // 3
        diamond = np.array([(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)], np.int32)
        cv2.fillPoly(band, [diamond], 0, cv2.LINE_AA)
        for side in (-1, 1):
            leaf = (cx + side * int(0.55 * step), cy)
            cv2.ellipse(band, leaf, (height // 4, height // 9), 30 * side, 0, 360, 0, -1)
            cv2.circle(band, (cx + side * int(0.3 * step), cy - r // 2), max(2, r // 5), 0, -1)
    return band


def rule(width: int, thick: int, double: bool) -> np.ndarray:
    """A horizontal rule, or a thick-and-thin double rule."""
    height = thick * 4 if double else thick
    band = np.full((height, width), 255, np.uint8)
    band[:thick] = 0
    if double:
        band[-max(1, thick // 3) :] = 0
    return band


def initial_box(letter: str, size: int, rng: np.random.Generator) -> np.ndarray:
    """A decorated initial: ``letter`` haloed in white on a hatched, vined, framed square."""
    pixels = np.where(hatch((size, size), 45, 6, 1.3, rng, 0.5), 0, 255).astype(np.uint8)
    for _ in range(14):
        c = (int(rng.uniform(0, size)), int(rng.uniform(0, size)))
        r = int(rng.uniform(0.08, 0.2) * size)
        cv2.ellipse(pixels, c, (r, r), 0, rng.uniform(0, 180), rng.uniform(200, 330), 0, 3)
        cv2.ellipse(pixels, c, (r // 3, r // 7), rng.uniform(0, 180), 0, 360, 255, -1)
    cv2.rectangle(pixels, (0, 0), (size - 1, size - 1), 0, 6)
    cv2.rectangle(pixels, (12, 12), (size - 13, size - 13), 0, 2)
    image = Image.fromarray(pixels)
    font = load_font("Linux Libertine O", "serif", int(size * 0.78), "Bold")
    ImageDraw.Draw(image).text(
        (size / 2, size / 2),
        letter,
        fill=0,
        font=font,
        anchor="mm",
        stroke_width=max(4, size // 22),
        stroke_fill=255,
    )
    return np.asarray(image)


# ---------------------------------------------------------------- printing and scanning


def on_paper(ink: np.ndarray, rng: np.random.Generator, blur: float = 0.6) -> np.ndarray:
    """The ink printed on slightly uneven off-white paper and scanned a little soft."""
    h, w = ink.shape
    paper = rng.uniform(234, 247) + 8 * (smooth_field((h, w), rng, 4) - 0.5)
    paper = paper + 2.0 * rng.standard_normal((h, w), np.float32)
    level = rng.uniform(18, 45)
    cover = 1.0 - ink.astype(np.float32) / 255.0
    out = paper * (1 - cover) + level * cover
    return np.clip(cv2.GaussianBlur(out, (0, 0), blur), 0, 255).astype(np.uint8)


def png_bytes(pixels: np.ndarray | Image.Image, dpi: int | None) -> bytes:
    """PNG of a page, with a pHYs chunk only when ``dpi`` is given."""
    image = pixels if isinstance(pixels, Image.Image) else Image.fromarray(pixels)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1, **({"dpi": (dpi, dpi)} if dpi else {}))
    return buffer.getvalue()


def tiff_g4_bytes(image: Image.Image, dpi: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "TIFF", compression="group4", dpi=(dpi, dpi))
    return buffer.getvalue()


def jpeg_bytes(pixels: np.ndarray, quality: int, dpi: int | None) -> bytes:
    """JPEG of a grey or RGB page; without ``dpi`` its JFIF header gives no density."""
    image = Image.fromarray(pixels)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, **({"dpi": (dpi, dpi)} if dpi else {}))
    return buffer.getvalue()


def binarized(grey: np.ndarray, rng: np.random.Generator) -> Image.Image:
    """A scanner's 1-bit page: thresholded, with toner specks and a few dropouts."""
    h, w = grey.shape
    bits = np.where(grey > rng.uniform(135, 165), 255, 0).astype(np.uint8)
    for _ in range(int(rng.integers(250, 600))):
        c = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        cv2.circle(bits, c, int(rng.integers(1, 3)), 0, -1)
    bits[rng.random((h, w)) < 0.0004] = 255
    return Image.fromarray(bits).convert("1")


def stained(grey: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A colour scan of the page on yellowed paper with coffee rings and foxing."""
    h, w = grey.shape
    paper = np.array(rng.uniform((232, 224, 198), (244, 236, 215)), np.float32)
    ink = np.array((38, 32, 28), np.float32)
    cover = 1.0 - grey.astype(np.float32)[..., None] / 255.0
    rgb = paper * (1 - cover) + ink * cover
    alpha = np.zeros((h, w), np.float32)
    for _ in range(int(rng.integers(1, 3))):
        alpha = np.maximum(alpha, coffee_ring((h, w), rng))
    alpha = np.maximum(alpha, foxing((h, w), rng))
    stain = np.array((120, 75, 35), np.float32)
    rgb = rgb * (1 - alpha[..., None]) + stain * alpha[..., None] * (rgb / 255)
    return np.clip(rgb, 0, 255).astype(np.uint8)


def coffee_ring(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Opacity of a cup's ring: a dark, broken, irregular rim around a faint tint."""
    h, w = shape
    cx, cy = rng.uniform(0.15, 0.85) * w, rng.uniform(0.15, 0.85) * h
    radius = rng.uniform(0.1, 0.2) * w
    x0, x1 = int(max(0, cx - 1.2 * radius)), int(min(w, cx + 1.2 * radius))
    y0, y1 = int(max(0, cy - 1.2 * radius)), int(min(h, cy + 1.2 * radius))
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    dist = np.hypot(xs - cx, ys - cy)
    angle = np.arctan2(ys - cy, xs - cx)
    phase = rng.uniform(0, 6.3, 3)
    wobbly = radius * (
        1 + 0.03 * np.sin(3 * angle + phase[0]) + 0.02 * np.sin(7 * angle + phase[1])
    )
    rim = np.exp(-(((dist - wobbly) / rng.uniform(6, 14)) ** 2))
    broken = 0.55 + 0.45 * np.sin(angle + phase[2])  # fainter on one side
    inside = 0.08 * (dist < wobbly)
    out = np.zeros(shape, np.float32)
    out[y0:y1, x0:x1] = np.clip(rng.uniform(0.5, 0.75) * rim * broken + inside, 0, 1)
    return out


def foxing(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Opacity of foxing: soft brown blotches, some in clusters."""
    h, w = shape
    spots = np.zeros((h, w), np.float32)
    for _ in range(int(rng.integers(12, 30))):
        c = (int(rng.uniform(0, w)), int(rng.uniform(0, h)))
        for _ in range(int(rng.integers(1, 4))):
            jitter = (c[0] + int(rng.normal(0, 12)), c[1] + int(rng.normal(0, 12)))
            cv2.circle(spots, jitter, int(rng.uniform(4, 28)), float(rng.uniform(0.2, 0.5)), -1)
    return cv2.GaussianBlur(spots, (0, 0), 6)


# ---------------------------------------------------------------- the kinds of page


@dataclass(frozen=True)
class Page:
    """One benchmark page: its file's bytes and suffix and the exact text printed on it."""

    name: str
    kind: str
    data: bytes
    suffix: str
    truth: str
    picture: bool  # holds a picture region (an engraving)
    dpi: int  # the resolution it was made at (the file may not say)
    running: bool  # has a running head and a page number
    fonts: tuple[str, ...]  # the faces it is set in


def running_head(sheet: Sheet, first: int, number: int, left: int, right: int, font) -> None:
    """Page number on the outer side and the book's title centred, above the text."""
    title = (
        RUNNING_TITLES.get(first) or RUNNING_TITLES[max(k for k in RUNNING_TITLES if k <= first)]
    )
    baseline = sheet.px(0.55)
    sheet.running = True
    if number % 2 == 0:
        sheet.text(left, baseline, str(number), font)
        sheet.centred(left, right, baseline, title, font)
    else:
        sheet.centred(left, right, baseline, title, font)
        sheet.text(right - font.getlength(str(number)), baseline, str(number), font)


def book_sheet(index: int, dpi: int, rng: np.random.Generator) -> Sheet:
    """A book page: running head (or a chapter's folio at the foot), justified serif text."""
    sheet = Sheet(round(5.5 * dpi), round(8.5 * dpi), dpi)
    face = SERIF_FACES[index % len(SERIF_FACES)]
    size = float(rng.choice([10, 10.5, 11, 11.5, 12]))
    body = load_font(face, "serif", sheet.pt(size))
    small = load_font(face, "serif", sheet.pt(size * 0.82))
    inner, outer = sheet.px(0.8), sheet.px(0.6)
    left, right = (outer, sheet.width - inner) if index % 2 == 0 else (inner, sheet.width - outer)
    leading = round(sheet.pt(size) * rng.uniform(1.22, 1.34))
    first = BOOK_PARAGRAPHS[(3 * index) % len(BOOK_PARAGRAPHS)]
    number = 11 + 7 * index
    chapter = index % 4 == 3
    top = sheet.px(0.9)
    if chapter:
        heading = load_font(face, "serif", sheet.pt(size * 1.5))
        label, title = CHAPTERS[index % len(CHAPTERS)]
        sheet.centred(left, right, sheet.px(1.3), label, small)
        sheet.centred(left, right, sheet.px(1.3) + 2 * leading, title, heading)
        top = sheet.px(1.3) + 4 * leading
    else:
        running_head(sheet, first, number, left, right, small)
    order = [p for p in BOOK_PARAGRAPHS if p >= first] + [p for p in BOOK_PARAGRAPHS if p < first]
    col = Column(
        left,
        top,
        right - left,
        rows_between(top, sheet.height - sheet.px(0.95), leading),
        leading,
        indent=sheet.pt(size * 1.5),
    )
    set_column(sheet, Stream([PARAGRAPHS[p] for p in order]), body, col, first_indent=not chapter)
    if chapter:
        sheet.centred(left, right, sheet.height - sheet.px(0.55), str(number), small)
    return sheet


def magazine_sheet(index: int, rng: np.random.Generator) -> Sheet:
    """A magazine page: masthead, rule, heading, standfirst, two columns, folio."""
    sheet = Sheet(2550, 3300, 300)
    face = SANS_FACES[index % len(SANS_FACES)]
    size = float(rng.choice([8.5, 9, 9.5]))
    body = load_font(face, "sans", sheet.pt(size))
    left, right = sheet.px(0.7), sheet.width - sheet.px(0.7)
    masthead = load_font(face, "sans", sheet.pt(11), "Bold")
    sheet.text(left, sheet.px(0.75), MASTHEADS[index % len(MASTHEADS)], masthead)
    month = MONTHS[index % len(MONTHS)]
    sheet.text(right - masthead.getlength(month), sheet.px(0.75), month, masthead)
    sheet.paste(left, sheet.px(0.85), rule(right - left, 6, index % 2 == 0))
    headline, standfirst = HEADLINES[index % len(HEADLINES)]
    sheet.text(left, sheet.px(1.55), headline, load_font(face, "sans", sheet.pt(24), "Bold"))
    lead = load_font(face, "sans", sheet.pt(12), "Italic")
    lead_col = Column(left, sheet.px(2.0), right - left, 3, sheet.pt(16), justify=False)
    used = set_column(sheet, Stream([standfirst]), lead, lead_col, first_indent=False)
    top = sheet.px(2.0) + used * sheet.pt(16) + sheet.pt(22)
    gutter = sheet.px(0.3)
    width = (right - left - gutter) // 2
    leading = round(sheet.pt(size) * 1.28)
    rows = rows_between(top, sheet.height - sheet.px(0.9), leading)
    start = index % len(MAGAZINE_PARAGRAPHS)
    order = MAGAZINE_PARAGRAPHS[start:] + MAGAZINE_PARAGRAPHS[:start]
    order += tuple(p for p in range(len(PARAGRAPHS)) if p not in order)
    stream = Stream([PARAGRAPHS[p] for p in order])
    justify = index % 2 == 1
    for k in range(2):
        col = Column(
            left + k * (width + gutter), top, width, rows, leading, justify, sheet.pt(size)
        )
        set_column(sheet, stream, body, col, first_indent=k == 1)
    if index % 3 == 0:  # a column rule
        x = left + width + gutter // 2
        sheet.paste(x, top - leading, rule(rows * leading, 2, False).T.copy())
    folio = load_font(face, "sans", sheet.pt(9))
    sheet.centred(left, right, sheet.height - sheet.px(0.5), f"Page {3 + 2 * index}", folio)
    return sheet


def place_picture(
    sheet: Sheet,
    y: int,
    left: int,
    right: int,
    height: int,
    index: int,
    caption: str,
    font,
    rng: np.random.Generator,
) -> int:
    """An engraving centred at ``y`` with its caption below; the y after them."""
    width = int((right - left) * rng.uniform(0.75, 1.0))
    style = ("weave", "landscape", "machine")[index % 3]
    picture = engraving(width - 24, height - 24, style, index % 2 == 0, rng)
    sheet.paste((left + right - width) // 2, y, picture)
    baseline = y + height + sheet.pt(16)
    sheet.centred(left, right, baseline, caption, font)
    return baseline + sheet.pt(14)


def illustrated_sheet(index: int, rng: np.random.Generator) -> Sheet:
    """A page with an engraving and its caption; some with a chapter's decorated initial,
    rules and bands of fleurons. Four layouts in turn."""
    sheet = Sheet(1800, 2700, 300)
    face = SERIF_FACES[index % len(SERIF_FACES)]
    size = float(rng.choice([10.5, 11, 11.5]))
    body = load_font(face, "serif", sheet.pt(size))
    small = load_font(face, "serif", sheet.pt(size * 0.82))
    left, right = sheet.px(0.75), sheet.width - sheet.px(0.75)
    leading = round(sheet.pt(size) * 1.28)
    first = BOOK_PARAGRAPHS[(5 * index + 2) % len(BOOK_PARAGRAPHS)]
    order = [p for p in BOOK_PARAGRAPHS if p >= first] + [p for p in BOOK_PARAGRAPHS if p < first]
    paragraphs = [PARAGRAPHS[p] for p in order]
    caption = CAPTIONS[index % len(CAPTIONS)]
    layout = index % 4
    bottom = sheet.height - sheet.px(0.9)
    y = sheet.px(0.9)
    if layout in (0, 3):
        running_head(sheet, first, 40 + 9 * index, left, right, small)
    if layout in (1, 2):
        band = fleurons(int((right - left) * 0.6), sheet.pt(12), rng)
        sheet.paste((left + right - band.shape[1]) // 2, sheet.px(0.55), band)
        label, title = CHAPTERS[index % len(CHAPTERS)]
        sheet.centred(left, right, sheet.px(1.1), label, small)
        sheet.centred(left, right, sheet.px(1.1) + 2 * leading, title, body)
        y = sheet.px(1.1) + 3 * leading
    stream = Stream(paragraphs)
    picture_height = int(sheet.px(rng.uniform(2.3, 3.0)))
    if layout == 2:  # picture first, then text with an initial
        y = place_picture(sheet, y, left, right, picture_height, index, caption, small, rng)
    if layout in (1, 2):
        y = initial_paragraph(sheet, stream, body, left, right, y + leading, leading, rng)
    if layout in (0, 1, 3):
        rows = 9 if layout != 1 else 4
        col = Column(left, y + leading, right - left, rows, leading, indent=sheet.pt(size * 1.5))
        y += set_column(sheet, stream, body, col) * leading
        picture_height = min(picture_height, bottom - y - sheet.px(1.2))
        y = place_picture(
            sheet, y + leading // 2, left, right, picture_height, index, caption, small, rng
        )
    rest = rows_between(y + leading, bottom - sheet.px((0, 0, 0.5, 0.2)[layout]), leading)
    col = Column(left, y + leading, right - left, rest, leading, indent=sheet.pt(size * 1.5))
    y += set_column(sheet, stream, body, col) * leading
    if layout == 3:
        sheet.paste(left, bottom, rule(right - left, 3, True))
    if layout == 2:
        band = fleurons(int((right - left) * 0.35), sheet.pt(10), rng)
        sheet.paste((left + right - band.shape[1]) // 2, y + leading, band)
    if layout in (1, 2):
        sheet.centred(left, right, sheet.height - sheet.px(0.55), str(40 + 9 * index), small)
    return sheet


def initial_paragraph(
    sheet: Sheet,
    stream: Stream,
    font,
    left: int,
    right: int,
    top: int,
    leading: int,
    rng: np.random.Generator,
) -> int:
    """The stream's next paragraph opened by a decorated initial three lines deep; the y
    of its last line. The initial is printed as a picture, the truth keeps its word whole."""
    words = stream.paragraphs[stream.par]
    letter, words[0] = words[0][0], words[0][1:]
    cap = -font.getbbox("H", anchor="ls")[1]
    size = 2 * leading + cap
    sheet.paste(left, top - cap, initial_box(letter, size, rng))
    start = len(sheet.lines)
    inset = size + sheet.pt(6)
    narrow = {0: inset, 1: inset, 2: inset}
    col = Column(left, top, right - left, 8, leading, indent=round(1.5 * font.size), narrow=narrow)
    rows = set_column(sheet, stream, font, col, first_indent=False)
    sheet.lines[start] = letter + sheet.lines[start]
    return top + (rows - 1) * leading


# ---------------------------------------------------------------- making the set


def book_page(index: int, rng: np.random.Generator) -> tuple[Sheet, bytes, str]:
    sheet = book_sheet(index, 300, rng)
    return sheet, png_bytes(on_paper(sheet.ink(), rng), 300), ".png"


def binarized_page(index: int, rng: np.random.Generator) -> tuple[Sheet, bytes, str]:
    sheet = book_sheet(index + 20, 300, rng)
    bits = binarized(on_paper(sheet.ink(), rng, blur=0.8), rng)
    if index % 2 == 0:
        return sheet, tiff_g4_bytes(bits, 300), ".tif"
    return sheet, png_bytes(bits, 300), ".png"


def magazine_page(index: int, rng: np.random.Generator) -> tuple[Sheet, bytes, str]:
    sheet = magazine_sheet(index, rng)
    return sheet, png_bytes(on_paper(sheet.ink(), rng), 300), ".png"


def illustrated_page(index: int, rng: np.random.Generator) -> tuple[Sheet, bytes, str]:
    sheet = illustrated_sheet(index, rng)
    grey = on_paper(sheet.ink(), rng)
    if index % 3 == 2:
        return sheet, jpeg_bytes(grey, 88, 300), ".jpg"
    return sheet, png_bytes(grey, 300), ".png"


DPIS = (200, 250, 350, 400)


def dpi_page(index: int, rng: np.random.Generator) -> tuple[Sheet, bytes, str]:
    """A book page at 200-400 dpi in a file that does not say so."""
    dpi = DPIS[index % len(DPIS)]
    sheet = book_sheet(index + 40, dpi, rng)
    grey = on_paper(sheet.ink(), rng, blur=0.5 * dpi / 300)
    if index < len(DPIS):
        return sheet, png_bytes(grey, None), ".png"
    return sheet, jpeg_bytes(grey, 90, None), ".jpg"


def stained_page(index: int, rng: np.random.Generator) -> tuple[Sheet, bytes, str]:
    sheet = book_sheet(index + 60, 300, rng)
    ink = sheet.ink()
    grey = np.clip(cv2.GaussianBlur(ink.astype(np.float32), (0, 0), 0.6), 0, 255)
    return sheet, jpeg_bytes(stained(grey.astype(np.uint8), rng), 90, 300), ".jpg"


KINDS: dict[str, tuple[int, Callable[[int, np.random.Generator], tuple[Sheet, bytes, str]]]] = {
    "book": (8, book_page),
    "book-binarized": (7, binarized_page),
    "magazine": (7, magazine_page),
    "illustrated": (8, illustrated_page),
    "dpi": (8, dpi_page),
    "stained": (7, stained_page),
}


def make_page(kind: str, index: int) -> Page:
    """The ``index``-th page of ``kind``, the same on every run."""
    seed = 1000 * list(KINDS).index(kind) + index
    USED.clear()
    sheet, data, suffix = KINDS[kind][1](index, np.random.default_rng(seed))
    return Page(
        f"{kind}-{index + 1:02d}",
        kind,
        data,
        suffix,
        sheet.truth,
        kind == "illustrated",
        sheet.dpi,
        sheet.running,
        tuple(fonts_used()),
    )


def page_ids(kinds: tuple[str, ...] = tuple(KINDS), limit: int | None = None) -> list:
    """``(kind, index)`` of every page of ``kinds`` (at most ``limit`` of each)."""
    return [(k, i) for k in kinds for i in range(min(KINDS[k][0], limit or KINDS[k][0]))]


def make_pages(kinds: tuple[str, ...] = tuple(KINDS), limit: int | None = None) -> list[Page]:
    """Every page of ``kinds`` (at most ``limit`` of each)."""
    return [make_page(kind, i) for kind, i in page_ids(kinds, limit)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "archive")
    parser.add_argument("--limit", type=int, help="pages of each kind at most")
    args = parser.parse_args()
    pages = make_pages(limit=args.limit)
    for path in write_scans(pages, args.out):
        print(path)
    print("fonts:", ", ".join(sorted({f for page in pages for f in page.fonts})))


if __name__ == "__main__":
    main()
