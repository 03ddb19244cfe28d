"""Verification in ``spec.json``, read back by ``spec_import``, in ``sphinx-spec query --state``
and in the test modules ``sphinx-spec tests`` writes.

The roots ``test-cli-verif-rst`` and ``test-cli-verif-md`` hold the same project
("Checkout") in reStructuredText and MyST: CHK-1 with goals ``fast`` (untested) and
``safe`` (passed) and error paths A1 (passed), A2 (one failing and one passing test),
A3 (untested, a title full of quotes, backslashes and non-ASCII), A4 (skipped),
``b-1`` and ``b_1`` (untested, one title); CHK-2 with A1 (passed). Their
``reports/junit.xml`` says so. ``test-cli-verif-b`` imports the built project's
``spec.json`` and shows CHK-1's error paths.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import helpers
import jsonschema
import pytest
from helpers import located, warnings_of

from sphinx_spec.cli import main
from sphinx_spec.store import store_of
from sphinx_spec.templates import skeleton_module
from sphinx_spec.verification import read_junit

ROOTS = Path(__file__).parent / "roots"
REPO = Path(__file__).parent.parent
SCHEMA = REPO / "sphinx_spec" / "schema" / "spec.schema.json"
FORMATS = ("rst", "md")
BUILDERS = ("html", "latex", "text")
#: what the root's report says of each object: (state, [(test, outcome)])
EXPECTED = {
    "CHK-1.A1": ("passed", [("tests.test_checkout.test_declined_card", "passed")]),
    "CHK-1.A2": (
        "failed",
        [
            ("tests.test_checkout.test_timeout [CHK-1.A2]", "failed"),
            ("tests.test_checkout.test_timeout_retry [CHK-1.A2]", "passed"),
        ],
    ),
    "CHK-1.A3": ("untested", []),
    "CHK-1.A4": ("skipped", [("tests.test_checkout.test_offline [CHK-1.A4]", "skipped")]),
    "CHK-1.b-1": ("untested", []),
    "CHK-1.b_1": ("untested", []),
    "CHK-1.fast": ("untested", []),
    "CHK-1.safe": ("passed", [("tests.test_checkout.test_fast [CHK-1.safe]", "passed")]),
    "CHK-2.A1": ("passed", [("tests.test_refunds.test_refund [CHK-2.A1]", "passed")]),
}


@pytest.fixture(params=FORMATS)
def project(request, tmp_path) -> Path:
    folder = tmp_path / "docs"
    shutil.copytree(ROOTS / f"test-cli-verif-{request.param}", folder)
    return folder


def build(folder: Path, builder: str = "html", **kwargs):
    return helpers.build(folder, builder, builddir=folder.parent / f"_build-{builder}", **kwargs)


def exported(app) -> dict:
    return json.loads((Path(app.outdir) / "spec.json").read_text(encoding="utf-8"))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- spec.json ---------------------------------------------------------------------------


@pytest.mark.parametrize("builder", BUILDERS)
def test_spec_json_carries_each_objects_state_and_tests(project, builder):
    app = build(project, builder)
    assert located(app, "import") == []
    data = exported(app)
    jsonschema.validate(data, json.loads(SCHEMA.read_text()), cls=jsonschema.Draft202012Validator)
    written = {
        obj["full_id"]: (
            obj["verification"]["state"],
            [(test["name"], test["outcome"]) for test in obj["verification"]["tests"]],
        )
        for obj in data["objects"]
        if "verification" in obj
    }
    assert written == EXPECTED
    assert "junit.xml" not in json.dumps(data)  # where the reports are is this machine's business
    specs = {spec["id"]: spec["verification"] for spec in data["specs"]}
    assert specs["CHK-1"] == {
        "error": {"passed": 1, "total": 6, "failing": 1},
        "goal": {"passed": 1, "total": 2, "failing": 0},
    }
    assert specs["CHK-2"] == {"error": {"passed": 1, "total": 1, "failing": 0}}


def test_a_changed_report_rewrites_spec_json_and_two_builds_agree(project):
    first = (Path(build(project).outdir) / "spec.json").read_bytes()
    again = (Path(build(project).outdir) / "spec.json").read_bytes()
    assert again == first
    report = project / "reports" / "junit.xml"
    report.write_text(report.read_text().replace('<failure message="boom"/>', ""), encoding="utf-8")
    data = exported(build(project))
    a2 = next(obj for obj in data["objects"] if obj["full_id"] == "CHK-1.A2")
    assert a2["verification"]["state"] == "passed"
    chk1 = next(spec for spec in data["specs"] if spec["id"] == "CHK-1")
    assert chk1["verification"]["error"] == {"passed": 2, "total": 6, "failing": 0}


def test_spec_json_is_the_same_with_two_processes_and_after_an_incremental_build(project, tmp_path):
    first = (Path(build(project).outdir) / "spec.json").read_bytes()
    twin = shutil.copytree(project, tmp_path / "twin" / "docs")
    assert (Path(build(twin, parallel=2).outdir) / "spec.json").read_bytes() == first
    shutil.rmtree(twin.parent / "_build-html")
    for folder in (project, twin):  # the project built before the edit, its twin never
        page = next(folder.glob("refunds.*"))
        page.write_text(page.read_text(encoding="utf-8") + "\nMore words.\n", encoding="utf-8")
    incremental = (Path(build(project).outdir) / "spec.json").read_bytes()
    assert incremental == (Path(build(twin, parallel=2).outdir) / "spec.json").read_bytes()
    states = {
        obj["full_id"]: obj["verification"]["state"]
        for obj in json.loads(incremental)["objects"]
        if "verification" in obj
    }
    assert states == {key: state for key, (state, _) in EXPECTED.items()}


def test_without_reports_error_paths_and_goals_are_untested_and_nothing_else_has_a_state(
    project,
):
    conf = project / "conf.py"
    conf.write_text(conf.read_text().replace('spec_test_reports = ["reports/junit.xml"]', ""))
    data = exported(build(project))
    states = {obj["full_id"]: obj.get("verification") for obj in data["objects"]}
    assert set(states) >= set(EXPECTED)
    assert {key: value for key, value in states.items() if value} == {
        key: {"state": "untested", "tests": []} for key in EXPECTED
    }


# -- spec_import ---------------------------------------------------------------------------


def federation(tmp_path: Path, fmt: str) -> tuple[Path, Path]:
    """A (the root in *fmt*) built to ``a/_build/html``; B's source beside it."""
    a_src = tmp_path / "a" / "src"
    shutil.copytree(ROOTS / f"test-cli-verif-{fmt}", a_src)
    assert located(helpers.build(a_src), "import") == []
    b_src = tmp_path / "b" / "src"
    shutil.copytree(ROOTS / "test-cli-verif-b", b_src)
    return a_src, b_src


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("builder", BUILDERS)
def test_an_importing_project_sees_the_exported_states(tmp_path, fmt, builder):
    a_src, b_src = federation(tmp_path, fmt)
    b = helpers.build(b_src, builder)
    assert warnings_of(b) == []
    index = store_of(b.env).index
    assert not index.verifying  # B lists no reports: the states are A's
    seen = {}
    for (_kind, full_id), obj in index.imported.objects.items():
        found = index.verification(obj)
        if found is not None:
            seen[full_id] = (found.state, [(t.name, t.outcome) for t in found.tests])
            assert all(t.ids == (full_id,) for t in found.tests)
            assert all(t.source == "../../a/_build/html/spec.json" for t in found.tests)
    assert seen == EXPECTED
    assert index.verification_count("CHK-1", "error") == (1, 6, 1)
    # the view shows A's error paths
    if builder == "html":
        shown = helpers.text_of(helpers.html(b, "index"))
    else:
        suffix = "tex" if builder == "latex" else "txt"
        shown = "".join(p.read_text(encoding="utf-8") for p in Path(b.outdir).glob(f"*.{suffix}"))
    assert "Provider times out" in shown


