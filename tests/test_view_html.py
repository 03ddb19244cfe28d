"""A view table's rows written as HTML directly are what Sphinx's writer makes of the nodes.

Each project is built twice, once as the extension builds it and once with
every table left to the nodes; every page must come out byte for byte the
same, in each HTML builder.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sphinx
from helpers import build, html

from sphinx_spec.views import html as view_html
from sphinx_spec.views import render

ROOTS = [
    "test-views",
    "test-approvals-views",
    "test-verif-views-basic",
    "test-edge-views",
    "test-rich-text",
    "test-hostile",
    "test-scenarios",
    "test-fields-columns",
    "test-status-roles-kep",
    "test-views-fresh",
    "test-links-kep",
]


class NodesOnly(view_html.RowWriter):
    def rows(self, rows, marks):
        raise view_html.Unwritten("every table as nodes")


def pages(outdir: Path) -> dict[str, str]:
    return {
        path.relative_to(outdir).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(outdir.rglob("*.html"))
    }


def built(src: Path, builder: str, monkeypatch, *, nodes_only: bool, written: list) -> dict:
    with monkeypatch.context() as patch:
        if nodes_only:
            patch.setattr(render, "RowWriter", NodesOnly)
        else:
            original = view_html.RowWriter.rows

            def counting(self, rows, marks):
                html = original(self, rows, marks)
                written.append(len(rows))
                return html

            patch.setattr(view_html.RowWriter, "rows", counting)
        app = build(src, builder, builddir=src.parent / f"_build-{nodes_only}")
    return pages(Path(app.outdir))


@pytest.mark.parametrize("builder", ["html", "singlehtml", "dirhtml"])
@pytest.mark.parametrize("root", ROOTS)
def test_written_rows_are_the_writers_own(tmp_path, rootdir, monkeypatch, root, builder):
    src = tmp_path / "src"
    shutil.copytree(rootdir / root, src)
    written: list[int] = []
    direct = built(src, builder, monkeypatch, nodes_only=False, written=written)
    as_nodes = built(src, builder, monkeypatch, nodes_only=True, written=[])
    assert direct.keys() == as_nodes.keys()
    for name, page in direct.items():
        assert page == as_nodes[name], name
    if root not in ("test-rich-text", "test-hostile"):
        assert written, "no table was written directly"


def test_the_demo_views_write_their_rows_directly(tmp_path, monkeypatch):
    """Most rows of the demo's portfolio are written directly, and the same as nodes."""
    src = tmp_path / "demo"
    demo = Path(__file__).parent.parent / "demo"
    shutil.copytree(demo, src, ignore=shutil.ignore_patterns("_build", "mermaid", "example"))
    written: list[int] = []
    direct = built(src, "html", monkeypatch, nodes_only=False, written=written)
    as_nodes = built(src, "html", monkeypatch, nodes_only=True, written=[])
    assert {n: p for n, p in direct.items()} == as_nodes
    assert sum(written) > 20


def test_the_search_finds_a_record_on_its_page_not_in_the_views(tmp_path, rootdir):
    """View tables repeat the records; the search index lists only the records' own pages."""
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-views", src)
    app = build(src, "html")
    text = (Path(app.outdir) / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    pages = index["docnames"]

    def found(word: str) -> set[str]:
        places = index["terms"][word]
        return {pages[n] for n in (places if isinstance(places, list) else [places])}

    # "Postgres" is in the retries spec's approach and in the views page's trade-off tables
    assert "Postgres" in (Path(app.outdir) / "views.html").read_text(encoding="utf-8")
    if sphinx.version_info >= (8, 2):  # the first Sphinx whose search skips class no-search
        assert found("postgr") == {"specs/retries"}
    else:
        assert found("postgr") >= {"specs/retries", "views"}
    blocks = html(app, "views").select("div.spec-view-block")
    assert blocks and all("no-search" in block["class"] for block in blocks)
    latex = build(src, "latex")
    tex = next(Path(latex.outdir).glob("*.tex")).read_text(encoding="utf-8")
    assert "no-search" not in tex
