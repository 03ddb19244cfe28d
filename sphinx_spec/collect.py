"""Collect each document's records into the store; keep the store in step with the build.

Directives leave their record on the node they emit. After a document is
parsed, :class:`CollectSpecRecords` settles what needs the whole document —
which spec the objects belong to, derived and sequence ids, anchors,
duplicates, orphans — and files the records under the document's name.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform

from sphinx_spec.diagrams import draw_flows
from sphinx_spec.model import ErrorPath, Flow, Spec, SpecObject, Term
from sphinx_spec.nodes import spec_card_details, spec_view
from sphinx_spec.report import warn
from sphinx_spec.store import Reference, SpecStore, get_store

Marked = tuple[nodes.Element, Any]


def take_records(document: nodes.document) -> list[Marked]:
    """Every node a directive marked with its record, in document order."""
    marked = [
        (node, node.attributes.pop("spec_record"))
        for node in document.findall(nodes.Element)
        if "spec_record" in node.attributes
    ]
    return marked


def spec_references(document: nodes.document) -> Iterator[Reference]:
    """The spec objects a document links to, for re-writing it when they change."""
    for ref in document.findall(addnodes.pending_xref):
        domain, kind = ref.get("refdomain"), ref.get("reftype")
        if domain == "spec" or kind == "any" or (domain == "std" and kind == "term"):
            yield Reference(kind, ref.get("reftarget", ""), ref.get("spec_step") or 0)


class CollectSpecRecords(SphinxTransform):
    """Assign ids and anchors to the document's spec records and store them."""

    default_priority = 500

    def apply(self, **kwargs: Any) -> None:
        docname = self.env.docname
        store = get_store(self.env)
        marked = take_records(self.document)
        specs = [(node, record) for node, record in marked if isinstance(record, Spec)]
        objects = [(node, record) for node, record in marked if not isinstance(record, Spec)]
        spec = self.register_specs(specs, store)
        collected = self.settle_objects(objects, spec)
        if spec is not None:
            store.add_objects(docname, collected)
        else:
            reason = "whose 'spec' has no valid :id:" if specs else "without a 'spec' directive"
            for _node, record in objects:
                warn(
                    f"{record.label} {record.title!r} is in a document {reason}; "
                    "it is not collected",
                    "orphan",
                    record.location,
                )
        store.note_references(docname, spec_references(self.document))
        store.note_views(docname, [node["query"] for node in self.document.findall(spec_view)])

    def register_specs(self, specs: list[Marked], store: SpecStore) -> Spec | None:
        """Register the first spec of the document if its id is valid; more are duplicates."""
        registered: Spec | None = None
        for n, (node, record) in enumerate(specs):
            if n:
                first = specs[0][1]
                warn(
                    f"a document describes one spec: {record.id or record.title!r} repeats "
                    f"the 'spec' directive (first: {first.id or first.title!r} at line "
                    f"{first.lineno})",
                    "duplicate",
                    record.location,
                )
            elif record.id:
                registered = dataclasses.replace(
                    record, anchor=self.anchor(node, f"spec-{record.id}")
                )
                store.add_spec(registered)
                for details in node.findall(spec_card_details):
                    details["spec"] = registered
        return registered

    def settle_objects(self, objects: list[Marked], spec: Spec | None) -> list[SpecObject]:
        """Final ids and anchors for the objects; returns those that are collected."""
        ids = ObjectIds()
        for _node, record in objects:
            if record.id_explicit:
                ids.reserve(record)
        collected = []
        settled = []
        for node, record in objects:
            local_id = ids.settle(record)
            prefix = f"{record.kind}-{spec.id}" if spec else record.kind
            final = dataclasses.replace(
                record,
                local_id=local_id or record.local_id,
                spec_id=spec.id if spec else "",
                anchor=self.anchor(node, f"{prefix}-{local_id}") if local_id else "",
            )
            show_id(node, final.local_id)
            if isinstance(final, Flow) and final.anchor:
                anchor_steps(self.document, node, final)
            settled.append((node, final))
            if local_id:
                collected.append(final)
        draw_flows(settled)
        return collected

    def anchor(self, node: nodes.Element, name: str) -> str:
        """A stable anchor from *name*, unique in this document, as a target in *node*."""
        base = nodes.make_id(name)
        anchor, n = base, 1
        while anchor in self.document.ids:
            n += 1
            anchor = f"{base}-{n}"
        add_target(self.document, node, anchor)
        return anchor


