"""Lifecycle, spec_required and view-filter checks: each case at a line of its own."""

project = "lifecycle"
extensions = ["myst_parser", "sphinx_spec"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]

# Lifecycle checks compare :revisit: dates with this day.
spec_today = "2026-11-25"

# Every spec must have an approach and a question; "spec-widget" is no directive.
spec_required = ["spec-approach", "open-question", "spec-widget"]

# the links between these specs are not what these tests are about: no review records
spec_suppress = ["unreviewed-link"]
