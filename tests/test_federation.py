"""``spec_import``: project B shows project A's specs, from A's ``spec.json``.

Each scenario copies ``tests/roots/test-federation-a`` (project "Ledger":
LED-1 in ``specs/ledger`` with an object of every kind, AUD-2 in
``specs/audit`` depending on it) to ``<tmp>/a/src`` and builds it into
``<tmp>/a/_build/html``; then ``tests/roots/test-federation-b`` (project
"Payments": REF-1 in ``refunds`` depending on LED-1, references into A in
``refunds`` and the MyST ``notes``, every view in ``reports/portfolio``) to
``<tmp>/b/src``. B's ``conf.py`` imports ``../../a/_build/html/spec.json``.
Links are followed on disk, from B's page to the element of A's page they
land on, as a reader clicking them would.
"""

from __future__ import annotations

import functools
import http.server
import json
import socket
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from helpers import build, html, inventory, text_of, warnings_of
from linking import item, landing, line_of, link, warning_pattern
from sphinx.testing.util import SphinxTestApp
from test_incremental import copy_project, doctree_times, page_bodies, reread, status
from test_views_incremental import column, row, rows, view

ROOTS = Path(__file__).parent / "roots"
IMPORT_LINE = "../../a/_build/html/spec.json"


def make_projects(base: Path) -> tuple[Path, Path]:
    """Copies of A and B under *base*, A already built; returns their source dirs."""
    a_src = copy_project(ROOTS / "test-federation-a", base / "a" / "src")
    b_src = copy_project(ROOTS / "test-federation-b", base / "b" / "src")
    a = build(a_src)
    assert warnings_of(a) == []
    return a_src, b_src


def a_outdir(b_src: Path) -> Path:
    return b_src.parent.parent / "a" / "_build" / "html"


def follow(app: SphinxTestApp, page: str, href: str, into: Path) -> tuple[str, Tag]:
    """Follow a relative link on B's *page* to the element of project *into* it reaches."""
    target, _, anchor = href.partition("#")
    path = ((Path(app.outdir) / page).parent / target).resolve()
    relative = path.relative_to(into.resolve()).as_posix()  # fails if the link leaves A
    return relative, landing(into, relative, anchor)


@pytest.fixture(scope="module")
def federation(tmp_path_factory):
    """B built once against A's spec.json: ``(b app, A's output directory)``."""
    _a_src, b_src = make_projects(tmp_path_factory.mktemp("federation"))
    b = build(b_src)
    return b, a_outdir(b_src)


# -- imported specs in the views ------------------------------------------------------------


def test_good_import_builds_without_warnings(federation):
    b, _a = federation
    assert warnings_of(b) == []


def test_spec_index_lists_imported_specs_marked_with_their_project(federation):
    b, _a = federation
    block = view(html(b, "reports/portfolio"), "All specs")
    assert [r["ID"] for r in rows(block)] == [
        "AUD-2 (Ledger)",
        "LED-1 (Ledger)",
        "REF-1",
    ]
    led = row(block, "ID", "LED-1 (Ledger)")
    assert (led["Title"], led["Status"], led["Owners"]) == ("Ledger entries", "accepted", "lena")
    assert (led["Tags"], led["Updated"]) == ("ledger, payments", "2026-11-02")
    aud = row(block, "ID", "AUD-2 (Ledger)")
    assert (aud["Open questions"], aud["Blocking"]) == ("1", "1")


def test_imported_spec_links_land_on_the_spec_in_project_a(federation):
    b, a = federation
    block = view(html(b, "reports/portfolio"), "All specs")
    anchor = block.find("a", string=lambda s: s and "LED-1" in s)
    assert "spec-external" in anchor["class"]
    assert anchor["title"] == "LED-1 (Ledger)"
    page, reached = follow(b, "reports/portfolio.html", anchor["href"], a)
    assert page == "specs/ledger.html"
    assert "Ledger entries" in text_of(reached)
    assert "LED-1" in text_of(reached)


