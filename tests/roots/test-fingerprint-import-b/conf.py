"""Project "Ledger": LED-1, which ``test-fingerprint-import-a`` depends on via spec.json."""

project = "Ledger"
extensions = ["sphinx_spec"]
exclude_patterns = ["_build"]
spec_today = "2026-11-27"
