#!/usr/bin/env bash
# Where correction stands on the dev data, scored as it is judged: ../shared/tools/score.py
# runs `ocrfix run` on each OCR text of the pairs and scores it beside plain SymSpell, on
# the real newspaper pairs (realocr/dev, per source) and on the seeds' hand-made gold.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${SHARED:-../shared}"
cmd=".venv/bin/ocrfix run {inp} --out {out} -q"
for pairs in "$shared/eval/realocr/dev" "$shared/eval/dev"; do
  echo "== $pairs"
  .venv/bin/python "$shared/tools/score.py" --pairs "$pairs" --by-source --cmd "$cmd" \
    --peer symspell-word
done
