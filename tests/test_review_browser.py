"""The review app end to end, in a real headless Chromium (Debian's, driven by Playwright).

`make setup` installs both. These tests skip only on a machine without /usr/bin/chromium
outside CI; in CI (``CI`` set) a missing browser is a failure.
"""

from __future__ import annotations

import csv
import os
import selectors
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ocrfix import cli, synth, userdata
from ocrfix.pipeline import process_batch
from ocrfix.review import decisions, learn, workload
from ocrfix.review.table import suggestions_csv
from ocrfix.suggestion import Suggestion, apply

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOTES = (
    "The cornrnittee rneets on the first Monday of each rnonth.\n"
    "Mernbers who wish to borrow a parnphlet should sign the loan book\n"
    "and return the itern within four weeks. The hbrary is open\n"
    "on Saturday rnornings. Every donation is recorded with the narne of the donor.\n"
)
SCAN = (
    "Minutes of the library group\n\n"
    "The cornrnittee rneets on the first Monday of each rnonth and the members agreed "
    "to scan every pamphlet."
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One headless Chromium for the module, with a fresh profile."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing: `make setup` installs it")
        pytest.skip("/usr/bin/chromium is not installed (make setup installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("playwright is not installed (make setup installs it)")
    with sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1200, "height": 800},
        )
        context.set_default_timeout(15_000)
        yield context
        context.close()


@pytest.fixture(scope="module")
def corrections(tmp_path_factory):
    """A real `ocrfix run` output: a text with OCR damage, a scan, a long tabbed text."""
    base = tmp_path_factory.mktemp("review")
    inputs = base / "in"
    inputs.mkdir()
    (inputs / "notes.txt").write_text(NOTES)
    words = (NOTES.replace("rn", "m") * 3).split()[:120]
    (inputs / "tabs.txt").write_text(
        "\n".join("\t".join(words[i : i + 6]) for i in range(0, 120, 6))
    )
    page = synth.render_page(SCAN, "serif", page_in=(5.83, 2.5))
    synth.save_pages([page], inputs / "minutes.png", 300)
    (base / "secret.txt").write_text("outside the corrections folder")
    batch = process_batch([inputs], base / "out", jobs=1)
    assert not batch.failed, batch.failed
    return base / "out"


class ReviewProcess:
    """`ocrfix review` in its own process, as a user runs it."""

    def __init__(self, root: Path, env: dict[str, str], host: str = "127.0.0.1"):
        command = [sys.executable, "-m", "ocrfix.cli", "review", str(root), "--port", "0"]
        self.proc = subprocess.Popen(
            [*command, "--host", host],
            stdout=subprocess.PIPE,
            env=env,
        )
        self.url = ""
        printed = b""
        fd = self.proc.stdout.fileno()
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            deadline = time.monotonic() + 30
            while "#token=" not in printed.decode() and time.monotonic() < deadline:
                if sel.select(timeout=deadline - time.monotonic()):
                    chunk = os.read(fd, 4096)
                    if not chunk:
                        break
                    printed += chunk
        for line in printed.decode().splitlines():
            if line.strip().startswith("http://"):  # reached through the loopback only
                self.url = line.strip().replace("//0.0.0.0:", "//127.0.0.1:")
        if not self.url:
            self.kill()
            pytest.fail(f"ocrfix review did not start: {printed.decode()}")
        self.base = self.url.split("/#")[0]

    def kill(self) -> None:
        """Stop it the hard way, as a crash would."""
        self.proc.kill()
        self.proc.wait(10)
        self.proc.stdout.close()


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "OCRFIX_DATA": str(tmp_path / "learned")}


def word_rows(folder: Path) -> list[decisions.Row]:
    return [r for r in decisions.read_table(folder / "suggestions.csv").rows if r.rule == "word"]


