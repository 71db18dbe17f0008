"""Nothing a reviewer did is lost: document identity, re-runs after review, locks, learning."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from faultcases import DECIDER
from ocrfix import cli, identity
from ocrfix.pipeline import process_batch
from ocrfix.review import decisions
from ocrfix.review.carry import carry, mapper
from ocrfix.suggestion import Suggestion

TEXT = (
    "The cornrnittee rneets each rnonth in the hall.\n"
    "Mernbers borrow a parnphlet for.a week.\n\n"
    "The library keeps every scanned page beside its text.\n"
)


def run_cli(*args: str, data: Path, check: bool = True) -> subprocess.CompletedProcess:
    """``ocrfix ARGS`` in a fresh process with its own learned data."""
    env = {**os.environ, "OCRFIX_DATA": str(data)}
    done = subprocess.run(
        [sys.executable, "-m", "ocrfix.cli", *args], env=env, capture_output=True, text=True
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


def review_everything(folder: Path) -> dict[tuple[int, int, str], str]:
    """Decide every row: accept, reject, and one edit; returns the decisions by span."""
    table = decisions.read_table(folder / decisions.TABLE)
    cells = {}
    for n, row in enumerate(table.rows):
        if row.original == "for.a":
            cells[row.id] = "edit:for a"
        else:
            cells[row.id] = "reject" if n % 3 == 2 else "accept"
    decisions.set_decisions(folder, cells)
    return {(r.start, r.end, r.original): cells[r.id] for r in table.rows}


def reviewed_minutes(tmp_path: Path) -> tuple[Path, Path, Path, dict]:
    """A scans folder with ``minutes.txt``, run into ``out/`` and every row decided."""
    scans, out, data = tmp_path / "scans", tmp_path / "out", tmp_path / "data"
    scans.mkdir()
    (scans / "minutes.txt").write_text(TEXT)
    run_cli("run", str(scans), "--out", str(out), "-q", data=data)
    return scans, out, data, review_everything(out / "minutes")


def decided(folder: Path) -> dict[tuple[int, int, str], str]:
    table = decisions.read_table(folder / decisions.TABLE)
    return {(r.start, r.end, r.original): r.cell for r in table.rows if r.decision}


# ---------------------------------------------------------------- identity


def test_names_come_from_paths_never_from_the_batch(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "notes.txt").write_text(f"from {sub}\n")
    out = tmp_path / "out"
    both = process_batch([tmp_path / "a", tmp_path / "b"], out)
    names = {Path(o.path).parent.name: o.doc_id for o in both.outcomes}
    assert names["a"] != names["b"] and all(n.startswith("notes-") for n in names.values())
    alone = process_batch([tmp_path / "b"], out, force=True)
    assert [o.doc_id for o in alone.outcomes] == [names["b"]]
    assert (out / names["a"] / "raw.txt").read_text() == "from a\n"
    assert (out / names["b"] / "raw.txt").read_text() == "from b\n"
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "notes.txt").write_text("from c\n")
    later = process_batch([tmp_path / "c"], out)
    assert later.outcomes[0].doc_id not in names.values()  # "notes" belongs to no one yet...
    again = process_batch([tmp_path / "c"], out)
    assert again.outcomes[0].status == "skipped"  # ...and now to c, for good


def test_a_name_never_leaves_the_output_or_takes_ocrfix_files(tmp_path):
    source = tmp_path / "in"
    (source / "sub").mkdir(parents=True)
    for name in ("..txt", "report.html.txt", ".hidden.txt", "a b.txt"):
        (source / name).write_text("some text\n")
    (source / "sub" / "x.txt").write_text("nested\n")
    out = tmp_path / "out"
    status = cli.main(["run", str(source), str(source / "..txt"), "--out", str(out), "-q"])
    assert status == 0
    names = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert names == ["a b", "document", "report_html", "sub__x"]
    assert (out / "report.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]


def test_identity_assignment_is_a_function_of_paths():
    inputs = {Path("/r/b/x.txt"): Path("/r/b"), Path("/r/a/x.txt"): Path("/r/a")}
    forward = identity.assign(inputs, {})
    backward = identity.assign(dict(reversed(inputs.items())), {})
    assert forward == backward and len(set(forward.values())) == 2


# ---------------------------------------------------------------- reviewed work


def test_a_rerun_after_review_and_learning_loses_nothing(tmp_path):
    """The issue's case: review, apply (which learns), add a file, run again."""
    scans, out, data = tmp_path / "scans", tmp_path / "out", tmp_path / "data"
    scans.mkdir()
    (scans / "minutes.txt").write_text(TEXT)
    (scans / "other.txt").write_text("Anotber page of rninutes.\n")
    run_cli("run", str(scans), "--out", str(out), "-q", data=data)
    wanted = review_everything(out / "minutes")
    assert len(wanted) >= 5 and "edit:for a" in wanted.values()
    run_cli("apply", str(out), data=data)
    final = (out / "minutes" / "final.txt").read_text()
    assert "for a week" in final
    (scans / "new.txt").write_text("A new page.\n")
    again = run_cli("run", str(scans), "--out", str(out), data=data)
    assert "reviewed document(s) kept" in again.stderr
    assert decided(out / "minutes") == wanted
    assert (out / "minutes" / "final.txt").read_text() == final
    assert (out / "new" / "raw.txt").is_file()


