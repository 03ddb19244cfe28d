"""The decision fingerprint: what moves it, what does not, and how a change is named."""

from __future__ import annotations

import dataclasses

import pytest
from factories import obj, spec

from sphinx_spec.model import (
    Approach,
    Approval,
    Concession,
    ErrorPath,
    Flow,
    Goal,
    NonGoal,
    OpenQuestion,
    Reviewed,
    Term,
)
from sphinx_spec.reviews import (
    Fingerprint,
    changes,
    link_reviews,
    object_fingerprint,
    parse_fingerprint,
    spec_fingerprint,
    summary,
)

PAY = spec("PAY-1", status="accepted", summary="Retry failed payments.", owners=("ann",))


def portfolio(owner=PAY):
    """One object of every deciding kind, and some that decide nothing."""
    return [
        obj(Approach, owner, "storage", title="Store in Postgres", decision="Use Postgres",
            rationale="We know it.", impact="One more table.", text="Long prose."),
        obj(Goal, owner, "fast", metric="p99 latency", baseline="400 ms", target="100 ms"),
        obj(NonGoal, owner, "offline", title="Offline payments"),
        obj(Flow, owner, "checkout", steps=("Client sends the order", "Server charges the card")),
        obj(ErrorPath, owner, "declined", title="Card declined", flow="checkout", step=2,
            action="Ask for another card", feedback="The card was declined"),
        obj(Concession, owner, "skew", category="risk", text="Clocks drift."),
        obj(OpenQuestion, owner, "q1", text="Which region?"),
        obj(Term, owner, "psp", title="PSP"),
    ]  # fmt: skip


def fingerprint_after(change, owner=PAY) -> Fingerprint:
    """The fingerprint of :func:`portfolio` with the object *change* names replaced."""
    kind, local_id, fields = change
    objects = [
        dataclasses.replace(item, **fields)
        if (item.kind, item.local_id) == (kind, local_id)
        else item
        for item in portfolio(owner)
    ]
    return spec_fingerprint(owner, objects)


BEFORE = spec_fingerprint(PAY, portfolio())


# -- what does not count ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        ("approach", "storage", {"title": "Keep it in Postgres"}),
        ("approach", "storage", {"rationale": "Everyone knows it."}),
        ("approach", "storage", {"impact": "Two more tables."}),
        ("approach", "storage", {"text": "Other prose, with a typo fixed."}),
        ("approach", "storage", {"alternatives": ("MySQL",)}),
        ("goal", "fast", {"baseline": "350 ms", "title": "Quick"}),
        ("flow", "checkout", {"actor": "Shopper", "text": "Background."}),
        ("error", "declined", {"text": "Happens a lot."}),
        ("concession", "skew", {"text": "Clocks drift a lot.", "severity": "high"}),
        ("question", "q1", {"text": "Which regions?", "status": "answered"}),
        ("term", "psp", {"title": "Payment service provider"}),
    ],
    ids=lambda change: "-".join([change[0], *change[2]]) if isinstance(change, tuple) else "",
)
def test_prose_edits_leave_the_fingerprint_alone(change):
    assert fingerprint_after(change) == BEFORE


def test_the_spec_prose_and_people_leave_the_fingerprint_alone():
    edited = dataclasses.replace(
        PAY, title="Payment retries, revised", summary="Other words.", owners=("bob",), tags=("x",)
    )
    assert spec_fingerprint(edited, portfolio()) == BEFORE


def test_a_status_with_the_same_role_leaves_the_fingerprint_alone():
    renamed = dataclasses.replace(PAY, status="Approved", status_role="accepted")
    assert spec_fingerprint(renamed, portfolio()).digest == BEFORE.digest


def test_whitespace_reflow_leaves_the_fingerprint_alone():
    reflowed = [
        ("approach", "storage", {"decision": "  Use\n   Postgres "}),
        ("goal", "fast", {"target": "100\tms"}),
        ("non-goal", "offline", {"title": "Offline\n payments"}),
        ("error", "declined", {"action": "Ask for\n   another card"}),
    ]
    for change in reflowed:
        assert fingerprint_after(change) == BEFORE, change


def test_object_order_does_not_count():
    assert spec_fingerprint(PAY, list(reversed(portfolio()))) == BEFORE


def test_approvals_do_not_count():
    approval = obj(Approval, PAY, "ann", verdict="approved", fingerprint=BEFORE.recorded())
    assert spec_fingerprint(PAY, [*portfolio(), approval]) == BEFORE


def test_kinds_that_decide_nothing_have_no_object_fingerprint():
    by_kind = {item.kind: object_fingerprint(item) for item in portfolio()}
    assert by_kind["concession"] == by_kind["question"] == by_kind["term"] == ""
    for kind in ("approach", "goal", "non-goal", "flow", "error"):
        assert len(by_kind[kind]) == 12 and int(by_kind[kind], 16) >= 0


