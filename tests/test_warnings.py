"""Bad input: a ``spec.<subtype>`` warning at the right file and line, and the page still renders.

The project ``test-warnings`` misuses each directive once. Expected lines are
read from the source: the line of the directive (or MyST fence) that is wrong,
so every assertion names an exact ``file:line``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import html, text_of, warnings_of

WARNING_LINE = re.compile(
    r"^(?P<file>[^:\s]+):(?P<line>\d+): WARNING: (?P<message>.*) \[(?P<type>spec\.[a-z]+)\]$"
)

# Every test but one reads the same build; the suppression test makes its own.
pytestmark = pytest.mark.sphinx("html", testroot="warnings")
shared_build = pytest.mark.test_params(shared_result="warnings-shared")


def line_of(app, filename: str, directive: str) -> int:
    """The 1-based line of the only source line of *filename* that starts with *directive*."""
    lines = (Path(app.srcdir) / filename).read_text(encoding="utf-8").splitlines()
    found = [n for n, line in enumerate(lines, start=1) if line.startswith(directive)]
    assert len(found) == 1, f"{directive!r} is on lines {found} of {filename}"
    return found[0]


def spec_warnings(app, subtype: str) -> list[tuple[str, int, str]]:
    """``(file, line, message)`` of every ``spec.<subtype>`` warning of the build."""
    located = []
    for line in warnings_of(app):
        match = WARNING_LINE.match(line)
        if match and match["type"] == f"spec.{subtype}":
            located.append((match["file"], int(match["line"]), match["message"]))
    return located


def messages_at(app, subtype: str, filename: str, directive: str) -> list[str]:
    """The ``spec.<subtype>`` messages located at *directive*'s line in *filename*."""
    app.build()
    line = line_of(app, filename, directive)
    return [msg for file, n, msg in spec_warnings(app, subtype) if (file, n) == (filename, line)]


def assert_warned(app, subtype: str, filename: str, directive: str, *words: str) -> None:
    """Exactly one ``spec.<subtype>`` warning at the directive's line mentions all *words*."""
    messages = messages_at(app, subtype, filename, directive)
    matching = [msg for msg in messages if all(word in msg for word in words)]
    assert len(matching) == 1, (
        f"expected one spec.{subtype} warning at {filename}:{line_of(app, filename, directive)} "
        f"mentioning {words}; all warnings:\n" + "\n".join(warnings_of(app))
    )


def block(app, docname: str, element_id: str):
    """The block of *docname*'s page that a link to ``#element_id`` lands on."""
    found = html(app, docname).find(id=element_id)
    assert found is not None, f"{docname} has no element with id {element_id!r}"
    if not found.get_text(strip=True) and found.parent is not None:
        return found.parent  # an empty anchor target that opens the block
    return found


def paragraphs(app, docname: str) -> list[str]:
    return [text_of(p) for p in html(app, docname).select("div.body p")]


# -- spec.option ---------------------------------------------------------------

