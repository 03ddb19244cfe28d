"""The portfolio views as a reader sees them: which rows, in which order, linking where.

The project ``test-views`` has four specs whose documents sort in another
order than their ids: ``specs/audit.md`` (GAMMA-003, MyST colon fences),
``specs/legacy.rst`` (DELTA-004), ``specs/retries.rst`` (ALPHA-001) and
``specs/sessions.md`` (BETA-002, MyST backtick fences). ``views.rst`` and
``myst/views.md`` show the same views, each in a section of its own whose id
names the view and its filter (``trade-offs-chosen``); every test that reads
them runs once per page. The spec documents themselves use ``:spec: current``.
"""

from __future__ import annotations

import posixpath
from functools import cache

import pytest
from bs4 import BeautifulSoup, Tag
from helpers import html, warnings_of
from linking import split_href

# One build serves every test of this module: they only read its output.
pytestmark = [
    pytest.mark.sphinx("html", testroot="views"),
    pytest.mark.test_params(shared_result="views-shared"),
]

PAGES = ["views", "myst/views"]

DOCS = {
    "ALPHA-001": "specs/retries",
    "BETA-002": "specs/sessions",
    "GAMMA-003": "specs/audit",
    "DELTA-004": "specs/legacy",
}

SPECS = {
    "ALPHA-001": ("ALPHA-001", "Payment retries", "accepted", "alice, bob",
                  "payments, reliability", "1", "0", "2026-11-20"),
    "BETA-002": ("BETA-002", "Session tokens", "draft", "carol", "auth, security",
                 "1", "1", "2026-10-14"),
    "DELTA-004": ("DELTA-004", "Legacy retry loop", "superseded", "bob", "payments, legacy",
                  "0", "0", "2025-05-01"),
    "GAMMA-003": ("GAMMA-003", "Audit log", "implemented", "dana", "Security, compliance",
                  "0", "0", "2026-09-01"),
}  # fmt: skip

APPROACHES = {
    "ALPHA-001.storage": ("Retry state storage", "Persist attempts in Postgres",
                          "Transactional with the order row", "One extra write per attempt",
                          "chosen", "ALPHA-001"),
    "ALPHA-001.client-retry": ("Retry location", "Retry in the browser", "No server changes",
                               "Retries stop when the tab closes", "rejected", "ALPHA-001"),
    "ALPHA-001.backoff": ("Backoff policy", "Follow Retry-After hints", "Fewer wasted attempts",
                          "Needs per-issuer telemetry", "deferred", "ALPHA-001"),
    "BETA-002.format": ("Token format", "Signed JWT", "Stateless validation",
                        "Revocation needs a deny list", "chosen", "BETA-002"),
    "BETA-002.dpop": ("Sender-constrained tokens", "Bind tokens to a client key",
                      "Stolen tokens are useless", "Clients must sign requests", "proposed",
                      "BETA-002"),
    "DELTA-004.inline-loop": ("In-request retry loop", "Retry three times inline",
                              "Simplest change", "Holds a worker for 30 s", "chosen",
                              "DELTA-004"),
    "GAMMA-003.append-only": ("Append-only table", "Write-once rows", "Tamper evidence",
                              "Storage grows forever", "chosen", "GAMMA-003"),
}  # fmt: skip

GOALS = {
    "ALPHA-001.latency": ("Cut checkout latency", "p99 checkout latency", "1200 ms", "840 ms",
                          "ALPHA-001"),
    "ALPHA-001.dupes": ("No duplicate charges", "duplicate charges per month", "12", "0",
                        "ALPHA-001"),
    "BETA-002.revocation": ("Instant revocation", "revocation delay", "15 min", "1 s",
                            "BETA-002"),
}  # fmt: skip

NON_GOALS = {
    "ALPHA-001.multi-currency-support": "Multi-currency support (ALPHA-001)",
    "BETA-002.sso": "Single sign-on (BETA-002)",
    "BETA-002.offline-login": "Offline login (BETA-002)",
    "GAMMA-003.streaming": "Real-time streaming (GAMMA-003)",
}

