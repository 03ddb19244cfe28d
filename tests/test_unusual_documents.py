"""Valid but unusual documents: each renders, warns where it is unusual, and never crashes.

The project ``test-unusual`` holds one small document per case: views in
table cells, a flow whose error paths live in another document, a spec
nested in a spec, ids that look like generated anchors, numbered lists that
start at 3, terms that differ only by case folding, options given twice,
content a view does not take and missing titles. The project is built once
per builder (html, text, man, latex, xml); the tests read those builds.
Flows too large for Mermaid and incremental builds use copies of it.
"""

from __future__ import annotations

import collections
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest
from heavy import missing
from helpers import build, html, inventory, located, text_of, warnings_of
from test_incremental_fresh import fresh_build, output_of, replace

from sphinx_spec.directives.base import written_options
from sphinx_spec.model import Term
from sphinx_spec.store import store_of

ROOTS = Path(__file__).parent / "roots"
ROOT = ROOTS / "test-unusual"
DEMO = Path(__file__).parents[1] / "demo"

pytestmark = pytest.mark.sphinx("html", testroot="unusual")
shared = pytest.mark.test_params(shared_result="unusual-html")


def built_with(buildername: str):
    """Tests that read the one build of ``test-unusual`` with *buildername*."""

    def mark(test):
        test = pytest.mark.sphinx(buildername, testroot="unusual")(test)
        return pytest.mark.test_params(shared_result=f"unusual-{buildername}")(test)

    return mark


def mermaid_lines(node) -> list[str]:
    return [line.strip() for line in node.get_text().splitlines() if line.strip()]


# -- 1. views in table cells --------------------------------------------------------------

VIEW_IN_CELL = "the view is shown as a list"


@shared
def test_html_nests_the_views_as_tables_without_widths(app):
    app.build()
    body = html(app, "cells").select_one("div.body")
    outer, grid = body.select("section > table")
    tradeoffs = outer.select_one("table.spec-view-spec-tradeoffs")
    assert tradeoffs is not None
    assert "longtable" not in tradeoffs["class"]
    assert "colwidths-given" not in tradeoffs["class"]
    assert tradeoffs.select("colgroup col[style]") == []
    assert [text_of(td) for td in tradeoffs.select(":scope > tbody td")] == [
        "Storage", "Use S3", "Cheap", "", "chosen", "CELL-1",
    ]  # fmt: skip
    question = outer.select_one("table.spec-view-open-questions a.reference")
    assert question["href"] == "#question-cell-1-signoff"
    glossary = grid.select_one("table.spec-view-spec-glossary")
    row = glossary.select_one(":scope > tbody > tr")
    assert text_of(row) == "Ledger A book of accounts. CELL-1"
    assert text_of(body).endswith("After the tables.")
    assert [line for line in warnings_of(app) if VIEW_IN_CELL in line] == []


@built_with("text")
def test_text_shows_views_in_cells_as_lists_with_a_located_warning(app):
    app.build()
    assert located(app, "view") == [
        f"cells.rst:26: spec-tradeoffs: the text builder cannot put a table inside a table "
        f"cell; {VIEW_IN_CELL}",
        f"cells.rst:29: open-questions: the text builder cannot put a table inside a table "
        f"cell; {VIEW_IN_CELL}",
        f"cells.rst:35: spec-glossary: the text builder cannot put a table inside a table "
        f"cell; {VIEW_IN_CELL}",
        f"cells-deep.rst:14: spec-tradeoffs: the text builder cannot put a table inside a "
        f"table cell; {VIEW_IN_CELL}",
    ]
    text = (Path(app.outdir) / "cells.txt").read_text(encoding="utf-8")
    assert "| * Storage — Decision: Use S3 · Rationale: Cheap ·  |" in text
    assert "| Status: chosen · Spec: CELL-1" in text
    assert "* Who signs off? —" in text
    assert "| * Ledger — Definition: A   | Beside it." in text
    assert text.rstrip().endswith("After the tables.")


