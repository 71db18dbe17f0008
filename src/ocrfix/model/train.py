"""``ocrfix train``: a correction model from pairs of OCR and truth.

The channel is counted from the aligned pairs (:mod:`ocrfix.model.channel`); the decision
model is then fitted
on what the corrector, with that channel, proposes for the same pairs
(:mod:`ocrfix.model.decision`). Same pairs, same model, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ocrfix.errors import InputError
from ocrfix.model import channel, decision
from ocrfix.model.align import Pair, read_pairs
from ocrfix.model.store import Model

WORD_CHARS = set("abcdefghijklmnopqrstuvwxyz'-")


@dataclass(frozen=True)
class TrainSettings:
    """What training may be told."""

    channel: channel.ChannelSettings = field(default_factory=channel.ChannelSettings)
    fit_decision: bool = True  # fit the decision model too (it needs the corrector: slower)
    channel_weight: float = 0.7  # the scale of the learned costs against the language model
    candidate_gain: float = -1.0  # candidates are proposed down to this gain over keeping
    targets: decision.Targets = field(default_factory=decision.Targets)
    min_support: int = 50  # right changes of a rule in the pairs before the model decides it


def channel_model(pairs: list[Pair], settings: TrainSettings, sources: list[str]) -> Model:
    """The model's channel: rules whose intended side can be part of a word."""
    counts = channel.count(pairs)
    rules = {
        key: cost
        for key, cost in channel.rules(counts, settings.channel).items()
        if set(key[1]) <= WORD_CHARS
    }
    seen = {key: counts.edits.get(key, 0) for key in rules}
    under = {"weight": settings.channel_weight, "candidate_gain": settings.candidate_gain}
    return Model(rules, seen, under, {}, sources, len(pairs))


def pairs_under(paths: list[Path]) -> list[Pair]:
    """The pairs under ``paths``; none at all is an :class:`InputError`."""
    pairs = read_pairs(paths)
    if not pairs:
        where = ", ".join(map(str, paths))
        raise InputError(
            where, "no pairs (NAME.ocr.txt with NAME.gt.txt, or raw.txt with final.txt)"
        )
    return pairs


def train(
    paths: list[Path],
    held_out: list[Path] = (),
    settings: TrainSettings = TrainSettings(),
    progress: Callable[[str], None] = lambda _: None,
) -> Model:
    """A model learned from the pairs under ``paths``, its thresholds chosen on the pairs
    under ``held_out`` (without them, the decision model's defaults)."""
    pairs = pairs_under(list(paths))
    progress(f"{len(pairs)} pairs")
    sources = sorted({p.name.split("_")[0] for p in pairs})
    model = channel_model(pairs, settings, sources)
    progress(f"channel: {len(model.rules)} rules")
    if settings.fit_decision:
        chosen = decision.fit(pairs, model, progress, settings.min_support)
        if held_out:
            table = decision.candidate_table(pairs_under(list(held_out)), model, progress)
            chosen = decision.choose(chosen, table, settings.targets)
            p = chosen.probabilities(table.x)
            figures = decision.estimate(
                table, p, chosen.auto, chosen.suggest, chosen.sure, chosen.rules
            )
            progress(f"thresholds: {figures}")
        model.decision = chosen.as_dict()
    return model
