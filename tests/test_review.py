"""Review without a browser: decisions, final.txt, learning, review.html and the server."""

from __future__ import annotations

import contextlib
import csv
import http.client
import io
import json
import os
import re
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ocrfix import cli, userdata
from ocrfix.pipeline import process_batch
from ocrfix.review import decisions, learn, page
from ocrfix.review.decisions import DecisionError
from ocrfix.review.server import make_server
from ocrfix.review.table import (
    FORMULA_START,
    spreadsheet_safe,
    spreadsheet_value,
    suggestions_csv,
)
from ocrfix.suggestion import Suggestion, apply

RAW = "The cornrnittee rneets each rnonth.\nMernbers borrow a parnphlet.\n"


def sug(raw, original, replacement, auto=True, score=0.9, rule="word"):
    start = raw.index(original)
    return Suggestion(start, start + len(original), original, replacement, rule, score, auto)


def make_doc(folder: Path, raw: str = RAW, suggestions: list[Suggestion] | None = None) -> Path:
    """A document folder as `ocrfix run` writes it (the parts review reads)."""
    if suggestions is None:
        suggestions = [
            sug(raw, "cornrnittee", "committee"),
            sug(raw, "rneets", "meets"),
            sug(raw, "rnonth", "month", auto=False, score=0.4),
            sug(raw, "Mernbers", "Members"),
            sug(raw, "parnphlet", "pamphlet", auto=False, score=0.6),
        ]
    folder.mkdir(parents=True)
    (folder / "raw.txt").write_text(raw, "utf-8")
    (folder / "suggestions.csv").write_text(suggestions_csv(raw, suggestions), "utf-8")
    return folder


def set_cells(folder: Path, cells: dict[int, str]) -> None:
    decisions.set_decisions(folder, cells)


def rows(folder: Path) -> dict[str, dict]:
    with (folder / "suggestions.csv").open(newline="") as fh:
        return {r["id"]: r for r in csv.DictReader(fh)}


# ---------------------------------------------------------------- decisions and apply


@pytest.mark.parametrize(
    ("cell", "parsed"),
    [
        ("", ("", "")),
        ("accept", ("accept", "")),
        (" REJECT ", ("reject", "")),
        ("edit:the", ("edit", "the")),
        ("Edit: two words ", ("edit", " two words ")),
        ("edit:", ("edit", "")),
        ("keep", ("keep", "")),
        (" Keep ", ("keep", "")),
    ],
)
def test_decision_cells_are_parsed(cell, parsed):
    assert decisions.parse_decision(cell) == parsed


@pytest.mark.parametrize(
    "cell", ["yes", "x", "accepted", "edit", "rejct", "edit:a\x00b", "kept", "keep:x"]
)
def test_malformed_decision_cells_are_refused(cell):
    with pytest.raises(ValueError):
        decisions.parse_decision(cell)


def test_final_text_applies_accepted_edited_and_auto_not_rejected(tmp_path):
    doc = make_doc(tmp_path / "doc")
    # 1 auto, rejected; 2 auto, no decision; 3 not auto, accepted; 4 auto, edited;
    # 5 not auto, no decision.
    set_cells(doc, {1: "reject", 3: "accept", 4: "edit:MEMBERS"})
    done = decisions.apply_document(doc)
    final = (doc / "final.txt").read_text("utf-8")
    assert final == "The cornrnittee meets each month.\nMEMBERS borrow a parnphlet.\n"
    assert done.counts == {"reject": 1, "auto": 1, "accept": 1, "edit": 1, "undecided": 1}
    assert (doc / "raw.txt").read_text("utf-8") == RAW  # never touched


def test_keep_leaves_the_word_as_printed_and_is_counted(tmp_path):
    doc = make_doc(tmp_path / "doc")
    set_cells(doc, {1: "keep", 2: "reject", 3: "accept"})  # 1, 2 applied in clean.txt
    done = decisions.apply_document(doc)
    final = (doc / "final.txt").read_text("utf-8")
    assert final == "The cornrnittee rneets each month.\nMembers borrow a parnphlet.\n"
    assert done.counts == {"keep": 1, "reject": 1, "accept": 1, "auto": 1, "undecided": 1}


def test_without_decisions_final_text_is_clean_text(tmp_path):
    suggestions = [sug(RAW, "rneets", "meets"), sug(RAW, "rnonth", "month", auto=False)]
    doc = make_doc(tmp_path / "doc", RAW, suggestions)
    clean = apply(RAW, [s for s in suggestions if s.auto])
    assert decisions.final_text(*decisions.load(doc)) == clean


def test_malformed_decision_is_refused_naming_file_and_row(tmp_path):
    doc = make_doc(tmp_path / "doc")
    text = (doc / "suggestions.csv").read_text().replace(",true,,", ",true,acept,", 2)
    (doc / "suggestions.csv").write_text(text)
    with pytest.raises(DecisionError) as caught:
        decisions.apply_document(doc)
    message = str(caught.value)
    assert str(doc / "suggestions.csv") in message and "row 1:" in message and "acept" in message
    assert not (doc / "final.txt").exists()


