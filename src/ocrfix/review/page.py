"""``review.html``: raw and clean text side by side, every change marked.

A static page that opens straight from disk (no script, no outside resource). The text is
cut into blocks at line breaks that no change spans, so each row of the page holds the
same stretch of text on both sides, and a dehyphenation that joins two lines stays in one
row. Each change is coloured by its score (high, middle, low); a change ocrfix applied in
``clean.txt`` has a solid frame, one left for the reviewer a dashed one; hovering shows
the rule and score.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from ocrfix.suggestion import Suggestion

HIGH, MIDDLE = 0.9, 0.5
PAGE_BREAK = "\f"

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
tr.page td { text-align: center; color: #777; background: #f7f7f7; font-family: system-ui;
  padding: .2em; }
mark { border-radius: 2px; padding: 0 1px; color: inherit; }
mark.hi { background: #c8efc8; } mark.mid { background: #ffe29a; } mark.lo { background: #ffb3b3; }
mark.a { outline: 1px solid #0006; } mark.s { outline: 1px dashed #0009; }
mark.gap { padding: 0 2px; margin: 0 1px; }
.legend mark { font: 13px system-ui; padding: 0 .4em; margin-right: .3em; }
a { margin-right: .8em; }
"""


def band(score: float) -> str:
    """The colour class of a score: ``hi`` (≥ 0.9), ``mid`` (≥ 0.5) or ``lo``.

    >>> band(0.95), band(0.5), band(0.1)
    ('hi', 'mid', 'lo')
    """
    return "hi" if score >= HIGH else "mid" if score >= MIDDLE else "lo"


def marked(suggestions: Sequence[Suggestion]) -> list[tuple[int, Suggestion]]:
    """Suggestions numbered as in ``suggestions.csv`` (text order, from 1), without any
    that overlap an earlier one (those cannot be drawn)."""
    kept: list[tuple[int, Suggestion]] = []
    cursor = 0
    for number, s in enumerate(sorted(suggestions), start=1):
        if s.start >= cursor:
            kept.append((number, s))
            cursor = max(cursor, s.end)
    return kept


def blocks(raw: str, changes: Sequence[tuple[int, Suggestion]]) -> list[tuple[int, int]]:
    r"""Stretches of ``raw`` that end after a line break (or page break) no change spans.

    >>> blocks("ab-\ncd\nef", [(1, Suggestion(2, 5, "-\nc", "c", "dehyphenate", 1.0, True))])
    [(0, 7), (7, 9)]
    """
    covered = bytearray(len(raw) + 1)
    for _, s in changes:
        covered[s.start : s.end] = b"\x01" * (s.end - s.start)
    spans, begin = [], 0
    for i, ch in enumerate(raw):
        if ch in "\n\f" and not covered[i]:
            spans.append((begin, i + 1))
            begin = i + 1
    if begin < len(raw):
        spans.append((begin, len(raw)))
    return spans


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


def render(doc_id: str, raw: str, suggestions: Sequence[Suggestion]) -> str:
    """The HTML of ``review.html`` for one document."""
    changes = marked(suggestions)
    rows, i, page = [], 0, 1
    for begin, end in blocks(raw, changes):
        inside = []
        while i < len(changes) and changes[i][1].start < end:
            inside.append(changes[i])
            i += 1
        left, right = render_block(raw, begin, end, inside)
        rows.append(f"<tr><td>{left}</td><td>{right}</td></tr>")
        if raw[end - 1 : end] == PAGE_BREAK:
            page += 1
            rows.append(f'<tr class="page"><td colspan="2">page {page}</td></tr>')
    applied = sum(s.auto for s in suggestions)
    esc = html.escape(doc_id)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{esc} · ocrfix review</title>
<style>{_STYLE}</style></head><body>
<header><h1>{esc}</h1>
<p>{len(suggestions)} suggestions: {applied} applied in clean.txt, {len(suggestions) - applied}
left for review. <a href="changes.diff">changes.diff</a>
<a href="suggestions.csv">suggestions.csv</a><a href="raw.txt">raw.txt</a>
<a href="clean.txt">clean.txt</a></p>
<p class="legend">Score: <mark class="hi a">≥ {HIGH}</mark><mark class="mid a">≥ {MIDDLE}</mark>
<mark class="lo a">&lt; {MIDDLE}</mark> Frame: <mark class="hi a">applied</mark>
<mark class="hi s">suggested only</mark> Hover a change for its rule and score.</p>
</header>
<table><colgroup><col><col></colgroup>
<thead><tr><th>raw.txt</th><th>clean.txt</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
</body></html>
"""
