# ocrfix: `make demo` sets everything up and cleans the bundled samples; `make test` sets up
# and runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup system-deps demo test lint bench samples model score clean

setup: system-deps $(STAMP)
	@scripts/install-ocr-models.sh

system-deps:
	@scripts/install-system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: setup
	$(BIN)/ocrfix run raw_scans/ --out corrections/

test: setup
	$(BIN)/ruff check .
	$(BIN)/pytest

bench: setup
	$(BIN)/pip install --quiet -e '.[bench]'
	bench/install-fonts.sh
	$(BIN)/python bench/foundation.py
	$(BIN)/python bench/scans.py
	$(BIN)/python bench/review.py
	$(BIN)/python bench/archive.py
	$(BIN)/python bench/review_load.py

# models/default, learned from ../shared/eval/realocr/train, thresholds chosen on dev/
model: setup
	$(BIN)/python scripts/train_model.py

# where correction stands on the dev pairs, scored as ../shared/tools/score.py judges it
score: setup
	scripts/dev_score.sh

samples: setup
	$(BIN)/python scripts/make_samples.py --out raw_scans

clean:
	rm -rf $(VENV) corrections/*/ corrections/report.html .pytest_cache
