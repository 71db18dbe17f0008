"""Learning from reviewers: protected words, a learned confusion table, rejected pairs.

From every decided row of a document's ``suggestions.csv``:

- ``reject`` ("not this change"): the pair ``(original, replacement)`` goes to
  ``rejected.tsv``, and the corrector never suggests it again; the original word is not
  protected (rejecting a bad repair of ``tii`` must not make ``tii`` a word: another
  repair may be right);
- ``keep`` ("correct as printed"): the pair is rejected as well, and the original word goes
  to ``protected.txt`` (unless some reviewer accepted a change of that very word
  elsewhere): the corrector never changes it again;
- ``edit:TEXT``: the suggested pair is rejected as well, and ``original -> TEXT`` counts as
  an accepted correction;
- ``accept``: the character substitutions that turn the original into the replacement are
  counted, and each becomes a rule of the learned ``confusions.tsv`` with the cost
  ``-ln(n / (n + PRIOR))`` nats for ``n`` accepted corrections that made it. Only small
  aligned edits teach (at most ``MAX_BLOCKS`` of them, the words mostly alike): an edit
  that rewrites a garbled word teaches nothing.

What each document contributed is kept in ``reviewed.json`` (keyed by the input's SHA-256),
so learning again from the same decisions, or from changed ones, replaces that document's
contribution instead of adding it twice. Lines that someone else put in the three files are
kept. The three files and the ledger are written as one change (a journal, then the files:
see :func:`ocrfix.fsio.write_together`), under a lock on the folder, so a crash midway can
never make the next ``learn`` count the same decisions twice.
"""

from __future__ import annotations

import contextlib
import json
import math
import string
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from ocrfix import userdata
from ocrfix.fsio import finish_pending, folder_lock, write_together
from ocrfix.model.align import regions
from ocrfix.review.decisions import ACCEPT, EDIT, KEEP, DecisionError, Row, load

PRIOR = 4.0  # pseudo-count of "no confusion" against which accepted corrections are weighed
MIN_COST = 0.1
MAX_SIDE = 3  # longest observed or intended side of a learned rule (as in lexicons/)
MIN_SIMILARITY = 0.5  # a replacement less like its original is a rewrite, not an OCR slip
MAX_BLOCKS = 2  # a correction with more separate edits is a rewrite too
_EDGE = string.punctuation + string.whitespace + "“”‘’«»—–"


# ---------------------------------------------------------------- pure pieces


def substitutions(original: str, intended: str) -> list[tuple[str, str]]:
    """The character confusions ``observed -> intended`` that turn one word into the other.

    Adjacent edits of an alignment are merged; case is ignored (the confusion table is in
    lower case); edits that touch whitespace (joins, splits, layout) are not confusions.

    >>> substitutions("rneets", "meets")
    [('rn', 'm')]
    >>> substitutions("hbrary", "library")
    [('h', 'li')]
    >>> substitutions("cornrnittee", "committee")
    [('rn', 'm'), ('rn', 'm')]
    >>> substitutions("w ithout", "without")
    []
    """
    a, b = original.lower(), intended.lower()
    if a == b or Levenshtein.normalized_similarity(a, b) < MIN_SIMILARITY:
        return []
    # adjacent edits merged, as when a model is trained
    blocks = [block for r in regions(a, b) for block in _repeated(r.observed, r.intended)]
    if len(blocks) > MAX_BLOCKS:
        return []
    return [
        (o, i)
        for o, i in blocks
        if o
        and len(o) <= MAX_SIDE
        and len(i) <= MAX_SIDE
        and not o.startswith("#")
        and not any(ch.isspace() for ch in o + i)
    ]


