"""``review.html``: raw and clean text side by side, every change marked.

Static pages that open straight from disk (no script, no outside resource). Only the
changed lines are shown, each with a few lines around it (:attr:`PageSettings.context_lines`);
the unchanged lines between are one row, "… 12 unchanged lines …". The changes are spread
over files of at most :attr:`PageSettings.changes_per_file` changes each (``review.html``,
``review-2.html``…, linked to each other), so that a document with hundreds of thousands of
changes still gives pages a browser opens at once. The same form serves every document: a
short one simply fits in ``review.html``.

The text is cut into blocks at line breaks that no change spans, so each row of the page
holds the same stretch of text on both sides, and a dehyphenation that joins two lines stays
in one row. Each change is coloured by its score (high, middle, low); a change ocrfix applied
in ``clean.txt`` has a solid frame, one left for the reviewer a dashed one; hovering shows
the rule and score.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from ocrfix.suggestion import Suggestion, SuggestionList, ordered, spans

HIGH, MIDDLE = 0.9, 0.5
PAGE_BREAK = "\f"
BREAKS = "\n\f"


@dataclass(frozen=True)
class PageSettings:
    """How much of a document one review page shows."""

    # 2,000 changes make a page of about 0.5 MB on the seeds (1 MB at the most with long
    # lines around each change): quick to open, and few files for a large document.
    changes_per_file: int = 2000
    context_lines: int = 2  # unchanged lines shown before and after each change


_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #222; }
header { position: sticky; top: 0; background: #fff; border-bottom: 1px solid #ccc;
  padding: .5em 1em; z-index: 1; }
h1 { font-size: 1.15em; margin: 0 0 .2em; } header p { margin: .2em 0; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th { text-align: left; padding: .3em 1em; background: #f4f4f4; }
td { vertical-align: top; padding: 0 1em; white-space: pre-wrap; overflow-wrap: anywhere;
  font: 14px/1.5 ui-monospace, "DejaVu Sans Mono", monospace; border-right: 1px solid #eee; }
tbody tr { content-visibility: auto; contain-intrinsic-size: auto 1.5em; }
tr.page td, tr.gap td { text-align: center; color: #777; background: #f7f7f7;
  font-family: system-ui; padding: .2em; }
tr.gap td { background: #fbfbfb; font-style: italic; }
mark { border-radius: 2px; padding: 0 1px; color: inherit; }
mark.hi { background: #c8efc8; } mark.mid { background: #ffe29a; } mark.lo { background: #ffb3b3; }
mark.a { outline: 1px solid #0006; } mark.s { outline: 1px dashed #0009; }
mark.gap { padding: 0 2px; margin: 0 1px; }
.legend mark { font: 13px system-ui; padding: 0 .4em; margin-right: .3em; }
a { margin-right: .8em; } nav { margin: .2em 0; } nav a { margin-right: .4em; }
nav.foot { padding: .5em 1em; }
"""


def band(score: float) -> str:
    """The colour class of a score: ``hi`` (≥ 0.9), ``mid`` (≥ 0.5) or ``lo``.

    >>> band(0.95), band(0.5), band(0.1)
    ('hi', 'mid', 'lo')
    """
    return "hi" if score >= HIGH else "mid" if score >= MIDDLE else "lo"


def page_name(number: int) -> str:
    """The file of the ``number``-th review page.

    >>> page_name(1), page_name(2)
    ('review.html', 'review-2.html')
    """
    return "review.html" if number == 1 else f"review-{number}.html"


def drawn(suggestions: Sequence[Suggestion]) -> Iterator[tuple[int, Suggestion]]:
    """Suggestions numbered as in ``suggestions.csv`` (text order, from 1), without any
    that overlap an earlier one (those cannot be drawn)."""
    cursor = 0
    for number, s in enumerate(ordered(suggestions), start=1):
        if s.start >= cursor:
            yield number, s
            cursor = max(cursor, s.end)


