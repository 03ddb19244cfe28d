"""``spec_statuses`` as a mapping of the project's status names to lifecycle roles.

``test-status-roles-kep`` maps KEP statuses (``implementable`` → accepted,
``replaced`` → superseded, …) and pins ``spec_today = "2026-06-01"``;
``test-status-roles-adr`` maps ADR statuses; ``test-status-roles-badconf``
maps a status to a role that does not exist. Checks, colours and filters go
by the role; pages show the project's names. Open questions past their due
date warn and are marked in the open-questions view.
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
from pathlib import Path

import pytest
from helpers import build, html, located, text_of, warnings_of

import sphinx_spec.config
from sphinx_spec.cli import main
from sphinx_spec.config import WrongValue, statuses_value
from sphinx_spec.model import Spec
from sphinx_spec.specjson import parse, records

KEP = [pytest.mark.sphinx("html", testroot="status-roles-kep")]
KEP_STATUSES = "provisional, implementable, implemented, deferred, rejected, withdrawn, replaced"

#: the warnings every build of the KEP project gives, by builder-independent location
KEP_LIFECYCLE = [
    "kep-1000.rst:4: spec KEP-1000 is implementable but has open blocking questions: "
    "KEP-1000.grace",
    "kep-2000.md:3: spec KEP-2000 is superseded by KEP-3000 but its status is "
    "'implementable', not 'replaced'",
    "kep-1000.rst:10: open question KEP-1000.grace is still open past its due date 2026-05-01",
    "kep-2000.md:8: open question KEP-2000.inhibitor is still open past its due date 2026-03-15",
]
KEP_OPTION = [
    f"kep-3000.rst:4: spec: unknown :status: 'draft' (not in spec_statuses: {KEP_STATUSES}); "
    "using 'provisional'"
]


def view_after(app, title: str, docname: str = "index"):
    """The view block that follows the rubric *title*."""
    rubric = next(r for r in html(app, docname).select("p.rubric") if text_of(r) == title)
    return rubric.parent


def first_column(app, title: str, docname: str = "index") -> list[str]:
    return [text_of(a) for a in view_after(app, title, docname).select("tbody td:first-child a")]


# -- the KEP project, in HTML -------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="status-roles-kep")
@pytest.mark.test_params(shared_result="status-roles-kep-html")
class TestKepHtml:
    def test_lifecycle_checks_go_by_the_role(self, app):
        app.build()
        assert located(app, "lifecycle") == KEP_LIFECYCLE

    def test_unknown_status_names_spec_statuses_and_the_fallback(self, app):
        app.build()
        assert located(app, "option") == KEP_OPTION
        badge = html(app, "kep-3000").select_one("div.spec-card .spec-badge")
        assert text_of(badge) == "provisional"

    def test_badge_and_card_carry_the_role_and_its_colour(self, app):
        app.build()
        badge = html(app, "kep-1000").select_one("div.spec-card .spec-badge")
        assert text_of(badge) == "implementable"
        assert {"spec-status-implementable", "spec-role-accepted"} <= set(badge["class"])
        card = html(app, "kep-1000").select_one("div.spec-card")
        assert "spec-role-accepted" in card["class"]
        css = (Path(app.outdir) / "_static" / "sphinx-spec.css").read_text(encoding="utf-8")
        rule = re.search(r"\.spec-badge\.spec-role-accepted \{([^}]*)\}", css)
        assert rule and "--spec-badge-bg: #d3f4dd" in rule[1]  # green, as 'accepted'

    def test_graph_nodes_are_coloured_by_role(self, app):
        app.build()
        code = html(app, "index").select_one("div.spec-graph pre.mermaid").get_text()
        lines = [line.strip() for line in code.splitlines()]
        assert "classDef status_accepted fill:#d3f4dd,stroke:#1a7f37,color:#0f5323" in lines
        assert "class s0,s1 status_accepted" in lines  # KEP-1000, KEP-2000: implementable
        assert "class s3 status_rejected" in lines  # KEP-4000: withdrawn
        assert "class s4 status_superseded" in lines  # KEP-5000: replaced
        assert 's0["KEP-1000: Graceful node shutdown"]' in lines

    def test_status_filter_by_role_selects_every_status_with_it(self, app):
        app.build()
        assert first_column(app, "By role accepted") == ["KEP-1000", "KEP-2000"]
        assert first_column(app, "By role superseded") == ["KEP-5000"]
        assert first_column(app, "MyST by role superseded", "kep-4000") == ["KEP-5000"]

    def test_status_filter_by_name_shows_the_projects_names(self, app):
        app.build()
        assert first_column(app, "By name provisional") == ["KEP-3000"]
        row = view_after(app, "By role accepted").select_one("tbody tr")
        assert text_of(row.select("td")[2]) == "implementable"

    def test_a_name_that_is_also_a_role_means_the_name(self, app):
        app.build()  # 'rejected' is a status: 'withdrawn' (role rejected) is not selected
        note = view_after(app, "By name rejected").select_one("p.spec-view-empty")
        assert note is not None

    def test_open_questions_view_marks_overdue_open_questions(self, app):
        app.build()
        rows = view_after(app, "Every question").select("tbody tr")
        due = {text_of(row.select("td")[0]): row.select("td")[3] for row in rows}
        assert text_of(due["Which grace period applies to static pods?"]) == (
            "2026-05-01 (overdue)"
        )
        assert due["Which grace period applies to static pods?"].select_one("span.spec-overdue")
        assert text_of(due["Is the feature gate on by default?"]) == "2026-07-01"
        assert text_of(due["Who announces it?"]) == "2026-01-05"  # answered: not overdue
        myst = view_after(app, "MyST questions of KEP-2000", "kep-4000")
        assert text_of(myst.select_one("span.spec-overdue")) == "2026-03-15 (overdue)"

    def test_spec_json_exports_the_role(self, app):
        app.build()
        data = json.loads((Path(app.outdir) / "spec.json").read_text(encoding="utf-8"))
        roles = {spec["id"]: (spec["status"], spec["status_role"]) for spec in data["specs"]}
        assert roles["KEP-1000"] == ("implementable", "accepted")
        assert roles["KEP-4000"] == ("withdrawn", "rejected")

    def test_query_status_takes_a_name_or_a_role(self, app, capsys):
        app.build()
        spec_json = str(Path(app.outdir) / "spec.json")

        def ids(status: str) -> list[str]:
            assert main(["query", spec_json, "--kind", "spec", "--status", status, "--json"]) == 0
            return [record["id"] for record in json.loads(capsys.readouterr().out)]

        assert ids("accepted") == ["KEP-1000", "KEP-2000"]
        assert ids("Implementable") == ["KEP-1000", "KEP-2000"]
        assert ids("superseded") == ["KEP-5000"]
        # no spec of the file has the status 'rejected': the role, which 'withdrawn' has
        assert ids("rejected") == ["KEP-4000"]
        assert ids("withdrawn") == ["KEP-4000"]
        assert ids("provisional") == ["KEP-3000"]

    def test_check_counts_overdue_questions(self, app, capsys):
        app.build()
        assert main(["check", str(app.srcdir)]) == 1
        out = capsys.readouterr().out.splitlines()
        assert "overdue questions: 2" in out
        assert "  implementable: 2" in out
        assert "  spec.lifecycle: 4" in out


# -- the KEP project in text and LaTeX ----------------------------------------------------


def text_rows(text: str) -> list[list[str]]:
    """The rows of the text builder's tables, each cell's wrapped lines joined without spaces."""
    rows: list[list[str]] = []
    cells: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("|") and not line.startswith("|="):
            pieces = [piece.strip() for piece in line.strip().strip("|").split("|")]
            cells = [a + b for a, b in zip(cells or [""] * len(pieces), pieces, strict=True)]
        elif cells is not None:
            rows.append(cells)
            cells = None
    return rows


@pytest.mark.sphinx("text", testroot="status-roles-kep")
def test_kep_text_build_shows_names_filters_and_overdue(app):
    app.build()
    assert located(app, "lifecycle") == KEP_LIFECYCLE
    assert located(app, "option") == KEP_OPTION
    index = (Path(app.outdir) / "index.txt").read_text(encoding="utf-8")
    by_role = index.split("By role accepted")[1].split("By name provisional")[0]
    assert [row[:3] for row in text_rows(by_role)[1:]] == [
        ["KEP-1000", "Graceful node shutdown", "implementable"],
        ["KEP-2000", "Pod inhibitors", "implementable"],
    ]
    questions = index.split("Every question")[1]
    due = [row[3] for row in text_rows(questions) if row[0] != "Question"]
    assert due == ["2026-05-01(overdue)", "2026-07-01", "2026-01-05", "2026-03-15(overdue)"]
    page = (Path(app.outdir) / "kep-1000.txt").read_text(encoding="utf-8")
    assert "implementable" in page


@pytest.mark.sphinx("latex", testroot="status-roles-kep")
def test_kep_latex_build_shows_names_filters_and_overdue(app):
    app.build()
    assert located(app, "lifecycle") == KEP_LIFECYCLE
    tex = next(Path(app.outdir).glob("*.tex")).read_text(encoding="utf-8")
    overdue = re.findall(r"^(.*) \(overdue\)$", tex, re.MULTILINE)
    hyphen = "\\sphinxhyphen{}"
    assert sorted(set(overdue)) == [f"2026{hyphen}03{hyphen}15", f"2026{hyphen}05{hyphen}01"]
    assert "KEP\\sphinxhyphen{}1000}} implementable" in tex
    assert "spec-role" not in tex  # classes are for HTML only


# -- the ADR project ----------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="status-roles-adr")
@pytest.mark.test_params(shared_result="status-roles-adr-html")
class TestAdrHtml:
    def test_lifecycle_checks_go_by_the_role(self, app):
        app.build()
        assert located(app, "lifecycle") == [
            "adr-001.rst:4: spec ADR-001 is accepted but has open blocking questions: "
            "ADR-001.version",
            "adr-002.md:3: spec ADR-002 is superseded by ADR-003 but its status is "
            "'accepted', not 'superseded'",
        ]

    def test_unknown_status_in_myst_names_spec_statuses(self, app):
        app.build()
        assert located(app, "option") == [
            "adr-004.md:3: spec: unknown :status: 'draft' (not in spec_statuses: proposed, "
            "accepted, deprecated, superseded); using 'proposed'"
        ]

    def test_a_role_no_status_has_selects_nothing_without_a_warning(self, app):
        app.build()
        assert view_after(app, "In review").select_one("p.spec-view-empty") is not None
        assert first_column(app, "Accepted") == ["ADR-001", "ADR-002"]

    def test_proposed_is_coloured_as_draft(self, app):
        app.build()
        badge = html(app, "adr-003").select_one("div.spec-card .spec-badge")
        assert {"spec-status-proposed", "spec-role-draft"} <= set(badge["class"])


@pytest.mark.sphinx("text", testroot="status-roles-adr")
def test_adr_text_build_warns_the_same(app):
    app.build()
    assert [line.split(":")[0] for line in located(app, "lifecycle")] == [
        "adr-001.rst",
        "adr-002.md",
    ]
    assert "Use PostgreSQL" in (Path(app.outdir) / "index.txt").read_text(encoding="utf-8")


# -- a wrong mapping ----------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="status-roles-badconf")
def test_a_mapping_to_an_unknown_role_warns_at_conf_py_and_uses_the_default(app):
    app.build()
    [warning] = located(app, "option")[:1]
    assert warning.startswith("conf.py:8: spec_statuses maps 'ready' to 'approved'; expected ")
    assert "lifecycle roles (draft, review, accepted" in warning
    assert located(app, "option")[1] == (
        "index.rst:4: spec: unknown :status: 'provisional' (not in spec_statuses: draft, "
        "review, accepted, implemented, deprecated, superseded, rejected); using 'draft'"
    )


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ({}, "is an empty mapping"),
        ({1: "draft"}, "has the key 1"),
        ({"a": 2}, "maps 'a' to 2"),
        ({"a": "final"}, "maps 'a' to 'final'"),
        ({" ": "draft"}, "has the key ' '"),
    ],
)
def test_wrong_mappings_say_what_was_expected(value, words):
    with pytest.raises(WrongValue, match=re.escape(words)):
        statuses_value(value)


def test_both_forms_give_names_in_order_with_roles():
    assert statuses_value({"proposed": "draft", "final": "accepted"}) == {
        "proposed": "draft",
        "final": "accepted",
    }
    assert statuses_value(["Draft", "Final"]) == {"Draft": "draft", "Final": ""}


# -- imported spec.json -------------------------------------------------------------------


def test_an_imported_spec_without_a_role_takes_its_status_as_role():
    entry = {
        "id": "OLD-1", "title": "Old", "status": "accepted", "owners": [], "stakeholders": [],
        "tags": [], "created": "", "updated": "", "supersedes": [], "depends_on": [],
        "summary": "", "superseded_by": [], "depended_on_by": [], "docname": "old", "line": 1,
        "anchor": "", "url": "old.html",
        "counts": {"approaches": 0, "error_paths": 0, "questions": 0, "questions_open": 0,
                   "questions_blocking": 0, "terms": 0, "diagrams": 0},
    }  # fmt: skip
    content = {"version": 1, "project": "old", "specs": [entry], "objects": []}
    located_at = {"docname": "", "lineno": 3, "source": "conf.py", "project": "old"}
    parsed = parse(json.dumps(content).encode())
    [spec] = records(parsed, located_at, lambda url: url).specs
    assert spec.status_role == "accepted"
    with_role = {**content, "specs": [{**entry, "status": "Final", "status_role": "accepted"}]}
    [final] = records(parse(json.dumps(with_role).encode()), located_at, lambda url: url).specs
    assert (final.status, final.status_role) == ("Final", "accepted")
    assert Spec(id="X", title="X", docname="x", lineno=1, status="Final").status_role == ""


# -- sphinx-spec new ----------------------------------------------------------------------

KEP_CONF = """\
extensions = ["myst_parser", "sphinx_spec"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
print("conf.py ran")
spec_statuses = {"provisional": "draft", "implementable": "accepted"}
"""


@pytest.mark.parametrize("fmt", ["rst", "md"])
def test_new_writes_the_projects_first_status_and_builds_clean(tmp_path, capsys, fmt):
    (tmp_path / "conf.py").write_text(KEP_CONF, encoding="utf-8")
    specs = tmp_path / "keps"
    assert main(["new", "Node shutdown", "--id", "KEP-1", "--format", fmt,
                 "--dir", str(specs)]) == 0  # fmt: skip
    captured = capsys.readouterr()
    assert "conf.py ran" not in captured.out  # what conf.py prints goes to stderr
    text = (specs / f"kep-1.{fmt}").read_text(encoding="utf-8")
    assert re.search(r"^\s*:status: provisional$", text, re.MULTILINE)
    (tmp_path / "index.rst").write_text(
        "KEPs\n====\n\n.. toctree::\n\n   keps/kep-1\n", encoding="utf-8"
    )
    app = build(tmp_path, "text", builddir=tmp_path / "_build")
    assert warnings_of(app) == []


@pytest.mark.parametrize(
    ("conf", "says"),
    [
        ("raise ValueError('boom')\n", "cannot read "),
        ("import sys\nsys.exit(3)\n", "it called sys.exit()"),
        ("def broken(:\n", "SyntaxError"),
        ("spec_statuses = {'a': 'nope'}\n", "spec_statuses in "),
        ("spec_statuses = []\n", "is empty"),
        (None, "no conf.py in "),
    ],
)
def test_new_falls_back_to_draft_with_a_one_line_note(tmp_path, capsys, conf, says):
    project = tmp_path / "project"
    project.mkdir()
    if conf is not None:
        (project / "conf.py").write_text(conf, encoding="utf-8")
    assert main(["new", "Anything", "--id", "X-1", "--dir", str(project)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and says in err[0] and err[0].endswith("writing :status: draft")
    assert "Traceback" not in err[0]
    assert "   :status: draft\n" in (project / "x-1.rst").read_text(encoding="utf-8")


# -- a due date that passes between two builds --------------------------------------------


def test_a_due_date_that_passes_overnight_marks_the_view_without_a_source_change(
    tmp_path, monkeypatch
):
    """No source changes between the builds: only the day does, and the page is written again."""
    src = tmp_path / "src"
    shutil.copytree(Path(__file__).parent / "roots" / "test-status-roles-kep", src)
    conf = (src / "conf.py").read_text(encoding="utf-8")
    (src / "conf.py").write_text(conf.replace('spec_today = "2026-06-01"', ""), encoding="utf-8")
    out = tmp_path / "_build"

    def due_cells(day: datetime.date) -> tuple[list[str], list[str]]:
        monkeypatch.setattr(sphinx_spec.config, "current_date", lambda: day)
        app = build(src, "html", builddir=out)
        rows = view_after(app, "Every question").select("tbody tr")
        return [text_of(row.select("td")[3]) for row in rows], located(app, "lifecycle")

    before, warned_before = due_cells(datetime.date(2026, 4, 1))
    after, warned_after = due_cells(datetime.date(2026, 6, 1))
    assert before == ["2026-05-01", "2026-07-01", "2026-01-05", "2026-03-15 (overdue)"]
    assert after == ["2026-05-01 (overdue)", "2026-07-01", "2026-01-05", "2026-03-15 (overdue)"]
    overdue = [w for w in warned_after if "past its due date" in w]
    assert len([w for w in warned_before if "past its due date" in w]) == 1
    assert overdue == KEP_LIFECYCLE[2:]