def open_doc(page, url: str, doc: str, rule: str = "", show: str = "need") -> None:
    """Open the app on a document, showing ``show`` (the default: what needs a decision)."""
    page.goto(url)
    page.wait_for_function("() => typeof state !== 'undefined' && state.ready === true")
    page.select_option("#doc", doc)
    page.wait_for_function("d => state.data && state.data.doc === d", arg=doc)
    if show != "need":
        page.select_option("#show", show)
    if rule:
        page.select_option("#rule", rule)


def saved(page) -> None:
    """Wait until every change the page made is in suggestions.csv."""
    page.wait_for_function("() => state.queue.length === 0 && !state.sending")
    assert "not saved" not in page.inner_text("#status")


def cells(folder: Path) -> dict[int, str]:
    return {r.id: r.cell for r in decisions.read_table(folder / "suggestions.csv").rows}


def shown_id(page) -> int:
    return int(page.inner_text("#where").split()[0].lstrip("#"))


def test_keyboard_decisions_survive_a_server_crash_and_apply(
    browser, corrections, env, monkeypatch
):
    doc = corrections / "notes"
    rows = word_rows(doc)
    assert len(rows) >= 3, "the corrector should suggest fixes for the damaged notes"
    first, second, third = rows[:3]

    server = ReviewProcess(corrections, env)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        open_doc(page, server.url, "notes", rule="word", show="all")
        assert shown_id(page) == first.id
        assert page.inner_text("#change") == f"{first.original} → {first.replacement}"
        assert first.original in page.inner_text(".context mark")
        page.keyboard.press("a")
        page.wait_for_function("id => state.view[state.pos] === id", arg=second.id)
        page.keyboard.press("r")
        page.wait_for_function("id => state.view[state.pos] === id", arg=third.id)
        page.keyboard.press("e")
        page.fill("#edit", "Edited")
        page.keyboard.press("Enter")
        page.wait_for_selector("#status:has-text('saved ✓')")
        page.wait_for_function("() => state.queue.length === 0")
    finally:
        server.kill()  # a crash: nothing gets a chance to be flushed now

    saved = {r.id: r.cell for r in decisions.read_table(doc / "suggestions.csv").rows}
    assert saved[first.id] == "accept"
    assert saved[second.id] == "reject"
    assert saved[third.id] == "edit:Edited"
    assert sum(bool(cell) for cell in saved.values()) == 3

    server = ReviewProcess(corrections, env)
    try:
        open_doc(page, server.url, "notes", rule="word", show="all")
        badges = []
        for _ in range(3):
            badges.append(page.inner_text("#decision"))
            page.keyboard.press("j")
        assert badges == ["accepted", "rejected", "edited: Edited"]
        sheet = decisions.read_sheet(doc / "suggestions.csv")
        counts = workload.sheet_workload(sheet.columns, sheet.records)
        assert page.inner_text("#count") == counts.summary()  # the one count of review.workload
    finally:
        server.kill()
        page.close()
    assert not errors

    monkeypatch.setenv("OCRFIX_DATA", env["OCRFIX_DATA"])
    assert cli.main(["apply", str(corrections), "notes"]) == 0
    raw = (doc / "raw.txt").read_text("utf-8")
    table = decisions.read_table(doc / "suggestions.csv")
    expected = [
        Suggestion(r.start, r.end, r.original, r.replacement, r.rule, r.score, r.auto)
        for r in table.rows
        if r.id in (first.id,) or (r.auto and r.id not in (second.id, third.id))
    ]
    expected.append(Suggestion(third.start, third.end, third.original, "Edited", "word", 0.0, True))
    final = (doc / "final.txt").read_text("utf-8")
    assert final == apply(raw, expected)
    assert first.replacement in final and "Edited" in final
    assert second.original in final  # rejected: kept as the OCR read it

    # What `apply` learned (into OCRFIX_DATA).
    learned = Path(env["OCRFIX_DATA"])
    assert userdata.read_rejected(learned / "rejected.tsv") == {
        (second.original, second.replacement),
        (third.original, third.replacement),
    }
    # "not this change" is not "correct as printed": a rejected original is not protected
    assert not (learned / "protected.txt").exists()
    confusions = (learned / "confusions.tsv").read_text()
    for observed, intended in learn.substitutions(first.original, first.replacement):
        assert f"\n{observed}\t{intended}\t" in confusions
    assert learn.substitutions(first.original, first.replacement)


