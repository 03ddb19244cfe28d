"""The benchmark compares like with like, and its scenarios measure what they claim.

The spec and plain projects show the same tables on every view page; the edit
scenarios change the rendered pages they should (and plain's stale baseline
does not); the no-change detection sees what a build writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from helpers import build, html, text_of, warnings_of
from sphinx.testing.util import SphinxTestApp

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
import bench  # noqa: E402 (the benchmark is a script, not a package)

SPECS = 6


def built(tmp_path: Path, kind: str) -> SphinxTestApp:
    bench.write_project(tmp_path / kind, kind, SPECS)
    return build(tmp_path / kind, builddir=tmp_path / kind / "_build")


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    base = tmp_path_factory.mktemp("bench")
    return built(base, "spec"), built(base, "plain")


def tables(app: SphinxTestApp, page: str) -> list[list[list[str]]]:
    """Every table of a page, as rows of cell texts."""
    return [
        [[text_of(cell) for cell in tr.find_all(["th", "td"])] for tr in table.find_all("tr")]
        for table in html(app, page).find_all("table")
    ]


def test_both_projects_build_without_warnings(projects):
    spec, plain = projects
    assert warnings_of(spec) == []
    assert warnings_of(plain) == []


@pytest.mark.parametrize(
    ("page", "count", "rows"),
    [
        # spec index, goals, error paths, concessions
        ("portfolio", 4, 1 + SPECS + 1 + 2 * SPECS + 1 + 5 * SPECS + 1 + 2 * SPECS),
        ("tradeoffs", 1, 1 + 5 * SPECS),
        ("questions", SPECS, SPECS * (1 + 3)),  # a table per spec
        ("glossary", 1, 1 + 5 * SPECS),
    ],
)
def test_hand_written_tables_match_the_views_cell_for_cell(projects, page, count, rows):
    spec, plain = projects
    spec_tables, plain_tables = tables(spec, page), tables(plain, page)
    assert len(spec_tables) == len(plain_tables) == count
    assert sum(len(table) for table in spec_tables) == rows
    assert spec_tables == plain_tables


def test_nested_toctrees_hold_fifty_specs_a_page(tmp_path):
    bench.write_project(tmp_path, "plain", 120)
    groups = sorted((tmp_path / "specs").glob("group-*.rst"))
    entries = [
        [line for line in group.read_text().splitlines() if line.startswith("   ben-")]
        for group in groups
    ]
    assert [len(e) for e in entries] == [50, 50, 20]
    assert entries[2][-1] == "   ben-0120"


def test_every_link_of_the_plain_tables_resolves(projects):
    _spec, plain = projects
    links = [
        a
        for page in bench.VIEW_PAGES
        for cell in html(plain, page).select("table td")
        for a in cell.find_all("a")
    ]
    assert len(links) > 200
    assert all(a.get("href") for a in links)


def setup_of(tmp_path: Path, *kinds: str) -> bench.Setup:
    setup = bench.Setup(SPECS, tmp_path, python={kind: sys.executable for kind in kinds})
    for kind in kinds:
        setup.templates[kind] = tmp_path / f"template-{kind}"
        bench.write_project(setup.templates[kind], kind, SPECS)
    return setup


def page_text(root: Path, page: str) -> str:
    return text_of(html_page(root, page))


def html_page(root: Path, page: str):
    from bs4 import BeautifulSoup

    path = root / "_build" / "html" / f"{page}.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize(
    ("variant", "fresh"),
    [("spec", True), ("plain (stale)", False), ("plain (updated)", True)],
)
def test_the_edit_scenario_renames_an_approach_and_the_view_follows_or_not(
    tmp_path, variant, fresh
):
    setup = setup_of(tmp_path, variant.split()[0])
    _built, root = bench.full(setup, variant.split()[0])
    measured = bench.edit(setup, variant, root)
    assert measured.seconds > 0
    assert measured.mib > 10  # ru_maxrss of a Sphinx process
    number = bench.edited_spec(SPECS, variant)
    renamed, old = f"Option 1 (renamed) for service {number}", f"Option 1 for service {number}"
    assert renamed in page_text(root, f"specs/{bench.spec_id(number).lower()}")
    trade_offs = [
        text_of(tr.find("td")) for tr in html_page(root, "tradeoffs").select("table tr") if tr.td
    ]
    assert (renamed in trade_offs) is fresh
    assert (old in trade_offs) is not fresh
    assert len(trade_offs) == 5 * SPECS


def test_runs_on_one_built_project_rename_the_approach_back_and_forth(tmp_path):
    setup = setup_of(tmp_path, "spec")
    root = bench.built_project(setup, "spec")  # as the edit and no-change runs share it
    number = bench.edited_spec(SPECS, "spec")
    renamed, old = f"Option 1 (renamed) for service {number}", f"Option 1 for service {number}"
    for shown, gone in [(renamed, old), (old, renamed), (renamed, old)]:
        bench.edit(setup, "spec", root)
        rows = html_page(root, "tradeoffs").select("table tr")
        trade_offs = [text_of(tr.find("td")) for tr in rows if tr.td]
        assert shown in trade_offs
        assert gone not in trade_offs


def test_a_kept_built_project_is_reused_only_while_its_inputs_are_the_same(tmp_path):
    setup = setup_of(tmp_path, "plain")
    setup.reuse = True
    root = bench.built_project(setup, "plain")
    index = root / "_build" / "html" / "index.html"
    bench.edit(setup, "plain (stale)", root)  # the runs leave it edited
    edited = bench.snapshot(root / "_build")
    assert bench.built_project(setup, "plain") == root
    assert bench.snapshot(root / "_build") == edited  # not built again: nothing written
    built_at = index.stat().st_mtime_ns
    assert "Option 1 (renamed)" in page_text(root, f"specs/{bench.spec_id(SPECS // 2).lower()}")
    # another generated project (here: one page of the template changed) is built afresh
    page = setup.templates["plain"] / "specs" / f"{bench.spec_id(1).lower()}.rst"
    page.write_text(page.read_text("utf-8").replace("service 1", "service one"), "utf-8")
    assert bench.built_project(setup, "plain") == root
    assert index.stat().st_mtime_ns != built_at
    assert "service one" in page_text(root, f"specs/{bench.spec_id(1).lower()}")
    assert "Option 1 (renamed)" not in page_text(root, f"specs/{bench.spec_id(SPECS // 2).lower()}")


def test_no_change_writes_nothing_beyond_sphinx_own_files_in_plain(tmp_path):
    setup = setup_of(tmp_path, "plain")
    _built, root = bench.full(setup, "plain")
    measured = bench.no_change(setup, "plain", root)
    # Sphinx 9's HTML builder writes its index pages again every time, Sphinx 8.1's does not
    assert all(bench.SPHINX_OWN.fullmatch(name) for name in measured.written)
    assert bench.beyond_sphinx(measured.written) == []
    # the detection sees a page the next build writes, and its new content
    bench.edit_one_spec(root, "plain (stale)", SPECS)
    again = bench.no_change(setup, "plain", root)
    page = f"specs/{bench.spec_id(SPECS // 2).lower()}.html (changed)"
    assert page in bench.beyond_sphinx(again.written or [])


def test_the_profile_follows_on_the_project_built_once(tmp_path):
    setup = setup_of(tmp_path, "spec")
    bench.built_project(setup, "spec")
    target = tmp_path / "profile.txt"
    bench.profile(setup, target)
    text = target.read_text(encoding="utf-8")
    assert "== edit (one approach renamed): top 25 by cumulative time ==" in text
    assert "== no change: top 25 by cumulative time ==" in text
    assert setup.copies == 0  # no other copy of the project was built for it
