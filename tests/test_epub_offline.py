"""The README's "Mermaid offline" recipe and the e-book: ``-W -b epub`` passes, the bundle
stays out of the e-book (which shows diagrams as source), and HTML still serves it.

Built with the npm package's Mermaid (``make mermaid``; ``SPEC_MERMAID_DIST``): the demo
as ``make demo`` lays it out (the ES module bundle and d3 in ``_static/mermaid/``), and a
project that follows the recipe to the letter (all of ``dist/`` copied there).
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp
from test_browser import DEMO, bundle_dirs, bundle_into

RECIPE_CONF = """
project = "offline"
copyright = "2026, Example"
version = "1.0"
extensions = ["sphinx_spec"]
html_static_path = ["_static"]
mermaid_use_local = "/_static/mermaid/mermaid.esm.min.mjs"
d3_use_local = "/_static/mermaid/d3.min.js"
"""
RECIPE_INDEX = """\
Offline
=======

.. spec:: Offline diagrams
   :id: OFF-001
   :status: draft

.. spec-diagram:: Opening a page
   :kind: sequence

   sequenceDiagram
       Reader->>Site: open the page
"""


def build(srcdir: Path, builder: str) -> tuple[Path, str]:
    app = SphinxTestApp(builder, srcdir=srcdir, builddir=srcdir.parent / "_build")
    try:
        app.build()
    finally:
        app.cleanup()
    return Path(app.outdir), app.warning.getvalue()


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    """The demo laid out as ``make demo`` does, and a project following the recipe."""
    mermaid_dist, d3_dist = bundle_dirs()
    demo = tmp_path_factory.mktemp("demo") / "src"
    shutil.copytree(DEMO, demo, ignore=shutil.ignore_patterns("_build", "_static"))
    bundle_into(demo / "_static" / "mermaid", mermaid_dist, d3_dist)
    recipe = tmp_path_factory.mktemp("recipe") / "src"
    (recipe / "_static").mkdir(parents=True)
    shutil.copytree(mermaid_dist, recipe / "_static" / "mermaid")  # cp -r dist/. _static/mermaid/
    shutil.copy2(d3_dist / "d3.min.js", recipe / "_static" / "mermaid" / "d3.min.js")
    (recipe / "conf.py").write_text(RECIPE_CONF, encoding="utf-8")
    (recipe / "index.rst").write_text(RECIPE_INDEX, encoding="utf-8")
    return {"demo": demo, "recipe": recipe}


@pytest.mark.parametrize("project", ["demo", "recipe"])
def test_epub_builds_without_warnings_and_without_the_bundle(projects, project):
    outdir, warnings = build(projects[project], "epub")
    assert warnings == "", warnings
    books = list(outdir.glob("*.epub"))
    assert len(books) == 1, books
    names = zipfile.ZipFile(books[0]).namelist()
    assert not [name for name in names if "mermaid/" in name or name.endswith(".mjs")]
    pages = [name for name in names if name.endswith(".xhtml")]
    assert pages, names
    book = zipfile.ZipFile(books[0])
    text = "\n".join(book.read(name).decode("utf-8") for name in pages)
    assert "sequenceDiagram" in text  # the diagram's source, in place of the drawing
    assert "<script" not in text or "mermaid.esm.min.mjs" not in text


@pytest.mark.parametrize("project", ["demo", "recipe"])
def test_html_still_serves_the_bundle(projects, project):
    outdir, warnings = build(projects[project], "html")
    assert warnings == "", warnings
    assert (outdir / "_static" / "mermaid" / "mermaid.esm.min.mjs").is_file()
    chunks = list((outdir / "_static" / "mermaid" / "chunks" / "mermaid.esm.min").glob("*.mjs"))
    assert chunks
    index = (outdir / "index.html").read_text(encoding="utf-8")
    if project == "recipe":
        assert "/_static/mermaid/mermaid.esm.min.mjs" in index
