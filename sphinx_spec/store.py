"""What sphinx-spec keeps between builds: each document's records, and the imported ones.

Everything read from a document is kept under that document's name, so that
purging a document and merging a parallel reader's results are one line each.
Imported records are held apart: they come from other projects, not from
documents, and are read again at the start of every build. The project index
(:mod:`sphinx_spec.index`) is derived from both, once per change.
"""

from __future__ import annotations

import copy
import datetime
import functools
import hashlib
import os
import pickle
from collections.abc import Iterable
from dataclasses import fields, is_dataclass, replace
from typing import Any, NamedTuple

from sphinx_spec import model
from sphinx_spec.heap import load_quietly, quietly
from sphinx_spec.index import ImportedSpecs, ProjectIndex
from sphinx_spec.model import SPEC_KIND, Finding, Located, Spec, SpecObject, ViewQuery
from sphinx_spec.verification import TestReports


class Reference(NamedTuple):
    """A cross-reference a document makes: ``(role kind, target, flow step or 0, domain)``.

    *domain* is ``spec``, ``std`` (``:term:``) or empty (``:any:``).
    """

    kind: str
    target: str
    step: int = 0
    domain: str = "spec"


#: the tables that hold the records and what is kept of them (each spec's decision, the
#: export's entries), pickled packed and unpacked when first used: a build with nothing
#: changed loads the environment without unpickling a single record. Each document's
#: records are packed apart, and packed again only when the document was read again.
PACKED = ("specs", "objects", "decisions")

#: a document's records as packed: the stamp they were filed with, and the pickle
Blob = tuple[int, bytes]


PROTOCOL = pickle.HIGHEST_PROTOCOL


