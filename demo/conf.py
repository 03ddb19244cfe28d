"""Sphinx configuration for the sphinx-spec demo project."""

import os
from importlib import metadata
from pathlib import Path

project = "sphinx-spec demo"
author = "Example Corp"
copyright = "2026, Example Corp"
version = release = "1.0"

extensions = ["myst_parser", "sphinx_spec"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]

html_theme = os.environ.get("SPHINX_SPEC_DEMO_THEME", "alabaster")

# The day lifecycle checks compare :revisit: dates with. Pinned so that this demo
# builds the same way (and with -W) in any year; leave unset to use the real date.
spec_today = "2026-11-25"

# The team's own field, shown on the card, and incident ids that become links.
spec_fields = [{"name": "milestone", "directives": ["spec"], "type": "text", "label": "Milestone"}]
spec_link_patterns = {r"\bINC-(\d+)\b": r"https://status.example.com/incidents/\1"}

# Two review findings the demo keeps on purpose, so that its pages show them: Carol's
# approval of PAY-001 is for an earlier version (stale), and AUTH-002 changed a goal's
# target after PAY-001 reviewed its link to it (suspect). Each is named exactly, so
# any other stale approval or suspect link still fails the -W build.
spec_suppress = ["stale-approval PAY-001.carol", "suspect-link PAY-001 AUTH-002"]

# What the demo's tests verify: `make demo-report` runs the tests of example/ (marked with
# @pytest.mark.spec) and writes this JUnit XML report.
spec_test_reports = ["reports/*.xml"]

# Mermaid served with the site, so that diagrams draw without internet: `make demo`
# copies the npm package's bundle into _static/mermaid/, as the README's "Mermaid
# offline" recipe does. Without the bundle, pages load Mermaid from the CDN.
if (Path(__file__).parent / "_static" / "mermaid" / "mermaid.esm.min.mjs").is_file():
    html_static_path = ["_static"]
    mermaid_use_local = "/_static/mermaid/mermaid.esm.min.mjs"
    # sphinxcontrib-mermaid before 2.0.2 also loads d3, and 1.x the ELK layouts
    d3_use_local = "/_static/mermaid/d3.min.js"
    if int(metadata.version("sphinxcontrib-mermaid").split(".")[0]) < 2:
        mermaid_include_elk = ""
