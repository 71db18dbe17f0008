"""Correction quality and speed: ocrfix beside plain SymSpell and beside doing nothing.

    .venv/bin/python bench/correction.py [--json]

Quality on ../shared/eval/dev (the seg_A_* and seg_B_* pairs, each pair one document, as
`ocrfix run` treats them), with whitespace collapsed and curly quotes folded:
CER and WER before and after, and the share of character errors removed.
False alarms: the clean seeds 001-003 and the dev truths fed in as input; every word
changed is a false alarm, per 10,000 words.
Speed: words per second on one core once loaded (clean seeds, and the damaged dev pairs),
and the time to load the corrector in a new process (lexicon cache warm).

Plain SymSpell: one `lookup` (edit distance 2) per word its dictionary does not know,
case kept, as `../shared/tools/score.py` runs it.
"""

from __future__ import annotations

import argparse
import importlib.resources
import json
import math
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import regex
from rich.console import Console
from rich.table import Table

from ocrfix.correct.engine import default_corrector
from ocrfix.metrics import char_errors, normalize, word_errors
from ocrfix.suggestion import apply

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DEV = SHARED / "eval" / "dev"
SEEDS = SHARED / "seeds"


def pairs(prefix: str) -> dict[str, tuple[str, str]]:
    found = {}
    for ocr in sorted(DEV.glob(f"{prefix}*.ocr.txt")):
        gt = ocr.with_name(ocr.name.replace(".ocr.txt", ".gt.txt"))
        found[ocr.name] = (ocr.read_text("utf-8"), gt.read_text("utf-8"))
    return found


def clean_texts() -> dict[str, str]:
    texts = {p.name: p.read_text("utf-8") for p in sorted(SEEDS.glob("00[123]_*.txt"))}
    texts.update({p.name: p.read_text("utf-8") for p in sorted(DEV.glob("*.gt.txt"))})
    return texts


def ocrfix_system() -> Callable[[str], str]:
    corrector = default_corrector()

    def run(text: str) -> str:
        return apply(text, [s for s in corrector.suggest(text) if s.auto])

    run.reset = corrector.search_cache.clear  # type: ignore[attr-defined]
    return run


def symspell_system() -> Callable[[str], str]:
    from symspellpy import SymSpell, Verbosity

    sym = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
    root = importlib.resources.files("symspellpy")
    sym.load_dictionary(str(root / "frequency_dictionary_en_82_765.txt"), 0, 1)

    def case_like(src: str, dst: str) -> str:
        if src.isupper() and len(src) > 1:
            return dst.upper()
        return dst[:1].upper() + dst[1:] if src[:1].isupper() else dst

    def fix(match: regex.Match) -> str:
        word = match.group()
        if word.lower() in sym.words:
            return word
        found = sym.lookup(word.lower(), Verbosity.TOP, max_edit_distance=2)
        return case_like(word, found[0].term) if found else word

    return lambda text: regex.sub(r"\p{L}+", fix, text)


def quality(system: Callable[[str], str], data: dict[str, tuple[str, str]]) -> dict:
    chars = words = ce_in = ce_out = we_in = we_out = 0
    for ocr, gt in data.values():
        out = system(ocr)
        chars += len(normalize(gt))
        words += len(normalize(gt).split())
        ce_in += char_errors(ocr, gt)
        ce_out += char_errors(out, gt)
        we_in += word_errors(ocr, gt)
        we_out += word_errors(out, gt)
    return {
        "cer_in": ce_in / chars,
        "cer_out": ce_out / chars,
        "wer_in": we_in / words,
        "wer_out": we_out / words,
        "cer_reduction": 1 - ce_out / ce_in if ce_in else 0.0,
    }


def false_alarms(system: Callable[[str], str], texts: dict[str, str]) -> dict:
    words = changed = 0
    for text in texts.values():
        words += len(normalize(text).split())
        changed += word_errors(system(text), text)
    return {"words": words, "changed": changed, "per_10k": 1e4 * changed / words}


def speed(system: Callable[[str], str], texts: list[str], repeats: int = 3) -> float:
    """Words per second, one core: the best of ``repeats`` runs (as timeit does; this
    shared machine's speed varies by ±15% from run to run)."""
    words = sum(len(t.split()) for t in texts)
    best = math.inf
    for _ in range(repeats):
        getattr(system, "reset", lambda: None)()  # no help from earlier runs on the same texts
        start = time.perf_counter()
        for text in texts:
            system(text)
        best = min(best, time.perf_counter() - start)
    return words / best


def load_seconds() -> float:
    """Seconds for a new process to import ocrfix and load the corrector (cache warm)."""
    code = (
        "import time; t = time.perf_counter(); "
        "from ocrfix.correct.engine import default_corrector; default_corrector(); "
        "print(time.perf_counter() - t)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)  # warm
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(3)
    ]
    return min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not DEV.is_dir():
        sys.exit(f"{DEV} not found")
    load = load_seconds()
    systems = {
        "nothing": lambda text: text,
        "plain SymSpell": symspell_system(),
        "ocrfix": ocrfix_system(),
    }
    seg_a, seg_b, clean = pairs("seg_A_"), pairs("seg_B_"), clean_texts()
    report = {}
    for name, system in systems.items():
        report[name] = {
            "seg_A": quality(system, seg_a),
            "seg_B": quality(system, seg_b),
            "false_alarms": false_alarms(system, clean),
            "words_per_s_clean": speed(system, list(clean.values())),
            "words_per_s_damaged": speed(
                system, [o for o, _ in [*seg_a.values(), *seg_b.values()]]
            ),
        }
    report["ocrfix"]["load_seconds"] = load
    if args.json:
        print(json.dumps(report, indent=2))
        return
    table = Table(
        title="Correction on ../shared/eval/dev (targets: A >= 60%, B >= 70% CER "
        "reduction; < 5 false alarms per 10k words; >= 50,000 words/s)"
    )
    for column in (
        "system",
        "A CER in",
        "A CER out",
        "A reduction",
        "B CER in",
        "B CER out",
        "B reduction",
        "B WER out",
        "FA / 10k",
        "words/s clean",
        "words/s damaged",
    ):
        table.add_column(column, justify="left" if column == "system" else "right")
    for name, r in report.items():
        a, b = r["seg_A"], r["seg_B"]
        table.add_row(
            name,
            f"{a['cer_in']:.2%}",
            f"{a['cer_out']:.2%}",
            f"{a['cer_reduction']:.1%}",
            f"{b['cer_in']:.2%}",
            f"{b['cer_out']:.2%}",
            f"{b['cer_reduction']:.1%}",
            f"{b['wer_out']:.2%}",
            f"{r['false_alarms']['per_10k']:.1f}",
            *(
                ("—", "—")  # doing nothing has no speed worth printing
                if name == "nothing"
                else (f"{r['words_per_s_clean']:,.0f}", f"{r['words_per_s_damaged']:,.0f}")
            ),
        )
    console = Console(width=180)
    console.print(table)
    fa = report["ocrfix"]["false_alarms"]
    console.print(
        f"False alarms over {fa['words']:,} clean words (seeds 001-003 and the dev "
        f"truths); ocrfix load time in a new process: {load:.2f} s"
    )


if __name__ == "__main__":
    main()
