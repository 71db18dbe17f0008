"""Putting a corrector together: ocrfix's lexicons, the correction model (channel, settings,
decision model) and what reviewers taught it; and the fingerprint of all of that, which
tells the pipeline when a document must be corrected again.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from pathlib import Path

from ocrfix import userdata
from ocrfix.correct import confusions, lexicon
from ocrfix.correct.config import Settings
from ocrfix.correct.confusions import Channel
from ocrfix.correct.engine import Corrector
from ocrfix.model import store
from ocrfix.model.decision import from_dict


def learned_sources() -> list[Path]:
    """The reviewers' learned files that exist: protected words, confusions, rejections."""
    userdata.settle()
    paths = [userdata.protected_path(), userdata.confusions_path(), userdata.rejected_path()]
    return [p for p in paths if p.exists()]


def fingerprint(extra_lexicons: tuple[str, ...] = (), model_dir: str | None = None) -> str:
    """A hash of everything the corrector reads: its code, lexicons, confusions, the
    correction model and learned data."""
    digest = hashlib.sha256(f"{lexicon.FORMAT}\0{Settings()!r}".encode())
    model = store.DEFAULT_DIR if model_dir is None else Path(model_dir)
    code = sorted(Path(__file__).parent.glob("*.py")) + sorted(
        Path(store.__file__).parent.glob("*.py")
    )
    sources = [
        *code,
        *lexicon.default_sources(),
        *map(Path, extra_lexicons),
        confusions.TABLE,
        *sorted(p for p in model.glob("*") if p.is_file()),
        *learned_sources(),
    ]
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def load_model(model_dir: str | None) -> store.Model | None:
    """The model in ``model_dir``, by default the one ocrfix ships (None if not built)."""
    if model_dir:
        return store.load(Path(model_dir))
    if (store.DEFAULT_DIR / "model.json").is_file():
        return store.load(store.DEFAULT_DIR)
    return None


def model_channel(model: store.Model | None) -> Channel:
    """The channel of ``model``: its learned rules (costs times the model's weight) with
    the hand-written table's beside them (a rule in both keeps the lower cost), and the
    table's costs for arbitrary edits; without a model, the table alone."""
    table = confusions.load_table()
    if model is None:
        return table
    learned = confusions.from_rules(model.rules, model.settings.get("weight", 1.0))
    return learned.merged(table)


def model_settings(model: store.Model | None) -> Settings:
    """The corrector's settings under ``model``: a learned model has candidates proposed
    down to its own floor of gain, for its decision model to weigh."""
    if model is None or "candidate_gain" not in model.settings:
        return Settings()
    return dataclasses.replace(Settings(), suggest_gain=model.settings["candidate_gain"])


def corrector_with(model: store.Model | None, decision: bool = True) -> Corrector:
    """A corrector of ``model`` and ocrfix's own lexicons only (nothing a user taught):
    what training fits the decision model with (``decision=False``)."""
    chosen = from_dict(model.decision) if model is not None and decision else None
    channel, settings = model_channel(model), model_settings(model)
    return Corrector(lexicon.load(), channel, settings=settings, decision=chosen)


@functools.cache
def corrector_for(extra_lexicons: tuple[str, ...] = (), model_dir: str | None = None) -> Corrector:
    """The corrector with ocrfix's lexicons, the user's ``extra_lexicons``, the correction
    model in ``model_dir`` and what reviewers taught it (see :mod:`ocrfix.userdata`),
    loaded once per process."""
    userdata.settle()
    domain = [*lexicon.default_sources(), *map(Path, extra_lexicons)]
    protected = [userdata.protected_path()] if userdata.protected_path().exists() else []
    model = load_model(model_dir)
    channel = model_channel(model)
    if userdata.confusions_path().exists():
        channel = channel.merged(confusions.load_table(userdata.confusions_path()))
    decision = from_dict(model.decision) if model is not None else None
    return Corrector(
        lexicon.load(domain, protected), channel, model_settings(model),
        rejected=userdata.read_rejected(), decision=decision,
    )  # fmt: skip


def default_corrector() -> Corrector:
    return corrector_for(())