ERROR_PATHS = {
    "ALPHA-001.A1": ("A1", "Payment token expired", "Return 401",
                     "Ask the shopper to log in again", "Checkout, step 2", "ALPHA-001"),
    "ALPHA-001.A2": ("A2", "Order store unavailable", "Return 503 with Retry-After",
                     "Show a retry button", "Checkout, step 3", "ALPHA-001"),
    "BETA-002.A1": ("A1", "Wrong password", "Return 401 after a delay",
                    "Say that the password is wrong", "Login, step 1", "BETA-002"),
    "BETA-002.A2": ("A2", "Account locked", "Return 423", "Explain how to unlock",
                    "Login, step 2", "BETA-002"),
    "BETA-002.A3": ("A3", "Signing key unavailable", "Return 503",
                    "Ask the user to retry later", "", "BETA-002"),
    "GAMMA-003.A1": ("A1", "Export too large", "Split into parts", "Email a download link",
                     "Export, step 2", "GAMMA-003"),
}  # fmt: skip

#: the flow step each error path branches at (the one without a flow has none)
ERROR_STEPS = {
    "ALPHA-001.A1": "checkout-step-2",
    "ALPHA-001.A2": "checkout-step-3",
    "BETA-002.A1": "login-step-1",
    "BETA-002.A2": "login-step-2",
    "GAMMA-003.A1": "export-step-2",
}

QUESTIONS = {
    "ALPHA-001.pci": ("Do we need PCI approval?", "answered", "alice", "", "yes",
                      "Yes, scheduled for Q1."),
    "ALPHA-001.regions": ("Which regions launch first?", "open", "bob", "2026-12-01", "", ""),
    "BETA-002.rotation": ("Who rotates the signing keys?", "open", "carol", "2027-01-15",
                          "yes", ""),
    "BETA-002.refresh": ("Keep refresh tokens?", "deferred", "alice", "", "", ""),
    "GAMMA-003.retention": ("How long do we keep events?", "answered", "dana", "", "",
                            "Seven years."),
}  # fmt: skip

QUESTION_HEADINGS = {
    "ALPHA-001": "ALPHA-001: Payment retries",
    "BETA-002": "BETA-002: Session tokens",
    "GAMMA-003": "GAMMA-003: Audit log",
}

CONCESSIONS = {
    "ALPHA-001.skew": ("Clock skew between regions", "risk", "high", "carol", "", "ALPHA-001"),
    "ALPHA-001.archival": ("Attempts table has no archival", "debt", "low", "bob", "",
                           "ALPHA-001"),
    "BETA-002.outlive": ("Tokens outlive logout", "limitation", "medium", "dana", "", "BETA-002"),
    "BETA-002.polyfill": ("Old browsers need a polyfill", "edge-case", "low", "carol",
                          "", "BETA-002"),
    "DELTA-004.unpersisted": ("Retries never persisted", "deferred", "low", "bob",
                              "", "DELTA-004"),
    "GAMMA-003.costs": ("Retention costs", "debt", "medium", "erik", "", "GAMMA-003"),
    "GAMMA-003.redaction": ("Manual redaction", "concession", "", "", "", "GAMMA-003"),
}  # fmt: skip

IDEMPOTENCY = "A client-supplied token that makes a retried request safe."

COLUMNS = {
    "index-all": ["ID", "Title", "Status", "Owners", "Tags", "Open questions", "Blocking",
                  "Updated"],
    "trade-offs-all": ["Approach", "Decision", "Rationale", "Impact", "Status", "Spec"],
    "goals-all": ["Goal", "Metric", "Baseline", "Target", "Spec"],
    "error-paths-all": ["#", "Condition", "System action", "User feedback", "Flow / step",
                        "Spec"],
    "questions-all": ["Question", "Status", "Owner", "Due", "Blocking", "Answer"],
    "concessions-all": ["Concession", "Kind", "Severity", "Owner", "Mitigation", "Spec"],
    "glossary-all": ["Term", "Definition", "Aliases", "Defined in"],
}  # fmt: skip

