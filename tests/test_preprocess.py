"""Preprocessing, the page search and layout, on synthetic pages with real OpenCV and
real Tesseract."""

from __future__ import annotations

import csv
import json

import cv2
import numpy as np
import pytest

from ocrfix import layout, ocr, synth
from ocrfix import preprocess as pp
from ocrfix.metrics import cer
from ocrfix.page import read_page_image, read_plain
from ocrfix.pipeline import Settings, fingerprint, process_document

TEXT = (
    "The ferry across the estuary ran every hour from seven in the morning until the "
    "last light, and in summer two boats worked the crossing together. The fare was "
    "twopence for a walker and a shilling for a cart with its horse.\n\n"
    "Most passengers were farm hands going to the market, but on Sundays whole families "
    "crossed to walk on the dunes, and the ferrymen complained that the children would "
    "not sit still. In 1907 a storm tore one of the boats from its mooring; it was found "
    "three days later, upside down, on a sandbank twelve miles along the coast."
)
SMALL = (5.8, 4.2)  # inches: a short page keeps Tesseract quick


def page(text: str = TEXT, family: str = "serif", **kwargs) -> synth.Typeset:
    kwargs.setdefault("page_in", SMALL)
    kwargs.setdefault("margin_in", 0.5)
    return synth.typeset(text, family, **kwargs)


@pytest.fixture(scope="module")
def clean() -> synth.Typeset:
    return page()


@pytest.fixture(scope="module")
def grey(clean) -> np.ndarray:
    return synth.to_array(clean.image)


def ink(image: np.ndarray) -> np.ndarray:
    return image < 128


def near_ink(image: np.ndarray, reach: int = 3) -> np.ndarray:
    """Ink and its anti-aliased edge: ``reach`` pixels around every inked pixel."""
    return cv2.dilate(ink(image).astype(np.uint8), np.ones((2 * reach + 1,) * 2, np.uint8)) > 0


# ---------------------------------------------------------------- single steps


@pytest.mark.parametrize("angle", [3.7, -6.2, 11.5])
def test_deskew_recovers_a_known_angle(grey, angle):
    mask, _ = pp.pick_ink(synth.rotate(grey, angle))
    assert abs(pp.skew_angle(mask) - angle) <= 0.3


def test_straight_page_is_not_turned(grey):
    prepared = pp.prepare(grey, 300)
    assert prepared.log["skew"] == 0.0
    assert np.array_equal(ink(prepared.image), ink(grey))  # nothing lost, nothing added


@pytest.mark.parametrize("factor", [0.5, 0.67, 1.0, 1.6])
def test_dpi_estimate_from_text_height_within_15_percent(grey, factor):
    small = synth.rescale(grey, factor)
    mask, _ = pp.pick_ink(small)
    _, stats = pp.components(mask)
    estimate = pp.estimate_dpi(pp.text_height(stats))
    assert abs(estimate - 300 * factor) <= 0.15 * 300 * factor


def test_low_resolution_page_without_dpi_is_rescaled_to_about_300(grey):
    # 120 dpi: an x-height of 11 px, too small for Tesseract (150 dpi, 13 px, is read as is)
    prepared = pp.prepare(synth.rescale(grey, 0.4), None)
    assert prepared.log["dpi_from"] == "text height"
    assert 2.0 <= prepared.log["scale"] <= 3.0
    assert abs(prepared.image.shape[0] - grey.shape[0]) <= 0.2 * grey.shape[0]


def test_a_page_whose_text_suits_tesseract_is_not_enlarged(grey):
    for factor, file_dpi in ((0.67, None), (0.5, None), (1.0, 300)):
        prepared = pp.prepare(synth.rescale(grey, factor), file_dpi)
        assert prepared.log["scale"] == 1.0, factor


def test_a_stated_dpi_is_believed_over_the_text_height(grey):
    small_type = synth.rescale(grey, 0.6)  # 300 dpi, but type 0.6 the usual size
    prepared = pp.prepare(small_type, 300)
    assert prepared.log["dpi_from"] == "file" and prepared.log["scale"] == 1.0


