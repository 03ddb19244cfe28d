"""Custom fields (``spec_fields``) and the views' ``:columns:`` and ``:sort:``.

The project ``test-fields-columns`` declares four good fields (text, list,
date, choice) and four wrong ones; ``specs/kep1.rst`` (reStructuredText) and
``specs/kep2.md`` (MyST) set them on specs and approaches, ``views.rst`` and
``myst-views.md`` filter, choose columns and sort.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from helpers import build, html, located, text_of, warnings_of

from sphinx_spec.cli import main
from sphinx_spec.specjson import SCHEMA_PATH, FormatProblem, parse

ROOT = Path(__file__).parent / "roots" / "test-fields-columns"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The project built once with each builder: ``{builder: app}``."""
    base = tmp_path_factory.mktemp("fields")
    src = base / "src"
    shutil.copytree(ROOT, src)
    builders = ("html", "latex", "text")
    return {name: build(src, name, builddir=base / f"_build-{name}") for name in builders}


def table_rows(app, docname: str, section: str) -> list[list[str]]:
    """The header row and body rows of the first view table in *section* of an HTML page."""
    table = html(app, docname).find("section", id=section).find("table")
    return [[text_of(cell) for cell in row.find_all(["th", "td"])] for row in table.find_all("tr")]


def text_section(app, docname: str, heading: str) -> str:
    """The text build's lines from *heading* to the next heading."""
    text = (Path(app.outdir) / f"{docname}.txt").read_text(encoding="utf-8")
    start = text.index(f"\n{heading}\n")
    end = text.find("\n\n\n", start + len(heading) + 2)
    return text[start : end if end > 0 else None]


# -- conf.py -----------------------------------------------------------------------------------


def test_wrong_entries_warn_at_their_conf_line_and_are_dropped(built):
    warned = [line for line in located(built["html"], "option") if line.startswith("conf.py")]
    assert warned == [
        "conf.py:14: spec_fields entry {'name': 'Bad Name', 'directives': ['spec'], 'type': "
        "'text'} has no valid name (lower-case letters, digits and '-', a letter first); "
        "the entry is ignored",
        "conf.py:15: spec_fields entry {'name': 'sig', 'directives': ['spec-nothing'], 'type': "
        "'te… names unknown directives spec-nothing (known: spec, spec-goal, non-goal, "
        "spec-approach, spec-concession, spec-flow, error-path, spec-diagram, open-question, "
        "spec-term, spec-approval); the entry is ignored",
        "conf.py:16: spec_fields entry {'name': 'severity', 'directives': ['spec'], 'type': "
        "'text'} clashes with a built-in option or column of the views; the entry is ignored",
        "conf.py:17: spec_fields entry {'name': 'size', 'directives': ['spec'], 'type': "
        "'number'} has type 'number'; expected 'text', 'list', 'date' or a list of allowed "
        "values; the entry is ignored",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("'milestone'", "is a str, not a list of fields"),
        ("[{'name': 'status', 'directives': ['spec']}]", "clashes with a built-in option"),
        ("[{'name': 'owner', 'directives': ['spec-approach']}]", "clashes with a built-in"),
        ("[{'name': 'x', 'directives': 'spec', 'type': 'text', 'colour': 1}]", "is not a dict"),
        ("[{'name': 'x'}, {'name': 'x'}]", "declares 'x' twice"),
        ("[{'name': 'x', 'type': []}]", "has type []"),
    ],
)
def test_other_wrong_values_warn(tmp_path, value, expected):
    (tmp_path / "conf.py").write_text(
        f'extensions = ["sphinx_spec"]\nspec_fields = {value}\n', encoding="utf-8"
    )
    (tmp_path / "index.rst").write_text("Home\n====\n", encoding="utf-8")
    app = build(tmp_path, "dummy")
    warned = located(app, "option")
    assert len(warned) == 1
    assert warned[0].startswith(f"{tmp_path.name}/conf.py:2:") or warned[0].startswith("conf.py:2:")
    assert expected in warned[0]


