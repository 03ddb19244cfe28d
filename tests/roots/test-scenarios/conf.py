project = "Scenarios"
extensions = ["myst_parser", "sphinx_spec"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "parts"]
html_theme = "basic"
spec_today = "2026-11-25"
spec_import = [
    ("imported/spec.json", "https://ledger.example.org/"),
]

# the links between these specs are not what these tests are about: no review records
spec_suppress = ["unreviewed-link"]

# what the tests of the scenarios' project verify (the chain edits the report too)
spec_test_reports = ["reports/*.xml"]
