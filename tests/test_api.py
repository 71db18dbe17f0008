"""ocrfix.api, the Python face of the commands: run, suggestions, apply, evaluate.

Real pipeline on small inputs (a text corrected for real, a rendered page read by Tesseract).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from ocrfix import api, cli
from ocrfix.errors import ExitCode, InputError, MissingLanguage, UsageError
from ocrfix.evaluate import COUNTS, RATES, Score, scores_frame, total_of, with_total
from ocrfix.review import decisions
from ocrfix.review.workload import workload

NOTES = (  # "bave" is left to a person (the corrector is not sure enough)
    "The members bave agreed to keep the catalogue and mony of the pamphlets.\n"
    "The secretary said l~ was time to go home.\n"
)
TRUTH = (
    "The members have agreed to keep the catalogue and many of the pamphlets.\n"
    "The secretary said it was time to go home.\n"
)


@pytest.fixture
def corrections(tmp_path: Path) -> Path:
    """``api.run`` of two texts (notes.txt with errors, plain.txt without) and their truths
    in ``tmp_path / "gt"``; returns the output folder."""
    (tmp_path / "in").mkdir()
    (tmp_path / "gt").mkdir()
    (tmp_path / "in" / "notes.txt").write_text(NOTES, "utf-8")
    (tmp_path / "in" / "plain.txt").write_text("A plain sentence.\n", "utf-8")
    (tmp_path / "gt" / "notes.gt.txt").write_text(TRUTH, "utf-8")
    (tmp_path / "gt" / "plain.txt").write_text("A plain sentence.\n", "utf-8")
    done = api.run(tmp_path / "in", tmp_path / "out", jobs=1)
    assert done.exit_code == ExitCode.OK
    return tmp_path / "out"


def test_all_names_the_public_functions():
    assert {"run", "apply", "evaluate", "suggestions"} <= set(api.__all__)
    for name in api.__all__:
        assert getattr(api, name).__doc__


def test_run_writes_the_documents_and_the_report(corrections):
    assert (corrections / "report.html").is_file()
    assert (corrections / "notes" / "raw.txt").read_text("utf-8") == NOTES
    again = api.run(corrections.parent / "in", str(corrections), jobs=1, report=False)
    assert [o.status for o in again.batch.outcomes] == ["skipped", "skipped"]
    assert again.report is None and again.exit_code == ExitCode.OK


def test_run_refuses_options_that_cannot_be_right(tmp_path):
    (tmp_path / "a.txt").write_text("Text.\n")
    with pytest.raises(UsageError, match="--jobs must be at least 1"):
        api.run(tmp_path / "a.txt", tmp_path / "out", jobs=0)
    with pytest.raises(UsageError, match="no such lexicon file"):
        api.run(tmp_path / "a.txt", tmp_path / "out", lexicons=[tmp_path / "none.txt"])
    assert not (tmp_path / "out").exists()


def test_run_checks_the_language_before_reading_a_scan(tmp_path, page_png):
    with pytest.raises(MissingLanguage) as caught:
        api.run(page_png, tmp_path / "out", lang="eng+deu")
    assert caught.value.missing == ["deu"] and "eng" in caught.value.installed
    assert caught.value.exit_code == ExitCode.USAGE
    assert not (tmp_path / "out").exists()


def test_suggestions_is_a_typed_frame_of_the_table(corrections):
    frame = api.suggestions(corrections / "notes")
    rows = decisions.read_table(corrections / "notes" / "suggestions.csv").rows
    assert len(frame) == len(rows) > 0
    types = {name: str(frame[name].dtype) for name in frame.columns}
    assert {types[name] for name in ("id", "page", "line", "start", "end")} == {"int64"}
    assert (types["score"], types["auto"], types["needs_decision"]) == ("float64", "bool", "bool")
    for name in ("original", "replacement", "rule", "decision"):
        assert pd.api.types.is_string_dtype(frame[name]), name
    raw = (corrections / "notes" / "raw.txt").read_text("utf-8")
    for record in frame.itertuples():
        assert raw[record.start : record.end] == record.original
    assert frame["needs_decision"].tolist() == [not r.auto for r in rows]
    counted = workload((r.rule, r.auto, r.cell) for r in rows)
    assert int(frame["needs_decision"].sum()) == counted.need


def test_suggestions_types_hold_for_an_empty_table(corrections):
    frame = api.suggestions(corrections / "plain")
    assert frame.empty and list(frame.columns) == list(api.SUGGESTION_TYPES)
    assert frame["start"].dtype == "int64" and frame["auto"].dtype == "bool"


def test_apply_reports_the_workload_of_each_document_and_in_total(corrections):
    left = api.suggestions(corrections / "notes")
    assert left["needs_decision"].any(), "the corrector left nothing for a person"
    first = api.apply(corrections, learn=False)
    assert first.exit_code == ExitCode.OK and first.learned is None
    by_doc = {d.doc: d for d in first.documents}
    assert set(by_doc) == {"notes", "plain"}
    need = int(left["needs_decision"].sum())
    assert by_doc["notes"].workload.summary() == f"{need} of {need} need a decision"
    assert by_doc["plain"].workload.ready
    assert first.workload.summary() == f"{need} of {need} need a decision"

    todo = left[left["needs_decision"]]["id"].tolist()
    decisions.set_decisions(corrections / "notes", dict.fromkeys(todo, "accept"))
    second = api.apply(corrections, ["notes"])
    (notes,) = second.documents
    assert notes.workload.summary().startswith(f"ready to export ({need} decided")
    assert notes.counts["accept"] == need
    final = notes.path.read_text("utf-8")
    assert all(r.replacement in final for r in left[left["needs_decision"]].itertuples())
    assert second.learned is not None and second.learned.documents == 1
    assert api.suggestions(corrections / "notes")["decision"].tolist().count("accept") == need


def test_apply_refuses_a_broken_table_and_applies_the_rest(corrections):
    sheet = decisions.read_sheet(corrections / "notes" / "suggestions.csv")
    sheet.records[0][sheet.column("decision")] = "maybe"
    sheet.path.write_text(sheet.to_csv(), "utf-8")
    done = api.apply(corrections, learn=False)
    assert [d.doc for d in done.documents] == ["plain"]
    assert len(done.refused) == 1 and "decision 'maybe'" in str(done.refused[0])
    assert done.exit_code == ExitCode.INPUT_FAILED
    assert not (corrections / "notes" / "final.txt").exists()


def test_evaluate_gives_a_frame_with_the_total_from_the_sums(corrections):
    scores = api.evaluate(corrections, corrections.parent / "gt")
    frame = scores.frame
    assert frame["doc"].tolist() == ["notes", "plain", "total"]
    body, total = frame.iloc[:-1], frame.iloc[-1]
    for name in ("chars", "char_errors_raw", "char_errors_clean", "review_items"):
        assert total[name] == body[name].sum() == getattr(scores.total, name)
    assert total["cer_clean"] == pytest.approx(scores.total.cer_clean)
    assert total["char_errors_ideal"] < total["char_errors_raw"]  # accepting "bave" helps
    assert json.loads(scores.to_json())["total"]["chars"] == int(total["chars"])


def test_evaluate_refuses_a_folder_that_is_not_there(tmp_path):
    with pytest.raises(InputError, match="no such folder"):
        api.evaluate(tmp_path / "none", tmp_path)


def test_the_frame_computes_every_rate_as_the_score_does():
    scores = [
        Score("a", 100, 20, 8, 2, 3, 1, 17, 1, 1, 4, 21),
        Score("b", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        Score("c", 50, 9, 5, 6, 2, 2, 7, 0, 5, 1, 9),
    ]
    frame = with_total(scores_frame(scores))
    added = Score("total")
    for score in scores:
        added.add(score)
    assert total_of(scores) == added
    for score, record in zip([*scores, added], frame.to_dict("records"), strict=True):
        assert record["doc"] == score.doc
        for name in RATES:
            assert record[name] == getattr(score, name), (score.doc, name)
        for name in COUNTS:
            assert record[name] == getattr(score, name), (score.doc, name)


def test_the_cli_goes_through_the_api(corrections, capsys):
    assert cli.main(["eval", str(corrections), "--gt", str(corrections.parent / "gt")]) == 0
    printed = capsys.readouterr().out
    scores = api.evaluate(corrections, corrections.parent / "gt")
    assert f"{scores.total.cer_raw:.2%}" in printed and "total" in printed
