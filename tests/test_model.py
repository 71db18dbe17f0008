"""The learned correction model: channel counts, decision trees, storage, training."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from conftest import SHARED
from ocrfix.errors import InputError
from ocrfix.evaluate import ideal_review
from ocrfix.model import channel, decision, store
from ocrfix.model.align import Pair, regions
from ocrfix.model.train import TrainSettings, channel_model, train
from ocrfix.review.decisions import Row

TRAIN = SHARED / "eval" / "realocr" / "train"
needs_pairs = pytest.mark.skipif(not TRAIN.is_dir(), reason="../shared/eval/realocr missing")


def test_regions_join_adjacent_edits_and_see_lost_spaces():
    found = [(r.observed, r.intended) for r in regions("tbe rnan wentho me", "the man went home")]
    assert ("b", "h") in found and ("rn", "m") in found
    assert any(" " in r.intended or " " in r.observed for r in regions("wenthome", "went home"))


def test_channel_costs_are_frequencies_of_the_truths_strings():
    """m printed as rn in 3 of 6 m's: the rule costs -ln(3 / (6 + 1))."""
    pairs = [Pair(f"p{k}", "rnan mat", "man mat") for k in range(3)]
    counts = channel.count(pairs)
    assert counts.edits[("rn", "m")] == 3 and counts.strings["m"] == 6
    rules = channel.rules(counts, channel.ChannelSettings(min_count=3))
    assert rules[("rn", "m")] == pytest.approx(-math.log(3 / 7), abs=1e-3)
    assert ("rn", "m") not in channel.rules(counts, channel.ChannelSettings(min_count=4))


def test_cheapest_rules_per_observed_string_are_kept():
    found = {("l", "i"): 1.0, ("l", "t"): 3.0, ("l", "f"): 2.0, ("rn", "m"): 1.0}
    assert channel.cheapest_per_observed(found, 2) == {
        ("l", "i"): 1.0,
        ("l", "f"): 2.0,
        ("rn", "m"): 1.0,
    }


def test_exported_trees_predict_as_scikit_learn_does():
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3))
    x[rng.random(400) < 0.1, 1] = np.nan  # missing values take the learned side
    y = ((x[:, 0] + np.nan_to_num(x[:, 1]) * 0.5) > 0).astype(int)
    found = decision.boosted(x, y, decision.BoostSettings(trees=20, leaves=7))
    reference = HistGradientBoostingClassifier(
        max_iter=20, learning_rate=0.05, max_leaf_nodes=7, l2_regularization=1.0,
        early_stopping=False, random_state=0,
    ).fit(x, y)  # fmt: skip
    assert np.allclose(found.probabilities(x), reference.predict_proba(x)[:, 1])
    again = decision.from_dict(found.as_dict())
    assert np.allclose(again.probabilities(x), found.probabilities(x), atol=1e-6)


def test_figures_of_thresholds_on_a_candidate_table():
    """Three changes in OCR texts (two right), two in the truths (false alarms); the
    hand-set rules are sure of the third right one only."""
    from ocrfix.correct.features import NAMES

    x = np.zeros((6, len(NAMES)))
    x[:, NAMES.index("rule:word")] = 1.0
    x[2, NAMES.index("hand verdict")] = 1.0
    table = decision.CandidateTable(
        x,
        np.array([-3, -2, -1, 1, 0, 0]),
        np.array([False, False, False, False, True, True]),
        np.array(["a", "a", "b", "b", "a", "b"]),
        errors={"a": 5, "b": 5},
        words=100,
        truth_words=10_000,
    )
    p = np.array([0.9, 0.8, 0.3, 0.25, 0.4, 0.25])
    figures = decision.estimate(table, p, auto=0.5, suggest=0.2)
    assert figures.reduction == pytest.approx(0.5) and figures.false_alarms == 0
    assert figures.source_reduction == pytest.approx(0.5)  # a: 5 of 5, b: none
    assert figures.ideal_reduction == pytest.approx(0.6)  # the 0.3 one, found in review
    assert figures.review_load == pytest.approx(20.0)  # two OCR suggestions in 100 words
    sure = decision.estimate(table, p, auto=0.5, suggest=0.2, sure=0.3)
    assert sure.reduction == pytest.approx(0.6) and sure.false_alarms == 0
    chosen = decision.choose(decision.Decision(0.0, ()), table, decision.Targets(0.0, 100.0))
    assert chosen.auto > 0.4  # the 0.4 false alarm stays out