class ObjectIds:
    """Local ids within one spec: explicit ones first, derived ones around them."""

    def __init__(self) -> None:
        self.first: dict[tuple[str, str], SpecObject] = {}
        self.taken: set[tuple[str, str]] = set()
        self.seen: Counter[str] = Counter()

    def reserve(self, record: SpecObject) -> None:
        self.first.setdefault((record.kind, record.local_id), record)

    def settle(self, record: SpecObject) -> str:
        """The record's id, or ``""`` when it duplicates an explicit one (warned)."""
        self.seen[record.kind] += 1
        if record.id_explicit:
            return self.take_explicit(record)
        if isinstance(record, ErrorPath):
            return self.take_free(record.kind, "A", self.seen[record.kind], "")
        return self.take_free(record.kind, record.local_id, 1, "-")

    def take_explicit(self, record: SpecObject) -> str:
        key = (record.kind, record.local_id)
        if key in self.taken:
            first = self.first[key]
            warn(
                f"{record.label} id {record.local_id!r} is used twice in this spec "
                f"(first at line {first.lineno})",
                "duplicate",
                record.location,
            )
            return ""
        self.taken.add(key)
        return record.local_id

    def take_free(self, kind: str, stem: str, n: int, sep: str) -> str:
        candidate = f"{stem}{n}" if not sep else stem
        while (kind, candidate) in self.taken or (kind, candidate) in self.first:
            n += 1
            candidate = f"{stem}{sep}{n}"
        self.taken.add((kind, candidate))
        return candidate


def show_id(node: nodes.Element, local_id: str) -> None:
    """Write the final id into the slot the directive left in the title line."""
    for slot in node.findall(nodes.literal):
        if "spec-id" in slot["classes"]:
            slot.children = []
            slot += nodes.Text(local_id)
            return


def add_target(document: nodes.document, node: nodes.Element, anchor: str) -> None:
    """Anchor *node* with a leading ``target``: every writer, LaTeX included, emits one."""
    target = nodes.target("", "", ids=[anchor])
    node.insert(0, target)
    document.ids[anchor] = target


def anchor_steps(document: nodes.document, node: nodes.Element, flow: Flow) -> None:
    for steps in node.findall(nodes.enumerated_list):
        if "spec-flow-steps" in steps["classes"]:
            for number, item in enumerate(steps.children, start=1):
                if isinstance(item, nodes.Element):
                    add_target(document, item, flow.step_anchor(number))
            return


def register_terms(env: BuildEnvironment, terms: list[Term]) -> None:
    """List every spec term (and alias) as a standard ``term`` object.

    That puts it in ``objects.inv`` as ``std:term`` and lets ``:term:`` find
    it by its exact name; other spellings are resolved by ``domain``. A name
    that an ordinary ``glossary`` defines stays the glossary's and warns
    ``spec.glossary``.
    """
    std_objects: dict[tuple[str, str], tuple[str, str]] = env.get_domain("std").objects  # type: ignore[attr-defined]
    ours = {(term.docname, term.anchor) for term in terms}
    defined = {name.lower(): where for (kind, name), where in std_objects.items() if kind == "term"}
    for term in terms:
        for name in term.names:
            existing = defined.setdefault(name.lower(), (term.docname, term.anchor))
            if existing == (term.docname, term.anchor):
                std_objects["term", name] = existing
            elif existing not in ours:
                warn(
                    f"spec term {name!r} clashes with the glossary term in {existing[0]!r}; "
                    ":term: keeps pointing at the glossary",
                    "glossary",
                    term.location,
                )


def purge_document(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    get_store(env).purge(docname)


def merge_documents(
    app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
) -> None:
    get_store(env).merge(docnames, get_store(other))


def derive_project_data(app: Sphinx, env: BuildEnvironment) -> None:
    """After reading: build the cross-document index once, register terms."""
    index = get_store(env).index
    terms = [obj for obj in index.objects.values() if isinstance(obj, Term) and not obj.external]
    register_terms(env, sorted(terms, key=lambda t: (t.docname, t.lineno)))


def setup_collect(app: Sphinx) -> None:
    app.add_transform(CollectSpecRecords)
    app.connect("env-purge-doc", purge_document)
    app.connect("env-merge-info", merge_documents)
    app.connect("env-updated", derive_project_data)
