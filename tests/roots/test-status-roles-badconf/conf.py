"""A status mapping with a role that does not exist: the default statuses are used."""

project = "status-roles-badconf"
extensions = ["myst_parser", "sphinx_spec"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]

spec_statuses = {
    "provisional": "draft",
    "ready": "approved",
}
