"""The correction engine on small texts written for these tests, and on the user's seeds.

The engine's rules and candidates are tested with the hand-set thresholds (no model:
``HAND``); the learned model's decisions are tested in ``test_model.py``.
"""

from __future__ import annotations

import json
import math

import pytest

from conftest import EVAL_DEV, SEEDS, require_shared
from ocrfix import cli, correct
from ocrfix.correct import assemble, engine, lexicon
from ocrfix.metrics import cer, word_errors
from ocrfix.suggestion import apply

PROSE = (
    "The members of the reading circle met in the back room of the library every second "
    "Thursday. They had agreed to read one pamphlet a fortnight, and to keep a record of "
    "each meeting so that those who missed an evening could follow the argument. Most of "
    "the pamphlets were printed cheaply between the wars, and many survive only as faded "
    "photocopies. The secretary kept the catalogue and a list of what each member had "
    "borrowed, and at the start of every meeting she read out the names of those who "
    "still had a pamphlet at home. Nobody minded: it was a small price for a library that "
    "cost nothing to join and that had grown, over the years, into a real archive of the "
    "labour movement in the town, with a shelf of local history and a drawer of letters."
)


HAND = assemble.corrector_with(None)  # the rules alone, decided by the hand-set thresholds


def clean(text: str) -> str:
    return apply(text, [s for s in HAND.suggest(text) if s.auto])


def test_character_confusions_are_repaired_with_case_and_punctuation_kept():
    raw = "The rrembers of the Corrunittee, RENEWEO, met at the rnain hall."
    assert clean(raw) == "The members of the Committee, RENEWED, met at the main hall."


def test_lost_letters_and_junk_inside_words():
    assert clean("That is the vo~ce of the politic~l st~te.") == (
        "That is the voice of the political state."
    )


def test_split_words_are_joined_and_real_word_pairs_are_not():
    assert clean("They met wi thout delay in the sta te archive.") == (
        "They met without delay in the state archive."
    )
    assert clean("It is a way in to the past.") == "It is a way in to the past."


def test_letter_spaced_words_are_rejoined():
    assert clean("the s oc ia l, pr i va te pro per t y of the town") == (
        "the social, private property of the town"
    )


def test_word_hyphenated_at_line_end_is_rejoined_on_the_first_line():
    raw = "the power of the bureau-\ncracy grew and grew\n"
    assert clean(raw) == "the power of the bureaucracy\ngrew and grew\n"


def test_real_compounds_keep_their_hyphen():
    raw = "a petty-bourgeois and over-intellectual critic\n"
    assert clean(raw) == raw


def test_margin_junk_is_dropped_where_lines_are_full_of_it():
    raw = (
        "I the members agreed to meet\n| every second week in the hall\n"
        "[ and to keep a record of each\nI meeting for those who missed it\n"
    )
    assert clean(raw) == (
        "the members agreed to meet\nevery second week in the hall\n"
        "and to keep a record of each\nmeeting for those who missed it\n"
    )


def test_a_line_starting_with_the_pronoun_i_is_left_alone():
    raw = "I think the meeting went well.\nI hope we meet again.\nThe hall was warm.\n"
    assert clean(raw) == raw


def test_years_with_misread_digits_are_mended():
    assert clean("In t9t7 and in I 917 the workers rose.") == (
        "In 1917 and in 1917 the workers rose."
    )


def test_sums_weights_and_numbers_with_a_letter_are_not_years():
    raw = "He was fined 100l. and a 121b weight; Police-constable 166 L, of 157A, spoke.\n"
    assert clean(raw) == raw


def test_lines_of_a_statement_starting_with_i_keep_it_where_many_lines_do():
    raw = (
        "I went to the house.\nI saw the prisoner there.\nI remained until noon.\n"
        "I took the knife from him.\nThe knife was sharp.\n"
    )
    assert clean(raw) == raw


def test_document_profile_recovers_a_systematic_confusion():
    damaged = PROSE.replace("a", "o")
    document = engine.Document(assemble.default_corrector(), damaged, {})
    document.learn()
    assert ("o", "a") in document.profile
    repaired = clean(damaged)
    assert cer(repaired, PROSE) < 0.35 * cer(damaged, PROSE)


def test_clean_prose_is_left_alone():
    assert clean(PROSE) == PROSE
    assert engine.Document(assemble.default_corrector(), PROSE, {}).suggestions() == []