def test_an_exported_state_this_version_does_not_know_leaves_the_entry_out(tmp_path):
    a_src, b_src = federation(tmp_path, "rst")
    spec_json = tmp_path / "a" / "_build" / "html" / "spec.json"
    data = json.loads(spec_json.read_text(encoding="utf-8"))
    a2 = next(obj for obj in data["objects"] if obj["full_id"] == "CHK-1.A2")
    a2["verification"]["state"] = "flaky"
    spec_json.write_text(json.dumps(data), encoding="utf-8")
    b = helpers.build(b_src)
    [warning] = located(b, "import")
    assert warning.startswith("conf.py:6: spec_import: ../../a/_build/html/spec.json ")
    assert "objects/1/verification/state" in warning
    assert warning.endswith("its specs are left out")
    assert store_of(b.env).index.imported.objects == {}


# -- query --state -------------------------------------------------------------------------


@pytest.mark.parametrize("builder", BUILDERS)
def test_query_state_lists_the_objects_in_that_state(project, capsys, builder):
    spec_json = str(Path(build(project, builder).outdir) / "spec.json")
    for state in ("passed", "failed", "skipped", "untested", "error"):
        code, out, err = run(capsys, "query", spec_json, "--state", state, "--json")
        assert (code, err) == (0, "")
        found = json.loads(out)
        assert {record["full_id"] for record in found} == {
            key for key, (expected, _) in EXPECTED.items() if expected == state
        }
        assert all(record["verification"]["state"] == state for record in found)