VIEW_NAMES = {
    "index-all": "spec-index",
    "trade-offs-all": "spec-tradeoffs",
    "goals-all": "spec-goals",
    "error-paths-all": "error-paths",
    "questions-all": "open-questions",
    "concessions-all": "spec-concessions",
    "glossary-all": "spec-glossary",
}


# -- reading the pages ---------------------------------------------------------------


@pytest.fixture(params=PAGES)
def page(request) -> str:
    return request.param


def words(element: Tag) -> str:
    """The element's text as a reader sees it, whitespace collapsed."""
    return " ".join(element.get_text().split())


def view(app, page: str, section: str) -> Tag:
    """The rendered view in the section *section* of *page*."""
    app.build()
    found = html(app, page).find("section", id=section)
    assert found is not None, f"{page} has no section {section!r}"
    block = found.find("div", class_="spec-view-block", recursive=False)
    assert block is not None, f"section {section!r} of {page} shows no view"
    return block


def table_rows(table: Tag) -> list[tuple[str, ...]]:
    return [tuple(words(td) for td in tr.find_all("td")) for tr in table.select("tbody > tr")]


def rows(block: Tag) -> list[tuple[str, ...]]:
    """The cell texts of every body row of the view's tables."""
    return [row for table in block.select("table.spec-view") for row in table_rows(table)]


def pick(table: dict[str, tuple[str, ...]], *keys: str) -> list[tuple[str, ...]]:
    return [table[key] for key in keys]


def target(page: str, href: str) -> str:
    """``docname#anchor`` a link of *page* points at."""
    path, anchor = split_href(href)
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page
    return f"{path.removesuffix('.html')}#{anchor}"


def cell_targets(page: str, element: Tag) -> list[str]:
    return [target(page, a["href"]) for a in element.find_all("a")]


def row_targets(page: str, block: Tag) -> list[list[list[str]]]:
    """Per body row, per cell: where the cell's links point."""
    return [
        [cell_targets(page, td) for td in tr.find_all("td")]
        for tr in block.select("table.spec-view tbody > tr")
    ]


def spec_target(spec_id: str) -> str:
    return f"{DOCS[spec_id]}#spec-{spec_id.lower()}"


def object_target(kind: str, full_id: str) -> str:
    spec_id, _, local_id = full_id.partition(".")
    return f"{DOCS[spec_id]}#{kind}-{spec_id.lower()}-{local_id.lower()}"


def children(block: Tag) -> list[Tag]:
    return block.find_all(recursive=False)


def is_rubric(element: Tag) -> bool:
    return element.name == "p" and "rubric" in element.get("class", [])


def question_groups(block: Tag) -> list[tuple[str, list[tuple[str, ...]]]]:
    """The open-questions report as ``(spec heading, rows)`` in page order."""
    groups: list[tuple[str, list[tuple[str, ...]]]] = []
    for child in children(block):
        if is_rubric(child) and child.find("a") is not None:
            groups.append((words(child), []))
        elif child.name == "table":
            assert groups, "a questions table before any spec heading"
            groups[-1][1].extend(table_rows(child))
    return groups


def summary(block: Tag) -> str:
    found = block.select("p.spec-view-summary")
    assert len(found) == 1, f"expected one summary line, found {len(found)}"
    return words(found[0])


def non_goals(block: Tag) -> list[str]:
    """The items of the list under the view's "Non-goals" rubric."""
    rubrics = [child for child in children(block) if is_rubric(child)]
    assert [words(r) for r in rubrics] == ["Non-goals"]
    listing = rubrics[0].find_next_sibling()
    assert listing is not None and listing.name == "ul"
    return [words(li) for li in listing.find_all("li")]


# -- the build -------------------------------------------------------------------------


def test_views_project_builds_without_warnings(app):
    app.build()
    assert warnings_of(app) == []


@pytest.mark.parametrize(("section", "name"), list(VIEW_NAMES.items()))
def test_each_view_renders_tables_with_its_class(app, page, section, name):
    tables = view(app, page, section).find_all("table", recursive=False)
    if name == "open-questions":
        assert len(tables) == len(QUESTION_HEADINGS)  # one table per spec
    else:
        assert len(tables) == 1
    for table in tables:
        assert {"spec-view", f"spec-view-{name}"} <= set(table["class"])


