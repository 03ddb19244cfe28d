"""Settle each record a directive drafted: its spec, its final id, its anchor.

Directives leave a draft record on the node they emit. Once the whole
document is parsed, :class:`SettleRecords` decides what needs the whole
document — which spec the objects belong to, derived and sequence ids,
anchors, duplicates and orphans (warned here, while the document is read) —
and leaves the final record on the node, for the flow diagrams
(:mod:`sphinx_spec.diagrams`) and for the collector
(:mod:`sphinx_spec.collector`), which files the records that
:func:`is_collected` accepts.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Collection
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.locale import get_translation
from sphinx.transforms import SphinxTransform

from sphinx_spec.model import KINDS, SPEC_KIND, ErrorPath, Flow, Spec, SpecObject, Term
from sphinx_spec.nodes import spec_card_details
from sphinx_spec.report import warn

_ = get_translation("sphinx_spec")

#: the node attribute a directive's record travels in
RECORD = "spec_record"

Marked = tuple[nodes.Element, Any]


def marked_records(document: nodes.document) -> list[Marked]:
    """Every node a directive marked with its record, in document order."""
    return [(node, node[RECORD]) for node in document.findall(nodes.Element) if RECORD in node]


def is_collected(record: Spec | SpecObject) -> bool:
    """Whether a settled record joins the project: the document's spec and its objects.

    A second ``spec`` directive and a spec without a valid id get no anchor;
    an object whose id is taken gets none either, and an object in a
    document without a (valid) spec gets no spec id. They are rendered, not
    collected.
    """
    return bool(record.anchor) and (isinstance(record, Spec) or bool(record.spec_id))


class SettleRecords(SphinxTransform):
    """Give the document's records their spec, final ids and anchors."""

    default_priority = 500

    def apply(self, **kwargs: Any) -> None:
        marked = marked_records(self.document)
        specs = [(node, record) for node, record in marked if isinstance(record, Spec)]
        objects = [(node, record) for node, record in marked if not isinstance(record, Spec)]
        spec = self.settle_spec(specs)
        self.settle_objects(objects, spec)
        if spec is None:
            reason = "whose 'spec' has no valid :id:" if specs else "without a 'spec' directive"
            for _node, record in objects:
                warn(
                    f"{record.label} {record.title!r} is in a document {reason}; "
                    "it is not collected",
                    "orphan",
                    record.location,
                )

    def settle_spec(self, specs: list[Marked]) -> Spec | None:
        """The first spec of the document if its id is valid; more are duplicates."""
        settled: Spec | None = None
        for n, (node, record) in enumerate(specs):
            if n:
                warn(repeated_spec(specs[0], (node, record)), "duplicate", record.location)
            elif record.id:
                settled = dataclasses.replace(record, anchor=self.anchor(node, f"spec-{record.id}"))
                add_index_entries(node, settled, self.config.spec_index_entries)
                node[RECORD] = settled
                # only this card's own details: a spec nested in its body keeps its own record
                for details in node.children:
                    if isinstance(details, spec_card_details):
                        details["spec"] = settled
        return settled

    def settle_objects(self, objects: list[Marked], spec: Spec | None) -> None:
        """Final ids and anchors; an object whose id is taken keeps neither.

        A flow's step anchors (``<flow anchor>-step-<n>``) are kept free for
        it: another object whose anchor would be one of them (flow
        ``x-step-1`` beside flow ``x``) gets a numbered anchor instead.
        """
        ids = ObjectIds()
        for _node, record in objects:
            if record.id_explicit:
                ids.reserve(record)
        named = []
        for node, record in objects:
            local_id = ids.settle(record)
            kind = KINDS[record.kind].anchor_prefix
            prefix = f"{kind}-{spec.id}" if spec else kind
            named.append((node, record, local_id, f"{prefix}-{local_id}" if local_id else ""))
        reserved: dict[str, int] = {}
        for owner, (_node, record, _local_id, name) in enumerate(named):
            if name and isinstance(record, Flow):
                natural = nodes.make_id(name)
                for step in record.step_numbers:
                    reserved.setdefault(f"{natural}-step-{step}", owner)
        for owner, (node, record, local_id, name) in enumerate(named):
            steps = record.step_numbers if isinstance(record, Flow) else range(0)
            final = dataclasses.replace(
                record,
                local_id=local_id or record.local_id,
                spec_id=spec.id if spec else "",
                anchor=self.anchor(node, name, steps, reserved, owner) if name else "",
                title=record.title or local_id or record.local_id,
            )
            show_id(node, final.local_id)
            if final.anchor and final.spec_id:
                add_index_entries(node, final, self.config.spec_index_entries)
            if isinstance(final, Flow) and final.anchor:
                anchor_steps(self.document, node, final)
            node[RECORD] = final

    def anchor(
        self,
        node: nodes.Element,
        name: str,
        steps: range = range(0),
        reserved: dict[str, int] | None = None,
        owner: int = -1,
    ) -> str:
        """A stable anchor from *name*, unique in this document, as a target in *node*.

        With *steps*, the flow's step anchors must be free too; *reserved*
        holds the step anchors of the document's flows, each by its flow.
        """
        reserved = reserved or {}
        base = nodes.make_id(name)

        def free(candidate: str) -> bool:
            wanted = [candidate, *(f"{candidate}-step-{step}" for step in steps)]
            return all(
                anchor not in self.document.ids and reserved.get(anchor, owner) == owner
                for anchor in wanted
            )

        anchor, n = base, 1
        while not free(anchor):
            n += 1
            anchor = f"{base}-{n}"
        add_target(self.document, node, anchor)
        return anchor