def test_scan_shows_the_word_cropped_from_its_page(browser, corrections, env):
    rows = word_rows(corrections / "minutes")
    assert rows, "the corrector should suggest a fix on the scanned page"
    server = ReviewProcess(corrections, env)
    page = browser.new_page()
    try:
        open_doc(page, server.url, "minutes", rule="word", show="all")
        page.wait_for_function(
            "() => { const c = document.querySelector('#scan canvas'); return c && c.width > 100; }"
        )
        line = page.inner_text(".context")
        assert rows[0].original in line and "\n" not in line.strip()
    finally:
        server.kill()
        page.close()


def test_two_tabs_deciding_at_once_leave_a_valid_table(browser, corrections, env):
    doc = corrections / "tabs"
    rows = decisions.read_table(doc / "suggestions.csv").rows
    ids = [r.id for r in rows]
    assert len(ids) >= 60
    assert workload.is_layout(rows[0].rule) and workload.is_layout(rows[1].rule)
    server = ReviewProcess(corrections, env)
    tabs = [browser.new_page(), browser.new_page()]
    try:
        for tab in tabs:
            open_doc(tab, server.url, "tabs")
            assert tab.evaluate("state.view[state.pos]") == "layout"  # tabs: one summary card
            tab.keyboard.press("o")  # its list
            tab.wait_for_selector("#llist .item.sel")
        tabs[1].keyboard.press("j")  # the second tab looks at the second suggestion
        # Each tab fires 20 decisions at once, both tabs together, plus one by keyboard.
        fire = """([ids, cell]) => {
            const token = new URLSearchParams(location.hash.slice(1)).get("token");
            window.burst = Promise.all(ids.map((id) => fetch("/api/decide", {
                method: "POST",
                headers: {"Content-Type": "application/json", "X-Ocrfix-Token": token},
                body: JSON.stringify({doc: "tabs", id, decision: cell}),
            }).then((answer) => answer.status)));
            return true;
        }"""
        tabs[0].evaluate(fire, [ids[10:50:2], "accept"])
        tabs[1].evaluate(fire, [ids[11:51:2], "edit:x"])
        tabs[0].keyboard.press("a")  # accept one layout change of the list
        tabs[1].keyboard.press("r")  # reject one
        statuses = [tab.evaluate("window.burst") for tab in tabs]
        assert statuses == [[200] * 20, [200] * 20]
        for tab in tabs:
            tab.wait_for_function("() => state.queue.length === 0 && !state.sending")
        # a path out of the folder is refused, from the browser too
        answer = tabs[0].evaluate("fetch('/files/tabs/..%2f..%2fsecret.txt').then((r) => r.status)")
        assert answer == 404
    finally:
        server.kill()
        for tab in tabs:
            tab.close()
    table = decisions.read_table(doc / "suggestions.csv")  # parses and checks every row
    cells = {r.id: r.cell for r in table.rows}
    assert cells[ids[0]] == "accept" and cells[ids[1]] == "reject"
    assert all(cells[i] == "accept" for i in ids[10:50:2])
    assert all(cells[i] == "edit:x" for i in ids[11:51:2])
    assert sum(bool(c) for c in cells.values()) == 42
    with (doc / "suggestions.csv").open(newline="") as fh:
        assert len(list(csv.reader(fh))) == len(ids) + 1


