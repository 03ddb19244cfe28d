"""The per-document store of spec records and the indexes derived from it.

Everything read from a document is kept under that document's name, so that
purging a document and merging a parallel reader's results are one line each.
Cross-document data (id lookups, reverse links, counts) lives in
:class:`SpecIndex`, computed once from the whole store after reading.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from sphinx_spec.model import (
    OBJECT_CLASSES,
    NonGoal,
    Spec,
    SpecCounts,
    SpecObject,
    Term,
    ViewQuery,
    count_objects,
    reverse_relations,
)


class Reference(NamedTuple):
    """A cross-reference a document makes: ``(role kind, target, flow step or 0)``."""

    kind: str
    target: str
    step: int = 0


Target = Spec | SpecObject


class ImportedSpecs(NamedTuple):
    """The specs and objects read from one entry of ``spec_import``."""

    specs: tuple[Spec, ...]
    objects: tuple[SpecObject, ...]


#: Every kind a role can name, in the order ``:any:`` reports them.
ALL_KINDS = ("spec", *OBJECT_CLASSES)


class SpecIndex:
    """Lookups over the whole project, rebuilt whenever the store changes."""

    def __init__(
        self,
        specs: dict[str, Spec],
        objects: dict[str, list[SpecObject]],
        imported: Iterable[ImportedSpecs] = (),
    ) -> None:
        imported = tuple(imported)
        self.specs: dict[str, Spec] = {}
        self.duplicate_specs: list[Spec] = []
        for docname in sorted(specs):
            self._add_spec(specs[docname])
        #: each document's spec, if it won its id (a duplicate's document has none)
        self.spec_of_doc = {spec.docname: spec for spec in self.specs.values()}
        # Imported specs come after the local ones: a local spec keeps its id.
        for project in imported:
            for spec in project.specs:
                self._add_spec(spec)
        self.objects: dict[tuple[str, str], SpecObject] = {}
        self.duplicate_objects: list[tuple[SpecObject, SpecObject]] = []
        self.by_spec: dict[str, list[SpecObject]] = {}
        self.terms_by_name: dict[str, list[Term]] = {}
        for docname in sorted(objects):
            for obj in objects[docname]:
                if self.spec_of_doc.get(obj.docname) is not None:
                    self._add_object(obj)
                # else its spec lost a duplicate-id contest; the spec is warned about
        for project in imported:
            winners = {spec.id for spec in project.specs if self.specs[spec.id] is spec}
            for obj in project.objects:
                if obj.spec_id in winners:
                    self._add_object(obj)
        # Reverse links are this project's: an imported spec that names a local one does not
        # change the local card, its checks or its export.
        #: each view's result, by query: the freshness digest and the page share one
        self.view_results: dict[ViewQuery, Any] = {}
        self.relations = reverse_relations(
            [self.specs[key] for key in sorted(self.specs) if not self.specs[key].external]
        )
        self.counts = {key: count_objects(objs) for key, objs in self.by_spec.items()}

    def _add_spec(self, spec: Spec) -> None:
        if spec.id in self.specs:
            self.duplicate_specs.append(spec)
        else:
            self.specs[spec.id] = spec

    def _add_object(self, obj: SpecObject) -> None:
        first = self.objects.setdefault((obj.kind, obj.full_id), obj)
        if first is not obj:  # dotted ids: spec "A.B" + "c" and spec "A" + "B.c"
            self.duplicate_objects.append((first, obj))
            return
        self.by_spec.setdefault(obj.spec_id, []).append(obj)
        if isinstance(obj, Term):
            for name in obj.names:
                self.terms_by_name.setdefault(name.lower(), []).append(obj)

    def counts_for(self, spec_id: str) -> SpecCounts:
        return self.counts.get(spec_id, SpecCounts())

    def objects_of(self, spec_id: str, kind: str | None = None) -> list[SpecObject]:
        objects = self.by_spec.get(spec_id, [])
        return [obj for obj in objects if kind is None or obj.kind == kind]

    def resolve(
        self, kind: str, target: str, from_docname: str | None, *, by_name: bool = True
    ) -> Target | None:
        """Find the object a role of *kind* names by *target*.

        *target* is a spec id, a full id (``SPEC.local``), or, inside a
        spec's document, a local id; terms also resolve by name or alias
        unless *by_name* is false.
        """
        if kind == "spec":
            return self.specs.get(target)
        if kind == "goal":
            return self._by_id("goal", target, from_docname) or self._by_id(
                NonGoal.kind, target, from_docname
            )
        found = self._by_id(kind, target, from_docname)
        if found is None and kind == Term.kind and by_name:
            found = self._term_by_name(target, self.spec_of_doc.get(from_docname or ""))
        return found

    def _by_id(self, kind: str, target: str, from_docname: str | None) -> SpecObject | None:
        """A local id in the referring document's spec first, then a full id."""
        current = self.spec_of_doc.get(from_docname or "")
        found = current and self.objects.get((kind, f"{current.id}.{target}"))
        return found or self.objects.get((kind, target))

    def _term_by_name(self, name: str, current: Spec | None) -> Term | None:
        candidates = self.terms_by_name.get(name.lower(), [])
        local = [term for term in candidates if current and term.spec_id == current.id]
        found = local or candidates
        return found[0] if found else None

    def resolve_any(
        self, target: str, from_docname: str | None, *, terms_by_name: bool = True
    ) -> list[Target]:
        """Every object *target* names (``:any:``).

        With *terms_by_name* false, terms match by id only: the caller knows
        that the standard domain already finds that name.
        """
        found = (
            self.resolve(kind, target, from_docname, by_name=terms_by_name) for kind in ALL_KINDS
        )
        unique: dict[tuple[str, str], Target] = {}
        for obj in found:
            if obj is not None:
                unique[obj.docname, obj.anchor] = obj
        return list(unique.values())


