"""The node shapes directives and transforms share, and the card's placeholder node.

Everything here builds standard docutils nodes, except ``spec_card_details``,
which a post-transform replaces before any builder writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docutils import nodes
from sphinx import addnodes


class spec_view(nodes.General, nodes.Element):  # noqa: N801 (docutils naming)
    """Where an aggregate directive's view goes; ``node["query"]`` says which and how filtered.

    Rendered by the views post-transform from the whole project's index.
    """


class spec_card_details(nodes.General, nodes.Element):  # noqa: N801 (docutils naming)
    """Where a spec card's cross-document part goes: reverse links and live counts.

    Holds the :class:`~sphinx_spec.model.Spec` record in ``node["spec"]``; the
    card post-transform replaces it once the whole project has been read.
    """


class IdAllocator:
    """HTML ids that no element of the page has yet, for nodes added when a page is written.

    Knows every id in *document* when created; each id it hands out is taken from then on.
    """

    def __init__(self, document: nodes.Element) -> None:
        self.taken = {id_ for node in document.findall(nodes.Element) for id_ in node["ids"]}

    def take(self, name: str) -> str:
        """``make_id(name)``, or, when taken, the same with ``-2``, ``-3``, … appended."""
        base = nodes.make_id(name)
        candidate, n = base, 1
        while candidate in self.taken:
            n += 1
            candidate = f"{base}-{n}"
        self.taken.add(candidate)
        return candidate


def field(name: str, *body: nodes.Node) -> nodes.field:
    return nodes.field(
        "", nodes.field_name(name, name), nodes.field_body("", nodes.paragraph("", "", *body))
    )


def fields(rows: Sequence[tuple[str, str | nodes.Node | None]]) -> list[nodes.field_list]:
    """A field list of the rows whose value is not empty (none at all if all are)."""
    items = [
        field(name, nodes.Text(value) if isinstance(value, str) else value)
        for name, value in rows
        if value
    ]
    return [nodes.field_list("", *items, classes=["spec-fields"])] if items else []


def badge(text: str, *classes: str) -> nodes.inline:
    """A status badge: *text*, styled by ``spec-badge`` and *classes* (its status, its role)."""
    return nodes.inline(text, text, classes=["spec-badge", *classes])


def code_spans(text: str) -> list[nodes.Node]:
    """*text* as nodes, its backquoted spans as code: ``goal `fast` target changed``."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unmatched backquote: all plain
        return [nodes.Text(text)]
    return [
        nodes.literal(part, part) if n % 2 else nodes.Text(part)
        for n, part in enumerate(parts)
        if part
    ]


def comma_separated(parts: Sequence[nodes.Node]) -> nodes.inline | None:
    """*parts* in one inline, separated by commas; ``None`` when there are none."""
    if not parts:
        return None
    joined = nodes.inline()
    for n, part in enumerate(parts):
        if n:
            joined += nodes.Text(", ")
        joined += part
    return joined


def spec_xref(
    kind: str,
    target: str,
    docname: str,
    text: str,
    *,
    explicit: bool = False,
    classes: Sequence[str] = (),
    **attrs: Any,
) -> addnodes.pending_xref:
    """A reference the ``spec`` domain resolves; consistency checks report dangling ones."""
    ref = addnodes.pending_xref(
        "",
        nodes.inline(text, text, classes=list(classes)),
        refdomain="spec",
        reftype=kind,
        reftarget=target,
        refdoc=docname,
        refexplicit=explicit,
        refwarn=False,
        **attrs,
    )
    return ref
