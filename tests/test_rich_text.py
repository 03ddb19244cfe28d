"""Descriptive options as inline markup, in the card and in every view, in every builder.

``tests/roots/test-rich-text`` holds KEP-1 in reStructuredText (``kep.rst``)
and ADR-2 in MyST (``adr.md``); every descriptive option carries a literal,
emphasis, a link or a ``spec`` role. ``notes/views.rst`` (one folder down,
so relative links must be rewritten) and ``views-md.md`` show the views.
``tests/roots/test-rich-text-hostile`` holds raw markup and broken markup.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from helpers import build, html, located, text_of, warnings_of
from test_incremental import doctree_times, reread

ROOTS = Path(__file__).parent / "roots"
ROOT = ROOTS / "test-rich-text"
HOSTILE = ROOTS / "test-rich-text-hostile"
BUILDERS = ("html", "latex", "text", "singlehtml", "epub")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    """One build of the project per builder."""
    src = tmp_path_factory.mktemp("rich") / "src"
    shutil.copytree(ROOT, src)
    return {name: build(src, name, builddir=src.parent / f"_build-{name}") for name in BUILDERS}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    src = tmp_path_factory.mktemp("hostile") / "src"
    shutil.copytree(HOSTILE, src)
    return build(src, "html")


def output(app, name: str) -> str:
    return (Path(app.outdir) / name).read_text(encoding="utf-8")


# -- what each field shows: (object anchor, field, element, its text or href) ---------------

#: ``code``: a literal's text; ``em``: emphasis; ``a``: a link's href (relative to the card)
CARD_MARKUP = {
    "kep": [
        ("goal-kep-1-drain", "Metric", "code", "grace-metric"),
        ("goal-kep-1-drain", "Baseline", "em", "baseline-em"),
        ("goal-kep-1-drain", "Target", "a", "https://example.org/target"),
        ("goal-kep-1-drain", "Target", "a", "#approach-kep-1-inhibitor"),
        ("approach-kep-1-inhibitor", "Decision", "code", "EXTERNALLY-MANAGED"),
        ("approach-kep-1-inhibitor", "Rationale", "em", "emphasised-rationale"),
        ("approach-kep-1-inhibitor", "Rationale", "a", "#approach-kep-1-polling"),
        ("approach-kep-1-inhibitor", "Rationale", "a", "other.html"),
        ("approach-kep-1-inhibitor", "Impact", "a", "https://example.org/impact"),
        ("approach-kep-1-inhibitor", "Impact", "a", "other.html#other-label"),
        ("concession-kep-1-early-kill", "Mitigation", "code", "ShutdownGracePeriod"),
        ("concession-kep-1-early-kill", "Mitigation", "a", "#approach-kep-1-inhibitor"),
        ("flow-kep-1-shutdown", "Pre-condition", "code", "Ready"),
        ("flow-kep-1-shutdown", "Post-condition", "em", "terminated"),
        ("error-kep-1-a1", "System action", "code", "SIGTERM"),
        ("error-kep-1-a1", "User feedback", "a", "#approach-kep-1-inhibitor"),
        ("question-kep-1-wait", "Answer", "code", "grace-answer"),
        ("question-kep-1-wait", "Answer", "a", "#approach-kep-1-inhibitor"),
    ],
    "adr": [
        ("approach-adr-2-cookies", "Decision", "code", "HttpOnly"),
        ("approach-adr-2-cookies", "Rationale", "em", "md-emphasis"),
        ("approach-adr-2-cookies", "Rationale", "a", "#approach-adr-2-local"),
        ("approach-adr-2-cookies", "Rationale", "a", "https://example.org/md"),
        ("approach-adr-2-cookies", "Impact", "a", "other.html"),
        ("concession-adr-2-theft", "Mitigation", "code", "md-rotate"),
        ("concession-adr-2-theft", "Mitigation", "a", "#approach-adr-2-cookies"),
        ("goal-adr-2-fast", "Metric", "code", "md-metric"),
        ("goal-adr-2-fast", "Baseline", "em", "md-baseline"),
        ("goal-adr-2-fast", "Target", "a", "https://example.org/second"),
        ("flow-adr-2-login", "Pre-condition", "code", "md-pre"),
        ("flow-adr-2-login", "Post-condition", "em", "md-post"),
        ("error-adr-2-a1", "System action", "code", "md-action"),
        ("error-adr-2-a1", "User feedback", "em", "md-feedback"),
        ("question-adr-2-rotation", "Answer", "code", "md-answer"),
        ("question-adr-2-rotation", "Answer", "a", "#approach-adr-2-cookies"),
    ],
}

INHIBITOR = "../kep.html#approach-kep-1-inhibitor"
#: the same, in the views: (view page, view column, row's first cell, element, text or href)
VIEW_MARKUP = [
    ("Trade-offs", "Decision", "Shutdown inhibitor", "code", "EXTERNALLY-MANAGED"),
    ("Trade-offs", "Rationale", "Shutdown inhibitor", "em", "emphasised-rationale"),
    ("Trade-offs", "Rationale", "Shutdown inhibitor", "a", "../kep.html#approach-kep-1-polling"),
    ("Trade-offs", "Rationale", "Shutdown inhibitor", "a", "../other.html"),
    ("Trade-offs", "Impact", "Shutdown inhibitor", "a", "https://example.org/impact"),
    ("Trade-offs", "Impact", "Shutdown inhibitor", "a", "../other.html#other-label"),
    ("Trade-offs", "Decision", "Signed cookies", "code", "HttpOnly"),
    ("Trade-offs", "Rationale", "Signed cookies", "em", "md-emphasis"),
    ("Trade-offs", "Rationale", "Signed cookies", "a", "../adr.html#approach-adr-2-local"),
    ("Trade-offs", "Rationale", "Signed cookies", "a", "https://example.org/md"),
    ("Trade-offs", "Impact", "Signed cookies", "a", "../other.html"),
    ("Goals", "Metric", "Drain pods", "code", "grace-metric"),
    ("Goals", "Baseline", "Drain pods", "em", "baseline-em"),
    ("Goals", "Target", "Drain pods", "a", "../kep.html#approach-kep-1-inhibitor"),
    ("Goals", "Metric", "Fast login", "code", "md-metric"),
    ("Goals", "Target", "Fast login", "a", "https://example.org/second"),
    ("Error paths", "System action", "A1", "code", "SIGTERM"),
    ("Error paths", "User feedback", "A1", "a", "../kep.html#approach-kep-1-inhibitor"),
    ("Error paths", "System action", "A1", "code", "md-action"),
    ("Error paths", "User feedback", "A1", "em", "md-feedback"),
    ("Questions", "Answer", "How long to wait?", "code", "grace-answer"),
    ("Questions", "Answer", "How long to wait?", "a", "../kep.html#approach-kep-1-inhibitor"),
    ("Questions", "Answer", "Rotation period?", "code", "md-answer"),
    ("Questions", "Answer", "Rotation period?", "a", "../adr.html#approach-adr-2-cookies"),
    ("Risks", "Mitigation", "Pods may be killed early", "code", "ShutdownGracePeriod"),
    ("Risks", "Mitigation", "Pods may be killed early", "a", INHIBITOR),
    ("Risks", "Mitigation", "Cookie theft", "code", "md-rotate"),
    ("Risks", "Mitigation", "Cookie theft", "a", "../adr.html#approach-adr-2-cookies"),
    ("Glossary", "Definition", "Inhibitor lock", "a", "../kep.html#term-kep-1-shutdowngraceperiod"),
    ("Glossary", "Definition", "Session token", "a", "../kep.html#term-kep-1-shutdowngraceperiod"),
]  # fmt: skip


def card_field(page: BeautifulSoup, anchor: str, label: str) -> Tag:
    """The field *label* of the object anchored *anchor*."""
    target = page.find(id=anchor)
    assert target is not None, anchor
    block = target.find_parent("div", class_="spec-object")
    for name in block.select("dl.spec-fields > dt"):
        if text_of(name).rstrip(": ") == label:
            return name.find_next_sibling("dd")
    raise AssertionError(f"{anchor} has no field {label!r}")


def shows(cell: Tag, element: str, value: str) -> bool:
    if element == "a":
        return value in [a.get("href") for a in cell.find_all("a")]
    return value in [text_of(found) for found in cell.find_all(element)]


def view_cells(page: BeautifulSoup, section: str, column: str) -> list[tuple[str, Tag]]:
    """``(first cell's text, cell)`` of *column* in the views under heading *section*."""
    heading = next(h for h in page.find_all("h2") if text_of(h).rstrip("¶ ") == section)
    cells = []
    for table in heading.find_parent("section").select("table.spec-view"):
        at = [text_of(th) for th in table.select("thead th")].index(column)
        cells += [(text_of(tr.find_all("td")[0]), tr.find_all("td")[at]) for tr in table("tr")[1:]]
    return cells


@pytest.mark.parametrize("docname", ["kep", "adr"])
def test_card_fields_show_their_inline_markup(built, docname):
    page = html(built["html"], docname)
    for anchor, label, element, value in CARD_MARKUP[docname]:
        cell = card_field(page, anchor, label)
        assert shows(cell, element, value), (anchor, label, element, value, str(cell))
        assert "`" not in text_of(cell) and "*" not in text_of(cell)


@pytest.mark.parametrize(("section", "column", "first", "element", "value"), VIEW_MARKUP)
def test_views_on_another_page_show_the_markup_with_working_links(
    built, section, column, first, element, value
):
    page = html(built["html"], "notes/views")
    cells = [cell for name, cell in view_cells(page, section, column) if name == first]
    assert any(shows(cell, element, value) for cell in cells), [str(c) for c in cells]
    assert not any("`" in text_of(cell) for cell in cells)


def test_myst_page_views_show_the_markup(built):
    page = html(built["html"], "views-md")
    tables = page.find_all("table", class_="spec-view")
    codes = {text_of(code) for table in tables for code in table.find_all("code")}
    assert {"EXTERNALLY-MANAGED", "HttpOnly", "ShutdownGracePeriod", "md-rotate"} <= codes
    hrefs = {a["href"] for table in tables for a in table.find_all("a")}
    assert {"kep.html#approach-kep-1-polling", "other.html", "adr.html#approach-adr-2-local"} <= (
        hrefs
    )


def test_the_build_is_clean(built):
    for name in ("html", "latex", "text"):
        assert [w for w in warnings_of(built[name]) if "spec." in w or "myst" in w] == []


def test_latex_typesets_literals_emphasis_and_links(built):
    tex = next(Path(built["latex"].outdir).glob("*.tex")).read_text(encoding="utf-8")
    literal = r"\sphinxcode{\sphinxupquote{EXTERNALLY\sphinxhyphen{}MANAGED}}"
    assert tex.count(literal) >= 2  # the card and the trade-off table (twice: two view pages)
    assert tex.count(r"\sphinxhref{https://example.org/md}{MD docs}") >= 2
    assert tex.count(r"\sphinxstyleemphasis{md\sphinxhyphen{}emphasis}") >= 2
    assert tex.count(r"\hyperref[\detokenize{adr:approach-adr-2-local}]") >= 3
    assert r"\sphinxcode{\sphinxupquote{md\sphinxhyphen{}rotate}}" in tex
    assert "``" not in tex and "{spec:approach}" not in tex


def test_text_output_has_no_markup_characters(built):
    for page in ("kep.txt", "adr.txt", "notes/views.txt", "views-md.txt"):
        text = output(built["text"], page)
        assert "`" not in text and ":spec:" not in text and "{spec" not in text, page
    views = output(built["text"], "notes/views.txt")
    assert "EXTERNALLY-" in views and "md-rotate" in views and "Polling the API" in views


@pytest.mark.parametrize("name", ["singlehtml", "epub"])
def test_single_page_and_epub_show_the_markup_without_duplicate_ids(built, name):
    outdir = Path(built[name].outdir)
    page = "index.html" if name == "singlehtml" else "notes/views.xhtml"
    soup = BeautifulSoup((outdir / page).read_text(encoding="utf-8"), "html.parser")
    codes = [text_of(code) for code in soup.find_all("code")]
    assert codes.count("EXTERNALLY-MANAGED") >= (3 if name == "singlehtml" else 1)
    assert soup.select("table.spec-view [id]") == []  # the copies leave ids to the card
    hrefs = [a.get("href", "") for a in soup.find_all("a")]
    assert any(href.endswith("#approach-kep-1-polling") for href in hrefs)


def test_glossary_definition_keeps_its_term_link(built):
    page = html(built["html"], "notes/views")
    definitions = dict(view_cells(page, "Glossary", "Definition"))
    assert " ".join(definitions["Inhibitor lock"].get_text().split()) == (
        "A lock held by the kubelet. See also ShutdownGracePeriod."
    )
    link = definitions["Inhibitor lock"].find("a")
    assert link["href"] == "../kep.html#term-kep-1-shutdowngraceperiod"


# -- mitigation, marking, alternatives --------------------------------------------------------


def test_mitigation_is_a_column_of_the_risk_register_and_exported(built):
    page = html(built["html"], "notes/views")
    mitigations = {name: text_of(cell) for name, cell in view_cells(page, "Risks", "Mitigation")}
    assert mitigations == {
        "Cookie theft": "rotate md-rotate keys, see Signed cookies",
        "Pods may be killed early": (
            "raise ShutdownGracePeriod in the kubelet and follow Shutdown inhibitor"
        ),
    }
    exported = json.loads(output(built["html"], "spec.json"))
    objects = {obj["full_id"]: obj for obj in exported["objects"]}
    assert objects["ADR-2.theft"]["mitigation"] == (
        "rotate `md-rotate` keys, see {spec:approach}`cookies`"
    )
    assert "markup" not in objects["KEP-1.inhibitor"]
    assert objects["KEP-1.inhibitor"]["decision"] == "use ``EXTERNALLY-MANAGED`` inhibitors"


@pytest.mark.parametrize(
    ("docname", "anchor", "status"),
    [
        ("kep", "approach-kep-1-polling", "rejected"),
        ("kep", "approach-kep-1-freezer", "deferred"),
        ("adr", "approach-adr-2-local", "rejected"),
    ],
)
def test_approaches_not_taken_are_marked_on_the_card(built, docname, anchor, status):
    block = html(built["html"], docname).find(id=anchor).find_parent("div", class_="spec-object")
    assert f"spec-approach-{status}" in block["class"]
    badge = block.select_one(".spec-object-title .spec-badge")
    assert text_of(badge) == status and f"spec-status-{status}" in badge["class"]


def test_chosen_approach_has_no_mark(built):
    page = html(built["html"], "kep")
    block = page.find(id="approach-kep-1-inhibitor").find_parent("div", class_="spec-object")
    assert block.select(".spec-object-title .spec-badge") == []
    assert not [c for c in block["class"] if c.startswith("spec-approach-")]


def test_approaches_not_taken_are_marked_in_the_tradeoff_table(built):
    page = html(built["html"], "notes/views")
    table = page.find("table", class_="spec-view-spec-tradeoffs")
    marks = {}
    for tr in table.select("tbody tr"):
        badge = tr.select_one(".spec-badge")
        row_class = [c for c in tr.get("class", []) if c.startswith("spec-row-")]
        marks[text_of(tr.find("td"))] = (text_of(badge), badge["class"][-1], row_class)
    assert marks == {
        "Signed cookies": ("chosen", "spec-status-chosen", []),
        "Local storage": ("rejected", "spec-status-rejected", ["spec-row-rejected"]),
        "Shutdown inhibitor": ("chosen", "spec-status-chosen", []),
        "Polling the API": ("rejected", "spec-status-rejected", ["spec-row-rejected"]),
        "Cgroup freezer": ("deferred", "spec-status-deferred", ["spec-row-deferred"]),
    }


def test_marks_are_words_in_text_and_latex(built):
    kep = output(built["text"], "kep.txt")
    assert 'Approach "polling" **Polling the API** rejected' in kep
    assert 'Approach "freezer" **Cgroup freezer** deferred' in kep
    tex = next(Path(built["latex"].outdir).glob("*.tex")).read_text(encoding="utf-8")
    assert r"\sphinxstylestrong{Polling the API} rejected" in tex
    assert r"\sphinxstylestrong{Cgroup freezer} deferred" in tex


def test_css_styles_the_marks_from_theme_variables():
    css = (Path(__file__).parent.parent / "sphinx_spec/static/sphinx-spec.css").read_text()
    for rule in (
        ".spec-badge.spec-status-deferred",
        "div.container.spec-object.spec-approach-rejected",
        "table.spec-view tr.spec-row-rejected > td",
    ):
        assert rule in css
    assert "var(--spec-muted)" in css.split("div.container.spec-object.spec-approach-rejected")[1]


@pytest.mark.parametrize(
    ("docname", "anchor", "links", "codes", "text"),
    [
        (
            "kep",
            "approach-kep-1-inhibitor",
            {"polling": "#approach-kep-1-polling"},
            ["systemd"],
            "polling, systemd timers, Plain words",
        ),
        ("adr", "approach-adr-2-cookies", {"local": "#approach-adr-2-local"}, ["sessionStorage"],
         "local, sessionStorage"),
    ],
)  # fmt: skip
def test_alternatives_naming_an_approach_link_to_it(built, docname, anchor, links, codes, text):
    cell = card_field(html(built["html"], docname), anchor, "Alternatives")
    assert {text_of(a): a["href"] for a in cell.find_all("a")} == links
    assert [text_of(code) for code in cell.find_all("code")] == codes
    assert " ".join(cell.get_text().split()) == text


# -- hostile and broken markup ------------------------------------------------------------------


def test_raw_markup_is_escaped_and_never_reaches_the_page(hostile):
    for docname in ("bad", "badmd", "views"):
        source = (Path(hostile.outdir) / f"{docname}.html").read_text(encoding="utf-8")
        assert "<script>alert" not in source and "<img" not in source
    views = html(hostile, "views")
    shown = text_of(views.find("table", class_="spec-view"))
    # as on the card: after Sphinx's smart quotes
    assert "keep <script>alert(“rst-raw”)</script> out" in shown
    assert "<img src=x onerror=alert(“rst-img”)> and more" in shown
    assert "keep <script>alert(“md-raw”)</script> out, emphasis stays" in shown
    emphasis = [text_of(em) for em in views.find_all("em")]
    assert emphasis == ["and", "emphasis"]


def test_broken_markup_is_a_located_warning_and_shows_as_written(hostile):
    assert located(hostile, "option") == [
        "bad.rst:10: spec-approach: :impact: has inline markup that cannot be read "
        "(Inline emphasis start-string without end-string.); shown as written",
        "bad.rst:16: spec-approach: :decision: has inline markup that cannot be read "
        '(Unknown interpreted text role "nosuchrole".); shown as written',
        "badmd.md:7: spec-approach: :rationale: has inline markup that cannot be read "
        '(Unknown interpreted text role "nosuchrole". [myst.role_unknown]); shown as written',
    ]
    shown = text_of(html(hostile, "views").find("table", class_="spec-view"))
    assert "*unbalanced emphasis" in shown
    assert "uses :nosuchrole:`thing`" in shown and "uses {nosuchrole}`thing`" in shown


def test_a_view_shown_as_a_list_keeps_the_markup(tmp_path):
    """In a table cell the text builder lists the rows; the values keep their markup."""
    src = tmp_path / "src"
    shutil.copytree(HOSTILE, src)
    app = build(src, "text")
    assert located(app, "view") == [
        "nested.rst:8: spec-tradeoffs: the text builder cannot put a table inside a table "
        "cell; the view is shown as a list"
    ]
    listed = " ".join(output(app, "nested.txt").replace("|", " ").split())  # the cell's rules
    assert 'Raw role — Decision: keep <script>alert("rst-raw")</script> out' in listed
    assert 'Rationale: <img src=x onerror=alert("rst-img")> *and* more' in listed
    assert "Status: chosen" in listed


# -- freshness ------------------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", [0, 2])
def test_view_page_is_written_again_when_a_referenced_title_changes(tmp_path, jobs):
    """``goals.rst`` shows the goals view only: its one link to approach KEP-1.inhibitor is
    the role in KEP-1.drain's ``:target:``. The page is written again, not read; with
    ``-j 2`` the parsed values come from the other readers' stores."""
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    theme = {"html_theme": "basic"}  # SphinxTestApp would otherwise switch alabaster → basic
    first = build(src, "html", confoverrides=theme, parallel=jobs)
    read_at = doctree_times(src)
    goals_page = Path(first.outdir) / "goals.html"
    written_at = goals_page.stat().st_mtime_ns
    kep = src / "kep.rst"
    kep.write_text(
        kep.read_text().replace("Shutdown inhibitor\n", "Systemd inhibitor lock\n"),
        encoding="utf-8",
    )
    app = build(src, "html", confoverrides=theme, parallel=jobs)
    target = dict(view_cells_of(html(app, "goals"), "Target"))["Drain pods"]
    assert text_of(target) == "see Target docs and Systemd inhibitor lock"
    assert reread(read_at, src) == ["kep"]
    assert goals_page.stat().st_mtime_ns != written_at
    fresh = html(app, "notes/views")
    assert "../kep.html#approach-kep-1-polling" in [a["href"] for a in fresh.find_all("a")]


def view_cells_of(page: BeautifulSoup, column: str) -> list[tuple[str, Tag]]:
    table = page.find("table", class_="spec-view")
    at = [text_of(th) for th in table.select("thead th")].index(column)
    return [(text_of(tr.find_all("td")[0]), tr.find_all("td")[at]) for tr in table("tr")[1:]]
