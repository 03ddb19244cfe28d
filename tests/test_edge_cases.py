"""Edge cases of ids, locations and links: each warns where the author wrote it, none crashes.

The project ``test-edge`` holds one small document per case.
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
from helpers import build, html, inventory, located, text_of, warnings_of

pytestmark = pytest.mark.sphinx("html", testroot="edge")
shared = pytest.mark.test_params(shared_result="edge-shared")


@shared
def test_warning_in_an_included_file_points_at_that_file(app):
    app.build()
    assert located(app, "option")[0].startswith(
        "parts/approaches.rst:3: spec-approach: unknown :status: 'sometimes'"
    )
    assert "After the include." in text_of(html(app, "included").body)


@shared
def test_dotted_ids_that_collide_warn_duplicate(app):
    app.build()
    assert (
        located(app, "duplicate").count(
            "dotted-outer.rst:7: Approach 'A.B.c' has the same full id as the one in "
            "'dotted-inner' (line 7); use ids that stay distinct with dots"
        )
        == 1
    )


@shared
def test_a_local_id_wins_over_a_full_id_of_another_spec(app):
    app.build()
    link = html(app, "dotted-inner").select_one("a.reference.internal[title='A.B.c']")
    assert link["href"] == "#approach-a-b-c"
    assert text_of(link) == "Approach B.c"


@shared
def test_the_losing_duplicate_spec_does_not_link_to_the_winners_objects(app):
    app.build()
    # the winner's object keeps its id; the warning names it as the one meant
    assert (
        "same-id-second.rst:11: unknown approach id 'storage'; did you mean `SAME-001.storage`?"
        in located(app, "ref")
    )
    body = html(app, "same-id-second").select_one("div.body")
    assert body.select("a[href*='same-id-first']") == []
    unlinked = body.select_one("span.xref.spec-approach")
    assert text_of(unlinked) == "storage"
    assert unlinked.parent.name == "p"


@shared
def test_objects_of_a_spec_without_id_are_reported_not_lost(app):
    app.build()
    assert located(app, "orphan") == [
        "no-id.rst:6: Approach 'Homeless approach' is in a document whose 'spec' has no "
        "valid :id:; it is not collected"
    ]
    assert (
        "no-id.rst:9: a document describes one spec: 'NOID-002' repeats the 'spec' "
        "directive (first: 'Nameless' at line 4)" in located(app, "duplicate")
    )
    assert "After both." in text_of(html(app, "no-id").body)


@shared
def test_a_non_ascii_digit_step_warns_instead_of_crashing(app):
    app.build()
    assert "steps.rst:16: error-path: :step: '²' is not a step number (1, 2, …)" in located(
        app, "option"
    )
    assert "After the steps." in text_of(html(app, "steps").body)


@shared
def test_a_spec_that_supersedes_itself_warns_and_shows_no_banner(app):
    app.build()
    assert "steps.rst:4: spec STEP-001: :supersedes: names the spec itself" in located(app, "ref")
    assert "superseded by" not in text_of(html(app, "steps").body).lower()


@shared
def test_sequence_diagram_escapes_mermaid_characters_once(app):
    app.build()
    code = html(app, "steps").select_one("pre.mermaid").get_text()
    assert "A->>S: 1. Shopper sends order #35;42#59; then waits." in code
    assert "S->>S: 2. System charges the card." in code
    assert "alt Card declined#59; retry #35;1" in code
    assert "S-->>A: Refuse#59; log #35;declines" in code
    assert "#35#59;" not in code


@shared
def test_sequence_diagram_places_the_error_branch_after_its_step(app):
    app.build()
    code = html(app, "steps").select_one("pre.mermaid").get_text()
    lines = [line.strip() for line in code.splitlines() if line.strip()]
    step_two = lines.index("S->>S: 2. System charges the card.")
    assert lines[step_two + 1] == "alt Card declined#59; retry #35;1"
    assert lines[-1] == "end"


@shared
def test_an_untitled_term_lists_its_names_once_and_never_empty(app):
    app.build()
    inv = inventory(app)
    assert ("std:term", "") not in inv
    assert inv["std:term", "Twice"].uri == inv["spec:term", "WORD-001.item"].uri
    assert ("std:term", "twice") not in inv
    assert inv["spec:term", "WORD-001.item"].display_name == "item"


@shared
def test_one_term_defined_identically_in_two_specs_is_silent(app):
    app.build()
    assert located(app, "glossary") == []
    inv = inventory(app)
    assert inv["std:term", "Ledger"].uri.startswith("twice-a.html#")


@pytest.mark.sphinx("html", testroot="edge", confoverrides={"nitpicky": True})
def test_nitpicky_reports_an_option_reference_once(app):
    app.build()
    self_refs = [line for line in warnings_of(app) if "STEP-001" in line and "[spec.ref]" in line]
    assert self_refs == [
        "steps.rst:4: WARNING: spec STEP-001: :supersedes: names the spec itself [spec.ref]"
    ]


# -- incremental: a flow loses the step an error path in another document links to --------


ROOTS = Path(__file__).parent / "roots"


USES_STEP = """Uses a step
===========

