"""The benchmark compares like with like: both generated projects show the same tables."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from helpers import build, html, text_of, warnings_of
from sphinx.testing.util import SphinxTestApp

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
import bench  # noqa: E402 (the benchmark is a script, not a package)


def built(tmp_path: Path, kind: str) -> SphinxTestApp:
    bench.write_project(tmp_path / kind, kind, 6)
    return build(tmp_path / kind, builddir=tmp_path / kind / "_build")


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    base = tmp_path_factory.mktemp("bench")
    return built(base, "spec"), built(base, "plain")


def tables(app: SphinxTestApp) -> list[list[list[str]]]:
    """Every table of the portfolio page, as rows of cell texts."""
    page = html(app, "portfolio")
    return [
        [[text_of(cell) for cell in tr.find_all(["th", "td"])] for tr in table.find_all("tr")]
        for table in page.find_all("table")
    ]


def test_both_projects_build_without_warnings(projects):
    spec, plain = projects
    assert warnings_of(spec) == []
    assert warnings_of(plain) == []


def test_hand_written_tables_match_the_views_cell_for_cell(projects):
    spec, plain = projects
    spec_tables, plain_tables = tables(spec), tables(plain)
    assert len(spec_tables) == len(plain_tables) == 12  # 6 of them: open questions, by spec
    assert spec_tables == plain_tables


def test_every_link_of_the_plain_tables_resolves(projects):
    _spec, plain = projects
    page = html(plain, "portfolio")
    cells = page.select("table td")
    links = [a for cell in cells for a in cell.find_all("a")]
    assert len(links) > 100
    assert all(a.get("href") for a in links)