OPTION_CASES = [
    # (file, the directive's line, words in the message, a paragraph after it)
    ("options.rst", ".. spec:: Option errors", (":status:", "finished"), "After the spec card."),
    ("options.rst", ".. spec:: Option errors", (":created:", "2026-13-45"), "After the spec card."),
    (
        "options.rst",
        ".. spec-approach:: Approach with a bad status",
        (":status:", "maybe"),
        "After the bad approach status.",
    ),
    (
        "options.rst",
        ".. spec-approach:: Approach without a decision",
        (":decision:",),
        "After the approach without a decision.",
    ),
    (
        "options.rst",
        ".. spec-concession:: Concession with a bad kind",
        (":kind:", "hazard"),
        "After the bad concession kind.",
    ),
    (
        "options.rst",
        ".. spec-concession:: Concession with a bad severity",
        (":severity:", "extreme"),
        "After the bad severity.",
    ),
    (
        "options.rst",
        ".. open-question:: Question with a bad due date",
        (":due:", "next week"),
        "After the bad due date.",
    ),
    (
        "options.rst",
        ".. open-question:: Question with a bad blocking flag",
        (":blocking:", "perhaps"),
        "After the bad blocking flag.",
    ),
    (
        "options.rst",
        ".. error-path:: Error path without an action",
        (":action:",),
        "After the error path without an action.",
    ),
    (
        "options.rst",
        ".. error-path:: Error path without feedback",
        (":feedback:",),
        "After the error path without feedback.",
    ),
    (
        "options.rst",
        ".. spec-goal:: Goal with an invalid id",
        (":id:", "9lives"),
        "After the goal with an invalid id.",
    ),
    (
        "options.rst",
        ".. spec-approach:: Approach with an unknown option",
        (":colour:",),
        "After the approach with an unknown option.",
    ),
    ("options.rst", ".. non-goal::", ("title",), "After the untitled non-goal."),
    (
        "options.rst",
        ".. error-path:: Error path with a step but no flow",
        (":step:", ":flow:"),
        "After the error path with a step but no flow.",
    ),
    (
        "options.rst",
        ".. spec-flow:: Flow without numbered steps",
        ("steps",),
        "After the flow without numbered steps.",
    ),
    ("missing-id.rst", ".. spec:: Spec without an id", (":id:",), "After the spec without an id."),
    (
        "bad-spec-id.rst",
        ".. spec:: Spec with an invalid id",
        (":id:", "1-bad id"),
        "After the spec with an invalid id.",
    ),
    (
        "options-md.md",
        "```{spec} Option errors in MyST",
        (":status:", "finished"),
        "After the MyST spec card.",
    ),
    (
        "options-md.md",
        "```{spec-approach} MyST approach with a bad status",
        (":status:", "maybe"),
        "After the MyST bad approach status.",
    ),
    (
        "options-md.md",
        "```{error-path} MyST error path without an action",
        (":action:",),
        "After the MyST error path without an action.",
    ),
    (
        "options-colon.md",
        ":::{spec} Option errors in colon fences",
        (":status:", "finished"),
        "After the colon spec card.",
    ),
    (
        "options-colon.md",
        ":::{spec-approach} Colon approach with a bad status",
        (":status:", "maybe"),
        "After the colon bad approach status.",
    ),
    (
        "options-colon.md",
        ":::{error-path} Colon error path without an action",
        (":action:",),
        "After the colon error path without an action.",
    ),
]


@shared_build
@pytest.mark.parametrize(
    ("filename", "directive", "words", "after"),
    OPTION_CASES,
    ids=[f"{case[0]}:{'/'.join(case[2])}" for case in OPTION_CASES],
)
def test_bad_option_warns_at_its_directive_and_the_page_still_renders(
    app, filename, directive, words, after
):
    assert_warned(app, "option", filename, directive, *words)
    assert after in paragraphs(app, Path(filename).stem)


@shared_build
def test_unknown_spec_status_falls_back_to_draft(app):
    app.build()
    badge = block(app, "options", "spec-opt-001").select_one(".spec-badge")
    assert text_of(badge) == "draft"
    assert "spec-status-draft" in badge["class"]


@shared_build
def test_bad_date_is_left_out_of_the_card(app):
    app.build()
    card = block(app, "options", "spec-opt-001")
    names = [text_of(dt) for dt in card.select("dl.spec-fields > dt")]
    assert "Owners :" in names
    assert "Created :" not in names
    assert "2026-13-45" not in text_of(card)


@shared_build
def test_unknown_approach_status_falls_back_to_chosen(app):
    app.build()
    approach = block(app, "options", "approach-opt-001-bad-status")
    assert "Status : chosen" in text_of(approach)
    assert "maybe" not in text_of(approach)


@shared_build
def test_unknown_concession_kind_falls_back_to_concession(app):
    app.build()
    concession = block(app, "options", "concession-opt-001-bad-kind")
    assert text_of(concession.select_one(".spec-label")) == "Concession"
    assert "hazard" not in text_of(concession)


@shared_build
def test_invalid_object_id_is_replaced_by_the_title_slug(app):
    app.build()
    goal = block(app, "options", "goal-opt-001-goal-with-an-invalid-id")
    assert text_of(goal.select_one(".spec-id")) == "goal-with-an-invalid-id"
    assert "9lives" not in text_of(goal)


@shared_build
def test_spec_without_id_still_renders_its_card(app):
    app.build()
    card = html(app, "missing-id").select_one(".spec-card")
    assert text_of(card.select_one(".spec-title")) == "Spec without an id"
    assert "The body of the spec without an id." in text_of(card)


