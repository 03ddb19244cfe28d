extensions = ["sphinx_spec"]
language = "de"
spec_today = "2026-11-25"
