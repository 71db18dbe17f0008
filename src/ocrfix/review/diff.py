"""Unified diff of the raw text against a derived text."""

from __future__ import annotations

import difflib


def split_lines(text: str) -> list[str]:
    r"""Lines with their ``\n`` endings; only ``\n`` ends a line (form feeds stay inside).

    >>> split_lines("a\nb\fc")
    ['a\n', 'b\x0cc']
    """
    lines = text.split("\n")
    with_ends = [line + "\n" for line in lines[:-1]]
    return with_ends + ([lines[-1]] if lines[-1] else [])


def unified_diff(raw: str, derived: str, derived_name: str = "clean.txt") -> str:
    """The unified diff ``raw.txt`` → ``derived_name``, empty when the texts are equal."""
    lines = difflib.unified_diff(
        split_lines(raw), split_lines(derived), "raw.txt", derived_name, lineterm="\n"
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
