"""The reading archive: export, versions, metadata, search, and faults (real SQLite, files,
processes)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from ocrfix.archive import catalog, markdown, metadata
from ocrfix.archive.export import export
from ocrfix.ingest import sha256_of
from ocrfix.pipeline import process_batch
from ocrfix.review import decisions
from ocrfix.review.table import suggestions_csv
from ocrfix.suggestion import Suggestion

HISTORY = (
    "A History of the Reading Circle\n\n"
    "Written by the secretary on 19 June, 2013.\n\n"
    "The rnembers met in the back room of the library and agreed\n"
    "to read one pamphlet a fortnight; the secretory kept the\n"
    "rninutes of every meeting.\n"
    "\fThe cornrnittee thanked the volunteers who scanned the\n"
    "pamphlets, and the bcoks went back to the\n"
    "\fshelves in the reading room.\n"
)


# ---------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    """`ocrfix run` over a damaged three-page text and the demo's old OCR text."""
    base = tmp_path_factory.mktemp("demo")
    scans = base / "scans"
    scans.mkdir()
    (scans / "circle_history.txt").write_text(HISTORY, "utf-8")
    shutil.copy(ROOT / "raw_scans" / "loan_rules_old_ocr.txt", scans)
    batch = process_batch([scans], base / "corrections", jobs=1)
    assert not batch.failed
    return base


@pytest.fixture
def demo(tmp_path, demo_template) -> Path:
    """A fresh copy of the demo run (scans/ and corrections/), its manifests pointing at it."""
    shutil.copytree(demo_template, tmp_path / "demo")
    base = tmp_path / "demo"
    for manifest in (base / "corrections").glob("*/manifest.json"):
        data = json.loads(manifest.read_text("utf-8"))
        data["input"] = str(base / "scans" / Path(data["input"]).name)
        manifest.write_text(json.dumps(data), "utf-8")
    return base


def review(folder: Path) -> None:
    """Decide every suggestion a reviewer must (accept), reject one applied change and edit
    another, through the suggestions.csv API; then apply."""

    def choose(sheet: decisions.Sheet) -> dict[int, str]:
        cols = {c: sheet.column(c) for c in ("id", "auto", "original")}
        chosen: dict[int, str] = {}
        applied = [r for r in sheet.records if r[cols["auto"]] == "true"]
        for record in sheet.records:
            if record[cols["auto"]] != "true":
                chosen[int(record[cols["id"]])] = "accept"
        if applied:
            chosen[int(applied[0][cols["id"]])] = "reject"
        if len(applied) > 1:
            chosen[int(applied[1][cols["id"]])] = f"edit:{applied[1][cols['original']].upper()}"
        return chosen

    decisions.set_decisions(folder, choose)
    decisions.apply_document(folder)


def front_matter(path: Path) -> tuple[dict, str]:
    """The front matter and the body of an archived Markdown file."""
    text = path.read_text("utf-8")
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


