"""Text custom fields (``spec_fields``) are inline markup, like the descriptive options.

``tests/roots/test-rich-fields`` declares ``milestone`` on specs and ``note``
on approaches: KEP-7 in reStructuredText, ADR-8 in MyST, and views in
``portfolio/views.rst``, one folder down.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import build, html, located, text_of, warnings_of

ROOT = Path(__file__).parent / "roots" / "test-rich-fields"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    src = tmp_path_factory.mktemp("rich-fields") / "src"
    shutil.copytree(ROOT, src)
    return {
        name: build(src, name, builddir=src.parent / f"_build-{name}")
        for name in ("html", "latex", "text")
    }


def field(page, anchor: str, label: str):
    """The value cell of field *label* in the block that holds *anchor*."""
    block = page.select_one(f"div.container:has(> span#{anchor})")
    for name in block.select("dl.field-list > dt"):
        if text_of(name).rstrip(": ") == label:
            return name.find_next_sibling("dd")
    raise AssertionError(f"no field {label!r} at {anchor}")


@pytest.mark.parametrize(
    ("docname", "anchor", "literal", "href"),
    [
        ("specs/kep", "spec-kep-7", "v1.30", "#approach-kep-7-lock"),
        ("specs/adr", "spec-adr-8", "v2", "#approach-adr-8-pg"),
    ],
)
def test_the_card_shows_a_text_field_with_its_markup(built, docname, anchor, literal, href):
    cell = field(html(built["html"], docname), anchor, "Milestone")
    assert [text_of(code) for code in cell.select("code")] == [literal]
    assert [text_of(em) for em in cell.select("em")] == ["care"]
    assert [a["href"] for a in cell.select("a")] == [href]
    assert "`" not in text_of(cell) and "{spec" not in text_of(cell)


@pytest.mark.parametrize(
    ("docname", "anchor", "literal", "href"),
    [
        ("specs/kep", "approach-kep-7-lock", "kubectl drain", "https://example.org/drain"),
        ("specs/adr", "approach-adr-8-pg", "pg_dump", "https://example.org/pg"),
    ],
)
def test_an_object_shows_a_text_field_with_its_markup(built, docname, anchor, literal, href):
    cell = field(html(built["html"], docname), anchor, "note")
    assert [text_of(code) for code in cell.select("code")] == [literal]
    assert [a["href"] for a in cell.select("a")] == [href]


def column(page, section: str, header: str) -> dict[str, object]:
    """First cell's text → the cell of column *header*, in the view under *section*."""
    heading = next(h for h in page.find_all("h2") if text_of(h).rstrip("¶ ") == section)
    table = heading.find_parent("section").select_one("table.spec-view")
    at = [text_of(th) for th in table.select("thead th")].index(header)
    return {text_of(tr("td")[0]): tr("td")[at] for tr in table.select("tbody tr")}


def test_view_columns_on_another_page_keep_the_markup_and_links_land(built):
    page = html(built["html"], "portfolio/views")
    index = column(page, "Index", "Milestone")
    assert [text_of(c) for c in index["KEP-7"].select("code")] == ["v1.30"]
    kep, adr = index["KEP-7"], index["ADR-8"]
    assert [a["href"] for a in kep.select("a")] == ["../specs/kep.html#approach-kep-7-lock"]
    assert [a["href"] for a in adr.select("a")] == ["../specs/adr.html#approach-adr-8-pg"]
    assert [text_of(a) for a in index["ADR-8"].select("a")] == ["Postgres"]
    notes = column(page, "Trade-offs", "note")
    assert [text_of(c) for c in notes["Node lock"].select("code")] == ["kubectl drain"]
    assert [a["href"] for a in notes["Postgres"].select("a")] == ["https://example.org/pg"]
    assert text_of(notes["Plain note"]) == "no markup here"
    assert not notes["Plain note"].select("code, a, em")


def test_text_and_latex_show_the_markup_not_its_syntax(built):
    text = (Path(built["text"].outdir) / "portfolio" / "views.txt").read_text(encoding="utf-8")
    assert "v1.30" in text and "care" in text and "Node lock" in text
    assert "``" not in text and "{spec" not in text and "`" not in text
    latex = next(Path(built["latex"].outdir).glob("*.tex")).read_text(encoding="utf-8")
    assert r"\sphinxcode{\sphinxupquote{v1.30}}" in latex
    assert r"\sphinxstyleemphasis{care}" in latex
    assert r"\sphinxhref{https://example.org/pg}" in latex


def test_only_the_empty_label_warns(built):
    for app in built.values():
        assert located(app, "option") == [
            "conf.py:12: spec_fields entry {'name': 'gate', 'directives': ['spec'], 'label': '  '} "
            "has label '  '; expected a non-empty string; the entry is ignored"
        ]
        assert len(warnings_of(app)) == 1


def test_a_renamed_approach_renames_its_link_in_a_field_on_another_page(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    app = build(src, "html")
    kep = src / "specs" / "kep.rst"
    kep.write_text(kep.read_text().replace("Node lock", "Node cordon"))
    app = build(src, "html")
    cell = column(html(app, "portfolio/views"), "Index", "Milestone")["KEP-7"]
    assert [text_of(a) for a in cell.select("a")] == ["Node cordon"]


def test_optional_columns_show_only_when_named(built):
    page = html(built["html"], "portfolio/views")
    heading = next(h for h in page.find_all("h2") if text_of(h).rstrip("¶ ") == "Optional columns")
    tradeoffs, index = heading.find_parent("section").select("table.spec-view")
    assert [text_of(th) for th in tradeoffs.select("thead th")] == [
        "Approach",
        "Alternatives",
        "Revisit",
    ]
    rows = tradeoffs.select("tbody tr")
    # sorted by revisit date; the empty ones last, in the default order (specs by id)
    assert [text_of(tr("td")[0]) for tr in rows] == ["Node lock", "Postgres", "Plain note"]
    alternatives = rows[0]("td")[1]
    assert " ".join(alternatives.get_text().split()) == "plain, a cordon first"
    assert [a["href"] for a in alternatives.select("a")] == [
        "../specs/kep.html#approach-kep-7-plain"
    ]
    assert [text_of(code) for code in alternatives.select("code")] == ["cordon"]
    assert text_of(rows[0]("td")[2]) == "2027-01-01"
    assert [[text_of(td) for td in tr("td")] for tr in index.select("tbody tr")] == [
        ["ADR-8", "", ""],
        ["KEP-7", "2026-01-02", "sig-node, sig-apps"],
    ]
    # the default columns of the same views leave them out
    defaults = column(page, "Trade-offs", "note")
    assert "Alternatives" not in text_of(page.select_one("table.spec-view-spec-tradeoffs thead"))
    assert set(defaults) == {"Node lock", "Plain note", "Postgres"}
