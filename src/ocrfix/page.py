"""One scanned page, from pixels to words: preprocess, OCR, a bounded search, layout.

The first try reads the cleaned page (:func:`ocrfix.preprocess.prepare`) with the page
segmentation mode asked for, turned first when its ink shows it upside down or on its
side (:mod:`ocrfix.upright`; Tesseract's orientation detection decides a page on its side
that the ink does not). Only when the confidence of its text is poor are
alternatives tried, one at a time, each from the best page so far:

1. when the confidence is very poor, the page turned the way Tesseract's orientation
   detection says (a page upside down or on its side reads as garbage); not asked of a
   page whose ink shows it upright (:mod:`ocrfix.upright`);
2. another binarization of the same normalized page (Otsu's global threshold keeps faint
   strokes that the cleaning dropped);
3. another page segmentation mode (one uniform block of text, for pages whose layout
   Tesseract misreads; not on a page with columns, which it reads straight across).

The confidence that decides is that of the text (:func:`text_confidence`): what
Tesseract read in a picture does not make a well-read page look poor. The search stops
when an alternative gained little (the next will not win either). At most ``max_tries``
readings in all; the one with the best length-weighted confidence is kept, and every try
is recorded for the manifest. The numbers are :data:`ocrfix.preprocess.RULES`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ocrfix import layout, ocr, preprocess, tesseract
from ocrfix.errors import ExternalTimeout

RULES = preprocess.RULES
MIN_OSD_CONFIDENCE = RULES.min_osd_confidence  # kept for callers of the old names
TURN_BELOW = RULES.turn_below


@dataclass
class Try:
    """One reading of the page: which image, mode and turn, and what came of it."""

    image: str
    psm: int
    turn: int
    words: list[ocr.Word]
    prepared: preprocess.Prepared
    pixels: np.ndarray | None = None
    png: bytes = b""  # the pixels as Tesseract read them, kept for the page's image file

    @property
    def conf(self) -> float:
        return ocr.mean_confidence(self.words)

    @property
    def chars(self) -> int:
        return sum(len(w.text) for w in self.words)

    @property
    def text_conf(self) -> float:
        return text_confidence(self.words, self.prepared.picture_boxes if self.prepared else [])

    def record(self) -> dict:
        return {
            "image": self.image,
            "psm": self.psm,
            "turn": self.turn,
            "conf": round(self.conf, 2),
            "words": len(self.words),
        }


@dataclass
class PageRead:
    """A page read: its words (in reading order), each word's zone, the image the boxes
    refer to, a log for the manifest, and the seconds spent preprocessing and in OCR."""

    words: list[ocr.Word]
    zones: list[str]
    image: np.ndarray
    log: dict = field(default_factory=dict)
    seconds_preprocess: float = 0.0
    seconds_ocr: float = 0.0
    picture_boxes: list[tuple[int, int, int, int]] = field(default_factory=list)
    png: bytes = b""  # ``image`` as PNG, when Tesseract read those very bytes


def in_box(word: ocr.Word, boxes: list[tuple[int, int, int, int]]) -> bool:
    """Whether the centre of a word's box lies in one of ``boxes`` (left, top, right,
    bottom)."""
    x, y = word.left + word.width / 2, word.top + word.height / 2
    return any(left <= x <= right and top <= y <= bottom for left, top, right, bottom in boxes)


def text_confidence(words: list[ocr.Word], boxes: list[tuple[int, int, int, int]]) -> float:
    """The length-weighted confidence of the words that are text: with a letter or digit,
    outside the picture ``boxes``; of all the words when none is.

    >>> w = lambda conf, text, left=0: ocr.Word(1, 1, 1, 1, left, 0, 10, 10, conf, text)
    >>> text_confidence([w(95.0, "ink"), w(20.0, "~=|"), w(10.0, "Wm", 500)], [(400, 0, 900, 50)])
    95.0
    """
    text = [w for w in words if any(c.isalnum() for c in w.text) and not in_box(w, boxes)]
    return ocr.mean_confidence(text or words)


def next_step(
    plan: list[str], best: Try, first: Try, tries: int, rules: preprocess.Rules = RULES
) -> str | None:
    """The next alternative worth reading, taken from ``plan``; None when the search should
    stop: the last alternative (``tries`` readings so far) gained less than
    ``rules.min_gain`` over the first reading."""
    if tries > 1 and best.text_conf < first.text_conf + rules.min_gain:
        return None
    while plan:
        step = plan.pop(0)
        if step == "turn" and best.text_conf >= rules.turn_below:
            continue
        if step == "psm" and best.prepared.gutters:  # psm 6 reads across the columns
            continue
        return step
    return None


def score(attempt: Try, most_chars: int) -> float:
    """Mean confidence, scaled down for a reading that found much less text than another
    (a mode that drops the hard half of a page is not a better reading of it).

    >>> w = ocr.Word(1, 1, 1, 1, 0, 0, 1, 1, 90.0, "words")
    >>> t = Try("clean", 3, 0, [w, w], None)
    >>> score(t, 10), score(t, 20)
    (90.0, 50.0)
    """
    cover = min(1.0, attempt.chars / max(0.9 * most_chars, 1))
    return attempt.conf * cover


def best_of(tries: list[Try]) -> Try:
    """The try with the highest :func:`score`; the earliest wins a tie."""
    most = max(t.chars for t in tries)
    return max(tries, key=lambda t: (score(t, most), -tries.index(t)))


def variant(prepared: preprocess.Prepared, name: str) -> np.ndarray:
    """The page image for a try: ``clean`` (the first: the ink picked by hysteresis, on
    white), ``otsu`` (the second), ``sauvola`` or ``grey`` (normalized only). Which comes
    first and second was measured: ``bench/scans.py --binarization``."""
    if name == "clean":
        return prepared.image
    if name == "otsu":
        return preprocess.clean_binary(preprocess.otsu(prepared.normalized()), prepared.height)
    if name == "sauvola":
        window = round(2 * prepared.height) | 1
        binary = preprocess.sauvola(prepared.normalized(), window)
        return preprocess.clean_binary(binary, prepared.height)
    if name == "grey":
        return prepared.normalized()
    raise ValueError(f"unknown page variant {name!r}")


class Reader:
    """Runs the tries of one page and keeps the clocks."""

    def __init__(
        self,
        grey: np.ndarray,
        file_dpi: float | None,
        lang: str,
        default_dpi: int,
        timeout: float = tesseract.DEFAULT_TIMEOUT,
    ):
        self.grey = grey
        self.timeout = timeout
        self.deadline = time.perf_counter() + timeout
        self.file_dpi = file_dpi
        self.lang = lang
        self.default_dpi = default_dpi
        self.seconds_preprocess = 0.0
        self.seconds_ocr = 0.0
        self.osd: dict | None = None

    def budget(self) -> float:
        """Seconds left for Tesseract on this page; :class:`ExternalTimeout` when none."""
        left = self.deadline - time.perf_counter()
        if left <= 0:
            raise ExternalTimeout(f"Tesseract took longer than {self.timeout:g} s on the page")
        return left

    def prepare(self, turn: int) -> preprocess.Prepared:
        start = time.perf_counter()
        grey = np.ascontiguousarray(np.rot90(self.grey, -turn // 90)) if turn else self.grey
        prepared = preprocess.prepare(grey, self.file_dpi, self.default_dpi)
        self.seconds_preprocess += time.perf_counter() - start
        return prepared

    def read(self, prepared: preprocess.Prepared, image: str, psm: int, turn: int) -> Try:
        start = time.perf_counter()
        pixels = variant(prepared, image)
        png = tesseract.encode(pixels)
        self.seconds_preprocess += time.perf_counter() - start
        words, seconds = ocr.timed_recognize(png, self.lang, psm, prepared.dpi, self.budget())
        self.seconds_ocr += seconds
        return Try(image, psm, turn, words, prepared, pixels, png)

    def orientation(self, prepared: preprocess.Prepared) -> int:
        """Degrees to turn the page clockwise, by Tesseract's OSD (0 when unsure)."""
        start = time.perf_counter()
        rotate, confidence = ocr.orientation(prepared.image, prepared.dpi, self.budget())
        self.seconds_ocr += time.perf_counter() - start
        self.osd = {"rotate": rotate, "confidence": round(confidence, 2)}
        return rotate if confidence >= RULES.min_osd_confidence else 0