def test_local_specs_still_link_inside_project_b(federation):
    b, _a = federation
    block = view(html(b, "reports/portfolio"), "All specs")
    anchor = block.find("a", string="REF-1")
    assert anchor["href"] == "../refunds.html#spec-ref-1"
    assert "spec-external" not in anchor.get("class", [])


def test_tag_filter_selects_imported_specs(federation):
    b, _a = federation
    block = view(html(b, "reports/portfolio"), "Ledger only")
    assert [r["ID"] for r in rows(block)] == ["LED-1 (Ledger)"]


@pytest.mark.parametrize(
    ("title", "column", "text", "page", "landing_text"),
    [
        ("Trade-offs", "Approach", "Append-only journal", "specs/ledger.html", "Never update"),
        ("Goals", "Goal", "Balanced books", "specs/ledger.html", "Unbalanced entries"),
        ("Error paths", "Condition", "Entry does not balance", "specs/ledger.html", "422"),
        ("Concessions", "Concession", "No archival yet", "specs/ledger.html", "No archival"),
        ("Glossary", "Term", "Journal", "specs/ledger.html", "append-only list"),
        (
            "Open questions",
            "Question",
            "Which format do auditors want?",
            "specs/audit.html",
            "auditors",
        ),
    ],
)
def test_every_view_shows_imported_objects_linking_into_a(
    federation, title, column, text, page, landing_text
):
    b, a = federation
    block = view(html(b, "reports/portfolio"), title)
    assert any(r[column] == text for r in rows(block)), rows(block)
    anchor = block.find("a", string=text)
    reached_page, reached = follow(b, "reports/portfolio.html", anchor["href"], a)
    assert reached_page == page
    assert landing_text in text_of(reached)


def test_trade_off_row_of_an_imported_approach(federation):
    b, _a = federation
    block = view(html(b, "reports/portfolio"), "Trade-offs")
    journal = row(block, "Approach", "Append-only journal")
    assert journal["Decision"] == "Never update an entry; post a correction"
    assert journal["Spec"] == "LED-1 (Ledger)"
    assert row(block, "Approach", "Refund as a correction entry")["Spec"] == "REF-1"


def test_imported_error_path_links_to_its_flow_step_in_a(federation):
    b, a = federation
    block = view(html(b, "reports/portfolio"), "Error paths")
    unbalanced = row(block, "Condition", "Entry does not balance")
    assert unbalanced["Flow / step"] == "Post an entry, step 2"
    anchor = block.find("a", string="Post an entry, step 2")
    _page, reached = follow(b, "reports/portfolio.html", anchor["href"], a)
    assert text_of(reached) == "Ledger checks the balance."


def test_open_questions_groups_imported_questions_under_their_spec(federation):
    b, _a = federation
    block = view(html(b, "reports/portfolio"), "Open questions")
    headings = [text_of(r) for r in block.find_all("p", class_="rubric")][1:]
    assert headings == ["AUD-2: Audit export (Ledger)", "LED-1: Ledger entries (Ledger)"]
    assert text_of(block.find("p", class_="spec-view-summary")) == (
        "1 open · 1 answered · 0 deferred · 1 blocking"
    )


def test_glossary_names_the_project_that_defines_a_term(federation):
    b, _a = federation
    block = view(html(b, "reports/portfolio"), "Glossary")
    journal = row(block, "Term", "Journal")
    assert journal["Aliases"] == "ledger journal"
    assert journal["Defined in"] == "LED-1 (Ledger)"


def test_graph_draws_the_dependency_on_an_imported_spec(federation):
    b, a = federation
    block = view(html(b, "reports/portfolio"), "Graph")
    code = text_of(block.find(class_="mermaid"))
    assert "s2 -.->|depends on| s1" in code  # REF-1 → LED-1 (nodes by id order)
    links = block.select("ul.spec-graph-links a")
    assert [text_of(x) for x in links] == [
        "AUD-2: Audit export (Ledger)",
        "LED-1: Ledger entries (Ledger)",
        "REF-1: Refunds",
    ]
    _page, reached = follow(b, "reports/portfolio.html", links[1]["href"], a)
    assert "Ledger entries" in text_of(reached)


