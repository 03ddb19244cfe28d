project = "Checkout"
extensions = ["sphinx_spec"]
exclude_patterns = ["_build"]
spec_today = "2026-11-27"
spec_test_reports = ["reports/junit.xml"]