# -- spec.duplicate --------------------------------------------------------------


@shared_build
def test_second_spec_in_a_document_is_a_duplicate(app):
    assert_warned(
        app, "duplicate", "dup-two-specs.rst", ".. spec:: Second spec of the document", "TWO-002"
    )
    soup = html(app, "dup-two-specs")
    titles = [text_of(t) for t in soup.select(".spec-card .spec-title")]
    assert titles == ["First spec of the document", "Second spec of the document"]
    assert "After the second spec." in paragraphs(app, "dup-two-specs")


@shared_build
def test_spec_id_used_in_two_documents_warns_at_the_second(app):
    assert_warned(
        app, "duplicate", "dup-second.rst", ".. spec:: Second use of SAME-001", "SAME-001"
    )
    assert [w for w in spec_warnings(app, "duplicate") if w[0] == "dup-first.rst"] == []
    assert "After the second use of SAME-001." in paragraphs(app, "dup-second")


@shared_build
def test_object_id_used_twice_in_a_spec_warns_at_the_second(app):
    assert_warned(app, "duplicate", "dup-objects.rst", ".. spec-approach:: Second cache", "cache")
    soup = html(app, "dup-objects")
    first = block(app, "dup-objects", "approach-dobj-001-cache")
    assert text_of(first.select_one(".spec-title")) == "First cache"
    titles = [text_of(t) for t in soup.select(".spec-approach .spec-title")]
    assert titles == ["First cache", "Second cache"]
    assert "After the second cache." in paragraphs(app, "dup-objects")


# -- spec.ref --------------------------------------------------------------------

REF_CASES = [
    # (file, the directive's line, words in the message, a paragraph after it)
    (
        "refs.rst",
        ".. spec:: Dangling references",
        (":supersedes:", "NOPE-001"),
        "After the spec card.",
    ),
    (
        "refs.rst",
        ".. spec:: Dangling references",
        (":depends-on:", "GONE-002"),
        "After the spec card.",
    ),
    (
        "refs.rst",
        ".. error-path:: Branch off a flow that does not exist",
        (":flow:", "ghost"),
        "After the unknown flow.",
    ),
    (
        "refs.rst",
        ".. error-path:: Branch off a step past the end",
        (":step:", "3"),
        "After the step past the end.",
    ),
    (
        "refs.rst",
        ".. open-question:: Resolved by an approach nobody wrote?",
        (":resolved-by:", "phantom"),
        "After the unknown resolved-by.",
    ),
    (
        "refs-md.md",
        "```{spec} Dangling references in MyST",
        (":depends-on:", "GONE-003"),
        "After the MyST spec card.",
    ),
    (
        "refs-md.md",
        "```{error-path} MyST branch off a flow that does not exist",
        (":flow:", "ghost"),
        "After the MyST unknown flow.",
    ),
    (
        "refs-md.md",
        ":::{open-question} MyST question resolved by an approach nobody wrote?",
        (":resolved-by:", "phantom"),
        "After the MyST unknown resolved-by.",
    ),
]


@shared_build
@pytest.mark.parametrize(
    ("filename", "directive", "words", "after"),
    REF_CASES,
    ids=[f"{case[0]}:{'/'.join(case[2])}" for case in REF_CASES],
)
def test_unknown_reference_warns_at_its_directive_and_the_page_still_renders(
    app, filename, directive, words, after
):
    assert_warned(app, "ref", filename, directive, *words)
    assert after in paragraphs(app, Path(filename).stem)


@shared_build
def test_unknown_supersedes_is_shown_as_text_not_as_a_link(app):
    app.build()
    card = block(app, "refs", "spec-ref-001")
    assert "Supersedes : NOPE-001" in text_of(card)
    assert card.find("a", string="NOPE-001") is None


# -- spec.orphan -----------------------------------------------------------------


@shared_build
def test_object_without_a_spec_is_an_orphan(app):
    assert_warned(
        app, "orphan", "orphan.rst", ".. spec-approach:: Lonely approach", "Lonely approach"
    )
    soup = html(app, "orphan")
    assert text_of(soup.select_one(".spec-approach .spec-title")) == "Lonely approach"
    assert "After the lonely approach." in paragraphs(app, "orphan")


