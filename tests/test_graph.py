"""spec-graph: valid Mermaid for any id or title, filters, links; drawn by a real browser.

The project ``test-graph`` has specs whose ids and titles hold quotes, brackets,
pipes, ``#``, ``;``, ``<``, backticks, unicode and Mermaid keywords.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
from helpers import html, text_of
from test_browser import Tab, Visit, build_bundled, chromium, open_rendered, serving

ROOTS = Path(__file__).parent / "roots"

pytestmark = [
    pytest.mark.sphinx("html", testroot="graph"),
    pytest.mark.test_params(shared_result="graph-shared"),
]


def graph_code(app, number: int, docname: str = "index") -> list[str]:
    """The Mermaid lines of the page's *number*-th spec graph."""
    code = html(app, docname).select("div.spec-graph pre.mermaid")[number].get_text()
    return [line.strip() for line in code.splitlines() if line.strip()]


def test_every_node_is_a_quoted_label_with_entity_codes(app):
    app.build()
    lines = graph_code(app, 0)
    assert lines[0] == "flowchart LR"
    assert lines[1:5] == [
        's0["OLD-1: Brackets #91;a#93; #123;b#125; #40;c#41; #124; pipe"]',
        's1["Q.1: Quote #34;this#34; #38; #60;that#62;"]',
        's2["UNI-1: Ünïcödé — ✓ #96;tick#96;"]',
        's3["end: graph#59; click #35;1 --#62; end"]',
    ]


def test_edges_follow_supersedes_and_depends_on(app):
    app.build()
    lines = graph_code(app, 0)
    assert "s1 -->|supersedes| s0" in lines
    assert "s1 -.->|depends on| s3" in lines
    assert "s2 -.->|depends on| s1" in lines


def test_nodes_are_coloured_by_status(app):
    app.build()
    lines = graph_code(app, 0)
    assert "classDef status_accepted fill:#d3f4dd,stroke:#1a7f37,color:#0f5323" in lines
    assert "class s1,s3 status_accepted" in lines
    assert "class s0 status_superseded" in lines
    assert "class s2 status_review" in lines


def test_the_link_list_names_every_node_and_links_its_spec(app):
    app.build()
    graph = html(app, "index").select("div.spec-graph")[0]
    items = graph.select("ul.spec-graph-links > li")
    assert [item["class"][0] for item in items] == [f"spec-graph-node-s{n}" for n in range(4)]
    links = [(a["href"], text_of(a)) for a in graph.select("ul.spec-graph-links a")]
    assert links[1] == ("quotes.html#spec-q-1", 'Q.1: Quote "this" & <that>')
    assert links[3] == ("keywords.html#spec-end", "end: graph; click #1 --> end")


def test_status_filter_keeps_edges_between_kept_specs_only(app):
    app.build()
    lines = graph_code(app, 1)
    assert [line for line in lines if line.startswith("s") and "[" in line] == [
        's0["Q.1: Quote #34;this#34; #38; #60;that#62;"]',
        's1["end: graph#59; click #35;1 --#62; end"]',
    ]
    assert [line for line in lines if "-->" in line or "-.->" in line] == ["s0 -.->|depends on| s1"]


def test_tags_filter(app):
    app.build()
    labels = [line.split("[")[0] for line in graph_code(app, 2) if '["' in line]
    assert labels == ["s0", "s1"]
    assert "s1 -->|supersedes| s0" in graph_code(app, 2)


def test_a_graph_without_specs_says_so(app):
    app.build()
    assert [text_of(p) for p in html(app, "index").select("p.spec-view-empty")] == [
        "No matching specs."
    ]


def test_graph_in_myst_with_spec_filter(app):
    app.build()
    lines = graph_code(app, 0, "graph-md")
    assert len([line for line in lines if '["' in line]) == 2
    assert "s1 -->|supersedes| s0" in lines


def test_graph_source_is_escaped_in_html(app):
    app.build()
    raw = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert "<that>" not in raw
    assert "&lt;that&gt;" in raw


# -- outside HTML: the source, captioned; the links stay --------------------------------------


@pytest.mark.sphinx("text", testroot="graph")
def test_text_builder_shows_the_graph_source_and_the_spec_list(app):
    app.build()
    text = (Path(app.outdir) / "index.txt").read_text(encoding="utf-8")
    assert "Every spec" in text
    assert 's1["Q.1: Quote #34;this#34; #38; #60;that#62;"]' in text
    assert '* Q.1: Quote "this" & <that>' in text


# -- in a browser ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """The graph project with Mermaid bundled, built, served and opened in Chromium."""
    outdir = build_bundled(ROOTS / "test-graph", tmp_path_factory.mktemp("graph-browser"))
    visit = Visit("index.html", 3)
    with serving(outdir) as base, chromium() as browser:
        tab = Tab(browser, visit)
        try:
            open_rendered(tab, urljoin(base, "index.html"), visit)
            visit.state["hrefs"] = tab.page.evaluate(
                "[...document.querySelectorAll('div.spec-graph svg a')]"
                ".map((a) => a.getAttribute('href'))"
            )
        finally:
            tab.close()
    return visit


@pytest.mark.sphinx("html", testroot="graph")
def test_hostile_labels_draw_without_a_syntax_error(drawn):
    assert not drawn.timed_out, drawn.state
    assert drawn.state["svgs"] == drawn.state["diagrams"] == 3
    assert drawn.state["errorSvgs"] == []
    assert drawn.state["syntaxErrorText"] is False
    assert drawn.console_errors == [] and drawn.page_errors == []


@pytest.mark.sphinx("html", testroot="graph")
def test_drawn_nodes_link_to_their_specs(drawn):
    hrefs = drawn.state["hrefs"]
    assert hrefs[:4] == [
        "brackets.html#spec-old-1",
        "quotes.html#spec-q-1",
        "unicode.html#spec-uni-1",
        "keywords.html#spec-end",
    ]
