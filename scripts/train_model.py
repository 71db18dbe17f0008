"""Build the model ocrfix ships (``models/default``) from the real OCR pairs.

    .venv/bin/python scripts/train_model.py [--shared ../shared] [-o models/default]

Learns from ``eval/realocr/train`` (546 newspaper articles, BLN600 and Overproof: see its
README for the sources and their terms) and chooses the thresholds on the held-out pairs
of ``eval/realocr/dev`` and the seeds' ``eval/dev``. The same pairs give the same model,
byte for byte. Equivalent to

    ocrfix train ../shared/eval/realocr/train -o models/default \
        --choose-on ../shared/eval/realocr/dev --choose-on ../shared/eval/dev
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ocrfix.model import store
from ocrfix.model.train import train

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "models" / "default")
    args = parser.parse_args()
    pairs = args.shared / "eval" / "realocr"
    start = time.perf_counter()
    held_out = [pairs / "dev", args.shared / "eval" / "dev"]
    model = train([pairs / "train"], held_out, progress=lambda m: print(m, flush=True))
    model.sources = ["realocr/train (BLN600, Overproof): see shared/eval/realocr/README.md"]
    store.save(model, args.output)
    print(f"{args.output}: model {model.digest()} in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
