"""Project-wide checks as findings: which rule, which message, where."""

from __future__ import annotations

import datetime

from factories import imported, obj, spec, store

from sphinx_spec.checks import CheckSettings, project_findings
from sphinx_spec.index import ImportedSpecs
from sphinx_spec.model import (
    SPEC_STATUSES,
    Approach,
    ErrorPath,
    Flow,
    OpenQuestion,
    Term,
    ViewQuery,
)

#: links between specs are not reviewed here (``spec_suppress``); the review checks have
#: their own tests
UNREVIEWED = (("unreviewed-link",),)
SETTINGS = CheckSettings(
    statuses=SPEC_STATUSES, today=datetime.date(2026, 6, 2), suppress=UNREVIEWED
)


def codes(records, settings: CheckSettings = SETTINGS) -> list[tuple[str, str]]:
    return [(finding.code, finding.message) for finding in project_findings(records, settings)]


def test_a_clean_project_has_no_findings():
    alpha = spec("ALPHA-1")
    assert codes(store((alpha, [obj(Approach, alpha, "a", decision="x")]))) == []


def test_a_settled_spec_with_an_open_blocking_question():
    alpha = spec("ALPHA-1", status="accepted")
    found = project_findings(
        store((alpha, [obj(OpenQuestion, alpha, "q", blocking=True)])), SETTINGS
    )
    assert [(f.subtype, f.code, f.location) for f in found] == [
        ("lifecycle", "settled-with-blockers", ("alpha-1", 3))
    ]
    assert found[0].message == "spec ALPHA-1 is accepted but has open blocking questions: ALPHA-1.q"


def test_a_superseded_spec_must_say_so_when_the_project_knows_the_status():
    old, new = spec("OLD"), spec("NEW", supersedes=("OLD",))
    assert codes(store((old, []), (new, []))) == [
        (
            "superseded-status",
            "spec OLD is superseded by NEW but its status is 'draft', not 'superseded'",
        )
    ]
    kep_statuses = CheckSettings(statuses=("provisional", "implemented"), suppress=UNREVIEWED)
    assert codes(store((old, []), (new, [])), kep_statuses) == []


def test_a_chosen_approach_past_its_revisit_date():
    alpha = spec("ALPHA-1")
    due = obj(Approach, alpha, "cache", revisit="2026-06-01")
    rejected = obj(Approach, alpha, "old", revisit="2026-06-01", status="rejected")
    later = obj(Approach, alpha, "new", revisit="2026-06-02")
    assert codes(store((alpha, [due, rejected, later]))) == [
        (
            "revisit-overdue",
            "approach ALPHA-1.cache is chosen but was due for revisiting on 2026-06-01",
        )
    ]


def test_required_directives_are_named_by_directive():
    alpha = spec("ALPHA-1")
    settings = CheckSettings(statuses=SPEC_STATUSES, required=("spec-goal", "spec-approach"))
    records = store((alpha, [obj(Approach, alpha, "a")]))
    assert codes(records, settings) == [
        ("missing-required", "spec ALPHA-1 has no spec-goal (required by spec_required)")
    ]


def test_links_in_options_must_land():
    alpha = spec("ALPHA-1", supersedes=("ALPHA-1",), depends_on=("GHOST",))
    flow = obj(Flow, alpha, "charge", steps=("one", "two"))
    records = store(
        (
            alpha,
            [
                flow,
                obj(ErrorPath, alpha, "E1", flow="charge", step=3),
                obj(ErrorPath, alpha, "E2", flow="nowhere"),
                obj(OpenQuestion, alpha, "q", resolved_by="missing"),
            ],
        )
    )
    assert [code for code, _message in codes(records)] == ["dangling-ref"] * 5


def test_an_imported_spec_is_a_valid_link_target_but_is_not_checked():
    successor = imported("LED-1", status="accepted", supersedes=("GONE",))
    alpha = spec("ALPHA-1", depends_on=("LED-1",))
    blocking = obj(OpenQuestion, successor, "q", blocking=True)
    records = store((alpha, []), imports=[ImportedSpecs((successor,), (blocking,))])
    assert codes(records) == []


def test_duplicates_of_every_origin():
    first, again = spec("SAME", "a"), spec("SAME", "b")
    local = spec("LOCAL-1")
    shadowed, twice, once_more = imported("LOCAL-1", "Them"), imported("LED-1"), imported("LED-1")
    records = store(
        (first, []),
        (again, []),
        (local, []),
        imports=[ImportedSpecs((shadowed, twice, once_more), ())],
    )
    found = project_findings(records, SETTINGS)
    assert [(f.code, f.location) for f in found] == [
        ("duplicate-spec", ("b", 3)),
        ("duplicate-spec", ("local-1", 3)),
        ("duplicate-import", "/docs/conf.py:7"),
    ]


def test_a_term_defined_differently_warns_at_the_later_local_definition():
    alpha, beta = spec("ALPHA-1"), spec("BETA-2")
    records = store(
        (alpha, [obj(Term, alpha, "w", title="Widget", text="one thing")]),
        (beta, [obj(Term, beta, "w", title="widget", text="another", lineno=20)]),
    )
    found = project_findings(records, SETTINGS)
    assert [(f.code, f.location) for f in found] == [("term-conflict", ("beta-2", 20))]


def test_a_term_an_imported_project_defines_differently_warns_at_ours():
    alpha, other = spec("ALPHA-1"), imported("LED-1", "Ledger")
    ours = obj(Term, alpha, "w", title="Widget", text="ours")
    theirs = obj(Term, other, "w", title="Widget", text="theirs")
    found = project_findings(
        store((alpha, [ours]), imports=[ImportedSpecs((other,), (theirs,))]), SETTINGS
    )
    assert [(f.code, f.message, f.location) for f in found] == [
        (
            "term-conflict",
            "term 'Widget' is defined differently in ALPHA-1 (alpha-1, line 10) "
            "and project 'Ledger'",
            ("alpha-1", 10),
        )
    ]


def test_a_spec_term_the_glossary_defines():
    alpha = spec("ALPHA-1")
    records = store((alpha, [obj(Term, alpha, "w", title="Widget", aliases=("Gadget",))]))
    records.set_glossary({"gadget": ("glossary", "term-Gadget")})
    assert codes(records) == [
        (
            "glossary-clash",
            "spec term 'Gadget' clashes with the glossary term in 'glossary'; "
            ":term: keeps pointing at the glossary",
        )
    ]


def test_view_filters_must_name_what_exists():
    alpha = spec("ALPHA-1")
    records = store((alpha, []))
    query = ViewQuery(view="error-paths", docname="notes", lineno=4, specs=("current", "NOPE"))
    records.add_document(
        "notes",
        None,
        (),
        (),
        (query, ViewQuery(view="error-paths", docname="notes", lineno=9, flows=("ghost",))),
    )
    assert [message for _code, message in codes(records)] == [
        "error-paths: :spec: current, but this document has no spec",
        "error-paths: :spec: names unknown spec 'NOPE'",
        "error-paths: :flow: names unknown flow 'ghost'",
    ]