# -- references to imported objects -----------------------------------------------------------


@pytest.mark.parametrize(
    ("docname", "label", "text", "page", "landing_text"),
    [
        ("refunds", "spec", "Ledger entries", "specs/ledger.html", "LED-1"),
        ("refunds", "approach", "Append-only journal", "specs/ledger.html", "Never update"),
        ("refunds", "flow step", "Post an entry", "specs/ledger.html", "Service sends"),
        ("refunds", "term", "ledger journal", "specs/ledger.html", "append-only list"),
        ("refunds", "spec-term", "Journal", "specs/ledger.html", "append-only list"),
        ("refunds", "any", "Audit export", "specs/audit.html", "AUD-2"),
        ("refunds", "explicit", "the ledger spec", "specs/ledger.html", "LED-1"),
        ("notes", "spec", "Audit export", "specs/audit.html", "AUD-2"),
        ("notes", "question", "Which format do auditors want?", "specs/audit.html", "omar"),
    ],
)
def test_roles_resolve_to_imported_objects(federation, docname, label, text, page, landing_text):
    b, a = federation
    anchor = link(html(b, docname), label)
    assert text_of(anchor) == text
    assert "spec-external" in anchor["class"]
    reached_page, reached = follow(b, f"{docname}.html", anchor["href"], a)
    assert reached_page == page
    assert landing_text in text_of(reached)


def test_local_spec_card_links_its_imported_dependency(federation):
    b, a = federation
    card = html(b, "refunds").find(class_="spec-card")
    anchor = card.find("a", string="LED-1")
    _page, reached = follow(b, "refunds.html", anchor["href"], a)
    assert "Ledger entries" in text_of(reached)


def test_imported_records_stay_out_of_b_exports(federation):
    b, _a = federation
    exported = json.loads((Path(b.outdir) / "spec.json").read_text(encoding="utf-8"))
    assert [spec["id"] for spec in exported["specs"]] == ["REF-1"]
    assert {obj["spec_id"] for obj in exported["objects"]} == {"REF-1"}
    names = {name for _kind, name in inventory(b)}
    assert "REF-1" in names
    assert not any(name.startswith(("LED-1", "AUD-2")) for name in names)


# -- base URLs and imports over http ------------------------------------------------------------


def test_base_url_makes_absolute_links(tmp_path):
    _a_src, b_src = make_projects(tmp_path)
    b = build(
        b_src,
        confoverrides={"spec_import": [(IMPORT_LINE, "https://ledger.example.org/docs")]},
    )
    assert warnings_of(b) == []
    anchor = link(html(b, "refunds"), "approach")
    assert (
        anchor["href"] == "https://ledger.example.org/docs/specs/ledger.html#approach-led-1-journal"
    )


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the signature is http.server's)
        pass


@pytest.fixture
def served_a(tmp_path):
    """A built and served over http on 127.0.0.1: ``(b source dir, base URL)``."""
    _a_src, b_src = make_projects(tmp_path)
    handler = functools.partial(QuietHandler, directory=str(a_outdir(b_src)))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield b_src, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_import_over_http_links_to_the_served_pages(served_a):
    b_src, url = served_a
    b = build(b_src, confoverrides={"spec_import": [f"{url}spec.json"]})
    assert warnings_of(b) == []
    anchor = link(html(b, "refunds"), "spec")
    assert anchor["href"] == f"{url}specs/ledger.html#spec-led-1"
    block = view(html(b, "reports/portfolio"), "All specs")
    assert "LED-1 (Ledger)" in [r["ID"] for r in rows(block)]


