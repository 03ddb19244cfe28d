"""Render a view's result as standard docutils nodes: tables, lists, references.

Runs as a post-transform, per page, after the whole project has been read.
Tables carry the ``longtable`` class so that LaTeX breaks them across pages.

A view inside a table cell is a nested table, without column widths and
without ``longtable`` (which LaTeX cannot nest). Where the builder cannot
nest tables at all (text, man, texinfo) or not that way (LaTeX: a table two
tables deep, or inside a long table), the rows are a bulleted list instead,
with a ``spec.view`` warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docutils import nodes
from docutils.nodes import Element
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.locale import get_translation
from sphinx.transforms.post_transforms import SphinxPostTransform

from sphinx_spec.builders import BuilderKind, builder_of, current_builder
from sphinx_spec.diagrams import MERMAID_MAX_EDGES, MERMAID_MAX_TEXT, mermaid_node, spec_graph
from sphinx_spec.directives.objects import NEEDS_REVIEW, suspect_badge
from sphinx_spec.domain import link_to
from sphinx_spec.heap import quietly
from sphinx_spec.index import ProjectIndex
from sphinx_spec.links import patterns_of
from sphinx_spec.nodes import IdAllocator, badge, code_spans, spec_view, spec_xref
from sphinx_spec.report import warn
from sphinx_spec.richtext import view_copy
from sphinx_spec.store import SpecStore, store_of
from sphinx_spec.views.catalog import (
    VIEWS,
    Section,
    View,
    ViewResult,
    cell_text,
    shown_query,
    view_result,
)
from sphinx_spec.views.html import RowWriter, Unwritten
from sphinx_spec.views.query import (
    Badge,
    Cell,
    Coded,
    Link,
    Marked,
    Parts,
    Rich,
    Row,
    SpecGraph,
    Verification,
    ViewQuery,
)

_ = get_translation("sphinx_spec")


@dataclass(frozen=True)
class Page:
    """The page a view is drawn on; with the builder and the index, its links are made
    resolved, where they land known (a view's rows are thousands of links)."""

    docname: str
    builder: Builder | None = None
    index: ProjectIndex | None = None
    #: for the HTML builders: writes a table's rows as HTML (see :mod:`sphinx_spec.views.html`)
    rows: RowWriter | None = None


def link_node(link: Link, page: Page) -> nodes.Node:
    classes = ["spec-nowrap"] if link.kind == "spec" and link.text == link.target else []
    found = page.index.resolve(link.kind, link.target, page.docname) if page.index else None
    if found is None or page.builder is None:  # Sphinx resolves it, or reports it dangling
        attrs: dict[str, Any] = {"spec_step": link.step} if link.step else {}
        return spec_xref(
            link.kind, link.target, page.docname, link.text, explicit=True, classes=classes, **attrs
        )
    shown = nodes.inline(link.text, link.text, classes=classes)  # ids stay on one line
    return link_to(page.builder, page.docname, found, link.step, shown)


#: the attribute of the inline a rich cell is drawn in, until :func:`fill_rich` fills it
RICH_CELL = "spec_rich_cell"


def rich_nodes(cell: Rich) -> nodes.inline:
    """The cell's text as written, marked for :func:`fill_rich`, which puts its markup in."""
    return nodes.inline("", cell.text, classes=["spec-rich"], **{RICH_CELL: cell})


def fill_rich(block: nodes.Element, store: SpecStore, docname: str) -> None:
    """Put each rich cell's parsed markup, copied for *docname*'s page, in place of its text."""
    for node in list(block.findall(nodes.inline)):
        cell = node.attributes.pop(RICH_CELL, None)
        if cell is None:
            continue
        parsed = store.rich.get(cell.docname, {}).get((cell.kind, cell.target, cell.option))
        if parsed:
            node.children = []
            node += view_copy(parsed, cell.docname, docname, store.index)


def joined(parts: tuple[Cell, ...], page: Page) -> list[nodes.Node]:
    """The nodes of each part, separated by commas."""
    listed: list[nodes.Node] = []
    for n, part in enumerate(parts):
        listed += [nodes.Text(", ")] if n else []
        listed += cell_nodes(part, page)
    return listed


#: the class of a badge whose tooltip names tests; outside HTML the tooltip is dropped
TESTS_TOOLTIP = "spec-tests"


def verification_nodes(cell: Verification) -> list[nodes.Node]:
    """The state badge, its tests (with their outcomes) as its HTML tooltip, and the note:
    the failing tests' names or how many tests there are. :func:`drop_tooltips` removes the
    tooltip where it cannot show."""
    classes = ["spec-badge", f"spec-verification-{cell.state}"]
    if cell.tests:
        tests = "; ".join(cell.tests)
        classes.append(TESTS_TOOLTIP)
        marked: nodes.Element = nodes.abbreviation(
            cell.text, cell.text, explanation=tests, classes=classes
        )
    else:
        marked = nodes.inline(cell.text, cell.text, classes=classes)
    return [marked, nodes.Text(f" {cell.note}")] if cell.note else [marked]


def drop_tooltips(block: nodes.Element) -> None:
    """Outside HTML, the badges' tooltips become plain badges: LaTeX and text would print a
    tooltip once per page after the badge, the note beside it already names what fails."""
    for abbr in list(block.findall(nodes.abbreviation)):
        if TESTS_TOOLTIP in abbr["classes"]:
            abbr.replace_self(nodes.inline(abbr.astext(), abbr.astext(), classes=abbr["classes"]))


def cell_nodes(cell: Cell, page: Page) -> list[nodes.Node]:
    if isinstance(cell, Verification):
        return verification_nodes(cell)
    if isinstance(cell, Rich):
        return [rich_nodes(cell)]
    if isinstance(cell, Badge):
        return [badge(cell.text, f"spec-{cell.family}-{cell.status}")]
    if isinstance(cell, Parts):
        return joined(cell.parts, page)
    if (
        isinstance(cell, tuple)
        and not isinstance(cell, Link)
        and cell
        and isinstance(cell[0], Link)
    ):
        return joined(cell, page)
    if isinstance(cell, Link):
        return [link_node(cell, page)]
    if isinstance(cell, Coded):
        return code_spans(cell.text)
    if isinstance(cell, Marked):
        return [nodes.inline(cell.text, cell.text, classes=[cell.mark])]
    return [nodes.Text(cell.text)] if cell.text else []  # type: ignore[union-attr]


#: how a view lays out its rows: a table, a table in a table cell, a bulleted list
TABLE, NESTED, LIST = "table", "nested", "list"
#: builders whose writers cannot put a table inside a table cell
NO_NESTED_TABLES = ("text", "man", "texinfo")
#: rows from which LaTeX makes a table a ``longtable``, which cannot hold another table
LATEX_LONG_ROWS = 30


#: each shown column's header and relative width
Columns = list[tuple[str, int]]


def table(
    view: View, rows: tuple[Row, ...], page: Page, layout: str, columns: Columns
) -> nodes.table:
    """A table with a header row; ``longtable`` so that LaTeX can break it across pages.

    Nested in another table, it declares no widths and is no ``longtable``.
    """
    group = nodes.tgroup(cols=len(columns))
    group += [nodes.colspec(colwidth=width) for _name, width in columns]
    head = nodes.row("", *(entry([nodes.Text(name)]) for name, _width in columns))
    group += nodes.thead("", head)
    written = written_rows(rows, page) if layout == TABLE else None
    if written is not None:
        group += nodes.tbody("", nodes.raw("", written, format="html"))
    else:
        group += nodes.tbody(
            "",
            *(
                nodes.row("", *(entry(cell_nodes(c, page)) for c in row), classes=row_classes(row))
                for row in rows
            ),
        )
    classes = ["spec-view", f"spec-view-{view.name}"]
    classes += ["longtable", "colwidths-given"] if layout == TABLE else ["spec-view-nested"]
    return nodes.table("", group, classes=classes)


def written_rows(rows: tuple[Row, ...], page: Page) -> str | None:
    """The rows as HTML where the page has a row writer and it writes every cell."""
    if page.rows is None:
        return None
    try:
        return page.rows.rows(rows, [row_classes(row) for row in rows])
    except Unwritten:
        return None


def row_classes(row: Row) -> list[str]:
    """``spec-row-rejected`` for the row of a rejected (or deferred) approach."""
    return [f"spec-row-{cell.status}" for cell in row if isinstance(cell, Badge) and cell.marked]


def row_list(view: View, rows: tuple[Row, ...], page: Page, columns: Columns) -> nodes.bullet_list:
    """The rows as a bulleted list, for where a table cannot go: ``first — Column: value · …``."""
    items = nodes.bullet_list(classes=["spec-view", f"spec-view-{view.name}", "spec-view-list"])
    for row in rows:
        paragraph = nodes.paragraph("", "", *cell_nodes(row[0], page))
        separator = " — "
        for (column, _width), cell in zip(columns[1:], row[1:], strict=True):
            shown = cell_nodes(cell, page)
            if shown:
                paragraph += [nodes.Text(f"{separator}{column}: "), *shown]
                separator = " · "
        items += nodes.list_item("", paragraph, classes=row_classes(row))
    return items


def entry(children: list[nodes.Node]) -> nodes.entry:
    return nodes.entry("", nodes.paragraph("", "", *children))


def section_nodes(
    view: View, section: Section, query: ViewQuery, page: Page, layout: str = TABLE
) -> list[nodes.Node]:
    rendered: list[nodes.Node] = []
    columns = view.layout(query)
    if section.heading is not None:
        rendered.append(nodes.rubric("", "", link_node(section.heading, page)))
    if section.rows and layout == LIST:
        rendered.append(row_list(view, section.rows, page, columns))
    elif section.rows:
        rendered.append(table(view, section.rows, page, layout, columns))
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


def listed_nodes(result: ViewResult, page: Page) -> list[nodes.Node]:
    if not result.listed:
        return []
    items = nodes.bullet_list()
    for obj, spec in result.listed:
        paragraph = nodes.paragraph("", "", *cell_nodes(obj, page), nodes.Text(" ("))
        paragraph += [*cell_nodes(spec, page), nodes.Text(")")]
        items += nodes.list_item("", paragraph)
    title = str(result.listed_title)
    return [nodes.rubric(title, title), items]


EDGE_LABELS = {
    "supersedes": _("supersedes"),
    "depends-on": _("depends on"),
    "suspect": NEEDS_REVIEW,
}


def render_graph(
    graph: SpecGraph, query: ViewQuery, number: int, page: Page, ids: IdAllocator | None = None
) -> list[nodes.Node]:
    """The Mermaid flowchart, and a list of its specs whose links the graph's nodes reuse."""
    labels = {relation: str(label) for relation, label in EDGE_LABELS.items()}
    caption = query.title or str(_("Spec graph"))
    name = f"spec-graph-{query.docname}-{number}"
    anchor = ids.take(name) if ids is not None else nodes.make_id(name)
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
    by_id = {node.node_id: node for node in graph.nodes}
    for node in graph.nodes:
        item = nodes.list_item("", classes=[f"spec-graph-node-{node.node_id}"])
        paragraph = nodes.paragraph("", "", link_node(node.spec, page))
        suspect = [
            by_id[edge.target]
            for edge in graph.edges
            if edge.suspect and edge.source == node.node_id
        ]
        if suspect:
            paragraph += [nodes.Text(" — "), suspect_badge()]
            # named, not linked: the list holds one link per node, which the drawn node reuses
            named = ", ".join(cell_text(target.spec) for target in suspect)
            paragraph += [nodes.Text(f": {named}")]
        item += paragraph
        links += item
    block += links
    return [block]


def render_view(
    view: View,
    result: ViewResult,
    query: ViewQuery,
    number: int = 0,
    *,
    layout: str = TABLE,
    ids: IdAllocator | None = None,
    page: Page | None = None,
) -> list[nodes.Node]:
    """The nodes of one view: title, summary, tables, listed items, or a no-match note.

    With a *page* that knows the builder and the index, links are made resolved.
    """
    page = page or Page(query.docname)
    rendered: list[nodes.Node] = []
    if query.title:
        rendered.append(nodes.rubric(query.title, query.title))
    if result.summary:
        rendered.append(summary_line(result))
    if result.empty:
        note = str(view.empty_note)
        return [*rendered, nodes.paragraph("", note, classes=["spec-view-empty"])]
    if result.graph is not None:
        return [*rendered, *render_graph(result.graph, query, number, page, ids)]
    for section in result.sections:
        rendered += section_nodes(view, section, query, page, layout)
    rendered += listed_nodes(result, page)
    return rendered


def enclosing_tables(node: nodes.Node) -> list[nodes.table]:
    """The tables *node* is inside, innermost first."""
    tables = []
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.table):
            tables.append(parent)
        parent = parent.parent
    return tables


