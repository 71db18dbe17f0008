"""Make the sample inputs in raw_scans/ from text written for ocrfix.

    python scripts/make_samples.py [--out raw_scans]

Writes a clean page image, a damaged one (typewriter face, skew, shadow, speckles, low
resolution, JPEG), one of worn type whose OCR leaves changes for a person, a two-page
TIFF, a two-page PDF and a text file with typical OCR damage.
The same texts are the ground truth of the pages (see SAMPLE_TEXTS).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ocrfix import synth

CLEAN_PAGE = """\
Notes for the Thursday reading circle

The circle met for the first time in the back room of the library, with eleven members and \
a borrowed projector. We agreed to read one pamphlet a fortnight and to keep a short record \
of every meeting, so that people who missed an evening could follow the argument.

Most of the pamphlets in the collection were printed cheaply between the wars. The paper \
has turned brown, the type is worn, and several of them survive only as photocopies of \
photocopies. That is why the committee decided to scan them and to keep the text beside \
the images, corrected by hand where the machine went wrong.

Members who want to help with the scanning should bring a list of the titles they have \
at home. Nothing leaves the library without an entry in the loan book."""

DAMAGED_PAGE = """\
Report of the archive committee

During the winter the committee examined forty boxes of donated papers. Many of the \
leaflets were damp, some were torn, and a few had been folded so often that whole words \
had worn away along the creases.

The volunteers photographed each sheet under the reading lamp, which left one corner \
darker than the rest. We ask members to check the typed transcripts against the \
photographs before the next general meeting in March."""

# A talk's notes on worn type, with names and rare words: its OCR leaves several changes
# for a person (the first thing `ocrfix review` shows after `make demo`).
WORN_PAGE = """\
The Toad Lane store: notes for a talk

In December 1844 twenty-eight weavers and artisans opened a small shop \
in Toad Lane, Rochdale, with a stock of flour, butter, sugar and oatmeal. \
Their rules were printed by a local stationer and sold for a penny: one \
member, one vote; goods sold at market prices; the surplus divided among \
the members in proportion to their purchases.

George Jacob Holyoake, who wrote the first history of the Pioneers, \
thought the dividend mattered less than the reading room above the shop, \
where newspapers, almanacs and Chartist pamphlets were kept for anyone \
who could not afford them. Within twenty years the society had branches \
in most of the surrounding townships, a wholesale depot in Manchester and \
a library of several thousand volumes.

Questions for the discussion: why did earlier Owenite experiments at \
Orbiston and Queenwood fail where the Rochdale shop succeeded, and what \
would the Pioneers make of the supermarkets that now bear their name?"""

TIFF_PAGES = (
    """\
How we catalogue a pamphlet

Every item receives a number, a title as printed on its cover, the name of the author \
where one is given, and the year of publication. When the year is missing we write our \
best estimate in square brackets and say how we arrived at it.

The number is pencilled lightly on the back cover. Nobody writes on the front.""",
    """\
Storage and handling

Pamphlets are kept flat in acid-free folders, no more than ten to a folder. Readers wash \
their hands before handling the originals and use the scans whenever they can.

Damaged items go into the repair box with a note describing the damage.""",
)

PDF_PAGES = (
    """\
Programme for the spring term

Week one: the history of the cooperative movement in our town, with a short talk by the \
oldest member of the circle. Week two: the printing trade and the printers' union.

Week three is left open for a subject chosen by the members at the first meeting.""",
    """\
Practical matters

The room is available from seven o'clock. Tea and biscuits cost twenty pence. The \
collection box pays for the lamp bulbs, the folders and the scanner's repairs.

Please tell the secretary if you cannot come, so that the chairs can be set out.""",
)

# Typical damage of old OCR output: rn/m and li/h confusions, split and joined words, a
# word hyphenated across lines, margin junk, tabs between words, a lost character.
DAMAGED_TEXT = """\
I The cornrnittee rneets on the first Monday of each rnonth.
| Mernbers who wish to borrow a parnphlet should sign the loan book
and return the itern within four weeks. The hbrary is open
on Saturday rnornings, when volunteers help with the cata-
logue and the scanning.
[ Every\tdonation\tis\trecorded\twith the narne of the donor, the
date and a short description. Some boxes ho ld papers that
are too fragile to handle, and these are photographed w ithout
being unfolded. Questions to the secretary, please.
"""


def make_samples(out: Path) -> list[Path]:
    """Write every sample into ``out`` and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []

    clean = synth.render_page(CLEAN_PAGE, "serif")
    path = out / "circle_notes.png"
    synth.save_pages([synth.binarize(clean)], path, 300)
    written.append(path)

    page = synth.render_page(DAMAGED_PAGE, "mono")
    pixels = synth.shade(synth.rotate(synth.to_array(page), 2.0), 0.45)
    pixels = synth.rescale(synth.speckle(pixels, 0.01, seed=7), 0.5)
    path = out / "committee_report_damaged.jpg"
    path.write_bytes(synth.jpeg_bytes(pixels, quality=55))
    written.append(path)

    pixels = synth.worn(synth.to_array(synth.render_page(WORN_PAGE, "mono")), 0.035, seed=11)
    pixels = synth.rescale(synth.shade(synth.rotate(pixels, 1.0), 0.3), 0.6)
    path = out / "toad_lane_talk_worn.jpg"
    path.write_bytes(synth.jpeg_bytes(pixels, quality=60))
    written.append(path)

    path = out / "catalogue_guide.tif"
    pages = [synth.binarize(synth.render_page(t, "sans")) for t in TIFF_PAGES]
    synth.save_pages(pages, path, 300)
    written.append(path)

    path = out / "spring_programme.pdf"
    pages = [synth.binarize(synth.render_page(t, "serif")) for t in PDF_PAGES]
    synth.save_pages(pages, path, 300)
    written.append(path)

    path = out / "loan_rules_old_ocr.txt"
    path.write_text(DAMAGED_TEXT, encoding="utf-8")
    written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("raw_scans"))
    for path in make_samples(parser.parse_args().out):
        print(f"{path}  {path.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
