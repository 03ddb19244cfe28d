"""Project-wide checks: ``spec.lifecycle``, ``spec.required`` and the views' filter warnings.

The project ``test-lifecycle`` pins ``spec_today = "2026-11-25"`` and sets
``spec_required = ["spec-approach", "open-question", "spec-widget"]`` in its
``conf.py``. Each case sits in a document (or at a directive) of its own, so
every assertion names an exact ``file:line``, read from the source: the line
of the ``spec`` directive, the approach, the view, or the MyST fence.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import Tag
from helpers import html, text_of, warnings_of

# One build serves every test of this module: they only read its output.
pytestmark = [
    pytest.mark.sphinx("html", testroot="lifecycle"),
    pytest.mark.test_params(shared_result="lifecycle-shared"),
]

WARNING_LINE = re.compile(
    r"^(?P<file>[^:\s]+):(?P<line>\d+): WARNING: (?P<message>.*) \[(?P<type>[a-z.]+)\]$"
)


def line_of(app, filename: str, start: str) -> int:
    """The 1-based line of the only line of *filename* that starts with *start*."""
    lines = (Path(app.srcdir) / filename).read_text(encoding="utf-8").splitlines()
    found = [n for n, line in enumerate(lines, start=1) if line.startswith(start)]
    assert len(found) == 1, f"{start!r} is on lines {found} of {filename}"
    return found[0]


def located(app) -> list[tuple[str, int, str, str]]:
    """``(file, line, type, message)`` of every warning of the build."""
    app.build()
    found = []
    for line in warnings_of(app):
        match = WARNING_LINE.match(line)
        assert match, f"a warning without file and line: {line!r}"
        found.append((match["file"], int(match["line"]), match["type"], match["message"]))
    return found


def warnings_at(app, filename: str, start: str) -> list[tuple[str, str]]:
    """``(type, message)`` of every warning at the line of *filename* that starts with *start*."""
    line = line_of(app, filename, start)
    return [(kind, msg) for file, n, kind, msg in located(app) if (file, n) == (filename, line)]


def assert_only_warning(app, subtype: str, filename: str, start: str, *words: str) -> str:
    """The line has exactly one warning, of ``spec.<subtype>``, mentioning every word."""
    found = warnings_at(app, filename, start)
    everything = "\n".join(warnings_of(app))
    assert len(found) == 1, f"{filename}: {start!r}: {found}; all warnings:\n{everything}"
    kind, message = found[0]
    assert kind == f"spec.{subtype}", message
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    return message


def files_warned(app, subtype: str) -> set[tuple[str, int]]:
    return {(file, n) for file, n, kind, _msg in located(app) if kind == f"spec.{subtype}"}


def warnings_in(app, filename: str) -> list[tuple[int, str, str]]:
    return [(n, kind, msg) for file, n, kind, msg in located(app) if file == filename]


def assert_silent(app, filename: str, spec_id: str) -> None:
    """No warning points into *filename*, whose page shows the card of *spec_id*."""
    assert warnings_in(app, filename) == []
    page = html(app, Path(filename).stem)
    assert page.find(id=f"spec-{spec_id.lower()}") is not None, f"{filename} has no {spec_id}"


def paragraphs(app, docname: str) -> list[str]:
    app.build()
    return [text_of(p) for p in html(app, docname).select("div.body p")]


# -- spec.lifecycle: open blocking questions --------------------------------------------------


def test_accepted_spec_with_open_blocking_questions_warns_at_the_spec(app):
    assert_only_warning(
        app,
        "lifecycle",
        "blocking.rst",
        ".. spec:: Accepted with open blockers",
        "LC-ACCEPTED",
        "accepted",
        "LC-ACCEPTED.legal",
        "LC-ACCEPTED.finance",
    )
    assert "After the questions of the accepted spec." in paragraphs(app, "blocking")


def test_implemented_spec_with_an_open_blocking_question_warns_in_myst(app):
    assert_only_warning(
        app,
        "lifecycle",
        "blocking-implemented.md",
        "```{spec} Implemented with an open blocker",
        "LC-IMPLEMENTED",
        "implemented",
        "LC-IMPLEMENTED.signoff",
    )
    assert "After the question of the implemented spec." in paragraphs(app, "blocking-implemented")


def test_answered_blocking_question_on_an_accepted_spec_is_silent(app):
    assert_silent(app, "answered.rst", "LC-ANSWERED")


def test_deferred_blocking_and_open_non_blocking_questions_on_an_accepted_spec_are_silent(app):
    assert_silent(app, "nonblocking.rst", "LC-NONBLOCKING")


def test_open_blocking_question_on_a_draft_spec_is_silent(app):
    assert_silent(app, "draft.md", "LC-DRAFT")


# -- spec.lifecycle: superseded specs -----------------------------------------------------------


def test_superseded_spec_still_accepted_warns_at_the_spec(app):
    assert_only_warning(
        app,
        "lifecycle",
        "old.rst",
        ".. spec:: Old plan still marked accepted",
        "LC-OLD",
        "LC-NEW",
        "'accepted'",
    )


def test_superseded_spec_marked_deprecated_warns_in_myst(app):
    assert_only_warning(
        app,
        "lifecycle",
        "old-md.md",
        ":::{spec} Old plan marked deprecated",
        "LC-OLD-MD",
        "LC-NEW",
        "'deprecated'",
    )


def test_superseded_spec_whose_status_is_superseded_is_silent(app):
    assert_silent(app, "retired.rst", "LC-RETIRED")


def test_superseding_spec_is_silent(app):
    """``new.rst`` also shows ``:spec: current`` and a local ``:flow:`` id: both valid there."""
    assert_silent(app, "new.rst", "LC-NEW")


# -- spec.lifecycle: revisit dates ------------------------------------------------------------


def test_chosen_approach_past_its_revisit_date_warns_at_the_approach(app):
    assert_only_warning(
        app,
        "lifecycle",
        "revisit.rst",
        ".. spec-approach:: Overdue choice",
        "LC-REVISIT.overdue-choice",
        "2026-11-24",
    )
    assert "After the approaches to revisit." in paragraphs(app, "revisit")


def test_approach_chosen_by_default_past_its_revisit_date_warns_in_myst(app):
    assert_only_warning(
        app,
        "lifecycle",
        "revisit-md.md",
        "```{spec-approach} Overdue MyST choice",
        "LC-REVISIT-MD.overdue-myst-choice",
        "2025-01-01",
    )


@pytest.mark.parametrize(
    "directive",
    [
        ".. spec-approach:: Choice due today",
        ".. spec-approach:: Choice due later",
        ".. spec-approach:: Overdue proposal",
        ".. spec-approach:: Overdue rejection",
        ".. spec-approach:: Overdue deferral",
    ],
)
def test_approach_due_today_later_or_not_chosen_is_silent(app, directive):
    assert warnings_at(app, "revisit.rst", directive) == []


def test_lifecycle_warnings_are_exactly_the_expected_ones(app):
    expected = {
        ("blocking.rst", line_of(app, "blocking.rst", ".. spec::")),
        ("blocking-implemented.md", line_of(app, "blocking-implemented.md", "```{spec}")),
        ("old.rst", line_of(app, "old.rst", ".. spec::")),
        ("old-md.md", line_of(app, "old-md.md", ":::{spec}")),
        ("revisit.rst", line_of(app, "revisit.rst", ".. spec-approach:: Overdue choice")),
        ("revisit-md.md", line_of(app, "revisit-md.md", "```{spec-approach}")),
    }
    assert files_warned(app, "lifecycle") == expected


# -- spec.required ------------------------------------------------------------------------------


def test_spec_missing_a_required_directive_warns_at_the_spec(app):
    message = assert_only_warning(
        app, "required", "required.rst", ".. spec:: Spec without questions", "LC-NO-QUESTION",
        "open-question",
    )  # fmt: skip
    assert "spec-approach" not in message
    assert "After the spec without questions." in paragraphs(app, "required")


def test_spec_missing_every_required_directive_names_them_all_in_myst(app):
    assert_only_warning(
        app,
        "required",
        "required-md.md",
        ":::{spec} Spec with nothing in it",
        "LC-EMPTY",
        "spec-approach, open-question",
    )
    assert "After the empty spec." in paragraphs(app, "required-md")


def test_unknown_directive_in_spec_required_warns_at_its_conf_py_line(app):
    message = assert_only_warning(app, "option", "conf.py", "spec_required", "spec-widget")
    assert "spec_required" in message


def test_unknown_directive_in_spec_required_is_not_required_of_specs(app):
    messages = [msg for *_where, kind, msg in located(app) if kind == "spec.required"]
    assert messages and not any("spec-widget" in msg for msg in messages)


def test_required_warnings_are_exactly_the_expected_ones(app):
    assert files_warned(app, "required") == {
        ("required.rst", line_of(app, "required.rst", ".. spec::")),
        ("required-md.md", line_of(app, "required-md.md", ":::{spec}")),
    }


# -- the views' filters ---------------------------------------------------------------------------

FILTER_CASES = [
    # (file, start of the view's line, subtype, words in the message)
    ("filters.rst", ".. spec-tradeoffs:: Bad approach status", "option", (":status:", "'maybe'")),
    ("filters.rst", ".. open-questions:: Spec status on questions", "option",
     (":status:", "'accepted'")),
    ("filters.rst", ".. spec-index:: Approach status on specs", "option", (":status:", "'chosen'")),
    ("filters.rst", ".. spec-concessions:: Bad kind", "option", (":kind:", "'hazard'")),
    ("filters.rst", ".. spec-index:: Invalid spec id", "option", (":spec:", "'1bad'")),
    ("filters.rst", ".. spec-goals:: Unknown spec", "ref", (":spec:", "'NOPE-404'")),
    ("filters.rst", ".. error-paths:: Unknown flow", "ref", (":flow:", "'ghost'")),
    ("filters.rst", ".. error-paths:: Local flow id outside its spec", "ref",
     (":flow:", "'rollout'")),
    ("filters.rst", ".. spec-glossary:: Current without a spec", "ref", (":spec: current",)),
    ("filters-md.md", "```{spec-tradeoffs} MyST bad approach status", "option",
     (":status:", "'maybe'")),
    ("filters-md.md", ":::{spec-concessions} MyST bad kind", "option", (":kind:", "'hazard'")),
    ("filters-md.md", "```{spec-goals} MyST unknown spec", "ref", (":spec:", "'NOPE-405'")),
    ("filters-md.md", ":::{error-paths} MyST unknown flow", "ref", (":flow:", "'ghost'")),
    ("filters-md.md", "```{open-questions} MyST current without a spec", "ref",
     (":spec: current",)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("filename", "directive", "subtype", "words"),
    FILTER_CASES,
    ids=[f"{case[0]}:{case[1].split(maxsplit=1)[1]}" for case in FILTER_CASES],
)
def test_bad_filter_value_warns_once_at_the_view(app, filename, directive, subtype, words):
    assert_only_warning(app, subtype, filename, directive, *words)


@pytest.mark.parametrize(
    ("directive", "option"),
    [
        (".. spec-tradeoffs:: Flow on the trade-offs", ":flow:"),
        (".. spec-index:: Kind on the index", ":kind:"),
    ],
)
def test_option_a_view_does_not_have_warns_once_as_unknown(app, directive, option):
    """The option is reported unknown and ignored: its value is not checked as well."""
    assert_only_warning(app, "option", "filters.rst", directive, "unknown option", option)


def view_titled(app, docname: str, title: str) -> Tag:
    """The view whose title rubric is *title*."""
    app.build()
    soup = html(app, docname)
    rubric = soup.find(lambda tag: tag.name == "p" and text_of(tag) == title)
    assert rubric is not None and "rubric" in rubric["class"], title
    block = rubric.parent
    assert "spec-view-block" in block["class"]
    return block


def body_rows(block: Tag) -> list[list[str]]:
    return [[text_of(td) for td in tr.find_all("td")] for tr in block.select("tbody tr")]


def test_full_flow_id_outside_its_spec_is_silent_and_filters(app):
    assert warnings_at(app, "filters.rst", ".. error-paths:: Full flow id") == []
    rows = body_rows(view_titled(app, "filters", "Full flow id"))
    assert rows == [
        ["A1", "Error rate rises", "Disable the flag", "Nothing visible", "Rollout, step 2",
         "LC-NEW"],
    ]  # fmt: skip


def test_valid_status_beside_a_bad_one_still_filters(app):
    """``:status: chosen, maybe``: ``maybe`` is dropped, ``chosen`` still applies."""
    statuses = [row[4] for row in body_rows(view_titled(app, "filters", "Bad approach status"))]
    assert len(statuses) == 14  # every chosen approach of the project
    assert set(statuses) == {"chosen"}


@pytest.mark.parametrize(
    ("title", "note"),
    [
        ("Unknown spec", "No matching goals."),
        ("Unknown flow", "No matching error paths."),
        ("Current without a spec", "No matching terms."),
    ],
)
def test_view_naming_what_does_not_exist_shows_the_no_match_note(app, title, note):
    block = view_titled(app, "filters", title)
    assert block.find("table") is None
    assert [text_of(p) for p in block.select("p.spec-view-empty")] == [note]


def test_pages_with_bad_filters_still_render(app):
    assert "After the views with bad filters." in paragraphs(app, "filters")
    assert "After the MyST views with bad filters." in paragraphs(app, "filters-md")
