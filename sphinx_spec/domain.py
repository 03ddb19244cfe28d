"""The ``spec`` domain: roles for every object kind, resolution, ``objects.inv``.

The domain keeps no data of its own: it answers from the project index, so
purging and merging happen in one place (:mod:`sphinx_spec.collector`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from collections.abc import Set as AbstractSet
from typing import Any
from urllib.parse import urlsplit

from docutils import nodes
from docutils.nodes import Element
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.domains import Domain, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.locale import get_translation
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_refnode

from sphinx_spec.index import ProjectIndex, Target, did_you_mean
from sphinx_spec.model import ALL_KINDS, KINDS, SPEC_KIND, SPEC_LABEL, Flow, NonGoal, Spec, Term
from sphinx_spec.report import warn
from sphinx_spec.store import SpecStore, store_of

_ = get_translation("sphinx_spec")

#: role name → label; the role names are the object kinds.
OBJECT_TYPES = {SPEC_KIND: SPEC_LABEL, **{name: kind.label for name, kind in KINDS.items()}}


class SpecDomain(Domain):
    """Cross-references to specs and their objects, inside and across projects."""

    name = "spec"
    label = "Spec"
    object_types = {
        kind: ObjType(label, kind, "any")
        if kind != NonGoal.kind
        else ObjType(label, kind, "goal", "any")
        for kind, label in OBJECT_TYPES.items()
    }
    roles = {
        kind: XRefRole(innernodeclass=nodes.inline, warn_dangling=True) for kind in OBJECT_TYPES
    }
    data_version = 1

    def clear_doc(self, docname: str) -> None:
        """Nothing to do: the store purges itself on ``env-purge-doc``."""

    def merge_domaindata(self, docnames: AbstractSet[str], otherdata: dict[str, Any]) -> None:
        """Nothing to do: the store merges itself on ``env-merge-info``."""

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: addnodes.pending_xref,
        contnode: Element,
    ) -> Element | None:
        found = store_of(env).index.resolve(typ, target, node.get("refdoc", fromdocname))
        if found is None:
            return None
        return self.link(builder, fromdocname, found, node, contnode)

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: addnodes.pending_xref,
        contnode: Element,
    ) -> list[tuple[str, Element]]:
        found = store_of(env).index.resolve_any(target, node.get("refdoc", fromdocname))
        return [
            (
                f"spec:{SPEC_KIND if isinstance(obj, Spec) else obj.kind}",
                self.link(builder, fromdocname, obj, node, contnode),
            )
            for obj in found
        ]

    def link(
        self,
        builder: Builder,
        fromdocname: str,
        found: Target,
        node: addnodes.pending_xref,
        contnode: Element,
    ) -> Element:
        """A reference to *found*; the link text is its title unless the author gave one."""
        step = node.get("spec_step") or 0
        if not node.get("refexplicit"):
            title = found.title if not step else f"{found.title}, step {step}"
            contnode = nodes.inline(title, title, classes=contnode.get("classes", []))
        return link_to(builder, fromdocname, found, step, contnode)

    def get_objects(self) -> Iterable[tuple[str, str, str, str, str, int]]:
        """This project's objects, for ``objects.inv`` and the search; imported ones stay with
        their project. The kinds ``spec_index_entries`` names are searched (priority 1), the
        others are in ``objects.inv`` only (-1)."""
        return inventory(store_of(self.env), self.env.config.spec_index_entries)[0]

    def get_full_qualified_name(self, node: Element) -> str | None:
        return node.get("reftarget")


def link_to(
    builder: Builder, fromdocname: str, found: Target, step: int, contnode: Element
) -> Element:
    """A reference from *fromdocname*'s page to *found* (to a step of a flow), showing
    *contnode*: what the domain resolves a ``spec`` reference to, and what views make
    directly, knowing their targets."""
    anchor, tooltip = landing(found, step)
    return reference_to(builder, fromdocname, found, anchor, contnode, tooltip)


def landing(found: Target, step: int = 0) -> tuple[str, str]:
    """Where a link to *found* (a step of a flow) lands, and the id its tooltip shows."""
    anchor = found.anchor
    if isinstance(found, Flow) and found.has_step(step):
        anchor = found.step_anchor(step)
    return anchor, found.id if isinstance(found, Spec) else found.full_id


def inventory_terms(index: ProjectIndex) -> Iterator[tuple[str, Term]]:
    """Each name of this project's spec terms, once, with the term it stands for.

    A name the glossary defines is left to the glossary.
    """
    for folded, terms in sorted(index.local.terms_by_name.items()):
        if folded not in index.glossary:
            term = terms[0]
            yield next(name for name in term.names if name.casefold() == folded), term


Inventory = tuple[tuple[str, str, str, str, str, int], ...]


def inventory(store: SpecStore, indexed: Collection[str]) -> tuple[Inventory, Inventory]:
    """The project's objects (specs and objects; spec terms under ``std:term``), as domains
    list them, kept with the store until it changes: a build with nothing changed lists
    them without deriving the project index."""
    if store.inventory is not None and store.inventory[0] == store.version:
        return store.inventory[1]
    index = store.index
    local = index.local
    priorities = {kind: priority(kind, indexed) for kind in (*ALL_KINDS, *indexed)}
    objects = [
        (spec_id, spec.title, SPEC_KIND, spec.docname, spec.anchor, priorities[SPEC_KIND])
        for spec_id, spec in sorted(local.specs.items())
    ]
    objects += [
        (full_id, obj.title, kind, obj.docname, obj.anchor, priorities.get(kind, -1))
        for (kind, full_id), obj in local.sorted_objects()
    ]
    terms = tuple(
        (name, name, "term", term.docname, term.anchor, -1)  # as the glossary's: not searched
        for name, term in inventory_terms(index)
    )
    listed = (tuple(objects), terms)
    store.inventory = (store.version, listed)
    return listed


def priority(kind: str, indexed: Collection[str]) -> int:
    return 1 if kind in indexed else -1


def external_uri(builder: Builder, fromdocname: str, found: Target, anchor: str) -> str:
    """The address of an imported record, from *fromdocname*'s page."""
    href = found.href
    if anchor != found.anchor:
        href = f"{href.partition('#')[0]}#{anchor}"
    if not urlsplit(href).scheme and builder.format == "html":
        # relative to the output directory: climb from the page's directory first
        page = builder.get_target_uri(fromdocname).partition("#")[0]
        href = "../" * page.count("/") + href
    return href