.. spec:: Uses another spec's step
   :id: USE-001

.. error-path:: Charge times out
   :flow: STEP-001.pay
   :step: 2
   :action: Retry later
   :feedback: Show a spinner
"""


def test_removing_a_step_rewrites_pages_that_link_to_it(tmp_path):
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-edge", srcdir)
    (srcdir / "uses-step.rst").write_text(USES_STEP, encoding="utf-8")
    index = srcdir / "index.rst"
    index.write_text(index.read_text() + "   uses-step\n", encoding="utf-8")
    build(srcdir)
    page = srcdir.parent / "_build" / "html" / "uses-step.html"
    assert 'href="steps.html#flow-step-001-pay-step-2"' in page.read_text()

    steps = srcdir / "steps.rst"
    steps.write_text(steps.read_text().replace("   2. System charges the card.\n", ""))
    second = build(srcdir)

    warned = "\n".join(warnings_of(second))
    assert (
        "uses-step.rst:7: WARNING: error path USE-001.A1: :step: 2 is past the last step" in warned
    )
    assert 'href="steps.html#flow-step-001-pay-step-2"' not in page.read_text()
    assert 'href="steps.html#flow-step-001-pay"' in page.read_text()


# -- views: configuration shapes, case, invalid filters, graph details ------------------------


def edge_views(test):
    """Every test here reads one build of ``test-edge-views``."""
    test = pytest.mark.sphinx("html", testroot="edge-views")(test)
    return pytest.mark.test_params(shared_result="edge-views")(test)


def view_after(app, title: str):
    """The view block that follows the rubric *title*."""
    rubric = next(r for r in html(app, "index").select("p.rubric") if text_of(r) == title)
    return rubric.parent


@edge_views
def test_tuple_static_path_and_custom_statuses_build(app):
    app.build()
    assert (Path(app.outdir) / "_static" / "sphinx-spec.css").is_file()
    assert [line for line in warnings_of(app) if "unknown :status:" in line] == [
        "index.rst:29: WARNING: spec-index: unknown :status: 'finnal' (expected one of: Proposed, "
        "Final; or a lifecycle role: draft, review, accepted, implemented, deprecated, superseded, "
        "rejected); ignored [spec.option]"
    ]
    assert text_of(html(app, "index").select_one("div.spec-card .spec-badge")) == "Final"


@edge_views
def test_status_filter_is_case_insensitive_for_custom_statuses(app):
    app.build()
    ids = [text_of(a) for a in view_after(app, "Final specs").select("tbody tr td:first-child a")]
    assert ids == ["FIN-1"]


@edge_views
def test_a_filter_with_only_invalid_values_matches_nothing(app):
    app.build()
    assert text_of(view_after(app, "Misspelled status").select_one("p.spec-view-empty")) == (
        "No matching specs."
    )


@edge_views
def test_graph_title_shows_and_a_self_reference_draws_no_loop(app):
    app.build()
    graph = view_after(app, "Self").select_one("pre.mermaid").get_text()
    assert "s0 -->" not in graph


@edge_views
def test_flow_text_cannot_inject_mermaid_directives(app):
    app.build()
    code = html(app, "index").select_one("div.spec-flow pre.mermaid").get_text()
    assert "%%{" not in code
    assert "#37;#37;#123;init: #123;" in code
    assert "2. Step two." in code


@edge_views
def test_one_term_defined_twice_in_a_spec_warns_and_lists_the_spec_once(app):
    app.build()
    assert any(
        line.startswith("index.rst:14: WARNING: term 'Api' is defined differently")
        and line.endswith("[spec.glossary]")
        for line in warnings_of(app)
    )
    row = html(app, "index").select_one("table.spec-view-spec-glossary tbody tr")
    assert [text_of(a) for a in row.select("td:last-child a")] == ["FIN-1"]


@pytest.mark.sphinx(
    "html", testroot="edge", confoverrides={"spec_today": datetime.date(2026, 1, 1)}
)
def test_spec_today_may_be_a_date(app):
    app.build()
    assert "Traceback" not in app.warning.getvalue()
    assert (Path(app.outdir) / "index.html").is_file()
