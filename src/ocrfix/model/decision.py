"""The decision model: the probability that a candidate change is right.

Fitted on pairs of OCR and truth: the corrector proposes its candidate changes for each
OCR text (and for each truth, where every change is a false alarm); a change is *right*
when applying it brings the text nearer the truth (Levenshtein distance over a window
around it, whitespace collapsed, as the texts are judged). A logistic regression over
the features of :mod:`ocrfix.correct.features` (L2-penalised, fitted by Newton's method
in numpy: deterministic) turns the features into a calibrated probability. Two
thresholds on it, chosen on held-out pairs, make a change automatic or a suggestion.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from ocrfix.correct.features import NAMES, RULES
from ocrfix.metrics import char_errors, effect, truth_offsets
from ocrfix.model.align import Pair
from ocrfix.model.store import Model


@dataclass(frozen=True)
class Tree:
    """One regression tree, as arrays indexed by node: a node with ``feature`` -1 is a
    leaf worth ``value``; another sends a row left when its feature is at most
    ``threshold`` (or is missing and ``missing_left``). :attr:`Decision.forest` stacks
    the trees' arrays to walk them all at once."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    missing_left: np.ndarray

    def as_dict(self) -> dict:
        return {
            "feature": self.feature.tolist(),
            "threshold": self.threshold.tolist(),  # exact: a row may sit next to one
            "left": self.left.tolist(),
            "right": self.right.tolist(),
            "value": self.value.tolist(),
            "missing_left": self.missing_left.astype(int).tolist(),
        }


def tree_from_dict(data: dict) -> Tree:
    return Tree(
        np.array(data["feature"], dtype=np.int64),
        np.array(data["threshold"], dtype=float),
        np.array(data["left"], dtype=np.int64),
        np.array(data["right"], dtype=np.int64),
        np.array(data["value"], dtype=float),
        np.array(data["missing_left"], dtype=bool),
    )


# Words rejoined over a line-end hyphen go by the hand-set thresholds: how the training
# pairs' truths write such a hyphen is their transcribers' convention (Overproof keeps it
# as ``¬``), not evidence of the page.
HAND_RULES = frozenset({"dehyphenate"})


@dataclass(frozen=True)
class Decision:
    """Gradient-boosted trees over :data:`~ocrfix.correct.features.NAMES` (log-odds:
    ``base`` plus each tree's leaf) and the two thresholds on the probability."""

    base: float
    trees: tuple[Tree, ...]
    auto: float = 0.5  # a change at least this probable is applied
    suggest: float = 0.2  # ... one at least this probable is offered for review
    sure: float = 1.0  # ... and one the hand-set rules are sure of, at least this probable
    rules: frozenset[str] = frozenset(RULES)  # the rules it decides (seen often enough)

    def decides(self, rule: str) -> bool:
        """Whether the model decides changes of ``rule``: the rule is not one left to the
        hand-set thresholds, and training saw enough right changes of it."""
        return rule in self.rules and rule not in HAND_RULES

    @functools.cached_property
    def forest(self) -> Tree:
        """All trees as one: arrays of shape (trees, nodes), padded with leaves worth 0."""
        size = max((len(t.feature) for t in self.trees), default=1)

        def stack(name: str, fill) -> np.ndarray:
            rows = [np.pad(getattr(t, name), (0, size - len(t.feature)), constant_values=fill)
                    for t in self.trees]  # fmt: skip
            return np.array(rows).reshape(len(self.trees), size)

        return Tree(
            stack("feature", -1), stack("threshold", 0.0), stack("left", 0),
            stack("right", 0), stack("value", 0.0), stack("missing_left", False),
        )  # fmt: skip

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """The probability that each row's change is right (every tree walked at once)."""
        if not len(x) or not self.trees:
            return np.full(len(x), 1.0 / (1.0 + math.exp(-self.base)))
        f = self.forest
        trees = np.arange(len(self.trees))[None, :]
        rows = np.arange(len(x))[:, None]
        node = np.zeros((len(x), len(self.trees)), dtype=np.int64)
        for _ in range(f.feature.shape[1]):
            feature = f.feature[trees, node]
            inner = feature >= 0
            if not inner.any():
                break
            values = x[rows, np.maximum(feature, 0)]
            go_left = np.where(np.isnan(values), f.missing_left[trees, node],
                               values <= f.threshold[trees, node])  # fmt: skip
            step = np.where(go_left, f.left[trees, node], f.right[trees, node])
            node = np.where(inner, step, node)
        z = self.base + f.value[trees, node].sum(axis=1)
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def as_dict(self) -> dict:
        return {
            "features": list(NAMES),
            "base": self.base,
            "auto": self.auto,
            "suggest": self.suggest,
            "sure": self.sure,
            "rules": sorted(self.rules),
            "trees": [t.as_dict() for t in self.trees],
        }


