"""``report.html``: the batch at a glance, with a link to each document's files."""

from __future__ import annotations

import html
import json
from pathlib import Path

from ocrfix.fsio import atomic_write_text
from ocrfix.pipeline import BatchResult

DOC_FILES = ("raw.txt", "clean.txt", "changes.diff", "suggestions.csv", "manifest.json")

_STYLE = """
body { font: 15px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; } td, th { padding: .3em .7em; border-bottom: 1px solid #ddd; }
th { text-align: left; background: #f4f4f4; } td.n { text-align: right; }
.failed { color: #a00; } .skipped { color: #777; } a { margin-right: .6em; }
"""


def _manifests(out: Path) -> list[dict]:
    found = []
    for path in sorted(out.glob("*/manifest.json")):
        try:
            found.append(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError):
            continue
    return found


def render(out: Path, batch: BatchResult) -> str:
    """The HTML of the report for the output folder ``out`` after ``batch``."""
    esc = html.escape
    status = {o.doc_id: o.status for o in batch.outcomes}
    rows = []
    for m in _manifests(out):
        doc = m["doc_id"]
        stats = m.get("stats", {})
        links = " ".join(
            f'<a href="{esc(doc)}/{name}">{name}</a>'
            for name in (*DOC_FILES, "review.html")
            if (out / doc / name).exists()
        )
        state = status.get(doc, "earlier run")
        rows.append(
            f'<tr class="{esc(state)}"><td>{esc(doc)}</td><td>{esc(m.get("input", ""))}</td>'
            f'<td>{esc(m.get("kind", ""))}</td><td class="n">{m.get("pages", 0)}</td>'
            f'<td class="n">{stats.get("words", 0)}</td>'
            f'<td class="n">{stats.get("suggestions", 0)}</td>'
            f'<td class="n">{stats.get("auto", 0)}</td><td>{esc(state)}</td><td>{links}</td></tr>'
        )
    failures = "".join(
        f'<li class="failed">{esc(o.path)}: {esc(o.error)}</li>' for o in batch.failed
    )
    unsupported = "".join(f"<li>{esc(p)}</li>" for p in batch.unsupported)
    done = sum(o.status == "done" for o in batch.outcomes)
    skipped = sum(o.status == "skipped" for o in batch.outcomes)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ocrfix report</title>
<style>{_STYLE}</style></head><body>
<h1>ocrfix report</h1>
<p>Last batch: {done} processed, {skipped} unchanged and skipped, {len(batch.failed)} failed,
{len(batch.unsupported)} unsupported files passed over, in {batch.seconds:.1f} s.</p>
<table><thead><tr><th>document</th><th>input</th><th>kind</th><th>pages</th><th>words</th>
<th>suggestions</th><th>applied</th><th>status</th><th>files</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
{f"<h2>Failed</h2><ul>{failures}</ul>" if failures else ""}
{f"<h2>Unsupported files, passed over</h2><ul>{unsupported}</ul>" if unsupported else ""}
</body></html>
"""


def write_report(out: Path, batch: BatchResult) -> Path:
    """Write ``out/report.html`` atomically and return its path."""
    path = out / "report.html"
    atomic_write_text(path, render(out, batch))
    return path