class SpecStore:
    """Every spec record, keyed by the document that defines it."""

    def __init__(self) -> None:
        self.specs: dict[str, Spec] = {}
        self.objects: dict[str, list[SpecObject]] = {}
        self.references: dict[str, frozenset[Reference]] = {}
        self.views: dict[str, tuple[ViewQuery, ...]] = {}
        #: output directory → docname → digest of the cross-document data its page shows
        self.fingerprints: dict[str, dict[str, str]] = {}
        #: what ``spec_import`` brought in; read again at the start of every build
        self.imported: tuple[ImportedSpecs, ...] = ()
        self._index: SpecIndex | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_index"] = None
        state["imported"] = ()
        return state

    def set_imported(self, imported: Iterable[ImportedSpecs]) -> None:
        self.imported = tuple(imported)
        self._index = None

    # -- per-document records ----------------------------------------------

    def add_spec(self, spec: Spec) -> None:
        self.specs[spec.docname] = spec
        self._index = None

    def add_objects(self, docname: str, objects: list[SpecObject]) -> None:
        self.objects[docname] = objects
        self._index = None

    def note_references(self, docname: str, references: Iterable[Reference]) -> None:
        self.references[docname] = frozenset(references)

    def note_views(self, docname: str, queries: Iterable[ViewQuery]) -> None:
        """The view queries a document's aggregate directives make, in document order."""
        self.views[docname] = tuple(queries)

    def tables(self) -> tuple[dict[str, Any], ...]:
        """The per-document tables, all keyed by docname."""
        return (self.specs, self.objects, self.references, self.views)

    def purge(self, docname: str) -> None:
        for table in self.tables():
            table.pop(docname, None)
        self._index = None

    def merge(self, docnames: set[str], other: SpecStore) -> None:
        for mine, theirs in zip(self.tables(), other.tables(), strict=True):
            mine.update({doc: value for doc, value in theirs.items() if doc in docnames})
        self._index = None

    # -- derived data --------------------------------------------------------

    @property
    def index(self) -> SpecIndex:
        if self._index is None:
            self._index = SpecIndex(self.specs, self.objects, self.imported)
        return self._index


def get_store(env: Any) -> SpecStore:
    """The project's store, created on first use and pickled with the environment."""
    store: SpecStore | None = getattr(env, "spec_store", None)
    if store is None:
        store = SpecStore()
        env.spec_store = store
    return store
