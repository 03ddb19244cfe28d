"""Every authoring directive, as a reader sees it in HTML.

The project ``test-directives`` writes the same spec three times: in
reStructuredText, in MyST with backtick fences and in MyST with colon fences.
The spec ids differ (``RST-001``, ``MD-001``, ``COLON-001``); every local id is
the same, so each test runs once per document and expects the same page.
"""

from __future__ import annotations

import re

import pytest
from helpers import html, text_of, warnings_of

DOCS = {"spec-rst": "RST-001", "spec-md": "MD-001", "spec-colon": "COLON-001"}
MYST_DOCS = ["spec-md", "spec-colon"]

# One build serves every test of this module: they only read its output.
pytestmark = [
    pytest.mark.sphinx("html", testroot="directives"),
    pytest.mark.test_params(shared_result="directives-shared"),
]


@pytest.fixture(params=list(DOCS))
def doc(request) -> str:
    return request.param


def page(app, doc: str):
    app.build()
    return html(app, doc)


def anchor(kind: str, doc: str, local_id: str) -> str:
    """The HTML id the collector gives an object: ``<kind>-<spec id>-<local id>``, lower case."""
    return f"{kind}-{DOCS[doc].lower()}-{local_id}"


def element(soup, element_id: str):
    """The block a link to ``#element_id`` lands on.

    The anchor is either the block's own id or an empty anchor target that
    opens the block; either way the reader lands on the block.
    """
    found = soup.find(id=element_id)
    assert found is not None, f"no element with id {element_id!r}"
    if not found.get_text(strip=True) and found.parent is not None:
        return found.parent
    return found


def fields_of(block) -> dict[str, str]:
    """The block's own field list as ``{name: value text}``."""
    field_list = block.find("dl", class_="spec-fields", recursive=False)
    if field_list is None:
        return {}
    names = [dt.find(string=True, recursive=False).strip() for dt in field_list.find_all("dt")]
    values = [text_of(dd) for dd in field_list.find_all("dd")]
    return dict(zip(names, values, strict=True))


def field_links(block, name: str) -> list[tuple[str, str]]:
    """``(href, text)`` of every link in the field *name* of the block."""
    for dt in block.find("dl", class_="spec-fields", recursive=False).find_all("dt"):
        if dt.find(string=True, recursive=False).strip() == name:
            return [(a["href"], text_of(a)) for a in dt.find_next_sibling("dd").find_all("a")]
    raise AssertionError(f"no field {name!r}")


def title_line(block) -> tuple[str, str, str]:
    """``(label, id, title)`` as the object's first line shows them."""
    line = block.find("p", class_="spec-object-title")
    return (
        text_of(line.find(class_="spec-label")),
        text_of(line.find(class_="spec-id")),
        text_of(line.find(class_="spec-title")),
    )


def body_paragraph(block):
    """The first paragraph the author wrote in the block (not its title line)."""
    paragraphs = block.find_all("p", recursive=False)
    return next(p for p in paragraphs if "spec-object-title" not in p.get("class", []))


def card(soup, doc: str):
    return element(soup, f"spec-{DOCS[doc].lower()}")


# -- the project as a whole --------------------------------------------------


def test_showcase_builds_without_warnings(app):
    app.build()
    assert warnings_of(app) == []


# -- spec card -----------------------------------------------------------------


def test_card_shows_title_id_and_status_badge(app, doc):
    spec_card = card(page(app, doc), doc)
    heading = spec_card.find("p", class_="spec-card-title")
    badge = heading.find(class_="spec-badge")
    assert text_of(heading.find(class_="spec-title")) == "Directive showcase"
    assert text_of(heading.find(class_="spec-id")) == DOCS[doc]
    assert text_of(badge) == "review"
    assert "spec-status-review" in badge["class"]
    assert "spec-status-review" in spec_card["class"]


def test_card_shows_owners_stakeholders_tags_and_dates(app, doc):
    shown = fields_of(card(page(app, doc), doc))
    assert shown["Owners"] == "alice, bob"
    assert shown["Stakeholders"] == "Payments team, Billing API"
    assert shown["Tags"] == "payments, reliability"
    assert shown["Created"] == "2026-11-01"
    assert shown["Updated"] == "2026-11-20"


def test_card_links_the_specs_it_supersedes_and_depends_on(app, doc):
    spec_card = card(page(app, doc), doc)
    assert field_links(spec_card, "Supersedes") == [("legacy.html#spec-old-001", "OLD-001")]
    assert field_links(spec_card, "Depends on") == [("base.html#spec-base-001", "BASE-001")]


def test_card_lists_the_specs_that_depend_on_it(app, doc):
    spec_card = card(page(app, doc), doc)
    assert field_links(spec_card, "Depended on by") == [("consumer.html#spec-use-001", "USE-001")]


