project = "Checkout"
extensions = ["myst_parser", "sphinx_spec"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
spec_today = "2026-11-27"
spec_test_reports = ["reports/junit.xml"]
