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

# the links between these specs are not what these tests are about: no review records
spec_suppress = ["unreviewed-link"]
