project = "Importer"
extensions = ["sphinx_spec"]
exclude_patterns = ["_build"]
spec_today = "2026-11-25"
spec_import = [
    "imports/good.json",
    "imports/missing.json",
    "imports",
    "imports/not-utf8.json",
    "imports/broken.json",
    "imports/array.json",
    "imports/version-2.json",
    "imports/no-version.json",
    "imports/bad-id.json",
    "imports/javascript-url.json",
    "imports/hidden-scheme.json",
    "imports/hostile-text.json",
    "imports/twin.json",
    "ftp://example.org/spec.json",
    ("imports/published.json", "javascript:alert(1)"),
    ("imports/too", "many", "parts"),
    42,
]
