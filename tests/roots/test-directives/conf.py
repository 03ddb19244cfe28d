"""A project that uses every authoring directive in RST, MyST fences and MyST colon fences."""

project = "directives"
extensions = ["myst_parser", "sphinx_spec"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]

# the links between these specs are not what these tests are about: no review records
spec_suppress = ["unreviewed-link"]