def test_bound_beyond_the_loopback_the_app_sends_its_token_on_reads(browser, corrections, env):
    server = ReviewProcess(corrections, env, host="0.0.0.0")
    page = browser.new_page()
    try:
        open_doc(page, server.url, "minutes", rule="word", show="all")
        page.wait_for_function(  # the page image came, with the token in its address
            "() => { const c = document.querySelector('#scan canvas'); return c && c.width > 100; }"
        )
        link = page.get_attribute("#sidebyside", "href")
        assert page.evaluate("(url) => fetch(url).then((r) => r.status)", link) == 200
        assert page.evaluate("fetch('/api/docs').then((r) => r.status)") == 403  # no token
        page.keyboard.press("u")  # a decision (none) still saves
        page.wait_for_selector("#status:has-text('saved ✓')")
    finally:
        server.kill()
        page.close()


def test_layout_summary_card_accepts_every_layout_change_after_one_confirm(
    browser, corrections, env
):
    doc = corrections / "tabs"
    before_bytes = (doc / "suggestions.csv").read_bytes()
    before = cells(doc)
    rows = decisions.read_table(doc / "suggestions.csv").rows
    layout = {r.id for r in rows if workload.is_layout(r.rule)}
    undecided = sorted(i for i in layout if not before[i])
    assert len(undecided) >= 50
    server = ReviewProcess(corrections, env)
    page = browser.new_page()
    try:
        open_doc(page, server.url, "tabs")
        title = page.inner_text("#ltitle")
        assert title == f"{len(layout)} layout changes: tabs to spaces {len(layout)}"
        page.keyboard.press("a")
        assert page.inner_text("#ctext") == (
            f"Accept {len(undecided)} layout changes of tabs? Enter / Esc"
        )
        assert cells(doc) == before  # nothing yet: it asks first
        page.keyboard.press("Escape")
        page.keyboard.press("a")
        page.keyboard.press("Enter")
        saved(page)
        after = cells(doc)
        assert [i for i in undecided if after[i] != "accept"] == []
        assert {i: c for i, c in after.items() if i not in undecided} == {
            i: c for i, c in before.items() if i not in undecided
        }
        assert "accepted" in page.inner_text("#lstate")
        page.keyboard.press("z")  # the whole bulk change, undone as one step
        page.wait_for_selector("#status:has-text('undone')")
        saved(page)
    finally:
        server.kill()
        page.close()
    assert (doc / "suggestions.csv").read_bytes() == before_bytes


LETTER_A = "Dear sir, tbe meeting of tbe group is in tbe hall.  \nWe rnay be late.\n"
LETTER_B = "Of tbe letters sent, tbe last came in March.\n"


def sug(raw: str, original: str, replacement: str, auto: bool, rule: str = "word", nth: int = 0):
    """The suggestion of the ``nth`` occurrence of ``original`` in ``raw``."""
    start = -1
    for _ in range(nth + 1):
        start = raw.index(original, start + 1)
    return Suggestion(start, start + len(original), original, replacement, rule, 0.5, auto)


@pytest.fixture
def letters(tmp_path):
    """Two documents of a batch that share a change (tbe -> the, five times in all), with
    an automatic change and a layout change, as `ocrfix run` lays them out."""
    root = tmp_path / "letters"
    tables = {
        "letter-a": (
            LETTER_A,
            [
                sug(LETTER_A, "tbe", "the", False, nth=0),
                sug(LETTER_A, "tbe", "the", False, nth=1),
                sug(LETTER_A, "tbe", "the", False, nth=2),
                sug(LETTER_A, "  ", "", True, rule="trailing-space"),
                sug(LETTER_A, "rnay", "may", True),
            ],
        ),
        "letter-b": (
            LETTER_B,
            [sug(LETTER_B, "tbe", "the", False, nth=0), sug(LETTER_B, "tbe", "the", False, nth=1)],
        ),
    }
    for name, (raw, suggestions) in tables.items():
        folder = root / name
        folder.mkdir(parents=True)
        (folder / "raw.txt").write_text(raw, "utf-8")
        (folder / "suggestions.csv").write_text(suggestions_csv(raw, suggestions), "utf-8")
    return root


