project = "Ledger"
extensions = ["sphinx_spec"]
exclude_patterns = ["_build"]
spec_today = "2026-11-25"