@pytest.mark.parametrize(("section", "columns"), list(COLUMNS.items()))
def test_each_view_has_its_documented_columns(app, page, section, columns):
    table = view(app, page, section).find("table")
    assert [words(th) for th in table.select("thead th")] == columns


def test_every_link_in_a_view_lands_on_an_existing_anchor(app, page):
    app.build()
    soup = html(app, page)
    hrefs = [a["href"] for block in soup.select("div.spec-view-block") for a in block("a")]
    assert len(hrefs) > 100
    for href in hrefs:
        docname, anchor = target(page, href).split("#")
        assert landing_page(str(app.outdir), docname).find(id=anchor) is not None, href


@cache
def landing_page(outdir: str, docname: str) -> BeautifulSoup:
    with open(f"{outdir}/{docname}.html", encoding="utf-8") as stream:
        return BeautifulSoup(stream.read(), "html.parser")


# -- title and no-match note -------------------------------------------------------------

NO_MATCH = {
    "index-no-match": "No matching specs.",
    "trade-offs-no-match": "No matching approaches.",
    "goals-no-match": "No matching goals.",
    "error-paths-no-match": "No matching error paths.",
    "questions-no-match": "No matching open questions.",
    "concessions-no-match": "No matching concessions.",
    "glossary-no-match": "No matching terms.",
}


@pytest.mark.parametrize(("section", "note"), list(NO_MATCH.items()))
def test_filter_matching_nothing_renders_a_note_not_a_table(app, page, section, note):
    block = view(app, page, section)
    assert block.find("table") is None
    assert [words(p) for p in block.select("p.spec-view-empty")] == [note]


def test_title_argument_is_a_rubric_before_the_table(app, page):
    block = view(app, page, "index-with-a-title")
    first, second = children(block)[:2]
    assert is_rubric(first) and words(first) == "Security specs"
    assert second.name == "table"
    assert rows(block) == pick(SPECS, "BETA-002", "GAMMA-003")


def test_title_argument_stays_above_the_no_match_note(app, page):
    block = view(app, page, "index-no-match")
    assert [(child.name, words(child)) for child in children(block)] == [
        ("p", "Nothing here"),
        ("p", "No matching specs."),
    ]
    assert is_rubric(children(block)[0])


def test_view_without_title_has_no_rubric(app, page):
    assert not any(is_rubric(child) for child in children(view(app, page, "index-all")))


# -- spec-index ---------------------------------------------------------------------------


def test_spec_index_lists_every_spec_ordered_by_id(app, page):
    assert rows(view(app, page, "index-all")) == pick(
        SPECS, "ALPHA-001", "BETA-002", "DELTA-004", "GAMMA-003"
    )


def test_spec_index_links_id_and_title_to_the_spec(app, page):
    targets = row_targets(page, view(app, page, "index-all"))
    expected = [
        [[spec_target(s)], [spec_target(s)], [], [], [], [], [], []]
        for s in ("ALPHA-001", "BETA-002", "DELTA-004", "GAMMA-003")
    ]
    assert targets == expected


def test_spec_index_tags_filter_ignores_case(app, page):
    """``:tags: security`` matches GAMMA-003, tagged ``Security``."""
    assert rows(view(app, page, "index-by-tags")) == pick(SPECS, "BETA-002", "GAMMA-003")


def test_spec_index_tags_filter_matches_any_listed_tag(app, page):
    assert rows(view(app, page, "index-by-tags-any-match")) == pick(SPECS, "ALPHA-001", "DELTA-004")


def test_spec_index_status_filter_matches_any_listed_status(app, page):
    assert rows(view(app, page, "index-by-status")) == pick(SPECS, "BETA-002", "DELTA-004")


def test_spec_index_owner_filter_tests_the_spec_owners(app, page):
    assert rows(view(app, page, "index-by-owner")) == pick(SPECS, "ALPHA-001", "DELTA-004")


