"""One decision written in RST and again in MyST, each approved on a recorded fingerprint.

``tests/test_fingerprints.py`` builds it with several builders, ``-j`` values and
Sphinx versions: alice's approvals hold the golden fingerprint literally, so a
build that computes any other digest warns that her approval is stale.
"""

project = "Fingerprints"
extensions = ["myst_parser", "sphinx_spec"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
spec_today = "2026-11-27"
