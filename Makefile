# The two commands of the README: `make demo` builds the demo site, `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

# What the tests need beyond Python: TeX Live and latexmk (the PDF build), poppler (pdftotext),
# Debian's Chromium (the browser test drives /usr/bin/chromium through Playwright) and npm
# (it fetches Mermaid for the browser test).
TEX_TOOLS := latexmk pdftotext
TEX_PACKAGES := latexmk texlive-latex-recommended texlive-latex-extra \
	texlive-fonts-recommended tex-gyre poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Mermaid (and d3, which sphinxcontrib-mermaid 1.0 loads on every diagram page) from the npm
# registry, for the browser test's offline demo build; git-ignored, tox passes the paths on.
MERMAID_PREFIX := .cache/mermaid
MERMAID_DIST := $(MERMAID_PREFIX)/node_modules/mermaid/dist
D3_DIST := $(MERMAID_PREFIX)/node_modules/d3/dist

.PHONY: demo test system-deps mermaid lint bench catalog clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

demo: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[demo]'
	$(BIN)/sphinx-build -W -b html -d demo/_build/doctrees demo demo/_build/html
	@echo "Open demo/_build/html/index.html"

system-deps:
	@packages=""; \
	for tool in $(TEX_TOOLS); do command -v $$tool >/dev/null || packages="$(TEX_PACKAGES)"; done; \
	command -v chromium >/dev/null || packages="$$packages chromium"; \
	command -v npm >/dev/null || packages="$$packages npm"; \
	if [ -n "$$packages" ]; then \
	    echo "Installing$$packages"; \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	        $$packages >/dev/null; \
	fi

# Only the npm packages: never `playwright install` (the test drives Debian's Chromium).
mermaid: system-deps
	@if [ ! -f $(MERMAID_DIST)/mermaid.esm.min.mjs ] || [ ! -f $(D3_DIST)/d3.min.js ]; then \
	    echo "Installing mermaid@11 and d3@7 from npm into $(MERMAID_PREFIX)"; \
	    npm install --prefix $(MERMAID_PREFIX) mermaid@11 d3@7 --no-audit --no-fund --loglevel=error; \
	fi

test: system-deps mermaid $(BIN)/python
	$(BIN)/python -m pip install --quiet 'tox>=4'
	$(BIN)/tox run -e oldest,newest,needs

# Build time against plain Sphinx with the same content as hand-written tables (about 40 min).
SPECS ?= 1000
REPEAT ?= 3
bench: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python benchmarks/bench.py --specs $(SPECS) --repeat $(REPEAT) \
	    --json benchmarks/results/$(SPECS)-specs.json

lint: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[lint]'
	$(BIN)/ruff check sphinx_spec tests benchmarks
	$(BIN)/mypy sphinx_spec

# Refresh the message catalog after changing a translatable string: extract the
# template, merge it into every translation, compile the .mo files.
catalog: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[i18n]'
	$(BIN)/pybabel extract -k _ -k N_ --no-location --sort-output --project=sphinx-spec \
	    -o sphinx_spec/locale/sphinx_spec.pot sphinx_spec
	$(BIN)/pybabel update -D sphinx_spec -i sphinx_spec/locale/sphinx_spec.pot -d sphinx_spec/locale
	$(BIN)/pybabel compile -D sphinx_spec -d sphinx_spec/locale

clean:
	rm -rf demo/_build .tox build *.egg-info .cache
