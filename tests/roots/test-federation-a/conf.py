project = "Ledger"
extensions = ["sphinx_spec"]
exclude_patterns = ["_build"]
spec_today = "2026-11-25"

# the links between these specs are not what these tests are about: no review records
spec_suppress = ["unreviewed-link"]