@built_with("man")
def test_man_shows_views_in_cells_as_lists_with_a_located_warning(app):
    app.build()
    assert [line.split(": ")[0] for line in located(app, "view")] == [
        "cells.rst:26",
        "cells.rst:29",
        "cells.rst:35",
        "cells-deep.rst:14",
    ]
    assert all("the man builder cannot put a table inside" in line for line in located(app, "view"))
    page = next(Path(app.outdir).glob("*.1")).read_text(encoding="utf-8")
    page = re.sub(r"\\f[BIRP]|\\%", "", page)  # fonts; docutils 0.21 italicises links
    assert "Storage — Decision: Use S3 · Rationale: Cheap · Status: chosen · Spec: CELL\\-1" in page
    assert "Ledger — Definition: A book of accounts. · Defined in: CELL\\-1" in page
    assert "After the tables." in page


LATEX_TOOLS = ("latexmk", "pdflatex", "pdftotext")


def compiled_pdf_text(tex: Path) -> str:
    """Compile *tex* with ``latexmk -pdf``: the PDF's text (fails on a LaTeX error)."""
    absent = [tool for tool in LATEX_TOOLS if shutil.which(tool) is None]
    if absent:
        missing(f"compiling the LaTeX output needs {', '.join(absent)}, which are not installed")
    run = subprocess.run(
        ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=tex.parent,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "LATEXOPTS": ""},
    )
    log = tex.with_suffix(".log").read_text(encoding="latin-1")
    assert run.returncode == 0, "\n".join(line for line in log.splitlines() if line[:1] == "!")
    assert "multiply defined" not in log
    pdf = subprocess.run(
        ["pdftotext", str(tex.with_suffix(".pdf")), "-"], capture_output=True, text=True
    )
    return " ".join(pdf.stdout.split())


@built_with("latex")
def test_latex_nests_the_views_and_the_document_compiles(app):
    app.build()
    assert located(app, "view") == [
        f"cells-deep.rst:14: spec-tradeoffs: LaTeX cannot put a table inside a long table "
        f"(class longtable, or more than 30 rows); {VIEW_IN_CELL}"
    ]
    tex = next(Path(app.outdir).glob("*.tex"))
    source = tex.read_text(encoding="utf-8")
    cells = source[source.index("Views in a list") :]
    cells = cells[: cells.index("After the tables.")]
    assert r"\begin{longtable}" not in cells
    assert r"\X{16}{100}" not in cells  # the trade-offs' widths, which LaTeX cannot nest
    assert "Use S3" in cells
    pdf = compiled_pdf_text(tex)
    assert "Use S3" in pdf
    assert "A book of accounts." in pdf
    assert "Queue — Decision: Use a queue · Status: chosen · Spec: CELL-2" in pdf


TABLE_IN_TABLE = """Deep
====

.. spec:: Deep
   :id: DEEP-1

.. spec-approach:: Queue
   :id: queue
   :decision: Use a queue

.. list-table::

   * - Outer
   * - .. list-table::

          * - .. spec-tradeoffs::

After the tables.
"""