def test_a_changed_input_carries_the_decisions_that_still_fit(tmp_path):
    scans, out, data, wanted = reviewed_minutes(tmp_path)
    run_cli("apply", str(out), "--no-learn", data=data)
    old_table = (out / "minutes" / "suggestions.csv").read_text()
    # a new first line shifts everything; "rneets" is read differently now
    (scans / "minutes.txt").write_text("A heading\n" + TEXT.replace("rneets", "meet5"))
    done = run_cli("run", str(scans), "--out", str(out), data=data)
    assert "could not be" in done.stderr and "history/v1/" in done.stderr
    now = decided(out / "minutes")
    changed_at = TEXT.index("rneets")
    for (start, end, original), cell in wanted.items():
        shift = len("A heading\n") - (start > changed_at)  # "meet5" is one letter shorter
        if original == "rneets":
            assert not [key for key in now if key[2] == original]
        else:
            assert now[(start + shift, end + shift, original)] == cell
    uncarried = (out / "minutes" / "uncarried.csv").read_text()
    assert "rneets" in uncarried and uncarried.count("\n") == 2
    history = out / "minutes" / "history" / "v1"
    assert (history / "suggestions.csv").read_text() == old_table
    assert (history / "final.txt").is_file()
    assert "for a week" in (out / "minutes" / "final.txt").read_text()  # made afresh
    assert decisions.load(out / "minutes")  # the new table fits the new raw.txt


def test_force_keeps_every_decision_and_each_earlier_version(tmp_path):
    scans, out, data, wanted = reviewed_minutes(tmp_path)
    for _ in range(2):
        run_cli("run", str(scans), "--out", str(out), "-q", "--force", data=data)
        assert decided(out / "minutes") == wanted
    assert sorted(p.name for p in (out / "minutes" / "history").iterdir()) == ["v1", "v2"]


def test_carry_maps_spans_through_an_alignment():
    old = "one tvvo three\nfour fiue six\n"
    new = "zero\none tvvo three\nfour fiue sixty\n"
    where = mapper(old, new)
    assert where(4, 8) == (9, 13)
    rows = [
        (decisions.Row(1, 1, 1, 4, 8, "tvvo", "two", "word", 0.9, True, "accept"), "accept"),
        (decisions.Row(2, 1, 2, 20, 24, "fiue", "five", "word", 0.4, False, "reject"), "reject"),
    ]
    fresh = [Suggestion(9, 13, "tvvo", "twoo", "word", 0.5, False)]  # overlaps a decision
    merged = carry(old, rows, new, fresh)
    assert [(s.start, s.replacement) for s in merged.suggestions] == [(9, "two"), (25, "five")]
    assert list(merged.decisions.values()) == ["accept", "reject"] and not merged.uncarried


# ---------------------------------------------------------------- races and crashes


