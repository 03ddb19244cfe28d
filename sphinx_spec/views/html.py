"""A view table's rows as HTML, written directly: what Sphinx's HTML writer makes of them.

A view of a thousand specs has thousands of rows, each of them a dozen
docutils nodes that every post-transform walks, the HTML writer visits and
the search indexer reads. For the HTML builders the rows of a top-level
table are written here as one ``raw`` node, byte for byte what the writer
would make of the nodes (``tests/test_view_html.py`` compares the two). The
table itself, its columns and its header stay nodes, so that a theme's own
table markup applies. A row with a cell this module does not write (option
text with inline markup, a link to another project's record, one that does
not resolve) leaves the whole table to the nodes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sphinx.builders import Builder

from sphinx_spec.domain import landing
from sphinx_spec.index import ProjectIndex
from sphinx_spec.links import Patterns, id_spans
from sphinx_spec.views.query import (
    Badge,
    Cell,
    Coded,
    Link,
    Marked,
    Parts,
    Row,
    Text,
    Verification,
)

#: docutils' HTML writer encodes these (``@`` too, against address harvesters)
SPECIAL = {ord("&"): "&amp;", ord("<"): "&lt;", ord('"'): "&quot;", ord(">"): "&gt;"}
SPECIAL[ord("@")] = "&#64;"
#: attribute values: control whitespace becomes a space, then the special characters
ATTRIBUTE = {**SPECIAL, **{ord(space): " " for space in "\n\r\t\v\f"}}
#: literal text: each word kept from wrapping, runs of spaces kept
WORDS_AND_SPACES = re.compile(r"\S+| +|\n")


class Unwritten(Exception):
    """A cell this module does not write: the table is left to the nodes."""


def encode(text: str) -> str:
    return text.translate(SPECIAL)


def attribute(text: str) -> str:
    return text.translate(ATTRIBUTE)


def linked(text: str, patterns: Patterns) -> str:
    """Text, the ids ``spec_link_patterns`` finds in it linked (as :mod:`sphinx_spec.links`)."""
    if not patterns:
        return encode(text)
    return "".join(
        f'<a class="spec-link reference external" href="{attribute(url)}">{encode(piece)}</a>'
        if url
        else encode(piece)
        for piece, url in id_spans(text, patterns)
    )


def literal(text: str) -> str:
    """A code span as the writer protects it: each word in a ``pre`` span."""
    written = []
    for token in WORDS_AND_SPACES.findall(encode(text)):
        if token.strip():
            written.append(f'<span class="pre">{token}</span>')
        elif token in (" ", "\n"):
            written.append(token)
        else:
            written.append("&#160;" * (len(token) - 1) + " ")
    return f'<code class="docutils literal notranslate">{"".join(written)}</code>'


@dataclass
class RowWriter:
    """Writes rows for one page: links resolved from *docname*, as the domain resolves them."""

    docname: str
    builder: Builder
    index: ProjectIndex
    patterns: Patterns = ()
    #: the page address of each document linked to from this page
    pages: dict[str, str] = field(default_factory=dict)
    #: the opening tag of each link target's links: ``(kind, target, step)`` → ``<a …>``
    openings: dict[tuple[str, str, int], str] = field(default_factory=dict)

    def rows(self, rows: tuple[Row, ...], marks: list[list[str]]) -> str:
        """The ``<tr>`` elements of *rows* (numbered after one header row), with each
        row's own classes (*marks*); :class:`Unwritten` if a cell cannot be written."""
        written = []
        for number, (row, classes) in enumerate(zip(rows, marks, strict=True)):
            parity = "row-even" if number % 2 == 0 else "row-odd"
            opening = f'<tr class="{attribute(" ".join([*classes, parity]))}">'
            cells = "".join(f"<td><p>{self.cell(cell)}</p></td>\n" for cell in row)
            written.append(f"{opening}{cells}</tr>\n")
        return "".join(written)

    def cell(self, cell: Cell) -> str:
        write = WRITERS.get(type(cell))
        if write is not None:
            return write(self, cell)
        if isinstance(cell, tuple) and cell and all(type(c) is Link for c in cell):
            return ", ".join(self.link(part) for part in cell)  # type: ignore[arg-type]
        raise Unwritten(type(cell).__name__)

    def verification(self, cell: Verification) -> str:
        classes = ["spec-badge", f"spec-verification-{cell.state}"]
        if cell.tests:
            title = attribute("; ".join(cell.tests))
            badge = (
                f'<abbr class="{attribute(" ".join([*classes, "spec-tests"]))}" '
                f'title="{title}">{self.text(cell.text)}</abbr>'
            )
        else:
            badge = self.span(cell.text, classes)
        return f"{badge}{self.text(' ' + cell.note)}" if cell.note else badge

    def badge(self, cell: Badge) -> str:
        return self.span(cell.text, ["spec-badge", f"spec-{cell.family}-{cell.status}"])

    def parts(self, cell: Parts) -> str:
        return ", ".join(self.cell(part) for part in cell.parts)

    def marked(self, cell: Marked) -> str:
        return self.span(cell.text, [cell.mark])

    def text(self, text: str) -> str:
        return linked(text, self.patterns)

    def span(self, text: str, classes: list[str]) -> str:
        """An inline of the cell's own text, ids in it linked."""
        return f'<span class="{attribute(" ".join(classes))}">{self.text(text)}</span>'

    def coded(self, text: str) -> str:
        parts = text.split("`")
        if len(parts) % 2 == 0:  # an unmatched backquote: all plain
            return self.text(text)
        return "".join(literal(part) if n % 2 else self.text(part) for n, part in enumerate(parts))

    def link(self, link: Link) -> str:
        key = (link.kind, link.target, link.step)
        opening = self.openings.get(key)
        if opening is None:  # rows link to their spec many times: its address is made once
            found = self.index.resolve(link.kind, link.target, self.docname)
            if found is None or found.external:
                raise Unwritten("a link Sphinx resolves or reports")
            anchor, tooltip = landing(found, link.step)
            href = self.address(found.docname, anchor)
            opening = self.openings[key] = (
                f'<a class="reference internal" href="{attribute(href)}" '
                f'title="{attribute(tooltip)}">'
            )
        if link.kind == "spec" and link.text == link.target:
            return f'{opening}<span class="spec-nowrap">{encode(link.text)}</span></a>'
        return f"{opening}<span>{encode(link.text)}</span></a>"

    def address(self, todocname: str, anchor: str) -> str:
        """Where ``make_refnode`` points from this page (``#anchor`` on the page itself and,
        in single HTML, for every document)."""
        page = self.pages.get(todocname)
        if page is None:
            page = self.pages[todocname] = self.builder.get_relative_uri(self.docname, todocname)
        if anchor and (todocname == self.docname or page.startswith("#")):
            return f"#{anchor}"
        return f"{page}#{anchor}" if anchor else page or "#"


#: how each kind of cell is written (by its exact type: the cells are distinct tuples)
WRITERS: dict[type, Callable[[RowWriter, Any], str]] = {
    Verification: RowWriter.verification,
    Badge: RowWriter.badge,
    Parts: RowWriter.parts,
    Link: RowWriter.link,
    Coded: lambda writer, cell: writer.coded(cell.text),
    Marked: RowWriter.marked,
    Text: lambda writer, cell: writer.text(cell.text),
}