def test_card_counts_the_specs_objects(app, doc):
    shown = fields_of(card(page(app, doc), doc))
    assert shown["Approaches"] == "2"
    assert shown["Error paths"] == "3"
    assert shown["Open questions"] == "2 open of 3, 1 blocking"
    assert shown["Terms"] == "2"


def test_card_lists_the_specs_diagrams_with_links(app, doc):
    spec_card = card(page(app, doc), doc)
    assert field_links(spec_card, "Diagrams") == [
        (f"#{anchor('diagram', doc, 'lifecycle')}", "Order lifecycle"),
        (f"#{anchor('diagram', doc, 'order-model')}", "Order model"),
    ]


def test_card_body_is_parsed_as_markup(app, doc):
    spec_card = card(page(app, doc), doc)
    assert text_of(spec_card.find("em")) == "summary"
    assert "The summary of this spec." in text_of(spec_card)
    assert "*" not in text_of(spec_card)


def test_card_of_a_spec_nobody_supersedes_has_no_banner(app, doc):
    spec_card = card(page(app, doc), doc)
    assert spec_card.find(class_="spec-superseded") is None
    assert "Superseded by" not in fields_of(spec_card)


def test_superseded_spec_shows_a_banner_naming_its_successor(app, doc):
    """OLD-001's author wrote nothing about successors; the banner is computed."""
    banner = element(page(app, "legacy"), "spec-old-001").find(class_="spec-superseded")
    assert banner is not None
    assert text_of(banner).startswith("Superseded This spec is superseded by")
    links = {(a["href"], text_of(a)) for a in banner.find_all("a")}
    assert (f"{doc}.html#spec-{DOCS[doc].lower()}", DOCS[doc]) in links
    assert len(links) == len(DOCS)


def test_superseded_spec_lists_its_successors_in_the_card(app, doc):
    legacy = element(page(app, "legacy"), "spec-old-001")
    successors = field_links(legacy, "Superseded by")
    assert (f"{doc}.html#spec-{DOCS[doc].lower()}", DOCS[doc]) in successors


def test_depended_on_spec_lists_its_dependents(app, doc):
    base = element(page(app, "base"), "spec-base-001")
    dependents = field_links(base, "Depended on by")
    assert (f"{doc}.html#spec-{DOCS[doc].lower()}", DOCS[doc]) in dependents


# -- spec-goal and non-goal ----------------------------------------------------


def test_goal_shows_its_metric_baseline_and_target(app, doc):
    goal = element(page(app, doc), anchor("goal", doc, "latency"))
    assert "spec-goal" in goal["class"]
    assert title_line(goal) == ("Goal", "latency", "Cut checkout latency")
    assert fields_of(goal) == {
        "Metric": "p99 checkout latency",
        "Baseline": "1200 ms",
        "Target": "840 ms (-30 %)",
    }
    assert text_of(goal.find("em")) == "weekly"


def test_goal_without_id_gets_its_title_slug_without_taking_an_explicit_id(app, doc):
    """``Latency`` comes first, but the later explicit ``:id: latency`` keeps its id."""
    goal = element(page(app, doc), anchor("goal", doc, "latency-2"))
    assert title_line(goal) == ("Goal", "latency-2", "Latency")
    assert fields_of(goal)["Metric"] == "p50 checkout latency"


def test_non_goal_without_id_gets_its_title_slug(app, doc):
    non_goal = element(page(app, doc), anchor("non-goal", doc, "multi-currency-support"))
    assert title_line(non_goal) == ("Non-goal", "multi-currency-support", "Multi-currency support")
    assert text_of(non_goal.find("em")) == "scope"


def test_non_goal_keeps_its_explicit_id(app, doc):
    non_goal = element(page(app, doc), anchor("non-goal", doc, "offline"))
    assert title_line(non_goal) == ("Non-goal", "offline", "Offline checkout")
    assert text_of(non_goal.find("em")) == "local"


# -- spec-approach -------------------------------------------------------------


def test_approach_shows_every_trade_off_field(app, doc):
    approach = element(page(app, doc), anchor("approach", doc, "storage"))
    assert "spec-approach" in approach["class"]
    assert title_line(approach) == ("Approach", "storage", "Storage")
    assert fields_of(approach) == {
        "Decision": "Use S3",
        "Rationale": "Cheaper, but eventual consistency",
        "Impact": "Risk of stale reads",
        "Alternatives": "EFS, local disk",
        "Status": "chosen",
        "Revisit": "2030-06-01",
    }


def test_approach_body_keeps_its_inline_markup(app, doc):
    approach = element(page(app, doc), anchor("approach", doc, "storage"))
    body = body_paragraph(approach)
    assert text_of(body.find("code")) == "S3"
    assert text_of(body.find("em")) == "immutable"
    link = body.find("a")
    assert (link["href"], text_of(link)) == ("https://example.org/s3", "the S3 guide")


