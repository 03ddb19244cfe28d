"""Links out of a spec and into it: ``:links:``, ``spec_link_patterns``, did-you-mean hints
for unresolved ids, and general index entries for specs, objects and terms.

``tests/roots/test-links-kep`` holds two KEPs, one in reStructuredText
(``kep1000.rst``) and one in MyST (``kep2000.md``), each naming the other's
objects by local id, and a page of views (``views.rst``); its ``conf.py`` maps
JIRA and issue ids to URLs and holds two broken patterns.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from helpers import build, html, inventory, located, text_of, warnings_of

from sphinx_spec.index import ProjectIndex, did_you_mean
from sphinx_spec.links import parse_links
from sphinx_spec.model import KINDS_BY_DIRECTIVE, Approach, Flow, Spec, SpecLink

ROOT = Path(__file__).parent / "roots" / "test-links-kep"
JIRA = "https://jira.example.com/browse/"
ISSUES = "https://github.com/o/r/issues/"


def line_of(filename: str, start: str) -> int:
    """The line of *filename* (in the test root) that starts with *start*, stripped."""
    lines = (ROOT / filename).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.strip().startswith(start))


def html_build(test):
    marks = [
        pytest.mark.sphinx("html", testroot="links-kep"),
        pytest.mark.test_params(shared_result="links-kep-html"),
    ]
    for mark in marks:
        test = mark(test)
    return test


def field_links(app, docname: str, name: str) -> list[list[tuple[str, str]]]:
    """``(text, href)`` of the links in every field *name* of the page's cards and objects."""
    found = []
    for label in html(app, docname).select("dl.spec-fields dt"):
        if text_of(label).rstrip(": ") == name:
            value = label.find_next_sibling("dd")
            found.append([(text_of(a), a["href"]) for a in value.find_all("a")])
    return found


# -- did you mean ---------------------------------------------------------------------------


@html_build
def test_unresolved_roles_suggest_the_full_id_in_rst_and_myst(app):
    app.build()
    refs = located(app, "ref")
    assert (
        f"kep1000.rst:{line_of('kep1000.rst', 'Unresolved:')}: unknown approach id 'inhibitor'; "
        "did you mean `KEP-2000.inhibitor`?"
    ) in refs
    assert (
        f"kep2000.md:{line_of('kep2000.md', 'Unresolved:')}: unknown approach id 'drain'; "
        "did you mean `KEP-1000.drain`?"
    ) in refs


@html_build
def test_dangling_option_references_suggest_the_full_id(app):
    app.build()
    refs = located(app, "ref")
    question = line_of("kep1000.rst", ".. open-question::")
    error = line_of("kep1000.rst", ".. error-path::")
    view = line_of("views.rst", ".. error-paths::")
    assert (
        f"kep1000.rst:{question}: open question KEP-1000.which: :resolved-by: names unknown "
        "approach 'inhibitor'; did you mean `KEP-2000.inhibitor`?"
    ) in refs
    assert (
        f"kep1000.rst:{error}: error path KEP-1000.A1: :flow: names unknown flow 'shutdown'; "
        "did you mean `KEP-2000.shutdown`?"
    ) in refs
    assert (
        f"views.rst:{view}: error-paths: :flow: names unknown flow 'shutdown'; "
        "did you mean `KEP-2000.shutdown`?"
    ) in refs


def record(cls, spec_id: str, local_id: str, title: str = "t"):
    return cls(local_id=local_id, title=title, spec_id=spec_id, docname=spec_id, lineno=1)


