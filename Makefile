# Two commands on a fresh Debian/Ubuntu machine:
#   make demo   - the main job on the embedded defaults (bundled model, sample interview, demo resume)
#   make test   - lint, type checks, architecture contracts and the whole test suite
# Each creates .venv and installs what it needs; system packages come from scripts/system-packages.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test lint venv system-packages gui screenshot bench clean

$(STAMP): pyproject.toml
	@bash scripts/system-packages --check-or-install
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

venv: $(STAMP)

system-packages:
	bash scripts/system-packages --check-or-install

demo: $(STAMP)
	$(BIN)/interviewer demo

gui: $(STAMP)
	$(BIN)/interviewer

lint: $(STAMP)
	$(BIN)/ruff check interviewer tests bench scripts main.py
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/transcribe.py ../shared/audio/jfk.flac

clean:
	rm -rf $(VENV) build *.egg-info