def test_latex_lists_a_view_in_a_table_in_a_table_cell(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinx_spec"]\n', encoding="utf-8")
    (src / "index.rst").write_text(TABLE_IN_TABLE, encoding="utf-8")
    app = build(src, "latex")
    assert located(app, "view") == [
        "index.rst:16: spec-tradeoffs: LaTeX cannot put a table inside a table that is itself "
        f"in a table cell; {VIEW_IN_CELL}"
    ]
    pdf = compiled_pdf_text(next(Path(app.outdir).glob("*.tex")))
    assert "Queue — Decision: Use a queue · Status: chosen · Spec: DEEP-1" in pdf
    assert "After the tables." in pdf


# -- 2. flows: error paths from other documents, diagrams too large for Mermaid -------------


@shared
def test_an_error_path_in_another_document_joins_the_flow_diagram(app):
    app.build()
    lines = mermaid_lines(html(app, "flow-cross").select_one("div.spec-flow pre.mermaid"))
    step_two = lines.index("S->>S: 2. System charges the card.")
    assert lines[step_two + 1 : step_two + 5] == [
        "alt Card declined",
        "S-->>A: Refuse the order",
        "Note over A,S: Ask for another card",
        "end",
    ]
    step_three = lines.index("S->>S: 3. System confirms the order.")
    assert lines[step_three + 1 : step_three + 5] == [
        "alt Fraud suspected",
        "S-->>A: Hold the order for review",
        "Note over A,S: Tell the shopper it is being checked",
        "end",
    ]
    assert located(app, "diagram") == []


def copy_root(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    return src


def mermaid_of(app, docname: str) -> list[str]:
    return mermaid_lines(html(app, docname).select_one("div.spec-flow pre.mermaid"))


@pytest.mark.parametrize("jobs", [1, 2], ids=["j1", "j2"])
def test_editing_another_documents_error_path_redraws_the_flow(tmp_path, jobs):
    src = copy_root(tmp_path)
    build(src, parallel=jobs)
    other = src / "flow-cross-other.rst"

    replace(other, "Hold the order for review", "Cancel the order")
    second = build(src, parallel=jobs)
    assert "S-->>A: Cancel the order" in mermaid_of(second, "flow-cross")
    assert "S-->>A: Hold the order for review" not in mermaid_of(second, "flow-cross")
    assert output_of(second).pages == fresh_build(src, tmp_path / "fresh-1").pages

    replace(other, ":step: 3", ":step: 1")
    third = build(src, parallel=jobs)
    lines = mermaid_of(third, "flow-cross")
    assert lines[lines.index("A->>S: 1. Shopper sends the order.") + 1] == "alt Fraud suspected"
    assert output_of(third).pages == fresh_build(src, tmp_path / "fresh-2").pages

    replace(other, ":flow: PAY-001.checkout", ":flow: PAY-001.elsewhere")
    fourth = build(src, parallel=jobs)
    assert "alt Fraud suspected" not in mermaid_of(fourth, "flow-cross")
    assert output_of(fourth).pages == fresh_build(src, tmp_path / "fresh-3").pages

    replace(other, ":flow: PAY-001.elsewhere", ":flow: PAY-001.checkout")
    fifth = build(src, parallel=jobs)
    assert "alt Fraud suspected" in mermaid_of(fifth, "flow-cross")

    other.unlink()
    replace(src / "index.rst", "   flow-cross-other\n", "")
    sixth = build(src, parallel=jobs)
    assert "alt Fraud suspected" not in mermaid_of(sixth, "flow-cross")
    assert "alt Card declined" in mermaid_of(sixth, "flow-cross")
    assert output_of(sixth).pages == fresh_build(src, tmp_path / "fresh-4").pages


def test_a_rebuild_without_changes_does_not_write_the_flow_page_again(tmp_path):
    src = copy_root(tmp_path)
    build(src)
    page = src.parent / "_build" / "html" / "flow-cross.html"
    page.write_text("stale", encoding="utf-8")
    build(src)
    assert page.read_text(encoding="utf-8") == "stale"


def many_error_paths(count: int) -> str:
    paths = "".join(
        f"\n.. error-path:: Attempt {n} fails with a long, descriptive condition\n"
        f"   :flow: huge\n   :step: {1 + n % 2}\n"
        f"   :action: Retry attempt {n} later and record the failure in the audit log\n"
        f"   :feedback: Tell the user that attempt {n} did not go through yet\n"
        for n in range(count)
    )
    return (
        "Huge flow\n=========\n\n.. spec:: Huge flow\n   :id: BIG-1\n\n"
        ".. spec-flow:: Huge\n   :id: huge\n   :diagram: sequence\n\n"
        "   1. User submits.\n   2. System processes.\n" + paths
    )


LONG_ACTION = "Explain the refusal at great length. " * 1500

LONG_TEXT = f"""Long text
=========

.. spec:: Long text
   :id: LONG-1

.. error-path:: Refused
   :flow: PAY-001.checkout
   :step: 1
   :action: {LONG_ACTION}
   :feedback: Show it all
"""


@pytest.fixture(scope="module")
def too_large(tmp_path_factory):
    """``test-unusual`` with a flow of 400 error paths, and one error path of 55,000 characters
    naming ``PAY-001.checkout`` from another document."""
    src = copy_root(tmp_path_factory.mktemp("too-large"))
    (src / "big.rst").write_text(many_error_paths(400), encoding="utf-8")
    (src / "long.rst").write_text(LONG_TEXT, encoding="utf-8")
    replace(src / "index.rst", "   cells\n", "   cells\n   big\n   long\n")
    return build(src)


def test_a_flow_with_hundreds_of_error_paths_warns_and_leaves_the_diagram_out(too_large):
    [warning] = [line for line in located(too_large, "diagram") if line.startswith("big.rst")]
    assert re.fullmatch(
        r"big\.rst:7: spec-flow: the sequence diagram of flow BIG-1\.huge \(2 steps, 400 error "
        r"paths\) is \d+ characters, more than Mermaid draws by default \(50000\); it is left "
        r"out, the steps and error paths are shown as written",
        warning,
    )
    page = html(too_large, "big")
    assert page.select("pre.mermaid") == []
    assert [text_of(li) for li in page.select("ol.spec-flow-steps > li")] == [
        "User submits.",
        "System processes.",
    ]
    assert len(page.select("div.spec-error")) == 400


def test_a_huge_error_path_in_another_document_leaves_the_flow_diagram_out(too_large):
    warnings = [line for line in located(too_large, "diagram") if "PAY-001.checkout" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "flow-cross.rst:7: spec-flow: the sequence diagram of flow PAY-001.checkout "
        "(3 steps, 3 error paths) is "
    )
    assert html(too_large, "flow-cross").select("pre.mermaid") == []
    assert LONG_ACTION.strip() in text_of(html(too_large, "long"))


def test_a_flow_too_large_is_left_out_of_non_html_builds_too(tmp_path):
    src = copy_root(tmp_path)
    (src / "big.rst").write_text(many_error_paths(400), encoding="utf-8")
    replace(src / "index.rst", "   cells\n", "   cells\n   big\n")
    app = build(src, "text")
    assert [line.split(": ")[0] for line in located(app, "diagram")] == ["big.rst:7"]
    text = (Path(app.outdir) / "big.txt").read_text(encoding="utf-8")
    assert "sequenceDiagram" not in text
    assert "System processes." in text


# -- 3. a spec nested in a spec -------------------------------------------------------------


@shared
def test_a_nested_spec_is_refused_with_a_located_warning(app):
    app.build()
    assert (
        "nested.rst:10: a spec cannot be nested in another spec: 'INNER-1' is in the body of "
        "'OUTER-1' (line 4); it is rendered, not collected" in located(app, "duplicate")
    )
    inv = inventory(app)
    assert ("spec:spec", "OUTER-1") in inv
    assert ("spec:spec", "INNER-1") not in inv


def card_fields(card) -> dict[str, str]:
    fields = card.find("dl", class_="spec-fields", recursive=False)
    names = [text_of(dt).rstrip(" :") for dt in fields.find_all("dt", recursive=False)]
    values = [text_of(dd) for dd in fields.find_all("dd", recursive=False)]
    return dict(zip(names, values, strict=True))


@shared
def test_a_nested_spec_shows_its_own_owners_and_counts_never_the_outer_ones(app):
    app.build()
    body = html(app, "nested").select_one("div.body")
    outer = body.select_one("div.spec-card")
    inner = outer.select_one("div.spec-card")
    assert card_fields(outer)["Owners"] == "alice"
    assert card_fields(outer)["Approaches"] == "1"
    assert text_of(inner.select_one("p.spec-card-title")) == "Inner spec INNER-1 review"
    assert card_fields(inner)["Owners"] == "bob"
    assert card_fields(inner)["Approaches"] == "0"
    assert "alice" not in text_of(inner)
    assert "The inner spec’s summary." in text_of(inner)
    assert text_of(body).endswith("After the nested spec.")


# -- 4. every id on a page is unique ---------------------------------------------------------


@shared
def test_a_flow_named_like_a_step_anchor_gets_its_own_anchor(app):
    app.build()
    page = html(app, "ids-steps")
    anchors = [[t["id"] for t in flow.find_all(id=True)] for flow in page.select("div.spec-flow")]
    assert anchors == [
        ["flow-ids-1-x-step-1-2", "flow-ids-1-x-step-1-2-step-1"],
        ["flow-ids-1-x", "flow-ids-1-x-step-1", "flow-ids-1-x-step-2"],
        ["flow-ids-1-y", "flow-ids-1-y-step-1", "flow-ids-1-y-step-2"],
        ["flow-ids-1-y-step-2-2", "flow-ids-1-y-step-2-2-step-1"],
    ]
    links = [(a["href"], text_of(a)) for a in page.select("div.spec-error a.reference")]
    assert links == [
        ("#flow-ids-1-x-step-1", "The plain flow, step 1"),
        ("#flow-ids-1-x-step-1-2-step-1", "Looks like step one, step 1"),
    ]
    target = page.find(id="flow-ids-1-x-step-1")
    assert text_of(target.find_parent("li")) == "First step of the plain flow."
    assert inventory(app)["spec:flow", "IDS-1.x-step-1"].uri.endswith("#flow-ids-1-x-step-1-2")


@shared
def test_a_spec_id_like_the_graphs_anchor_keeps_its_anchor(app):
    app.build()
    page = html(app, "ids-graph")
    assert page.find(id="spec-graph-ids-graph-0").name == "span"
    assert "spec-card" in page.find(id="spec-graph-ids-graph-0").parent["class"]
    graph = page.select_one("div.spec-graph")
    assert graph.find(id=True)["id"] == "spec-graph-ids-graph-0-2"


def duplicate_ids(ids: list[str]) -> list[str]:
    return sorted(name for name, count in collections.Counter(ids).items() if count > 1)


def xml_ids(page: Path) -> list[str]:
    tree = ElementTree.parse(page)
    return [name for node in tree.iter() for name in node.get("ids", "").split()]


@built_with("xml")
def test_diagram_fallbacks_get_ids_no_element_has(app):
    app.build()
    for page in Path(app.outdir).glob("*.xml"):
        assert duplicate_ids(xml_ids(page)) == [], page.name
    assert [name for name in xml_ids(Path(app.outdir) / "ids-diagram.xml") if "-d" in name] == [
        "diagram-ids-3-d",
        "diagram-ids-3-d-source-2",
        "diagram-ids-3-d-source",
        "diagram-ids-3-d-source-source",
    ]


# -- 5. numbered lists that start at 3 -----------------------------------------------------


@shared
def test_steps_keep_the_numbers_the_list_shows(app):
    app.build()
    page = html(app, "numbered")
    late, roman = page.select("ol.spec-flow-steps")
    assert late["start"] == "3"
    assert [li.find(id=True)["id"] for li in late.select("li")] == [
        "flow-num-1-late-step-3",
        "flow-num-1-late-step-4",
        "flow-num-1-late-step-5",
    ]
    assert [li.find(id=True)["id"] for li in roman.select("li")] == [
        "flow-num-1-roman-step-3",
        "flow-num-1-roman-step-4",
    ]


@shared
def test_a_step_reference_lands_on_the_step_with_that_number(app):
    app.build()
    error = html(app, "numbered").select("div.spec-error")[0]
    link = error.select_one("a.reference")
    assert (link["href"], text_of(link)) == ("#flow-num-1-late-step-4", "Late, step 4")
    assert located(app, "ref") == [
        "numbered.rst:22: error path NUM-1.A2: :step: 1 is before the first step of flow "
        "NUM-1.late (steps 3-5)",
        "numbered.rst:28: error path NUM-1.A3: :step: 6 is past the last step of flow "
        "NUM-1.late (steps 3-5)",
    ]


@shared
def test_the_sequence_diagram_numbers_steps_as_the_list_does(app):
    app.build()
    lines = mermaid_of(app, "numbered")
    start = lines.index("sequenceDiagram")
    assert lines[start + 3 : start + 9] == [
        "A->>S: 3. Clerk opens the ledger.",
        "S->>S: 4. System checks the balance.",
        "alt Balance off",
        "S-->>A: Flag the day",
        "Note over A,S: Show the difference",
        "end",
    ]
    assert lines[-1] == "S->>S: 5. System closes the day."


@shared
def test_a_myst_list_that_starts_at_three_keeps_its_numbers(app):
    app.build()
    page = html(app, "numbered-md")
    assert [li.find(id=True)["id"] for li in page.select("ol.spec-flow-steps li")] == [
        "flow-num-2-late-step-3",
        "flow-num-2-late-step-4",
    ]
    assert page.select_one("div.spec-error a.reference")["href"] == "#flow-num-2-late-step-4"
    assert "S->>S: 4. System checks the balance." in mermaid_of(app, "numbered-md")


@shared
def test_spec_json_records_the_first_step(app):
    app.build()
    data = json.loads((Path(app.outdir) / "spec.json").read_text(encoding="utf-8"))
    flows = {obj["full_id"]: obj for obj in data["objects"] if obj["kind"] == "flow"}
    assert flows["NUM-1.late"]["first_step"] == 3
    assert flows["NUM-1.late"]["steps"][0] == "Clerk opens the ledger."
    assert flows["PAY-001.checkout"]["first_step"] == 1


# -- 6. terms that differ only by case folding ---------------------------------------------


@shared
def test_terms_equal_under_case_folding_conflict_with_a_warning(app):
    app.build()
    assert located(app, "glossary") == [
        "terms-b.rst:7: term 'STRASSE' is defined differently in TERM-A (terms-a, line 7) "
        "and TERM-B"
    ]
    rows = html(app, "terms-a").select("table.spec-view-spec-glossary tbody tr")
    assert [text_of(row) for row in rows] == [
        "Maß A measure. MASS TERM-A",
        "Straße A road in a town. TERM-A , TERM-B",
    ]


@shared
def test_names_equal_under_case_folding_are_one_name(app):
    app.build()
    terms = store_of(app.env).index.definitions("MASS")
    assert [term.full_id for term in terms] == ["TERM-A.ma"]
    inv = inventory(app)
    assert ("std:term", "Maß") in inv
    assert ("std:term", "MASS") not in inv
    assert ("std:term", "mass") not in inv


def test_a_terms_names_fold_as_the_index_folds_them():
    term = Term(docname="d", lineno=1, local_id="s", title="Straße", aliases=("STRASSE", "Gasse"))
    assert term.names == ("Straße", "Gasse")


# -- 7. options given twice, content not taken, missing titles ------------------------------


@shared
def test_an_option_given_twice_warns_and_the_last_value_counts(app):
    app.build()
    options = located(app, "option")
    assert (
        "options.rst:4: spec: option :status: is given 2 times; using the last value 'review'"
        in options
    )
    assert (
        "options.rst:10: spec-approach: option :decision: is given 2 times; using the last "
        "value 'Second decision'" in options
    )
    page = html(app, "options")
    assert text_of(page.select_one("div.spec-card .spec-badge")) == "review"
    assert "Second decision" in text_of(page.select_one("div.spec-approach"))
    assert "[docutils]" not in app.warning.getvalue()


@shared
def test_a_view_with_content_warns_and_still_renders(app):
    app.build()
    assert "options.rst:15: spec-tradeoffs: takes no content; the content is ignored" in (
        located(app, "option")
    )
    page = html(app, "options")
    rows = page.select("table.spec-view-spec-tradeoffs tbody tr")
    assert [text_of(row) for row in rows] == ["Twice decided Second decision chosen OPT-1"]
    assert "not for a view" not in text_of(page)
    assert text_of(page.select_one("div.body")).endswith("After the options.")


@shared
def test_myst_options_given_twice_and_view_content_warn_the_same_way(app):
    app.build()
    options = located(app, "option")
    assert (
        "options-md.md:3: spec: option :status: is given 2 times; using the last value 'accepted'"
        in options
    )
    assert "options-md.md:9: spec-tradeoffs: takes no content; the content is ignored" in options
    assert not [line for line in warnings_of(app) if "myst.directive" in line]
    page = html(app, "options-md")
    assert text_of(page.select_one("div.spec-card .spec-badge")) == "accepted"
    assert page.select_one("div.spec-view-block") is not None
    assert "Not for a view" not in text_of(page)


@shared
def test_an_error_path_without_condition_shows_its_id(app):
    app.build()
    assert "options.rst:20: error-path: needs a title as its argument" in located(app, "option")
    page = html(app, "options")
    link = page.select_one("div.body > section > p a.reference[href='#error-opt-1-a1']")
    assert text_of(link) == "A1"
    row = page.select_one("table.spec-view-error-paths tbody tr")
    assert [text_of(td) for td in row.select("td")][:3] == ["A1", "A1", "Retry"]


@shared
def test_a_spec_without_title_shows_its_id(app):
    app.build()
    assert "untitled.rst:4: spec: needs a title as its argument" in located(app, "option")
    page = html(app, "untitled")
    assert text_of(page.select_one("p.spec-card-title")) == "NOTITLE-1 draft"
    link = page.select_one("div.body > section > p a.reference")
    assert text_of(link) == "NOTITLE-1"
    row = page.select_one("table.spec-view-spec-index tbody tr")
    assert [text_of(td) for td in row.select("td")][:3] == ["NOTITLE-1", "NOTITLE-1", "draft"]
    # objects.inv writes "-" for a display name that is the name itself
    assert inventory(app)["spec:spec", "NOTITLE-1"].display_name == "-"


@shared
def test_the_unusual_project_warns_about_nothing_else(app):
    app.build()
    unexpected = [
        line
        for line in warnings_of(app)
        if not re.search(r"\[spec\.(option|duplicate|glossary|ref)\]$", line)
    ]
    assert unexpected == []


@pytest.mark.parametrize(
    ("lines", "names"),
    [
        (["   a title that goes on", "   :id: A", "   :Status: x", "   :status: y"],
         ["id", "status", "status"]),
        (["   :rationale: one", "      :not-an-option: two", "   :decision: D"],
         ["rationale", "decision"]),
        (["   :id: A", "", "   :status: in the body"], ["id"]),
        ([":id: A", ":id: B", "Body text", ":id: C"], ["id", "id"]),
        (["---", "id: A", "status: x", "  nested: y", "status: z", "---", "Body"],
         ["id", "status", "status"]),
        (["Body only"], []),
    ],
)  # fmt: skip
def test_written_options_are_read_as_docutils_and_myst_read_them(lines, names):
    assert written_options(lines) == names


def test_a_term_that_folds_to_a_glossary_entry_links_to_that_entry(tmp_path):
    """Sphinx matches glossary terms with ``lower()``; ``STRASSE`` still finds ``Straße``."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinx_spec"]\n', encoding="utf-8")
    (src / "index.rst").write_text(
        "Terms\n=====\n\n.. glossary::\n\n   Straße\n      A street.\n\n.. toctree::\n\n   spec\n",
        encoding="utf-8",
    )
    (src / "spec.rst").write_text(
        "Spec\n====\n\n.. spec:: Roads\n   :id: RD-1\n\n"
        ".. spec-term:: STRASSE\n\n   A road.\n\nSee :term:`STRASSE` and :term:`straße`.\n",
        encoding="utf-8",
    )
    app = build(src)
    assert located(app, "glossary") == [
        "spec.rst:7: spec term 'STRASSE' clashes with the glossary term in 'index'; "
        ":term: keeps pointing at the glossary"
    ]
    assert not [line for line in warnings_of(app) if "term not in glossary" in line]
    links = html(app, "spec").select("a.reference")
    hrefs = {text_of(a): a["href"] for a in links if text_of(a) in {"STRASSE", "straße"}}
    assert hrefs == {"STRASSE": "index.html#term-Strasze", "straße": "index.html#term-Strasze"}


def test_lone_surrogates_in_myst_options_warn_and_are_replaced(tmp_path):
    """MyST reads ``"\\ud83d\\udca5"`` in YAML as two lone surrogates, which no file can hold."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinx_spec", "myst_parser"]\n', encoding="utf-8")
    (src / "index.md").write_text(
        '# S\n\n```{spec} T\n---\nid: A\nowners: "\\ud83d\\udca5 x"\n---\n```\n\n'
        '```{spec-term} Idem\n---\naliases: "\\ud83d\\udca5"\n---\nSame.\n```\n\n'
        "After the spec.\n",
        encoding="utf-8",
    )
    app = build(src)
    assert located(app, "option") == [
        "index.md:3: spec: :owners: holds lone surrogates; they are shown as \ufffd",
        "index.md:10: spec-term: :aliases: holds lone surrogates; they are shown as \ufffd",
    ]
    assert "After the spec." in text_of(html(app, "index").body)
    exported = json.loads((Path(app.outdir) / "spec.json").read_text(encoding="utf-8"))
    assert exported["specs"][0]["owners"] == ["\ufffd\ufffd x"]


def test_a_role_after_an_eval_rst_block_warns_at_its_own_line(tmp_path):
    """MyST 4 gives a paragraph after an ``eval-rst`` block no line; the warning still has one."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["sphinx_spec", "myst_parser"]\n'
        'source_suffix = {".rst": "restructuredtext", ".md": "markdown"}\n',
        encoding="utf-8",
    )
    (src / "index.md").write_text(
        "# Notes\n\n"
        "````{eval-rst}\n"
        ".. spec:: Storage\n"
        "   :id: ST-1\n"
        "````\n\n"
        "See {spec:spec}`NOPE-1` and {spec:approach}`NOPE-2`.\n",
        encoding="utf-8",
    )
    app = build(src)
    assert located(app, "ref") == [
        "index.md:8: unknown spec id 'NOPE-1'",
        "index.md:8: unknown approach id 'NOPE-2'",
    ]