def test_suggestions_put_the_same_kind_first_then_sort_by_full_id_and_stop_at_three():
    specs = {name: Spec(id=name, title=name, docname=name, lineno=1) for name in "ABCDE"}
    objects = {
        "A": [record(Flow, "A", "x")],
        "B": [record(Approach, "B", "x")],
        "C": [record(Approach, "C", "x")],
        "D": [record(Approach, "D", "x")],
        "E": [record(Approach, "E", "y")],
    }
    index = ProjectIndex(specs, objects)
    assert did_you_mean(index, "approach", "x") == "; did you mean `B.x`, `C.x` or `D.x`?"
    assert did_you_mean(index, "flow", "x") == (
        "; did you mean `A.x`, `B.x` (approach) or `C.x` (approach)?"
    )
    assert did_you_mean(index, "approach", "Z.y") == "; did you mean `E.y`?"
    assert did_you_mean(index, "approach", "nothing") == ""


# -- :links: --------------------------------------------------------------------------------


def test_titled_entries_keep_commas_and_bare_ids_are_separated_by_commas():
    links, problems = parse_links(
        "RFC 9110, HTTP semantics <https://www.rfc-editor.org/rfc/rfc9110>\n"
        "KEP-1, JIRA-2 , #3\n"
        "Bad <javascript:alert(1)>\n"
        "data:text/html"
    )
    assert links == [
        SpecLink("RFC 9110, HTTP semantics", "https://www.rfc-editor.org/rfc/rfc9110"),
        SpecLink("", "KEP-1"),
        SpecLink("", "JIRA-2"),
        SpecLink("", "#3"),
        SpecLink("Bad", ""),
        SpecLink("data:text/html", ""),
    ]
    assert problems == [
        f"{target!r} is not an http(s), mailto or relative URL; shown as text"
        for target in ("javascript:alert(1)", "data:text/html")
    ]


def test_titled_and_bare_entries_mix_on_one_line():
    links, problems = parse_links(
        "KEP README <https://example.org/kep>, #2712, Design, v2 <https://example.org/d>, KEP-1"
    )
    assert links == [
        SpecLink("KEP README", "https://example.org/kep"),
        SpecLink("#2712, Design, v2", "https://example.org/d"),
        SpecLink("", "KEP-1"),
    ]
    assert problems == []
    links, _problems = parse_links("KEP README <https://example.org/kep>, #2712, KEP-1")
    assert links == [
        SpecLink("KEP README", "https://example.org/kep"),
        SpecLink("", "#2712"),
        SpecLink("", "KEP-1"),
    ]


@html_build
def test_card_links_lead_to_urls_specs_and_pattern_urls_in_rst_and_myst(app):
    app.build()
    assert field_links(app, "kep1000", "Links") == [
        [
            ("KEP process, enhancements repo", "https://github.com/kubernetes/enhancements"),
            ("KEP-2000", "kep2000.html#spec-kep-2000"),
            ("JIRA-42", f"{JIRA}JIRA-42"),
            ("#17", f"{ISSUES}17"),
            ("Mail the SIG", "mailto:sig-node%40example.com"),
        ]
    ]
    assert field_links(app, "kep2000", "Links") == [
        [
            ("Design doc, v2", "https://docs.example.com/design"),
            ("KEP-1000", "kep1000.html#spec-kep-1000"),
            ("JIRA-99", f"{JIRA}JIRA-99"),
        ]
    ]


@html_build
def test_a_javascript_link_is_text_and_warns_at_the_spec(app):
    app.build()
    options = located(app, "option")
    for filename, start, target in [
        ("kep1000.rst", ".. spec::", "javascript:alert(1)"),
        ("kep2000.md", "```{spec}", "javascript:alert(2)"),
    ]:
        assert (
            f"{filename}:{line_of(filename, start)}: spec: :links: {target!r} is not an http(s), "
            "mailto or relative URL; shown as text"
        ) in options
    for docname, title in [("kep1000", "Harmless"), ("kep2000", "Evil")]:
        page = html(app, docname)
        card = page.select_one("div.spec-card dl.spec-fields")
        assert title in text_of(card)
        assert not page.find_all(href=re.compile("javascript", re.I))


