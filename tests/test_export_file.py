"""Where the export goes: ``spec_json_file``, never over a file of the project, every URL set.

A small project has a spec on its root document and one on a sub-page.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from helpers import build, warnings_of
from linking import landing, split_href

from sphinx_spec.specjson import (
    PRIVATE_FIELDS,
    SCHEMA_PATH,
    dumps,
    export,
    parse,
    record_fields,
)
from sphinx_spec.store import store_of

OPENAPI = '{"openapi": "3.1.0", "info": {"title": "Payments API", "version": "1"}}\n'

INDEX = """\
Portfolio
=========

.. spec:: Root spec
   :id: ROOT-1
   :status: draft

   .. spec-approach:: Keep it
      :id: keep
      :decision: Keep what works.

.. toctree::

   specs/sub
"""

SUB = """\
Sub
===

.. spec:: Sub spec
   :id: SUB-1
   :status: draft
"""


def project(root: Path, *conf_lines: str) -> Path:
    src = root / "src"
    (src / "specs").mkdir(parents=True)
    (src / "conf.py").write_text(
        "\n".join(['extensions = ["sphinx_spec"]', 'project = "Export"', *conf_lines]) + "\n",
        encoding="utf-8",
    )
    (src / "index.rst").write_text(INDEX, encoding="utf-8")
    (src / "specs" / "sub.rst").write_text(SUB, encoding="utf-8")
    return src


def with_openapi(src: Path) -> Path:
    (src / "extra").mkdir()
    (src / "extra" / "spec.json").write_text(OPENAPI, encoding="utf-8")
    return src


def export_of(path: Path) -> dict:
    data = parse(path.read_bytes())
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    return data


def test_a_spec_json_in_html_extra_path_is_kept_and_the_export_warns(tmp_path):
    src = with_openapi(project(tmp_path, 'html_extra_path = ["extra"]'))
    app = build(src)
    assert warnings_of(app) == [
        "conf.py:3: WARNING: spec_json_file: spec.json is a file of the project "
        "(html_extra_path provides extra/spec.json); it is kept and the export is not written: "
        "set spec_json_file to another name [spec.option]"
    ]
    assert (Path(app.outdir) / "spec.json").read_text(encoding="utf-8") == OPENAPI
    again = build(src)  # and so on every build, not only the first
    assert len(warnings_of(again)) == 1
    assert (Path(again.outdir) / "spec.json").read_text(encoding="utf-8") == OPENAPI


def test_an_extra_file_entry_of_the_same_name_is_kept(tmp_path):
    src = with_openapi(project(tmp_path, 'html_extra_path = ["extra/spec.json"]'))
    app = build(src)
    assert "html_extra_path provides extra/spec.json" in warnings_of(app)[0]
    assert (Path(app.outdir) / "spec.json").read_text(encoding="utf-8") == OPENAPI


def test_another_name_writes_the_export_beside_the_users_file(tmp_path):
    src = with_openapi(
        project(tmp_path, 'html_extra_path = ["extra"]', 'spec_json_file = "design/specs.json"')
    )
    app = build(src)
    assert warnings_of(app) == []
    assert (Path(app.outdir) / "spec.json").read_text(encoding="utf-8") == OPENAPI
    data = export_of(Path(app.outdir) / "design" / "specs.json")
    assert sorted(spec["id"] for spec in data["specs"]) == ["ROOT-1", "SUB-1"]


def test_a_file_in_the_output_that_is_no_export_is_not_overwritten(tmp_path):
    src = project(tmp_path, 'spec_json_file = "report.json"')
    outdir = tmp_path / "_build" / "html"
    outdir.mkdir(parents=True)
    (outdir / "report.json").write_text('{"coverage": 93}\n', encoding="utf-8")
    app = build(src)
    assert warnings_of(app) == [
        "conf.py:3: WARNING: spec_json_file: report.json is a file of the project (it is not a "
        "spec.json export); it is kept and the export is not written: set spec_json_file to "
        "another name [spec.option]"
    ]
    assert (outdir / "report.json").read_text(encoding="utf-8") == '{"coverage": 93}\n'


def test_the_exports_own_file_is_rewritten_without_a_warning(tmp_path):
    src = project(tmp_path)
    build(src)
    (src / "specs" / "sub.rst").write_text(SUB.replace("Sub spec", "Renamed spec"), "utf-8")
    app = build(src)
    assert warnings_of(app) == []
    titles = {
        spec["id"]: spec["title"] for spec in export_of(Path(app.outdir) / "spec.json")["specs"]
    }
    assert titles["SUB-1"] == "Renamed spec"


@pytest.mark.parametrize("builder", ["html", "dirhtml", "singlehtml"])
def test_every_record_has_a_url_that_lands_on_it(tmp_path, builder):
    app = build(project(tmp_path), builder)
    data = export_of(Path(app.outdir) / "spec.json")
    for record in data["specs"] + data["objects"]:
        page, anchor = split_href(record["url"])
        assert anchor, record["url"]
        file = (page or "index.html") + ("index.html" if page.endswith("/") else "")
        assert landing(Path(app.outdir), file.removeprefix("./"), anchor) is not None


def test_dirhtml_root_document_records_have_their_anchor(tmp_path):
    app = build(project(tmp_path), "dirhtml")
    data = export_of(Path(app.outdir) / "spec.json")
    urls = {
        record.get("full_id") or record.get("id"): record["url"]
        for record in data["specs"] + data["objects"]
    }
    assert urls == {
        "ROOT-1": "./#spec-root-1",
        "ROOT-1.keep": "./#approach-root-1-keep",
        "SUB-1": "specs/sub/#spec-sub-1",
    }


@pytest.mark.parametrize("name", ["spec.json", "design/specs.json"])
def test_the_e_book_leaves_the_export_out_under_any_name(tmp_path, name):
    src = project(
        tmp_path,
        f"spec_json_file = {name!r}",
        'copyright = "2026"',
        'author = "A"',
        'version = "1"',
    )
    build(src, "epub")
    again = build(src, "epub")  # finds the first build's export in the output folder
    assert warnings_of(again) == []
    manifest = (Path(again.outdir) / "content.opf").read_text(encoding="utf-8")
    assert Path(name).name not in manifest
    export_of(Path(again.outdir) / name)


# -- written only when it changed -------------------------------------------------------------


def stat_of(path: Path) -> tuple[int, int]:
    return (path.stat().st_mtime_ns, path.stat().st_size)


@pytest.mark.parametrize(
    "root", ["test-scenarios", "test-verif-e2e", "test-fields-columns", "test-hostile"]
)
def test_the_text_kept_record_by_record_is_the_reference_encoding(tmp_path, rootdir, root):
    """Entries kept from build to build, assembled, equal encoding the whole export at once."""
    src = tmp_path / "src"
    shutil.copytree(rootdir / root, src)
    app = build(src)
    text = (Path(app.outdir) / "spec.json").read_text(encoding="utf-8")
    index = store_of(app.env).index
    reference = dumps(export(index, app.builder, app.config.project))
    assert text == reference
    for record in [*index.local.specs.values(), *index.local.objects.values()]:
        converted = dataclasses.asdict(record)  # what the fields of a record are, in JSON
        expected = {k: v for k, v in converted.items() if k not in PRIVATE_FIELDS}
        expected["line"] = expected.pop("lineno")
        if "fields" in expected:
            expected["fields"] = dict(record.fields)
        assert json.dumps(record_fields(record), sort_keys=True) == json.dumps(
            expected, sort_keys=True
        )
    assert len(export_of(Path(app.outdir) / "spec.json")["objects"]) >= 3


def test_an_empty_project_exports_empty_lists_as_the_reference_does(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinx_spec"]\nproject = "Ünïcode \\"q\\""\n')
    (src / "index.rst").write_text("Empty\n=====\n", encoding="utf-8")
    app = build(src)
    text = (Path(app.outdir) / "spec.json").read_text(encoding="utf-8")
    assert text == dumps(export(store_of(app.env).index, app.builder, app.config.project))
    assert json.loads(text) == {"objects": [], "project": 'Ünïcode "q"', "specs": [], "version": 1}


def test_a_build_with_nothing_changed_leaves_the_file_untouched(tmp_path):
    src = project(tmp_path)
    first = build(src)
    target = Path(first.outdir) / "spec.json"
    before = stat_of(target)
    again = build(src)
    assert warnings_of(again) == []
    assert stat_of(target) == before


def test_an_edit_that_changes_nothing_exported_leaves_the_file_untouched(tmp_path):
    src = project(tmp_path)
    first = build(src)
    target = Path(first.outdir) / "spec.json"
    before = stat_of(target)
    (src / "specs" / "sub.rst").write_text(SUB + "\nMore prose, no record.\n", "utf-8")
    build(src)
    assert stat_of(target) == before


def test_a_removed_export_is_written_again_with_nothing_changed(tmp_path):
    src = project(tmp_path)
    first = build(src)
    target = Path(first.outdir) / "spec.json"
    text = target.read_text(encoding="utf-8")
    target.unlink()
    build(src)
    assert target.read_text(encoding="utf-8") == text


def test_an_export_edited_by_hand_is_written_again_with_nothing_changed(tmp_path):
    src = project(tmp_path)
    first = build(src)
    target = Path(first.outdir) / "spec.json"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("Root spec", "Hand-edited"), encoding="utf-8")
    app = build(src)
    assert warnings_of(app) == []
    assert target.read_text(encoding="utf-8") == text


def test_a_file_put_in_the_exports_place_after_a_build_is_kept(tmp_path):
    src = project(tmp_path)
    first = build(src)
    target = Path(first.outdir) / "spec.json"
    target.write_text(OPENAPI, encoding="utf-8")
    app = build(src)
    assert "it is not a spec.json export" in warnings_of(app)[0]
    assert target.read_text(encoding="utf-8") == OPENAPI


def test_a_setting_the_urls_read_changes_the_export_without_a_change_of_document(tmp_path):
    src = project(tmp_path)
    build(src)
    conf = src / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + 'html_file_suffix = ".htm"\n', "utf-8")
    app = build(src)
    urls = [spec["url"] for spec in export_of(Path(app.outdir) / "spec.json")["specs"]]
    assert sorted(urls) == ["index.htm#spec-root-1", "specs/sub.htm#spec-sub-1"]


def test_an_export_written_again_is_as_readable_as_the_pages(tmp_path):
    src = project(tmp_path)
    build(src)
    (src / "specs" / "sub.rst").write_text(SUB.replace("Sub spec", "Renamed spec"), "utf-8")
    app = build(src)
    outdir = Path(app.outdir)
    mode = (outdir / "spec.json").stat().st_mode & 0o777
    assert mode == (outdir / "index.html").stat().st_mode & 0o777
    assert [p.name for p in outdir.iterdir() if p.name.startswith(".spec.json")] == []
    assert "Renamed spec" in (outdir / "spec.json").read_text(encoding="utf-8")