def test_spec_filter_keeps_the_listed_specs_ordered_by_id(app, page):
    """``:spec: GAMMA-003, ALPHA-001`` lists ALPHA-001 first."""
    assert rows(view(app, page, "index-by-spec")) == pick(SPECS, "ALPHA-001", "GAMMA-003")


# -- spec-tradeoffs -----------------------------------------------------------------------

ALL_APPROACHES = (
    "ALPHA-001.storage", "ALPHA-001.client-retry", "ALPHA-001.backoff",
    "BETA-002.format", "BETA-002.dpop", "DELTA-004.inline-loop", "GAMMA-003.append-only",
)  # fmt: skip


def test_tradeoffs_list_approaches_by_spec_id_then_document_order(app, page):
    assert rows(view(app, page, "trade-offs-all")) == pick(APPROACHES, *ALL_APPROACHES)


def test_tradeoff_rows_link_to_the_approach_and_its_spec(app, page):
    targets = row_targets(page, view(app, page, "trade-offs-all"))
    expected = [
        [[object_target("approach", key)], [], [], [], [], [spec_target(key.split(".")[0])]]
        for key in ALL_APPROACHES
    ]
    assert targets == expected


def test_tradeoffs_status_filter_tests_the_approach_status(app, page):
    assert rows(view(app, page, "trade-offs-chosen")) == pick(
        APPROACHES,
        "ALPHA-001.storage",
        "BETA-002.format",
        "DELTA-004.inline-loop",
        "GAMMA-003.append-only",
    )


def test_tradeoffs_status_filter_ignores_case_and_matches_any(app, page):
    """``:status: Proposed, DEFERRED``."""
    assert rows(view(app, page, "trade-offs-proposed-or-deferred")) == pick(
        APPROACHES, "ALPHA-001.backoff", "BETA-002.dpop"
    )


def test_tradeoffs_spec_filter(app, page):
    assert rows(view(app, page, "trade-offs-by-spec")) == pick(
        APPROACHES, "BETA-002.format", "BETA-002.dpop"
    )


def test_tradeoffs_tags_filter_tests_the_spec_tags(app, page):
    assert rows(view(app, page, "trade-offs-by-tags")) == pick(
        APPROACHES,
        "ALPHA-001.storage",
        "ALPHA-001.client-retry",
        "ALPHA-001.backoff",
        "DELTA-004.inline-loop",
    )


def test_tradeoffs_owner_filter_tests_the_spec_owners(app, page):
    assert rows(view(app, page, "trade-offs-by-owner")) == pick(
        APPROACHES, "BETA-002.format", "BETA-002.dpop"
    )


# -- spec-goals ---------------------------------------------------------------------------


def test_goals_table_lists_every_goal(app, page):
    assert rows(view(app, page, "goals-all")) == pick(
        GOALS, "ALPHA-001.latency", "ALPHA-001.dupes", "BETA-002.revocation"
    )


def test_goal_rows_link_to_the_goal_and_its_spec(app, page):
    keys = ("ALPHA-001.latency", "ALPHA-001.dupes", "BETA-002.revocation")
    expected = [
        [[object_target("goal", key)], [], [], [], [spec_target(key.split(".")[0])]] for key in keys
    ]
    assert row_targets(page, view(app, page, "goals-all")) == expected


def test_non_goals_are_listed_under_a_rubric_after_the_goals_table(app, page):
    block = view(app, page, "goals-all")
    assert [child.name for child in children(block)] == ["table", "p", "ul"]
    assert non_goals(block) == list(NON_GOALS.values())


def test_non_goal_items_link_to_the_non_goal_and_its_spec(app, page):
    block = view(app, page, "goals-all")
    targets = [cell_targets(page, li) for li in block.select("ul > li")]
    assert targets == [
        [object_target("non-goal", key), spec_target(key.split(".")[0])] for key in NON_GOALS
    ]


def test_goals_spec_filter_narrows_goals_and_non_goals(app, page):
    block = view(app, page, "goals-by-spec")
    assert rows(block) == pick(GOALS, "BETA-002.revocation")
    assert non_goals(block) == [NON_GOALS["BETA-002.sso"], NON_GOALS["BETA-002.offline-login"]]


