"""A payment package, its pytest tests marked with the spec objects they verify, and the specs.

The tests write their report with ``pytest --junitxml``; the test sets
``spec_test_reports`` to it.
"""

project = "verification"
extensions = ["myst_parser", "sphinx_spec"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "example", "example_tests", "reports"]
spec_today = "2026-11-25"
spec_require_verification = ["error-path"]
