"""Project "Payments": its specs depend on LED-1 of project "Ledger", imported from its spec.json.

``tests/test_fingerprints.py`` copies this root to ``<tmp>/a/src`` and
``test-fingerprint-import-b`` to ``<tmp>/b/src``, builds B, then A.
"""

project = "Payments"
extensions = ["myst_parser", "sphinx_spec"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
spec_today = "2026-11-27"
spec_import = ["../../b/_build/html/spec.json"]
