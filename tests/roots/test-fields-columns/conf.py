"""Custom fields of every type, on specs (RST and MyST) and on approaches; views with columns."""

project = "fields"
extensions = ["myst_parser", "sphinx_spec"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
spec_today = "2026-11-25"
spec_fields = [
    {"name": "milestone", "directives": ["spec"], "type": "text"},
    {"name": "platforms", "directives": ["spec", "spec-approach"], "type": "list"},
    {"name": "ga", "directives": ["spec"], "type": "date"},
    {"name": "stage", "directives": ["spec", "spec-approach"], "type": ["alpha", "beta", "stable"]},
    {"name": "Bad Name", "directives": ["spec"], "type": "text"},
    {"name": "sig", "directives": ["spec-nothing"], "type": "text"},
    {"name": "severity", "directives": ["spec"], "type": "text"},
    {"name": "size", "directives": ["spec"], "type": "number"},
]