def test_decisions_written_during_a_forced_run_survive_it(tmp_path):
    """A reviewer deciding while ``run --force`` redoes the same document: real processes."""
    scans, out, data = tmp_path / "scans", tmp_path / "out", tmp_path / "data"
    scans.mkdir()
    (scans / "minutes.txt").write_text(TEXT * 40)
    run_cli("run", str(scans), "--out", str(out), "-q", data=data)
    rows = decisions.read_table(out / "minutes" / decisions.TABLE).rows
    keys = [(r.start, r.original) for r in rows][:60]
    env = {**os.environ, "OCRFIX_DATA": str(data)}
    command = ["run", str(scans), "--out", str(out), "-q", "--force", "--jobs", "1"]
    runs = [
        subprocess.Popen([sys.executable, "-m", "ocrfix.cli", *command], env=env) for _ in range(3)
    ]
    writer = subprocess.run(
        [sys.executable, "-c", DECIDER, str(out / "minutes"), json.dumps(keys)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert all(p.wait(timeout=300) == 0 for p in runs)
    confirmed = {int(line) for line in writer.stdout.split()}
    table = decisions.read_table(out / "minutes" / decisions.TABLE)
    accepted = {r.start for r in table.rows if r.decision == "accept"}
    assert confirmed == {start for start, _ in keys} <= accepted


def test_learn_interrupted_after_its_commit_counts_nothing_twice(tmp_path):
    _, out, data, _ = reviewed_minutes(tmp_path)
    crash = textwrap.dedent(
        """
        import os, sys
        from pathlib import Path
        from ocrfix import fsio
        from ocrfix.review import learn
        fsio.finish_pending = lambda folder: os._exit(9)  # dies right after the commit
        learn.finish_pending = lambda folder: False
        learn.learn([Path(sys.argv[1])], Path(sys.argv[2]))
        """
    )
    env = {**os.environ, "OCRFIX_DATA": str(data)}
    died = subprocess.run([sys.executable, "-c", crash, str(out / "minutes"), str(data)], env=env)
    assert died.returncode == 9 and (data / ".ocrfix-journal.json").exists()
    run_cli("learn", str(out), data=data)
    clean = tmp_path / "clean"
    run_cli("learn", str(out), data=clean)
    for name in ("confusions.tsv", "protected.txt", "rejected.tsv", "reviewed.json"):
        assert (data / name).exists() == (clean / name).exists(), name
        if (clean / name).exists():
            assert (data / name).read_text() == (clean / name).read_text(), name
    assert not (data / ".ocrfix-journal.json").exists()


def test_folders_of_older_versions_keep_their_inputs(tmp_path, monkeypatch):
    """A manifest without ``source`` (ocrfix before it) is matched by the input it names."""
    monkeypatch.chdir(tmp_path)
    for sub in ("a", "b"):
        Path(sub).mkdir()
        (Path(sub) / "notes.txt").write_text(f"from {sub}\n")
    out = Path("out")
    process_batch([Path("a")], out)
    manifest_path = out / "notes" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    del manifest["source"]
    manifest["input"] = "a/notes.txt"  # as the old version wrote it: the path as given
    manifest_path.write_text(json.dumps(manifest))
    both = process_batch([Path("a"), Path("b")], out)
    names = {Path(o.path).parent.name: (o.doc_id, o.status) for o in both.outcomes}
    assert names["a"] == ("notes", "skipped")
    assert names["b"][0].startswith("notes-") and names["b"][1] == "done"


def test_a_document_redone_after_its_input_changed_is_learned_from_once(tmp_path):
    scans, out, data, _ = reviewed_minutes(tmp_path)
    run_cli("learn", str(out), data=data)
    before = (data / "confusions.tsv").read_text()
    (scans / "minutes.txt").write_text("A heading\n" + TEXT)  # a new SHA-256, same folder
    run_cli("run", str(scans), "--out", str(out), "-q", data=data)
    run_cli("learn", str(out), data=data)
    ledger = json.loads((data / "reviewed.json").read_text())["documents"]
    assert len(ledger) == 1
    assert (data / "confusions.tsv").read_text() == before