class SpecStore:
    """Every spec record, keyed by the document that defines it."""

    def __init__(self) -> None:
        self.specs: dict[str, Spec] = {}
        self.objects: dict[str, tuple[SpecObject, ...]] = {}
        self.references: dict[str, frozenset[Reference]] = {}
        self.views: dict[str, tuple[ViewQuery, ...]] = {}
        #: option values written with inline markup, parsed: ``(kind, full id, option)`` → nodes
        #: (only values with markup; views on other pages show copies)
        self.rich: dict[str, dict[tuple[str, str, str], list[Any]]] = {}
        #: output directory → docname → digest of the cross-document data its page shows
        self.fingerprints: dict[str, dict[str, str]] = {}
        #: each ``spec.json`` written (its path) → what was written, kept to write it again
        #: only when it changed (a :class:`~sphinx_spec.specjson.Exported`)
        self.exported: dict[str, Any] = {}
        #: each spec's decision fingerprint and the stamps of the records it was taken of
        #: (see the index)
        self.decisions: dict[str, Any] = {}
        #: docname → the store's version when its records were filed: a record filed under
        #: the same stamp is the very record (what is kept of it, such as its entry in the
        #: export, still holds), however often the environment was pickled since
        self.stamps: dict[str, int] = {}
        #: the store's version and the objects the domains list for it (``objects.inv``)
        self.inventory: tuple[int, Any] | None = None
        #: output directory → the store's version when its digests were taken
        self.fingerprinted: dict[str, int] = {}
        #: what ``spec_import`` brought in; read again at the start of every build
        self.imported: tuple[ImportedSpecs, ...] = ()
        #: what ``spec_test_reports`` named, read again at the start of every build, and
        #: the kinds ``spec_require_verification`` names
        self.reports = TestReports()
        self.verify: tuple[str, ...] = ()
        #: the terms ordinary glossaries define, noted after every reading
        self.glossary: dict[str, tuple[str, str]] = {}
        #: what the project-wide checks found, and the version and settings they checked
        self.findings: tuple[Finding, ...] = ()
        self.findings_for: tuple[int, object] | None = None
        #: the build's date (``spec_today``), set after every reading
        self.today = datetime.date.min
        #: goes up with every change of what the index is derived from; pickled, so that a
        #: build can tell that nothing changed since it last derived something (a page's
        #: digest, the findings, the export) and keep what it derived then
        self.version = 0
        #: digests of the inputs read again on every build (imports, reports, glossary)
        self.inputs: dict[str, str] = {}
        #: per record kind (``spec`` included), goes up when a document's records of that
        #: kind changed; what is derived from some kinds only is kept while they stay put
        self.kind_versions: dict[str, int] = {}
        #: each view's query → the versions it was digested at, and the digest
        self.view_digests: dict[ViewQuery, tuple[tuple[Any, ...], str]] = {}
        #: why the records kept from the last build could not be unpacked ("": they could);
        #: the next build reads every document again
        self.unreadable = ""
        #: the store was pickled by a version of sphinx-spec that kept other tables or
        #: records of another shape: it starts empty, and this build reads every document
        self.reread = False
        self._index: ProjectIndex | None = None
        #: the records each document held before it was purged or merged in this build
        self._before: dict[str, tuple[Spec | None, tuple[SpecObject, ...]]] = {}
        #: each document's records as they were unpacked in this build
        self._blobs: dict[str, Blob] = {}
        #: the process reading the documents, while it does; a process forked from it then
        #: (a parallel reader) sends back only what it filed, each document noted with the
        #: process that filed it
        self._reading_in: int | None = None
        self._filed: dict[str, int] = {}

    def __getstate__(self) -> dict[str, Any]:
        if self._reading_in not in (None, os.getpid()):
            return self._reader_state()
        self.settle_kinds()
        state = self.__dict__.copy()
        state["_index"] = None
        state["_before"] = {}
        state["_blobs"] = {}
        state["_reading_in"] = None
        state["_filed"] = {}
        if "_packed" not in state:  # the records were unpacked in this build: pack them again
            state["_packed"] = self._pack()
            for name in PACKED:
                del state[name]
            state["exported"] = {path: unlisted(kept) for path, kept in self.exported.items()}
        state["imported"] = ()
        state["reports"] = TestReports()
        state["glossary"] = {}
        state["reread"] = False
        state["_layout"] = layout()
        return state

    def _reader_state(self) -> dict[str, Any]:
        """What a parallel reader sends back: what it filed, the only records the main
        process merges. (Every document's would be pickled by every reader, and unpickled
        by the main process, again and again.) Marked as a reader's, it is never taken for
        a whole store."""
        pid = os.getpid()
        mine = {docname for docname, filer in self._filed.items() if filer == pid}
        state = SpecStore().__dict__
        for name in ("references", "views", "rich"):
            state[name] = {doc: value for doc, value in getattr(self, name).items() if doc in mine}
        blobs = {
            docname: (-1, pickle.dumps((spec, objects), PROTOCOL) if blob is None else blob)
            for docname, (spec, objects, blob) in self.records_of(mine).items()
        }
        state["_packed"] = (blobs, pickle.dumps(({}, {}), PROTOCOL))
        for name in PACKED:
            del state[name]
        state["_layout"] = f"reader {layout()}"
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """The pickled state; a store of another layout (:func:`layout`) starts empty. A
        parallel reader's holds only its documents: taken for a whole store, it would make
        the next build read every document again."""
        kept = state.pop("_layout", None)
        if kept in (layout(), f"reader {layout()}"):
            self.__dict__.update(state)
            self.reread = kept != layout()
            return
        self.__init__()  # type: ignore[misc]
        self.reread = True

    def start_reading(self) -> None:
        """The documents are about to be read, in this process or in readers forked from it."""
        self._reading_in = os.getpid()
        self._filed = {}

    def stop_reading(self) -> None:
        self._reading_in = None

    def _pack(self) -> tuple[dict[str, Blob], bytes]:
        """Each document's records (as unpacked, if its stamp is the same), and what is kept
        of them: the decisions and the export's entries."""
        blobs = {}
        for docname, spec in self.specs.items():
            stamp = self.stamps.get(docname)
            kept = self._blobs.get(docname)
            if stamp is None or kept is None or kept[0] != stamp:
                records = (spec, self.objects.get(docname, ()))
                kept = (-1 if stamp is None else stamp, pickle.dumps(records, PROTOCOL))
            blobs[docname] = kept
        decisions = {  # each fingerprint as written: a string is quicker to load
            spec_id: (stamps, found if isinstance(found, str) else found.recorded())
            for spec_id, (stamps, found) in self.decisions.items()
        }
        entries = {path: kept.entries for path, kept in self.exported.items()}
        return blobs, pickle.dumps((decisions, entries), PROTOCOL)

    def __getattr__(self, name: str) -> Any:
        """The packed tables, unpacked when first used (only called for a missing attribute)."""
        packed = self.__dict__.get("_packed") if name in PACKED else None
        if packed is None:
            raise AttributeError(name)
        del self.__dict__["_packed"]
        specs: dict[str, Spec] = {}
        objects: dict[str, tuple[SpecObject, ...]] = {}
        try:
            blobs, kept = packed
            loaded = load_quietly([kept, *(blob for _stamp, blob in blobs.values())])
            decisions, entries = loaded[0]
            for docname, (spec, records) in zip(blobs, loaded[1:], strict=True):
                specs[docname], objects[docname] = spec, records
            self._blobs = blobs
        except Exception as error:  # damaged, or pickled by another version of a record class
            specs, objects, decisions, entries = {}, {}, {}, {}
            self.unreadable = f"{type(error).__name__}: {error}"
            self.changed()
        self.specs, self.objects, self.decisions = specs, objects, decisions
        for path, kept in entries.items():
            if path in self.exported and not self.exported[path].entries:
                self.exported[path].entries = kept
        return self.__dict__[name]

    def changed(self) -> None:
        """Something the index is derived from changed: derive it again when asked."""
        self._index = None
        self.version += 1

    def _input_changed(self, name: str, value: object) -> bool:
        """Whether an input read again on every build differs from the last build's.

        The inputs themselves are not pickled; their digests are, so that reading the
        same imports or reports again is not a change.
        """
        digest = hashlib.sha1(repr(value).encode("utf-8", "surrogatepass")).hexdigest()
        if self.inputs.get(name) == digest:
            return False
        self.inputs[name] = digest
        return True

    def set_imported(self, imported: Iterable[ImportedSpecs]) -> None:
        self.imported = tuple(imported)
        if self._input_changed("imported", self.imported):
            self.changed()

    def set_reports(self, reports: TestReports, verify: Iterable[str] = ()) -> None:
        self.reports, self.verify = reports, tuple(verify)
        if self._input_changed("reports", (reports, self.verify)):
            self.changed()

    def set_glossary(self, glossary: dict[str, tuple[str, str]]) -> None:
        self.glossary = glossary
        if self._input_changed("glossary", glossary):
            self.changed()

    def set_today(self, today: datetime.date) -> None:
        if today != self.today:
            self.today = today
            self.changed()

    def add_document(
        self,
        docname: str,
        spec: Spec | None,
        objects: Iterable[SpecObject],
        references: Iterable[Reference],
        views: Iterable[ViewQuery],
        rich: dict[tuple[str, str, str], list[Any]] | None = None,
    ) -> None:
        """File what one document holds: its spec (if it has one), objects, links and views."""
        self.purge(docname)
        if spec is not None:
            self.specs[docname] = spec
            self.objects[docname] = tuple(objects)
        self.references[docname] = frozenset(references)
        self.views[docname] = tuple(views)
        if rich:
            self.rich[docname] = rich
        self.changed()
        self.stamps[docname] = self.version
        self._filed[docname] = os.getpid()

    def tables(self) -> tuple[dict[str, Any], ...]:
        """The per-document tables, all keyed by docname."""
        return (self.specs, self.objects, self.references, self.views, self.rich)

    def purge(self, docname: str) -> None:
        self._keep_before(docname)
        for table in self.tables():
            table.pop(docname, None)
        self.stamps.pop(docname, None)
        self.changed()

    def merge(self, docnames: set[str], other: SpecStore) -> None:
        """Take what a parallel reader filed for *docnames*, packed: they are unpacked, and
        their packed bytes kept, so that this process does not pickle them again. (Of a store
        that holds more documents' records, only those of *docnames* are unpacked.)"""
        for docname in docnames:
            self._keep_before(docname)
        pairs: tuple[tuple[dict[str, Any], dict[str, Any]], ...] = (
            (self.references, other.references),
            (self.views, other.views),
            (self.rich, other.rich),
        )
        for mine, theirs in pairs:
            mine.update({doc: value for doc, value in theirs.items() if doc in docnames})
        self.changed()
        for docname in docnames:
            self.stamps[docname] = self.version
        for docname, (spec, objects, blob) in other.records_of(docnames).items():
            self.specs[docname], self.objects[docname] = spec, objects
            if blob is not None:
                self._blobs[docname] = (self.version, blob)

    def records_of(
        self, docnames: set[str]
    ) -> dict[str, tuple[Spec, tuple[SpecObject, ...], bytes | None]]:
        """The spec and records of each of *docnames* that has a spec, with their packed
        bytes when the store is still packed (then only theirs are unpacked)."""
        packed = self.__dict__.get("_packed")
        if packed is not None:
            blobs = packed[0]
            try:
                with quietly(keep=False):  # kept, but not frozen: the reader's store is not
                    found = {}
                    for docname in docnames & blobs.keys():
                        blob = blobs[docname][1]
                        spec, objects = pickle.loads(blob)
                        found[docname] = (spec, objects, blob)
                return found
            except Exception:  # noqa: BLE001 - damaged: unpacked as a whole, which reports it
                pass
        return {
            docname: (spec, self.objects.get(docname, ()), None)
            for docname, spec in self.specs.items()
            if docname in docnames
        }

    def _keep_before(self, docname: str) -> None:
        """Note what *docname* held before this build changed it (the first time only)."""
        if docname not in self._before:
            self._before[docname] = (self.specs.get(docname), self.objects.get(docname, ()))

    def settle_kinds(self) -> None:
        """Count a change for each record kind whose records differ from before the build.

        A document read again with the same records changes no kind, nor does one whose
        records only moved to other lines (no view shows a line); one removed, or read with
        a record added, changed or dropped, changes the kinds of those records.
        """
        for docname, (spec, objects) in self._before.items():
            if unlocated([self.specs.get(docname)]) != unlocated([spec]):
                self._bump(SPEC_KIND)
            before = by_kind(objects)
            now = by_kind(self.objects.get(docname, ()))
            for kind in before.keys() | now.keys():
                if unlocated(before.get(kind, ())) != unlocated(now.get(kind, ())):
                    self._bump(kind)
        self._before.clear()

    def _bump(self, kind: str) -> None:
        self.kind_versions[kind] = self.kind_versions.get(kind, 0) + 1

    def kinds_token(self, kinds: Iterable[str] | None = None) -> tuple[tuple[str, int], ...]:
        """The versions of *kinds* (of every kind: ``None``): equal while none of them changed."""
        self.settle_kinds()
        if kinds is None:
            return tuple(sorted(self.kind_versions.items()))
        return tuple((kind, self.kind_versions.get(kind, 0)) for kind in sorted(kinds))

    @property
    def index(self) -> ProjectIndex:
        """The project index, derived again after any change."""
        if self._index is None:
            with quietly():  # long-lived: into the frozen heap
                self._index = ProjectIndex(
                    self.specs,
                    self.objects,
                    self.imported,
                    self.glossary,
                    self.today,
                    reports=self.reports,
                    verify=self.verify,
                    decisions=self.decisions,
                    stamps=self.stamps,
                )
        return self._index


