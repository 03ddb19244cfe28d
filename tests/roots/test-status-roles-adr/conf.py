"""ADR-style statuses mapped to lifecycle roles."""

project = "status-roles-adr"
extensions = ["myst_parser", "sphinx_spec"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]

spec_statuses = {
    "proposed": "draft",
    "accepted": "accepted",
    "deprecated": "deprecated",
    "superseded": "superseded",
}

# the links between these specs are not what these tests are about: no review records
spec_suppress = ["unreviewed-link"]