@html_build
def test_links_are_exported_with_their_urls(app):
    app.build()
    data = json.loads((Path(app.outdir) / "spec.json").read_text(encoding="utf-8"))
    links = {spec["id"]: spec["links"] for spec in data["specs"]}
    assert links["KEP-1000"][1:4] == [
        {"title": "", "target": "KEP-2000", "url": "kep2000.html#spec-kep-2000"},
        {"title": "", "target": "JIRA-42", "url": f"{JIRA}JIRA-42"},
        {"title": "", "target": "#17", "url": f"{ISSUES}17"},
    ]
    assert links["KEP-1000"][-1] == {"title": "Harmless", "target": "", "url": ""}
    assert links["KEP-2000"][0] == {
        "title": "Design doc, v2",
        "target": "https://docs.example.com/design",
        "url": "https://docs.example.com/design",
    }


def test_exported_links_are_read_back(tmp_path):
    from sphinx_spec.specjson import parse, records

    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    app = build(src, "html")
    content = parse((Path(app.outdir) / "spec.json").read_bytes())
    imported = records(content, {"docname": "", "lineno": 1}, lambda url: url)
    read = {spec.id: spec.links for spec in imported.specs}
    assert read["KEP-2000"][:2] == (
        SpecLink("Design doc, v2", "https://docs.example.com/design"),
        SpecLink("", "KEP-1000"),
    )
    del content["specs"][0]["links"]  # a file written before links existed
    assert records(content, {"docname": "", "lineno": 1}, lambda url: url).specs[0].links == ()


# -- spec_link_patterns ---------------------------------------------------------------------


@html_build
def test_pattern_ids_in_object_fields_become_links_in_rst_and_myst(app):
    app.build()
    assert field_links(app, "kep1000", "Decision") == [[("JIRA-7", f"{JIRA}JIRA-7")]]
    assert field_links(app, "kep1000", "Rationale") == [
        [("#12", f"{ISSUES}12"), ("JIRA-8", f"{JIRA}JIRA-8")]
    ]
    assert field_links(app, "kep2000", "Decision") == [[("JIRA-5", f"{JIRA}JIRA-5")]]
    rationale = html(app, "kep1000").select("dl.spec-fields dd")
    assert "Tracked in #12 ; see JIRA-8 ." in [text_of(dd) for dd in rationale]


@html_build
def test_pattern_ids_in_view_cells_become_links(app):
    app.build()
    table = html(app, "views").select_one("table.spec-view-spec-tradeoffs")
    hrefs = {text_of(a): a["href"] for a in table.find_all("a")}
    assert hrefs["JIRA-7"] == f"{JIRA}JIRA-7"
    assert hrefs["#12"] == f"{ISSUES}12"
    assert hrefs["JIRA-5"] == f"{JIRA}JIRA-5"
    assert hrefs["Drain first"] == "kep1000.html#approach-kep-1000-drain"  # links stay as they are


@html_build
def test_bad_patterns_warn_at_their_conf_py_line_and_are_ignored(app):
    app.build()
    conf = (ROOT / "conf.py").read_text(encoding="utf-8").splitlines()
    unclosed = next(n for n, line in enumerate(conf, 1) if "(unclosed" in line)
    rfc = next(n for n, line in enumerate(conf, 1) if "RFC" in line)
    options = located(app, "option")
    assert any(
        w.startswith(f"conf.py:{unclosed}: spec_link_patterns: '(unclosed' is not a regular")
        for w in options
    )
    assert (
        f"conf.py:{rfc}: spec_link_patterns: 'RFC(\\\\d+)' URL template refers to group 2; "
        "the pattern has 1; the entry is ignored"
    ) in options
    assert not [w for w in warnings_of(app) if "Traceback" in w or "exception" in w.lower()]