def test_a_wrong_file_dpi_is_overruled_by_the_text(grey):
    prepared = pp.prepare(grey, 72)
    assert prepared.log["dpi_from"] == "text height" and prepared.log["scale"] == 1.0


def test_dark_border_is_removed_and_text_kept(grey):
    bordered = synth.dark_border(grey, (60, 50, 80, 45), seed=3)
    prepared = pp.prepare(bordered, 300)
    assert prepared.log["border"] > 0.02
    out = prepared.image
    for band in (out[:, :30], out[:30, :], out[:, -40:], out[-25:, :]):
        assert (band < 128).mean() < 0.001
    kept = ink(out) & ink(grey)
    assert kept.sum() >= 0.98 * ink(grey).sum()


def test_a_shadow_is_not_taken_for_a_border(grey):
    shaded = synth.shadow(grey, 0.8, seed=2)
    factor = pp.reduction(shaded.shape)
    assert not pp.find_border(pp.background(shaded, factor)).any()


def test_illumination_is_evened_out(grey):
    prepared = pp.prepare(synth.shadow(grey, 0.8, seed=5), 300)
    paper = prepared.image[~near_ink(grey)]
    assert (paper == 255).mean() > 0.999  # the shadow is gone from the paper
    assert (ink(prepared.image) & ink(grey)).sum() >= 0.97 * ink(grey).sum()


def test_speckles_are_dropped_and_strokes_kept(grey):
    dusty = synth.dust(synth.speckle(grey, 0.02, seed=1), 150, seed=1)
    prepared = pp.prepare(dusty, 300)
    out = ink(prepared.image)
    strokes = ink(grey)
    assert (out & strokes).sum() >= 0.97 * strokes.sum()  # strokes stay whole
    assert (out & ~strokes).sum() <= 0.1 * (ink(dusty) & ~strokes).sum()  # specks go


def test_full_stops_and_dots_on_the_i_survive_speck_removal():
    text = "i. i, j; a. b: it is. I said: i i i."
    grey = synth.to_array(page(text, "mono").image)
    mask, _ = pp.pick_ink(grey)
    labels, stats = pp.components(mask)
    kept, dropped = pp.drop_specks(mask, labels, stats, pp.text_height(stats) or 24)
    assert dropped == 0 and np.array_equal(kept, mask)


def test_faint_bleed_through_is_suppressed(grey):
    back = synth.to_array(page(TEXT[::-1]).image)
    bled = synth.bleed_through(grey, back, 0.45)
    prepared = pp.prepare(bled, 300)
    out = ink(prepared.image)
    assert (out & ~near_ink(grey)).sum() <= 0.001 * ink(grey).sum()  # nothing from the back
    assert (out & ink(grey)).sum() >= 0.97 * ink(grey).sum()


def test_sauvola_and_otsu_binarize_a_shaded_page(grey):
    shaded = synth.shadow(grey, 0.6, seed=4)
    prepared = pp.prepare(shaded, 300)
    for binary in (pp.otsu(prepared.normalized()), pp.sauvola(prepared.normalized(), 49)):
        assert set(np.unique(binary)) <= {0, 255}
        assert (ink(binary) & ink(grey)).sum() >= 0.9 * ink(grey).sum()


def test_two_columns_are_found():
    two = synth.to_array(page(TEXT + "\n\n" + TEXT, columns=2, page_in=(8.27, 5.0)).image)
    prepared = pp.prepare(two, 300)
    assert len(prepared.gutters) == 1
    assert 0.4 < prepared.gutters[0]["x"] / two.shape[1] < 0.6


def test_preprocessing_is_deterministic(grey):
    damaged = synth.speckle(synth.shadow(synth.rotate(grey, 2.0), 0.5, 1), 0.01, 1)
    a, b = pp.prepare(damaged, None), pp.prepare(damaged, None)
    assert np.array_equal(a.image, b.image) and a.log == b.log


# ---------------------------------------------------------------- layout


def test_a_column_read_across_is_put_in_column_order():
    def w(line, x, text):
        return ocr.Word(1, 1, line, 1, x, 100 * line, 80, 30, 90.0, text)

    words = [w(1, 0, "a1"), w(1, 500, "b1"), w(2, 0, "a2"), w(2, 500, "b2")]
    ordered = layout.order_by_columns(words, [{"x": 300, "top": 0, "bottom": 400}])
    assert ocr.layout(ordered)[0] == "a1\na2\n\nb1\nb2\n"