# -- directives --------------------------------------------------------------------------------


def card_fields(app, docname: str) -> dict[str, str]:
    card = html(app, docname).find(class_="spec-card")
    names = [text_of(name).rstrip(":").strip() for name in card.find_all("dt")]
    return dict(zip(names, [text_of(body) for body in card.find_all("dd")], strict=True))


def test_the_card_shows_custom_fields_in_rst_and_myst(built):
    rst = card_fields(built["html"], "specs/kep1")
    assert {k: rst[k] for k in ("milestone", "platforms", "ga", "stage")} == {
        "milestone": "v1.30",
        "platforms": "linux, windows",
        "ga": "2026-08-01",
        "stage": "beta",
    }
    myst = card_fields(built["html"], "specs/kep2")
    assert {k: myst.get(k) for k in ("milestone", "platforms", "ga", "stage")} == {
        "milestone": "v1.31",
        "platforms": "windows",
        "ga": None,  # not a date: warned, left out
        "stage": "alpha",
    }


def test_an_object_shows_its_custom_fields(built):
    page = html(built["html"], "specs/kep1")
    hook = page.find(id="approach-kep-1-hook").parent
    assert "platforms : linux stage : stable" in text_of(hook.find("dl"))
    drain = html(built["html"], "specs/kep2").find(id="approach-kep-2-drain").parent
    assert "platforms : windows, linux" in text_of(drain.find("dl"))


def test_bad_values_warn_located_and_declared_fields_are_known(built):
    warned = [line for line in located(built["html"], "option") if line.startswith("specs/")]
    assert warned == [
        "specs/kep1.rst:22: spec-approach: unknown option :colour: (known: :id:, :decision:, "
        ":rationale:, :impact:, :alternatives:, :status:, :revisit:, :platforms:, :stage:); "
        "ignored",
        "specs/kep1.rst:22: spec-approach: unknown :stage: 'gamma' (expected one of: alpha, "
        "beta, stable); using ''",
        "specs/kep2.md:3: spec: :ga: 'next year' is not a date (expected YYYY-MM-DD)",
    ]


@pytest.mark.parametrize("builder", ["latex", "text"])
def test_other_builders_show_the_fields(built, builder):
    app = built[builder]
    if builder == "text":
        card = (Path(app.outdir) / "specs" / "kep1.txt").read_text(encoding="utf-8")
        assert "milestone:\n   v1.30" in card
        assert "platforms:\n   linux, windows" in card
    else:
        tex = (Path(app.outdir) / "fields.tex").read_text(encoding="utf-8")
        assert "milestone" in tex and "v1.30" in tex and "linux, windows" in tex


# -- spec.json and sphinx-spec query -----------------------------------------------------------


def exported(app) -> dict:
    return json.loads((Path(app.outdir) / "spec.json").read_text(encoding="utf-8"))


def test_spec_json_exports_the_fields_and_validates(built):
    data = exported(built["html"])
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    specs = {spec["id"]: spec["fields"] for spec in data["specs"]}
    assert specs["KEP-1"] == {
        "milestone": "v1.30",
        "platforms": ["linux", "windows"],
        "ga": "2026-08-01",
        "stage": "beta",
    }
    assert specs["KEP-3"] == {"milestone": "v1.30"}
    objects = {obj["full_id"]: obj["fields"] for obj in data["objects"]}
    assert objects["KEP-1.hook"] == {"platforms": ["linux"], "stage": "stable"}
    assert objects["KEP-1.sidecar"] == {}


@pytest.mark.parametrize(
    "fields", [{"milestone": 3}, {"Bad Name": "x"}, {"platforms": ["a", 1]}, ["milestone"]]
)
def test_a_spec_json_with_badly_shaped_fields_is_refused(built, fields):
    data = exported(built["html"])
    data["specs"][0]["fields"] = fields
    with pytest.raises(FormatProblem, match="does not match the spec.json schema"):
        parse(json.dumps(data).encode())


