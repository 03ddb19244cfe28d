project = "Project B"
extensions = ["myst_parser", "sphinx_spec", "sphinx.ext.intersphinx"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
# The test sets intersphinx_mapping to project A's freshly built inventory.
intersphinx_mapping = {}