def test_span_that_no_longer_matches_raw_is_refused(tmp_path):
    doc = make_doc(tmp_path / "doc")
    (doc / "raw.txt").write_text(RAW.replace("rneets", "rneats"))
    with pytest.raises(DecisionError, match=r"row 2: span 16\.\.22 of raw\.txt reads 'rneats'"):
        decisions.apply_document(doc)


def test_overlapping_chosen_changes_are_refused(tmp_path):
    raw = "a wi thout b"
    doc = make_doc(
        tmp_path / "doc",
        raw,
        [sug(raw, "wi", "we", auto=False), sug(raw, "wi thout", "without", auto=False)],
    )
    set_cells(doc, {1: "accept", 2: "accept"})
    with pytest.raises(DecisionError, match="overlaps row"):
        decisions.apply_document(doc)
    set_cells(doc, {1: "reject"})
    decisions.apply_document(doc)
    assert (doc / "final.txt").read_text() == "a without b"


def test_table_saved_by_a_spreadsheet_is_read(tmp_path):
    doc = make_doc(tmp_path / "doc")
    text = (doc / "suggestions.csv").read_text().replace(",true,,", ",TRUE,Accept,", 1)
    (doc / "suggestions.csv").write_bytes(("\ufeff" + text.replace("\n", "\r\n")).encode())
    decisions.apply_document(doc)
    assert (doc / "final.txt").read_text().startswith("The committee meets")


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("http://evil.example","x")',
        "+5",
        "-1920",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "'=x",
        "''-x",
        "the",
        "'tis",
        "a=b",
        "",
        "'",
        "Ünïcode",
    ],
)
def test_spreadsheet_cells_are_protected_and_read_back_exactly(cell):
    safe = spreadsheet_safe(cell)
    assert not safe.startswith(FORMULA_START)
    assert spreadsheet_value(safe) == cell
    if not cell.lstrip("'").startswith(FORMULA_START):
        assert safe == cell


def test_suggestions_csv_keeps_ocr_formulas_out_of_spreadsheets(tmp_path):
    raw = '=HYPERLINK("http://evil.example") cost -5 @home\n'
    suggestions = [
        sug(raw, '=HYPERLINK("http://evil.example")', "-link"),
        Suggestion(raw.index("-5"), raw.index("-5") + 2, "-5", "+5", "word", 0.5, False, ("@5",)),
        sug(raw, "@home", "home"),
    ]
    doc = make_doc(tmp_path / "doc", raw, suggestions)
    with (doc / "suggestions.csv").open(newline="") as fh:
        records = list(csv.DictReader(fh))
    for record in records:
        for column in ("original", "replacement", "alternatives"):
            assert not record[column].startswith(FORMULA_START), record
    table = decisions.read_table(doc / "suggestions.csv")
    assert [(r.original, r.replacement) for r in table.rows] == [
        (s.original, s.replacement) for s in suggestions
    ]
    assert table.rows[1].alternatives == ("@5",)
    set_cells(doc, {2: "accept"})
    decisions.apply_document(doc)
    assert (doc / "final.txt").read_text() == "-link cost +5 home\n"


def test_rewriting_a_decision_keeps_every_other_byte(tmp_path):
    doc = make_doc(tmp_path / "doc")
    before = (doc / "suggestions.csv").read_text()
    set_cells(doc, {2: 'edit:a, "quoted"\nline'})
    set_cells(doc, {2: ""})
    assert (doc / "suggestions.csv").read_text() == before


def test_concurrent_writers_lose_no_decision(tmp_path):
    raw = " ".join(f"w{i}" for i in range(40)) + " "
    suggestions = [sug(raw, f"w{i} ", f"W{i} ") for i in range(40)]
    doc = make_doc(tmp_path / "doc", raw, suggestions)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: set_cells(doc, {i: "accept" if i % 2 else "reject"}), range(1, 41)))
    table = decisions.read_table(doc / "suggestions.csv")
    assert [r.decision for r in table.rows] == [
        "accept" if i % 2 else "reject" for i in range(1, 41)
    ]
    assert not [p for p in doc.iterdir() if p.name.startswith(".ocrfix-tmp")]


