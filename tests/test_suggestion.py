import pytest

from ocrfix.suggestion import SpanError, Suggestion, apply, check_fits, location


def sug(start, original, replacement, auto=True):
    return Suggestion(start, start + len(original), original, replacement, "test", 0.9, auto)


def test_apply_replaces_spans_in_any_order():
    raw = "the rnembers of the cornmittee"
    out = apply(raw, [sug(20, "cornmittee", "committee"), sug(4, "rnembers", "members")])
    assert out == "the members of the committee"


def test_apply_without_suggestions_returns_raw():
    assert apply("a\tb\f", []) == "a\tb\f"


def test_apply_refuses_overlapping_spans():
    with pytest.raises(SpanError, match="overlap"):
        apply("abcdef", [sug(0, "abc", "x"), sug(2, "cde", "y")])


def test_apply_refuses_a_span_that_reads_otherwise():
    with pytest.raises(SpanError, match="expected 'xyz'"):
        apply("abcdef", [sug(0, "xyz", "q")])


def test_span_past_the_end_does_not_fit():
    with pytest.raises(SpanError):
        check_fits("ab", sug(1, "bc", "x"))


def test_suggestion_length_must_match_span():
    with pytest.raises(SpanError):
        Suggestion(0, 5, "abc", "x", "r", 1.0, True)


def test_location_counts_pages_and_lines():
    raw = "one\ntwo\fthree\nfour\nfive"
    assert location(raw, 0) == (1, 1)
    assert location(raw, 4) == (1, 2)
    assert location(raw, raw.index("three")) == (2, 1)
    assert location(raw, raw.index("five")) == (2, 3)