def repeated_spec(first: Marked, again: Marked) -> str:
    """Why a second ``spec`` directive in one document is not collected."""
    (first_node, first_spec), (node, spec) = first, again
    name, first_name = spec.id or spec.title, first_spec.id or first_spec.title
    inside = node.parent
    while inside is not None and inside is not first_node:
        inside = inside.parent
    if inside is first_node:
        return (
            f"a spec cannot be nested in another spec: {name!r} is in the body of "
            f"{first_name!r} (line {first_spec.lineno}); it is rendered, not collected"
        )
    return (
        f"a document describes one spec: {name!r} repeats the 'spec' directive "
        f"(first: {first_name!r} at line {first_spec.lineno})"
    )


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


def index_entries(record: Spec | SpecObject) -> list[str]:
    """What the general index lists for *record*: a spec by id and title, an object by
    title with its kind and spec, a term by its name and each alias."""
    if isinstance(record, Spec):
        entries = [str(_("%(id)s (spec)")) % {"id": record.id}]
        if record.title != record.id:
            titled = str(_("%(title)s (spec %(id)s)"))
            entries.append(titled % {"title": record.title, "id": record.id})
        return entries
    if isinstance(record, Term):
        return list(record.names)
    label = KINDS[record.kind].label
    kind = str(_(label))
    kind = label.lower() if kind == label else kind  # English reads "approach in KEP-1"
    return [
        str(_("%(title)s (%(kind)s in %(spec)s)"))
        % {"title": record.title, "kind": kind, "spec": record.spec_id}
    ]


def add_index_entries(
    node: nodes.Element, record: Spec | SpecObject, indexed: Collection[str]
) -> None:
    """General index entries for *record*, after its anchor (Sphinx's index collector reads
    them when the document has been read, after this transform), if its kind is one of
    *indexed* (``spec_index_entries``)."""
    if (SPEC_KIND if isinstance(record, Spec) else record.kind) not in indexed:
        return
    entries = [("single", text, record.anchor, "", None) for text in index_entries(record)]
    position = 1 if node.children and isinstance(node[0], nodes.target) else 0
    node.insert(position, addnodes.index(entries=entries, inline=False))


def anchor_steps(document: nodes.document, node: nodes.Element, flow: Flow) -> None:
    for steps in node.findall(nodes.enumerated_list):
        if "spec-flow-steps" in steps["classes"]:
            for number, item in zip(flow.step_numbers, steps.children, strict=False):
                if isinstance(item, nodes.Element):
                    add_target(document, item, flow.step_anchor(number))
            return


def setup_records(app: Sphinx) -> None:
    app.add_transform(SettleRecords)