def test_cli_apply_refuses_with_exit_1_and_applies_the_rest(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("OCRFIX_DATA", str(tmp_path / "data"))
    good = make_doc(tmp_path / "out" / "good")
    bad = make_doc(tmp_path / "out" / "bad")
    set_cells(good, {3: "accept"})
    text = (bad / "suggestions.csv").read_text().replace(",true,,", ",true,maybe,", 1)
    (bad / "suggestions.csv").write_text(text)
    assert cli.main(["apply", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert f"error: {bad / 'suggestions.csv'}:2: row 1: decision 'maybe'" in err
    assert (good / "final.txt").exists() and not (bad / "final.txt").exists()
    assert cli.main(["apply", str(tmp_path / "out"), "good"]) == 0
    assert cli.main(["apply", str(tmp_path / "out"), "nope"]) == 1
    assert "no such document" in capsys.readouterr().err


def test_running_a_reviewed_document_again_keeps_its_decisions(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.txt").write_text(RAW)
    out = tmp_path / "out"
    process_batch([tmp_path / "in"], out, jobs=1)
    doc = out / "notes"
    first, second = decisions.read_table(doc / "suggestions.csv").rows[:2]
    set_cells(doc, {first.id: "edit:Committee", second.id: "keep"})
    process_batch([tmp_path / "in"], out, jobs=1, force=True)
    again = decisions.read_table(doc / "suggestions.csv").rows
    assert [r.cell for r in again if r.original == first.original] == ["edit:Committee"]
    assert [r.cell for r in again if r.original == second.original] == ["keep"]
    assert sum(bool(r.cell) for r in again) == 2


# ---------------------------------------------------------------- learning


def test_substitutions_are_aligned_character_edits():
    assert learn.substitutions("Stolin", "Stalin") == [("o", "a")]
    assert learn.substitutions("{or", "for") == [("{", "f")]
    assert learn.substitutions("tbe", "the") == [("b", "h")]
    assert learn.substitutions("Tne", "THE") == [("n", "h")]
    assert learn.substitutions("abc", "xyz") == []  # a rewrite, not a slip
    assert learn.substitutions("landlords.If", "landlords. If") == []


def test_learn_writes_protected_words_confusions_and_rejected_pairs(tmp_path):
    raw = "Stolin ond Morxism, cata-\nlogue rnany\tthings rneets\n"
    doc = make_doc(
        tmp_path / "out" / "doc",
        raw,
        [
            sug(raw, "Stolin", "Stalin"),
            sug(raw, "ond", "and"),
            sug(raw, "Morxism", "Marxism"),
            sug(raw, "-\nlogue", "logue", auto=False, rule="dehyphenate"),
            sug(raw, "rnany", "rnany!", auto=False),
            sug(raw, "\t", " "),
            sug(raw, "rneets", "meets"),
        ],
    )
    set_cells(
        doc,
        {
            1: "keep",
            2: "accept",
            3: "edit:Marxism",
            4: "reject",
            5: "edit:many",
            6: "reject",
            7: "accept",
        },
    )
    data = tmp_path / "data"
    result = learn.learn([doc], data)
    assert not result.errors and result.documents == 1
    protected = (data / "protected.txt").read_text().splitlines()
    assert [line for line in protected if not line.startswith("#")] == ["Stolin\t1"]  # kept
    confusions = [
        line.split("\t")
        for line in (data / "confusions.tsv").read_text().splitlines()
        if not line.startswith("#")
    ]
    assert {(o, i) for o, i, _ in confusions} == {("o", "a"), ("rn", "m")}
    costs = {(o, i): float(c) for o, i, c in confusions}
    assert costs[("o", "a")] == learn.cost(2)  # ond->and, Morxism->Marxism
    assert costs[("rn", "m")] == learn.cost(2)  # rneets->meets, rnany->many (edited)
    assert userdata.read_rejected(data / "rejected.tsv") == {
        ("Stolin", "Stalin"),
        ("-\nlogue", "logue"),
        ("rnany", "rnany!"),
        ("\t", " "),
    }


def test_reject_only_refuses_the_pair_and_keep_also_protects_the_word(tmp_path):
    raw = "Stolin met Morxism and tii\n"
    suggestions = [
        sug(raw, "Stolin", "Stalin"),
        sug(raw, "Morxism", "Marxism"),
        sug(raw, "tii", "tie", auto=False),
    ]
    doc = make_doc(tmp_path / "out" / "doc", raw, suggestions)
    set_cells(doc, {1: "reject", 2: "keep", 3: "keep"})
    data = tmp_path / "data"
    result = learn.learn([doc], data)
    assert (result.rejected, result.kept) == (3, 2)
    protected = (data / "protected.txt").read_text().splitlines()
    # "not this change" leaves Stolin open to another repair; "correct as printed" does not
    assert [line for line in protected if not line.startswith("#")] == ["Morxism\t1", "tii\t1"]
    assert userdata.read_rejected(data / "rejected.tsv") == {
        ("Stolin", "Stalin"),
        ("Morxism", "Marxism"),
        ("tii", "tie"),
    }


def test_learning_twice_counts_nothing_twice_and_keeps_hand_added_lines(tmp_path):
    doc = make_doc(tmp_path / "out" / "doc")
    set_cells(doc, {1: "accept", 3: "reject"})
    data = tmp_path / "data"
    learn.learn([doc], data)
    first = {p.name: p.read_text() for p in sorted(data.iterdir())}
    learn.learn([doc], data)
    assert {p.name: p.read_text() for p in sorted(data.iterdir())} == first
    with (data / "protected.txt").open("a") as fh:
        fh.write("Trotsky\t3\n")
    set_cells(doc, {3: "accept"})  # the reviewer changed their mind
    learn.learn([doc], data)
    protected = (data / "protected.txt").read_text()
    assert "Trotsky\t3" in protected and "rnonth" not in protected
    assert not (data / "rejected.tsv").exists()  # an empty table is no file
    # cornrnittee->committee has rn->m twice, rnonth->month once
    assert f"rn\tm\t{learn.cost(3):g}\n" in (data / "confusions.tsv").read_text()


def test_cli_learn_uses_ocrfix_data(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OCRFIX_DATA", str(tmp_path / "data"))
    doc = make_doc(tmp_path / "out" / "doc")
    set_cells(doc, {2: "reject"})
    assert cli.main(["learn", str(tmp_path / "out")]) == 0
    assert "1 rejected pairs" in capsys.readouterr().out
    assert userdata.read_rejected() == {("rneets", "meets")}


# ---------------------------------------------------------------- review.html


def test_review_html_marks_every_change_on_both_sides(tmp_path):
    raw = "I The cata-\nlogue\tis rnade.\fNext page.\n"
    suggestions = [
        sug(raw, "I ", "", score=0.88, rule="margin-junk"),
        sug(raw, "-\nlogue\t", "logue\n", auto=False, score=0.3, rule="dehyphenate"),
        sug(raw, "rnade", "made", score=0.6),
    ]
    html = page.render("doc<1>", raw, suggestions)
    assert "<title>doc&lt;1&gt; · ocrfix review</title>" in html
    assert html.count('<mark class="mid a gap"') == 1  # the removed margin junk
    assert html.count('<mark class="lo s"') == 2  # suggested only, on both sides
    assert "word · score 0.600 · &#x27;rnade&#x27; → &#x27;made&#x27; · applied" in html
    assert '<tr class="page"><td colspan="2">page 2</td></tr>' in html
    assert "<script" not in html and "http" not in html  # static, opens from disk
    # the dehyphenation spans two lines: both stay in one row
    assert page.blocks(raw, page.marked(suggestions))[0] == (0, raw.index("\f") + 1)


def test_run_writes_review_html(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.txt").write_text("The cornrnittee rneets each rnonth.\n")
    process_batch([tmp_path / "in"], tmp_path / "out", jobs=1)
    html = (tmp_path / "out" / "notes" / "review.html").read_text()
    assert "cornrnittee" in html and "<mark" in html
    manifest = json.loads((tmp_path / "out" / "notes" / "manifest.json").read_text())
    assert "review.html" in manifest["files"]


def numbers_marked(html: str) -> list[int]:
    """The numbers of the changes drawn on a page (each is marked on both sides)."""
    found = [int(n) for n in re.findall(r'<mark [^>]*title="#(\d+) ', html)]
    assert all(found.count(n) == 2 for n in found)
    return sorted(set(found))


def test_review_pages_show_only_changed_lines_with_context():
    raw = "".join(f"line {k} is fine\n" for k in range(1, 101))
    raw = raw.replace("line 50 is fine", "line 50 is flne")
    html = page.render("doc", raw, [sug(raw, "flne", "fine")])
    assert "line 48 is fine" in html and "line 52 is fine" in html  # two lines around
    assert "line 47 is fine" not in html and "line 53 is fine" not in html
    assert "… 47 unchanged lines …" in html and "… 48 unchanged lines …" in html
    assert "<nav" not in html  # one page: nothing to link


def test_review_pages_hold_at_most_k_changes_each_and_link_to_each_other():
    raw = "".join(f"Word{k}\tand\tword\n\n" for k in range(1, 60)) + "\fA last\tline."
    suggestions = [
        Suggestion(m.start(), m.end(), "\t", " ", "tab-space", 1.0, True)
        for m in re.finditer("\t", raw)
    ]
    settings = page.PageSettings(changes_per_file=25, context_lines=1)
    pages = [
        (name, "".join(html)) for name, html in page.render_pages("doc", raw, suggestions, settings)
    ]
    names = [name for name, _ in pages]
    assert names == ["review.html", *(f"review-{k}.html" for k in range(2, 6))]
    seen = []
    for k, (_, html) in enumerate(pages, start=1):
        drawn = numbers_marked(html)
        assert 0 < len(drawn) <= 26  # a block (one line) is never split between pages
        seen += drawn
        assert f"part {k} of 5" in html
        assert ('href="' + page.page_name(k + 1) + '">next') in html or k == 5
        assert ('href="' + page.page_name(k - 1) + '">← previous') in html or k == 1
    assert seen == list(range(1, len(suggestions) + 1))  # every change once, in order
    assert '<tr class="page"><td colspan="2">page 2</td></tr>' in pages[-1][1]
    assert page.render("doc", raw, suggestions, settings) == pages[0][1]


def test_run_writes_every_review_page_and_lists_them(tmp_path):
    (tmp_path / "in").mkdir()
    text = "".join(f"The\tline\tnumber\t{k}\n" for k in range(800))  # 2,400 tabs
    text += "The end of the rninutes.\n"
    (tmp_path / "in" / "tabs.txt").write_text(text)
    process_batch([tmp_path / "in"], tmp_path / "out", jobs=1)
    doc = tmp_path / "out" / "tabs"
    manifest = json.loads((doc / "manifest.json").read_text())
    assert "review.html" in manifest["files"] and "review-2.html" in manifest["files"]
    assert 'href="review-2.html"' in (doc / "review.html").read_text()
    assert manifest["stats"]["suggestions"] == 2401
    spaced = text.replace("\t", " ")  # rninutes is fixed or offered, as the model decides
    assert (doc / "clean.txt").read_text() in (spaced, spaced.replace("rnin", "min"))


# ---------------------------------------------------------------- the server


@contextlib.contextmanager
def serving(root: Path, host: str = "127.0.0.1"):
    """A review server on a free port, in a thread, for the block."""
    srv = make_server(root, host, port=0)
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "corrections"
    make_doc(root / "doc")
    (tmp_path / "secret.txt").write_text("outside")
    with serving(root) as srv:
        yield srv


def request(srv, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    data = body if isinstance(body, bytes | None) else json.dumps(body).encode()
    base = {"Content-Type": "application/json"} if data is not None else {}
    conn.request(method, path, body=data, headers={**base, **(headers or {})})
    answer = conn.getresponse()
    payload = answer.read()
    conn.close()
    return answer.status, payload


def post(srv, path, body, **headers):
    return request(srv, "POST", path, body, {"X-Ocrfix-Token": srv.token, **headers})


@pytest.mark.parametrize(
    "path",
    [
        "/files/../secret.txt",
        "/files/%2e%2e/secret.txt",
        "/files/doc/..%2f..%2fsecret.txt",
        "/files/doc/%2e%2e/%2e%2e/secret.txt",
        "/files//etc/passwd",
        "/files/doc/../../../../etc/passwd",
        "/../secret.txt",
        "/files/doc/.ocrfix-tmp-x",
    ],
)
def test_path_traversal_is_refused(server, path):
    status, payload = request(server, "GET", path)
    assert status == 404 and b"outside" not in payload and b"root:" not in payload


def test_files_under_the_folder_are_served(server):
    status, payload = request(server, "GET", "/files/doc/raw.txt")
    assert status == 200 and payload.decode() == RAW


def test_link_out_of_the_folder_is_not_followed(server, tmp_path):
    (server.root / "doc" / "link.txt").symlink_to(tmp_path / "secret.txt")
    assert request(server, "GET", "/files/doc/link.txt")[0] == 404


def get_json(srv, path, **headers):
    status, payload = request(srv, "GET", path, headers=headers)
    return status, json.loads(payload) if payload else None


def test_links_out_of_the_corrections_folder_are_never_read(server, tmp_path):
    root, secret = server.root, tmp_path / "secret.txt"
    for name in ("raw.txt", "suggestions.csv", "words.tsv"):  # each file a link out in turn
        doc = make_doc(root / name.replace(".", "-"), RAW, [])
        (doc / name).unlink(missing_ok=True)
        (doc / name).symlink_to(secret)
        status, data = get_json(server, f"/api/doc?doc={doc.name}")
        assert status == 403
        assert data == {"error": f"{doc.name}/{name}: outside the corrections folder"}
        assert request(server, "GET", f"/files/{doc.name}/{name}")[0] == 404
        body = {"doc": doc.name, "id": 1, "decision": "accept"}
        assert post(server, "/api/decide", body)[0] == 403
    (root / "raw-txt" / "raw.txt").unlink()
    (root / "raw-txt" / "raw.txt").symlink_to("/etc/passwd")
    status, payload = request(server, "GET", "/api/doc?doc=raw-txt")
    assert status == 403 and b"root:" not in payload
    listing = {d["doc"]: d for d in get_json(server, "/api/docs")[1]["docs"]}
    assert "outside the corrections folder" in listing["suggestions-csv"]["error"]
    assert secret.read_text() == "outside"


def test_a_document_folder_linked_out_of_the_folder_is_not_served(server, tmp_path):
    away = make_doc(tmp_path / "elsewhere" / "away")
    (server.root / "away").symlink_to(away)
    (server.root / "alias").symlink_to(server.root / "doc")  # a link that stays inside: fine
    docs = [d["doc"] for d in get_json(server, "/api/docs")[1]["docs"]]
    assert docs == ["alias", "doc"]
    assert get_json(server, "/api/doc?doc=away")[0] == 404
    assert get_json(server, "/api/doc?doc=alias")[1]["raw"] == RAW
    assert request(server, "GET", "/files/away/raw.txt")[0] == 404
    assert post(server, "/api/decide", {"doc": "away", "id": 1, "decision": "accept"})[0] == 404
    assert rows(away)["1"]["decision"] == ""


def test_a_page_image_linked_out_of_the_folder_is_not_shown(server, tmp_path):
    words = "page\tblock\tpar\tline\tword\tleft\ttop\twidth\theight\tconf\ttext\tstart\tend\n"
    words += "1\t1\t1\t1\t1\t0\t0\t9\t9\t90\tThe\t0\t3\n"
    (server.root / "doc" / "words.tsv").write_text(words)
    pages = server.root / "doc" / "pages"
    pages.mkdir()
    (pages / "page-1.png").write_bytes(b"\x89PNG inside")
    (pages / "page-2.png").symlink_to(tmp_path / "secret.txt")
    status, data = get_json(server, "/api/doc?doc=doc")
    assert status == 200 and data["pages"] == {"1": "/files/doc/pages/page-1.png"}
    assert request(server, "GET", "/files/doc/pages/page-1.png") == (200, b"\x89PNG inside")
    assert request(server, "GET", "/files/doc/pages/page-2.png")[0] == 404


def test_beyond_the_loopback_every_read_needs_the_token(tmp_path):
    root = tmp_path / "corrections"
    make_doc(root / "doc")
    with serving(root, "0.0.0.0") as srv:  # reached here through 127.0.0.1 only
        token = {"X-Ocrfix-Token": srv.token}
        for path in ("/api/docs", "/api/doc?doc=doc", "/files/doc/raw.txt", "/nowhere"):
            assert request(srv, "GET", path)[0] == 403
            assert request(srv, "GET", path, headers={"X-Ocrfix-Token": "guess"})[0] == 403
        assert request(srv, "GET", "/api/docs", headers=token)[0] == 200
        assert get_json(srv, "/api/doc?doc=doc", **token)[1]["raw"] == RAW
        assert request(srv, "GET", "/files/doc/raw.txt", headers=token) == (200, RAW.encode())
        assert request(srv, "GET", f"/files/doc/raw.txt?token={srv.token}")[0] == 200
        assert request(srv, "GET", "/files/doc/raw.txt?token=guess")[0] == 403
        assert request(srv, "GET", f"/api/docs?token={srv.token}")[0] == 403  # /files/ only
        assert request(srv, "GET", "/")[0] == 200  # the app itself holds no data
        assert request(srv, "GET", "/favicon.ico")[0] == 204
        body = {"doc": "doc", "id": 1, "decision": "accept"}
        assert request(srv, "POST", "/api/decide", body)[0] == 403
        assert post(srv, "/api/decide", body)[0] == 200


def test_decision_needs_the_session_token(server):
    body = {"doc": "doc", "id": 1, "decision": "accept"}
    assert request(server, "POST", "/api/decide", body)[0] == 403
    assert request(server, "POST", "/api/decide", body, {"X-Ocrfix-Token": "guess"})[0] == 403
    assert rows(server.root / "doc")["1"]["decision"] == ""
    assert post(server, "/api/decide", body)[0] == 200
    assert rows(server.root / "doc")["1"]["decision"] == "accept"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"doc": "doc", "id": 99, "decision": "accept"}, 400),
        ({"doc": "doc", "id": "1", "decision": "accept"}, 400),
        ({"doc": "doc", "id": True, "decision": "accept"}, 400),
        ({"doc": "doc", "id": 1, "decision": "yes"}, 400),
        ({"doc": "doc", "id": 1, "decision": "edit:" + "x" * 2000}, 400),
        ({"doc": "doc", "id": 1}, 400),
        ({"doc": "doc", "id": 1, "decision": "accept", "extra": 1}, 400),
        ({"doc": "../doc", "id": 1, "decision": "accept"}, 404),
        ({"doc": "nope", "id": 1, "decision": "accept"}, 404),
        ([1, 2], 400),
        (b"{not json", 400),
    ],
)
def test_every_posted_field_is_validated(server, body, status):
    assert post(server, "/api/decide", body)[0] == status
    assert {r["decision"] for r in rows(server.root / "doc").values()} == {""}


def test_foreign_host_origin_and_content_type_are_refused(server):
    body = {"doc": "doc", "id": 1, "decision": "accept"}
    assert post(server, "/api/decide", body, Host="evil.example:80")[0] == 403
    assert post(server, "/api/decide", body, Origin="http://evil.example")[0] == 403
    assert post(server, "/api/decide", body, **{"Content-Type": "text/plain"})[0] == 415
    assert request(server, "GET", "/api/docs", headers={"Host": "evil.example"})[0] == 403
    status, _ = post(server, "/api/decide", body, Origin=server.origin)
    assert status == 200


def test_accept_all_accepts_the_same_change_and_keeps_other_decisions(tmp_path):
    raw = "tbe cat, tbe dog, tbe end, tbe fox"
    suggestions = [
        Suggestion(i, i + 3, "tbe", "the", "word", 0.5, False)
        for i in (m for m in range(len(raw)) if raw.startswith("tbe", m))
    ]
    root = tmp_path / "c"
    make_doc(root / "doc", raw, suggestions)
    set_cells(root / "doc", {3: "reject"})
    srv = make_server(root, port=0)
    threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True).start()
    try:
        status, payload = post(srv, "/api/accept-all", {"doc": "doc", "id": 1})
    finally:
        srv.shutdown()
        srv.server_close()
    assert status == 200
    answer = json.loads(payload)
    assert answer["changed"] == {"1": "accept", "2": "accept", "4": "accept"}
    assert answer["previous"] == {"1": "", "2": "", "4": ""}  # for an undo
    assert answer["decided"] == answer["total"] == answer["need"] == 4
    assert answer["ready"] and answer["left"] == 0
    assert [r["decision"] for r in rows(root / "doc").values()] == ["accept"] * 2 + [
        "reject",
        "accept",
    ]


LETTER_A = "tbe cat and tbe dog  \nrnay come.\n"
LETTER_B = "Of tbe letters sent\n"


def letters(root: Path) -> Path:
    """Two documents sharing a change (tbe -> the, three times), with a layout change and an
    automatic one."""
    make_doc(
        root / "a",
        LETTER_A,
        [
            Suggestion(0, 3, "tbe", "the", "word", 0.5, False),
            Suggestion(12, 15, "tbe", "the", "word", 0.5, False),
            Suggestion(19, 21, "  ", "", "trailing-space", 1.0, True),
            sug(LETTER_A, "rnay", "may"),
        ],
    )
    make_doc(root / "b", LETTER_B, [sug(LETTER_B, "tbe", "the", auto=False)])
    return root


def test_docs_count_what_needs_a_person_per_document_and_over_the_batch(tmp_path):
    root = letters(tmp_path / "c")
    set_cells(root / "a", {1: "accept"})
    with serving(root) as srv:
        status, data = get_json(srv, "/api/docs")
    assert status == 200
    docs = {d["doc"]: d for d in data["docs"]}
    assert docs["a"]["summary"] == "1 of 2 need a decision"
    assert (docs["a"]["layout"], docs["a"]["cards"], docs["a"]["total"]) == (1, 3, 4)
    assert docs["b"]["left"] == 1 and not docs["b"]["ready"]
    assert data["batch"]["summary"] == "2 of 3 need a decision"


def test_series_groups_the_same_change_over_every_document(tmp_path):
    root = letters(tmp_path / "c")
    set_cells(root / "b", {1: "reject"})
    with serving(root) as srv:
        status, data = get_json(srv, "/api/series")
        assert get_json(srv, "/api/series?min=1")[1]["series"][1]["original"] == "rnay"
        assert get_json(srv, "/api/series?min=x")[0] == 400
    assert status == 200 and data["skipped"] == [] and data["pages"] == {}
    (series,) = data["series"]  # the layout change is no series; rnay occurs once
    assert (series["original"], series["replacement"], series["rule"]) == ("tbe", "the", "word")
    assert (series["count"], series["docs"], series["left"], series["undecided"]) == (3, 2, 2, 2)
    assert [(o["doc"], o["id"], o["decision"]) for o in series["occurrences"]] == [
        ("a", 1, ""),
        ("a", 2, ""),
        ("b", 1, "reject"),
    ]
    assert series["occurrences"][1]["before"] == "tbe cat and "
    assert series["occurrences"][1]["after"] == " dog  "


def test_cells_sets_rows_of_several_documents_unless_changed_since(tmp_path):
    root = letters(tmp_path / "c")
    set_cells(root / "b", {1: "keep"})  # someone decided it meanwhile
    body = {
        "changes": [
            {"doc": "a", "ids": [1, 2], "cell": "accept", "expect": ""},
            {"doc": "b", "ids": [1], "cell": "accept", "expect": ""},
        ]
    }
    with serving(root) as srv:
        status, payload = post(srv, "/api/cells", body)
    assert status == 200
    answer = json.loads(payload)
    assert answer["changed"] == {"a": {"1": "accept", "2": "accept"}, "b": {}}
    assert answer["previous"] == {"a": {"1": "", "2": ""}, "b": {}}
    assert answer["conflicts"] == {"a": {}, "b": {"1": "keep"}}
    assert answer["docs"]["a"]["ready"] and not answer["docs"]["b"]["left"]
    assert [r["decision"] for r in rows(root / "a").values()] == ["accept", "accept", "", ""]
    assert rows(root / "b")["1"]["decision"] == "keep"


@pytest.mark.parametrize(
    "change",
    [
        {"doc": "a", "ids": [1], "cell": "maybe", "expect": ""},
        {"doc": "a", "ids": [True], "cell": "accept", "expect": ""},
        {"doc": "a", "ids": [1, 1], "cell": "accept", "expect": ""},
        {"doc": "a", "ids": ["1"], "cell": "accept", "expect": ""},
        {"doc": "a", "ids": [1], "cell": "accept"},
        {"doc": "nope", "ids": [1], "cell": "accept", "expect": ""},
    ],
)
def test_cells_refuses_a_bad_change_and_writes_nothing(tmp_path, change):
    root = letters(tmp_path / "c")
    before = {p.name: (p / "suggestions.csv").read_bytes() for p in root.iterdir()}
    body = {"changes": [{"doc": "b", "ids": [1], "cell": "accept", "expect": ""}, change]}
    with serving(root) as srv:
        status, _ = post(srv, "/api/cells", body)
    assert status in (400, 404)
    assert {p.name: (p / "suggestions.csv").read_bytes() for p in root.iterdir()} == before


def test_layout_and_its_undo_restore_the_table_byte_for_byte(tmp_path):
    root = letters(tmp_path / "c")
    before = (root / "a" / "suggestions.csv").read_bytes()
    with serving(root) as srv:
        status, payload = post(srv, "/api/layout", {"doc": "a", "decision": "accept"})
        assert status == 200
        answer = json.loads(payload)
        assert (answer["changed"], answer["previous"]) == ({"3": "accept"}, {"3": ""})
        assert post(srv, "/api/layout", {"doc": "a", "decision": "keep"})[0] == 400
        status, payload = post(srv, "/api/accept-all", {"doc": "a", "id": 1})
        changed, previous = (json.loads(payload)[k] for k in ("changed", "previous"))
        undo = [
            {"doc": "a", "ids": [int(i)], "cell": previous[i], "expect": changed[i]}
            for i in changed
        ]
        undo.append({"doc": "a", "ids": [3], "cell": "", "expect": "accept"})
        status, payload = post(srv, "/api/cells", {"changes": undo})
    assert status == 200 and json.loads(payload)["conflicts"] == {"a": {}}
    assert (root / "a" / "suggestions.csv").read_bytes() == before


def test_change_cells_if_is_a_compare_and_swap(tmp_path):
    doc = make_doc(tmp_path / "doc")
    set_cells(doc, {1: " Accept "})
    done = decisions.change_cells_if(
        doc, {1: ("reject", "accept"), 2: ("keep", "reject"), 3: ("accept", ""), 99: ("", "")}
    )
    assert done.cells == {1: "reject", 3: "accept"}
    assert done.previous == {1: " Accept ", 3: ""}
    assert done.conflicts == {2: "", 99: None}
    unchanged = decisions.change_cells(doc, {1: "REJECT", 4: "keep"})  # 1 says so already
    assert (unchanged.cells, unchanged.previous) == ({4: "keep"}, {4: ""})


def test_document_json_has_the_box_of_each_word(tmp_path):
    root = tmp_path / "c"
    doc = make_doc(
        root / "doc",
        "ab cornrnittee\n",
        [
            Suggestion(3, 14, "cornrnittee", "committee", "word", 0.9, True),
            Suggestion(2, 3, " ", "", "split", 0.9, False),
        ],
    )
    words = io.StringIO()
    writer = csv.writer(words, delimiter="\t", lineterminator="\n")
    writer.writerow(
        [
            "page",
            "block",
            "par",
            "line",
            "word",
            "left",
            "top",
            "width",
            "height",
            "conf",
            "text",
            "start",
            "end",
        ]
    )
    writer.writerow([1, 1, 1, 1, 1, 10, 20, 30, 40, "90", "ab", 0, 2])
    writer.writerow([1, 1, 1, 1, 2, 50, 22, 100, 40, "40", "cornrnittee", 3, 14])
    (doc / "words.tsv").write_text(words.getvalue())
    from ocrfix.review.server import document_json

    data = document_json(root, "doc")
    assert data["kind"] == "scan"
    split, word = data["rows"][0], data["rows"][1]
    assert word["crop"] == {"page": 1, "word": [50, 22, 100, 40], "line": [10, 20, 140, 42]}
    assert split["crop"]["word"] == [10, 20, 140, 42]  # a space: shown by the words beside it


def word_rows(folder: Path) -> list[decisions.Row]:
    return [r for r in decisions.read_table(folder / "suggestions.csv").rows if r.rule == "word"]


def test_rerun_does_not_repeat_a_rejected_suggestion(tmp_path):
    """The corrector reads the learned data: a rejected change is never made again."""
    source = tmp_path / "in"
    source.mkdir()
    (source / "notes.txt").write_text(RAW)
    out = tmp_path / "out"
    env = {**os.environ, "OCRFIX_DATA": str(tmp_path / "learned")}
    run = [sys.executable, "-m", "ocrfix.cli", "run", str(source), "--out", str(out), "-q"]
    subprocess.run(run, env=env, check=True)  # a fresh process: the corrector is cached
    rejected, accepted, kept = word_rows(out / "notes")[:3]
    cells = {rejected.id: "reject", accepted.id: "accept", kept.id: "keep"}
    decisions.set_decisions(out / "notes", cells)
    learn_cmd = [sys.executable, "-m", "ocrfix.cli", "learn", str(out)]
    subprocess.run(learn_cmd, env=env, check=True, capture_output=True)
    fresh = [*run[:-3], "--out", str(tmp_path / "fresh"), "-q"]  # the same text, unreviewed
    subprocess.run(fresh, env=env, check=True)
    pairs = {(r.original, r.replacement) for r in word_rows(tmp_path / "fresh" / "notes")}
    assert (rejected.original, rejected.replacement) not in pairs
    assert kept.original not in {original for original, _ in pairs}  # now protected
    assert (accepted.original, accepted.replacement) in pairs
    subprocess.run([*run, "--force"], env=env, check=True, capture_output=True)
    again = {(r.original, r.replacement): r.decision for r in word_rows(out / "notes")}
    assert again[(rejected.original, rejected.replacement)] == "reject"  # the review stays
    assert again[(kept.original, kept.replacement)] == "keep"
