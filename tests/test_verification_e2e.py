"""End to end: a package's pytest tests, marked with spec ids, verify the spec objects.

The example project (``tests/roots/test-verif-e2e``) holds a tiny payment
package, its tests and two implemented specs (reStructuredText and MyST). The
tests run in a real pytest process that writes ``--junitxml``; the project is
then built with ``spec_test_reports`` naming that report.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import build, located, warnings_of
from verification_runs import run_pytest

ROOT = Path(__file__).parent / "roots" / "test-verif-e2e"
TESTS = "example_tests.test_payments."


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The example project with its tests run: ``reports/junit.xml`` is written."""
    src = tmp_path_factory.mktemp("verif-e2e") / "src"
    shutil.copytree(ROOT, src)
    run = run_pytest(src, src / "reports" / "junit.xml", "example_tests")
    # one test fails on purpose (pytest exits with 1), one is skipped
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 failed, 6 passed, 1 skipped" in run.stdout
    return src


@pytest.fixture(scope="module", params=["html", "text", "latex"])
def built(request, project, tmp_path_factory):
    return build(
        project,
        request.param,
        builddir=tmp_path_factory.mktemp(f"out-{request.param}"),
        confoverrides={"spec_test_reports": ["reports/junit.xml"]},
    )


def states(app) -> dict[str, tuple[str, tuple[str, ...]] | None]:
    """Each object's state and the names of its tests (None: no state, like a flow)."""
    index = app.env.spec_store.index
    found = {}
    for spec_id in ("PAY-101", "REF-201"):
        for obj in index.objects_of(spec_id):
            verified = index.verification(obj)
            found[obj.full_id] = None if verified is None else (verified.state, verified.names())
    return found


def test_states_per_object(built):
    assert states(built) == {
        "PAY-101.recovery": (
            "passed",
            (
                f"{TESTS}test_recovers_within_the_budget[1]",
                f"{TESTS}test_recovers_within_the_budget[2]",
            ),
        ),
        "PAY-101.no-double-charge": (
            "passed",
            (f"{TESTS}test_key_reused_for_another_order_is_refused",),
        ),
        "PAY-101.cheap": ("untested", ()),
        "PAY-101.charge": None,
        "PAY-101.A1": ("passed", (f"{TESTS}test_timeout_is_retried_with_the_same_key",)),
        "PAY-101.A2": ("passed", (f"{TESTS}test_key_reused_for_another_order_is_refused",)),
        "PAY-101.A3": ("failed", (f"{TESTS}test_hard_decline_is_not_retried",)),
        "PAY-101.A4": ("skipped", (f"{TESTS}test_budget_exhausted_gives_up",)),
        "REF-201.fast": ("untested", ()),
        "REF-201.refund": None,
        # named in brackets by the parametrised test's id
        "REF-201.A1": ("passed", (f"{TESTS}test_refund_of_nothing_is_refused[REF-201.A1]",)),
        "REF-201.A2": ("untested", ()),
    }


def test_report_is_read_from_the_configured_file(built, project):
    reports = built.env.spec_store.reports
    assert reports.enabled
    assert reports.files == (str(project / "reports" / "junit.xml"),)
    assert reports.problems == ()
    # every test case names an object: the parametrised one twice, by marker
    assert [case.outcome for case in reports.cases] == [
        "passed",
        "passed",
        "failed",
        "skipped",
        "passed",
        "passed",
        "passed",
        "passed",
    ]


def test_unknown_id_warns_at_the_report_line(built, project):
    report = (project / "reports" / "junit.xml").read_text(encoding="utf-8")
    name = "test_names_an_error_path_the_spec_does_not_have"
    line = report[: report.index(f'name="{name}"')].count("\n") + 1
    assert located(built, "ref") == [
        f"reports/junit.xml:{line}: test '{TESTS}{name}' names 'PAY-101.A9', "
        "which is no spec object"
    ]


def test_required_verification_warns_at_the_objects(built):
    assert located(built, "verification") == [
        "specs/payments.rst:56: error path 'PAY-101.A3' of implemented spec PAY-101 has "
        f"failing tests: {TESTS}test_hard_decline_is_not_retried",
        "specs/payments.rst:63: error path 'PAY-101.A4' of implemented spec PAY-101 has no "
        f"passing test; its tests were skipped: {TESTS}test_budget_exhausted_gives_up",
        "specs/refunds.md:38: error path 'REF-201.A2' of implemented spec REF-201 has no "
        "passing test; no test names it",
    ]


def test_no_other_warnings(built):
    assert located(built, "import") == []
    assert len(warnings_of(built)) == 4


def test_without_reports_every_required_object_is_unverified(project, tmp_path):
    """spec_require_verification without spec_test_reports: no error path has a passing test."""
    app = build(project, "html", builddir=tmp_path)
    assert not app.env.spec_store.index.verifying
    assert [line.split(": ", 1)[1] for line in located(app, "verification")] == [
        f"error path '{full_id}' of implemented spec {full_id[:7]} has no passing test; "
        "no test names it"
        for full_id in ("PAY-101.A1", "PAY-101.A2", "PAY-101.A3", "PAY-101.A4")
        + ("REF-201.A1", "REF-201.A2")
    ]
    assert located(app, "ref") == []
