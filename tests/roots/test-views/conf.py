"""Four small specs (RST, MyST backtick fences, MyST colon fences) and every portfolio view."""

project = "views"
extensions = ["myst_parser", "sphinx_spec"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
spec_today = "2026-11-25"

# the links between these specs are not what these tests are about: no review records
spec_suppress = ["unreviewed-link"]
