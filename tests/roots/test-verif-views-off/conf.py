project = "verif-views-off"
extensions = ["myst_parser", "sphinx_spec"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
spec_today = "2026-11-25"
