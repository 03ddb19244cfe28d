"""Render a view's result as standard docutils nodes: tables, lists, references.

Runs as a post-transform, per page, after the whole project has been read.
Tables carry the ``longtable`` class so that LaTeX breaks them across pages.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.locale import get_translation
from sphinx.transforms.post_transforms import SphinxPostTransform

from sphinx_spec.diagrams import mermaid_node, spec_graph
from sphinx_spec.nodes import spec_view, spec_xref
from sphinx_spec.report import warn
from sphinx_spec.store import store_of
from sphinx_spec.views.catalog import VIEWS, Section, View, ViewResult, view_result
from sphinx_spec.views.query import Cell, Link, Row, SpecGraph, ViewQuery

_ = get_translation("sphinx_spec")


def link_node(link: Link, docname: str) -> nodes.Node:
    attrs: dict[str, Any] = {"spec_step": link.step} if link.step else {}
    if link.kind == "spec" and link.text == link.target:
        attrs["classes"] = ["spec-nowrap"]  # ids stay on one line
    return spec_xref(link.kind, link.target, docname, link.text, explicit=True, **attrs)


def cell_nodes(cell: Cell, docname: str) -> list[nodes.Node]:
    if (
        isinstance(cell, tuple)
        and not isinstance(cell, Link)
        and cell
        and isinstance(cell[0], Link)
    ):
        parts: list[nodes.Node] = []
        for n, link in enumerate(cell):
            parts += [nodes.Text(", ")] if n else []
            parts.append(link_node(link, docname))
        return parts
    if isinstance(cell, Link):
        return [link_node(cell, docname)]
    return [nodes.Text(cell.text)] if cell.text else []  # type: ignore[union-attr]


def table(view: View, rows: tuple[Row, ...], docname: str) -> nodes.table:
    """A table with a header row; ``longtable`` so that LaTeX can break it across pages."""
    group = nodes.tgroup(cols=len(view.columns))
    group += [nodes.colspec(colwidth=width) for width in view.widths]
    head = nodes.row("", *(entry([nodes.Text(str(name))]) for name in view.columns))
    group += nodes.thead("", head)
    group += nodes.tbody(
        "", *(nodes.row("", *(entry(cell_nodes(c, docname)) for c in row)) for row in rows)
    )
    classes = ["spec-view", f"spec-view-{view.name}", "longtable", "colwidths-given"]
    return nodes.table("", group, classes=classes)


def entry(children: list[nodes.Node]) -> nodes.entry:
    return nodes.entry("", nodes.paragraph("", "", *children))


def section_nodes(view: View, section: Section, docname: str) -> list[nodes.Node]:
    rendered: list[nodes.Node] = []
    if section.heading is not None:
        rendered.append(nodes.rubric("", "", link_node(section.heading, docname)))
    if section.rows:
        rendered.append(table(view, section.rows, docname))
    return rendered


SUMMARY_LABELS = {
    "open": _("open"),
    "answered": _("answered"),
    "deferred": _("deferred"),
    "blocking": _("blocking"),
}


def summary_line(result: ViewResult) -> nodes.paragraph:
    parts = [f"{count} {SUMMARY_LABELS.get(label, label)}" for label, count in result.summary]
    return nodes.paragraph("", " · ".join(parts), classes=["spec-view-summary"])


def listed_nodes(result: ViewResult, docname: str) -> list[nodes.Node]:
    if not result.listed:
        return []
    items = nodes.bullet_list()
    for obj, spec in result.listed:
        paragraph = nodes.paragraph("", "", *cell_nodes(obj, docname), nodes.Text(" ("))
        paragraph += [*cell_nodes(spec, docname), nodes.Text(")")]
        items += nodes.list_item("", paragraph)
    title = str(result.listed_title)
    return [nodes.rubric(title, title), items]


#: Mermaid's default ``maxTextSize`` and ``maxEdges``: a larger graph draws as an error box
MERMAID_MAX_TEXT = 50_000
MERMAID_MAX_EDGES = 500

EDGE_LABELS = {"supersedes": _("supersedes"), "depends-on": _("depends on")}


def render_graph(graph: SpecGraph, query: ViewQuery, number: int) -> list[nodes.Node]:
    """The Mermaid flowchart, and a list of its specs whose links the graph's nodes reuse."""
    labels = {relation: str(label) for relation, label in EDGE_LABELS.items()}
    caption = query.title or str(_("Spec graph"))
    anchor = nodes.make_id(f"spec-graph-{query.docname}-{number}")
    block = nodes.container("", nodes.target("", "", ids=[anchor]), classes=["spec-graph"])
    code = spec_graph(graph, labels)
    if len(code) > MERMAID_MAX_TEXT or len(graph.edges) > MERMAID_MAX_EDGES:
        warn(
            f"spec-graph: {len(graph.nodes)} specs and {len(graph.edges)} edges are more than "
            "Mermaid draws by default; showing the list only (narrow it with :spec:, :status:, "
            ":tags:)",
            "diagram",
            query.location,
        )
    else:
        block += mermaid_node(code, caption)
    links = nodes.bullet_list(classes=["spec-graph-links"])
    for node in graph.nodes:
        item = nodes.list_item("", classes=[f"spec-graph-node-{node.node_id}"])
        item += nodes.paragraph("", "", link_node(node.spec, query.docname))
        links += item
    block += links
    return [block]


def render_view(
    view: View, result: ViewResult, query: ViewQuery, number: int = 0
) -> list[nodes.Node]:
    """The nodes of one view: title, summary, tables, listed items, or a no-match note."""
    rendered: list[nodes.Node] = []
    if query.title:
        rendered.append(nodes.rubric(query.title, query.title))
    if result.summary:
        rendered.append(summary_line(result))
    if result.empty:
        note = str(view.empty_note)
        return [*rendered, nodes.paragraph("", note, classes=["spec-view-empty"])]
    if result.graph is not None:
        return [*rendered, *render_graph(result.graph, query, number)]
    for section in result.sections:
        rendered += section_nodes(view, section, query.docname)
    rendered += listed_nodes(result, query.docname)
    return rendered


class RenderViews(SphinxPostTransform):
    """Replace each ``spec_view`` placeholder with its view, from the project index.

    Priority 5: the references it adds are resolved by Sphinx at priority 10.
    """

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        index = store_of(self.env).index
        for number, placeholder in enumerate(list(self.document.findall(spec_view))):
            query: ViewQuery = placeholder["query"]
            view = VIEWS[query.view]
            container = nodes.container("", classes=["spec-view-block"])
            container += render_view(view, view_result(index, query), query, number)
            placeholder.replace_self(container)


def setup_render(app: Sphinx) -> None:
    app.add_post_transform(RenderViews)
