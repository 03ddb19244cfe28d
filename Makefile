# The two commands of the README: `make demo` builds the demo site, `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

# What the tests need beyond Python: TeX Live and latexmk (the PDF build), poppler (pdftotext).
SYSTEM_TOOLS := latexmk pdftotext
SYSTEM_PACKAGES := latexmk texlive-latex-recommended texlive-latex-extra \
	texlive-fonts-recommended tex-gyre poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test system-deps lint catalog clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

demo: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[demo]'
	$(BIN)/sphinx-build -W -b html -d demo/_build/doctrees demo demo/_build/html
	@echo "Open demo/_build/html/index.html"

system-deps:
	@for tool in $(SYSTEM_TOOLS); do command -v $$tool >/dev/null || missing=1; done; \
	if [ -n "$$missing" ]; then \
	    echo "Installing $(SYSTEM_PACKAGES)"; \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	        $(SYSTEM_PACKAGES) >/dev/null; \
	fi

test: system-deps $(BIN)/python
	$(BIN)/python -m pip install --quiet 'tox>=4'
	$(BIN)/tox run -e oldest,newest

lint: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[lint]'
	$(BIN)/ruff check sphinx_spec tests
	$(BIN)/mypy sphinx_spec

# Refresh the message catalog after changing a translatable string: extract the
# template, merge it into every translation, compile the .mo files.
catalog: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[i18n]'
	$(BIN)/pybabel extract -k _ --no-location --sort-output --project=sphinx-spec \
	    -o sphinx_spec/locale/sphinx_spec.pot sphinx_spec
	$(BIN)/pybabel update -D sphinx_spec -i sphinx_spec/locale/sphinx_spec.pot -d sphinx_spec/locale
	$(BIN)/pybabel compile -D sphinx_spec -d sphinx_spec/locale

clean:
	rm -rf demo/_build .tox build *.egg-info