def test_running_lines_are_marked_not_removed():
    def w(line, top, text, left=0):
        return ocr.Word(1, 1, line, 1, left, top, 40, 30, 90.0, text)

    body = [w(n, 400 + 45 * n, f"body{n}") for n in range(1, 8)]
    words = [w(0, 100, "THE"), w(0, 100, "FERRY", 50), w(0, 100, "12", 120), *body]
    words.append(w(9, 3000, "12"))
    zones = layout.zones(words, page_height=3300)
    assert zones[:3] == [layout.HEADER] * 3
    assert zones[-1] == layout.PAGE_NUMBER
    assert set(zones[3:-1]) == {layout.BODY}


def test_a_plain_top_line_is_a_header_only_when_it_recurs():
    def w(line, top, text):
        return ocr.Word(1, 1, line, 1, 0, top, 40, 30, 90.0, text)

    def one_page(title):
        return [w(0, 100, title), *[w(n, 400 + 45 * n, f"b{n}") for n in range(1, 6)]]

    pages = [one_page("Ferries"), one_page("Ferries"), one_page("Lighthouses")]
    decided = layout.confirm_running([(p, layout.zones(p, 3300)) for p in pages])
    assert [d[0] for d in decided] == [layout.HEADER, layout.HEADER, layout.BODY]


# ---------------------------------------------------------------- the page search, with Tesseract


def test_clean_page_is_read_once(grey, clean):
    read = read_page_image(grey, 300)
    assert len(read.log["tries"]) == 1 and read.log["kept"] == 0
    assert cer(ocr.layout(read.words)[0], clean.text) < 0.01
    # the page's image file is the very PNG Tesseract read, not encoded a second time
    assert np.array_equal(cv2.imdecode(np.frombuffer(read.png, np.uint8), 0), read.image)


@pytest.mark.parametrize(("quarters", "turn"), [(2, 180), (1, 90), (3, 270)])
def test_a_turned_page_is_turned_by_its_ink_and_read_once(grey, clean, quarters, turn):
    read = read_page_image(synth.turn(grey, quarters), 300)
    assert read.log["upright"]["turn"] == turn
    assert read.log["osd"] is None  # Tesseract's orientation detection was not needed
    assert [t["turn"] for t in read.log["tries"]] == [turn]
    assert cer(ocr.layout(read.words)[0], clean.text) < 0.02


def test_an_upright_page_is_never_asked_for_its_orientation(grey):
    faint = synth.shadow(grey, 0.5, seed=3)
    read = read_page_image(faint, 300, retry_below=101.0, rules=pp.Rules(turn_below=101.0))
    assert read.log["upright"]["turn"] == 0
    assert read.log["osd"] is None and {t["turn"] for t in read.log["tries"]} == {0}


def test_a_page_whose_ink_cannot_tell_is_turned_by_tesseract():
    capitals = page(TEXT.upper(), page_in=(5.8, 5.0))  # no ascenders, no descenders
    read = read_page_image(synth.turn(synth.to_array(capitals.image), 2), 300)
    assert read.log["upright"]["turn"] is None
    assert read.log["osd"]["rotate"] == 180
    assert read.log["tries"][read.log["kept"]]["turn"] == 180
    assert len(read.log["tries"]) <= 3
    assert cer(ocr.layout(read.words)[0], capitals.text) < 0.03


def test_the_search_is_bounded_recorded_and_keeps_the_best(grey, clean):
    shaded = synth.shadow(grey, 0.5, seed=3)
    never_content = pp.Rules(min_gain=-1000.0)  # and never discouraged by a try's gain
    read = read_page_image(shaded, 300, retry_below=101.0, max_tries=3, rules=never_content)
    tries = read.log["tries"]
    assert len(tries) == 3
    assert [(t["image"], t["psm"]) for t in tries[:2]] == [("clean", 3), ("otsu", 3)]
    assert tries[2]["psm"] == 6  # another mode, on the better image of the two
    full = [t for t in tries if t["words"] >= 0.9 * max(t["words"] for t in tries)]
    assert tries[read.log["kept"]]["conf"] == max(t["conf"] for t in full)
    assert cer(ocr.layout(read.words)[0], clean.text) < 0.02
    once = read_page_image(shaded, 300, retry_below=101.0, max_tries=1)
    assert len(once.log["tries"]) == 1


