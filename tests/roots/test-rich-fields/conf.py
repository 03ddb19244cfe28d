"""Text custom fields written with inline markup, on a spec and on an approach, RST and MyST."""

project = "rich-fields"
extensions = ["myst_parser", "sphinx_spec"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
spec_today = "2026-11-25"
spec_fields = [
    {"name": "milestone", "directives": ["spec"], "type": "text", "label": "Milestone"},
    {"name": "note", "directives": ["spec-approach"], "type": "text"},
    {"name": "gate", "directives": ["spec"], "label": "  "},
]
