"""Records for the unit tests, with only the fields a test cares about."""

from __future__ import annotations

from typing import Any

from sphinx_spec.index import ImportedSpecs
from sphinx_spec.model import Spec, SpecObject
from sphinx_spec.store import SpecStore


def spec(spec_id: str, docname: str = "", **fields: Any) -> Spec:
    """A spec in document *docname* (default: its id, lower-cased)."""
    docname = docname or spec_id.lower()
    fields.setdefault("title", spec_id)
    return Spec(id=spec_id, docname=docname, lineno=3, anchor=f"spec-{spec_id}", **fields)


def obj(cls: type[SpecObject], owner: Spec, local_id: str, **fields: Any) -> SpecObject:
    """An object of *owner*'s document, with *local_id*."""
    fields.setdefault("title", local_id)
    fields.setdefault("lineno", 10)
    return cls(
        local_id=local_id,
        spec_id=owner.id,
        docname=owner.docname,
        anchor=f"{cls.kind}-{owner.id}-{local_id}",
        project=owner.project,
        **fields,
    )


def imported(spec_id: str, project: str = "Other", **fields: Any) -> Spec:
    """A spec of another project, as ``spec_import`` reads it."""
    fields.setdefault("title", spec_id)
    return Spec(
        id=spec_id,
        docname="",
        source="/docs/conf.py",
        lineno=7,
        anchor=f"spec-{spec_id}",
        project=project,
        href=f"https://other.example.org/{spec_id.lower()}.html",
        **fields,
    )


def store(
    *documents: tuple[Spec, list[SpecObject]], imports: list[ImportedSpecs] = ()
) -> SpecStore:
    """A store holding *documents* (a spec and its objects each) and *imports*."""
    result = SpecStore()
    for record, objects in documents:
        result.add_document(record.docname, record, objects, (), ())
    result.set_imported(imports)
    return result