def test_names_of_the_domain_lexicon_are_protected():
    raw = "Zinoviev, Kamenev and Preobrazhensky met Rakovsky in the Comintern."
    assert correct.suggest(raw) == []


def test_unsure_changes_are_suggestions_not_applied():
    raw = "The letters of the society were kept in a fetters box."
    suggestions = correct.suggest(raw)
    assert all(not s.auto for s in suggestions)


def test_suggestions_are_deterministic_and_do_not_overlap():
    require_shared()
    text = (SEEDS / "004_15612623ae90fc0f.txt").read_text("utf-8")[:20000]
    first, second = correct.suggest(text), correct.suggest(text)
    assert first == second
    apply(text, first)  # raises if two suggestions overlap or a span does not fit


def test_dev_pairs_improve_and_truths_stay_nearly_untouched():
    require_shared()
    before = after = changed = words = 0
    for ocr in sorted(EVAL_DEV.glob("seg_B_01*.ocr.txt")):
        truth = ocr.with_name(ocr.name.replace(".ocr.", ".gt.")).read_text("utf-8")
        raw = ocr.read_text("utf-8")
        before += cer(raw, truth) * len(truth)
        after += cer(clean(raw), truth) * len(truth)
        changed += word_errors(clean(truth), truth)
        words += len(truth.split())
    assert after < 0.6 * before
    assert changed <= 0.002 * words


def test_user_lexicon_protects_its_words(tmp_path):
    raw = "The Stolin group met on Monday.\n"
    assert "Stalin" in clean(raw)
    words = tmp_path / "names.txt"
    words.write_text("Stolin\n")
    kept = correct.suggest(raw, lexicons=(str(words),))
    assert apply(raw, [s for s in kept if s.auto]) == raw


def test_rejected_suggestions_are_never_made_again(tmp_path, monkeypatch):
    raw = "The rrembers met.\n"
    assert clean(raw) == "The members met.\n"
    (tmp_path / "rejected.tsv").write_text("rrembers\tmembers\n")
    monkeypatch.setenv("OCRFIX_DATA", str(tmp_path))
    assemble.corrector_for.cache_clear()
    try:
        assert all(s.original != "rrembers" for s in correct.suggest(raw))
    finally:
        monkeypatch.delenv("OCRFIX_DATA")
        assemble.corrector_for.cache_clear()


def test_lexicon_is_compiled_once_and_rebuilt_when_a_source_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    words = tmp_path / "terms.txt"
    words.write_text("Qwertyzov\n")
    first = lexicon.load([words], [])
    assert first.knows("qwertyzov")
    assert len(list((tmp_path / "cache" / "ocrfix").glob("lexicon-*.pickle"))) == 1
    assert lexicon.load([words], []).knows("qwertyzov")
    words.write_text("Asdfghkov\n")
    assert lexicon.load([words], []).knows("asdfghkov")
    assert len(list((tmp_path / "cache" / "ocrfix").glob("lexicon-*.pickle"))) == 2


def test_lexicon_build_harvests_names_from_clean_text(tmp_path, capsys):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("Kropotkin wrote to Bakunin. Kropotkin and Bakunin disagreed. The end.\n")
    out = tmp_path / "names.txt"
    assert cli.main(["lexicon", "build", str(corpus), "-o", str(out)]) == 0
    words = lexicon.read_word_list(out)
    assert {"Kropotkin", "Bakunin"} <= set(words) and "end" not in words
    assert lexicon.corpus_words(out) == 10  # a name's share of its corpus is its frequency
    compiled = lexicon.build([out], [])
    assert compiled.logp["kropotkin"] == pytest.approx(math.log(lexicon.DOMAIN_WEIGHT * 2 / 10))