def test_query_state_shows_a_state_column(project, capsys):
    spec_json = str(Path(build(project).outdir) / "spec.json")
    code, out, _ = run(capsys, "query", spec_json, "--state", "UNTESTED", "--kind", "error")
    assert code == 0
    header, *rows, count = out.splitlines()
    assert header.split() == ["KIND", "ID", "STATUS", "STATE", "OWNER", "TITLE"]
    assert [row.split()[:3] for row in rows] == [
        ["error", "CHK-1.A3", "untested"],
        ["error", "CHK-1.b-1", "untested"],
        ["error", "CHK-1.b_1", "untested"],
    ]
    assert count == "3 matches"
    _, plain, _ = run(capsys, "query", spec_json, "--kind", "error")
    assert plain.splitlines()[0].split() == ["KIND", "ID", "STATUS", "OWNER", "TITLE"]


def test_query_state_of_a_file_without_states_counts_error_paths_and_goals_untested(
    project, capsys, tmp_path
):
    data = exported(build(project))
    for obj in data["objects"]:
        obj.pop("verification", None)
    for spec in data["specs"]:
        spec.pop("verification", None)
    older = tmp_path / "older.json"
    older.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = run(capsys, "query", str(older), "--state", "untested", "--json")
    assert code == 0
    assert {record["full_id"] for record in json.loads(out)} == set(EXPECTED)
    _, out, _ = run(capsys, "query", str(older), "--state", "passed", "--json")
    assert json.loads(out) == []


def test_an_unknown_state_is_a_usage_error(project, capsys):
    spec_json = str(Path(build(project).outdir) / "spec.json")
    with pytest.raises(SystemExit) as stopped:
        main(["query", spec_json, "--state", "green"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "argument --state: invalid choice: 'green'" in err


# -- sphinx-spec tests ---------------------------------------------------------------------


def pytest_run(module: Path, report: Path) -> subprocess.CompletedProcess[str]:
    """``python -m pytest`` on *module* alone, writing JUnit XML to *report*."""
    (module.parent / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    registered = any(e.name == "sphinx_spec" for e in entry_points(group="pytest11"))
    plugin = [] if registered else ["-p", "sphinx_spec.pytest_plugin"]
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *plugin,
         f"--junitxml={report}", f"--rootdir={module.parent}", str(module)],
        cwd=module.parent, env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def error_paths(project: Path) -> dict[str, dict]:
    return {
        obj["full_id"]: obj for obj in exported(build(project))["objects"] if obj["kind"] == "error"
    }


def test_tests_writes_a_failing_marked_test_per_untested_error_path(project, capsys, tmp_path):
    errors = error_paths(project)
    out = tmp_path / "generated" / "test_chk_1.py"
    code, said, err = run(capsys, "tests", "--spec", "CHK-1", "--out", str(out),
                          "--project", str(project))  # fmt: skip
    assert code == 0, err
    assert said == f"wrote {out}: 3 tests (CHK-1.A3, CHK-1.b-1, CHK-1.b_1)\n"
    source = out.read_text(encoding="utf-8")
    module = ast.parse(source)
    compile(source, str(out), "exec")
    assert "CHK-1: Checkout" in ast.get_docstring(module)
    functions = [node for node in module.body if isinstance(node, ast.FunctionDef)]
    names = [function.name for function in functions]
    assert names == [
        "test_a3_card_expired_or_and_with_a_back_slash_zahlung",
        "test_b_1_network_lost",
        "test_b_1_network_lost_2",
    ]
    for function, full_id in zip(functions, ("CHK-1.A3", "CHK-1.b-1", "CHK-1.b_1"), strict=True):
        [marker] = function.decorator_list
        assert ast.unparse(marker) == f"pytest.mark.spec('{full_id}')"
        error = errors[full_id]
        assert ast.get_docstring(function) == (
            f"{full_id}: {error['title']}\n\nCondition: {error['title']}\n"
            f"System action: {error['action']}\nUser feedback: {error['feedback']}"
        )
    # run with pytest: each fails, and the report names its error path
    report = tmp_path / "junit.xml"
    ran = pytest_run(out, report)
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert "3 failed" in ran.stdout
    cases = read_junit(report)
    assert [(case.ids, case.outcome) for case in cases] == [
        (("CHK-1.A3",), "failed"),
        (("CHK-1.b-1",), "failed"),
        (("CHK-1.b_1",), "failed"),
    ]
    # fed back to the build, the error paths are no longer untested: they fail
    shutil.copy(report, project / "reports" / "generated.xml")
    conf = project / "conf.py"
    conf.write_text(conf.read_text().replace('"reports/junit.xml"', '"reports/*.xml"'))
    states = {key: obj["verification"]["state"] for key, obj in error_paths(project).items()}
    assert states["CHK-1.A3"] == states["CHK-1.b-1"] == states["CHK-1.b_1"] == "failed"
    again = tmp_path / "again.py"
    assert run(capsys, "tests", "--spec", "CHK-1", "--out", str(again),
               "--project", str(project))[0] == 0  # fmt: skip
    assert not again.exists()


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--spec", "NOPE-9"], "sphinx-spec tests: no spec NOPE-9 in this project\n"),
        (["--spec", "chk-1"], "sphinx-spec tests: no spec chk-1 in this project; did you mean "
                              "CHK-1?\n"),
    ],
)  # fmt: skip
def test_tests_refuses_an_unknown_spec(project, capsys, tmp_path, argv, said):
    out = tmp_path / "test_x.py"
    code, _, err = run(capsys, "tests", *argv, "--out", str(out), "--project", str(project))
    assert code == 2
    assert err.splitlines()[-1] + "\n" == said
    assert not out.exists()