def query(app, capsys, *args: str) -> list[str]:
    assert main(["query", str(Path(app.outdir) / "spec.json"), "--json", *args]) == 0
    return [r.get("full_id") or r["id"] for r in json.loads(capsys.readouterr().out)]


def test_query_filters_by_custom_fields(built, capsys):
    app = built["html"]
    assert query(app, capsys, "--kind", "spec", "--field", "milestone=v1.30") == ["KEP-1", "KEP-3"]
    assert query(app, capsys, "--field", "platforms=windows", "--field", "stage=ALPHA") == ["KEP-2"]
    # objects have their spec's fields too; their own win
    assert query(app, capsys, "--kind", "approach", "--field", "milestone=v1.30") == [
        "KEP-1.hook",
        "KEP-1.sidecar",
    ]
    assert query(app, capsys, "--kind", "approach", "--field", "stage=stable,alpha") == [
        "KEP-1.hook"
    ]


@pytest.mark.parametrize("bad", ["milestone", "=v1", "milestone="])
def test_query_field_needs_name_and_value(built, capsys, bad):
    with pytest.raises(SystemExit) as stopped:
        main(["query", str(Path(built["html"].outdir) / "spec.json"), "--field", bad])
    assert stopped.value.code == 2
    assert "is not NAME=VALUE" in capsys.readouterr().err


# -- views -------------------------------------------------------------------------------------


def ids(rows: list[list[str]], column: int = 0) -> list[str]:
    return [row[column] for row in rows[1:]]


def test_views_filter_by_custom_fields(built):
    app = built["html"]
    assert ids(table_rows(app, "views", "milestone-filter")) == ["KEP-1", "KEP-3"]
    assert ids(table_rows(app, "views", "platform-filter")) == ["KEP-1", "KEP-2"]
    assert ids(table_rows(app, "views", "stage-filter")) == ["Admission hook", "Drain first"]
    assert ids(table_rows(app, "myst-views", "milestone-filter")) == ["KEP-2"]


def test_columns_choose_and_order_and_sort_descending(built):
    rows = table_rows(built["html"], "views", "columns")
    assert rows == [
        ["milestone", "ID", "Status"],
        ["v1.30", "KEP-3", "implemented"],  # updated 2026-06-30
        ["v1.30", "KEP-1", "accepted"],  # 2026-03-01
        ["v1.31", "KEP-2", "draft"],  # 2026-01-15
    ]


def test_sort_ascending_keeps_the_default_order_of_ties(built):
    rows = table_rows(built["html"], "views", "sorted-ascending")
    assert rows[0][:3] == ["ID", "Title", "Status"]
    assert ids(rows) == ["KEP-1", "KEP-3", "KEP-2"]


def test_object_view_columns_show_object_then_spec_fields(built):
    rows = table_rows(built["html"], "views", "approach-columns")
    assert rows == [
        ["Approach", "platforms", "milestone", "stage"],
        ["Admission hook", "linux", "v1.30", "stable"],
        ["Drain first", "windows, linux", "v1.31", "beta"],
        ["Sidecar", "", "v1.30", ""],
    ]


def test_empty_cells_sort_last_in_myst(built):
    rows = table_rows(built["html"], "myst-views", "columns")
    assert rows == [["ga", "ID"], ["2026-08-01", "KEP-1"], ["", "KEP-2"], ["", "KEP-3"]]