def test_approach_without_id_gets_its_title_slug(app, doc):
    approach = element(page(app, doc), anchor("approach", doc, "retry-location"))
    assert title_line(approach) == ("Approach", "retry-location", "Retry location")
    assert fields_of(approach)["Status"] == "rejected"
    assert fields_of(approach)["Alternatives"] == "Server-side worker"
    assert "Revisit" not in fields_of(approach)
    assert text_of(body_paragraph(approach).find("strong")) == "least reliable"


# -- spec-concession -----------------------------------------------------------


def test_concession_is_labelled_with_its_kind(app, doc):
    concession = element(page(app, doc), anchor("concession", doc, "skew"))
    assert "spec-concession" in concession["class"]
    assert title_line(concession) == ("Risk", "skew", "Clock skew between regions")
    assert fields_of(concession) == {"Severity": "high", "Owner": "carol"}
    assert text_of(concession.find("em")) == "one second"


def test_concession_without_id_gets_its_title_slug(app, doc):
    slug = "attempts-table-has-no-archival"
    concession = element(page(app, doc), anchor("concession", doc, slug))
    assert title_line(concession) == ("Debt", slug, "Attempts table has no archival")
    assert fields_of(concession) == {"Severity": "low", "Owner": "bob"}


# -- spec-flow -----------------------------------------------------------------


def test_flow_shows_actor_and_conditions(app, doc):
    flow = element(page(app, doc), anchor("flow", doc, "checkout"))
    assert "spec-flow" in flow["class"]
    assert title_line(flow) == ("Flow", "checkout", "Checkout")
    assert fields_of(flow) == {
        "Actor": "Shopper",
        "Pre-condition": "Cart is not empty",
        "Post-condition": "Order persisted, receipt emailed",
    }


def test_flow_steps_are_numbered_and_anchored(app, doc):
    soup = page(app, doc)
    flow = element(soup, anchor("flow", doc, "checkout"))
    steps = flow.find("ol").find_all("li", recursive=False)
    step_anchors = [f"{anchor('flow', doc, 'checkout')}-step-{n}" for n in (1, 2, 3)]
    assert len(steps) == 3
    assert all(element(soup, a) is step for a, step in zip(step_anchors, steps, strict=True))
    assert [text_of(step) for step in steps] == [
        "Shopper triggers POST /checkout .",
        "System validates the cart and the payment token .",
        "System persists the order and emits OrderPlaced .",
    ]
    assert text_of(steps[1].find("em")) == "payment token"
    assert text_of(steps[2].find("code")) == "OrderPlaced"


def test_flow_with_sequence_diagram_option_draws_it_with_error_branches(app, doc):
    """``:diagram: sequence`` draws the flow, its error paths as ``alt`` at their step."""
    flow = element(page(app, doc), anchor("flow", doc, "checkout"))
    diagram = flow.find("pre", class_="mermaid")
    assert diagram is not None, "the flow has no Mermaid diagram"
    source = diagram.get_text()
    # after the front matter that draws it at its own size on web pages
    assert source.split("\n---\n", 1)[-1].split()[0] == "sequenceDiagram"
    assert "Shopper" in source
    assert re.search(r"^\s*alt\b.*Payment token expired", source, re.MULTILINE)
    assert re.search(r"^\s*alt\b.*Order store unavailable", source, re.MULTILINE)


# -- error-path ----------------------------------------------------------------


def test_error_paths_are_numbered_in_document_order_around_explicit_ids(app, doc):
    soup = page(app, doc)
    paths = [title_line(element(soup, anchor("error", doc, n))) for n in ("a1", "a2", "a3")]
    assert paths == [
        ("Error path", "A1", "Payment token expired"),
        ("Error path", "A2", "Order store unavailable"),
        ("Error path", "A3", "Cart emptied in another tab"),
    ]


def test_error_path_shows_action_feedback_and_body(app, doc):
    path = element(page(app, doc), anchor("error", doc, "a1"))
    assert "spec-error" in path["class"]
    shown = fields_of(path)
    assert shown["System action"] == "Return 401 and log the attempt"
    assert shown["User feedback"] == "Prompt the shopper to log in again"
    assert text_of(path.find("em")) == "long"


def test_error_path_links_to_the_step_it_branches_from(app, doc):
    soup = page(app, doc)
    flow = anchor("flow", doc, "checkout")
    first = element(soup, anchor("error", doc, "a1"))
    second = element(soup, anchor("error", doc, "a2"))
    assert field_links(first, "Flow") == [(f"#{flow}-step-2", "Checkout, step 2")]
    assert field_links(second, "Flow") == [(f"#{flow}-step-3", "Checkout, step 3")]