def marked(suggestions: Sequence[Suggestion]) -> list[tuple[int, Suggestion]]:
    """:func:`drawn` as a list."""
    return list(drawn(suggestions))


def _segment_start(raw: str, offset: int) -> int:
    """Where the line (ended by a line or page break) holding ``offset`` begins."""
    line = raw.rfind("\n", 0, offset) + 1
    return max(line, raw.rfind("\f", line, offset) + 1)


def _segment_end(raw: str, offset: int) -> int:
    """Where the line holding ``offset`` ends, after its line or page break."""
    line = raw.find("\n", offset)
    line = len(raw) if line < 0 else line + 1
    page = raw.find("\f", offset, line)
    return line if page < 0 else page + 1


def block_spans(
    raw: str, changes: Iterable[tuple[int, Suggestion]]
) -> Iterator[tuple[int, int, list[tuple[int, Suggestion]]]]:
    """The blocks holding ``changes`` (in text order): stretches of whole lines that end
    after a line break (or page break) no change spans, with the changes in each."""
    begin = end = -1
    inside: list[tuple[int, Suggestion]] = []
    for number, s in changes:
        if s.start < end:  # in the current block (which may have to grow)
            inside.append((number, s))
            if s.end >= end and s.end > s.start:
                end = _segment_end(raw, s.end)
            continue
        if inside:
            yield begin, end, inside
        begin = _segment_start(raw, s.start)
        end = _segment_end(raw, s.end if s.end > s.start else s.start)
        inside = [(number, s)]
    if inside:
        yield begin, end, inside


def blocks(raw: str, changes: Sequence[tuple[int, Suggestion]]) -> list[tuple[int, int]]:
    r"""Stretches of ``raw`` that end after a line break (or page break) no change spans:
    the blocks with changes, and every other line as a block of its own.

    >>> blocks("ab-\ncd\nef", [(1, Suggestion(2, 5, "-\nc", "c", "dehyphenate", 1.0, True))])
    [(0, 7), (7, 9)]
    """
    found, at = [], 0
    for begin, end, _ in block_spans(raw, changes):
        found += _lines(raw, at, begin)
        found.append((begin, end))
        at = end
    return found + _lines(raw, at, len(raw))


def _lines(raw: str, begin: int, end: int) -> list[tuple[int, int]]:
    """The lines (each ended by a line or page break) of ``raw[begin:end]``."""
    found = []
    while begin < end:
        stop = min(_segment_end(raw, begin), end)
        found.append((begin, stop))
        begin = stop
    return found


def _mark(number: int, s: Suggestion, text: str) -> str:
    state = "applied" if s.auto else "suggested"
    title = f"#{number} {s.rule} · score {s.score:.3f} · {s.original!r} → {s.replacement!r}"
    title += f" · {state}"
    kind = "a" if s.auto else "s"
    gap = " gap" if not text else ""
    return (
        f'<mark class="{band(s.score)} {kind}{gap}" title="{html.escape(title)}">'
        f"{html.escape(text)}</mark>"
    )


def render_block(
    raw: str, begin: int, end: int, changes: Sequence[tuple[int, Suggestion]]
) -> tuple[str, str]:
    """The raw and the clean side of one block, as HTML."""
    left, right, cursor = [], [], begin
    for number, s in changes:
        between = html.escape(raw[cursor : s.start])
        left.append(between)
        right.append(between)
        left.append(_mark(number, s, s.original))
        right.append(_mark(number, s, s.replacement if s.auto else s.original))
        cursor = s.end
    rest = html.escape(raw[cursor:end].rstrip(PAGE_BREAK))
    return "".join(left) + rest, "".join(right) + rest


