"""Verification in the index and the checks: states per object, unknown ids, required kinds."""

from __future__ import annotations

import pytest
from factories import imported, obj, spec, store

from sphinx_spec.checks import CheckSettings, project_findings
from sphinx_spec.index import ImportedSpecs
from sphinx_spec.model import SPEC_STATUSES, Approach, ErrorPath, Goal, Term
from sphinx_spec.verification import TestCase, TestReports, Verified

SETTINGS = CheckSettings(statuses=SPEC_STATUSES, suppress=(("unreviewed-link",),))
REQUIRED = CheckSettings(
    statuses=SPEC_STATUSES, suppress=(("unreviewed-link",),), verify=("error",)
)


def case(name: str, outcome: str, *ids: str, line: int = 4) -> TestCase:
    return TestCase(name, outcome, ids, "/ci/report.xml", line)


def project(*cases: TestCase, status: str = "implemented", verify: tuple[str, ...] = ()):
    pay = spec("PAY-001", status=status)
    records = [
        obj(ErrorPath, pay, "A1", lineno=20),
        obj(ErrorPath, pay, "A2", lineno=30),
        obj(Goal, pay, "fast", lineno=40),
        obj(Approach, pay, "cache", lineno=50),
        obj(Term, pay, "ledger", lineno=60),
    ]
    result = store((pay, records))
    result.set_reports(TestReports(tuple(cases), enabled=True), verify)
    return result


def states(records) -> dict[str, str | None]:
    index = records.index
    found = {}
    for item in index.objects_of("PAY-001"):
        verified = index.verification(item)
        found[item.full_id] = verified.state if verified else None
    return found


def test_several_tests_combine_and_any_failure_fails():
    records = project(
        case("t.a", "passed", "PAY-001.A1"),
        case("t.b", "failed", "PAY-001.A1"),
        case("t.c", "skipped", "PAY-001.A2"),
        case("t.d", "passed", "PAY-001.A2"),
        case("t.e", "error", "PAY-001.cache"),
    )
    assert states(records) == {
        "PAY-001.A1": "failed",
        "PAY-001.A2": "passed",
        "PAY-001.fast": "untested",  # a goal: tracked without a test
        "PAY-001.cache": "error",  # named by a test, so it has a state
        "PAY-001.ledger": None,  # not tracked, not named
    }
    count = records.index.verification_count("PAY-001", ErrorPath.kind)
    assert (count.passed, count.total, count.failing) == (1, 2, 1)
    assert records.index.verification(records.index.objects_of("PAY-001")[0]).names() == (
        "t.a",
        "t.b",
    )


def test_a_required_kind_is_tracked_too():
    records = project(verify=("approach",))
    assert states(records)["PAY-001.cache"] == "untested"


def test_an_unknown_id_is_a_ref_finding_at_the_first_test_naming_it():
    records = project(
        case("t.a", "passed", "PAY-001.A9", line=7),
        case("t.b", "passed", "PAY-001.A9", line=9),
        case("t.c", "passed", "PAY-001", line=11),
    )
    found = [f for f in project_findings(records, SETTINGS) if f.code == "unknown-test-id"]
    assert [(f.subtype, f.location, f.subject) for f in found] == [
        ("ref", "/ci/report.xml:7", "PAY-001.A9"),
        ("ref", "/ci/report.xml:11", "PAY-001"),
    ]
    assert found[0].message == "test 't.a' names 'PAY-001.A9', which is no spec object"
    assert found[1].message == (
        "test 't.c' names 'PAY-001', which is no spec object; that is spec PAY-001: "
        "name one of its objects, such as PAY-001.<id>"
    )


def test_an_unknown_id_with_a_known_local_part_suggests_the_object():
    records = project(case("t.a", "passed", "PAY-002.A1"))
    (found,) = [f for f in project_findings(records, SETTINGS) if f.code == "unknown-test-id"]
    assert found.message.endswith("; did you mean `PAY-001.A1`?")


@pytest.mark.parametrize("status", ["draft", "accepted"])
def test_required_verification_waits_for_implemented(status):
    records = project(case("t.b", "failed", "PAY-001.A1"), status=status, verify=("error",))
    assert [f for f in project_findings(records, REQUIRED) if f.subtype == "verification"] == []


def test_an_implemented_spec_needs_a_passing_test_for_each_required_object():
    records = project(
        case("t.a", "failed", "PAY-001.A1"),
        case("t.b", "error", "PAY-001.A1"),
        case("t.c", "skipped", "PAY-001.fast"),
        verify=("error", "goal"),
    )
    settings = CheckSettings(statuses=SPEC_STATUSES, verify=("error", "goal"))
    found = [f for f in project_findings(records, settings) if f.subtype == "verification"]
    assert [(f.code, f.location, f.subject, f.message) for f in found] == [
        (
            "failing-test",
            ("pay-001", 20),
            "PAY-001.A1",
            "error path 'PAY-001.A1' of implemented spec PAY-001 has failing tests: t.a, t.b",
        ),
        (
            "unverified",
            ("pay-001", 30),
            "PAY-001.A2",
            "error path 'PAY-001.A2' of implemented spec PAY-001 has no passing test; "
            "no test names it",
        ),
        (
            "unverified",
            ("pay-001", 40),
            "PAY-001.fast",
            "goal 'PAY-001.fast' of implemented spec PAY-001 has no passing test; "
            "its tests were skipped: t.c",
        ),
    ]


def test_verification_findings_can_be_suppressed_by_object():
    records = project(verify=("error",))
    settings = CheckSettings(
        statuses=SPEC_STATUSES, verify=("error",), suppress=(("unverified", "PAY-001.A2"),)
    )
    found = [f.subject for f in project_findings(records, settings) if f.subtype == "verification"]
    assert found == ["PAY-001.A1"]


def test_an_imported_object_keeps_the_state_its_project_exported():
    other = imported("AUTH-1")
    error = obj(ErrorPath, other, "A1")
    exported = Verified("failed", (TestCase("x.t", "failed", ("AUTH-1.A1",), "b.json", 0),))
    records = store(
        imports=[ImportedSpecs((other,), (error,), (((error.kind, error.full_id), exported),))]
    )
    records.set_reports(TestReports(enabled=True))
    assert records.index.verification(error) == exported
    records.set_reports(TestReports((case("t.local", "passed", "AUTH-1.A1"),), enabled=True))
    assert records.index.verification(error).state == "passed"  # a local test answers first


def test_without_reports_nothing_is_verified_but_tracked_kinds_read_untested():
    records = project()
    records.set_reports(TestReports())
    assert not records.index.verifying
    assert states(records)["PAY-001.A1"] == "untested"
