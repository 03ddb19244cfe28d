project = "links"
extensions = ["myst_parser", "sphinx_spec"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
spec_today = "2026-01-01"
spec_link_patterns = {
    r"JIRA-(\d+)": r"https://jira.example.com/browse/JIRA-\1",
    r"#(\d+)": r"https://github.com/o/r/issues/\1",
    "(unclosed": "https://example.com/",
    r"RFC(\d+)": r"https://www.rfc-editor.org/rfc/rfc\2",
}
spec_index_entries = ["spec", "spec-approach", "flow", "spec-term"]