def test_rules_the_model_has_not_seen_enough_go_by_the_hand_set_thresholds():
    """A year the hand-set rules are sure of stays automatic however low the model puts
    it, when the model does not decide years; a word change goes by the model."""
    from ocrfix.correct import decide
    from ocrfix.correct.choices import CandidateChange, Choice
    from ocrfix.correct.features import NAMES

    model = decision.Decision(0.0, (), auto=0.6, suggest=0.3, rules=frozenset({"word"}))
    assert model.decides("word") and not model.decides("digits")
    assert not model.decides("dehyphenate")  # never, whatever training saw
    year = CandidateChange(Choice(0, 5, "1917", "digits", 5.0, 5.0), "I 917", np.zeros(1))
    word = CandidateChange(Choice(0, 3, "the", "word", 5.0, 5.0), "tbe", np.zeros(1))
    assert decide.suggestion(year, 0.01, model, (3.0, 1.0)).auto
    assert decide.suggestion(word, 0.01, model, (3.0, 1.0)) is None
    x = np.zeros((2, len(NAMES)))
    x[:, NAMES.index("hand verdict")] = 1.0
    x[0, NAMES.index("rule:digits")] = x[1, NAMES.index("rule:word")] = 1.0
    table = decision.CandidateTable(
        x, np.array([-4, -1]), np.array([False, False]), np.array(["a", "a"]),
        errors={"a": 10}, words=100, truth_words=100,
    )  # fmt: skip
    p = np.array([0.01, 0.01])
    assert decision.estimate(table, p, 0.6, 0.3, 1.0, model.rules).reduction == 0.4
    assert decision.estimate(table, p, 0.6, 0.3, 1.0).reduction == 0.0  # all by the model


def test_a_damaged_model_is_one_input_error(tmp_path):
    with pytest.raises(InputError, match="not a correction model"):
        store.load(tmp_path)
    (tmp_path / "model.json").write_text("{not json")
    (tmp_path / "channel.tsv").write_text("")
    with pytest.raises(InputError, match="damaged correction model"):
        store.load(tmp_path)


def test_ideal_review_takes_the_right_alternative_only():
    raw = "Tbe rnan saw tho dog"
    rows = [
        Row(1, 0, 1, 0, 3, "Tbe", "Tbc", "word", 0.4, False, alternatives=("The",)),
        Row(2, 0, 1, 4, 8, "rnan", "ran", "word", 0.4, False),  # wrong: not taken
        Row(3, 0, 1, 13, 16, "tho", "the", "word", 0.9, True),
    ]
    assert ideal_review(raw, rows, "The rnan saw the dog") == "The rnan saw the dog"


@needs_pairs
def test_training_is_reproducible_byte_for_byte(tmp_path):
    pairs = sorted(TRAIN.glob("*.ocr.txt"))[:12]
    folder = tmp_path / "pairs"
    folder.mkdir()
    for ocr in pairs:
        (folder / ocr.name).write_bytes(ocr.read_bytes())
        gt = ocr.with_name(ocr.name.replace(".ocr.txt", ".gt.txt"))
        (folder / gt.name).write_bytes(gt.read_bytes())
    first, second = tmp_path / "m1", tmp_path / "m2"
    cli = [sys.executable, "-m", "ocrfix.cli", "train", str(folder), "--choose-on", str(folder)]
    subprocess.run([*cli, "-o", str(first)], check=True, capture_output=True)
    subprocess.run([*cli, "-o", str(second)], check=True, capture_output=True)
    for name in ("model.json", "channel.tsv", "decision.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    model = store.load(first)
    assert model.rules and model.decision["trees"] and model.pairs == 12


@needs_pairs
def test_the_shipped_model_is_what_the_training_script_makes():
    """models/default is the channel of realocr/train as the code counts it today (the
    decision trees take minutes to refit: `make model` rebuilds all)."""
    from ocrfix.model.align import read_pairs

    shipped = store.load(store.DEFAULT_DIR)
    fresh = channel_model(read_pairs([TRAIN]), TrainSettings(), shipped.sources)
    assert fresh.rules == shipped.rules and fresh.settings == shipped.settings


def test_train_refuses_a_folder_without_pairs(tmp_path):
    with pytest.raises(InputError, match="no pairs"):
        train([tmp_path])


def test_run_refuses_a_folder_that_is_no_model_in_one_line(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text("Tbe rnan.\n")
    cli = [sys.executable, "-m", "ocrfix.cli", "run", str(source), "--out", str(tmp_path / "o")]
    done = subprocess.run([*cli, "--model", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "not a correction model" in done.stderr


def test_rejecting_a_bad_repair_of_a_garbled_word_does_not_protect_it():
    from ocrfix.review import learn

    rows = [
        Row(1, 0, 1, 0, 3, "tii", "tin", "word", 0.4, False, "reject"),
        Row(2, 0, 1, 4, 10, "Stolin", "Stalin", "word", 0.4, False, "keep"),
        Row(3, 0, 1, 11, 17, "qxzvbk", "much", "word", 0.4, False, "edit", "much"),
    ]
    taught = learn.evidence(rows)
    assert taught["kept"] == ["Stolin"]  # correct as printed; a rejected tii is not
    assert ["tii", "tin"] in taught["rejected"]
    assert learn.substitutions("qxzvbk", "much") == []  # a rewrite teaches no rule
