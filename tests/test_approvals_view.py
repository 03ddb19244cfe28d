"""What readers see of approvals and link reviews: the spec card, ``spec-approvals``,
the ``spec-index`` marker and the ``spec-graph`` edge, in HTML, LaTeX and text.

``tests/roots/test-approvals-views``: STO-1 (``storage.rst``, accepted) lists alice, bob,
carol and dave as approvers: alice approved the current version, bob an earlier one (its
approach's decision changed since), carol requested changes, dave gave nothing, erin (not
listed) abstained. CLI-1 (``client.rst``) depends on STO-1, reviewed before STO-1's goal
target changed, and on LED-1, never reviewed. LED-1 (MyST ``ledger.md``) has frank's stale
approval and grace's current one. AUD-1 has no approvers and no links. The fingerprints
in the sources are what ``sphinx-spec approve`` / ``review`` write.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from helpers import build, html, located, text_of
from test_incremental import copy_project, doctree_times, reread
from test_views_incremental import rows, view

ROOT = Path(__file__).parent / "roots" / "test-approvals-views"

BOB_STALE = "approved by bob for an earlier version: approach `storage` decision changed"
FRANK_STALE = "approved by frank for an earlier version: approach `engine` decision changed"


def plain(phrase: str) -> str:
    """*phrase* as HTML reads: its backquoted ids are ``code`` elements, without backquotes."""
    return phrase.replace("`", "")


def quoted(phrase: str) -> str:
    """*phrase* as the text builder writes it: code in double quotes."""
    return re.sub(r"`([^`]*)`", r'"\1"', phrase)


def card(page: BeautifulSoup, name: str) -> Tag:
    """The ``dd`` of the card's field *name*."""
    for label in page.find_all("dt"):
        if text_of(label).rstrip(" :") == name:
            return label.find_next_sibling("dd")
    raise AssertionError(f"the card has no field {name!r}")


def badges(block: Tag) -> list[tuple[str, str]]:
    """Each badge's text and its ``spec-approval-*`` / ``spec-review-*`` class."""
    found = []
    for span in block.select("span.spec-badge"):
        kinds = [c for c in span["class"] if re.match(r"spec-(approval|review)-", c)]
        found.append((text_of(span), *kinds))
    return found


# -- the card ------------------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="approvals-views")
@pytest.mark.test_params(shared_result="approvals-views-html")
def test_card_lists_each_approver_with_their_state(app):
    app.build()
    page = html(app, "storage")
    approvers = card(page, "Approvers")
    assert text_of(approvers) == (
        f"alice approved ; bob stale ({plain(BOB_STALE)}); carol changes requested ; "
        "dave pending ; erin abstained"
    )
    assert badges(approvers) == [
        ("approved", "spec-approval-approved"),
        ("stale", "spec-approval-stale"),
        ("changes requested", "spec-approval-changes-requested"),
        ("pending", "spec-approval-pending"),
        ("abstained", "spec-approval-abstained"),
    ]
    # what changed names the approach as code
    assert [text_of(code) for code in approvers.find_all("code")] == ["storage"]
    # each name with an approval links to it on the page; dave has none
    links = {text_of(a): a["href"] for a in approvers.find_all("a")}
    assert set(links) == {"alice", "bob", "carol", "erin"}
    for href in links.values():
        assert href.startswith("#") and page.find(id=href[1:]) is not None
    assert page.find(id=links["bob"][1:]).find_parent(class_="spec-object") is not None


@pytest.mark.sphinx("html", testroot="approvals-views")
@pytest.mark.test_params(shared_result="approvals-views-html")
def test_myst_card_says_which_approval_is_stale(app):
    app.build()
    approvers = card(html(app, "ledger"), "Approvers")
    assert text_of(approvers) == f"frank stale ({plain(FRANK_STALE)}); grace approved"
    assert [text_of(a) for a in approvers.find_all("a")] == ["frank", "grace"]