class _Rows:
    """The table rows of one review page, written from left to right through the text."""

    def __init__(self, raw: str, at: int, context: int) -> None:
        self.raw, self.at, self.context = raw, at, context
        self.page = raw.count(PAGE_BREAK, 0, at) + 1
        self.owed = 0  # lines of context still owed after the last block

    def _row(self, begin: int, end: int, changes: Sequence[tuple[int, Suggestion]]) -> str:
        left, right = render_block(self.raw, begin, end, changes)
        row = f"<tr><td>{left}</td><td>{right}</td></tr>\n"
        if self.raw[end - 1 : end] == PAGE_BREAK:
            self.page += 1
            row += f'<tr class="page"><td colspan="2">page {self.page}</td></tr>\n'
        return row

    def _plain(self, end: int) -> Iterator[str]:
        """Every unchanged line from here to ``end``."""
        for begin, stop in _lines(self.raw, self.at, end):
            yield self._row(begin, stop, ())
        self.at = max(self.at, end)

    def _skip(self, end: int) -> Iterator[str]:
        """The unchanged lines from here to ``end`` as one row (a single line as itself)."""
        lines = self.raw.count("\n", self.at, end) + self.raw.count("\f", self.at, end)
        if end > self.at and self.raw[end - 1] not in BREAKS:
            lines += 1
        if lines <= 1:
            yield from self._plain(end)
            return
        pages = self.raw.count(PAGE_BREAK, self.at, end)
        yield f'<tr class="gap"><td colspan="2">… {lines:,} unchanged lines …</td></tr>\n'
        if pages:
            self.page += pages
            yield f'<tr class="page"><td colspan="2">page {self.page}</td></tr>\n'
        self.at = end

    def _after(self, limit: int) -> Iterator[str]:
        """The lines of context owed after the last block, up to ``limit``."""
        end = self.at
        for _ in range(self.owed):
            if end >= limit:
                break
            end = min(_segment_end(self.raw, end), limit)
        self.owed = 0
        yield from self._plain(end)

    def block(
        self, begin: int, end: int, changes: Sequence[tuple[int, Suggestion]]
    ) -> Iterator[str]:
        """A block with changes, after the lines owed to the one before, the unchanged
        lines between (as one row) and the lines of context before it."""
        yield from self._after(begin)
        lead = begin
        for _ in range(self.context):
            if lead <= self.at:
                break
            lead = max(_segment_start(self.raw, lead - 1), self.at)
        yield from self._skip(lead)
        yield from self._plain(begin)
        yield self._row(begin, end, changes)
        self.at, self.owed = end, self.context

    def finish(self, end: int, last: bool) -> Iterator[str]:
        """The context owed (up to ``end``, where the next block begins), and on the last
        page the rest of the text as one row."""
        yield from self._after(end)
        if last:
            yield from self._skip(len(self.raw))


def _header(doc_id: str, number: int, files: int, total: int, applied: int, context: int) -> str:
    esc = html.escape(doc_id)
    part = f" · part {number} of {files}" if files > 1 else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{esc}{part} · ocrfix review</title>