@functools.cache
def layout() -> str:
    """The store's tables and the fields of every record class, as pickled: a store pickled
    with another layout (by another version of sphinx-spec) is not loaded."""
    shapes: list[object] = [sorted(vars(SpecStore())), Reference._fields]
    for name, value in sorted(vars(model).items()):
        if isinstance(value, type) and is_dataclass(value):
            shapes.append((name, [item.name for item in fields(value)]))
        elif isinstance(value, type) and issubclass(value, tuple) and hasattr(value, "_fields"):
            shapes.append((name, value._fields))
    return hashlib.sha1(repr(shapes).encode()).hexdigest()


def unlisted(exported: Any) -> Any:
    """A copy of an export's bookkeeping without its entries (they are packed)."""
    bare = copy.copy(exported)
    bare.entries = {}
    return bare


def unlocated(records: Iterable[Located | None]) -> list[Located | None]:
    """*records* with their line numbers left out, to compare what they say."""
    return [None if r is None else replace(r, lineno=0) for r in records]


def by_kind(objects: Iterable[SpecObject]) -> dict[str, list[SpecObject]]:
    grouped: dict[str, list[SpecObject]] = {}
    for obj in objects:
        grouped.setdefault(obj.kind, []).append(obj)
    return grouped


def store_of(env: Any) -> SpecStore:
    """The project's store, kept on the build environment and pickled with it."""
    store: SpecStore | None = getattr(env, "spec_store", None)
    if store is None:
        store = SpecStore()
        env.spec_store = store
    return store
