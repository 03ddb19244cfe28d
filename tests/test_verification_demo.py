"""The demo's own test report: current, and read by the demo's build with no warning.

``make demo-report`` runs the tests of ``demo/example/`` into
``demo/reports/junit.xml``, which is checked in; ``demo/conf.py`` reads it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import build, warnings_of
from verification_runs import run_pytest

from sphinx_spec.verification import read_reports

DEMO = Path(__file__).parent.parent / "demo"
REPORT = DEMO / "reports" / "junit.xml"
TESTS = "example.tests."


def triples(report: Path) -> list[tuple[str, str, tuple[str, ...]]]:
    reports = read_reports([report.name], report.parent, str)
    assert reports.problems == ()
    return sorted((case.name, case.outcome, case.ids) for case in reports.cases)


def test_the_checked_in_report_is_current(tmp_path):
    """Rerun the demo's tests as ``make demo-report`` does: the same tests, outcomes and ids."""
    shutil.copytree(DEMO / "example", tmp_path / "example")
    report = tmp_path / "reports" / "junit.xml"
    run = run_pytest(tmp_path, report, "-o", "junit_family=xunit2", "example/tests")
    assert run.returncode == 0, run.stdout + run.stderr
    assert triples(report) == triples(REPORT)


def test_the_checked_in_report_names_what_the_demo_shows():
    assert triples(REPORT) == [
        (f"{TESTS}test_payments.test_a_repeated_request_is_charged_once[0]", "passed",
         ("PAY-001.no-double-charge",)),
        (f"{TESTS}test_payments.test_a_repeated_request_is_charged_once[2]", "passed",
         ("PAY-001.no-double-charge",)),
        (f"{TESTS}test_payments.test_exhausted_budget_releases_the_stock", "passed",
         ("PAY-001.A2",)),
        (f"{TESTS}test_payments.test_expired_token_creates_no_attempt", "passed",
         ("PAY-001.A1",)),
        (f"{TESTS}test_payments.test_key_reused_for_another_cart_keeps_the_first_order",
         "passed", ("PAY-001.A3",)),
        (f"{TESTS}test_sessions.test_access_tokens_live_fifteen_minutes", "passed",
         ("AUTH-002.theft-window",)),
        (f"{TESTS}test_sessions.test_spent_refresh_token_revokes_the_session", "passed",
         ("AUTH-002.A1",)),
    ]  # fmt: skip


@pytest.fixture(scope="module", params=["html", "text", "latex"])
def demo(request, tmp_path_factory):
    dest = tmp_path_factory.mktemp(f"demo-{request.param}")
    shutil.copytree(DEMO, dest / "src", ignore=shutil.ignore_patterns("_build", "__pycache__"))
    return build(dest / "src", request.param)


def test_the_demo_builds_without_warnings(demo):
    assert warnings_of(demo) == []
    assert demo.config.spec_test_reports == ["reports/*.xml"]


def test_the_demo_shows_tested_and_untested_objects(demo):
    index = demo.env.spec_store.index
    states = {}
    for spec_id in ("PAY-001", "AUTH-002"):
        for obj in index.objects_of(spec_id):
            if (verified := index.verification(obj)) is not None:
                states[obj.full_id] = verified.state
    assert states == {
        "PAY-001.recovery": "untested",
        "PAY-001.no-double-charge": "passed",
        "PAY-001.A1": "passed",
        "PAY-001.A2": "passed",
        "PAY-001.A3": "passed",
        "PAY-001.A4": "untested",
        "PAY-001.A5": "untested",
        "AUTH-002.local-validation": "untested",
        "AUTH-002.theft-window": "passed",
        "AUTH-002.A1": "passed",
        "AUTH-002.A2": "untested",
    }