def read_page_image(
    grey: np.ndarray,
    file_dpi: float | None,
    lang: str = "eng",
    psm: int = 3,
    default_dpi: int = 300,
    retry_below: float = 75.0,
    max_tries: int = 3,
    timeout: float = tesseract.DEFAULT_TIMEOUT,
    rules: preprocess.Rules = RULES,
) -> PageRead:
    """Preprocess and read one grey page, searching alternatives when the first reading
    is poor; see the module's docstring. Tesseract has ``timeout`` seconds in all."""
    reader = Reader(grey, file_dpi, lang, default_dpi, timeout)
    prepared = reader.prepare(0)
    verdict = prepared.log.get("upright") or {}  # of the page as it came
    guess = verdict.get("turn")  # None: the ink cannot tell
    turn = guess or 0
    if guess is None and prepared.log.get("vertical"):  # lines run up the page: on its side?
        turn = reader.orientation(prepared)
    if turn == 180:
        prepared = prepared.upside_down()
    elif turn:
        prepared = reader.prepare(turn)
    tries = [reader.read(prepared, "clean", psm, turn)]
    asked = reader.osd is not None or guess == 0  # a turn the ink made is checked by OSD
    plan = ["otsu", "psm"] if asked else ["turn", "otsu", "psm"]
    while tries[0].words and len(tries) < max_tries and best_of(tries).text_conf < retry_below:
        best = best_of(tries)
        step = next_step(plan, best, tries[0], len(tries), rules)
        if step is None:
            break
        if step == "turn":
            rotate = reader.orientation(best.prepared)
            if rotate:
                turned = (best.turn + rotate) % 360
                again = best.prepared.upside_down() if rotate == 180 else reader.prepare(turned)
                tries.append(reader.read(again, "clean", psm, turned))
        elif step == "otsu":
            tries.append(reader.read(best.prepared, "otsu", best.psm, best.turn))
        elif step == "psm":
            other = 6 if best.psm != 6 else 4
            tries.append(reader.read(best.prepared, best.image, other, best.turn))
    kept = best_of(tries)
    prepared = kept.prepared
    words = layout.order_by_columns(kept.words, prepared.gutters)
    image = kept.pixels if kept.pixels is not None else variant(prepared, kept.image)
    log = {
        **prepared.log,
        "gutters": prepared.gutters,
        "upright": verdict,
        "osd": reader.osd,
        "tries": [t.record() for t in tries],
        "kept": tries.index(kept),
    }
    return PageRead(
        words,
        layout.zones(words, image.shape[0], prepared.picture_boxes),
        image,
        log,
        reader.seconds_preprocess,
        reader.seconds_ocr,
        prepared.picture_boxes,
        kept.png,
    )


def read_plain(
    grey: np.ndarray,
    dpi: int,
    lang: str = "eng",
    psm: int = 3,
    timeout: float = tesseract.DEFAULT_TIMEOUT,
) -> PageRead:
    """The page read as it is, without preprocessing or search (``--preprocess none``)."""
    png = tesseract.encode(grey)
    words, seconds = ocr.timed_recognize(png, lang, psm, dpi, timeout)
    log = {
        "tries": [
            {
                "image": "as-is",
                "psm": psm,
                "turn": 0,
                "conf": round(ocr.mean_confidence(words), 2),
                "words": len(words),
            }
        ],
        "kept": 0,
    }
    zones = layout.zones(words, grey.shape[0])
    return PageRead(words, zones, grey, log, 0.0, seconds, png=png)
