"""The pytest plugin in a real pytest run: ``@pytest.mark.spec`` ids in ``--junitxml``."""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from verification_runs import run_pytest

from sphinx_spec.verification import read_reports

MODULE = """
import pytest


@pytest.mark.spec("PAY-001.A1")
def test_one():
    pass


@pytest.mark.spec("PAY-001.A2, PAY-001.A3")
@pytest.mark.spec("PAY-001.A4")
def test_several_markers():
    pass


@pytest.mark.spec("PAY-001.recovery")
class TestRetries:
    @pytest.mark.spec("PAY-001.A5")
    def test_in_class(self):
        pass

    def test_class_marker_only(self):
        pass


@pytest.mark.skip(reason="not yet")
@pytest.mark.spec("AUTH-002.A1")
def test_skipped():
    pass


@pytest.mark.spec("AUTH-002.A2")
def test_fails():
    assert False


def test_unmarked():
    pass
"""


def properties(report: Path) -> dict[str, list[tuple[str, str | None, str]]]:
    """Each test case's (name, value attribute, text) properties, by test name."""
    found = {}
    for case in ET.parse(report).iter("testcase"):
        found[case.get("name")] = [
            (prop.get("name"), prop.get("value"), prop.text or "") for prop in case.iter("property")
        ]
    return found


@pytest.fixture(scope="module", params=["xunit1", "xunit2"])
def report(request, tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp(f"plugin-{request.param}")
    (project / "test_marked.py").write_text(MODULE, encoding="utf-8")
    run = run_pytest(project, project / "report.xml", "-o", f"junit_family={request.param}")
    assert run.returncode == 1, run.stdout + run.stderr  # test_fails fails
    return project / "report.xml"


def spec(*ids: str) -> list[tuple[str, str | None, str]]:
    return [("spec", value, "") for value in ids]


def test_marked_ids_are_value_attributes(report):
    assert properties(report) == {
        "test_one": spec("PAY-001.A1"),
        # the closest marker first; one argument may hold several ids
        "test_several_markers": spec("PAY-001.A4", "PAY-001.A2", "PAY-001.A3"),
        "test_in_class": spec("PAY-001.A5", "PAY-001.recovery"),
        "test_class_marker_only": spec("PAY-001.recovery"),
        "test_skipped": spec("AUTH-002.A1"),
        "test_fails": spec("AUTH-002.A2"),
        "test_unmarked": [],
    }


def test_unmarked_test_has_no_properties_element(report):
    cases = {case.get("name"): case for case in ET.parse(report).iter("testcase")}
    assert cases["test_unmarked"].find("properties") is None


def test_the_report_reads_with_outcomes(report):
    reports = read_reports([report.name], report.parent, str)
    assert reports.problems == ()
    assert [(case.name, case.outcome, case.ids) for case in reports.cases] == [
        ("test_marked.test_one", "passed", ("PAY-001.A1",)),
        ("test_marked.test_several_markers", "passed", ("PAY-001.A4", "PAY-001.A2", "PAY-001.A3")),
        ("test_marked.TestRetries.test_in_class", "passed", ("PAY-001.A5", "PAY-001.recovery")),
        ("test_marked.TestRetries.test_class_marker_only", "passed", ("PAY-001.recovery",)),
        ("test_marked.test_skipped", "skipped", ("AUTH-002.A1",)),
        ("test_marked.test_fails", "failed", ("AUTH-002.A2",)),
    ]


@pytest.mark.parametrize("argument", ["42", "['PAY-001.A1']", "None"])
def test_a_non_string_argument_stops_the_run(tmp_path, argument):
    (tmp_path / "test_wrong.py").write_text(
        textwrap.dedent(
            f"""
            import pytest

            @pytest.mark.spec({argument})
            def test_wrong():
                pass
            """
        ),
        encoding="utf-8",
    )
    run = run_pytest(tmp_path, tmp_path / "report.xml")
    assert run.returncode == pytest.ExitCode.USAGE_ERROR
    assert (
        f"test_wrong.py::test_wrong: @pytest.mark.spec takes spec object ids as strings "
        f"(such as 'PAY-001.A1'), not {argument}"
    ) in run.stderr
    assert "1 passed" not in run.stdout


def test_the_marker_is_declared(tmp_path):
    """``--strict-markers`` accepts it, and ``pytest --markers`` lists it."""
    (tmp_path / "test_strict.py").write_text(
        "import pytest\n\n@pytest.mark.spec('X-1.a')\ndef test_strict():\n    pass\n",
        encoding="utf-8",
    )
    run = run_pytest(tmp_path, tmp_path / "report.xml", "--strict-markers", "--markers")
    assert "@pytest.mark.spec(*ids): the spec objects this test verifies" in run.stdout
    run = run_pytest(tmp_path, tmp_path / "report.xml", "--strict-markers")
    assert run.returncode == 0, run.stdout + run.stderr
