"""The one owner of the spec data's lifecycle across a build.

:class:`SpecCollector` is an ``EnvironmentCollector``; in build order it

1. reads every ``spec_import`` entry and test report again (``env-before-read-docs``),
   and, before each document is read (``source-read``), runs Python's collector every few
   documents (:mod:`sphinx_spec.heap`),
2. forgets what a changed or removed document held (``env-purge-doc``),
3. files each document's records, references and views (``doctree-read``),
4. merges what parallel readers filed (``env-merge-info``),
5. derives the project index once and reports the project-wide checks —
   on every build, a rebuild with nothing to read included (``env-updated``); then,
   while the pages are written, Python's collector makes no full passes of its own,
6. names the pages that show something that changed elsewhere, so that they
   are written again without being read, and writes ``spec.json`` if it
   changed (``env-get-updated``).

The data itself lives in :class:`~sphinx_spec.store.SpecStore`; the doctree
work that precedes filing (ids, anchors, flow diagrams) is done by transforms
(:mod:`sphinx_spec.records`, :mod:`sphinx_spec.diagrams`).
"""

from __future__ import annotations

from collections.abc import Iterator, Set
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors import EnvironmentCollector

from sphinx_spec.checks import project_findings
from sphinx_spec.config import check_settings, config_location, today, view_settings
from sphinx_spec.domain import inventory
from sphinx_spec.federation import import_specs
from sphinx_spec.freshness import outdated_documents
from sphinx_spec.heap import (
    quietly,
    reading_document,
    reading_documents,
    unpaced,
    writing_pages,
)
from sphinx_spec.model import SPEC_KIND, Spec, SpecObject
from sphinx_spec.nodes import spec_view
from sphinx_spec.records import RECORD, is_collected, marked_records
from sphinx_spec.report import report, warn
from sphinx_spec.richtext import filed_values
from sphinx_spec.specjson import write_spec_json
from sphinx_spec.store import Reference, store_of
from sphinx_spec.terms import glossary_terms
from sphinx_spec.verification import TestReports, read_reports
from sphinx_spec.wording import body_of


def references_in(doctree: nodes.document) -> Iterator[Reference]:
    """The spec objects and terms a document links to, for writing it again when they change."""
    for ref in doctree.findall(addnodes.pending_xref):
        domain, kind = ref.get("refdomain") or "", ref.get("reftype", "")
        if domain == "spec" or kind == "any" or (domain == "std" and kind == "term"):
            yield Reference(kind, ref.get("reftarget", ""), ref.get("spec_step") or 0, domain)


Rich = dict[tuple[str, str, str], list[nodes.Node]]


def take_records(doctree: nodes.document) -> tuple[Spec | None, list[SpecObject], Rich]:
    """The document's collected spec and objects, and their parsed values with markup;
    the marks leave the doctree."""
    spec, objects, rich = None, [], {}
    for node, record in marked_records(doctree):
        del node[RECORD]
        if not is_collected(record):
            continue
        if isinstance(record, Spec):
            spec = record
            keys = (key for key, _refs in record.markup)
            filed = filed_values(node, keys, ())
            rich.update({(SPEC_KIND, record.id, key): v for key, v in filed.items()})
        else:
            objects.append(record)
            keys = (key for key, _refs in record.markup)
            filed = filed_values(node, keys, body_of(node))
            rich.update({(record.kind, record.full_id, key): v for key, v in filed.items()})
    return spec, objects, rich


class SpecCollector(EnvironmentCollector):
    """Reads, purges, merges, imports, indexes, checks, and keeps pages fresh."""

    def enable(self, app: Sphinx) -> None:
        super().enable(app)
        assert self.listener_ids is not None
        self.listener_ids["env-before-read-docs"] = app.connect(
            "env-before-read-docs", self.load_imports
        )
        self.listener_ids["env-updated"] = app.connect("env-updated", self.settle_project)
        self.listener_ids["source-read"] = app.connect("source-read", self.reading_document)

    def reading_document(self, app: Sphinx, docname: str, source: list[str]) -> None:
        """Before each document is read: the collector's full passes, every few documents
        (see :mod:`.heap`)."""
        reading_document()

    def load_imports(self, app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
        """Read what comes from outside the documents again: imports and test reports. Then
        the documents are read: the collector's full passes are paced (see :mod:`.heap`)."""
        reading_documents()
        store = store_of(env)
        store.start_reading()
        store.set_imported(import_specs(app))
        store.set_reports(test_reports(app), app.config.spec_require_verification)

    def get_outdated_docs(
        self,
        app: Sphinx,
        env: BuildEnvironment,
        added: Set[str],
        changed: Set[str],
        removed: Set[str],
    ) -> list[str]:
        """Every document, when the last build could not unpack the records it kept, or
        they were kept by a version of sphinx-spec that kept them otherwise."""
        store = store_of(env)
        if not (store.unreadable or store.reread):
            return []
        store.unreadable, store.reread = "", False
        return sorted(env.found_docs - set(added) - set(changed))

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        store_of(env).purge(docname)

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        spec, objects, rich = take_records(doctree)
        views = [node["query"] for node in doctree.findall(spec_view)]
        store_of(app.env).add_document(
            app.env.docname, spec, objects, references_in(doctree), views, rich
        )

    def merge_other(
        self, app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment
    ) -> None:
        store_of(env).merge(set(docnames), store_of(other))

    def settle_project(self, app: Sphinx, env: BuildEnvironment) -> None:
        """After reading: the index, once, and the project-wide checks, on every build. What
        was read, and what is derived from it, joins the frozen heap; the collector makes no
        full pass of its own while the pages are written (see :mod:`.heap`)."""
        unpaced()
        with quietly():
            self._settle_project(app, env)
        writing_pages()

    def _settle_project(self, app: Sphinx, env: BuildEnvironment) -> None:
        store = store_of(env)
        store.stop_reading()
        if store.unreadable:
            warn(
                "the records kept from the last build could not be read "
                f"({store.unreadable}); this build's pages show only the documents it read, "
                "and the next build reads every document again",
                "environment",
                f"{Path(env.doctreedir) / 'environment.pickle'}:1",
            )
        store.set_glossary(glossary_terms(env))
        store.set_today(today(app))
        settings = check_settings(app)
        if store.findings_for != (store.version, settings):  # else: nothing changed since
            store.findings = tuple(project_findings(store, settings))
            store.findings_for = (store.version, settings)
        report(store.findings)

    def get_updated_docs(self, app: Sphinx, env: BuildEnvironment) -> list[str]:
        """The pages to write again; and the export, written now rather than when the build
        finishes, so that what it keeps for the next build is pickled with the environment."""
        store = store_of(env)
        with quietly():  # the digests, views and lists made here are kept: into the frozen heap
            outdated = outdated_documents(
                store, sorted(env.found_docs), str(app.outdir), view_settings(app)
            )
            write_spec_json(app)
            inventory(store, app.config.spec_index_entries)  # listed now, pickled with the store
        return outdated


def test_reports(app: Sphinx) -> TestReports:
    """What ``spec_test_reports`` names; each unreadable report is a located warning."""
    confdir = Path(app.confdir or app.srcdir)
    reports = read_reports(
        app.config.spec_test_reports,
        confdir,
        lambda entry: config_location(app, "spec_test_reports", entry),
    )
    for problem in reports.problems:
        warn(problem.message, "import", problem.location)
    return reports


def setup_collector(app: Sphinx) -> None:
    app.add_env_collector(SpecCollector)