def test_bad_pattern_values_warn_and_are_ignored(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    conf = src / "conf.py"
    text = conf.read_text(encoding="utf-8")
    text = text.replace('    "(unclosed": "https://example.com/",\n', '    r"EVIL-(\\d+)": 7,\n')
    text = text.replace(r'r"https://www.rfc-editor.org/rfc/rfc\2"', '"javascript:alert(1)"')
    conf.write_text(text, encoding="utf-8")
    app = build(src, "html")
    options = [w for w in located(app, "option") if w.startswith("conf.py:")]
    assert options == [
        "conf.py:10: spec_link_patterns: 'EVIL-(\\\\d+)' pattern and URL template must both be "
        "strings; the entry is ignored",
        "conf.py:11: spec_link_patterns: 'RFC(\\\\d+)' URL template is not an http(s), mailto or "
        "relative URL; the entry is ignored",
    ]
    assert 'href="javascript' not in (Path(app.outdir) / "kep1000.html").read_text()


# -- other builders -------------------------------------------------------------------------


@pytest.mark.sphinx("latex", testroot="links-kep")
@pytest.mark.test_params(shared_result="links-kep-latex")
def test_latex_has_the_links_and_the_index_entries(app):
    app.build()
    tex = (Path(app.outdir) / "links.tex").read_text(encoding="utf-8")
    card = (
        r"\sphinxhref{https://github.com/kubernetes/enhancements}"
        "{KEP process, enhancements repo}"
    )
    assert card in tex
    assert r"\sphinxhref{https://jira.example.com/browse/JIRA-42}{JIRA\sphinxhyphen{}42}" in tex
    assert r"\sphinxhref{https://docs.example.com/design}{Design doc, v2}" in tex
    # a field of the object and the trade-off table's cell
    assert tex.count(r"\sphinxhref{https://jira.example.com/browse/JIRA-7}") == 2
    assert tex.count(r"\sphinxhref{https://github.com/o/r/issues/12}{\#12}") == 2
    assert "javascript" not in tex.replace("javascript:alert", "")  # shown as its title only
    assert r"\spxentry{KEP\sphinxhyphen{}2000}\spxextra{spec}" in tex
    assert r"\spxentry{Readiness inhibitor}\spxextra{approach in KEP\sphinxhyphen{}2000}" in tex
    assert r"\index{grace period@\spxentry{grace period}}" in tex


@pytest.mark.sphinx("text", testroot="links-kep")
@pytest.mark.test_params(shared_result="links-kep-text")
def test_text_shows_links_as_plain_text(app):
    app.build()
    kep1000 = (Path(app.outdir) / "kep1000.txt").read_text(encoding="utf-8")
    kep2000 = (Path(app.outdir) / "kep2000.txt").read_text(encoding="utf-8")
    views = (Path(app.outdir) / "views.txt").read_text(encoding="utf-8")
    assert "KEP process, enhancements repo, KEP-2000, JIRA-42, #17" in " ".join(kep1000.split())
    assert "Design doc, v2, KEP-1000, JIRA-99, Evil" in " ".join(kep2000.split())
    assert "Drain before JIRA-7 lands" in kep1000
    assert "JIRA-7" in views
    assert "http" not in kep1000 + kep2000 + views


# -- general index --------------------------------------------------------------------------


def index_links(app) -> dict[str, str]:
    """Entry text (with its sub-label) → href, from genindex.html."""
    page = html(app, "genindex")
    return {text_of(a): a["href"] for a in page.select("table.indextable a")}


@html_build
def test_specs_objects_and_terms_are_in_the_general_index_at_their_anchors(app):
    app.build()
    entries = index_links(app)
    expected = {
        "KEP-1000 (spec)": "kep1000.html#spec-kep-1000",
        "Node shutdown (spec KEP-2000)": "kep2000.html#spec-kep-2000",
        "Drain first (approach in KEP-1000)": "kep1000.html#approach-kep-1000-drain",
        "Readiness inhibitor (approach in KEP-2000)": "kep2000.html#approach-kep-2000-inhibitor",
        "Shutdown (flow in KEP-2000)": "kep2000.html#flow-kep-2000-shutdown",
        "ShutdownGracePeriod": "kep2000.html#term-kep-2000-grace",
        "grace period": "kep2000.html#term-kep-2000-grace",
    }
    for text, href in expected.items():
        assert entries.get(text) == href, text
        page, anchor = href.split("#")
        assert html(app, page.removesuffix(".html")).find(id=anchor) is not None


def test_an_edited_title_updates_the_index_and_duplicates_get_none(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    build(src, "html")
    kep = src / "kep2000.md"
    text = kep.read_text(encoding="utf-8").replace("Readiness inhibitor", "Shutdown inhibitor")
    text += "\n```{spec-approach} Again\n:id: inhibitor\n:decision: twice\n```\n"
    kep.write_text(text, encoding="utf-8")
    app = build(src, "html")
    entries = index_links(app)
    assert "Shutdown inhibitor (approach in KEP-2000)" in entries
    assert "Readiness inhibitor (approach in KEP-2000)" not in entries
    assert not [entry for entry in entries if entry.startswith("Again")]


def test_a_card_link_to_a_spec_follows_the_spec_on_an_incremental_build(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    build(src, "html")
    (src / "kep1000.rst").rename(src / "drain.rst")
    index = src / "index.rst"
    index.write_text(index.read_text(encoding="utf-8").replace("kep1000", "drain"), "utf-8")
    app = build(src, "html")
    assert field_links(app, "kep2000", "Links")[0][1] == ("KEP-1000", "drain.html#spec-kep-1000")


def test_by_default_the_general_index_lists_specs_and_terms_only(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    conf = src / "conf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8").replace("spec_index_entries", "unused"), "utf-8"
    )
    app = build(src, "html")
    entries = index_links(app)
    assert entries["KEP-1000 (spec)"] == "kep1000.html#spec-kep-1000"
    assert entries["Node shutdown (spec KEP-2000)"] == "kep2000.html#spec-kep-2000"
    assert entries["grace period"] == "kep2000.html#term-kep-2000-grace"
    assert not [text for text in entries if " in KEP-" in text]  # no approach, flow, …
    latex = build(src, "latex")
    tex = (Path(latex.outdir) / "links.tex").read_text(encoding="utf-8")
    assert r"\spxentry{KEP\sphinxhyphen{}2000}\spxextra{spec}" in tex
    assert "approach in" not in tex


def test_an_unknown_kind_in_spec_index_entries_warns_at_conf_py(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    conf = src / "conf.py"
    text = conf.read_text(encoding="utf-8").replace('"spec-term"]', '"spec-term", "widget"]')
    conf.write_text(text, "utf-8")
    app = build(src, "html")
    number = next(
        n for n, line in enumerate(text.splitlines(), 1) if line.startswith("spec_index_entries")
    )
    assert [w for w in located(app, "option") if "spec_index_entries" in w] == [
        f"conf.py:{number}: spec_index_entries names unknown kinds: widget (known: spec, "
        + ", ".join(KINDS_BY_DIRECTIVE)
        + ")"
    ]
    assert "Drain first (approach in KEP-1000)" in index_links(app)


def searched_types(app) -> set[str]:
    """The object types the search index lists (``searchindex.js``)."""
    text = (Path(app.outdir) / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    return set(data["objtypes"].values())


def test_the_search_lists_the_kinds_spec_index_entries_names_and_the_inventory_all(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    listed = build(src, "html")  # spec, approach, flow and term are listed
    assert {"spec:spec", "spec:approach", "spec:flow", "spec:term"} <= searched_types(listed)
    assert "spec:error" not in searched_types(listed)
    conf = src / "conf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8").replace("spec_index_entries", "unused"), "utf-8"
    )
    default = build(src, "html")
    assert {t for t in searched_types(default) if t.startswith("spec:")} == {
        "spec:spec",
        "spec:term",
    }
    inventoried = inventory(default)
    assert inventoried["spec:approach", "KEP-2000.inhibitor"].uri.endswith(
        "#approach-kep-2000-inhibitor"
    )
    assert ("spec:spec", "KEP-1000") in inventoried