def test_accept_all_of_a_change_asks_first_and_undoes_as_one_step(browser, letters, env):
    doc = letters / "letter-a"
    before = (doc / "suggestions.csv").read_bytes()
    server = ReviewProcess(letters, env)
    page = browser.new_page()
    try:
        open_doc(page, server.url, "letter-a")
        assert page.evaluate("state.view") == ["layout", 1, 2, 3]
        assert page.inner_text("#count") == "3 of 3 need a decision"
        page.keyboard.press("j")
        page.keyboard.press("A")
        assert page.inner_text("#ctext") == (
            "Accept 3 changes “tbe” → “the” in letter-a? Enter / Esc"
        )
        page.keyboard.press("Enter")
        saved(page)
        assert cells(doc) == {1: "accept", 2: "accept", 3: "accept", 4: "", 5: ""}
        assert page.inner_text("#count") == "ready to export (3 decided, 2 automatic)"
        assert "letter-a — ready to export" in page.inner_text("#doc")
        page.keyboard.press("z")
        page.wait_for_selector("#status:has-text('undone')")
        saved(page)
        assert (doc / "suggestions.csv").read_bytes() == before  # the cells, exactly
        page.wait_for_function(
            "() => document.querySelector('#count').textContent.startsWith('3 of 3')"
        )
    finally:
        server.kill()
        page.close()


def test_series_decides_a_change_across_documents_with_exceptions(browser, letters, env):
    server = ReviewProcess(letters, env)
    page = browser.new_page()
    try:
        open_doc(page, server.url, "letter-a")
        page.keyboard.press("s")
        page.wait_for_selector("#occ .item")
        assert page.inner_text("#sdetail .change") == "tbe → the"
        occurrences = page.locator("#occ .item")
        assert occurrences.count() == 5
        assert "letter-b" in occurrences.nth(3).inner_text()
        assert "Of tbe letters sent" in occurrences.nth(3).inner_text()  # its line of text
        for _ in range(3):
            page.keyboard.press("j")
        page.keyboard.press("x")  # the exception: the first tbe of letter-b stays as it is
        assert not occurrences.nth(3).locator("input").is_checked()
        page.keyboard.press("A")
        assert page.inner_text("#ctext") == (
            "Accept 4 changes “tbe” → “the” in 2 documents (1 left as they are)? Enter / Esc"
        )
        page.keyboard.press("Enter")
        saved(page)
        assert cells(letters / "letter-a") == {1: "accept", 2: "accept", 3: "accept", 4: "", 5: ""}
        assert cells(letters / "letter-b") == {1: "", 2: "accept"}
        page.keyboard.press("j")  # and one rejected afterwards, on its own
        page.keyboard.press("r")
        saved(page)
        assert cells(letters / "letter-b") == {1: "", 2: "reject"}
        page.keyboard.press("z")
        saved(page)
        assert cells(letters / "letter-b") == {1: "", 2: "accept"}
    finally:
        server.kill()
        page.close()


def test_correct_as_printed_keeps_the_word_and_protects_it(browser, letters, env, monkeypatch):
    doc = letters / "letter-a"
    server = ReviewProcess(letters, env)
    page = browser.new_page()
    try:
        open_doc(page, server.url, "letter-a", rule="word", show="automatic")
        assert page.inner_text("#change") == "rnay → may"
        page.keyboard.press("p")
        saved(page)
        page.keyboard.press("k")
        assert page.inner_text("#decision") == "kept as printed"
    finally:
        server.kill()
        page.close()
    assert cells(doc)[5] == "keep"
    monkeypatch.setenv("OCRFIX_DATA", env["OCRFIX_DATA"])
    assert cli.main(["apply", str(letters), "letter-a"]) == 0
    final = (doc / "final.txt").read_text("utf-8")
    assert "We rnay be late." in final and "tbe" in final  # kept, and nothing accepted
    learned = Path(env["OCRFIX_DATA"])
    assert "rnay\t1" in (learned / "protected.txt").read_text().splitlines()
    assert userdata.read_rejected(learned / "rejected.tsv") == {("rnay", "may")}