def test_tests_never_overwrites(project, capsys, tmp_path):
    out = tmp_path / "test_mine.py"
    out.write_text("# mine\n", encoding="utf-8")
    code, said, err = run(capsys, "tests", "--spec", "CHK-1", "--out", str(out),
                          "--project", str(project))  # fmt: skip
    assert (code, said, err) == (2, "", f"sphinx-spec tests: {out} exists; not overwriting it\n")
    assert out.read_text(encoding="utf-8") == "# mine\n"


def test_tests_with_nothing_untested_writes_nothing(project, capsys, tmp_path):
    out = tmp_path / "test_refunds.py"
    code, said, err = run(capsys, "tests", "--spec", "CHK-2", "--out", str(out),
                          "--project", str(project))  # fmt: skip
    assert (code, said) == (0, "")
    assert err.splitlines()[-1] == (
        "sphinx-spec tests: every error path of CHK-2 has a test; nothing written"
    )
    assert not out.exists()


def test_tests_refuses_an_imported_spec(tmp_path, capsys):
    _a_src, b_src = federation(tmp_path, "rst")
    out = tmp_path / "test_chk.py"
    code, _, err = run(capsys, "tests", "--spec", "CHK-1", "--out", str(out),
                       "--project", str(b_src))  # fmt: skip
    assert code == 2
    assert err.splitlines()[-1] == (
        "sphinx-spec tests: CHK-1 is imported from the project Checkout; "
        "run the command in that project"
    )
    assert not out.exists()


HOSTILE = [
    'ends with a quote"',
    "ends with a backslash\\",
    '"""; import os; os.system("x"); """',
    '\'\'\' and """" four quotes',
    "bell \x07 nul \x00 carriage\rreturn form\x0cfeed",
    "bidi \u202e reversed \u2066 isolate, separator \u2028 here",
    "lone surrogate \ud800 end",
    "naïve café — 日本語 ☃",
    "line one\nline two",
    "",
]


def test_hostile_text_reads_back_as_written():
    rows = [(f"X-1.e{n}", text, text, text) for n, text in enumerate(HOSTILE)]
    source = skeleton_module("X-1", HOSTILE[2], rows)
    source.encode("utf-8")  # no lone surrogate is written as such
    module = ast.parse(source)
    assert ast.get_docstring(module).startswith(f"Tests for X-1: {HOSTILE[2]}")
    functions = [node for node in module.body if isinstance(node, ast.FunctionDef)]
    assert len({function.name for function in functions}) == len(HOSTILE)
    assert all(function.name.isidentifier() and function.name.isascii() for function in functions)
    for function, (full_id, text, _, _) in zip(functions, rows, strict=True):
        first_line = ast.get_docstring(function, clean=False).splitlines()[0]
        assert first_line.rstrip() == f"{full_id}: {text}".splitlines()[0].rstrip()
        call = function.body[-1].value
        assert ast.literal_eval(call.args[0]) == f"not written yet: {full_id} {text}"
    # what a terminal or an editor would act on is written as an escape
    for hidden in ("\x00", "\x07", "\r", "\u202e", "\u2066", "\u2028"):
        assert hidden not in source