def test_error_path_without_step_links_to_the_flow(app, doc):
    path = element(page(app, doc), anchor("error", doc, "a3"))
    assert field_links(path, "Flow") == [(f"#{anchor('flow', doc, 'checkout')}", "Checkout")]


# -- spec-diagram --------------------------------------------------------------


def mermaid_lines(block) -> list[str]:
    diagram = block.find("pre", class_="mermaid")
    assert diagram is not None, "no Mermaid diagram"
    return [line.strip() for line in diagram.get_text().strip().splitlines()]


def test_diagram_renders_its_source_with_mermaid(app, doc):
    diagram = element(page(app, doc), anchor("diagram", doc, "lifecycle"))
    assert "spec-diagram" in diagram["class"]
    assert title_line(diagram) == ("Diagram", "lifecycle", "Order lifecycle")
    assert fields_of(diagram) == {"Kind": "state"}
    assert mermaid_lines(diagram) == [
        "stateDiagram-v2",
        "[*] --> Pending",
        "Pending --> Paid : pay()",
    ]


def test_diagram_without_id_gets_its_title_slug(app, doc):
    diagram = element(page(app, doc), anchor("diagram", doc, "order-model"))
    assert title_line(diagram) == ("Diagram", "order-model", "Order model")
    assert fields_of(diagram) == {"Kind": "class"}
    assert mermaid_lines(diagram) == ["classDiagram", "class Order", "Order --> Payment"]


# -- open-question -------------------------------------------------------------


def test_question_shows_status_blocking_owner_due_and_answer(app, doc):
    question = element(page(app, doc), anchor("question", doc, "pci"))
    assert "spec-question" in question["class"]
    assert title_line(question) == (
        "Open question",
        "pci",
        "Do we need PCI approval before launch?",
    )
    shown = fields_of(question)
    assert shown["Status"] == "open"
    assert shown["Blocking"] == "yes"
    assert shown["Owner"] == "alice"
    assert shown["Due"] == "2026-12-01"
    assert shown["Answer"] == "Yes, scheduled for Q1."
    assert text_of(question.find("em")) == "question"


def test_question_resolved_by_a_local_id_links_to_the_approach(app, doc):
    question = element(page(app, doc), anchor("question", doc, "pci"))
    target = anchor("approach", doc, "storage")
    assert field_links(question, "Resolved by") == [(f"#{target}", "Storage")]


def test_question_resolved_by_a_full_id_links_to_the_approach(app, doc):
    slug = "who-signs-off-the-retry-budget"
    question = element(page(app, doc), anchor("question", doc, slug))
    target = anchor("approach", doc, "retry-location")
    assert title_line(question)[1] == slug
    assert fields_of(question)["Status"] == "answered"
    assert field_links(question, "Resolved by") == [(f"#{target}", "Retry location")]


def test_question_with_blocking_no_is_not_blocking(app, doc):
    slug = "should-retries-be-visible-to-shoppers"
    question = element(page(app, doc), anchor("question", doc, slug))
    assert fields_of(question) == {"Status": "open"}


# -- spec-term -----------------------------------------------------------------


def test_term_shows_its_aliases_and_definition(app, doc):
    term = element(page(app, doc), anchor("term", doc, "idem-key"))
    assert "spec-term" in term["class"]
    assert title_line(term) == ("Term", "idem-key", "Idempotency key")
    assert fields_of(term) == {"Aliases": "idem key, request key"}
    assert text_of(term.find("em")) == "retried"


def test_term_without_id_gets_its_title_slug(app, doc):
    term = element(page(app, doc), anchor("term", doc, "retry-budget"))
    assert title_line(term) == ("Term", "retry-budget", "Retry budget")
    assert fields_of(term) == {}
    assert "maximum number of automatic attempts" in text_of(term)


# -- MyST specifics ------------------------------------------------------------


@pytest.mark.parametrize("myst_doc", MYST_DOCS)
def test_myst_bodies_are_parsed_as_myst(app, myst_doc):
    """Backticks, ``[text](url)`` and ``**bold**`` are MyST syntax, not reStructuredText."""
    soup = page(app, myst_doc)
    storage = element(soup, anchor("approach", myst_doc, "storage"))
    location = element(soup, anchor("approach", myst_doc, "retry-location"))
    storage_body = body_paragraph(storage)
    location_body = body_paragraph(location)
    assert text_of(storage_body.find("code")) == "S3"
    assert storage_body.find("a", href="https://example.org/s3") is not None
    assert text_of(location_body.find("strong")) == "least reliable"
    assert "**" not in text_of(location_body)
    assert "](" not in text_of(storage_body)
    assert "`" not in text_of(storage_body)