def test_eval_reports_error_reduction_and_false_alarms(tmp_path, capsys):
    inputs, truths = tmp_path / "in", tmp_path / "gt"
    inputs.mkdir()
    truths.mkdir()
    (inputs / "a.txt").write_text("The rrembers of the Corrunittee met.\n")
    (truths / "a.gt.txt").write_text("The members of the Committee met.\n")
    (inputs / "b.txt").write_text("A plain sentence with nothing wrong.\n")
    (truths / "b.txt").write_text("A plain sentence with nothing wrong.\n")
    assert cli.main(["run", str(inputs), "--out", str(tmp_path / "out"), "-q"]) == 0
    assert cli.main(["eval", str(tmp_path / "out"), "--gt", str(truths), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    total = report["total"]
    assert total["char_errors_raw"] > 0 and total["char_errors_clean"] == 0
    assert total["error_reduction"] == pytest.approx(1.0)
    assert total["false_alarms"] == 0 and total["correct_words"] >= 9


def test_ordinary_conventions_of_clean_text_are_left_alone():
    raw = (
        "Each Contribution(s) and License(s) may include a PostScript file, sent at 8pm on "
        "the 5th of May in the 1930s by McDonald.\n"
    )
    assert clean(raw) == raw
    document = engine.Document(assemble.default_corrector(), raw * 5, {})
    document.learn()
    assert document.profile == {}


def test_stray_marks_beside_words_are_dropped():
    raw = (
        "Thus from. the point of view of six million .” Youth ‘constitute a block, "
        "and The -debate went on in 'l940 and Government.. Then it ended.\n"
    )
    assert clean(raw) == (
        "Thus from the point of view of six million.” Youth constitute a block, "
        "and The debate went on in 1940 and Government. Then it ended.\n"
    )


def test_real_quotes_dots_and_dashes_are_kept():
    raw = (
        "He called it ‘the state\nof the whole people’: a phrase. It was made with. "
        "Then - so... the 'good side' and the ‘bad side’ of it. In the '30s e.g. pre- and "
        "post-war.\n"
    )
    assert clean(raw) == raw


def test_a_rare_word_beside_a_fragment_is_joined_and_names_are_not():
    assert clean("the people’s unders tanding of themselves") == (
        "the people’s understanding of themselves"
    )
    assert clean("Yours, Ty Coon, President of Vice, runs the APIs.") == (
        "Yours, Ty Coon, President of Vice, runs the APIs."
    )


def test_commas_inside_words_and_lost_spaces_in_a_damaged_text():
    raw = (
        "The Bolsheviks held po,ver in Octobor. The workers ond soldiers held the copitol "
        "ond the stotion, ond the increose.lndustriol output wos lorge. Stolin ond his "
        "ollies wonted o lorge ormy ond o stote thot could hold the lond.\n"
    )
    out = clean(raw)
    assert "held power in" in out and "increase. Industrial output" in out


def test_hyphenated_word_rejoined_over_margin_junk_and_a_blank_line():
    raw = (
        "I The union grew ond grew.\nI Then some oher Trotskyists copitu-\nI lote. All the "
        "trode union octivi-\n\nty wos ended.\n| Tlre end ond the rest.\n"
    )
    out = clean(raw)
    assert "capitulate." in out and "activity" in out


def test_a_name_whose_capital_was_read_small_gets_it_back():
    out = clean("The Red Army held leningrad while the workers in Moscow waited.\n")
    assert out == "The Red Army held Leningrad while the workers in Moscow waited.\n"


def test_a_heavily_damaged_text_gets_words_two_edits_away():
    raw = (
        "The porty secrepry ond the workers of the foctory wonted o revoludon. Stolin "
        "ond his ollies held the stote, ond the porty wos lorge ond strong, ond the "
        "workers wonted o new stote ond o new porty of their own in the lond.\n"
    )
    document = engine.Document(HAND, raw, {})
    out = apply(raw, [s for s in document.suggestions() if s.auto])
    assert document.heavily_damaged
    assert "party secretary and" in out and "wanted a revolution." in out


def test_a_clean_text_with_rare_words_is_not_heavily_damaged():
    raw = "Zorbatrix and Quillfen met the secretary of the party in the old town hall.\n"
    document = engine.Document(assemble.default_corrector(), raw * 3, {})
    document.learn()
    assert not document.heavily_damaged
    assert clean(raw) == raw


def test_a_space_after_a_compound_hyphen_goes_and_a_suspended_hyphen_stays():
    raw = "Brest- Litovsk and counter- revolution, the pre- and post-war years.\n"
    assert clean(raw) == "Brest-Litovsk and counter-revolution, the pre- and post-war years.\n"


def test_a_slash_or_caret_inside_a_damaged_word_is_junk_and_and_or_is_not():
    assert clean("The Strugg/e for Mar^ism and/or 1/2 of it.\n") == (
        "The Struggle for Marxism and/or 1/2 of it.\n"
    )


def test_a_word_broken_before_a_compound_is_joined_with_its_first_piece():
    out = clean(
        "The Republicon side was sobotoged by bour\ngeois-Stolinist repression ond the "
        "workers ond peosonts were defeoted in the wor.\n"
    )
    assert "bourgeois-Stalinist\nrepression" in out