@pytest.mark.sphinx("html", testroot="approvals-views")
@pytest.mark.test_params(shared_result="approvals-views-html")
def test_card_shows_the_suspect_link_and_the_unreviewed_one(app):
    app.build()
    page = html(app, "client")
    reviews = card(page, "Link reviews")
    assert text_of(reviews) == (
        "STO-1 needs review : goal fast target changed; LED-1 not yet reviewed"
    )
    assert [text_of(code) for code in reviews.find_all("code")] == ["fast"]
    assert badges(reviews) == [
        ("needs review", "spec-review-suspect"),
        ("not yet reviewed", "spec-review-unreviewed"),
    ]
    hrefs = [a["href"].split("#")[0] for a in reviews.find_all("a")]
    assert hrefs == ["storage.html", "ledger.html"]
    # a spec without approvers and links shows neither row
    audit = html(app, "audit")
    assert not [dt for dt in audit.find_all("dt") if "Approvers" in dt.text or "review" in dt.text]


# -- the spec-approvals view -----------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="approvals-views")
@pytest.mark.test_params(shared_result="approvals-views-html")
def test_approvals_view_has_a_row_per_spec_and_approver(app):
    app.build()
    block = view(html(app, "portfolio"), "All approvals")
    assert [(r["Spec"], r["Approver"], r["State"]) for r in rows(block)] == [
        ("LED-1", "frank", "stale"),
        ("LED-1", "grace", "approved"),
        ("STO-1", "alice", "approved"),
        ("STO-1", "bob", "stale"),
        ("STO-1", "carol", "changes requested"),
        ("STO-1", "dave", "pending"),
        ("STO-1", "erin", "abstained"),
    ]
    by_name = {r["Approver"]: r for r in rows(block)}
    assert by_name["bob"] == {
        "Spec": "STO-1",
        "Status": "accepted",
        "Approver": "bob",
        "State": "stale",
        "Date": "2026-11-01",
        "Changes / note": plain(BOB_STALE),
    }
    assert by_name["alice"]["Changes / note"] == "Ship it."
    assert by_name["dave"]["Date"] == by_name["dave"]["Changes / note"] == ""
    cells = {text_of(a): a["href"] for a in block.select("tbody a")}
    assert cells["STO-1"].startswith("storage.html#")
    assert cells["bob"].startswith("storage.html#") and cells["frank"].startswith("ledger.html#")
    assert "dave" not in cells
    state = block.select("tbody tr")[0].select("span.spec-badge")[0]
    assert "spec-approval-stale" in state["class"]


@pytest.mark.sphinx("html", testroot="approvals-views")
@pytest.mark.test_params(shared_result="approvals-views-html")
def test_approvals_view_filters(app):
    app.build()
    page = html(app, "portfolio")

    def approvers(title: str, source: BeautifulSoup = page) -> list[str]:
        return [r["Approver"] for r in rows(view(source, title))]

    assert approvers("Stale approvals") == ["frank", "bob"]
    assert approvers("Carol") == ["carol"]  # any case
    assert approvers("In review") == ["frank", "grace"]  # the spec's status
    assert approvers("Lena's specs") == ["grace", "frank"]  # the spec's owner; newest first
    storage_only = view(page, "Storage only")
    assert [list(r) for r in rows(storage_only)][0] == ["Approver", "State"]
    assert approvers("Storage only") == ["erin", "dave", "carol", "bob", "alice"]
    for title in ("Nobody", "Bad state"):
        assert text_of(view(page, title).find("p", class_="spec-view-empty")) == (
            "No matching approvals."
        )
    myst = html(app, "portfolio_md")
    assert approvers("MyST pending", myst) == ["dave"]
    assert approvers("MyST frank", myst) == ["frank"]
    assert approvers("MyST bad state", myst) == ["grace", "alice"]  # the valid value stays


