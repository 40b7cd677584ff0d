# Two commands on a fresh Debian/Ubuntu machine:
#   make demo   - the main job on the embedded defaults (bundled model, sample interview, demo resume)
#   make test   - lint, type checks, architecture contracts and the whole test suite
# Each creates .venv and installs what it needs; system packages come from scripts/system-packages.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test lint venv system-packages gui screenshot bench clean

# resemblyzer carries the speaker model's weights (interviewer/audio/voices.py); installed without its dependencies
# (torch, librosa, webrtcvad): the model runs on numpy here.
$(STAMP): pyproject.toml Makefile
	@bash scripts/system-packages --check-or-install
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps 'resemblyzer==0.1.4'
	@rm -f $(VENV)/.installed-*
	@touch $@

venv: $(STAMP)

system-packages:
	bash scripts/system-packages --check-or-install

# With a display: the live window replays the sample interview as if it were a microphone.
# Without one (a server, CI): the same live pipeline headless, printing the transcript as it commits.
demo: $(STAMP)
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then $(BIN)/interviewer demo; \
	else $(BIN)/interviewer demo --headless --out out/demo; fi

gui: $(STAMP)
	$(BIN)/interviewer

lint: $(STAMP)
	$(BIN)/ruff check interviewer tests bench scripts main.py
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

screenshot: $(STAMP)
	scripts/screenshot docs/live-window.png

bench: $(STAMP)
	$(BIN)/python bench/transcribe.py resources/demo/interview.flac
	$(BIN)/python bench/latency.py
	$(BIN)/python bench/wer_set.py
	$(BIN)/python bench/ui_stall.py
	$(BIN)/python bench/claims.py
	$(BIN)/python bench/speakers.py

clean:
	rm -rf $(VENV) build *.egg-info
