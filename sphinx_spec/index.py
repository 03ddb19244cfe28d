"""The project index: id lookups, reverse links and counts over every spec record.

Records come in two layers. The *local* layer holds this project's own
documents; the *imported* layer holds what ``spec_import`` read from other
projects' ``spec.json``. Code that must see only this project's records —
checks, ``objects.inv``, ``spec.json``, reverse links — reads ``index.local``;
lookups and views read the index itself, which answers from both, the local
layer first.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from sphinx_spec.model import (
    ALL_KINDS,
    SPEC_KIND,
    Approval,
    ErrorPath,
    Flow,
    Goal,
    NonGoal,
    Relations,
    Spec,
    SpecCounts,
    SpecObject,
    Term,
    count_objects,
    reverse_relations,
)
from sphinx_spec.reviews import (
    ApproverState,
    Fingerprint,
    LinkReview,
    approver_states,
    link_reviews,
    parse_fingerprint,
    spec_fingerprint,
)
from sphinx_spec.verification import (
    TRACKED_KINDS,
    UNTESTED,
    TestCase,
    TestReports,
    Verified,
    cases_by_id,
    verified,
)

Target = Spec | SpecObject
NO_REPORTS = TestReports()
#: how many full ids a "did you mean" hint names at most
MAX_SUGGESTIONS = 3


class ImportedSpecs(NamedTuple):
    """The specs and objects read from one entry of ``spec_import``."""

    specs: tuple[Spec, ...]
    objects: tuple[SpecObject, ...]
    #: the verification the other project exported: ``(kind, full id)`` → its state and tests
    verification: tuple[tuple[tuple[str, str], Verified], ...] = ()


class VerificationCount(NamedTuple):
    """How many of a spec's objects of one kind have a passing test, and how many fail."""

    passed: int
    total: int
    failing: int


class Layer:
    """Records of one origin: the first spec to claim an id wins, later ones are duplicates."""

    def __init__(self) -> None:
        self.specs: dict[str, Spec] = {}
        #: ``(first, again)``: a spec id claimed twice
        self.duplicate_specs: list[tuple[Spec, Spec]] = []
        self.objects: dict[tuple[str, str], SpecObject] = {}
        #: ``(first, again)``: one full id reached twice through dotted ids
        self.duplicate_objects: list[tuple[SpecObject, SpecObject]] = []
        self.by_spec: dict[str, list[SpecObject]] = {}
        #: casefolded term name or alias → the terms that use it, by spec id
        self.terms_by_name: dict[str, list[Term]] = {}
        self._sorted: list[tuple[tuple[str, str], SpecObject]] | None = None

    def sorted_objects(self) -> list[tuple[tuple[str, str], SpecObject]]:
        """The objects by ``(kind, full id)``, sorted once (the export and the inventory)."""
        if self._sorted is None:
            self._sorted = sorted(self.objects.items())
        return self._sorted

    def add_spec(self, spec: Spec) -> bool:
        """Claim *spec*'s id; whether it won."""
        first = self.specs.setdefault(spec.id, spec)
        if first is not spec:
            self.duplicate_specs.append((first, spec))
        return first is spec

    def add_object(self, obj: SpecObject) -> None:
        self._sorted = None
        first = self.objects.setdefault((obj.kind, obj.full_id), obj)
        if first is not obj:  # dotted ids: spec "A.B" + "c" and spec "A" + "B.c"
            self.duplicate_objects.append((first, obj))
            return
        self.by_spec.setdefault(obj.spec_id, []).append(obj)
        if isinstance(obj, Term):
            for name in obj.names:
                self.terms_by_name.setdefault(name.casefold(), []).append(obj)

    def order_terms(self) -> None:
        """Several definitions of one name: the spec whose id sorts first comes first."""
        for terms in self.terms_by_name.values():
            terms.sort(key=lambda term: term.spec_id)


def local_layer(specs: Mapping[str, Spec], objects: Mapping[str, Iterable[SpecObject]]) -> Layer:
    """This project's records; a spec that loses its id to another document loses its objects."""
    layer = Layer()
    winners = {docname for docname in sorted(specs) if layer.add_spec(specs[docname])}
    for docname in sorted(objects):
        if docname in winners:
            for obj in objects[docname]:
                layer.add_object(obj)
    layer.order_terms()
    return layer


def imported_layer(imported: Iterable[ImportedSpecs], local: Layer) -> tuple[Layer, list[Spec]]:
    """The imported records, and the imported specs left out because a local spec has the id."""
    layer = Layer()
    shadowed = []
    for project in imported:
        winners = set()
        for spec in project.specs:
            if spec.id in local.specs:
                shadowed.append(spec)
            elif layer.add_spec(spec):
                winners.add(spec.id)
        for obj in project.objects:
            if obj.spec_id in winners:
                layer.add_object(obj)
    layer.order_terms()
    return layer, shadowed


