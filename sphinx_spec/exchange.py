"""``spec.json``: every spec and object of the project, machine-readable.

Written to the output directory when the build finishes (``spec_json``),
sorted and indented so that two builds of the same sources give the same
bytes. ``schema/spec.schema.json`` in the package describes it.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders import Builder

from sphinx_spec.model import Located, Spec, SpecObject
from sphinx_spec.store import SpecIndex, get_store

#: The format's version; bumped when a field changes meaning or disappears.
FORMAT_VERSION = 1
SCHEMA_PATH = Path(__file__).parent / "schema" / "spec.schema.json"
#: Fields that describe the build machine rather than the spec: left out of the export.
PRIVATE_FIELDS = {"source", "id_explicit", "project", "href"}


def record_fields(record: Located) -> dict[str, Any]:
    fields = {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in dataclasses.asdict(record).items()
        if name not in PRIVATE_FIELDS
    }
    fields["line"] = fields.pop("lineno")
    return fields


def url_of(builder: Builder, record: Located) -> str:
    """The record's address relative to the output directory.

    Empty for builders whose output has no per-page web addresses (LaTeX,
    text, man, …). In ``singlehtml`` every record is on the one page.
    """
    if builder.format != "html":
        return ""
    try:
        page = builder.get_target_uri(record.docname)
    except Exception:  # a document the builder does not write
        return ""
    if page.startswith("#"):  # singlehtml: "#document-<docname>" on the root page
        page = f"{builder.config.root_doc}{getattr(builder, 'out_suffix', '.html')}"
    return f"{page}#{record.anchor}" if page and record.anchor else page


def spec_entry(index: SpecIndex, builder: Builder, spec: Spec) -> dict[str, Any]:
    entry = record_fields(spec)
    entry["url"] = url_of(builder, spec)
    entry["superseded_by"] = index.relations.superseded_by.get(spec.id, [])
    entry["depended_on_by"] = index.relations.depended_on_by.get(spec.id, [])
    entry["counts"] = dataclasses.asdict(index.counts_for(spec.id))
    return entry


def object_entry(builder: Builder, obj: SpecObject) -> dict[str, Any]:
    entry = record_fields(obj)
    entry.update(kind=obj.kind, full_id=obj.full_id, url=url_of(builder, obj))
    return entry


def export(index: SpecIndex, builder: Builder, project: str) -> dict[str, Any]:
    """The whole document: specs by id, objects by kind and full id; imported records left out."""
    specs = [
        spec_entry(index, builder, index.specs[key])
        for key in sorted(index.specs)
        if not index.specs[key].external
    ]
    objects = [
        object_entry(builder, index.objects[key])
        for key in sorted(index.objects)
        if not index.objects[key].external
    ]
    return {"version": FORMAT_VERSION, "project": project, "specs": specs, "objects": objects}


def write_spec_json(app: Sphinx, exception: BaseException | None) -> None:
    """Write ``spec.json`` next to the pages, for builders that write files."""
    if exception is not None or not app.config.spec_json or app.builder.name == "dummy":
        return
    data = export(get_store(app.env).index, app.builder, app.config.project)
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    target = Path(app.outdir) / "spec.json"
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def setup_exchange(app: Sphinx) -> None:
    app.connect("build-finished", write_spec_json)
