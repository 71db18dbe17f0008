"""A long text corrected piece by piece: where the cuts go, and what the pieces learn."""

from __future__ import annotations

import dataclasses
import random

import pytest

from conftest import SEEDS, require_shared
from ocrfix import correct
from ocrfix.correct.assemble import default_corrector
from ocrfix.correct.engine import Document, TextCounts
from ocrfix.correct.pieces import PieceSettings, piece_bounds
from ocrfix.correct.tokens import split_chunks
from ocrfix.suggestion import SuggestionList, apply, check_fits, shifted


def cuts(text: str, max_chars: int) -> list[str]:
    return [text[a:b] for a, b in piece_bounds(text, max_chars)]


def test_pieces_cover_the_text_and_keep_to_the_limit():
    rng = random.Random(7)
    alphabet = ["word", " ", "\n", "\n\n", "-", "\f", "\t", "x-\n\n"]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        limit = rng.randint(1, 40)
        bounds = piece_bounds(text, limit)
        assert "".join(text[a:b] for a, b in bounds) == text
        assert all(0 < b - a <= limit for a, b in bounds) or text == ""
        assert [a for a, _ in bounds[1:]] == [b for _, b in bounds[:-1]]


def test_cuts_go_after_blank_lines_and_page_breaks():
    text = "One par,\nsame par.\n\nTwo.\fThree, a long line.\n \nFour."
    expected = ["One par,\nsame par.\n\n", "Two.\f", "Three, a long line.\n \n", "Four."]
    assert cuts(text, 22) == expected


def test_no_cut_after_a_blank_line_that_a_hyphen_spans():
    # the corrector rejoins "bureau-" / "cracy" across one blank line: keep them together
    text = "the bureau-\n\ncracy grew\n\nand grew"
    pieces = cuts(text, 24)
    assert pieces[0] == "the bureau-\n\ncracy grew\n"  # a line break, not the blank line
    assert "".join(pieces) == text


def test_a_text_without_blank_lines_is_cut_at_line_breaks_then_spaces():
    lines = "first line\nsecond line\nthird line\n"
    assert cuts(lines, 25) == ["first line\nsecond line\n", "third line\n"]
    assert cuts("one long line of words", 10) == ["one long ", "line of ", "words"]
    assert cuts("abcdefghij", 4) == ["abcd", "efgh", "ij"]  # no space at all: anywhere


def test_the_default_piece_takes_every_seed_whole():
    require_shared()
    for seed in SEEDS.glob("*.txt"):
        assert len(seed.read_text("utf-8")) <= PieceSettings().max_chars


def small_pieces(max_chars: int):
    return dataclasses.replace(default_corrector(), pieces=PieceSettings(max_chars))


def test_a_text_of_one_piece_is_corrected_as_a_whole():
    raw = "The cornrnittee rneets each rnonth.\n\nMernbers borrow a parnphlet.\n"
    corrector = default_corrector()
    assert corrector.suggest(raw) == Document(corrector, raw, {}).suggestions()


def test_suggestions_of_pieces_are_those_of_each_piece_shifted():
    paragraph = "The cornrnittee rneets each rnonth, and the mernbers\tborrow a parnphlet.  \n\n"
    raw = paragraph * 6 + "The end of the rninutes."
    corrector = small_pieces(len(paragraph) * 2)
    bounds = piece_bounds(raw, corrector.pieces.max_chars)
    assert len(bounds) == 4
    whole = Document(corrector, "", {})
    counts = TextCounts()
    for a, b in bounds:
        whole.count(split_chunks(raw[a:b]), counts)
    whole.learn(counts)
    expected = []
    for a, b in bounds:
        expected += shifted(Document(corrector, raw[a:b], {}, learned=whole).suggestions(), a)
    got = list(corrector.suggest_pieces(raw))
    assert [s for piece in got for s in piece] == expected == corrector.suggest(raw)
    assert len(got) == 4 and all(piece for piece in got)
    for s in expected:
        check_fits(raw, s)  # the offsets are the whole text's
    assert "committee meets each month" in apply(raw, [s for s in expected if s.auto])
    assert expected[-1].start > 5 * len(paragraph)


def test_confidences_go_to_the_piece_that_holds_the_word():
    raw = "A wcrd here.\n\nA wcrd there.\n"
    second = raw.rindex("wcrd")
    low = {second: 5.0}  # only the second "wcrd" is unsure
    corrector = small_pieces(len("A wcrd here.\n\n"))
    found = [s for s in corrector.suggest(raw, low) if s.original == "wcrd"]
    alone = [s for s in corrector.suggest(raw) if s.original == "wcrd"]
    scored = {s.start: s.score for s in found}
    assert scored[second] > {s.start: s.score for s in alone}[second]


def test_a_long_text_learns_its_profile_from_all_its_pieces():
    require_shared()
    raw = sorted(SEEDS.glob("004_*.txt"))[0].read_text("utf-8")  # damaged: has a profile
    corrector = default_corrector()
    whole = Document(corrector, raw, {})
    whole.learn()
    pieces = Document(corrector, "", {})
    counts = TextCounts()
    for a, b in piece_bounds(raw, 5_000):
        pieces.count(split_chunks(raw[a:b]), counts)
    assert counts == whole.counts
    assert list(counts.suspicious) == list(whole.counts.suspicious)  # same order: same sample
    pieces.learn(counts)
    assert pieces.profile == whole.profile and pieces.profile
    assert pieces.doc_counts == whole.doc_counts


def test_the_generator_api_gives_lists_in_text_order():
    raw = "Tbe first.\n\nTbe second.\n\nTbe third.\n"
    found = list(correct.suggest_pieces(raw))
    assert [s for piece in found for s in piece] == correct.suggest(raw)


def test_suggestion_list_is_a_compact_sequence_of_suggestions():
    raw = "The cornrnittee rneets.\tEach rnonth.  \n"
    suggestions = correct.suggest(raw)
    table = SuggestionList(suggestions)
    assert list(table) == suggestions and len(table) == len(suggestions)
    assert table[-1] == suggestions[-1] and table[1:3] == suggestions[1:3]
    assert list(table.applied()) == [s for s in suggestions if s.auto]
    assert table.auto_count() == sum(s.auto for s in suggestions)
    assert table.ordered and not SuggestionList(reversed(suggestions)).ordered
    with pytest.raises(IndexError):
        table[len(suggestions)]
