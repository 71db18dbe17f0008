"""changes.diff from the suggestions: byte for byte what difflib gives, in linear time."""

from __future__ import annotations

import difflib

import pytest

from conftest import SEEDS, require_shared
from ocrfix import correct
from ocrfix.review.diff import diff_lines, split_lines, unified_diff
from ocrfix.suggestion import Suggestion, SuggestionList, apply


def difflib_diff(raw: str, derived: str, derived_name: str = "clean.txt") -> str:
    """The reference: the diff ocrfix wrote before, with difflib over all the lines."""
    lines = difflib.unified_diff(
        split_lines(raw), split_lines(derived), "raw.txt", derived_name, lineterm="\n"
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def edit(raw: str, original: str, replacement: str, nth: int = 0) -> Suggestion:
    start = -1
    for _ in range(nth + 1):
        start = raw.index(original, start + 1)
    return Suggestion(start, start + len(original), original, replacement, "test", 0.9, True)


def lines(n: int, blank_every: int = 0) -> str:
    return "".join(
        "\n" if blank_every and k % blank_every == 0 else f"line {k} of the text\n"
        for k in range(1, n + 1)
    )


TEXT = lines(30)
CASES = {
    "nothing": (TEXT, []),
    "first line": (TEXT, [edit(TEXT, "line 1 ", "Line 1 ")]),
    "last line": (TEXT, [edit(TEXT, "line 30 of the text", "the end")]),
    "insert at start": (TEXT, [Suggestion(0, 0, "", "Title\n", "t", 1.0, True)]),
    "insert at end": (TEXT, [Suggestion(len(TEXT), len(TEXT), "", "tail", "t", 1.0, True)]),
    "delete the last newline": (TEXT, [Suggestion(len(TEXT) - 1, len(TEXT), "\n", "", "t", 1, 1)]),
    "across a line break": (TEXT, [edit(TEXT, "text\nline 5", "text line 5")]),
    "hyphen join": (
        "the bureau-\ncracy grew\nfast\n",
        [edit("the bureau-\ncracy grew\nfast\n", "bureau-\ncracy ", "bureaucracy\n")],
    ),
    "delete whole lines": (TEXT, [edit(TEXT, "line 7 of the text\nline 8 of the text\n", "")]),
    "delete the whole text": (TEXT, [Suggestion(0, len(TEXT), TEXT, "", "t", 1.0, True)]),
    "no newline at the end": (
        TEXT.rstrip("\n"),
        [edit(TEXT, "line 29", "line twenty-nine"), edit(TEXT, "line 30", "line thirty")],
    ),
    "form feeds": (
        "page one\nends here\fpage two\nstarts\fthree\n",
        [
            edit("page one\nends here\fpage two\nstarts\fthree\n", "here\fpage", "here\fPage"),
            edit("page one\nends here\fpage two\nstarts\fthree\n", "three", "3"),
        ],
    ),
    "changes six lines apart share a hunk": (
        TEXT,
        [edit(TEXT, "line 3 ", "LINE 3 "), edit(TEXT, "line 10 ", "LINE 10 ")],
    ),
    "changes seven lines apart do not": (
        TEXT,
        [edit(TEXT, "line 3 ", "LINE 3 "), edit(TEXT, "line 11 ", "LINE 11 ")],
    ),
    "adjacent lines": (TEXT, [edit(TEXT, "line 4 ", "L4 "), edit(TEXT, "line 5 ", "L5 ")]),
    "one of two blank lines deleted": (
        "a\n\n\nb\nc\nd\n",
        [Suggestion(2, 3, "\n", "", "t", 1.0, True)],
    ),
    "empty text": ("", [Suggestion(0, 0, "", "new\n", "t", 1.0, True)]),
    "changes that undo each other": ("ab\n", [edit("ab\n", "a", "b"), edit("ab\n", "b", "a")]),
}


@pytest.mark.parametrize("name", CASES)
def test_diff_equals_difflib_on_hand_made_cases(name):
    raw, suggestions = CASES[name]
    assert unified_diff(raw, suggestions) == difflib_diff(raw, apply(raw, suggestions))


def test_blank_lines_between_changes_in_a_long_text_are_shown_as_difflib_shows_them():
    # with 200 lines or more difflib never anchors on a popular line (here: the blank
    # ones), so a blank line between two changed lines goes inside one change
    raw = lines(400, blank_every=4)
    suggestions = [
        edit(raw, "line 3 ", "LINE 3 "),
        edit(raw, "line 5 ", "LINE 5 "),  # line 4 is blank
        edit(raw, "line 398 ", "LINE 398 "),  # the blank line 400 comes after the last
    ]
    expected = difflib_diff(raw, apply(raw, suggestions))
    assert "-\n" in expected and unified_diff(raw, suggestions) == expected


def test_diff_takes_a_suggestion_list_and_gives_lines():
    raw = TEXT
    table = SuggestionList([edit(raw, "line 2 ", "LINE 2 "), edit(raw, "line 20 ", "x ")])
    assert "".join(diff_lines(raw, table)) == difflib_diff(raw, apply(raw, table))


def test_diff_equals_difflib_on_the_seeds():
    require_shared()
    changed = []
    for seed in sorted(SEEDS.glob("*.txt")):
        text = seed.read_text("utf-8")  # the beginning of each (004 is damaged throughout)
        raw = text[: text.rfind("\n", 0, 30_000) + 1] if len(text) > 30_000 else text
        applied = correct.suggest(raw)  # every suggestion, as if all were accepted
        got = unified_diff(raw, applied)
        assert got == difflib_diff(raw, apply(raw, applied)), seed.name
        changed += [seed.name] if got else []
    assert any(name.startswith(("000_", "004_")) for name in changed)  # the damaged ones
