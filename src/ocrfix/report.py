"""``report.html``: the batch at a glance. The batch's totals at the top (what is left for a
person, and the command that opens the review app), then per document its pages, words,
automatic changes, what is left for review and decided, with links to its files; and a
small chart of the changes by rule.

The tables are computed with pandas from each document's ``manifest.json`` and
``suggestions.csv`` (read a record at a time), so the report written after ``ocrfix apply``
shows the decisions made since the run.
"""

from __future__ import annotations

import html
import json
import math
import shlex
from collections import Counter
from pathlib import Path

import pandas as pd

from ocrfix.fsio import atomic_write_text
from ocrfix.pipeline import BatchResult
from ocrfix.review.decisions import TABLE, DecisionError, records_of
from ocrfix.review.workload import Workload, sheet_workload

DOC_FILES = (
    "raw.txt", "clean.txt", "changes.diff", "suggestions.csv", "manifest.json", "final.txt",
    "final.pdf", "final.alto.xml",
)  # fmt: skip
COUNTS = ("pages", "words", "automatic", "layout", "left", "decided", "need")

_STYLE = """
body { font: 15px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; } td, th { padding: .3em .7em; border-bottom: 1px solid #ddd; }
th { text-align: left; background: #f4f4f4; } td.n { text-align: right; }
.failed { color: #a00; } .skipped { color: #777; } a { margin-right: .6em; }
td.files { font-size: 13px; } td.files a { display: inline-block; }
.ready { color: #060; } .left { color: #a50; font-weight: 600; }
.left, .ready { white-space: nowrap; }
code { background: #f4f4f4; padding: .1em .3em; }
.bars text { font: 12px system-ui, sans-serif; } .bars rect { fill: #4a7ab5; }
"""


def _manifests(out: Path) -> list[dict]:
    found = []
    for path in sorted(out.glob("*/manifest.json")):
        try:
            found.append(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError):
            continue
    return found


def table_counts(path: Path) -> tuple[Workload, Counter[str]]:
    """The workload of a ``suggestions.csv`` and its suggestions by rule (empty when it
    cannot be read)."""
    rules: Counter[str] = Counter()
    try:
        with records_of(path) as (columns, records):
            at = columns.index("rule")

            def counted():
                for record, _ in records:
                    rules[record[at]] += 1
                    yield record

            return sheet_workload(columns, counted()), rules
    except (DecisionError, OSError):
        return Workload(), Counter()


def documents(out: Path, status: dict[str, str]) -> tuple[pd.DataFrame, Counter[str]]:
    """One row per document of ``out`` with its counts, and the changes by rule."""
    rows, rules = [], Counter()
    for m in _manifests(out):
        doc = m["doc_id"]
        load, by_rule = table_counts(out / doc / TABLE)
        rules.update(by_rule)
        rows.append(
            {"doc": doc, "input": m.get("input", ""), "kind": m.get("kind", ""),
             "pages": m.get("pages", 0), "words": m.get("stats", {}).get("words", 0),
             "automatic": load.automatic, "layout": load.layout, "need": load.need,
             "decided": load.decided,
             "left": load.left, "status": status.get(doc, "earlier run")}
        )  # fmt: skip
    frame = pd.DataFrame(rows, columns=["doc", "input", "kind", "status", *COUNTS])
    return frame.astype({c: "int64" for c in COUNTS}), rules


def totals(frame: pd.DataFrame) -> pd.Series:
    """The batch's sums of the documents' counts."""
    return frame[list(COUNTS)].sum()


def rule_chart(rules: Counter[str], width: int = 360) -> str:
    """An inline SVG bar chart of the changes by rule, largest first ('' for none); bar
    lengths on a log scale, since whitespace changes can outnumber the rest a thousandfold.

    >>> "word" in rule_chart(Counter({"word": 3, "join": 1}))
    True
    """
    if not rules:
        return ""
    ranked = rules.most_common()
    top, bar, label = ranked[0][1], 18, 120
    parts = []
    for i, (rule, n) in enumerate(ranked):
        y, size = i * bar, max(1, round(width * math.log1p(n) / math.log1p(top)))
        parts.append(
            f'<text x="{label - 6}" y="{y + 13}" text-anchor="end">{html.escape(rule)}</text>'
            f'<rect x="{label}" y="{y + 2}" width="{size}" height="{bar - 4}"/>'
            f'<text x="{label + size + 4}" y="{y + 13}">{n}</text>'
        )
    height, total_width = bar * len(ranked), label + width + 60
    return (
        f'<svg class="bars" role="img" aria-label="changes by rule" width="{total_width}" '
        f'height="{height}" viewBox="0 0 {total_width} {height}">{"".join(parts)}</svg>'
    )