def test_goals_status_filter_tests_the_spec_status(app, page):
    block = view(app, page, "goals-by-status")
    assert rows(block) == pick(GOALS, "ALPHA-001.latency", "ALPHA-001.dupes")
    assert non_goals(block) == [NON_GOALS["ALPHA-001.multi-currency-support"]]


def test_spec_with_only_non_goals_shows_the_list_without_a_table(app, page):
    block = view(app, page, "goals-only-non-goals")
    assert block.find("table") is None
    assert block.select("p.spec-view-empty") == []
    assert non_goals(block) == [NON_GOALS["GAMMA-003.streaming"]]


# -- error-paths --------------------------------------------------------------------------


def test_error_paths_list_every_path_by_spec_id_then_document_order(app, page):
    assert rows(view(app, page, "error-paths-all")) == list(ERROR_PATHS.values())


def step_target(full_id: str) -> list[str]:
    """Where an error path's flow cell links: the step it branches at (none without a flow)."""
    spec_id = full_id.split(".")[0]
    step = ERROR_STEPS.get(full_id)
    return [f"{DOCS[spec_id]}#flow-{spec_id.lower()}-{step}"] if step else []


def test_error_path_rows_link_to_the_path_its_flow_step_and_its_spec(app, page):
    expected = [
        [
            [object_target("error", key)],
            [object_target("error", key)],
            [],
            [],
            step_target(key),
            [spec_target(key.split(".")[0])],
        ]
        for key in ERROR_PATHS
    ]
    assert row_targets(page, view(app, page, "error-paths-all")) == expected


def test_error_paths_flow_filter_keeps_the_paths_of_that_flow(app, page):
    """``:flow: BETA-002.login`` leaves out BETA-002's path without a flow."""
    assert rows(view(app, page, "error-paths-by-flow")) == pick(
        ERROR_PATHS, "BETA-002.A1", "BETA-002.A2"
    )


def test_error_paths_flow_filter_matches_any_listed_flow(app, page):
    assert rows(view(app, page, "error-paths-by-two-flows")) == pick(
        ERROR_PATHS, "BETA-002.A1", "BETA-002.A2", "GAMMA-003.A1"
    )


def test_error_paths_spec_filter(app, page):
    assert rows(view(app, page, "error-paths-by-spec")) == pick(ERROR_PATHS, "GAMMA-003.A1")


def test_error_paths_owner_filter_tests_the_spec_owners(app, page):
    assert rows(view(app, page, "error-paths-by-owner")) == pick(
        ERROR_PATHS, "BETA-002.A1", "BETA-002.A2", "BETA-002.A3"
    )


# -- open-questions -----------------------------------------------------------------------


def test_open_questions_summary_counts_statuses_and_open_blockers(app, page):
    """ALPHA-001's blocking question is answered: only BETA-002's counts as blocking."""
    assert summary(view(app, page, "questions-all")) == (
        "2 open · 2 answered · 1 deferred · 1 blocking"
    )


def test_open_questions_summary_comes_first(app, page):
    first = children(view(app, page, "questions-all"))[0]
    assert "spec-view-summary" in first["class"]


def test_open_questions_are_grouped_under_a_heading_per_spec(app, page):
    assert question_groups(view(app, page, "questions-all")) == [
        (QUESTION_HEADINGS["ALPHA-001"], pick(QUESTIONS, "ALPHA-001.pci", "ALPHA-001.regions")),
        (QUESTION_HEADINGS["BETA-002"], pick(QUESTIONS, "BETA-002.rotation", "BETA-002.refresh")),
        (QUESTION_HEADINGS["GAMMA-003"], pick(QUESTIONS, "GAMMA-003.retention")),
    ]


def test_open_question_headings_link_to_the_spec(app, page):
    block = view(app, page, "questions-all")
    headings = [child for child in children(block) if is_rubric(child)]
    assert [cell_targets(page, h) for h in headings] == [
        [spec_target("ALPHA-001")],
        [spec_target("BETA-002")],
        [spec_target("GAMMA-003")],
    ]


