"""The Markdown file of a document: YAML front matter, then the text reflowed into paragraphs.

Reflowing only moves line breaks; every word and punctuation mark of the text stays as it
is, and nothing is escaped (the ``.txt`` beside the Markdown keeps the exact text):

- the lines of a paragraph are joined with one space (a word broken by a hyphen at a line
  end was already joined by the corrector; nothing is de-hyphenated here);
- blank lines separate paragraphs, as they do in the text;
- a short line (under ``SHORT`` of the page's usual line length) that ends a sentence, or
  has no closing punctuation at all, and is followed by a line starting with a capital or
  a digit, ends its paragraph: typed and printed pages often mark paragraphs so;
- in a paragraph that starts as a Markdown list, block quote or table, each line that
  starts an item (``-``, ``*``, ``+``, ``1.``, ``>``, ``|``) keeps its own line;
- a page break (form feed) becomes ``<!-- page N -->`` where page N begins: between
  paragraphs, or inside one that goes on from one page to the next (the page ends without
  closing punctuation and the next begins in lower case).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping

import yaml

SHORT = 0.7
_LIST_ITEM = re.compile(r"([-*+]\s|\d{1,9}[.)]\s|>|\|)")
_CLOSES_SENTENCE = ".!?:"
_CONTINUES = ",;-–—(&/"


def page_comment(number: int) -> str:
    """The comment that marks where page ``number`` begins.

    >>> page_comment(2)
    '<!-- page 2 -->'
    """
    return f"<!-- page {number} -->"


def split_paragraphs(page: str) -> list[list[str]]:
    """The paragraphs of a page as lists of stripped lines (blank lines separate them).

    >>> split_paragraphs("a\\nb\\n\\n  \\nc\\n")
    [['a', 'b'], ['c']]
    """
    paragraphs: list[list[str]] = [[]]
    for line in page.split("\n"):
        if line.strip():
            paragraphs[-1].append(line.strip())
        elif paragraphs[-1]:
            paragraphs.append([])
    return [p for p in paragraphs if p]


def usual_width(lines: list[str]) -> int:
    """The 90th percentile of the line lengths of a page: its right margin.

    >>> usual_width(["x" * 60] * 9 + ["short"])
    60
    """
    lengths = sorted(len(line) for line in lines)
    return lengths[min(len(lengths) - 1, int(0.9 * len(lengths)))] if lengths else 0


def ends_paragraph(line: str, following: str, width: int) -> bool:
    """True when a short line closes its paragraph before the next line.

    >>> ends_paragraph("and the scanning.", "Every donation is recorded", 62)
    True
    >>> ends_paragraph("15th July - Results and Prospects", "Click here for reading", 200)
    True
    >>> ends_paragraph("members at the first meeting of the", "Circle, and then", 40)
    False
    >>> ends_paragraph("Marx, Theses on Feuerbach, VIII.", "Human beings make their", 95)
    True
    """
    if len(line) >= SHORT * width or line.endswith(tuple(_CONTINUES)):
        return False
    start = following.lstrip("\"'‘“(")
    return bool(start) and (start[0].isupper() or start[0].isdigit())


def join_paragraph(lines: list[str], width: int) -> list[str]:
    """The lines of one paragraph joined into one or more Markdown paragraphs (or a list).

    >>> join_paragraph(["The circle met in the", "back room."], 22)
    ['The circle met in the back room.']
    >>> join_paragraph(["- tea", "- biscuits and", "jam"], 20)
    ['- tea\\n- biscuits and jam']
    """
    is_list = bool(_LIST_ITEM.match(lines[0]))
    out: list[str] = []
    current = lines[0]
    for previous, line in itertools.pairwise(lines):
        if is_list and _LIST_ITEM.match(line):
            current += "\n" + line
        elif not is_list and ends_paragraph(previous, line, width):
            out.append(current)
            current = line
        else:
            current += " " + line
    out.append(current)
    return out


def continues_across(before: str, after: str) -> bool:
    """True when a paragraph goes on across a page break.

    >>> continues_across("the printers'\\n", "union, and the rest.")
    True
    >>> continues_across("on the front.\\n", "Storage and handling")
    False
    """
    last = before.rstrip(" \t").removesuffix("\n").rsplit("\n", 1)[-1].rstrip()
    first = after.split("\n", 1)[0].lstrip()
    return (
        bool(last and first) and not last.endswith(tuple(_CLOSES_SENTENCE)) and first[0].islower()
    )


def reflow(text: str) -> str:
    """The text as Markdown paragraphs, page breaks as comments; ends with one newline.

    >>> print(reflow("Notes\\n\\nThe circle met in the\\nback room and read\\fone pamphlet.\\n"))
    Notes
    <BLANKLINE>
    The circle met in the back room and read <!-- page 2 --> one pamphlet.
    <BLANKLINE>
    """
    blocks: list[str] = []
    pages = text.split("\f")
    for number, page in enumerate(pages, start=1):
        paragraphs: list[str] = []
        width = usual_width(page.split("\n"))
        for lines in split_paragraphs(page):
            paragraphs.extend(join_paragraph(lines, width))
        if number > 1:
            if paragraphs and blocks and continues_across(pages[number - 2], page):
                blocks[-1] += f" {page_comment(number)} {paragraphs.pop(0)}"
            else:
                blocks.append(page_comment(number))
        blocks.extend(paragraphs)
    return "\n\n".join(blocks) + "\n" if blocks else ""


def front_matter(record: Mapping[str, object]) -> str:
    """YAML between ``---`` lines, in the given order, Unicode as it is.

    >>> print(front_matter({"title": "Notes: the circle", "reviewed": True}), end="")
    ---
    title: 'Notes: the circle'
    reviewed: true
    ---
    """
    body = yaml.safe_dump(
        dict(record), sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000
    )
    return f"---\n{body}---\n"


def render(record: Mapping[str, object], text: str) -> str:
    """The whole Markdown file: front matter, a blank line, the reflowed text."""
    body = reflow(text)
    return front_matter(record) + ("\n" + body if body else "")
