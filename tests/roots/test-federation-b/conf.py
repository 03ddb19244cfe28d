project = "Payments"
extensions = ["myst_parser", "sphinx_spec"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
spec_today = "2026-11-25"
spec_import = [
    "../../a/_build/html/spec.json",
]

# the links between these specs are not what these tests are about: no review records
spec_suppress = ["unreviewed-link"]
