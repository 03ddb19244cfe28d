"""Every text option and title holds HTML; none of it may reach the page unescaped."""

project = "hostile"
extensions = ["myst_parser", "sphinx_spec"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]

# Keep the payloads' straight quotes as written, so the page text can be compared exactly.
smartquotes = False