def snapshot(archive: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and mtime, and the catalogue's rows, of an archive."""
    files = {
        str(p.relative_to(archive)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(archive.rglob("*"))
        if p.is_file() and not p.name.startswith("catalog.sqlite")
    }
    conn = sqlite3.connect(archive / catalog.CATALOG)
    files["catalog rows"] = ("\n".join(conn.iterdump()).encode(), 0)
    conn.close()
    return files


def make_doc(base: Path, name: str, text: str, suggestions: list[Suggestion] = ()) -> Path:
    """A document folder with the files `ocrfix run` writes that export reads, and its input."""
    source = base / "scans" / f"{name}.txt"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(text, "utf-8")
    folder = base / "corrections" / name
    folder.mkdir(parents=True)
    (folder / "raw.txt").write_text(text, "utf-8")
    (folder / "suggestions.csv").write_text(suggestions_csv(text, list(suggestions)), "utf-8")
    manifest = {
        "ocrfix": "0.1.0",
        "doc_id": name,
        "input": str(source),
        "kind": "text",
        "sha256": sha256_of(source),
        "pages": 1,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return folder


def sug(text: str, original: str, replacement: str, auto: bool) -> Suggestion:
    start = text.index(original)
    return Suggestion(start, start + len(original), original, replacement, "word", 0.5, auto)


def assert_consistent(archive: Path) -> None:
    """The catalogue is sound, and every file it lists is there with the bytes it recorded."""
    conn = sqlite3.connect(archive / catalog.CATALOG)
    conn.row_factory = sqlite3.Row
    try:
        assert catalog.check(conn) == []
        for row in conn.execute("SELECT * FROM versions"):
            for path, digest in ((row["md_path"], row["md_sha256"]), (row["txt_path"], None)):
                data = (archive / path).read_bytes()
                if digest:
                    assert hashlib.sha256(data).hexdigest() == digest
                else:
                    assert hashlib.sha256(data).hexdigest() == row["text_sha256"]
        twice = "SELECT source_sha256 FROM documents GROUP BY source_sha256 HAVING COUNT(*) > 1"
        assert conn.execute(twice).fetchall() == []
    finally:
        conn.close()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ocrfix.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "250"},
    )


# ---------------------------------------------------------------- export


def test_reviewed_document_is_exported_with_front_matter_and_text(demo):
    doc = demo / "corrections" / "circle_history"
    review(doc)
    manifest = json.loads((doc / "manifest.json").read_text("utf-8"))
    counts = decisions.tally(decisions.load(doc)[1].rows)

    result = export(demo / "corrections", demo / "archive")

    outcome = next(o for o in result.outcomes if o.doc == "circle_history")
    assert (outcome.status, outcome.slug, outcome.version) == (
        "new",
        "a-history-of-the-reading-circle",
        1,
    )
    texts = demo / "archive" / "texts"
    record, body = front_matter(texts / "a-history-of-the-reading-circle.md")
    assert record["title"] == "A History of the Reading Circle"
    assert record["date"] == "2013-06-19"
    assert record["author"] is None
    assert record["sources"] == [{"file": manifest["input"], "sha256": manifest["sha256"]}]
    assert record["pages"] == 3
    assert record["ocrfix_version"] == manifest["ocrfix"]
    assert record["reviewed"] is True and record["version"] == 1
    assert record["changes"] == {
        "auto": counts["auto"],
        "accepted": counts["accept"],
        "rejected": counts["reject"],
        "kept": counts["keep"],
        "edited": counts["edit"],
        "undecided": 0,
    }
    final = (doc / "final.txt").read_text("utf-8")
    assert (texts / "a-history-of-the-reading-circle.txt").read_text("utf-8") == final
    # reflowed: the lines of a paragraph joined; pages marked between and inside paragraphs
    assert "back room of the library and agreed to read one pamphlet" in body
    assert "meeting.\n\n<!-- page 2 -->\n\nThe " in body
    assert " back to the <!-- page 3 --> shelves in the reading room.\n" in body
    assert "\f" not in body
    # every word of the final text is in the Markdown, in order
    assert body.replace("<!-- page 2 -->", "").replace("<!-- page 3 -->", "").split() == (
        final.split()
    )


def test_final_text_follows_the_decisions_even_when_final_txt_is_older(demo):
    doc = demo / "corrections" / "circle_history"
    review(doc)
    row = decisions.load(doc)[1].rows[0]
    decisions.set_decisions(doc, {row.id: "edit:fellows"})  # no `ocrfix apply` after it

    result = export(demo / "corrections", demo / "archive", ["circle_history"])

    assert any("final.txt is older" in note for note in result.outcomes[0].notes)
    text = (demo / "archive" / "texts" / "a-history-of-the-reading-circle.txt").read_text()
    assert "fellows" in text and text == decisions.final_text(*decisions.load(doc))


def test_unreviewed_document_is_left_out_unless_asked_then_marked(tmp_path):
    text = "Minutes\n\nThe secretory read the rninutes.\n"
    make_doc(tmp_path, "minutes", text, [sug(text, "secretory", "secretary", auto=False)])

    left = export(tmp_path / "corrections", tmp_path / "archive")
    assert [o.status for o in left.outcomes] == ["unreviewed"]
    assert not (tmp_path / "archive" / "texts").exists()

    taken = export(tmp_path / "corrections", tmp_path / "archive", include_unreviewed=True)
    assert [(o.status, o.reviewed) for o in taken.outcomes] == [("new", False)]
    record, _ = front_matter(tmp_path / "archive" / "texts" / "minutes.md")
    assert record["reviewed"] is False and record["changes"]["undecided"] == 1
    listing = run_cli("archive", "list", str(tmp_path / "archive"))
    assert listing.returncode == 0
    assert "minutes" in listing.stdout and " no " in listing.stdout


def test_exporting_again_changes_nothing(demo):
    for doc in (demo / "corrections").iterdir():
        if doc.is_dir():
            review(doc)
    export(demo / "corrections", demo / "archive")
    before = snapshot(demo / "archive")

    again = export(demo / "corrections", demo / "archive")

    assert {o.status for o in again.outcomes} == {"unchanged"}
    assert snapshot(demo / "archive") == before


def test_changed_text_becomes_a_new_version_and_the_old_one_is_kept(demo):
    doc = demo / "corrections" / "circle_history"
    review(doc)
    export(demo / "corrections", demo / "archive")
    archive = demo / "archive"
    slug = "a-history-of-the-reading-circle"
    old = (archive / "texts" / f"{slug}.md").read_bytes()
    assert catalog.search(catalog.open_catalog(archive), "volunteers")

    raw = (doc / "raw.txt").read_text("utf-8")
    row = next(r for r in decisions.load(doc)[1].rows if "volunteers" not in r.original)
    decisions.set_decisions(doc, {row.id: "edit:sodalists"})
    decisions.apply_document(doc)
    assert raw == (doc / "raw.txt").read_text("utf-8")

    result = export(demo / "corrections", archive)

    outcome = next(o for o in result.outcomes if o.doc == "circle_history")
    assert (outcome.status, outcome.version, outcome.change) == ("version", 2, "text")
    assert (archive / "versions" / slug / "v1.md").read_bytes() == old
    record, _ = front_matter(archive / "versions" / slug / "v1.md")
    assert record["version"] == 1
    record, body = front_matter(archive / "texts" / f"{slug}.md")
    assert record["version"] == 2 and "sodalists" in body
    assert (archive / "texts" / f"{slug}.md").read_bytes() == (
        archive / "versions" / slug / "v2.md"
    ).read_bytes()
    conn = catalog.open_catalog(archive)
    versions = conn.execute(
        "SELECT v.version, v.change FROM versions v JOIN documents d ON d.id = v.document_id"
        " WHERE d.slug = ? ORDER BY v.version",
        (slug,),
    ).fetchall()
    assert [tuple(v) for v in versions] == [(1, "new"), (2, "text")]
    assert [h.slug for h in catalog.search(conn, "sodalists")] == [slug]
    indexed = conn.execute(
        "SELECT body FROM search WHERE rowid = (SELECT id FROM documents WHERE slug = ?)", (slug,)
    ).fetchall()
    assert [r[0] for r in indexed] == [(doc / "final.txt").read_text("utf-8")]
    assert_consistent(archive)


def test_metadata_csv_sidecar_and_set_override_in_that_order(tmp_path):
    make_doc(tmp_path, "tract", "A Tract on Lamps\n\nOil and wicks.\n")
    make_doc(tmp_path, "leaflet", "Leaflet\n\nTea and biscuits.\n")
    make_doc(tmp_path, "circular", "Circular\n\nSent on 3 May 1936.\n")
    scans = tmp_path / "scans"
    (scans / "metadata.csv").write_text(
        "file,title,author,date,slug,publisher\n"
        "tract.txt,On Lamps,A. Lamplighter,1931-04-02,lamps,Wick Press\n"
        "leaflet.txt,,,1950-01-01,,\n",
        "utf-8",
    )
    (scans / "tract.meta.yaml").write_text("author: B. Wick\ndate: 1932-05-06\n", "utf-8")
    (scans / "circular.meta.yaml").write_text("date: null\ntitle: null\n", "utf-8")
    assert metadata.infer_date("Circular\n\nSent on 3 May 1936.\n") == "1936-05-03"

    export(
        tmp_path / "corrections",
        tmp_path / "archive",
        ["tract", "leaflet"],
        overrides={"date": "1933"},
    )
    export(tmp_path / "corrections", tmp_path / "archive", ["circular"])

    tract, _ = front_matter(tmp_path / "archive" / "texts" / "lamps.md")
    assert tract["title"] == "On Lamps"  # metadata.csv
    assert tract["author"] == "B. Wick"  # the sidecar over metadata.csv
    assert tract["date"] == "1933"  # --set over both
    assert tract["publisher"] == "Wick Press"  # any other column
    leaflet, _ = front_matter(tmp_path / "archive" / "texts" / "leaflet.md")
    assert leaflet["title"] == "Leaflet"  # an empty cell gives nothing: inferred
    dated, _ = front_matter(tmp_path / "archive" / "texts" / "circular.md")
    assert dated["date"] is None and dated["title"] == "Circular"  # null removes a date
    rows = {r["slug"]: r for r in catalog.documents(catalog.open_catalog(tmp_path / "archive"))}
    assert rows["lamps"]["author"] == "B. Wick" and rows["leaflet"]["date"] == "1933"


def test_bad_metadata_refuses_that_document_only(tmp_path):
    make_doc(tmp_path, "tract", "A Tract on Lamps\n\nOil and wicks.\n")
    make_doc(tmp_path, "other", "Another\n\nText.\n")
    (tmp_path / "scans" / "tract.meta.yaml").write_text("title: [unclosed\n", "utf-8")

    result = export(tmp_path / "corrections", tmp_path / "archive")

    status = {o.doc: o for o in result.outcomes}
    assert status["tract"].status == "refused"
    assert "tract.meta.yaml:" in status["tract"].error and "not valid YAML" in status["tract"].error
    assert status["other"].status == "new"


@pytest.mark.parametrize(
    "assignment", ["reviewed=yes", "changes=1", "pages=3", "version=9", "no equals sign", "=x"]
)
def test_recorded_fields_cannot_be_set(assignment):
    with pytest.raises(metadata.MetadataError):
        metadata.parse_assignment(assignment)


def test_cli_refuses_a_recorded_field(tmp_path):
    make_doc(tmp_path, "tract", "Tract\n\nText.\n")
    done = run_cli(
        "export",
        str(tmp_path / "corrections"),
        "--archive",
        str(tmp_path / "a"),
        "--set",
        "reviewed=yes",
    )
    assert done.returncode == 2
    assert done.stderr.strip() == ("error: --set: reviewed is recorded by ocrfix and cannot be set")


def test_slugs_are_unique_and_kept_across_versions(tmp_path):
    make_doc(tmp_path, "one", "Circle Notes\n\nFirst meeting.\n")
    make_doc(tmp_path, "two", "Circle Notes\n\nSecond meeting.\n")
    export(tmp_path / "corrections", tmp_path / "archive")
    (tmp_path / "scans" / "two.meta.yaml").write_text("title: Notes of the Second Meeting\n")

    result = export(tmp_path / "corrections", tmp_path / "archive")

    assert [(o.doc, o.slug, o.status, o.change) for o in result.outcomes] == [
        ("one", "circle-notes", "unchanged", ""),
        ("two", "circle-notes-2", "version", "record"),
    ]
    record, _ = front_matter(tmp_path / "archive" / "texts" / "circle-notes-2.md")
    assert record["title"] == "Notes of the Second Meeting" and record["version"] == 2


def test_a_changed_input_file_is_a_new_version_of_the_same_document(tmp_path):
    make_doc(tmp_path, "notes", "Circle Notes\n\nFirst meeting.\n")
    export(tmp_path / "corrections", tmp_path / "archive")
    shutil.rmtree(tmp_path / "corrections")
    make_doc(tmp_path, "notes", "Circle Notes\n\nFirst meeting, rescanned.\n")  # same path

    result = export(tmp_path / "corrections", tmp_path / "archive")

    assert [(o.slug, o.status, o.version) for o in result.outcomes] == [
        ("circle-notes", "version", 2)
    ]


def test_files_changed_or_put_there_by_hand_are_never_overwritten(tmp_path):
    archive = tmp_path / "archive"
    (archive / "texts").mkdir(parents=True)
    (archive / "texts" / "tea.md").write_text("my own notes\n")
    make_doc(tmp_path, "notes", "Circle Notes\n\nFirst meeting.\n")
    make_doc(tmp_path, "tea", "Tea\n\nBiscuits.\n")

    first = export(tmp_path / "corrections", archive)

    assert [o.slug for o in first.outcomes] == ["circle-notes", "tea-2"]
    assert (archive / "texts" / "tea.md").read_text() == "my own notes\n"
    (archive / "texts" / "circle-notes.md").write_text("improved by hand\n")

    again = export(tmp_path / "corrections", archive)

    assert {o.status for o in again.outcomes} == {"unchanged"}
    assert (archive / "texts" / "circle-notes.edited.md").read_text() == "improved by hand\n"
    assert (archive / "texts" / "circle-notes.md").read_bytes() == (
        archive / "versions" / "circle-notes" / "v1.md"
    ).read_bytes()
    assert any("changed by hand" in line for line in again.tidied)


# ---------------------------------------------------------------- reflow


def test_reflow_joins_lines_keeps_paragraphs_lists_and_pages():
    text = (
        "Programme\n\n"
        "Week one: the history of the movement in our town, with a\n"
        "short talk by the oldest member.\n"
        "Week two: the printing trade.\n\n"
        "- tea and\n  biscuits\n- the lamp\n"
        "\fPractical matters\n\nThe room opens at seven and the\n"
        "\fchairs are set out.\n"
    )
    assert markdown.reflow(text) == (
        "Programme\n\n"
        "Week one: the history of the movement in our town, with a short talk by the oldest "
        "member.\n\n"
        "Week two: the printing trade.\n\n"
        "- tea and biscuits\n- the lamp\n\n"
        "<!-- page 2 -->\n\n"
        "Practical matters\n\n"
        "The room opens at seven and the <!-- page 3 --> chairs are set out.\n"
    )


# ---------------------------------------------------------------- search


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("library")
    make_doc(
        base,
        "betrayed",
        "The Revolution Betrayed\n\nA study group on the workers' state and the bureaucracy.\n",
    )
    make_doc(
        base,
        "lamps",
        "Lamps and Wicks\n\nThe revolution in lighting came with paraffin. A state of the art "
        "lamp. The bureaucrats of the gas board objected to the counter-revolution.\n",
    )
    make_doc(base, "tea", "Tea\n\nBiscuits and tea for the circle.\n")
    make_doc(base, "accounts", "Accounts\n\nDues rose by 1.5 pence; the balance was -1.\n")
    export(base / "corrections", base / "archive")
    return base / "archive"


def test_search_ranks_title_matches_first_and_marks_snippets(library):
    conn = catalog.open_catalog(library)
    hits = catalog.search(conn, "revolution")
    assert [h.slug for h in hits] == ["the-revolution-betrayed", "lamps-and-wicks"]
    assert [h.rank for h in hits] == [1, 2]
    assert hits[0].score <= hits[1].score
    assert "[revolution]" in hits[1].marked().lower()


def test_search_phrase_prefix_boolean_and_hyphenated_words(library):
    conn = catalog.open_catalog(library)

    def slugs(query: str) -> list[str]:
        return sorted(h.slug for h in catalog.search(conn, query))

    assert slugs('"workers\' state"') == ["the-revolution-betrayed"]
    assert slugs('"state workers"') == []
    assert slugs("bureau*") == ["lamps-and-wicks", "the-revolution-betrayed"]
    assert slugs("biscuit*") == ["tea"]
    assert slugs("revolution NOT paraffin") == ["the-revolution-betrayed"]
    assert slugs("counter-revolution") == ["lamps-and-wicks"]
    assert slugs("workers' state") == ["the-revolution-betrayed"]
    assert slugs("title:tea") == ["tea"]
    assert slugs("nothingmatches") == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"unbalanced', 'a double quote (") is not closed'),
        ("AND", 'syntax error near "AND"'),
        ("revolution AND", "syntax error"),
        ("(tea", "syntax error"),
        ("nosuch:tea", "no column 'nosuch'"),
        ("   ", "it is empty"),
    ],
)
def test_malformed_query_is_a_clear_message(library, query, message):
    with pytest.raises(catalog.QueryError, match="malformed query") as caught:
        catalog.search(catalog.open_catalog(library), query)
    assert message in str(caught.value)