def review_command(out: Path) -> str:
    """The command that opens the review app on ``out``."""
    return f"ocrfix review {shlex.quote(str(out))}"


def _links(out: Path, doc: str) -> str:
    esc = html.escape
    return " ".join(
        f'<a href="{esc(doc)}/{name}">{name}</a>'
        for name in (*DOC_FILES, "review.html")
        if (out / doc / name).exists()
    )


def _left_cell(row: pd.Series) -> str:
    if row["left"] == 0:
        return '<td class="ready">ready to export</td>'
    return f'<td class="left">{row["left"]} of {row["need"]}</td>'


def _document_rows(out: Path, frame: pd.DataFrame) -> str:
    esc = html.escape
    lines = []
    for _, r in frame.iterrows():
        lines.append(
            f'<tr class="{esc(r["status"])}"><td>{esc(r["doc"])}</td>'
            f'<td title="{esc(str(r["input"]))}">{esc(Path(str(r["input"])).name)}</td>'
            f"<td>{esc(str(r['kind']))}</td>"
            f'<td class="n">{r["pages"]}</td><td class="n">{r["words"]}</td>'
            f'<td class="n">{r["automatic"]}</td><td class="n">{r["layout"]}</td>{_left_cell(r)}'
            f'<td class="n">{r["decided"]}</td><td>{esc(r["status"])}</td>'
            f'<td class="files">{_links(out, r["doc"])}</td></tr>'
        )
    return "\n".join(lines)


def _batch_line(batch: BatchResult | None) -> str:
    if batch is None:
        return ""
    done = sum(o.status == "done" for o in batch.outcomes)
    skipped = sum(o.status == "skipped" for o in batch.outcomes)
    return (
        f"<p>Last batch: {done} processed, {skipped} unchanged and skipped, "
        f"{len(batch.failed)} failed, {len(batch.unsupported)} unsupported files passed over, "
        f"in {batch.seconds:.1f} s.</p>"
    )


def _summary(out: Path, sums: pd.Series, documents_count: int) -> str:
    left = int(sums["left"])
    state = (
        f'<span class="left">{left} of {int(sums["need"])} suggestions need a decision</span>'
        if left
        else '<span class="ready">nothing is left for review: ready to export</span>'
    )
    return (
        f"<p>{documents_count} documents, {int(sums['pages'])} pages, "
        f"{int(sums['words'])} words; {int(sums['automatic'])} changes made automatically "
        f"({int(sums['layout'])} of them whitespace and layout); "
        f"{state}; {int(sums['decided'])} decided.</p>"
        f"<p>Review them in the browser: <code>{html.escape(review_command(out))}</code> "
        f"(or open a document's review.html to read its changes).</p>"
    )


def render(out: Path, batch: BatchResult | None = None) -> str:
    """The HTML of the report for the output folder ``out`` (after ``batch``, if given)."""
    esc = html.escape
    status = {o.doc_id: o.status for o in batch.outcomes} if batch else {}
    frame, rules = documents(out, status)
    failed = batch.failed if batch else []
    unsupported = batch.unsupported if batch else []
    failures = "".join(f'<li class="failed">{esc(o.path)}: {esc(o.error)}</li>' for o in failed)
    passed_over = "".join(f"<li>{esc(p)}</li>" for p in unsupported)
    chart = rule_chart(rules)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ocrfix report</title>
<style>{_STYLE}</style></head><body>
<h1>ocrfix report</h1>
{_summary(out, totals(frame), len(frame))}
{_batch_line(batch)}
<table><thead><tr><th>document</th><th>input</th><th>kind</th><th>pages</th><th>words</th>
<th>automatic</th><th>of them layout</th><th>left for review</th><th>decided</th>
<th>status</th><th>files</th></tr>
</thead><tbody>
{_document_rows(out, frame)}
</tbody></table>
{f"<h2>Changes by rule</h2><p>(bar lengths on a log scale)</p>{chart}" if chart else ""}
{f"<h2>Failed</h2><ul>{failures}</ul>" if failures else ""}
{f"<h2>Unsupported files, passed over</h2><ul>{passed_over}</ul>" if passed_over else ""}
</body></html>
"""


def write_report(out: Path, batch: BatchResult | None = None) -> Path:
    """Write ``out/report.html`` atomically and return its path."""
    path = out / "report.html"
    atomic_write_text(path, render(out, batch))
    return path
