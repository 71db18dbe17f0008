"""The fault and bad-input suite, as a user meets it: real processes, one table.

    .venv/bin/python bench/faults.py [--sizes 5,50]

Rows: every bad input of ``tests/faultcases.py`` in one batch; a full disk (writes over a
size limit fail as on a full disk) for a document and for the report; ``kill -9`` of a
batch (its workers must go too); a reviewed seed (``../shared/seeds/004_…``, 30 decisions
of every kind) re-run after ``apply`` learned from it and a new file was added, re-run
with ``--force``, re-run after its input changed, and decided while three ``run --force``
of it run at once. Columns: cases tried, one-line errors, tracebacks, hangs, decisions
lost (a confirmed decision missing afterwards, or one that no longer reads its text).

With ``--sizes``, the peak memory and time of ``ocrfix run --jobs 1`` on texts of those
many MB (see ``bench/size.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from faultcases import (  # noqa: E402
    CASES,
    DECIDER,
    file_size_limit,
    kill_a_batch,
    make_cases,
    run_ocrfix,
)
from ocrfix.review import decisions  # noqa: E402

SEED = next((ROOT.parent / "shared" / "seeds").glob("004_*.txt"))
HANG = 300  # seconds after which a run counts as hung


def row(name: str, tried: int, lines: int, err: str, hung: bool, lost: int | str = "—"):
    return [name, tried, lines, err.count("Traceback"), int(hung), lost]


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("error: ")]


def bad_inputs(work: Path) -> list:
    made = make_cases(work / "in")
    status, _, err = run_ocrfix(["run", str(work / "in"), "--out", str(work / "out"), "-q"], HANG)
    found = sum(
        any(
            line.startswith(f"error: {made[c.name]}:") and c.reason in line
            for line in error_lines(err)
        )
        for c in CASES
    )
    return row("bad inputs, one batch", len(CASES), found, err, status is None)


def full_disk(work: Path) -> list:
    source, out = work / "in", work / "out"
    source.mkdir(parents=True)
    (source / "small.txt").write_text("A short page.\n")
    (source / "large.txt").write_text("A long page of the pamphlet, line after line.\n" * 3000)
    status, _, err = run_ocrfix(
        ["run", str(source), "--out", str(out), "-q"], HANG, file_size_limit(64_000)
    )
    lines = sum("cannot be written" in line for line in error_lines(err))
    (source / "small.txt").unlink()
    for n in range(60):
        (source / f"page-{n:02d}-with-a-long-name-for-the-report.txt").write_text("Text.\n")
    status2, _, err2 = run_ocrfix(
        ["run", str(source), "--out", str(out), "-q"], HANG, file_size_limit(16_000)
    )
    lines += sum("report.html: not written" in line for line in error_lines(err2))
    return row("full disk: a document, the report", 2, lines, err + err2, None in (status, status2))


def kill_batch(work: Path) -> list:
    workers, left = kill_a_batch(work)
    return [
        f"kill -9 of a batch ({len(workers)} workers): processes left {len(left)}",
        1,
        int(not left),
        0,
        0,
        "—",
    ]


def decide(folder: Path, count: int = 30) -> dict[tuple[int, str], str]:
    """30 decisions of every kind on the first rows (accept, reject, edit)."""
    table = decisions.read_table(folder / decisions.TABLE)
    cells = {}
    for n, r in enumerate(table.rows[:count]):
        cells[r.id] = ("accept", "reject", f"edit:{r.replacement or r.original}!")[n % 3]
    decisions.set_decisions(folder, cells)
    return {(r.start, r.original): cells[r.id] for r in table.rows[:count]}


def lost(folder: Path, wanted: dict[tuple[int, str], str], shift: int = 0) -> int:
    _raw, table = decisions.load(folder)
    have = {(r.start - shift, r.original): r.cell for r in table.rows if r.decision}
    return sum(have.get(key) != cell for key, cell in wanted.items())


def reviewed_reruns(work: Path) -> list[list]:
    scans, out = work / "scans", work / "out"
    scans.mkdir(parents=True)
    (scans / "seed.txt").write_text(SEED.read_text("utf-8"))
    env = {**os.environ, "OCRFIX_DATA": str(work / "data")}
    run = ["run", str(scans), "--out", str(out), "-q"]
    run_ocrfix(run, HANG, env=env)
    wanted = decide(out / "seed")
    run_ocrfix(["apply", str(out)], HANG, env=env)  # learns from them
    (scans / "new.txt").write_text("A new page.\n")
    s1, _, e1 = run_ocrfix(run, HANG, env=env)
    rows = [
        row(
            "re-run after apply + learn + new file",
            30,
            0,
            e1,
            s1 is None,
            lost(out / "seed", wanted),
        )
    ]
    s2, _, e2 = run_ocrfix([*run, "--force"], HANG, env=env)
    rows.append(row("re-run with --force", 30, 0, e2, s2 is None, lost(out / "seed", wanted)))
    text = SEED.read_text("utf-8")
    (scans / "seed.txt").write_text("A new first line.\n" + text)
    s3, _, e3 = run_ocrfix(run, HANG, env=env)
    carried = lost(out / "seed", wanted, len("A new first line.\n"))
    rows.append(row("input changed (a line added)", 30, 0, e3, s3 is None, carried))
    return rows


def concurrent_force(work: Path) -> list:
    scans, out = work / "scans", work / "out"
    scans.mkdir(parents=True)
    (scans / "seed.txt").write_text(SEED.read_text("utf-8"))
    env = {**os.environ, "OCRFIX_DATA": str(work / "data")}
    run = ["run", str(scans), "--out", str(out), "-q", "--jobs", "1"]
    run_ocrfix(run, HANG, env=env)
    rows = decisions.read_table(out / "seed" / decisions.TABLE).rows
    keys = [(r.start, r.original) for r in rows[:200]]
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "ocrfix.cli", *run, "--force"],
            env=env,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(3)
    ]
    writer = subprocess.run(
        [sys.executable, "-c", DECIDER, str(out / "seed"), json.dumps(keys)],
        env=env,
        capture_output=True,
        text=True,
    )
    hung = False
    for p in runs:
        try:
            p.wait(timeout=HANG)
        except subprocess.TimeoutExpired:
            hung = True
    confirmed = {int(s) for s in writer.stdout.split()}
    table = decisions.read_table(out / "seed" / decisions.TABLE)
    accepted = {r.start for r in table.rows if r.decision == "accept"}
    return row(
        "decisions during 3 × run --force",
        len(keys),
        0,
        writer.stderr,
        hung,
        len(confirmed - accepted) + len(keys) - len(confirmed),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="", help="also measure texts of these MB, e.g. 5,50")
    args = parser.parse_args()
    table = Table(title="ocrfix faults: real processes")
    for column in ("case", "tried", "one-line errors", "tracebacks", "hangs", "decisions lost"):
        table.add_column(column, justify="left" if column == "case" else "right")
    with tempfile.TemporaryDirectory() as tmp:
        steps = [bad_inputs, full_disk, kill_batch, reviewed_reruns, concurrent_force]
        for n, step in enumerate(steps):
            work = Path(tmp) / str(n)
            work.mkdir()
            result = step(work)
            for r in result if isinstance(result[0], list) else [result]:
                table.add_row(*map(str, r))
    Console(width=120).print(table)
    if args.sizes:
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "size.py"), "--sizes", args.sizes], check=False
        )


if __name__ == "__main__":
    main()
