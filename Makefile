# cites-priority pipeline. `make` (or `make help`) lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RAW := data/raw
OUT := data/processed
SCENARIO ?= configs/mission_2016.yaml
SRC := $(shell find src -name '*.py' -o -name '*.qml' -o -name '*.yaml' 2>/dev/null)
# page templates and vendored scripts of the report and the atelier (outputs only)
ASSETS := $(shell find src/cites_priority/export -name '*.html' -o -name '*.js' -o -name '*.css' -o -name '*.wasm' 2>/dev/null)

.PHONY: help setup data run calibrate report bench test lint qgis-check clean vendor-highs

help: ## Show this help
	@echo "cites-priority — two commands set everything up: 'make run' then 'make test'."
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP) ## Create .venv and install the package with its dev tools

$(RAW)/cites_minieres.gpkg: $(STAMP) configs/world_default.yaml $(SRC)
	$(BIN)/cites-priority world --out $(RAW) --spec configs/world_default.yaml

data: $(RAW)/cites_minieres.gpkg ## Build the embedded default world into data/raw/

$(OUT)/cites_priority.gpkg: $(RAW)/cites_minieres.gpkg $(SCENARIO) $(SRC) $(ASSETS)
	$(BIN)/cites-priority run $(SCENARIO) --data $(RAW) --out $(OUT)

run: $(OUT)/cites_priority.gpkg ## Run the default scenario: GeoPackage, report and CSV in data/processed/

$(OUT)/mission_2016_calibrated.yaml: $(RAW)/cites_minieres.gpkg $(SCENARIO) $(SRC)
	$(BIN)/cites-priority calibrate --scenario $(SCENARIO) --data $(RAW) --reference $(RAW)/reference_lists.csv --out $@

calibrate: $(OUT)/mission_2016_calibrated.yaml ## Learn weights that reproduce the mission's list

report: run ## Build the HTML report (part of `run`)
	@echo "Rapport : $(OUT)/report.html"

bench: $(STAMP) $(RAW)/cites_minieres.gpkg ## Benchmarks against peers (tobler, overlay, atelier vs engine): data/processed/bench.json
	$(BIN)/python benchmarks/run.py --data $(RAW) --out $(OUT)/bench.json

# Two pytest-xdist workers (a file's tests stay on one worker but for a few files of long
# standalone tests; the default world and run are built once for both: tests/conftest.py).
# TEST_WORKERS=0: serial.
TEST_WORKERS ?= 2

test: $(STAMP) ## Run the test suite (TEST_WORKERS=2 parallel workers)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

lint: $(STAMP) ## ruff check, the import contracts of the layers (import-linter), then mypy
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy

QGIS_CHECK := data/qgis_check

qgis-check: run ## Headless QGIS: styled GeoPackage, then the .qgz moved elsewhere, atlas to PDF (needs Debian python3-qgis)
	rm -rf $(QGIS_CHECK) && mkdir -p $(QGIS_CHECK) && cp -r $(OUT) $(QGIS_CHECK)/livrables
	QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis_check.py $(QGIS_CHECK)/livrables/cites_priority.gpkg \
		--rasters $(QGIS_CHECK)/livrables --project $(QGIS_CHECK)/livrables/cites_priority.qgz \
		--pdf $(QGIS_CHECK)/atlas_epci.pdf --png $(QGIS_CHECK)/atlas_epci_page1.png
	@echo "Atlas : $(QGIS_CHECK)/atlas_epci.pdf (projet ouvert depuis une copie déplacée de $(OUT))"

HIGHS_VERSION := 1.15.3
STATIC := src/cites_priority/export/static

vendor-highs: ## Re-vendor the HiGHS WebAssembly solver of the atelier (needs npm; build time only)
	rm -rf .npm-highs && mkdir .npm-highs
	cd .npm-highs && npm install --no-save --no-package-lock --ignore-scripts highs@$(HIGHS_VERSION)
	cp .npm-highs/node_modules/highs/build/highs.js $(STATIC)/
	$(PYTHON) -c "import gzip, pathlib; w = pathlib.Path('.npm-highs/node_modules/highs/build/highs.wasm').read_bytes(); pathlib.Path('$(STATIC)/highs.wasm.gz').write_bytes(gzip.compress(w, compresslevel=9, mtime=0))"
	cp .npm-highs/node_modules/highs/LICENSE $(STATIC)/HIGHS_LICENSE
	chmod 644 $(STATIC)/highs.wasm.gz
	rm -rf .npm-highs

clean: ## Remove generated data (keeps .venv)
	rm -rf $(RAW)/* $(OUT)/*
