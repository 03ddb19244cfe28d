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
# registry, served with the demo and bundled by the browser test; git-ignored, tox passes the
# paths on. The demo gets the ES module bundle in demo/_static/mermaid/ (see demo/conf.py).
MERMAID_PREFIX := .cache/mermaid
MERMAID_DIST := $(MERMAID_PREFIX)/node_modules/mermaid/dist
D3_DIST := $(MERMAID_PREFIX)/node_modules/d3/dist
DEMO_MERMAID := demo/_static/mermaid
PORT ?= 8000

.PHONY: demo demo-report serve test package system-deps npm mermaid demo-mermaid lint bench catalog clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The demo site, with Mermaid served from the site itself: diagrams draw with no network.
demo: $(BIN)/python demo-mermaid
	$(BIN)/python -m pip install --quiet -e '.[demo]'
	$(BIN)/sphinx-build -W -b html -d demo/_build/doctrees demo demo/_build/html
	@echo "Built demo/_build/html; \`make serve\` shows it at http://127.0.0.1:$(PORT)/"

# The demo's test report (demo/reports/junit.xml, checked in): the tests of demo/example/, whose
# @pytest.mark.spec markers name the error paths and goals they verify. Run it after changing them.
demo-report: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e . pytest
	cd demo && $(abspath $(BIN))/python -m pytest -p no:cacheprovider --rootdir=. \
	    -o junit_family=xunit2 --junitxml=reports/junit.xml example/tests

# Build the demo and serve it on this machine only (browsers run Mermaid from a server,
# not from a file opened on disk); Ctrl-C stops it.
serve: demo
	$(BIN)/python demo/serve.py --port $(PORT) demo/_build/html

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

npm:
	@command -v npm >/dev/null || { \
	    echo "Installing npm"; \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	        npm >/dev/null; }

# Only the npm packages: never `playwright install` (the test drives Debian's Chromium).
mermaid: npm
	@if [ ! -f $(MERMAID_DIST)/mermaid.esm.min.mjs ] || [ ! -f $(D3_DIST)/d3.min.js ]; then \
	    echo "Installing mermaid@11 and d3@7 from npm into $(MERMAID_PREFIX)"; \
	    npm install --prefix $(MERMAID_PREFIX) mermaid@11 d3@7 --no-audit --no-fund --loglevel=error; \
	fi

# The ES module and the chunks it imports (17 MB), and d3; the rest of the package is not loaded.
demo-mermaid: mermaid
	@if [ ! -f $(DEMO_MERMAID)/mermaid.esm.min.mjs ] || \
	    [ $(MERMAID_DIST)/mermaid.esm.min.mjs -nt $(DEMO_MERMAID)/mermaid.esm.min.mjs ]; then \
	    rm -rf $(DEMO_MERMAID) && mkdir -p $(DEMO_MERMAID)/chunks && \
	    cp -p $(MERMAID_DIST)/mermaid.esm.min.mjs $(DEMO_MERMAID)/ && \
	    cp -rp $(MERMAID_DIST)/chunks/mermaid.esm.min $(DEMO_MERMAID)/chunks/ && \
	    cp -p $(D3_DIST)/d3.min.js $(DEMO_MERMAID)/; \
	fi

test: system-deps mermaid $(BIN)/python
	$(BIN)/python -m pip install --quiet 'tox>=4'
	$(BIN)/tox run -e oldest,newest,needs

# The wheel and the sdist, checked as PyPI checks them; then the wheel alone, installed into a
# fresh environment, builds the demo with -W.
PACKAGE_ENV := build/package-env
package: $(BIN)/python
	$(BIN)/python -m pip install --quiet build twine
	rm -rf dist $(PACKAGE_ENV) build/package-demo
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*
	$(PYTHON) -m venv $(PACKAGE_ENV)
	$(PACKAGE_ENV)/bin/python -m pip install --quiet dist/*.whl
	cd build && ../$(PACKAGE_ENV)/bin/sphinx-build -W -q -b html -d package-demo/doctrees \
	    ../demo package-demo/html
	@echo "dist/: $$(ls dist | tr '\n' ' ')"

# Build time against plain Sphinx with the same content as hand-written tables (about 40 min).
SPECS ?= 1000
REPEAT ?= 3
bench: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python benchmarks/bench.py --specs $(SPECS) --repeat $(REPEAT) --profile \
	    $(if $(wildcard .tox/needs/bin/python),--needs-python .tox/needs/bin/python) \
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
	rm -rf demo/_build $(DEMO_MERMAID) .tox build *.egg-info .cache