def test_http_error_warns_spec_import_and_the_build_goes_on(served_a):
    b_src, url = served_a
    b = build(b_src, confoverrides={"spec_import": [f"{url}missing/spec.json"]})
    first, *others = warnings_of(b)
    # A -D value is located where conf.py sets the same name.
    line = line_of(b_src / "conf.py", "spec_import")
    assert first == (
        f"conf.py:{line}: WARNING: spec_import: {url}missing/spec.json could not be fetched "
        "(HTTP 404 File not found); its specs are left out [spec.import]"
    )
    # Without A, B's references into it dangle, each at its own line.
    assert all(w.endswith(("[spec.ref]", "[ref.term]", "[ref.any]")) for w in others), others
    assert [r["ID"] for r in rows(view(html(b, "reports/portfolio"), "All specs"))] == ["REF-1"]


def test_unreachable_server_warns_spec_import(tmp_path):
    _a_src, b_src = make_projects(tmp_path)
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    b = build(b_src, confoverrides={"spec_import": [f"http://127.0.0.1:{port}/spec.json"]})
    assert warnings_of(b)[0].endswith(
        f"could not be fetched (no connection to 127.0.0.1:{port}); its specs are left out "
        "[spec.import]"
    )


# -- incremental builds: editing A updates B ------------------------------------------------------


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def a_changed(tmp_path_factory):
    """B built, then A edited and rebuilt, then B built again with no change of its own."""
    a_src, b_src = make_projects(tmp_path_factory.mktemp("federation-fresh"))
    first = build(b_src)
    before = {doc: html(first, doc) for doc in ("refunds", "reports/portfolio", "notes")}
    times = doctree_times(b_src)
    ledger = a_src / "specs" / "ledger.rst"
    edit(ledger, "Ledger entries\n==============", "General ledger\n==============")
    edit(ledger, ".. spec:: Ledger entries", ".. spec:: General ledger")
    edit(ledger, ":status: accepted", ":status: implemented")
    edit(ledger, ":decision: Never update an entry; post a correction", ":decision: Post reversals")
    audit = a_src / "specs" / "audit.rst"
    edit(audit, "   :id: AUD-2\n", "   :id: AUD-3\n")
    assert warnings_of(build(a_src)) == []
    second = build(b_src)
    return before, second, reread(times, b_src)


def test_b_is_not_read_again_when_only_a_changed(a_changed):
    _before, _second, again = a_changed
    assert again == []


def test_b_views_show_a_new_data(a_changed):
    before, second, _again = a_changed
    old = view(before["reports/portfolio"], "All specs")
    assert row(old, "ID", "LED-1 (Ledger)")["Status"] == "accepted"
    new = view(html(second, "reports/portfolio"), "All specs")
    led = row(new, "ID", "LED-1 (Ledger)")
    assert (led["Title"], led["Status"]) == ("General ledger", "implemented")
    assert [r["ID"] for r in rows(new)] == ["AUD-3 (Ledger)", "LED-1 (Ledger)", "REF-1"]
    trade_offs = view(html(second, "reports/portfolio"), "Trade-offs")
    assert row(trade_offs, "Approach", "Append-only journal")["Decision"] == "Post reversals"


def test_b_references_follow_a_changes(a_changed):
    _before, second, _again = a_changed
    assert text_of(link(html(second, "refunds"), "spec")) == "General ledger"


def test_b_reference_to_a_removed_id_warns_and_unlinks(a_changed):
    before, second, _again = a_changed
    assert link(before["notes"], "spec")["href"].endswith("#spec-aud-2")
    assert html(second, "notes").find("a", string="Audit export") is None
    assert any(
        w.startswith("notes.md:3: WARNING: unknown spec id 'AUD-2'") and w.endswith("[spec.ref]")
        for w in warnings_of(second)
    ), warnings_of(second)


def test_rebuild_with_nothing_changed_writes_nothing(tmp_path):
    _a_src, b_src = make_projects(tmp_path)
    build(b_src)
    page = Path(b_src.parent / "_build" / "html" / "reports" / "portfolio.html")
    written = page.stat().st_mtime_ns
    again = build(b_src)
    assert "no targets are out of date" in status(again)
    assert page.stat().st_mtime_ns == written


