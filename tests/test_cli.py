"""The sphinx-spec command line, end to end in a temporary directory."""

from __future__ import annotations

import json
from pathlib import Path

import helpers
import pytest
from helpers import warnings_of

from sphinx_spec.cli import main

CONF = """\
extensions = ["myst_parser", "sphinx_spec"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
"""


@pytest.fixture
def project(tmp_path, capsys) -> Path:
    """A project with two specs written by ``sphinx-spec new``, one RST and one MyST."""
    (tmp_path / "conf.py").write_text(CONF, encoding="utf-8")
    assert main(["new", "Payment retries", "--id", "PAY-001", "--dir", str(tmp_path / "specs"),
                 "--owner", "alice"]) == 0  # fmt: skip
    assert main(["new", "Session tokens", "--id", "AUTH-002", "--format", "md",
                 "--dir", str(tmp_path / "specs")]) == 0  # fmt: skip
    index = "Specs\n=====\n\n.. toctree::\n\n   specs/pay-001\n   specs/auth-002\n"
    (tmp_path / "index.rst").write_text(index, encoding="utf-8")
    capsys.readouterr()
    return tmp_path


def build(srcdir: Path):
    return helpers.build(srcdir, builddir=srcdir / "_build")


def test_new_writes_the_template_and_says_where(tmp_path, capsys):
    assert main(["new", "Payment retries", "--id", "PAY-001", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"wrote {tmp_path / 'pay-001.rst'}" in out
    assert "add it to a toctree:" in out
    text = (tmp_path / "pay-001.rst").read_text(encoding="utf-8")
    for section in ("Background", "Motivation", "Approaches & trade-offs", "Step-by-step flow",
                    "UML diagrams", "Edge cases and concessions", "Open questions",
                    "Glossary / references"):  # fmt: skip
        assert f"\n{section}\n" in text
    for directive in ("spec", "spec-goal", "non-goal", "spec-approach", "spec-flow",
                      "error-path", "spec-diagram", "spec-concession", "open-question",
                      "spec-term"):  # fmt: skip
        assert f".. {directive}:: " in text


def test_new_specs_in_rst_and_md_build_without_a_warning(project):
    app = build(project)
    assert warnings_of(app) == []
    specs = json.loads((Path(app.outdir) / "spec.json").read_text(encoding="utf-8"))["specs"]
    assert [spec["id"] for spec in specs] == ["AUTH-002", "PAY-001"]
    assert specs[1]["owners"] == ["alice"]


TEMPLATE_SECTIONS = [
    "Background",
    "Motivation",
    "Approaches & trade-offs",
    "Step-by-step flow",
    "UML diagrams",
    "Edge cases and concessions",
    "Open questions",
    "Glossary / references",
]


@pytest.mark.parametrize(("name", "title"), [("pay-001", "PAY-001: Payment retries"),
                                             ("auth-002", "AUTH-002: Session tokens")])  # fmt: skip
def test_new_template_sections_nest_under_the_spec_title(project, name, title):
    """One top-level heading per spec; the template's sections are its subsections, so the
    toctree lists the spec once, with the sections beneath it."""
    app = build(project)
    page = helpers.html(app, f"specs/{name}")
    assert [helpers.text_of(h).rstrip("¶ ") for h in page.select("h1")] == [title]
    assert [helpers.text_of(h).rstrip("¶ ") for h in page.select("h2")] == TEMPLATE_SECTIONS
    toc = helpers.html(app, "index").select_one("div.toctree-wrapper")
    top = [helpers.text_of(a) for a in toc.select("li.toctree-l1 > a")]
    assert top == ["PAY-001: Payment retries", "AUTH-002: Session tokens"]


def test_new_refuses_to_overwrite(project, capsys):
    before = (project / "specs" / "pay-001.rst").read_text(encoding="utf-8")
    assert main(["new", "Other", "--id", "PAY-001", "--dir", str(project / "specs")]) == 1
    assert "exists; not overwriting it" in capsys.readouterr().err
    assert (project / "specs" / "pay-001.rst").read_text(encoding="utf-8") == before


def test_new_rejects_an_invalid_id(tmp_path, capsys):
    assert main(["new", "Bad", "--id", "1-bad", "--dir", str(tmp_path)]) == 2
    assert "is not a valid id" in capsys.readouterr().err


def test_check_passes_a_clean_project_and_summarises(project, capsys):
    assert main(["check", str(project)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "specs: 2",
        "  draft: 2",
        "open questions: 2 (0 blocking)",
        "overdue questions: 0",
        "overdue revisits: 0",
        "warnings: 0",
    ]
    assert not (project / "_build").exists()


def test_check_fails_on_warnings_and_counts_them_by_subtype(project, capsys):
    spec = project / "specs" / "pay-001.rst"
    spec.write_text(spec.read_text().replace(":status: draft", ":status: finished"))
    assert main(["check", str(project)]) == 1
    out = capsys.readouterr().out
    assert "specs/pay-001.rst:4: WARNING: spec: unknown :status: 'finished'" in out
    assert "warnings: 1\n  spec.option: 1" in out


OVERDUE = """

.. spec-approach:: Cache
   :id: cache
   :decision: Use Redis
   :revisit: 2026-01-01
"""


@pytest.mark.parametrize("suppressed", [False, True], ids=["shown", "suppressed"])
def test_check_counts_overdue_revisits_from_the_checks_not_the_warning_text(
    project, capsys, suppressed
):
    with (project / "specs" / "pay-001.rst").open("a", encoding="utf-8") as spec:
        spec.write(OVERDUE)
    extra = 'spec_today = "2026-06-01"\n'
    extra += 'suppress_warnings = ["spec.lifecycle"]\n' if suppressed else ""
    (project / "conf.py").write_text(CONF + extra, encoding="utf-8")
    assert main(["check", str(project)]) == (0 if suppressed else 1)
    out = capsys.readouterr().out
    assert "overdue revisits: 1" in out
    if suppressed:
        assert "warnings: 0" in out and "was due for revisiting" not in out
    else:
        assert "warnings: 1\n  spec.lifecycle: 1" in out


def test_check_counts_errors_as_warnings_of_another_kind(project, capsys):
    with (project / "index.rst").open("a", encoding="utf-8") as index:
        index.write("\n.. no-such-directive:: x\n")
    assert main(["check", str(project)]) == 1
    out = capsys.readouterr().out
    assert 'Unknown directive type "no-such-directive"' in out
    assert "warnings: 1\n  other: 1" in out


def test_check_without_conf_py_is_a_usage_error(tmp_path, capsys):
    assert main(["check", str(tmp_path)]) == 2
    assert "no conf.py" in capsys.readouterr().err


@pytest.fixture
def spec_json(project) -> Path:
    question = project / "specs" / "pay-001.rst"
    text = question.read_text().replace(
        "   :status: open\n", "   :status: open\n   :owner: alice\n   :blocking:\n"
    )
    question.write_text(text, encoding="utf-8")
    return Path(build(project).outdir) / "spec.json"


def test_query_filters_blocking_open_questions_of_an_owner(spec_json, capsys):
    args = ["query", str(spec_json), "--kind", "question", "--status", "open",
            "--owner", "alice", "--blocking"]  # fmt: skip
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["KIND", "ID", "STATUS", "OWNER", "TITLE"]
    assert lines[1].split()[:4] == ["question", "PAY-001.question", "open", "alice"]
    assert lines[-1] == "1 match"


def test_query_json_output_for_machines(spec_json, capsys):
    assert main(["query", str(spec_json), "--kind", "spec", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [record["id"] for record in found] == ["AUTH-002", "PAY-001"]


def test_query_by_spec(spec_json, capsys):
    assert main(["query", str(spec_json), "--spec", "AUTH-002", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert {record["spec_id"] for record in found} == {"AUTH-002"}
    assert len(found) == 10


def test_query_on_a_file_that_is_not_json_is_an_error(tmp_path, capsys):
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    assert main(["query", str(tmp_path / "bad.json")]) == 2
    assert capsys.readouterr().err == (
        f"sphinx-spec query: {tmp_path / 'bad.json'} is not valid JSON (Expecting property "
        "name enclosed in double quotes: line 1 column 2 (char 1))\n"
    )


@pytest.mark.parametrize("command", [[], ["new"], ["check"], ["query"]])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "usage: sphinx-spec" in out
    assert "``" not in out  # plain text, not reStructuredText


def test_help_names_the_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "exit codes: 0 success; 1 the check found warnings" in out


def test_check_reports_progress_on_standard_error(project, capsys):
    assert main(["check", str(project)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"sphinx-spec check: reading {project} (no pages are written)",
        "sphinx-spec check: 3 documents read, no warnings; passing",
    ]


def test_check_verbose_shows_sphinx_progress(project, capsys):
    assert main(["check", "--verbose", str(project)]) == 0
    captured = capsys.readouterr()
    assert "building [dummy]" in captured.err
    assert "building [dummy]" not in captured.out


def test_check_says_what_failed_when_sphinx_stops(project, capsys):
    (project / "conf.py").write_text(CONF + "raise RuntimeError('broken setting')\n")
    assert main(["check", str(project)]) == 2
    err = capsys.readouterr().err
    assert "sphinx-spec check: the build stopped: " in err
    assert "broken setting" in err


def test_check_counts_imported_specs_apart(project, tmp_path_factory, capsys):
    other = tmp_path_factory.mktemp("other")
    (other / "conf.py").write_text(CONF + "project = 'Other'\n", encoding="utf-8")
    assert main(["new", "Ledger", "--id", "LED-1", "--dir", str(other)]) == 0
    (other / "index.rst").write_text("Other\n=====\n\n.. toctree::\n\n   led-1\n")
    exported = Path(build(other).outdir) / "spec.json"
    conf = project / "conf.py"
    conf.write_text(CONF + f"spec_import = [{str(exported)!r}]\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(project)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == ["specs: 2", "  draft: 2", "imported specs: 1 (from 1 project)"]
    assert out[3] == "open questions: 2 (0 blocking)"  # the imported spec's question is not ours


def test_query_refuses_a_file_that_is_not_a_spec_json(tmp_path, capsys):
    (tmp_path / "v2.json").write_text('{"version": 2, "specs": []}', encoding="utf-8")
    assert main(["query", str(tmp_path / "v2.json")]) == 2
    assert capsys.readouterr().err == (
        f"sphinx-spec query: {tmp_path / 'v2.json'} has format version 2; "
        "this sphinx-spec reads version 1\n"
    )


def test_query_names_the_schema_error(tmp_path, capsys):
    bad = {"version": 1, "project": "x", "specs": [{"id": "X-1"}], "objects": []}
    (tmp_path / "bad.json").write_text(json.dumps(bad), encoding="utf-8")
    assert main(["query", str(tmp_path / "bad.json")]) == 2
    err = capsys.readouterr().err
    assert "does not match the spec.json schema at specs/0: " in err
    assert "is a required property" in err


def test_query_on_a_missing_file_is_an_error(tmp_path, capsys):
    assert main(["query", str(tmp_path / "nothing.json")]) == 2
    err = capsys.readouterr().err
    missing = tmp_path / "nothing.json"
    assert err == f"sphinx-spec query: cannot read {missing}: No such file or directory\n"