def test_two_column_page_is_read_column_by_column():
    two = page(TEXT + "\n\n" + TEXT[::-1].title(), columns=2, page_in=(8.27, 5.0))
    grey = synth.to_array(two.image)
    for psm in (3, 6):  # 6 reads straight across the gutter; the order is mended
        read = read_page_image(grey, 300, psm=psm)
        assert cer(ocr.layout(read.words)[0], two.text) < 0.02, psm


def test_skewed_shaded_page_reads_far_better_than_tesseract_alone(grey, clean):
    photo = synth.shadow(synth.rotate(grey, 2.5), 0.8, seed=1)
    plain = read_plain(photo, 300)
    prepared = read_page_image(photo, None)
    before = cer(ocr.layout(plain.words)[0], clean.text)
    after = cer(ocr.layout(prepared.words)[0], clean.text)
    assert after < 0.02 and after < before / 4, (before, after)


def test_document_records_steps_tries_and_running_lines(tmp_path):
    pages = [
        page(TEXT, header="THE FERRY    12", footer="12", page_in=(5.8, 5.4), margin_in=0.8),
        page(
            TEXT[::-1].title(),
            header="THE FERRY 13",
            footer="13",
            page_in=(5.8, 5.4),
            margin_in=0.8,
        ),
    ]
    images = [synth.to_image(synth.rotate(synth.to_array(p.image), 1.5), 300) for p in pages]
    path = tmp_path / "ferry.tif"
    synth.save_pages([synth.binarize(i) for i in images], path, 300)
    process_document(path, tmp_path / "out")
    doc = tmp_path / "out" / "ferry"
    manifest = json.loads((doc / "manifest.json").read_text("utf-8"))
    steps = manifest["preprocessing"]
    assert [s["page"] for s in steps] == [1, 2]
    assert all(abs(s["skew"] - 1.5) <= 0.3 and s["tries"] and "kept" in s for s in steps)
    assert not any("second" in key for s in steps for key in s)  # no timings
    raw = (doc / "raw.txt").read_text("utf-8")
    zones = {(f["page"], f["zone"]): f["text"] for f in manifest["furniture"]}
    assert zones[1, "header"] == "THE FERRY 12" and zones[2, "page-number"] == "13"
    for f in manifest["furniture"]:
        assert raw[f["start"] : f["end"]] == f["text"]  # marked, still in raw.txt
    rows = list(csv.DictReader((doc / "words.tsv").open(encoding="utf-8"), delimiter="\t"))
    assert {r["zone"] for r in rows} == {"body", "header", "page-number"}
    for p in (1, 2):  # boxes are in the saved page's coordinates
        from PIL import Image

        with Image.open(doc / "pages" / f"page-{p:03d}.png") as img:
            width, height = img.size
        for r in (r for r in rows if r["page"] == str(p)):
            assert int(r["left"]) + int(r["width"]) <= width
            assert int(r["top"]) + int(r["height"]) <= height


def test_preprocessing_settings_change_the_fingerprint():
    assert fingerprint("image", Settings()) != fingerprint("image", Settings(preprocess="none"))
    assert fingerprint("image", Settings()) != fingerprint("image", Settings(max_tries=1))


def test_an_engravings_hatching_does_not_set_the_text_height(grey):
    hatched = grey.copy()
    h, w = hatched.shape
    rng = np.random.default_rng(5)
    for _ in range(4000):  # short strokes, as an engraving's shading is cut
        x, y = int(rng.integers(0, w - 12)), int(rng.integers(h // 2, h - 12))
        cv2.line(hatched, (x, y), (x + 6, y + 7), 0, 1)
    plain = pp.prepare(grey, 300).height
    assert abs(pp.prepare(hatched, 300).height - plain) <= 0.1 * plain