# -- other builders and parallel builds -----------------------------------------------------------


def test_dirhtml_links_climb_out_of_the_page_directory(tmp_path):
    _a_src, b_src = make_projects(tmp_path)
    b = build(b_src, "dirhtml")
    assert warnings_of(b) == []
    page = "reports/portfolio/index.html"
    soup = BeautifulSoup((Path(b.outdir) / page).read_text(encoding="utf-8"), "html.parser")
    anchor = view(soup, "Trade-offs").find("a", string="Append-only journal")
    _page, reached = follow(b, page, anchor["href"], a_outdir(b_src))
    assert "Never update" in text_of(reached)


def test_text_and_latex_show_imported_specs_without_warnings(tmp_path):
    _a_src, b_src = make_projects(tmp_path)
    text = build(b_src, "text")
    assert warnings_of(text) == []
    portfolio = (Path(text.outdir) / "reports" / "portfolio.txt").read_text(encoding="utf-8")
    assert "| LED-1      | Ledger entries" in portfolio
    assert "* AUD-2: Audit export (Ledger)" in portfolio
    latex = build(b_src, "latex")
    assert warnings_of(latex) == []
    tex = next(Path(latex.outdir).glob("*.tex")).read_text(encoding="utf-8")
    # relative to the PDF's directory, _build/latex
    assert r"\sphinxhref{../../../a/\_build/html/specs/ledger.html\#spec-led-1}" in tex


def test_parallel_build_of_b_matches_serial(tmp_path):
    _a_src, serial_src = make_projects(tmp_path / "serial")
    _a_src, parallel_src = make_projects(tmp_path / "parallel")
    serial = build(serial_src)
    parallel = build(parallel_src, parallel=2)
    assert warnings_of(parallel) == []
    assert page_bodies(parallel) == page_bodies(serial)


# -- unusable imports ---------------------------------------------------------------------------

BAD_ROOT = ROOTS / "test-federation-bad"


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    """``tests/roots/test-federation-bad``: one good import among every kind of bad one."""
    return build(copy_project(BAD_ROOT, tmp_path_factory.mktemp("federation-bad") / "src"))


def conf_line(needle: str) -> int:
    return line_of(BAD_ROOT / "conf.py", needle)


BAD_ENTRIES = [
    ('"imports/missing.json"', "imports/missing.json does not exist"),
    ('"imports",', "imports is a directory, not a spec.json file"),
    ('"imports/not-utf8.json"', "imports/not-utf8.json is not UTF-8 text"),
    ('"imports/broken.json"', "imports/broken.json is not valid JSON (Expecting value: line 2"),
    ('"imports/array.json"', "imports/array.json is not a spec.json file"),
    ('"imports/version-2.json"', "has format version 2; this sphinx-spec reads version 1"),
    ('"imports/no-version.json"', "imports/no-version.json has no 'version' field"),
    ('"imports/bad-id.json"', "schema at specs/0/id: '1-bad id' is not an id"),
    ('"imports/javascript-url.json"', "schema at specs/0/url: 'javascript:alert(1)' is not a"),
    ('"imports/hidden-scheme.json"', "schema at specs/0/url: 'java\\tscript:alert(1)' is not"),
    ('"ftp://', "ftp://example.org/spec.json is neither a file path nor an http(s) URL"),
    ('"imports/published.json"', "base 'javascript:alert(1)' of 'imports/published.json'"),
]


@pytest.mark.parametrize(("needle", "message"), BAD_ENTRIES)
def test_bad_import_warns_at_its_conf_line(bad, needle, message):
    pattern = warning_pattern("conf.py", conf_line(needle), message, "import")
    assert any(pattern.match(w) for w in warnings_of(bad)), warnings_of(bad)


@pytest.mark.parametrize("entry", ["('imports/too', 'many', 'parts')", "42"])
def test_malformed_entry_warns_at_spec_import(bad, entry):
    pattern = warning_pattern("conf.py", conf_line("spec_import"), f"entry {entry} is", "import")
    assert any(pattern.match(w) for w in warnings_of(bad)), warnings_of(bad)


