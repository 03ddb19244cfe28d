"""KEP-style statuses mapped to lifecycle roles; views filter by name and by role."""

project = "status-roles-kep"
extensions = ["myst_parser", "sphinx_spec"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]

# Open questions are due before this day or after it.
spec_today = "2026-06-01"

spec_statuses = {
    "provisional": "draft",
    "implementable": "accepted",
    "implemented": "implemented",
    "deferred": "draft",
    "rejected": "rejected",
    "withdrawn": "rejected",
    "replaced": "superseded",
}

# the links between these specs are not what these tests are about: no review records
spec_suppress = ["unreviewed-link"]
