"""A correction model on disk: a folder of plain text files, read and written whole.

    MODEL_DIR/
      model.json    format, sources, the corrector's settings under the model
      channel.tsv   observed<TAB>intended<TAB>cost<TAB>count: the learned rules
      decision.json the decision model: features, trees, thresholds

The same model is always written as the same bytes (sorted rows, rounded numbers), so a
model can be checked into a repository and its hash taken into the fingerprint that
decides whether a document must be corrected again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ocrfix.errors import InputError
from ocrfix.fsio import staged_folder

FORMAT = 1
_PACKAGED = Path(__file__).resolve().parents[1] / "models" / "default"  # inside a wheel
DEFAULT_DIR = (
    _PACKAGED if _PACKAGED.is_dir() else Path(__file__).resolve().parents[3] / "models" / "default"
)


@dataclass
class Model:
    """What ``ocrfix train`` learns: channel rules with their counts, the corrector's
    settings under them, and the decision model."""

    rules: dict[tuple[str, str], float]
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    settings: dict[str, float] = field(default_factory=dict)  # channel weight, candidate floor
    decision: dict = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    pairs: int = 0

    def digest(self) -> str:
        """A hash of the model's content."""
        return hashlib.sha256(b"".join(_files(self).values())).hexdigest()[:16]


def _files(model: Model) -> dict[str, bytes]:
    head = {
        "format": FORMAT,
        "sources": model.sources,
        "pairs": model.pairs,
        "settings": model.settings,
    }
    rows = ["# observed\tintended\tcost\tcount"]
    for (observed, intended), cost in sorted(model.rules.items()):
        rows.append(
            f"{observed}\t{intended}\t{cost:.3f}\t{model.counts.get((observed, intended), 0)}"
        )
    files = {
        "model.json": (json.dumps(head, indent=1, sort_keys=True) + "\n").encode(),
        "channel.tsv": ("\n".join(rows) + "\n").encode(),
    }
    if model.decision:
        files["decision.json"] = (json.dumps(model.decision, sort_keys=True) + "\n").encode()
    return files


def save(model: Model, folder: Path) -> None:
    """Write ``model`` to ``folder`` as one change (a staged folder swapped in)."""
    with staged_folder(folder) as stage:
        for name, data in _files(model).items():
            (stage / name).write_bytes(data)


def load(folder: Path) -> Model:
    """The model in ``folder``; a missing or damaged one is an :class:`InputError`."""
    try:
        head = json.loads((folder / "model.json").read_text("utf-8"))
        rules, counts = {}, {}
        for line in (folder / "channel.tsv").read_text("utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            observed, intended, cost, seen = line.split("\t")
            rules[(observed, intended)] = float(cost)
            counts[(observed, intended)] = int(seen)
        decision_file = folder / "decision.json"
        decision = json.loads(decision_file.read_text("utf-8")) if decision_file.exists() else {}
    except FileNotFoundError as error:
        missing = Path(error.filename).name
        raise InputError(folder, f"not a correction model (no {missing})") from None
    except (OSError, ValueError, json.JSONDecodeError) as error:
        raise InputError(folder, f"damaged correction model ({error})") from None
    if head.get("format") != FORMAT:
        raise InputError(folder, f"correction model of format {head.get('format')}, not {FORMAT}")
    return Model(
        rules,
        counts,
        head.get("settings", {}),
        decision,
        head.get("sources", []),
        head.get("pairs", 0),
    )