def test_open_question_rows_link_the_question(app, page):
    targets = row_targets(page, view(app, page, "questions-all"))
    assert targets == [[[object_target("question", key)], [], [], [], [], []] for key in QUESTIONS]


def test_open_questions_owner_filter_tests_the_question_owner(app, page):
    """alice owns a question of BETA-002 (owned by carol); bob's ALPHA-001 question is out."""
    block = view(app, page, "questions-by-owner")
    assert question_groups(block) == [
        (QUESTION_HEADINGS["ALPHA-001"], pick(QUESTIONS, "ALPHA-001.pci")),
        (QUESTION_HEADINGS["BETA-002"], pick(QUESTIONS, "BETA-002.refresh")),
    ]
    assert summary(block) == "0 open · 1 answered · 1 deferred · 0 blocking"


def test_open_questions_status_filter_tests_the_question_status(app, page):
    block = view(app, page, "questions-by-status")
    assert question_groups(block) == [
        (QUESTION_HEADINGS["ALPHA-001"], pick(QUESTIONS, "ALPHA-001.regions")),
        (QUESTION_HEADINGS["BETA-002"], pick(QUESTIONS, "BETA-002.rotation")),
    ]
    assert summary(block) == "2 open · 0 answered · 0 deferred · 1 blocking"


def test_open_questions_spec_filter(app, page):
    block = view(app, page, "questions-by-spec")
    assert question_groups(block) == [
        (QUESTION_HEADINGS["GAMMA-003"], pick(QUESTIONS, "GAMMA-003.retention")),
    ]
    assert summary(block) == "0 open · 1 answered · 0 deferred · 0 blocking"


def test_open_questions_leave_out_specs_without_matching_questions(app, page):
    """``:tags: payments`` also selects DELTA-004, which has no questions: no heading for it."""
    block = view(app, page, "questions-by-tags")
    assert question_groups(block) == [
        (QUESTION_HEADINGS["ALPHA-001"], pick(QUESTIONS, "ALPHA-001.pci", "ALPHA-001.regions")),
    ]


def test_open_questions_title_comes_before_the_summary(app, page):
    block = view(app, page, "questions-with-a-title")
    first, second = children(block)[:2]
    assert is_rubric(first) and words(first) == "Blocking work"
    assert words(second) == "2 open · 0 answered · 0 deferred · 1 blocking"


def test_open_questions_without_match_still_show_zero_counts(app, page):
    block = view(app, page, "questions-no-match")
    assert summary(block) == "0 open · 0 answered · 0 deferred · 0 blocking"
    assert question_groups(block) == []


# -- spec-concessions ---------------------------------------------------------------------


def test_concessions_list_every_concession(app, page):
    assert rows(view(app, page, "concessions-all")) == list(CONCESSIONS.values())


def test_concession_rows_link_to_the_concession_and_its_spec(app, page):
    expected = [
        [[object_target("concession", key)], [], [], [], [], [spec_target(key.split(".")[0])]]
        for key in CONCESSIONS
    ]
    assert row_targets(page, view(app, page, "concessions-all")) == expected


def test_concessions_kind_filter_ignores_case_and_matches_any(app, page):
    """``:kind: risk, Debt``."""
    assert rows(view(app, page, "concessions-by-kind")) == pick(
        CONCESSIONS, "ALPHA-001.skew", "ALPHA-001.archival", "GAMMA-003.costs"
    )


def test_concessions_kind_filter_with_one_kind(app, page):
    assert rows(view(app, page, "concessions-by-one-kind")) == pick(CONCESSIONS, "BETA-002.outlive")


def test_concessions_owner_filter_tests_the_concession_owner(app, page):
    """dana owns GAMMA-003 but none of its concessions, and one concession of BETA-002."""
    assert rows(view(app, page, "concessions-by-owner")) == pick(CONCESSIONS, "BETA-002.outlive")


def test_concessions_spec_and_kind_filters_combine(app, page):
    assert rows(view(app, page, "concessions-by-spec-and-kind")) == pick(
        CONCESSIONS, "DELTA-004.unpersisted"
    )


# -- spec-glossary ------------------------------------------------------------------------