<style>{_STYLE}</style></head><body>
<header><h1>{esc}{part}</h1>
<p>{total} suggestions: {applied} applied in clean.txt, {total - applied}
left for review. <a href="changes.diff">changes.diff</a>
<a href="suggestions.csv">suggestions.csv</a><a href="raw.txt">raw.txt</a>
<a href="clean.txt">clean.txt</a></p>
<p class="legend">Score: <mark class="hi a">≥ {HIGH}</mark><mark class="mid a">≥ {MIDDLE}</mark>
<mark class="lo a">&lt; {MIDDLE}</mark> Frame: <mark class="hi a">applied</mark>
<mark class="hi s">suggested only</mark> Hover a change for its rule and score. Changed
lines are shown with {context} lines around them; raw.txt has the whole text.</p>
{_nav(number, files)}</header>
<table><colgroup><col><col></colgroup>
<thead><tr><th>raw.txt</th><th>clean.txt</th></tr></thead>
<tbody>
"""


def _nav(number: int, files: int, foot: bool = False) -> str:
    """Links to the previous and the next page, and (in the header) to the pages of
    :func:`part_links`."""
    if files <= 1:
        return ""
    links = []
    if number > 1:
        links.append(f'<a href="{page_name(number - 1)}">← previous</a>')
    if number < files:
        links.append(f'<a href="{page_name(number + 1)}">next →</a>')
    if not foot:
        links.append("· parts:")
        shown = 0
        for k in part_links(number, files):
            if k > shown + 1:
                links.append("…")
            links.append(f"<b>{k}</b>" if k == number else f'<a href="{page_name(k)}">{k}</a>')
            shown = k
    return f"<nav{' class=foot' if foot else ''}>{' '.join(links)}</nav>"


def part_links(number: int, files: int, near: int = 5) -> list[int]:
    """The pages page ``number`` links to by number: the first and last, those within
    ``near`` of it, and every tenth (hundredth… for thousands of pages), so that a page's
    links stay few however many pages there are.

    >>> part_links(3, 12)
    [1, 2, 3, 4, 5, 6, 7, 8, 10, 12]
    >>> part_links(1200, 2461)
    [1, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1195, 1196, 1197, 1198, \
1199, 1200, 1201, 1202, 1203, 1204, 1205, 1300, 1400, 1500, 1600, 1700, 1800, 1900, \
2000, 2100, 2200, 2300, 2400, 2461]
    """
    step = 10 ** max(1, len(str(files)) - 2)
    return [
        k
        for k in range(1, files + 1)
        if k in (1, files) or abs(k - number) <= near or k % step == 0
    ]


def _pages(raw: str, suggestions: Sequence[Suggestion], per_file: int) -> int:
    """How many review pages the changes fill (a page closes after the block that brings
    its changes to ``per_file``), found from the spans alone."""
    cursor, count, files, block_end = 0, 0, 1, -1
    for start, end in spans(ordered(suggestions)):
        if start < cursor:
            continue  # not drawn (as in drawn())
        cursor = max(cursor, end)
        if start < block_end:  # in the current block (as in block_spans())
            if end >= block_end and end > start:
                block_end = _segment_end(raw, end)
        else:
            if count >= per_file:
                files, count = files + 1, 0
            block_end = _segment_end(raw, end if end > start else start)
        count += 1
    return files


def render_pages(
    doc_id: str,
    raw: str,
    suggestions: Sequence[Suggestion],
    settings: PageSettings | None = None,
) -> Iterator[tuple[str, Iterator[str]]]:
    """``(file name, HTML in pieces)`` of each review page of one document, in order;
    each page's pieces must be read before the next page is asked for."""
    settings = settings or PageSettings()
    total = len(suggestions)
    if isinstance(suggestions, SuggestionList):
        applied = suggestions.auto_count()
    else:
        applied = sum(s.auto for s in suggestions)
    per_file = max(1, settings.changes_per_file)
    files = _pages(raw, suggestions, per_file)
    upcoming = block_spans(raw, drawn(suggestions))
    following = next(upcoming, None)
    at = 0

    def page(number: int) -> Iterator[str]:
        nonlocal at, following
        yield _header(doc_id, number, files, total, applied, settings.context_lines)
        rows = _Rows(raw, at, settings.context_lines)
        if number > 1 and rows.page > 1:
            yield f'<tr class="page"><td colspan="2">page {rows.page}</td></tr>\n'
        count = 0
        while following is not None and (count < per_file or number == files):
            begin, end, inside = following
            yield from rows.block(begin, end, inside)
            count += len(inside)
            following = next(upcoming, None)
        yield from rows.finish(len(raw) if following is None else following[0], number == files)
        at = rows.at
        yield f"</tbody></table>\n{_nav(number, files, foot=True)}\n</body></html>\n"

    for number in range(1, files + 1):
        yield page_name(number), page(number)


def render(
    doc_id: str,
    raw: str,
    suggestions: Sequence[Suggestion],
    settings: PageSettings | None = None,
) -> str:
    """The HTML of ``review.html`` for one document (the first page, when there are more:
    see :func:`render_pages`)."""
    _, pieces = next(render_pages(doc_id, raw, suggestions, settings))
    return "".join(pieces)
