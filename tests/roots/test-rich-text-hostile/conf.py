"""Hostile and broken inline markup in options, in reStructuredText and MyST."""

project = "hostile"
extensions = ["myst_parser", "sphinx_spec"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