@pytest.mark.sphinx("html", testroot="approvals-views")
@pytest.mark.test_params(shared_result="approvals-views-html")
def test_an_unknown_state_is_a_located_option_warning(app):
    app.build()
    assert located(app, "option") == [
        "portfolio.rst:25: spec-approvals: unknown :state: 'lost' (expected one of: approved, "
        "changes-requested, abstained, stale, pending); ignored",
        "portfolio_md.md:12: spec-approvals: unknown :state: 'sleepy' (expected one of: "
        "approved, changes-requested, abstained, stale, pending); ignored",
    ]


# -- the index marker and the graph ------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="approvals-views")
@pytest.mark.test_params(shared_result="approvals-views-html")
def test_index_marks_specs_that_need_review(app):
    app.build()
    block = view(html(app, "portfolio"), "All specs")
    assert {r["ID"]: r["Status"] for r in rows(block)} == {
        "AUD-1": "draft",  # nothing to review
        "CLI-1": "draft, needs review",  # a suspect link (the unreviewed one alone would not)
        "LED-1": "review, needs review",  # a stale approval
        "STO-1": "accepted, needs review",
    }
    marks = block.select("span.spec-badge.spec-review-suspect")
    assert [text_of(mark) for mark in marks] == ["needs review"] * 3


@pytest.mark.sphinx("html", testroot="approvals-views")
@pytest.mark.test_params(shared_result="approvals-views-html")
def test_graph_draws_the_suspect_edge_distinctly(app):
    app.build()
    block = html(app, "portfolio").select_one("div.spec-graph")
    code = [line.strip() for line in block.select_one("pre.mermaid").get_text().splitlines()]
    nodes = {m[2]: m[1] for m in map(re.compile(r'(s\d+)\["([A-Z]+-1):').match, code) if m}
    cli, led, sto = nodes["CLI-1"], nodes["LED-1"], nodes["STO-1"]
    assert f"{cli} ==>|depends on #40;needs review#41;| {sto}" in code
    assert f"{cli} -.->|depends on| {led}" in code  # never reviewed: not suspect
    assert "linkStyle 0 stroke:#cf222e,stroke-width:3px" in code
    listed = [text_of(li) for li in block.select("ul.spec-graph-links li")]
    assert listed == [
        "AUD-1: Audit trail",
        "CLI-1: Payment client — needs review : STO-1: Storage layer",
        "LED-1: Ledger",
        "STO-1: Storage layer",
    ]
    mark = block.select_one("ul.spec-graph-links span.spec-badge")
    assert "spec-review-suspect" in mark["class"]


# -- other builders ----------------------------------------------------------------------------


@pytest.mark.sphinx("text", testroot="approvals-views")
def test_text_builder_shows_states_changes_and_markers(app):
    app.build()
    out = Path(app.outdir)
    storage = " ".join((out / "storage.txt").read_text(encoding="utf-8").split())
    assert (
        f"Approvers: alice approved; bob stale ({quoted(BOB_STALE)}); carol changes requested"
        in (storage)
    )
    client = " ".join((out / "client.txt").read_text(encoding="utf-8").split())
    assert (
        'Link reviews: STO-1 needs review: goal "fast" target changed; LED-1 not yet reviewed'
        in client
    )
    portfolio = (out / "portfolio.txt").read_text(encoding="utf-8")
    assert re.search(r"\| STO-1 +\| accepted +\| dave +\| pending +\|", portfolio)
    assert re.search(r"\| CLI-1 +\| Payment client +\| draft, +\|", portfolio)
    assert "* CLI-1: Payment client — needs review: STO-1: Storage layer" in portfolio
    myst = (out / "portfolio_md.txt").read_text(encoding="utf-8")
    assert re.search(r"\| LED-1 +\| review +\| frank +\| stale +\| 2026-11-05", myst)


