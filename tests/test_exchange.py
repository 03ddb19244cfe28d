"""spec.json: every spec and object, valid against the shipped schema, byte-for-byte stable."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import helpers
import jsonschema
import pytest
from helpers import warnings_of
from sphinx.testing.util import SphinxTestApp

DEMO = Path(__file__).parent.parent / "demo"
ROOTS = Path(__file__).parent / "roots"


def schema() -> dict:
    text = resources.files("sphinx_spec").joinpath("schema/spec.schema.json").read_text("utf-8")
    return json.loads(text)


def build(source: Path, dest: Path, builder: str = "html", **conf) -> SphinxTestApp:
    srcdir = dest / "src"
    if not srcdir.exists():
        shutil.copytree(source, srcdir, ignore=shutil.ignore_patterns("_build"))
    return helpers.build(srcdir, builder, confoverrides=conf)


def exported(app: SphinxTestApp) -> dict:
    return json.loads((Path(app.outdir) / "spec.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> SphinxTestApp:
    return build(DEMO, tmp_path_factory.mktemp("demo"))


def test_the_shipped_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(schema())


def test_demo_export_validates_against_the_schema(demo):
    jsonschema.validate(exported(demo), schema(), cls=jsonschema.Draft202012Validator)


def test_a_project_with_every_directive_validates(tmp_path):
    app = build(ROOTS / "test-directives", tmp_path)
    data = exported(app)
    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
    kinds = {obj["kind"] for obj in data["objects"]}
    assert kinds == {
        "goal", "non-goal", "approach", "concession", "flow", "error", "diagram", "question", "term"
    }  # fmt: skip


def test_specs_carry_reverse_links_counts_and_urls(demo):
    specs = {spec["id"]: spec for spec in exported(demo)["specs"]}
    assert list(specs) == ["AUTH-002", "PAY-000", "PAY-001"]
    assert specs["PAY-000"]["superseded_by"] == ["PAY-001"]
    assert specs["AUTH-002"]["depended_on_by"] == ["PAY-001"]
    assert specs["PAY-001"]["counts"]["approaches"] == 3
    assert specs["PAY-001"]["url"] == "specs/payment-retries.html#spec-pay-001"
    assert specs["PAY-001"]["docname"] == "specs/payment-retries"
    assert specs["PAY-001"]["line"] == 4


def test_objects_carry_their_fields_and_urls(demo):
    objects = {(obj["kind"], obj["full_id"]): obj for obj in exported(demo)["objects"]}
    storage = objects["approach", "PAY-001.storage"]
    assert storage["status"] == "chosen"
    assert storage["url"] == "specs/payment-retries.html#approach-pay-001-storage"
    assert "source" not in storage and "id_explicit" not in storage
    error = objects["error", "PAY-001.A1"]
    assert (error["flow"], error["step"]) == ("checkout", 2)


def test_two_builds_write_identical_bytes(tmp_path):
    first = build(DEMO, tmp_path / "one")
    second = build(DEMO, tmp_path / "two")
    one = (Path(first.outdir) / "spec.json").read_bytes()
    assert one == (Path(second.outdir) / "spec.json").read_bytes()
    assert json.loads(one)["version"] == 1


def test_spec_json_false_writes_nothing(tmp_path):
    app = build(DEMO, tmp_path, spec_json=False)
    assert not (Path(app.outdir) / "spec.json").exists()


@pytest.mark.parametrize("builder", ["text", "latex", "epub"])
def test_other_builders_write_it_too(tmp_path, builder):
    app = build(DEMO, tmp_path, builder)
    jsonschema.validate(exported(app), schema(), cls=jsonschema.Draft202012Validator)


def test_a_second_epub_build_does_not_warn_about_spec_json(tmp_path):
    build(DEMO, tmp_path, "epub")
    again = build(DEMO, tmp_path, "epub")
    assert warnings_of(again) == []


@pytest.mark.parametrize(
    ("builder", "page"),
    [
        ("html", "specs/payment-retries.html"),
        ("dirhtml", "specs/payment-retries/"),
        ("singlehtml", "index.html"),
        ("epub", "specs/payment-retries.xhtml"),
    ],
)
def test_urls_point_at_the_page_that_holds_the_spec(tmp_path, builder, page):
    app = build(DEMO, tmp_path, builder)
    specs = {spec["id"]: spec for spec in exported(app)["specs"]}
    assert specs["PAY-001"]["url"] == f"{page}#spec-pay-001"
    written = Path(app.outdir) / (page + "index.html" if page.endswith("/") else page)
    assert 'id="spec-pay-001"' in written.read_text(encoding="utf-8")
    jsonschema.validate(exported(app), schema(), cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize("builder", ["latex", "text"])
def test_builders_without_web_pages_export_no_urls(tmp_path, builder):
    app = build(DEMO, tmp_path, builder)
    data = exported(app)
    assert {record["url"] for record in data["specs"] + data["objects"]} == {""}
    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
