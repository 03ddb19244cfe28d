"""What each portfolio view selects from the index, in which order: no Sphinx build."""

from __future__ import annotations

from factories import imported, obj, spec, store

from sphinx_spec.index import ImportedSpecs
from sphinx_spec.model import (
    NO_MATCH,
    Approach,
    ErrorPath,
    Flow,
    NonGoal,
    OpenQuestion,
    Term,
    ViewQuery,
)
from sphinx_spec.views.catalog import view_result
from sphinx_spec.views.query import GraphEdge, Link, Text, wants

ALPHA = spec("ALPHA-1", "alpha", status="accepted", owners=("alice",), tags=("Payments",))
BETA = spec("BETA-2", "beta", status="draft", owners=("bob",), depends_on=("ALPHA-1",))
GAMMA = spec("GAMMA-3", "gamma", status="draft", supersedes=("BETA-2",), depends_on=("NOPE",))


def query(view: str, **filters) -> ViewQuery:
    return ViewQuery(view=view, docname="portfolio", lineno=1, **filters)


def first_column(result) -> list[str]:
    return [row[0].text for section in result.sections for row in section.rows]


def test_filters_match_any_value_ignoring_case_and_no_filter_matches_all():
    assert wants(("payments",), "Payments", "ops")
    assert not wants(("infra",), "Payments")
    assert wants((), "anything")
    assert not wants((NO_MATCH,), "anything")


def test_spec_index_lists_specs_by_id_with_status_and_owner_filters():
    index = store((GAMMA, []), (ALPHA, []), (BETA, [])).index
    assert first_column(view_result(index, query("spec-index"))) == ["ALPHA-1", "BETA-2", "GAMMA-3"]
    drafts_of_bob = query("spec-index", statuses=("draft",), owners=("BOB",))
    assert first_column(view_result(index, drafts_of_bob)) == ["BETA-2"]
    assert first_column(view_result(index, query("spec-index", tags=("payments",)))) == ["ALPHA-1"]


def test_tradeoffs_filter_on_the_approach_status_in_document_order():
    chosen = obj(Approach, ALPHA, "z-first", decision="Z")
    proposed = obj(Approach, ALPHA, "a-second", decision="A", status="proposed")
    index = store((ALPHA, [chosen, proposed])).index
    result = view_result(index, query("spec-tradeoffs"))
    assert first_column(result) == ["z-first", "a-second"]
    assert result.sections[0].rows[0][1] == Text("Z")
    assert first_column(view_result(index, query("spec-tradeoffs", statuses=("proposed",)))) == [
        "a-second"
    ]


def test_current_names_the_spec_of_the_views_own_document():
    index = store((ALPHA, [obj(Approach, ALPHA, "a")]), (BETA, [obj(Approach, BETA, "b")])).index
    here = ViewQuery(view="spec-tradeoffs", docname="beta", lineno=1, specs=("current",))
    assert first_column(view_result(index, here)) == ["b"]


def test_error_paths_filter_on_their_flow_wherever_it_is_named():
    flow = obj(Flow, ALPHA, "charge", steps=("one", "two"))
    on_step = obj(ErrorPath, ALPHA, "E1", title="Declined", flow="charge", step=2)
    elsewhere = obj(ErrorPath, ALPHA, "E2", title="Lost")
    index = store((ALPHA, [flow, on_step, elsewhere])).index
    result = view_result(index, query("error-paths", flows=("ALPHA-1.charge",)))
    assert first_column(result) == ["E1"]
    assert result.sections[0].rows[0][4] == Link("flow", "ALPHA-1.charge", "charge, step 2", 2)


def test_open_questions_are_grouped_by_spec_with_a_summary():
    questions = [
        obj(OpenQuestion, ALPHA, "q1", blocking=True),
        obj(OpenQuestion, ALPHA, "q2", status="answered"),
    ]
    index = store((ALPHA, questions), (BETA, [obj(OpenQuestion, BETA, "q3")])).index
    result = view_result(index, query("open-questions"))
    assert [section.heading.text for section in result.sections] == [
        "ALPHA-1: ALPHA-1",
        "BETA-2: BETA-2",
    ]
    assert result.summary == (("open", 2), ("answered", 1), ("deferred", 0), ("blocking", 1))


def test_goals_list_non_goals_apart():
    index = store((ALPHA, [obj(NonGoal, ALPHA, "cheap")])).index
    result = view_result(index, query("spec-goals"))
    assert result.listed == (
        (Link("non-goal", "ALPHA-1.cheap", "cheap"), Link("spec", "ALPHA-1", "ALPHA-1")),
    )


def test_glossary_merges_one_name_and_shows_this_projects_definition_first():
    other = imported("AAA-0", "Ledger")
    theirs = obj(Term, other, "w", title="widget", text="Theirs.", aliases=("gizmo",))
    ours = obj(Term, BETA, "w", title="Widget", text="Ours.", aliases=("gadget",))
    index = store((BETA, [ours]), imports=[ImportedSpecs((other,), (theirs,))]).index
    (row,) = view_result(index, query("spec-glossary")).sections[0].rows
    assert row[0] == Link("term", "BETA-2.w", "Widget")
    assert row[1:3] == (Text("Ours."), Text("gizmo, gadget"))
    assert row[3] == (Link("spec", "AAA-0", "AAA-0 (Ledger)"), Link("spec", "BETA-2", "BETA-2"))


def test_the_graph_is_typed_nodes_and_edges_between_selected_specs():
    index = store((ALPHA, []), (BETA, []), (GAMMA, [])).index
    graph = view_result(index, query("spec-graph")).graph
    assert [(node.node_id, node.spec.target, node.status) for node in graph.nodes] == [
        ("s0", "ALPHA-1", "accepted"),
        ("s1", "BETA-2", "draft"),
        ("s2", "GAMMA-3", "draft"),
    ]
    assert graph.edges == (
        GraphEdge("s1", "s0", "depends-on"),
        GraphEdge("s2", "s1", "supersedes"),
    )
    drafts = view_result(index, query("spec-graph", statuses=("draft",))).graph
    assert drafts.edges == (GraphEdge("s1", "s0", "supersedes"),)


def test_a_view_result_is_computed_once_per_index():
    index = store((ALPHA, [])).index
    assert view_result(index, query("spec-index")) is view_result(index, query("spec-index"))


def test_an_empty_selection_is_empty():
    index = store((ALPHA, [])).index
    assert view_result(index, query("spec-tradeoffs")).empty
    assert view_result(index, query("spec-graph", statuses=("rejected",))).empty