ACCESS_TOKEN = ("Access token", "A short-lived credential.", "bearer token", "BETA-002")
ATTEMPT = ("Attempt", "One call to the payment provider.", "", "ALPHA-001")
AUDIT_EVENT = ("audit event", "One recorded change.", "event", "GAMMA-003")


def test_glossary_lists_terms_alphabetically_ignoring_case(app, page):
    terms = [row[0] for row in rows(view(app, page, "glossary-all"))]
    assert terms == ["Access token", "Attempt", "audit event", "Idempotency key"]


def test_glossary_merges_a_term_defined_in_several_specs_into_one_row(app, page):
    """ALPHA-001 and BETA-002 define "Idempotency key", GAMMA-003 "idempotency key": one term.

    Its aliases are merged like its name, ignoring case: ALPHA-001's "request key"
    and BETA-002's "Request key" are one alias.
    """
    assert rows(view(app, page, "glossary-all")) == [
        ACCESS_TOKEN,
        ATTEMPT,
        AUDIT_EVENT,
        (
            "Idempotency key",
            IDEMPOTENCY,
            "idem key, request key, replay token",
            "ALPHA-001, BETA-002, GAMMA-003",
        ),
    ]


def test_glossary_rows_link_the_term_and_every_spec_defining_it(app, page):
    """The merged term links to its first definition, by spec id."""
    assert row_targets(page, view(app, page, "glossary-all")) == [
        [[object_target("term", "BETA-002.access-token")], [], [], [spec_target("BETA-002")]],
        [[object_target("term", "ALPHA-001.attempt")], [], [], [spec_target("ALPHA-001")]],
        [[object_target("term", "GAMMA-003.audit-event")], [], [], [spec_target("GAMMA-003")]],
        [
            [object_target("term", "ALPHA-001.idempotency-key")],
            [],
            [],
            [spec_target("ALPHA-001"), spec_target("BETA-002"), spec_target("GAMMA-003")],
        ],
    ]


def test_glossary_spec_filter_shows_only_that_specs_definition(app, page):
    block = view(app, page, "glossary-by-spec")
    assert rows(block) == [
        ACCESS_TOKEN,
        ("Idempotency key", IDEMPOTENCY, "Request key, replay token", "BETA-002"),
    ]
    assert row_targets(page, block)[1][0] == [object_target("term", "BETA-002.idempotency-key")]


def test_glossary_tags_filter_shows_the_selected_specs_spelling(app, page):
    block = view(app, page, "glossary-by-tags")
    assert rows(block) == [AUDIT_EVENT, ("idempotency key", IDEMPOTENCY, "", "GAMMA-003")]
    assert row_targets(page, block)[1][0] == [object_target("term", "GAMMA-003.idempotency-key")]


# -- :spec: current and local flow ids, inside spec documents ---------------------------------


def test_spec_current_shows_the_documents_own_spec(app):
    block = view(app, "specs/retries", "current-trade-offs")
    assert rows(block) == pick(
        APPROACHES, "ALPHA-001.storage", "ALPHA-001.client-retry", "ALPHA-001.backoff"
    )
    assert row_targets("specs/retries", block)[0] == [
        [object_target("approach", "ALPHA-001.storage")], [], [], [], [],
        [spec_target("ALPHA-001")],
    ]  # fmt: skip


def test_spec_current_combines_with_the_status_filter(app):
    block = view(app, "specs/retries", "current-chosen-trade-offs")
    assert rows(block) == pick(APPROACHES, "ALPHA-001.storage")


def test_flow_filter_takes_a_local_flow_id_inside_its_spec(app):
    block = view(app, "specs/retries", "checkout-error-paths")
    assert rows(block) == pick(ERROR_PATHS, "ALPHA-001.A1", "ALPHA-001.A2")


def test_spec_current_in_myst(app):
    block = view(app, "specs/sessions", "current-questions")
    assert question_groups(block) == [
        (QUESTION_HEADINGS["BETA-002"], pick(QUESTIONS, "BETA-002.rotation", "BETA-002.refresh")),
    ]
    assert summary(block) == "1 open · 0 answered · 1 deferred · 1 blocking"