def test_unknown_columns_and_sort_warn_at_the_directive_and_the_rest_renders(built):
    app = built["html"]
    warned = [line for line in located(app, "option") if "views" in line.split(":")[0]]
    known = "id, title, status, owners, tags, open-questions, blocking, updated, "
    known += "created, stakeholders, milestone, platforms, ga, stage"
    approach_known = (
        "approach, decision, rationale, impact, status, spec, alternatives, revisit, milestone, "
    )
    approach_known += "platforms, ga, stage"
    assert warned == [
        "myst-views.md:18: spec-tradeoffs: unknown :stage: 'gamma' (expected one of: alpha, "
        "beta, stable); ignored",
        f"myst-views.md:18: spec-tradeoffs: unknown column 'colour' in :columns: (known: "
        f"{approach_known}); ignored",
        f"myst-views.md:18: spec-tradeoffs: :sort: 'bogus' is not a column and an order "
        f"(columns: {approach_known}; orders: asc, desc); using the default order",
        f"views.rst:45: spec-index: unknown column 'colour' in :columns: (known: {known}); ignored",
        f"views.rst:45: spec-index: :sort: 'size up' is not a column and an order (columns: "
        f"{known}; orders: asc, desc); using the default order",
    ]
    assert table_rows(app, "views", "unknown-columns") == [
        ["ID", "Title"],
        ["KEP-1", "Pod inhibitor"],
        ["KEP-2", "Graceful shutdown"],
        ["KEP-3", "Quotas"],
    ]


def test_graph_columns_label_the_nodes_and_sort_orders_them(built):
    links = html(built["html"], "views").find(id="graph").find(class_="spec-graph-links")
    assert [text_of(item) for item in links.find_all("li")] == [
        "KEP-3 · v1.30",
        "KEP-2 · v1.31",
        "KEP-1 · v1.30",
    ]


def test_text_and_latex_show_chosen_columns_in_order(built):
    text = text_section(built["text"], "views", "Columns")
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    assert [line.split("|")[1:4] for line in lines][0] == [
        " milestone    ",
        " ID         ",
        " Status     ",
    ]
    assert [line.split("|")[2].strip() for line in lines if "KEP" in line] == [
        "KEP-3",
        "KEP-1",
        "KEP-2",
    ]
    tex = (Path(built["latex"].outdir) / "fields.tex").read_text(encoding="utf-8")
    columns = tex[tex.index("{Columns}") : tex.index("{Sorted ascending}")]
    assert columns.index("milestone") < columns.index("ID") < columns.index("Status")
    assert columns.index("KEP\\sphinxhyphen{}3") < columns.index("KEP\\sphinxhyphen{}1")
    assert columns.index("KEP\\sphinxhyphen{}1") < columns.index("KEP\\sphinxhyphen{}2")


def test_no_unexpected_warnings(built):
    for app in built.values():
        others = [line for line in warnings_of(app) if "[spec.option]" not in line]
        assert others == []


# -- federation --------------------------------------------------------------------------------


def test_imported_specs_keep_their_fields_for_views(built, tmp_path):
    exported_file = Path(built["html"].outdir) / "spec.json"
    (tmp_path / "conf.py").write_text(
        'extensions = ["sphinx_spec"]\n'
        f"spec_import = [{str(exported_file)!r}]\n"
        'spec_fields = [{"name": "milestone", "directives": ["spec"], "type": "text"}]\n',
        encoding="utf-8",
    )
    (tmp_path / "index.rst").write_text(
        "Home\n====\n\n.. spec-index::\n   :milestone: v1.31\n   :columns: id, milestone\n",
        encoding="utf-8",
    )
    app = build(tmp_path, "html")
    table = html(app, "index").find("table")
    rows = [[text_of(c) for c in row.find_all(["th", "td"])] for row in table.find_all("tr")]
    assert rows == [["ID", "milestone"], ["KEP-2 (fields)", "v1.31"]]


def test_a_changed_field_updates_the_views_of_other_pages(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    build(src, "html")
    kep3 = src / "specs" / "kep3.rst"
    kep3.write_text(kep3.read_text(encoding="utf-8").replace("v1.30", "v1.31"), encoding="utf-8")
    app = build(src, "html")
    assert ids(table_rows(app, "views", "milestone-filter")) == ["KEP-1"]
    assert ids(table_rows(app, "myst-views", "milestone-filter")) == ["KEP-2", "KEP-3"]