HOSTILE = [
    "NEAR(a b, x)",
    "NEAR(a b, -1)",
    "NEAR(a b, 99999999999999999999)",
    "-1",
    "1.5",
    '"unclosed',
    '"',
    "a AND",
    "(",
    ")",
    "(" * 5000 + "tea" + ")" * 5000,
    "*",
    "^",
    "+",
    "C++",
    "title:",
    "nosuch:word",
    "{a}",
    "{title author}:tea",
    "NOT",
    "OR OR",
    "AND OR NOT",
    "- tea",
    "1,5",
    "50% $5 #1 @home what?!",
    "a\x00b",
    "\x00",
    "\udcff",  # a byte that is not UTF-8, as Python reads it from the command line
    "révolution ünïcödé 🙂 ",
    "x" * 100_000,
    "tea " * 2000,
]


@pytest.mark.parametrize("query", HOSTILE, ids=lambda q: ascii(q[:30]))
def test_hostile_queries_give_results_or_a_one_line_query_error(library, query):
    conn = catalog.open_catalog(library)
    try:
        hits = catalog.search(conn, query)
    except catalog.QueryError as exc:
        message = str(exc)
        assert message.startswith("malformed query: ") and "\n" not in message
    else:
        assert all(isinstance(h, catalog.Hit) for h in hits)
    finally:
        conn.close()