def internal_reference(
    builder: Builder,
    fromdocname: str,
    todocname: str,
    anchor: str,
    contnode: Element,
    tooltip: str,
) -> nodes.reference:
    """A link to *anchor* in *todocname*, right in every builder.

    Where every document lands on one page (singlehtml), the target is on the page already:
    the link is ``#anchor``. Sphinx's ``make_refnode`` would write ``#document-name#anchor``
    there, which no browser follows to the anchor.
    """
    if anchor and builder.get_relative_uri(fromdocname, todocname).startswith("#"):
        return make_refnode(builder, todocname, todocname, anchor, contnode, tooltip)
    return make_refnode(builder, fromdocname, todocname, anchor, contnode, tooltip)


def reference_to(
    builder: Builder,
    fromdocname: str,
    found: Target,
    anchor: str,
    contnode: Element,
    tooltip: str,
) -> Element:
    """A link to *found*: inside the project, or to the project it was imported from."""
    if not found.external:
        return internal_reference(builder, fromdocname, found.docname, anchor, contnode, tooltip)
    if not found.href:
        return contnode
    return nodes.reference(
        "",
        "",
        contnode,
        internal=False,
        refuri=external_uri(builder, fromdocname, found, anchor),
        reftitle=f"{tooltip} ({found.project})",
        classes=["spec-external"],
    )


def warn_unresolved(app: Sphinx, domain: Domain, node: addnodes.pending_xref) -> bool | None:
    """Report a dangling ``spec`` role as ``spec.ref``, at the reference, when its page is written.

    Links the card or an option made (``refwarn`` false) are the project
    checks' to report, once per build.
    """
    if domain is None or domain.name != SpecDomain.name:
        return None
    if node.get("refwarn"):
        kind = OBJECT_TYPES.get(node["reftype"], node["reftype"])
        target = node["reftarget"]
        hint = did_you_mean(store_of(app.env).index, node["reftype"], target)
        warn(f"unknown {kind.lower()} id {target!r}{hint}", "ref", node)
    return True


def setup_domain(app: Sphinx) -> None:
    app.add_domain(SpecDomain)
    app.connect("warn-missing-reference", warn_unresolved)
