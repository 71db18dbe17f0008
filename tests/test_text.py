import random

from conftest import SEEDS, require_shared
from ocrfix.suggestion import apply
from ocrfix.text import layout_suggestions, tokenize


def test_tokens_join_back_to_every_seed_exactly():
    require_shared()
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text("utf-8")
        tokens = tokenize(text)
        assert "".join(t.text for t in tokens) == text, path.name
        assert all(text[t.start : t.end] == t.text for t in tokens[:5000])


def test_tokens_join_back_on_random_strings():
    rng = random.Random(1)
    alphabet = "ab’'-\t \n\r\f.,~|{$0é\u0301\u00a0\ufeff"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(40)))
        assert "".join(t.text for t in tokenize(text)) == text


def test_words_keep_inner_apostrophes():
    kinds = [(t.kind, t.text) for t in tokenize("Trotsky’s don't.")]
    assert kinds == [("word", "Trotsky’s"), ("space", " "), ("word", "don't"), ("punct", ".")]


def test_tabs_between_words_become_one_space():
    raw = " I:\tConstructing\tthe \t socialist\torder\n"
    assert apply(raw, layout_suggestions(raw)) == " I: Constructing the socialist order\n"


def test_trailing_spaces_are_dropped_but_line_breaks_kept():
    raw = "first line  \nsecond\t\n\fthird page \n  indented"
    clean = apply(raw, layout_suggestions(raw))
    assert clean == "first line\nsecond\n\fthird page\n  indented"


def test_layout_suggestions_are_all_automatic_and_explained():
    suggestions = layout_suggestions("a\tb \n")
    assert {s.rule for s in suggestions} == {"tab-space", "trailing-space"}
    assert all(s.auto for s in suggestions)
