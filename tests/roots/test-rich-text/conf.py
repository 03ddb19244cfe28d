"""Every descriptive option with inline markup, in reStructuredText (kep.rst) and MyST
(adr.md), and every view that shows them on other pages (views.rst, views.md)."""

project = "rich"
extensions = ["myst_parser", "sphinx_spec"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
spec_today = "2026-11-25"
