project = "Shop"
extensions = ["sphinx_spec"]
exclude_patterns = ["_build"]
spec_today = "2026-11-27"
spec_import = [
    "../../a/_build/html/spec.json",
]
