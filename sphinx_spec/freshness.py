"""Which pages show something that changed elsewhere, so that they are written again.

Each page remembers a digest of the cross-document data it shows: its spec
card's reverse links, counts, approvers' states and link reviews, where each
of its references lands (page, anchor, title, step; for ``:term:``, a glossary
entry or a spec term), the result of every view on it, and its flows' sequence diagrams (which draw
error paths from other documents). After reading, the pages whose digest
changed are written again although their source did not change; a page whose
digest is unchanged is not written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sphinx_spec.diagrams import flow_diagram_source
from sphinx_spec.index import ProjectIndex, Target
from sphinx_spec.model import ErrorPath, Flow, Goal, ViewQuery
from sphinx_spec.store import Reference, SpecStore
from sphinx_spec.views.catalog import VIEWS, verification_cell, view_result


def describe(target: Target | None, step: int = 0) -> tuple[object, ...] | None:
    """What a link to *target* shows: page, anchor, title (and whether a step exists).

    For an imported record, also its address and project (the link's tooltip).
    """
    if target is None:
        return None
    has_step = isinstance(target, Flow) and target.has_step(step)
    return (target.docname, target.anchor, target.href, target.project, target.title, has_step)


def describe_reference(index: ProjectIndex, ref: Reference, docname: str) -> object:
    if ref.domain == "spec":
        return describe(index.resolve(ref.kind, ref.target, docname), ref.step)
    glossary = index.glossary.get(ref.target.casefold())
    by_name = None if glossary else describe(index.term_by_name(ref.target, docname))
    if ref.kind == "any":
        by_id = [describe(target) for target in index.resolve_any(ref.target, docname)]
        return (by_id, glossary, by_name)
    return (glossary, by_name)


def card_data(store: SpecStore, index: ProjectIndex, docname: str) -> object:
    spec = store.specs.get(docname)
    if spec is None:
        return None
    related = (
        *spec.supersedes,
        *spec.depends_on,
        *index.relations.superseded_by.get(spec.id, []),
        *index.relations.depended_on_by.get(spec.id, []),
    )
    live = index.spec_of_doc.get(docname) is spec
    counts = index.counts_for(spec.id) if live else None
    linked = [describe(index.specs.get(link.target)) for link in spec.links]  # :links: to specs
    shown = [describe(index.specs.get(i)) for i in related]
    return (
        live,
        counts,
        related,
        shown,
        linked,
        review_data(index, spec.id) if live else None,
        verification_data(index, spec.id) if live else None,
    )


def verification_data(index: ProjectIndex, spec_id: str) -> object:
    """The card's verification row: passing, total and failing error paths and goals."""
    if not index.verifying:
        return None
    return [index.verification_count(spec_id, kind) for kind in (ErrorPath.kind, Goal.kind)]


def block_states(store: SpecStore, index: ProjectIndex, docname: str) -> object:
    """The verification badge of each object on the page: its state, tests and outcomes
    (not where in the report they are: a moved test case shows the same)."""
    if not index.verifying:
        return None
    objects = store.objects.get(docname, ())
    return [(obj.kind, obj.full_id, verification_cell(index.verification(obj))) for obj in objects]


def review_data(index: ProjectIndex, spec_id: str) -> object:
    """Where each approver stands (and where their approval is), and each link's review."""
    approvers = [
        (state.approver, state.state, state.changed, state.verdict, describe(state.approval))
        for state in index.approver_states(spec_id)
    ]
    return (approvers, index.link_reviews(spec_id))


def view_data(index: ProjectIndex, query: ViewQuery) -> object:
    """A view's rows, and where each of its links lands (a spec may move to another page)."""
    result = view_result(index, query)
    page = query.docname
    landed: dict[tuple[str, str, int], object] = {}  # rows link to their spec many times

    def lands(kind: str, target: str, step: int) -> object:
        key = (kind, target, step)
        if key not in landed:
            landed[key] = describe(index.resolve(kind, target, page), step)
        return landed[key]

    targets = [lands(link.kind, link.target, link.step) for link in result.links()]
    rich = [  # as read where it was written, and where the view shows it
        (describe_reference(index, ref, cell.docname), describe_reference(index, ref, page))
        for cell in result.rich_cells()
        for ref in map(Reference._make, cell.refs)
    ]
    return (query, result, targets, rich)


def view_digest(store: SpecStore, query: ViewQuery, settings: object) -> str:
    """The digest of :func:`view_data`, taken again only when a record kind it reads changed
    (or an input, the date or a setting): a view of approaches keeps its digest while only
    questions change."""
    reads = VIEWS[query.view].reads
    kept = store.view_digests.get(query)
    if kept is not None and kept[0][0]:  # its rows had rich text with references: any kind
        reads = None
    context = (store.kinds_token(reads), sorted(store.inputs.items()), store.today, settings)
    if kept is not None and kept[0][1:] == context:
        return kept[1]
    index = store.index
    rich = any(cell.refs for cell in view_result(index, query).rich_cells())
    if rich and reads is not None:  # the context of every kind, so that any change shows
        context = (store.kinds_token(), *context[1:])
    digest = hashlib.sha1(repr(view_data(index, query)).encode()).hexdigest()
    store.view_digests[query] = ((rich, *context), digest)
    return digest


def shown_data(
    store: SpecStore, index: ProjectIndex, docname: str, settings: object
) -> list[object]:
    """Everything from other documents that *docname*'s page displays."""
    shown: list[object] = [card_data(store, index, docname), block_states(store, index, docname)]
    for ref in sorted(store.references.get(docname, ())):
        shown.append((ref, describe_reference(index, ref, docname)))
    for query in store.views.get(docname, ()):
        shown.append(view_digest(store, query, settings))
    for flow in store.objects.get(docname, ()):
        if isinstance(flow, Flow) and flow.diagram:
            shown.append((flow.full_id, flow_diagram_source(index, flow)))
    return shown


def fingerprint(store: SpecStore, index: ProjectIndex, docname: str, settings: object) -> str:
    return hashlib.sha1(repr(shown_data(store, index, docname, settings)).encode()).hexdigest()


def outdated_documents(
    store: SpecStore, all_docs: Iterable[str], output: str, settings: object
) -> list[str]:
    """Documents whose displayed data changed since *output* was last written.

    Digests are kept per output directory: builders that share one doctree
    directory each learn of a change, whichever of them reads it first. When
    nothing they are derived from changed since they were taken for *output*
    (the store's version), no page is outdated and none is digested. *settings* stands
    for the configuration views read.
    """
    all_docs = list(all_docs)
    written = store.fingerprints.get(output, {})
    if store.fingerprinted.get(output) == store.version and written.keys() == set(all_docs):
        return []  # nothing the digests are derived from changed since they were taken
    index = store.index
    shown = {query for queries in store.views.values() for query in queries}
    store.view_digests = {q: kept for q, kept in store.view_digests.items() if q in shown}
    fresh = {docname: fingerprint(store, index, docname, settings) for docname in all_docs}
    store.fingerprints[output] = fresh
    store.fingerprinted[output] = store.version
    return sorted(doc for doc, digest in fresh.items() if written.get(doc) != digest)
