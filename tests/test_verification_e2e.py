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


@pytest.mark.parametrize("builder", ["html", "text", "latex"])
def test_hostile_reports_warn_and_the_build_goes_on(project, tmp_path, builder):
    """Reports that cannot be read are spec.import warnings at their line; the good one counts."""
    src = tmp_path / "src"
    shutil.copytree(project, src)
    reports = src / "reports"
    (reports / "laughs.xml").write_bytes(
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
        b' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
        b"<testsuites>&lol2;</testsuites>\n"
    )
    (reports / "passwd.xml").write_bytes(
        b'<?xml version="1.0"?>\n\n\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b"<testsuite><testcase name='&x; [PAY-101.A4]'/></testsuite>\n"
    )
    (reports / "page.xml").write_bytes(b"<html>\n<body>not a report</body>\n</html>\n")
    (reports / "cut.xml").write_bytes(b"<testsuites>\n<testsuite>\n<testcase name='t [PAY-1")
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('\nspec_test_reports = [\n    "reports/*.xml",\n    "ci/*.xml",\n]\n')
    conf_lines = (src / "conf.py").read_text(encoding="utf-8").splitlines()
    entry_line = conf_lines.index('    "ci/*.xml",') + 1
    app = build(src, builder, builddir=tmp_path / "out")
    assert located(app, "import") == [
        "reports/cut.xml:3: test report is not well-formed XML: unclosed token",
        "reports/laughs.xml:2: test report has a document type declaration; "
        "a report must not declare one",
        "reports/page.xml:1: test report is not a JUnit XML report: its root element is <html>",
        "reports/passwd.xml:4: test report has a document type declaration; "
        "a report must not declare one",
        # warnings_of shows paths relative to the project
        f"conf.py:{entry_line}: spec_test_reports entry 'ci/*.xml' names no report file "
        "(looked for ci/*.xml)",
    ]
    index = app.env.spec_store.index
    states = {obj.full_id: index.verification(obj) for obj in index.objects_of("PAY-101")}
    assert states["PAY-101.A1"].state == "passed"  # from junit.xml, read in spite of the others
    assert states["PAY-101.A4"].state == "skipped"  # not passed by the refused report