# -- what counts, and how it is named -------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (("approach", "storage", {"decision": "Use Redis"}),
         "approach `storage` decision changed"),
        (("approach", "storage", {"status": "rejected"}), "approach `storage` status changed"),
        (("approach", "storage", {"status": "deferred", "decision": "Later"}),
         "approach `storage` status and decision changed"),
        (("goal", "fast", {"target": "50 ms"}), "goal `fast` target changed"),
        (("goal", "fast", {"metric": "p95 latency"}), "goal `fast` metric changed"),
        (("non-goal", "offline", {"title": "Offline refunds"}),
         "non-goal `offline` statement changed"),
        (("flow", "checkout", {"steps": ("Client sends the order", "Server refuses")}),
         "flow `checkout` steps changed"),
        (("error", "declined", {"title": "Card expired"}),
         "error path `declined` condition changed"),
        (("error", "declined", {"action": "Retry once"}), "error path `declined` action changed"),
        (("error", "declined", {"feedback": "Try again"}),
         "error path `declined` feedback changed"),
    ],
)  # fmt: skip
def test_each_deciding_field_moves_the_digest_and_is_named(change, said):
    after = fingerprint_after(change)
    assert after.digest != BEFORE.digest
    assert changes(BEFORE, after) == (said,)
    kind, local_id, _fields = change
    touched = next(item for item in portfolio() if (item.kind, item.local_id) == (kind, local_id))
    changed = dataclasses.replace(touched, **change[2])
    assert object_fingerprint(changed) != object_fingerprint(touched)


def test_a_flow_step_split_in_two_is_a_change_though_the_words_are_the_same():
    joined = fingerprint_after(("flow", "checkout", {"steps": ("Client sends the order Server "
                                                              "charges the card",)}))  # fmt: skip
    assert changes(BEFORE, joined) == ("flow `checkout` steps changed",)


def test_the_status_role_counts():
    after = spec_fingerprint(dataclasses.replace(PAY, status="draft", status_role=""), portfolio())
    assert changes(BEFORE, after) == ("status changed",)


def test_added_and_removed_objects_are_named():
    extra = obj(ErrorPath, PAY, "timeout", title="PSP times out", action="Retry", feedback="")
    without_goal = [item for item in portfolio() if item.kind != "goal"]
    after = spec_fingerprint(PAY, [*without_goal, extra])
    assert changes(BEFORE, after) == ("goal `fast` removed", "error path `timeout` added")
    assert summary(changes(BEFORE, after)) == "goal `fast` removed and error path `timeout` added"
    removed = spec_fingerprint(PAY, [item for item in portfolio() if item.kind != "error"])
    assert changes(BEFORE, removed) == ("error path `declined` removed",)


def test_several_changes_come_status_first_then_by_kind():
    objects = [
        dataclasses.replace(item, decision="Use Redis") if item.kind == "approach" else item
        for item in portfolio()
        if item.kind != "non-goal"
    ]
    after = spec_fingerprint(dataclasses.replace(PAY, status="review", status_role=""), objects)
    assert changes(BEFORE, after) == (
        "status changed",
        "approach `storage` decision changed",
        "non-goal `offline` removed",
    )
    assert summary(changes(BEFORE, after)) == (
        "status changed, approach `storage` decision changed and non-goal `offline` removed"
    )


def test_no_change_says_nothing_and_a_bare_digest_says_only_that_it_changed():
    assert changes(BEFORE, BEFORE) == ()
    assert changes(Fingerprint(BEFORE.digest, {}), BEFORE) == ()
    other = fingerprint_after(("goal", "fast", {"target": "1 ms"}))
    assert changes(Fingerprint(BEFORE.digest, {}), other) == ("its decisions changed",)
    assert changes(None, BEFORE) == ("its decisions changed",)


# -- the recorded form -----------------------------------------------------------------------


def test_the_recorded_form_reads_back_as_the_same_fingerprint():
    text = BEFORE.recorded()
    first, *parts = text.split()
    assert len(first) == 12 and first == BEFORE.digest
    assert "approach:storage=" in text and "status=" in text and "error:declined=" in text
    assert parts == sorted(parts)
    assert parse_fingerprint(text) == BEFORE
    assert parse_fingerprint(f"  {text.replace(' ', chr(10) + '   ')}\n") == BEFORE
    assert parse_fingerprint(BEFORE.digest) == Fingerprint(BEFORE.digest, {})


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "not a fingerprint",
        "0123456789a",  # 11 hex digits
        "0123456789abc",  # 13
        "0123456789AB status=aaaa",  # upper case
        "0123456789ab status=aaa",
        "0123456789ab status=aaaa.",
        "0123456789ab status",
        "0123456789ab approach:=aaaa",
        "0123456789ab approach:1x=aaaa",
        "0123456789ab Approach:x=aaaa",
        "status=aaaa 0123456789ab",
        "0123456789ab status=aaaa, goal:g=bbbb.cccc",
    ],
)
def test_malformed_recorded_strings_are_not_fingerprints(text):
    assert parse_fingerprint(text) is None


# -- links against their review --------------------------------------------------------------


def test_a_link_is_reviewed_suspect_or_unreviewed_against_the_target_now():
    target = spec("LED-1")
    before = spec_fingerprint(target, [obj(Approach, target, "a", decision="Ledger v1")])
    after = spec_fingerprint(target, [obj(Approach, target, "a", decision="Ledger v2")])
    records = (Reviewed("LED-1", before.recorded()),)
    reviewed = spec("PAY-2", depends_on=("LED-1",), supersedes=("OLD-1",), reviewed=records)
    now = {"LED-1": before, "OLD-1": BEFORE}
    states = [(r.target, r.relation, r.state, r.changed) for r in link_reviews(reviewed, now.get)]
    assert states == [
        ("LED-1", "depends-on", "reviewed", ()),
        ("OLD-1", "supersedes", "unreviewed", ()),
    ]
    now["LED-1"] = after
    suspect = link_reviews(reviewed, now.get)[0]
    assert (suspect.state, suspect.changed) == ("suspect", ("approach `a` decision changed",))