def from_dict(data: dict) -> Decision | None:
    """The decision model stored with a model; None when it has none or it was fitted on
    other features."""
    if not data or tuple(data.get("features", ())) != NAMES:
        return None
    trees = tuple(tree_from_dict(t) for t in data["trees"])
    rules = frozenset(data.get("rules", RULES))
    return Decision(
        data["base"], trees, data["auto"], data["suggest"], data.get("sure", 1.0), rules
    )


@dataclass
class CandidateTable:
    """Every candidate change the corrector proposed for a set of pairs: its features,
    its effect on the distance to the truth (0 in a truth text), whether it was proposed
    in a truth text (where it is a false alarm) and the source of its pair (the name up to
    the first ``_``); the character errors of each source's OCR texts, and the words of
    the OCR texts and of the truths."""

    x: np.ndarray
    effect: np.ndarray
    in_truth: np.ndarray
    source: np.ndarray
    errors: dict[str, int]  # character errors of the OCR texts, per source
    words: int  # words of the OCR texts
    truth_words: int  # words of the truths

    @property
    def right(self) -> np.ndarray:
        return (self.effect < 0) & ~self.in_truth

    @property
    def hand_sure(self) -> np.ndarray:
        """The candidates the hand-set thresholds would apply."""
        return self.x[:, NAMES.index("hand verdict")] == 1.0

    def of_rules(self, rules: Iterable[str]) -> np.ndarray:
        """The candidates of any of ``rules``."""
        columns = [NAMES.index(f"rule:{r}") for r in rules]
        return (self.x[:, columns] == 1.0).any(axis=1)

    def support(self) -> dict[str, int]:
        """The right changes among the candidates, per rule."""
        return {r: int((self.of_rules([r]) & self.right).sum()) for r in RULES}


def source_of(name: str) -> str:
    return name.split("_")[0]


def pair_candidates(pair: Pair, corrector) -> tuple[list[np.ndarray], list[int], list[bool]]:
    """Features, effects and in-truth flags of the candidates for one pair's OCR text and
    for its truth."""
    from ocrfix.correct.engine import Document

    offsets = truth_offsets(pair.ocr, pair.truth)
    rows, effects, in_truth = [], [], []
    for found in Document(corrector, pair.ocr, {}).candidate_changes():
        rows.append(found.features)
        effects.append(
            effect(pair.ocr, pair.truth, offsets, found.start, found.end, found.replacement)
        )
        in_truth.append(False)
    for found in Document(corrector, pair.truth, {}).candidate_changes():
        rows.append(found.features)
        effects.append(0)
        in_truth.append(True)
    return rows, effects, in_truth


@dataclass(frozen=True)
class BoostSettings:
    """How the trees are grown (scikit-learn's HistGradientBoostingClassifier)."""

    trees: int = 200
    learning_rate: float = 0.05
    leaves: int = 15
    l2: float = 1.0


