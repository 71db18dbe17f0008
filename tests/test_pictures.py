"""Pictures, ornaments and rules stay out of the text (ocrfix.pictures), with real Tesseract.

The page: a paragraph beside a decorated initial, a rule, an engraving-like drawing (broken
hatching, crossed lines, circles), its caption and a paragraph below; and clean text pages
of bench/scanset.py in three faces, which must get no picture zone at all.
"""

from __future__ import annotations

import csv
import functools
import itertools
import sys
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from conftest import ROOT
from ocrfix import layout, pictures, preprocess, synth
from ocrfix.ocr import Word
from ocrfix.pipeline import Settings, process_document, read_page
from ocrfix.review.workload import LAYOUT_RULES
from ocrfix.suggestion import apply

ABOVE = (
    "The weaver sets the warp threads on the loom before the work begins, and each "
    "thread is drawn through its heddle in the order that the pattern asks for. "
    "A plain cloth needs only two shafts, lifted in turn."
)
BELOW = (
    "In the tabby weave every weft thread passes over one warp thread and under the "
    "next, so that the cloth is the same on both faces and wears evenly for years."
)
CAPTION = "FIG. 3. A TABBY WEAVE."
DPI = 300


def engraving(width: int, height: int, seed: int = 3) -> np.ndarray:
    """Line art as an engraving prints: broken diagonal hatching, crossed lines in a band,
    open circles, inside an oval."""
    rng = np.random.default_rng(seed)
    img = np.full((height, width), 255, np.uint8)
    for x in range(-height, width, 12):
        t = 0
        while t < height:
            n = int(rng.integers(18, 60))
            cv2.line(img, (x + t, t), (x + t + n, t + n), 0, 2)
            t += n + int(rng.integers(6, 20))
    for x in range(0, width + height, 22):
        cv2.line(img, (x, height // 2), (x - height // 3, height // 2 + height // 3), 0, 2)
    oval = np.zeros_like(img)
    centre, axes = (width // 2, height // 2), (width // 2 - 10, height // 2 - 10)
    cv2.ellipse(oval, centre, axes, 0, 0, 360, 255, -1)
    img[oval == 0] = 255
    for r in range(40, min(width, height) // 2, 30):
        start = int(rng.integers(0, 90))
        cv2.ellipse(img, (width // 3, height // 3), (r, r), 0, start, 300, 0, 3)
    return img


def figure_page(family: str = "serif") -> tuple[Image.Image, tuple[int, int, int, int]]:
    """The test page (A5, 300 dpi) and the drawing's box on it."""
    width, height = round(5.83 * DPI), round(8.27 * DPI)
    margin = round(0.7 * DPI)
    font = synth.load_font(family, round(11 * DPI / 72))
    big = synth.load_font(family, round(30 * DPI / 72))
    line = round(11 * 1.45 * DPI / 72)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    y = margin
    side = 2 * line - 8  # a decorated initial: a framed, hatched square with its letter
    draw.rectangle((margin, y, margin + side, y + side), outline=0, width=6)
    for k in range(8, side, 10):
        draw.line((margin + k, y + 6, margin + 6, y + k), fill=0, width=2)
    draw.text((margin + side // 2, y + side // 2), "T", fill=0, font=big, anchor="mm")
    indent = side + 25
    lines = synth.wrap(ABOVE, font, width - 2 * margin - indent)
    for text in lines[:2]:
        draw.text((margin + indent, y), text, fill=0, font=font)
        y += line
    for text in synth.wrap(" ".join(" ".join(lines[2:]).split()), font, width - 2 * margin):
        draw.text((margin, y), text, fill=0, font=font)
        y += line
    y += line // 2
    draw.line((margin, y, width - margin, y), fill=0, width=5)  # a rule
    y += line
    pixels = np.array(page)
    art_w, art_h = width - 2 * margin - 200, 650
    box = (margin + 100, y, margin + 100 + art_w, y + art_h)
    pixels[y : y + art_h, box[0] : box[2]] = engraving(art_w, art_h)
    page = Image.fromarray(pixels)
    draw = ImageDraw.Draw(page)
    y += art_h + line // 2
    draw.text(((width - font.getlength(CAPTION)) / 2, y), CAPTION, fill=0, font=font)
    y += 2 * line
    for text in synth.wrap(BELOW, font, width - 2 * margin):
        draw.text((margin, y), text, fill=0, font=font)
        y += line
    page.info["dpi"] = (DPI, DPI)
    return page, box


def words_of(text: str) -> Counter[str]:
    return Counter(text.split())


@pytest.fixture(scope="module")
def figure_doc(tmp_path_factory) -> Path:
    """The figure page processed by the pipeline: its document folder."""
    folder = tmp_path_factory.mktemp("figure")
    page, _ = figure_page()
    path = folder / "figure.png"
    page.save(path, dpi=(DPI, DPI))
    outcome = process_document(path, folder / "out", Settings())
    assert outcome.status == "done", outcome.error
    return folder / "out" / outcome.doc_id


def tsv_rows(doc: Path) -> list[dict[str, str]]:
    with (doc / "words.tsv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


# ---------------------------------------------------------------- the whole chain


def test_picture_junk_is_marked_picture_in_words_tsv(figure_doc):
    rows = tsv_rows(figure_doc)
    text_words = words_of(ABOVE + " " + BELOW + " " + CAPTION)
    marked = [r for r in rows if r["zone"] == "picture"]
    assert len(marked) >= 8  # the drawing was read as junk, all of it marked
    assert not any(r["text"] in text_words and float(r["conf"]) > 90 for r in marked)
    body = [r["text"] for r in rows if r["zone"] == "body"]
    assert words_of(" ".join(body)) >= words_of(CAPTION)  # the caption is text


def test_raw_keeps_the_junk_and_clean_drops_it_keeping_every_text_word(figure_doc):
    raw = (figure_doc / "raw.txt").read_text("utf-8")
    clean = (figure_doc / "clean.txt").read_text("utf-8")
    junk = [r["text"] for r in tsv_rows(figure_doc) if r["zone"] == "picture"]
    for word in junk:
        assert word in raw
    kept = words_of(clean)
    expected = words_of(ABOVE + " " + BELOW + " " + CAPTION)
    assert kept == expected  # every text word, the caption, and nothing else
    assert CAPTION in clean.splitlines()
    assert "\n\n\n" not in clean and not any(line.strip() != line for line in clean.splitlines())


def test_picture_removals_are_automatic_layout_suggestions_without_overlaps(figure_doc):
    with (figure_doc / "suggestions.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    removals = [r for r in rows if r["rule"] == "picture"]
    assert removals and all(r["auto"] == "true" and r["replacement"] == "" for r in removals)
    spans = sorted((int(r["start"]), int(r["end"])) for r in rows)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert "picture" in LAYOUT_RULES
    raw = (figure_doc / "raw.txt").read_text("utf-8")
    for r in removals:
        assert raw[int(r["start"]) : int(r["end"])] == r["original"]


@functools.cache
def _clean_pages() -> list[tuple[str, bytes, str]]:
    """bench/scanset.py's clean pages in three faces, and its skewed serif page."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from scanset import make_scans
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return [(s.name, s.data, s.suffix) for s in make_scans(damages=("clean",))] + [
        (s.name, s.data, s.suffix) for s in make_scans(("serif",), ("skew",))
    ]


@pytest.mark.parametrize("index", range(4), ids=["serif", "sans", "mono", "skew-serif"])
def test_text_pages_get_no_picture_zone(tmp_path, index):
    name, data, suffix = _clean_pages()[index]
    path = tmp_path / f"{name}{suffix}"
    path.write_bytes(data)
    page = read_page(path, 0, Settings())
    assert page.picture_boxes == []
    assert layout.PICTURE not in page.zones
    assert len(page.words) > 200


# ---------------------------------------------------------------- the image's regions


def ink_stats(grey: np.ndarray) -> np.ndarray:
    return preprocess.components(grey < 128)[1]


def test_regions_find_the_drawing_the_initial_and_the_rule_but_not_the_text():
    page, drawing = figure_page("sans")
    grey = np.asarray(page)
    found = pictures.regions(ink_stats(grey), np.zeros(grey.shape, bool), 25.0)
    covering = [b for b in found if pictures.overlap(b, drawing)]
    assert len(covering) == 1
    left, _top, right, bottom = covering[0]
    assert left <= drawing[0] + 20 and right >= drawing[2] - 20 and bottom >= drawing[3] - 20
    assert any(b[2] - b[0] < 200 and b[3] - b[1] < 200 for b in found)  # the initial
    text = np.asarray(synth.render_page(ABOVE + "\n\n" + BELOW + "\n\n" + CAPTION, "serif"))
    assert pictures.regions(ink_stats(text), np.zeros(text.shape, bool), 25.0) == []


def test_a_rule_is_odd_and_letters_are_not():
    grey = np.asarray(synth.render_page("Weave the warp, then the weft.", "serif"))
    grey = grey.copy()
    cv2.line(grey, (100, 400), (1500, 400), 0, 5)
    stats = ink_stats(grey)
    odd = pictures.odd_components(stats, 25.0)
    widths = stats[odd, cv2.CC_STAT_WIDTH]
    assert odd.sum() == 1 and widths[0] > 1300


def test_prepare_finds_the_boxes_of_a_skewed_page_in_the_deskewed_image():
    page, drawing = figure_page()
    grey = synth.rotate(np.asarray(page), 2.0)
    prepared = preprocess.prepare(grey, DPI)
    assert abs(prepared.angle) > 1.5
    big = [b for b in prepared.picture_boxes if (b[2] - b[0]) * (b[3] - b[1]) > 300_000]
    assert len(big) == 1
    left, top, right, bottom = big[0]
    assert abs(left - drawing[0]) < 60 and abs(top - drawing[1]) < 60
    assert abs(right - drawing[2]) < 60 and abs(bottom - drawing[3]) < 60
    turned = prepared.upside_down()
    h, w = prepared.image.shape
    assert turned.picture_boxes == pictures.flip_boxes(prepared.picture_boxes, (h, w))


def test_rotated_boxes_hold_the_rotated_pixels():
    image = np.full((400, 600), 255, np.uint8)
    image[100:150, 200:300] = 0
    turned = preprocess.rotate(image, 7.0)
    (left, top, right, bottom) = pictures.rotate_boxes([(200, 100, 300, 150)], 7.0, (400, 600))[0]
    ys, xs = np.nonzero(turned < 128)
    assert left <= xs.min() and xs.max() < right and top <= ys.min() and ys.max() < bottom


# ---------------------------------------------------------------- Tesseract's words


def word(line: int, x: int, conf: float, text: str, height: int = 34, block: int = 1) -> Word:
    return Word(block, 1, line, 1, x, 70 * line, 20 * len(text), height, conf, text)


def test_a_caption_stays_text_beside_a_picture():
    words = [
        word(1, 100, 20.0, "Aa", 70),
        word(1, 300, 30.0, "|"),
        word(2, 100, 88.0, "FIG."),
        word(2, 200, 95.0, "3."),
        word(2, 260, 95.0, "A"),
        word(2, 300, 95.0, "TABBY"),
        word(2, 420, 95.0, "WEAVE."),
        *(word(3, 100 + 120 * k, 96.0, w) for k, w in enumerate(["the", "cloth", "wears"])),
    ]
    flags = pictures.picture_flags(words, [(80, 40, 800, 120)])
    assert flags == [True, True] + [False] * 8


def test_junk_lines_without_the_image_are_flagged_only_in_a_run():
    text = [word(1, 100 + 120 * k, 96.0, w) for k, w in enumerate(["the", "warp", "and", "weft"])]
    one = [word(2, 100, 30.0, "i"), word(2, 200, 45.0, "bye"), word(2, 300, 20.0, "ET")]
    two = [word(3, 100, 30.0, ","), word(3, 200, 35.0, "{"), word(3, 300, 25.0, "ry")]
    assert not any(pictures.picture_flags(text + one))
    flags = pictures.picture_flags(text + one + two)
    assert flags == [False] * 4 + [True] * 6
    sure = pictures.sure_flags(text + one + two, flags, [])
    assert not any(sure)  # no image region: for review


def test_removal_spans_keep_the_paragraph_breaks_and_split_by_sureness():
    text = "Text one.\n\nAa Ad\nbye ET\nFIG. 3.\n"
    spans = [(0, 4), (5, 9), (11, 13), (14, 16), (17, 20), (21, 23), (24, 28), (29, 31)]
    flags = [False, False, True, True, True, True, False, False]
    sure = [False, False, True, True, False, False, False, False]
    found = pictures.removal_spans(text, spans, flags, sure)
    # the break before the run is the longer one: it is kept, the ones after go
    assert [(text[s:e], ok) for s, e, ok in found] == [("Aa Ad\n", True), ("bye ET\n", False)]
    assert apply_spans(text, found) == "Text one.\n\nFIG. 3.\n"
    end = "Text one.\nJunk |\n"
    found = pictures.removal_spans(end, [(0, 4), (5, 9), (10, 14), (15, 16)], [0, 0, 1, 1], [1] * 4)
    assert apply_spans(end, found) == "Text one.\n"
    inline = "the loom ¥ %\nnext\n"
    spans = [(0, 3), (4, 8), (9, 10), (11, 12), (13, 17)]
    found = pictures.removal_spans(inline, spans, [0, 0, 1, 1, 0], [1] * 5)
    assert apply_spans(inline, found) == "the loom\nnext\n"


def apply_spans(text: str, found: list[tuple[int, int, bool]]) -> str:
    from ocrfix.suggestion import Suggestion

    return apply(text, [Suggestion(s, e, text[s:e], "", "picture", 1.0, True) for s, e, _ in found])


def test_the_corrector_reads_the_text_without_the_pictures_junk():
    raw = "The loom\n\nAa Ad aan |\n\nwarp"
    start = raw.index("Aa")
    hidden = pictures.masked(raw, [(start, raw.index("warp"))])
    assert len(hidden) == len(raw) and "Aa" not in hidden and hidden.count("\n") == 4
    assert pictures.covers([(start, start + 5)], start + 1, start + 2)
    assert not pictures.covers([(start, start + 5)], 0, start)
