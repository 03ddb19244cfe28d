"""Sphinx configuration for the sphinx-spec demo project."""

import os

project = "sphinx-spec demo"
author = "Example Corp"
copyright = "2026, Example Corp"
version = release = "1.0"

extensions = ["myst_parser", "sphinx_spec"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]

html_theme = os.environ.get("SPHINX_SPEC_DEMO_THEME", "alabaster")

# The day lifecycle checks compare :revisit: dates with. Pinned so that this demo
# builds the same way (and with -W) in any year; leave unset to use the real date.
spec_today = "2026-11-25"