def test_bad_imports_warn_once_each_and_nothing_else(bad):
    subtypes = [w.rsplit("[", 1)[1] for w in warnings_of(bad)]
    assert subtypes.count("spec.import]") == len(BAD_ENTRIES) + 2
    assert sorted(set(subtypes)) == ["spec.duplicate]", "spec.glossary]", "spec.import]"]
    assert len(subtypes) == len(BAD_ENTRIES) + 2 + 3


def test_good_import_still_shows_next_to_bad_ones(bad):
    block = html(bad, "index").find("table", class_="spec-view-spec-index")
    ids = [text_of(tr.find("td")) for tr in block.select("tbody tr")]
    assert ids == ["EXT-1 (Outside)", "HOST-1 (<b>Evil</b> project)", "LOCAL-1"]


def test_hostile_text_reaches_the_page_as_text(bad):
    page = (Path(bad.outdir) / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert "<b>Evil" not in page and "<i>mallory" not in page
    soup = html(bad, "index")
    row_cells = [
        text_of(td)
        for tr in soup.select("table.spec-view-spec-index tbody tr")
        for td in tr.find_all("td")
    ]
    assert '<script>alert("title")</script>' in row_cells
    assert "<i>mallory</i>" in row_cells
    assert not any("javascript" in a.get("href", "") for a in soup.find_all("a"))


def test_id_clash_with_a_local_spec_warns_at_the_local_spec(bad):
    pattern = warning_pattern(
        "index.rst", 4, "spec id 'LOCAL-1' is also imported from project 'Outside'", "duplicate"
    )
    assert any(pattern.match(w) for w in warnings_of(bad)), warnings_of(bad)
    table = html(bad, "index").find("table", class_="spec-view-spec-index")
    anchor = table.find("a", string="LOCAL-1")
    assert anchor["href"] == "#spec-local-1"  # the local spec wins


def test_id_clash_between_imports_warns_at_the_second_entry(bad):
    pattern = warning_pattern(
        "conf.py",
        conf_line('"imports/twin.json"'),
        "spec id 'EXT-1' of project 'Twin' is already imported from project 'Outside'",
        "duplicate",
    )
    assert any(pattern.match(w) for w in warnings_of(bad)), warnings_of(bad)
    soup = html(bad, "index")
    assert "Second external one" not in text_of(soup)


def test_term_defined_differently_by_an_import_warns_at_the_local_term(bad):
    pattern = warning_pattern(
        "index.rst", 8, "term 'Widget' is defined differently in LOCAL-1", "glossary"
    )
    assert any(pattern.match(w) for w in warnings_of(bad)), warnings_of(bad)
    glossary = html(bad, "index").find("table", class_="spec-view-spec-glossary")
    cells = [text_of(td) for td in glossary.select("tbody tr td")]
    assert cells[:2] == ["Widget", "A part made in house."]


def test_import_of_a_latex_export_shows_specs_without_links(tmp_path):
    a_src, b_src = make_projects(tmp_path)
    assert warnings_of(build(a_src, "latex")) == []
    b = build(b_src, confoverrides={"spec_import": ["../../a/_build/latex/spec.json"]})
    assert warnings_of(b) == []
    block = view(html(b, "reports/portfolio"), "All specs")
    assert "LED-1 (Ledger)" in [r["ID"] for r in rows(block)]
    assert block.find("a", string=lambda s: s and "LED-1" in s) is None
    reference = item(html(b, "refunds"), "approach")
    assert text_of(reference) == "approach: Append-only journal"
    assert reference.find("a") is None


# -- odd but schema-valid files ------------------------------------------------------------------


def rewrite_export(b_src: Path, change) -> Path:
    """Apply *change* to the data of A's spec.json and write it back."""
    path = a_outdir(b_src) / "spec.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def record(data: dict, kind: str, full_id: str) -> dict:
    if kind == "spec":
        return next(spec for spec in data["specs"] if spec["id"] == full_id)
    return next(o for o in data["objects"] if o["kind"] == kind and o["full_id"] == full_id)


def test_imported_spec_that_supersedes_a_local_one_changes_nothing_local(tmp_path):
    _a_src, b_src = make_projects(tmp_path)
    rewrite_export(b_src, lambda data: record(data, "spec", "LED-1").update(supersedes=["REF-1"]))
    b = build(b_src)
    assert warnings_of(b) == []  # no spec.lifecycle for REF-1: another project's claim
    card = html(b, "refunds").find(class_="spec-card")
    assert "Superseded by" not in text_of(card)
    exported = json.loads((Path(b.outdir) / "spec.json").read_text(encoding="utf-8"))
    assert exported["specs"][0]["superseded_by"] == []
    graph = text_of(view(html(b, "reports/portfolio"), "Graph").find(class_="mermaid"))
    assert "s1 -->|supersedes| s2" in graph  # the graph still draws what LED-1 says


def test_imported_term_with_an_empty_title_does_not_stop_the_build(tmp_path):
    _a_src, b_src = make_projects(tmp_path)
    rewrite_export(b_src, lambda data: record(data, "term", "LED-1.journal").update(title=""))
    b = build(b_src)
    assert warnings_of(b) == []
    assert "LED-1 (Ledger)" in column(view(html(b, "reports/portfolio"), "All specs"), "ID")


@pytest.mark.parametrize("depth", [500, 980, 5000])
def test_deeply_nested_values_warn_instead_of_crashing(tmp_path, depth):
    _a_src, b_src = make_projects(tmp_path)

    def invalid(data):  # an approach without its decision, with an extra value
        approach = record(data, "approach", "LED-1.journal")
        del approach["decision"]
        approach["extra"] = []

    path = rewrite_export(b_src, invalid)
    nested = "[" * depth + "]" * depth  # written as text: too deep for this test's own stack
    path.write_text(path.read_text().replace('"extra": []', f'"extra": {nested}'))
    b = build(b_src)
    first = warnings_of(b)[0]
    assert first.startswith(f"conf.py:{line_of(b_src / 'conf.py', IMPORT_LINE)}: WARNING: ")
    assert first.endswith("its specs are left out [spec.import]")


def test_whole_number_float_step_links_to_the_step(tmp_path):
    _a_src, b_src = make_projects(tmp_path)
    rewrite_export(b_src, lambda data: record(data, "error", "LED-1.unbalanced").update(step=2.0))
    b = build(b_src)
    assert warnings_of(b) == []
    block = view(html(b, "reports/portfolio"), "Error paths")
    anchor = block.find("a", string="Post an entry, step 2")
    _page, reached = follow(b, "reports/portfolio.html", anchor["href"], a_outdir(b_src))
    assert text_of(reached) == "Ledger checks the balance."


def test_same_id_twice_in_one_file_warns_once(tmp_path):
    _a_src, b_src = make_projects(tmp_path)

    def twice(data):
        copy = dict(record(data, "spec", "AUD-2"), title="Second copy")
        data["specs"].append(copy)

    rewrite_export(b_src, twice)
    b = build(b_src)
    line = line_of(b_src / "conf.py", IMPORT_LINE)
    assert warnings_of(b) == [
        f"conf.py:{line}: WARNING: spec id 'AUD-2' appears twice in the spec.json of project "
        "'Ledger'; the second is left out [spec.duplicate]"
    ]
    assert "Second copy" not in text_of(html(b, "reports/portfolio"))


def test_renamed_project_refreshes_every_link_tooltip(tmp_path):
    _a_src, b_src = make_projects(tmp_path)
    build(b_src)
    rewrite_export(b_src, lambda data: data.update(project="General Ledger"))
    b = build(b_src)
    assert link(html(b, "refunds"), "spec")["title"] == "LED-1 (General Ledger)"
    assert link(html(b, "notes"), "spec")["title"] == "AUD-2 (General Ledger)"
