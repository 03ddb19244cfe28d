"""Spec terms in Sphinx's standard domain: ``:term:`` finds them, ``objects.inv`` lists them.

Precedence, the same on every build:

1. A name that an ordinary ``glossary`` defines stays the glossary's
   (Sphinx resolves it first, in any case; the spec term warns ``spec.glossary``).
2. Otherwise a page of a spec gets its own spec's term, and any other page
   the term of the spec whose id sorts first (this project's before imported ones).

Spec terms are never written into the standard domain's data. Its
``get_objects`` (``objects.inv`` as ``std:term``, the search index) lists them
from the project index, and ``:term:`` and ``:any:`` reach them through
``missing-reference`` when Sphinx's own objects have nothing. Purging,
merging and precedence are therefore the index's, which is derived from the
store on every build.
"""

from __future__ import annotations

from collections.abc import Iterator

from docutils.nodes import Element
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.domains import std
from sphinx.environment import BuildEnvironment

from sphinx_spec.domain import internal_reference, inventory, reference_to
from sphinx_spec.store import store_of

#: a glossary term's name, casefolded → ``(docname, anchor)``
Glossary = dict[str, tuple[str, str]]


def glossary_terms(env: BuildEnvironment) -> Glossary:
    """The terms that ordinary glossaries (and other extensions) define, by casefolded name."""
    domain = env.get_domain("std")
    objects: dict[tuple[str, str], tuple[str, str]] = domain.objects  # type: ignore[attr-defined]
    found: Glossary = {}
    for (objtype, name), where in sorted(objects.items()):
        if objtype == "term":
            found.setdefault(name.casefold(), where)
    return found


class StandardDomain(std.StandardDomain):
    """Sphinx's standard domain, whose object list also names this project's spec terms."""

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        yield from super().get_objects()
        yield from inventory(store_of(self.env), self.env.config.spec_index_entries)[1]


def resolve_spec_term(
    app: Sphinx, env: BuildEnvironment, node: addnodes.pending_xref, contnode: Element
) -> Element | None:
    """``:term:`` or ``:any:`` naming a spec term (or alias) that nothing else defines."""
    is_term = node.get("refdomain") == "std" and node.get("reftype") == "term"
    if not is_term and node.get("reftype") != "any":
        return None
    docname = node.get("refdoc", "")
    index = store_of(env).index
    defined = index.glossary.get(node["reftarget"].casefold())
    if defined is not None:  # the glossary's, though Sphinx's lower() missed it (STRASSE, Straße)
        return internal_reference(app.builder, docname, *defined, contnode, node["reftarget"])
    term = index.term_by_name(node["reftarget"], docname)
    if term is None:
        return None
    return reference_to(app.builder, docname, term, term.anchor, contnode, term.title)


def setup_terms(app: Sphinx) -> None:
    app.add_domain(StandardDomain, override=True)
    # before intersphinx (500): this project's terms come before other projects'
    app.connect("missing-reference", resolve_spec_term, priority=400)