def test_numbers_are_searched_as_words(library):
    conn = catalog.open_catalog(library)
    for query in ("-1", "1.5", "title:accounts 1.5"):
        assert [h.slug for h in catalog.search(conn, query)] == ["accounts"]
    conn.close()


@pytest.mark.parametrize("query", ["NEAR(a b, x)", "a AND", "*", "\x00", "\udcff", "{a}"])
def test_cli_search_refuses_a_malformed_query_in_one_line(library, query, capsys):
    from ocrfix import cli

    assert cli.main(["archive", "search", str(library), query]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: malformed query: ") and err.count("\n") == 1


def test_cli_search_prints_ranked_results_and_refuses_bad_queries(library):
    found = run_cli("archive", "search", str(library), "revolution", "--limit", "1")
    assert found.returncode == 0
    assert "the-revolution-betrayed" in found.stdout and "lamps-and-wicks" not in found.stdout
    assert "[revolution]" in found.stdout.lower()
    done = run_cli("archive", "search", str(library), '"workers state')
    assert done.returncode == 2
    assert done.stderr.strip() == 'error: malformed query: a double quote (") is not closed'
    assert "Traceback" not in done.stderr
    missing = run_cli("archive", "search", str(library.parent / "nowhere"), "tea")
    assert missing.returncode == 1 and "no archive here" in missing.stderr


# ---------------------------------------------------------------- faults


def corpus(base: Path, name: str, count: int, size: int = 200) -> Path:
    """``count`` document folders of about ``size`` words each."""
    words = ["the", "circle", "met", "to", "read", "a", "pamphlet", "on", "lamps", "and", "tea"]
    for n in range(count):
        body = " ".join(words[(n + i) % len(words)] for i in range(size))
        make_doc(base / name, f"{name}{n:03d}", f"{name.title()} Number {n}\n\n{body}.\n")
    return base / name / "corrections"


def test_exports_at_once_take_turns_and_leave_a_consistent_catalogue(tmp_path):
    first = corpus(tmp_path, "alpha", 40)
    second = corpus(tmp_path, "beta", 40)
    archive = tmp_path / "archive"
    command = [sys.executable, "-m", "ocrfix.cli", "export"]
    with catalog.export_lock(archive):  # all three start while the archive is busy
        procs = [
            subprocess.Popen(
                [*command, str(c), "--archive", str(archive)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for c in (first, first, second)
        ]
        for proc in procs:
            assert proc.stderr.readline().startswith("waiting for another export")
    # released: the three race for the lock
    assert [p.wait(60) for p in procs] == [0, 0, 0]

    assert_consistent(archive)
    conn = catalog.open_catalog(archive)
    assert tuple(conn.execute("SELECT COUNT(*), MAX(version) FROM documents").fetchone()) == (
        80,
        1,
    )
    assert conn.execute("SELECT COUNT(*) FROM versions").fetchone()[0] == 80
    assert len(list((archive / "texts").glob("*.md"))) == 80


KILLER = """
import os, signal, sys
from pathlib import Path
from ocrfix.archive import catalog, export as ex

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

point = sys.argv[3]
if point == "files":  # every new version written, nothing committed
    ex.commit = die
elif point == "transaction":  # inside the transaction, at the second document
    record, calls = catalog.record_version, []
    def second(*args, **kwargs):
        calls.append(1)
        return die() if len(calls) == 2 else record(*args, **kwargs)
    catalog.record_version = second
elif point == "copies":  # committed, the reading copies not written yet
    write = ex.atomic_write_bytes
    ex.atomic_write_bytes = lambda p, d: die() if "texts" in p.parts else write(p, d)
ex.export(Path(sys.argv[1]), Path(sys.argv[2]))
"""


@pytest.mark.parametrize("point", ["files", "transaction", "copies"])
def test_export_killed_midway_leaves_the_archive_consistent(tmp_path, point):
    corrections = corpus(tmp_path, "gamma", 5)
    archive = tmp_path / "archive"
    export(corrections, archive, ["gamma000"])  # one document already there
    (tmp_path / "gamma" / "scans" / "gamma000.meta.yaml").write_text("author: Changed\n")

    killed = subprocess.run([sys.executable, "-c", KILLER, str(corrections), str(archive), point])

    assert killed.returncode == -signal.SIGKILL
    assert_consistent(archive)
    conn = catalog.open_catalog(archive)
    expected = 5 if point == "copies" else 1  # the transaction commits all or nothing
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == expected
    conn.close()

    again = export(corrections, archive)

    assert_consistent(archive)
    assert not again.refused
    assert again.tidied  # what the killed export left was put right
    reference, sidecar = tmp_path / "reference", tmp_path / "gamma" / "scans" / "gamma000.meta.yaml"
    sidecar.unlink()
    export(corrections, reference, ["gamma000"])  # the same steps, not killed
    sidecar.write_text("author: Changed\n")
    export(corrections, reference)
    for path in sorted(reference.rglob("*.md")) + sorted(reference.rglob("*.txt")):
        assert (archive / path.relative_to(reference)).read_bytes() == path.read_bytes()
    assert {p.relative_to(archive) for p in archive.rglob("*.md")} == {
        p.relative_to(reference) for p in reference.rglob("*.md")
    }


def test_export_killed_from_outside_leaves_the_archive_consistent(tmp_path):
    corrections = corpus(tmp_path, "delta", 300, size=400)
    archive = tmp_path / "archive"
    command = [sys.executable, "-m", "ocrfix.cli", "export", str(corrections)]
    proc = subprocess.Popen([*command, "--archive", str(archive)], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        if (archive / "versions").is_dir() and any((archive / "versions").iterdir()):
            break
        time.sleep(0.002)
    time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(10) == -signal.SIGKILL, "the export ended before it could be killed"

    assert_consistent(archive)
    again = run_cli("export", str(corrections), "--archive", str(archive))
    assert again.returncode == 0, again.stderr
    assert_consistent(archive)
    conn = catalog.open_catalog(archive)
    assert tuple(conn.execute("SELECT COUNT(*), MAX(version) FROM documents").fetchone()) == (
        300,
        1,
    )