@pytest.mark.sphinx(
    "html", testroot="warnings", confoverrides={"suppress_warnings": ["spec.orphan"]}, freshenv=True
)
def test_suppress_warnings_silences_orphans_only(app):
    app.build()
    assert spec_warnings(app, "orphan") == []
    assert "After the lonely approach." in paragraphs(app, "orphan")
    assert_warned(
        app, "option", "options.rst", ".. spec-approach:: Approach with a bad status", "maybe"
    )
    assert_warned(app, "duplicate", "dup-second.rst", ".. spec:: Second use of SAME-001", "SAME")


# -- spec.diagram ----------------------------------------------------------------


@shared_build
def test_diagram_kind_that_does_not_match_its_source_warns(app):
    assert_warned(
        app,
        "diagram",
        "diagram.rst",
        ".. spec-diagram:: Not a sequence",
        "sequence",
        "classDiagram",
    )
    diagram = block(app, "diagram", "diagram-dia-001-mismatch").select_one("pre.mermaid")
    assert diagram.get_text().split()[:3] == ["classDiagram", "class", "Order"]
    assert "After the mismatched diagram." in paragraphs(app, "diagram")


# -- spec.glossary ---------------------------------------------------------------


@shared_build
def test_spec_term_named_like_a_glossary_term_warns(app):
    assert_warned(app, "glossary", "glossary-spec.rst", ".. spec-term:: Widget", "Widget")
    term = block(app, "glossary-spec", "term-glo-001-widget")
    assert text_of(term.select_one(".spec-title")) == "Widget"
    assert "After the clashing term." in paragraphs(app, "glossary-spec")


@shared_build
def test_term_defined_differently_in_two_specs_warns(app):
    """``spec.glossary``: one term defined differently in two specs warns at a definition."""
    app.build()
    definitions = {
        ("term-first.rst", line_of(app, "term-first.rst", ".. spec-term:: Ledger")),
        ("term-second.rst", line_of(app, "term-second.rst", ".. spec-term:: Ledger")),
    }
    located = [(f, n) for f, n, msg in spec_warnings(app, "glossary") if "Ledger" in msg]
    assert located, "no spec.glossary warning for 'Ledger':\n" + "\n".join(warnings_of(app))
    assert set(located) <= definitions


# -- hostile HTML in options and titles --------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
HOSTILE_FIELDS = {
    "hostile-rst": (
        "Spec", "owner", "stakeholder", "tag", "Goal", "metric", "baseline", "target",
        "Non-goal", "Approach", "decision", "rationale", "impact", "alternative",
        "Concession", "concession-owner", "Flow", "actor", "precondition", "postcondition",
        "Condition", "action", "feedback", "Diagram", "Question", "question-owner", "answer",
        "Term", "alias",
    ),
    "hostile-md": (
        "MySpec", "my-owner", "my-stakeholder", "my-tag", "MyGoal", "my-metric",
        "my-baseline", "my-target", "MyNon-goal", "MyApproach", "my-decision",
        "my-rationale", "my-impact", "my-alternative", "MyConcession", "my-concession-owner",
        "MyFlow", "my-actor", "my-precondition", "my-postcondition", "MyCondition",
        "my-action", "my-feedback", "MyDiagram", "MyQuestion", "my-question-owner",
        "my-answer", "MyTerm", "my-alias",
    ),
}  # fmt: skip


@pytest.mark.sphinx("html", testroot="hostile")
@pytest.mark.test_params(shared_result="hostile-shared")
@pytest.mark.parametrize("docname", list(HOSTILE_FIELDS))
def test_html_in_options_and_titles_is_escaped(app, docname):
    app.build()
    raw = (Path(app.outdir) / f"{docname}.html").read_text(encoding="utf-8")
    assert SCRIPT not in raw
    assert "<img src=x" not in raw
    soup = html(app, docname)
    assert soup.find("img", src="x") is None
    assert not [s for s in soup.find_all("script") if "alert(1)" in s.get_text()]
    visible = text_of(soup.select_one("div.body"))
    for label in HOSTILE_FIELDS[docname]:
        assert f"{label} {SCRIPT} {IMAGE}" in visible, label