@pytest.mark.sphinx("latex", testroot="approvals-views")
def test_latex_builder_shows_states_changes_and_markers(app):
    app.build()
    (tex_file,) = Path(app.outdir).glob("*.tex")
    tex = " ".join(tex_file.read_text(encoding="utf-8").split())

    def code(text: str) -> str:
        return f"\\sphinxcode{{\\sphinxupquote{{{text}}}}}"

    def xref(anchor: str, text: str) -> str:
        return f"{{\\hyperref[\\detokenize{{{anchor}}}]{{\\sphinxcrossref{{{text}}}}}}}"

    assert (
        f"{xref('storage:approval-sto-1-alice', 'alice')} approved; "
        f"{xref('storage:approval-sto-1-bob', 'bob')} stale (approved by bob for an earlier "
        f"version: approach {code('storage')} decision changed); "
        f"{xref('storage:approval-sto-1-carol', 'carol')} changes requested; dave pending"
    ) in tex
    sto, led = (
        xref(f"{doc}:spec-{n}-1", f"{n.upper()}\\sphinxhyphen{{}}1")
        for doc, n in (("storage", "sto"), ("ledger", "led"))
    )
    assert (
        f"{sto} needs review: goal {code('fast')} target changed; {led} not yet reviewed"
    ) in tex
    assert "No matching approvals." in tex
    assert "changes requested" in tex


# -- incremental builds ------------------------------------------------------------------------


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_change_elsewhere_rewrites_cards_views_and_index_without_rereading(tmp_path):
    src = copy_project(ROOT, tmp_path / "src")
    # CLI-1 reviewed STO-1 as it is now: its link is not suspect yet
    current = re.search(r":fingerprint: (.*)", (src / "storage.rst").read_text()).group(1)
    replace(
        src / "client.rst",
        re.search(r":reviewed: (.*)", (src / "client.rst").read_text()).group(1),
        f"STO-1 {current}",
    )
    first = build(src, "html")
    assert text_of(card(html(first, "client"), "Link reviews")) == "LED-1 not yet reviewed"
    assert card(html(first, "storage"), "Approvers").text.startswith("alice approved")
    index_rows = {r["ID"]: r["Status"] for r in rows(view(html(first, "portfolio"), "All specs"))}
    assert index_rows["CLI-1"] == "draft"

    # the approach's decision changes: alice's approval goes stale, CLI-1's link is suspect
    replace(src / "storage.rst", ":decision: Use Postgres", ":decision: Use MySQL")
    replace(src / "ledger.md", ":decision: Append-only table", ":decision: Event log")
    before = doctree_times(src)
    second = build(src, "html")
    assert reread(before, src) == ["ledger", "storage"]
    stale = "approved by alice for an earlier version: approach storage decision changed"
    assert text_of(card(html(second, "storage"), "Approvers")).startswith(f"alice stale ({stale})")
    assert text_of(card(html(second, "ledger"), "Approvers")).endswith(
        "grace stale (approved by grace for an earlier version: approach engine decision changed)"
    )
    portfolio = html(second, "portfolio")
    by_name = {r["Approver"]: r for r in rows(view(portfolio, "All approvals"))}
    assert (by_name["alice"]["State"], by_name["alice"]["Changes / note"]) == ("stale", stale)
    assert by_name["grace"]["State"] == "stale"
    assert {r["Approver"] for r in rows(view(html(second, "portfolio_md"), "MyST frank"))} == {
        "frank"
    }
    assert text_of(card(html(second, "client"), "Link reviews")) == (
        "STO-1 needs review : approach storage decision changed; LED-1 not yet reviewed"
    )
    index_rows = {r["ID"]: r["Status"] for r in rows(view(portfolio, "All specs"))}
    assert index_rows["CLI-1"] == "draft, needs review"

    # the goal's target changes too: the dependent's card says so, without -E
    replace(src / "storage.rst", ":target: 100 ms", ":target: 50 ms")
    before = doctree_times(src)
    third = build(src, "html")
    assert reread(before, src) == ["storage"]
    assert text_of(card(html(third, "client"), "Link reviews")) == (
        "STO-1 needs review : approach storage decision changed and goal fast target "
        "changed; LED-1 not yet reviewed"
    )
    graph = html(third, "portfolio").select_one("div.spec-graph pre.mermaid").get_text()
    assert "==>|depends on #40;needs review#41;|" in graph
