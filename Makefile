# The two commands of the README: `make demo` builds the demo site, `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint catalog clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

demo: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[demo]'
	$(BIN)/sphinx-build -W -b html -d demo/_build/doctrees demo demo/_build/html
	@echo "Open demo/_build/html/index.html"

test: $(BIN)/python
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
