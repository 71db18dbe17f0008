"""How fast the reading archive is.

    .venv/bin/python bench/archive.py [--repeat 5]

1. Export + index of the whole seeds corpus: ``ocrfix run ../shared/seeds`` into a
   temporary folder, then ``export --include-unreviewed`` (nothing there is reviewed) into
   a new archive: in process (final texts from the decisions, Markdown, version files,
   one catalogue transaction with the FTS5 index, reading copies), as the command a user
   runs (a new process), and again over the same archive (nothing changed: nothing
   written).
2. Search latency over 100 queries drawn from the corpus by a fixed rule: 50 words, 25
   two-word phrases, 25 prefixes (``word*``); each query run ``--repeat`` times on an open
   catalogue (median and 95th percentile of the per-query medians); and ``ocrfix archive
   search`` as a command, which adds the start of a Python process.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
OCRFIX = [sys.executable, "-m", "ocrfix.cli"]


def queries(texts: list[str]) -> list[str]:
    """100 queries from the texts, the same every time: 50 words spread over the frequency
    ranks, 25 phrases of two words that follow each other, 25 prefixes of four letters."""
    words = [w.lower() for text in texts for w in re.findall(r"[A-Za-z]{4,}", text)]
    ranked = [w for w, _ in sorted(Counter(words).items(), key=lambda x: (-x[1], x[0]))]
    step = max(1, len(ranked) // 50)
    singles = ranked[::step][:50]
    pairs = [
        f'"{m.group(1)} {m.group(2)}"'
        for text in texts
        for m in re.finditer(r"\b([A-Za-z]{4,}) ([A-Za-z]{4,})\b", text)
    ]
    phrases = pairs[:: max(1, len(pairs) // 25)][:25]
    prefixes = sorted({w[:4] + "*" for w in ranked[:: max(1, len(ranked) // 200)]})[::3][:25]
    return singles + phrases + prefixes


def run(command: list) -> None:
    """Run a command; stop with its error output if it fails."""
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ)
    if done.returncode:
        raise SystemExit(f"{' '.join(map(str, command))} failed:\n{done.stderr}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query or export")
    args = parser.parse_args()
    console = Console()
    if not SEEDS.is_dir():
        console.print("../shared/seeds not found: nothing to measure")
        return
    from ocrfix.archive.catalog import open_catalog, search
    from ocrfix.archive.export import export
    from ocrfix.review.decisions import document_folders, final_text, load

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["OCRFIX_DATA"] = str(work / "learned")  # nothing learned: plain output
        corrections = work / "seeds"
        subprocess.run(
            [*OCRFIX, "run", str(SEEDS), "--out", str(corrections), "-q"],
            check=True,
            env=os.environ,
        )
        folders = document_folders(corrections)
        texts = [final_text(*load(folder)) for folder in folders]
        chars = sum(len(t) for t in texts)

        in_process, again, command = [], [], []
        for n in range(args.repeat):
            archive = work / f"archive-{n}"
            started = time.perf_counter()
            result = export(corrections, archive, include_unreviewed=True)
            in_process.append(time.perf_counter() - started)
            assert not result.refused and {o.status for o in result.outcomes} == {"new"}
            started = time.perf_counter()
            result = export(corrections, archive, include_unreviewed=True)
            again.append(time.perf_counter() - started)
            assert {o.status for o in result.outcomes} == {"unchanged"}
            fresh = work / f"command-{n}"
            started = time.perf_counter()
            run([*OCRFIX, "export", str(corrections), "--include-unreviewed", "--archive", fresh])
            command.append(time.perf_counter() - started)
        archive = work / "archive-0"
        size = sum(p.stat().st_size for p in archive.rglob("*") if p.is_file())

        table = Table(title=f"Export + index of the seeds (median of {args.repeat})")
        for column in ("documents", "characters", "in process s", "command s", "again s", "MB"):
            table.add_column(column, justify="right")
        table.add_row(
            str(len(folders)),
            f"{chars:,}",
            f"{statistics.median(in_process):.3f}",
            f"{statistics.median(command):.3f}",
            f"{statistics.median(again):.3f}",
            f"{size / 1e6:.2f}",
        )
        console.print(table)

        asked = queries(texts)
        conn = open_catalog(archive)
        latencies, found = [], []
        for query in asked:
            runs = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                hits = search(conn, query, 10)
                runs.append(time.perf_counter() - started)
            latencies.append(statistics.median(runs))
            found.append(len(hits))
        conn.close()
        kinds = {"words": asked[:50], "phrases": asked[50:75], "prefixes": asked[75:]}
        table = Table(title=f"Search latency, {len(asked)} queries (median of {args.repeat} each)")
        for column in ("queries", "n", "median ms", "p95 ms", "max ms", "mean hits"):
            table.add_column(column, justify="right" if column != "queries" else "left")
        start = 0
        for kind, group in [*kinds.items(), ("all", asked)]:
            part = latencies[start : start + len(group)] if kind != "all" else latencies
            hits = found[start : start + len(group)] if kind != "all" else found
            start += len(group) if kind != "all" else 0
            table.add_row(
                kind,
                str(len(group)),
                f"{statistics.median(part) * 1000:.2f}",
                f"{percentile(part, 0.95) * 1000:.2f}",
                f"{max(part) * 1000:.2f}",
                f"{statistics.mean(hits):.1f}",
            )
        console.print(table)
        shell = []
        for query in asked[:: len(asked) // 10]:
            started = time.perf_counter()
            run([*OCRFIX, "archive", "search", str(archive), query])
            shell.append(time.perf_counter() - started)
        console.print(
            f"`ocrfix archive search` as a command, {len(shell)} queries: median "
            f"{statistics.median(shell) * 1000:.0f} ms (mostly starting Python)"
        )
        console.print("Examples: " + ", ".join(asked[::20] + asked[50:51] + asked[75:76]))


if __name__ == "__main__":
    main()