def _repeated(observed: str, intended: str) -> list[tuple[str, str]]:
    """A block made of one confusion repeated, as that many blocks.

    >>> _repeated("rnrn", "mm")
    [('rn', 'm'), ('rn', 'm')]
    """
    for k in range(min(len(observed), len(intended) or len(observed)), 1, -1):
        if len(observed) % k or len(intended) % k:
            continue
        o, i = observed[: len(observed) // k], intended[: len(intended) // k]
        if o * k == observed and i * k == intended:
            return [(o, i)] * k
    return [(observed, intended)]


def cost(count: int) -> float:
    """Nats for a confusion seen ``count`` times: ``-ln(count / (count + PRIOR))``.

    >>> cost(1), cost(4), cost(100)
    (1.609, 0.693, 0.1)
    """
    return round(max(MIN_COST, -math.log(count / (count + PRIOR))), 3)


def protectable(original: str) -> str | None:
    """The word a kept original stands for, or ``None`` if it is not one word.

    >>> protectable("Stolin,"), protectable("ho ld"), protectable("| "), protectable("-\\nlogue")
    ('Stolin', None, None, None)
    """
    core = original.strip()
    if any(ch.isspace() for ch in core):
        return None
    core = core.strip(_EDGE)
    return core if any(ch.isalpha() for ch in core) else None


def evidence(rows: Iterable[Row]) -> dict[str, list]:
    """What one document's decisions teach: accepted and rejected pairs, kept words.

    >>> row = lambda cell: Row(1, 1, 1, 0, 6, "Stolin", "Stalin", "word", 0.9, True, cell)
    >>> evidence([row("reject")])
    {'accepted': [], 'rejected': [['Stolin', 'Stalin']], 'kept': []}
    >>> evidence([row("keep")])
    {'accepted': [], 'rejected': [['Stolin', 'Stalin']], 'kept': ['Stolin']}
    """
    accepted, rejected, kept = [], [], []
    for row in rows:
        if row.decision in (ACCEPT, EDIT) and row.intended != row.original:
            accepted.append([row.original, row.intended])
        if row.refused or (row.decision == EDIT and row.edit != row.replacement):
            rejected.append([row.original, row.replacement])
        word = protectable(row.original) if row.decision == KEEP else None
        if word:
            kept.append(word)
    return {"accepted": sorted(accepted), "rejected": sorted(rejected), "kept": sorted(kept)}


@dataclass
class Learned:
    """The three learned tables."""

    protected: Counter[str] = field(default_factory=Counter)
    confusions: dict[tuple[str, str], float] = field(default_factory=dict)
    rejected: set[tuple[str, str]] = field(default_factory=set)


def derive(ledger: dict[str, dict]) -> Learned:
    """The learned tables from every document's evidence."""
    counts: Counter[tuple[str, str]] = Counter()
    kept: Counter[str] = Counter()
    corrected: set[str] = set()
    rejected: set[tuple[str, str]] = set()
    for entry in ledger.values():
        for original, intended in entry.get("accepted", []):
            counts.update(substitutions(original, intended))
            if word := protectable(original):
                corrected.add(word.lower())
        rejected.update((o, r) for o, r in entry.get("rejected", []))
        kept.update(entry.get("kept", []))
    protected = Counter({w: n for w, n in kept.items() if w.lower() not in corrected})
    return Learned(protected, {pair: cost(n) for pair, n in counts.items()}, rejected)


def merge(new: Learned, old_derived: Learned, on_disk: Learned) -> Learned:
    """``new``, plus what is on disk that an earlier ``learn`` did not write (kept as is)."""
    protected = Counter(
        {w: n for w, n in on_disk.protected.items() if w not in old_derived.protected}
    )
    protected.update(new.protected)
    confusions = {p: c for p, c in on_disk.confusions.items() if p not in old_derived.confusions}
    confusions.update(new.confusions)
    rejected = (on_disk.rejected - old_derived.rejected) | new.rejected
    return Learned(protected, confusions, rejected)


# ---------------------------------------------------------------- files


PROTECTED_HEADER = (
    "# Words reviewers kept as printed (decision keep), with how often; written by\n"
    "# `ocrfix learn`. The corrector never changes them. Lines you add are kept.\n"
)
CONFUSIONS_HEADER = (
    "# OCR confusions reviewers accepted, learned by `ocrfix learn`: what the engine printed,\n"
    f"# what the page said, and the cost in nats, -ln(n/(n+{PRIOR:g})) for n accepted\n"
    "# corrections that made it. Lines you add are kept.\n"
    "# observed\tintended\tcost\n"
)
REJECTED_HEADER = (
    "# Suggestions reviewers rejected: original<TAB>replacement (\\t \\n \\r \\f \\\\ escaped),\n"
    "# written by `ocrfix learn`. The corrector never suggests them again.\n"
)


def _lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [
        line.removesuffix("\r")
        for line in path.read_text("utf-8").split("\n")
        if line.strip() and not line.startswith("#")
    ]


def read_learned(folder: Path) -> Learned:
    """The three files of a learned-data folder as they are (missing files are empty)."""
    protected: Counter[str] = Counter()
    for line in _lines(folder / "protected.txt"):
        word, _, count = line.partition("\t")
        protected[word.strip()] += int(count) if count.strip().isdigit() else 1
    confusions = {}
    for line in _lines(folder / "confusions.tsv"):
        parts = line.split("\t")
        if len(parts) == 3:
            with contextlib.suppress(ValueError):
                confusions[(parts[0], parts[1])] = float(parts[2])
    rejected = set(userdata.read_rejected(folder / "rejected.tsv"))
    return Learned(protected, confusions, rejected)


def render(learned: Learned) -> dict[str, str | None]:
    """The text of each file, sorted so that the same knowledge gives the same bytes;
    ``None`` for a table with nothing in it (no file: an empty table is no table)."""
    protected = "".join(
        f"{w}\t{n}\n" for w, n in sorted(learned.protected.items(), key=lambda x: (x[0].lower(), x))
    )
    confusions = "".join(f"{o}\t{i}\t{c:g}\n" for (o, i), c in sorted(learned.confusions.items()))
    rejected = "".join(
        f"{userdata.escape(o)}\t{userdata.escape(r)}\n" for o, r in sorted(learned.rejected)
    )
    return {
        "protected.txt": PROTECTED_HEADER + protected if protected else None,
        "confusions.tsv": CONFUSIONS_HEADER + confusions if confusions else None,
        "rejected.tsv": REJECTED_HEADER + rejected if rejected else None,
    }


def document_key(folder: Path) -> str:
    """The ledger key of a document: its input's SHA-256, else its folder's path."""
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        return "sha256:" + json.loads((folder / "manifest.json").read_text("utf-8"))["sha256"]
    return "folder:" + str(folder.resolve())


def same_folder(entry: object, folders: set[str]) -> bool:
    """A ledger entry was learned from one of ``folders`` (absolute paths).

    A document redone after its input changed has a new SHA-256 but the same folder: what
    its earlier reading taught is replaced, not counted beside the new one.
    """
    if not isinstance(entry, dict) or not isinstance(entry.get("source"), str):
        return False
    return str(Path(entry["source"]).resolve()) in folders


# ---------------------------------------------------------------- the command


@dataclass
class LearnResult:
    """What ``learn`` did: documents read, decisions used, table sizes, refusals."""

    folder: Path
    documents: int = 0
    accepted: int = 0
    rejected: int = 0  # reject and keep
    kept: int = 0  # keep: correct as printed
    protected_words: int = 0
    confusions: int = 0
    rejected_pairs: int = 0
    errors: list[DecisionError] = field(default_factory=list)


def learn(folders: Iterable[Path], data: Path | None = None) -> LearnResult:
    """Learn from the decisions in the given document folders into ``data``.

    A document whose table is malformed is left out (its earlier contribution stays) and
    its :class:`DecisionError` is returned in :attr:`LearnResult.errors`.
    """
    data = data or userdata.data_dir()
    data.mkdir(parents=True, exist_ok=True)
    result = LearnResult(data)
    updates: dict[str, dict | None] = {}
    replaced: set[str] = set()  # the folders learned from, absolute
    for folder in folders:
        try:
            _, table = load(folder)
        except DecisionError as exc:
            result.errors.append(exc)
            continue
        found = evidence(table.rows)
        result.documents += 1
        result.accepted += len(found["accepted"])
        result.rejected += sum(r.refused for r in table.rows)
        result.kept += sum(r.decision == KEEP for r in table.rows)
        empty = not any(found.values())
        entry = {"source": str(folder.resolve()), **found}
        updates[document_key(folder)] = None if empty else entry
        replaced.add(str(folder.resolve()))
    with folder_lock(data):
        finish_pending(data)
        ledger_file = data / userdata.ledger_path().name
        try:
            ledger = json.loads(ledger_file.read_text("utf-8"))["documents"]
        except (OSError, ValueError, KeyError, TypeError):
            ledger = {}
        new_ledger = dict(ledger)
        for key, entry in ledger.items():  # an earlier reading of a document read again
            if key not in updates and same_folder(entry, replaced):
                new_ledger.pop(key)
        for key, entry in updates.items():
            if entry is None:
                new_ledger.pop(key, None)
            else:
                new_ledger[key] = entry
        learned = merge(derive(new_ledger), derive(ledger), read_learned(data))
        blob = {"version": 1, "documents": dict(sorted(new_ledger.items()))}
        ledger_text = json.dumps(blob, indent=1, ensure_ascii=False) + "\n"
        write_together(data, {**render(learned), ledger_file.name: ledger_text})
    result.protected_words = len(learned.protected)
    result.confusions = len(learned.confusions)
    result.rejected_pairs = len(learned.rejected)
    return result
