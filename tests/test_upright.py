"""Which way up a page stands, from its ink alone (no Tesseract)."""

from __future__ import annotations

import numpy as np
import pytest

from ocrfix import preprocess as pp
from ocrfix import synth, upright

TEXT = (
    "Building the hall took the society four summers. The members laid the floor "
    "themselves, and a joiner from the village made the benches out of oak that a "
    "farmer gave them in exchange for a year of free lectures for his daughters.\n\n"
    "By the autumn of the fourth year the roof was on, the lamps were hung, and the "
    "first meeting in the new building heard a talk on the keeping of bees."
)


def ink(text: str, family: str = "serif") -> tuple[np.ndarray, float]:
    """The ink mask and x-height of a typeset page, as preprocessing measures them."""
    prepared = pp.prepare(synth.to_array(synth.typeset(text, family).image), 300)
    return prepared.image < 128, prepared.height


@pytest.mark.parametrize("family", ["serif", "sans", "mono"])
@pytest.mark.parametrize(("quarters", "turn"), [(0, 0), (1, 90), (2, 180), (3, 270)])
def test_the_turn_that_stands_a_page_upright(family, quarters, turn):
    mask, height = ink(TEXT, family)
    turned = np.rot90(mask, quarters)  # counter-clockwise: undone by `turn` clockwise
    verdict = upright.judge(turned, height, quarters % 2 == 1, 0.25, 20)
    assert verdict["turn"] == turn, verdict
    assert abs(verdict["balance"]) > 0.4


def test_capitals_alone_say_nothing():
    mask, height = ink(TEXT.upper())
    verdict = upright.judge(mask, height, False, 0.25, 20)
    assert verdict["turn"] is None and abs(verdict["balance"]) < 0.25


def test_a_blank_page_says_nothing():
    blank = np.zeros((400, 300), bool)
    assert upright.judge(blank, 20.0, False, 0.25, 20) == {"balance": 0.0, "lines": 0, "turn": None}