def is_long(table: nodes.table) -> bool:
    """Whether LaTeX typesets *table* as a ``longtable`` (which cannot hold a table)."""
    rows = sum(len(part) for group in table.children for part in group.children)
    return "longtable" in table["classes"] or rows > LATEX_LONG_ROWS


def table_layout(builder: BuilderKind, tables: list[nodes.table]) -> tuple[str, str]:
    """How a view inside *tables* lays out its rows, and why it cannot be a table (if so)."""
    if not tables:
        return TABLE, ""
    if builder.format in NO_NESTED_TABLES:
        return LIST, f"the {builder.name} builder cannot put a table inside a table cell"
    if builder.format == "latex" and len(tables) > 1:
        return LIST, "LaTeX cannot put a table inside a table that is itself in a table cell"
    if builder.format == "latex" and any(map(is_long, tables)):
        return LIST, (
            f"LaTeX cannot put a table inside a long table (class longtable, or more than "
            f"{LATEX_LONG_ROWS} rows)"
        )
    return NESTED, ""


class RenderViews(SphinxPostTransform):
    """Replace each ``spec_view`` placeholder with its view, from the project index.

    Priority 5, before Sphinx resolves references (10): the view's links are made
    resolved (it knows where each lands); one it cannot resolve is left to Sphinx.
    """

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        placeholders = list(self.document.findall(spec_view))
        if not placeholders:
            return
        with quietly():  # kept with the index (if the digest did not compute them already)
            index = store_of(self.env).index
            results = [view_result(index, placeholder["query"]) for placeholder in placeholders]
        with quietly(keep=False):  # the page's rows are made with the collector paused
            self.render(index, placeholders, results)

    def render(
        self, index: ProjectIndex, placeholders: list[Element], results: list[ViewResult]
    ) -> None:
        builder = current_builder(self.env)
        writer = builder_of(self.env)
        ids = IdAllocator(self.document)
        for number, (placeholder, result) in enumerate(zip(placeholders, results, strict=True)):
            written: ViewQuery = placeholder["query"]
            query = shown_query(index, written)  # its columns, as the result shows them
            view = VIEWS[query.view]
            layout, reason = table_layout(builder, enclosing_tables(placeholder))
            if reason and any(section.rows for section in result.sections):
                warn(f"{query.view}: {reason}; the view is shown as a list", "view", query.location)
            # derived from the specs, whose own pages the search finds: left out of its index
            unsearched = ["no-search"] if builder.is_html else []
            container = nodes.container("", classes=["spec-view-block", *unsearched])
            rows = (
                RowWriter(query.docname, writer, index, patterns_of(self.config))
                if builder.is_html
                else None
            )
            page = Page(query.docname, writer, index, rows)
            container += render_view(view, result, query, number, layout=layout, ids=ids, page=page)
            fill_rich(container, store_of(self.env), query.docname)
            if not builder.is_html:
                drop_tooltips(container)
            placeholder.replace_self(container)


def setup_render(app: Sphinx) -> None:
    app.add_post_transform(RenderViews)
