"""The demo's own test report: current, and read by the demo's build with no warning.

``make demo-report`` runs the tests of ``demo/example/`` into
``demo/reports/junit.xml``, which is checked in; ``demo/conf.py`` reads it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import build, html, text_of, warnings_of
from test_views_incremental import rows
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


def test_the_demo_cards_show_verification_in_every_builder(demo):
    outdir = Path(demo.outdir)
    if demo.builder.name == "html":
        card = html(demo, "specs/payment-retries").select_one("div.spec-card")
        labels = [text_of(dt).rstrip(" :") for dt in card.find_all("dt")]
        shown = text_of(card.find_all("dd")[labels.index("Verification")])
    elif demo.builder.name == "text":
        text = (outdir / "specs" / "payment-retries.txt").read_text(encoding="utf-8")
        shown = " ".join(text.split("Verification:", 1)[1].split("\n\n", 1)[0].split())
    else:
        tex = next(outdir.glob("*.tex")).read_text(encoding="utf-8")
        shown = tex.split("Verification", 1)[1].split("error paths", 1)[1]
        shown = "error paths" + shown.split("\n\n", 1)[0].replace("\n", " ")
        shown = " ".join(shown.split())
    assert shown.startswith("error paths verified 3 of 5; goals verified 1 of 2")


def test_the_demo_portfolio_shows_verification(tmp_path):
    shutil.copytree(DEMO, tmp_path / "src", ignore=shutil.ignore_patterns("_build", "__pycache__"))
    demo = build(tmp_path / "src", "html")
    section = html(demo, "portfolio").select_one("section#verification")
    summary, untested = section.select("div.spec-view-block")
    assert rows(summary) == [
        {
            "Spec": "AUTH-002",
            "Status": "implemented",
            "Error paths verified": "1 of 2",
            "Goals verified": "1 of 2",
            "Failing": "",
            "Failing tests": "",
            "Untested": "2",
        },
        {
            "Spec": "PAY-000",
            "Status": "superseded",
            "Error paths verified": "",
            "Goals verified": "",
            "Failing": "",
            "Failing tests": "",
            "Untested": "0",
        },
        {
            "Spec": "PAY-001",
            "Status": "accepted",
            "Error paths verified": "3 of 5",
            "Goals verified": "1 of 2",
            "Failing": "",
            "Failing tests": "",
            "Untested": "3",
        },
    ]
    assert [(r["Spec"], r["#"]) for r in rows(untested)] == [
        ("AUTH-002", "A2"),
        ("PAY-001", "A4"),
        ("PAY-001", "A5"),
    ]
