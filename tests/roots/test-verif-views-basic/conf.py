project = "verif-views"
extensions = ["myst_parser", "sphinx_spec"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "reports"]
spec_today = "2026-11-25"
spec_test_reports = ["reports/junit.xml"]