def boosted(x: np.ndarray, y: np.ndarray, settings: BoostSettings = BoostSettings()) -> Decision:
    """Gradient-boosted trees fitted to ``(x, y)``, taken out of scikit-learn as arrays
    (deterministic: fixed seed, no early stopping)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    clf = HistGradientBoostingClassifier(
        max_iter=settings.trees,
        learning_rate=settings.learning_rate,
        max_leaf_nodes=settings.leaves,
        l2_regularization=settings.l2,
        early_stopping=False,
        random_state=0,
    ).fit(x, y)
    trees = []
    for (predictor,) in clf._predictors:  # one tree per round for two classes
        nodes = predictor.nodes
        leaf = nodes["is_leaf"].astype(bool)
        trees.append(
            Tree(
                np.where(leaf, -1, nodes["feature_idx"]).astype(np.int64),
                nodes["num_threshold"].astype(float),
                nodes["left"].astype(np.int64),
                nodes["right"].astype(np.int64),
                np.where(leaf, nodes["value"], 0.0).astype(float),
                nodes["missing_go_to_left"].astype(bool),
            )
        )
    return Decision(float(clf._baseline_prediction.ravel()[0]), tuple(trees))


_WORKER: dict = {}


def _start_worker(model: Model) -> None:
    from ocrfix.correct.assemble import corrector_with

    _WORKER["corrector"] = corrector_with(model, decision=False)


def _pair_candidates(pair: Pair):
    return pair_candidates(pair, _WORKER["corrector"])


def candidate_table(
    pairs: list[Pair], model: Model, progress: Callable[[str], None], workers: int = 0
) -> CandidateTable:
    """The candidates of ``pairs`` under ``model``'s channel, in pair order whatever the
    number of worker processes."""
    from concurrent.futures import ProcessPoolExecutor

    rows: list[np.ndarray] = []
    effects: list[int] = []
    in_truth: list[bool] = []
    sources: list[str] = []
    workers = workers or (os.cpu_count() or 1)
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(model,)) as pool:
        found = pool.map(_pair_candidates, pairs, chunksize=4)
        for n, (pair, (x, e, t)) in enumerate(zip(pairs, found, strict=True), start=1):
            rows += x
            effects += e
            in_truth += t
            sources += [source_of(pair.name)] * len(x)
            if n % 100 == 0 or n == len(pairs):
                progress(f"candidates: {n}/{len(pairs)} pairs, {len(rows)} found")
    errors: dict[str, int] = {}
    for pair in pairs:
        key = source_of(pair.name)
        errors[key] = errors.get(key, 0) + char_errors(pair.ocr, pair.truth)
    return CandidateTable(
        np.array(rows).reshape(len(rows), len(NAMES)),
        np.array(effects, dtype=np.int64),
        np.array(in_truth, dtype=bool),
        np.array(sources),
        errors,
        sum(len(p.ocr.split()) for p in pairs),
        sum(len(p.truth.split()) for p in pairs),
    )


@dataclass(frozen=True)
class Targets:
    """What the thresholds are chosen for, on held-out pairs."""

    false_alarms: float = 3.0  # automatic changes in the truths, per 10,000 words, at most
    review_load: float = 20.0  # suggestions left for a person per 1,000 words, at most


@dataclass(frozen=True)
class Estimate:
    """Figures of a decision's thresholds on a candidate table (each change on its own)."""

    auto: float
    suggest: float
    sure: float
    reduction: float  # of the OCR's character errors, by the automatic changes
    source_reduction: float  # ... the mean over the sources
    false_alarms: float  # per 10,000 words of the truths
    ideal_reduction: float  # ... by the automatic changes and the right suggestions
    review_load: float  # suggestions that are not automatic, per 1,000 words

    def __str__(self) -> str:
        return (
            f"auto >= {self.auto:g} (or >= {self.sure:g} where the hand-set rules are sure), "
            f"suggest >= {self.suggest:g}: {self.reduction:.1%} of the errors removed "
            f"({self.source_reduction:.1%} the mean over sources), {self.false_alarms:.1f} "
            f"false alarms per 10k words; after an ideal review {self.ideal_reduction:.1%} "
            f"with {self.review_load:.1f} items per 1,000 words"
        )


