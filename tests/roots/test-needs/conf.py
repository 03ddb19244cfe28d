project = "needs"
extensions = [
    "myst_parser",
    "sphinx_spec",
    "sphinx_needs",
]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
needs_build_json = True
spec_today = "2025-01-01"