def did_you_mean(index: ProjectIndex, kind: str, target: str) -> str:
    """``"; did you mean `KEP-2000.inhibitor`?"`` for an unresolved *target*, or ``""``.

    A suggestion of another kind than the reference's names its kind.
    """
    wanted = {kind, NonGoal.kind} if kind == Goal.kind else {kind}
    named = [
        f"`{obj.full_id}`" + ("" if obj.kind in wanted else f" ({obj.kind})")
        for obj in index.suggestions(kind, target)
    ]
    if not named:
        return ""
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} or {named[-1]}"
    return f"; did you mean {listed}?"


class ProjectIndex:
    """Lookups over the whole project, derived from the store whenever it changes."""

    def __init__(
        self,
        specs: Mapping[str, Spec],
        objects: Mapping[str, Iterable[SpecObject]],
        imported: Iterable[ImportedSpecs] = (),
        glossary: Mapping[str, tuple[str, str]] | None = None,
        today: datetime.date = datetime.date.min,
        *,
        reports: TestReports = NO_REPORTS,
        verify: Iterable[str] = (),
        decisions: dict[str, tuple[Any, Fingerprint | str]] | None = None,
        stamps: Mapping[str, int] | None = None,
    ) -> None:
        #: the build's date (``spec_today``): what is overdue is judged against it
        self.today = today
        #: names that ordinary glossaries define (casefolded) → ``(docname, anchor)``
        self.glossary = dict(glossary or {})
        self.local = local_layer(specs, objects)
        self.imported, self.shadowed = imported_layer(imported, self.local)
        #: each document's spec, if it won its id (a duplicate's document has none)
        self.spec_of_doc = {spec.docname: spec for spec in self.local.specs.values()}
        self.specs: dict[str, Spec] = {**self.imported.specs, **self.local.specs}
        self.objects: dict[tuple[str, str], SpecObject] = {
            **self.imported.objects,
            **self.local.objects,
        }
        self.by_spec = {**self.imported.by_spec, **self.local.by_spec}
        self._by_kind: dict[tuple[str, str], list[SpecObject]] | None = None
        self.terms_by_name: dict[str, list[Term]] = {}
        for layer in (self.local, self.imported):
            for name, terms in layer.terms_by_name.items():
                self.terms_by_name.setdefault(name, []).extend(terms)
        #: reverse links between this project's specs
        self.relations: Relations = reverse_relations(
            [self.local.specs[key] for key in sorted(self.local.specs)]
        )
        self.counts = {key: count_objects(objs) for key, objs in self.by_spec.items()}
        #: each view's result, by query: the freshness digest and the page share one
        self.view_results: dict[Any, Any] = {}
        self._errors_by_flow: dict[str, list[ErrorPath]] | None = None
        self._fingerprints: dict[str, Fingerprint | None] = {}
        #: each spec's decision fingerprint with the stamps of the records it was taken of,
        #: kept by the store between builds: taken again only when one of those changed
        self._decisions = {} if decisions is None else decisions
        #: docname → the stamp its records were filed with (see the store)
        self.stamps: Mapping[str, int] = {} if stamps is None else stamps
        self._approvers: dict[str, list[ApproverState]] = {}
        self._reviews: dict[str, list[LinkReview]] = {}
        #: what ``spec_test_reports`` holds; objects of *tracked* kinds are "untested" without
        #: a test, other objects have a state only when a test names them
        self.reports = reports
        self.tracked = (*TRACKED_KINDS, *(kind for kind in verify if kind not in TRACKED_KINDS))
        self.imported_verification = {
            key: found for project in imported for key, found in project.verification
        }
        self._verified: dict[tuple[str, str], Verified] | None = None
        self._unmatched: list[tuple[str, TestCase]] = []

    @property
    def verifying(self) -> bool:
        """Whether the project lists test reports (cards and views show verification then)."""
        return self.reports.enabled

    def _verification(self) -> dict[tuple[str, str], Verified]:
        """Each object a test names, by ``(kind, full id)``, with how its tests ended."""
        if self._verified is None:
            found: dict[tuple[str, str], Verified] = {}
            self._unmatched = []
            for object_id, cases in cases_by_id(self.reports.cases).items():
                keys = [(kind, object_id) for kind in ALL_KINDS]
                keys = [key for key in keys if key in self.objects]
                for key in keys:
                    found[key] = verified(cases)
                if not keys:
                    self._unmatched.append((object_id, cases[0]))
            self._verified = found
        return self._verified

    def verification(self, obj: SpecObject) -> Verified | None:
        """How *obj*'s tests ended; ``untested`` for a tracked kind no test names; ``None``
        for an object of another kind that no test names.

        An imported object no local test names has the state its project exported.
        """
        key = (obj.kind, obj.full_id)
        found = self._verification().get(key) or self.imported_verification.get(key)
        if found is None and obj.kind in self.tracked:
            return UNTESTED
        return found

    def unmatched_test_ids(self) -> list[tuple[str, TestCase]]:
        """The ids tests name that match no object, each with the first test naming it."""
        self._verification()
        return self._unmatched

    def verification_count(self, spec_id: str, kind: str) -> VerificationCount:
        """How many of the spec's objects of *kind* pass, of how many, and how many fail."""
        states = [self.verification(obj) for obj in self.objects_of(spec_id, kind)]
        return VerificationCount(
            sum(1 for state in states if state is not None and state.passing),
            len(states),
            sum(1 for state in states if state is not None and state.failing),
        )

    def fingerprint(self, spec_id: str) -> Fingerprint | None:
        """The decision fingerprint of spec *spec_id* (``None``: no such spec).

        An imported spec's is the one its project exported, when it did.
        """
        if spec_id not in self._fingerprints:
            spec = self.specs.get(spec_id)
            found = None
            if spec is not None:
                found = parse_fingerprint(spec.fingerprint) if spec.external else None
                found = found or self._decision(spec)
            self._fingerprints[spec_id] = found
        return self._fingerprints[spec_id]

    def recorded_fingerprint(self, spec_id: str) -> str:
        """The decision fingerprint of spec *spec_id* as written ("" for no such spec): the
        kept text itself while the spec's records are the ones it was taken of."""
        spec = self.specs.get(spec_id)
        if spec is not None and not spec.external and spec_id not in self._fingerprints:
            kept = self._kept_decision(spec, self._stamps_of(spec, self.objects_of(spec_id)))
            if kept is not None and isinstance(kept[1], str):
                return kept[1]
        found = self.fingerprint(spec_id)
        return found.recorded() if found else ""

    def _stamps_of(self, spec: Spec, objects: Sequence[SpecObject]) -> Any:
        """What tells that *spec* and *objects* are the records a decision was taken of: the
        stamp of each document they come from, and how many objects there are (a document
        whose stamp is the same holds the very records it held). None: no stamps known."""
        docnames = {spec.docname, *(obj.docname for obj in objects)}
        stamps = [(docname, self.stamps.get(docname)) for docname in sorted(docnames)]
        if any(stamp is None for _docname, stamp in stamps):
            return None
        return (tuple(stamps), len(objects))

    def _kept_decision(self, spec: Spec, stamps: Any) -> Any:
        """The decision kept for *spec*, if it was taken of the records with these *stamps*."""
        kept = self._decisions.get(spec.id)
        if kept is not None and kept[0] is not None and kept[0] == stamps:
            return kept
        return None

    def _decision(self, spec: Spec) -> Fingerprint:
        objects = tuple(self.objects_of(spec.id))
        stamps = self._stamps_of(spec, objects)
        kept = self._kept_decision(spec, stamps)
        if kept is not None:
            # pickled as written (see the store), read back when first asked for
            kept_found = kept[1] if isinstance(kept[1], Fingerprint) else parse_fingerprint(kept[1])
            if kept_found is not None:
                self._decisions[spec.id] = (stamps, kept_found)
                return kept_found
        found = spec_fingerprint(spec, objects)
        self._decisions[spec.id] = (stamps, found)
        return found

    def approvals_of(self, spec_id: str) -> list[Approval]:
        return [obj for obj in self.objects_of(spec_id, Approval.kind) if isinstance(obj, Approval)]

    def approver_states(self, spec_id: str) -> list[ApproverState]:
        """Each approver's state on the current version of the spec (``:approvers:`` first)."""
        if spec_id not in self._approvers:
            spec, approvals = self.specs.get(spec_id), self.approvals_of(spec_id)
            states = []
            if spec is not None and (spec.approvers or approvals):  # else none, and no digest
                current = self.fingerprint(spec_id)
                states = approver_states(spec, approvals, current) if current else []
            self._approvers[spec_id] = states
        return self._approvers[spec_id]

    def link_reviews(self, spec_id: str) -> list[LinkReview]:
        """The review state of each link the spec makes to a spec that exists."""
        if spec_id not in self._reviews:
            spec = self.specs.get(spec_id)
            self._reviews[spec_id] = [] if spec is None else link_reviews(spec, self.fingerprint)
        return self._reviews[spec_id]

    def suspect_links(self, spec_id: str) -> list[LinkReview]:
        return [link for link in self.link_reviews(spec_id) if link.state == "suspect"]

    def counts_for(self, spec_id: str) -> SpecCounts:
        return self.counts.get(spec_id, SpecCounts())

    def objects_of(self, spec_id: str, kind: str | None = None) -> list[SpecObject]:
        if kind is None:
            return list(self.by_spec.get(spec_id, ()))
        if self._by_kind is None:  # grouped once, when first asked for
            self._by_kind = {}
            for key, objects in self.by_spec.items():
                for obj in objects:
                    self._by_kind.setdefault((key, obj.kind), []).append(obj)
        return list(self._by_kind.get((spec_id, kind), ()))

    def flow_of(self, error: ErrorPath) -> Flow | None:
        """The flow an error path's ``:flow:`` names (a local id in its spec, or a full id)."""
        found = self.resolve(Flow.kind, error.flow, error.docname) if error.flow else None
        return found if isinstance(found, Flow) else None

    def errors_of(self, flow: Flow) -> list[ErrorPath]:
        """The error paths that branch off *flow*, from every document and import.

        Its own spec's come first, then the other specs' by spec id; each
        spec's in document order.
        """
        if self._errors_by_flow is None:
            by_flow: dict[str, list[ErrorPath]] = {}
            for spec_id in sorted(self.by_spec):
                for error in self.by_spec[spec_id]:
                    target = self.flow_of(error) if isinstance(error, ErrorPath) else None
                    if target is not None:
                        by_flow.setdefault(target.full_id, []).append(error)  # type: ignore[arg-type]
            self._errors_by_flow = by_flow
        errors = self._errors_by_flow.get(flow.full_id, [])
        return sorted(errors, key=lambda error: error.spec_id != flow.spec_id)

    def definitions(self, name: str) -> list[Term]:
        """The terms named *name* (title or alias): this project's first, each layer by spec id."""
        return self.terms_by_name.get(name.casefold(), [])

    def resolve(
        self, kind: str, target: str, from_docname: str | None, *, by_name: bool = True
    ) -> Target | None:
        """Find the spec or object a role of *kind* names.

        *target* is a spec id, a full id (``SPEC.local``), or, inside a
        spec's document, a local id. ``goal`` also finds non-goals; terms
        also resolve by name or alias unless *by_name* is false.
        """
        if kind == SPEC_KIND:
            return self.specs.get(target)
        if kind == Goal.kind:
            return self._by_id(kind, target, from_docname) or self._by_id(
                NonGoal.kind, target, from_docname
            )
        found = self._by_id(kind, target, from_docname)
        if found is None and kind == Term.kind and by_name:
            found = self.term_by_name(target, from_docname)
        return found

    def _by_id(self, kind: str, target: str, from_docname: str | None) -> SpecObject | None:
        """A local id in the referring document's spec first, then a full id."""
        current = self.spec_of_doc.get(from_docname or "")
        found = current and self.objects.get((kind, f"{current.id}.{target}"))
        return found or self.objects.get((kind, target))

    def term_by_name(self, name: str, from_docname: str | None) -> Term | None:
        """The term *name* means in *from_docname*: its own spec's first, else the first."""
        candidates = self.definitions(name)
        current = self.spec_of_doc.get(from_docname or "")
        own = [term for term in candidates if current and term.spec_id == current.id]
        found = own or candidates
        return found[0] if found else None

    def suggestions(self, kind: str, target: str) -> list[SpecObject]:
        """Objects whose local id *target* is, in some spec: what an unresolved *target* may mean.

        A full id with the wrong spec (``OTHER.local``) is matched by its local
        part too. Objects of *kind* come first, then by full id; a few at most.
        """
        local = target.split(".", 1)[1] if "." in target else ""
        found = [
            obj
            for obj in self.objects.values()
            if obj.local_id in (target, local) and obj.full_id != target
        ]
        wanted = {kind, NonGoal.kind} if kind == Goal.kind else {kind}
        found.sort(key=lambda obj: (obj.kind not in wanted, obj.full_id, obj.kind))
        return found[:MAX_SUGGESTIONS]

    def resolve_any(self, target: str, from_docname: str | None) -> list[Target]:
        """Every spec and object whose id *target* is (``:any:``), each once.

        Terms by name are left to ``:any:``'s last resort (``sphinx_spec.terms``),
        after Sphinx's own glossary.
        """
        found = (self.resolve(kind, target, from_docname, by_name=False) for kind in ALL_KINDS)
        unique: dict[tuple[str, str, str], Target] = {}
        for obj in found:
            if obj is not None:
                unique[obj.docname, obj.anchor, obj.href] = obj
        return list(unique.values())