def automatic(p, hand_sure, auto: float, sure: float):
    """Whether a change the model decides is automatic (numbers or arrays alike): its
    probability ``p`` is at ``auto`` or up, or at ``sure`` or up where the hand-set
    thresholds would apply it (``hand_sure``)."""
    return (p >= auto) | (hand_sure & (p >= sure))


def applied(
    table: CandidateTable, p: np.ndarray, auto: float, sure: float, decided: np.ndarray
) -> np.ndarray:
    """The candidates made automatic: by the model where it decides (``decided``), by the
    hand-set thresholds elsewhere."""
    by_model = automatic(p, table.hand_sure, auto, sure)
    return np.where(decided, by_model, table.hand_sure)


def estimate(
    table: CandidateTable,
    p: np.ndarray,
    auto: float,
    suggest: float,
    sure: float = 1.0,
    rules: Iterable[str] = RULES,
) -> Estimate:
    """The figures of the thresholds on ``table``, the model deciding ``rules`` (see
    :meth:`Decision.decides`) and the hand-set thresholds the rest."""
    ocr = ~table.in_truth
    decided = table.of_rules(set(rules) - HAND_RULES)
    done = applied(table, p, auto, sure, decided)
    offered = np.where(decided, p >= suggest, True) & ~done
    gain = -table.effect[done & ocr].sum()
    helpful = offered & ocr & (table.effect < 0)
    total = max(sum(table.errors.values()), 1)
    per_source = [
        -table.effect[done & ocr & (table.source == name)].sum() / max(errors, 1)
        for name, errors in table.errors.items()
    ]
    return Estimate(
        auto,
        suggest,
        sure,
        gain / total,
        float(np.mean(per_source)) if per_source else 0.0,
        1e4 * (done & table.in_truth).sum() / max(table.truth_words, 1),
        (gain - table.effect[helpful].sum()) / total,
        1e3 * (offered & ocr).sum() / max(table.words, 1),
    )


def choose(decision: Decision, table: CandidateTable, targets: Targets = Targets()) -> Decision:
    """The decision with thresholds chosen on ``table``: the automatic ones (for every
    change, and for those the hand-set rules are sure of) give the largest mean reduction
    over the sources within the false-alarm target (or, if none meets it, with the fewest
    false alarms); the suggestion one the most reduction after an ideal review within the
    review-load target."""
    p = decision.probabilities(table.x)
    grid = [round(0.05 * k, 2) for k in range(0, 21)]
    pairs = [(a, s) for a in grid[1:] for s in grid if s <= a]
    found = [estimate(table, p, a, a, s, decision.rules) for a, s in pairs]
    # the target, or where it is out of reach the fewest false alarms
    limit = max(targets.false_alarms, min(e.false_alarms for e in found))
    _, auto, sure = max(
        (e.source_reduction, e.auto, e.sure) for e in found if e.false_alarms <= limit
    )
    lower = [s for s in grid[1:] if s <= auto]
    loads = [
        (e.ideal_reduction, e.suggest)
        for e in (estimate(table, p, auto, s, sure, decision.rules) for s in lower)
        if e.review_load <= targets.review_load
    ]
    _, suggest = max(loads or [(0.0, auto)])
    return dataclasses.replace(decision, auto=auto, suggest=suggest, sure=sure)


def fit(
    pairs: list[Pair], model: Model, progress: Callable[[str], None], min_support: int = 50
) -> Decision:
    """The decision model for ``model``'s channel, fitted on ``pairs``; it decides the
    rules of which the pairs have at least ``min_support`` right changes (the rest go by
    the hand-set thresholds)."""
    table = candidate_table(pairs, model, progress)
    found = boosted(table.x, table.right.astype(int))
    progress(f"decision: fitted on {len(table.x)} candidates, {int(table.right.sum())} right")
    support = table.support()
    rules = frozenset(r for r, n in support.items() if n >= min_support) - HAND_RULES
    seen = ", ".join(f"{r} {n}" for r, n in support.items())
    progress(f"decision: right changes per rule: {seen}; decides {', '.join(sorted(rules))}")
    return dataclasses.replace(found, rules=rules)
