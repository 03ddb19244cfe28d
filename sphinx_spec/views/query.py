"""What a view answers with — rows of cells, or a graph — and how filters match values.

Pure data, no docutils: results are compared across builds to decide whether
a page that shows a view must be written again.
"""

from __future__ import annotations

from typing import NamedTuple

from sphinx_spec.model import CURRENT, NO_MATCH, ViewQuery

__all__ = [
    "CURRENT",
    "NO_MATCH",
    "Cell",
    "GraphEdge",
    "GraphNode",
    "Badge",
    "Link",
    "Marked",
    "Coded",
    "Parts",
    "Rich",
    "Row",
    "SpecGraph",
    "Text",
    "Verification",
    "ViewQuery",
    "wants",
]


class Text(NamedTuple):
    """A plain cell."""

    text: str


class Marked(NamedTuple):
    """A plain cell with a mark for HTML (a CSS class), such as ``spec-overdue``."""

    text: str
    mark: str


class Coded(NamedTuple):
    """A plain cell whose backquoted spans are code: ``approach `storage` decision changed``."""

    text: str


class Link(NamedTuple):
    """A cell that links to a spec or an object (``kind``, full id), with its text."""

    kind: str
    target: str
    text: str
    step: int = 0


class Rich(NamedTuple):
    """A cell showing an option written with inline markup: its text as written, which
    object's option it is (the parsed nodes are in the store) and the references it makes."""

    text: str
    kind: str
    target: str
    docname: str
    option: str
    refs: tuple[tuple[str, str, int, str], ...] = ()


class Badge(NamedTuple):
    """A status shown as a badge; ``marked`` also marks its row (a rejected approach).

    Its class is ``spec-<family>-<status>``: ``spec-status-chosen``, ``spec-approval-stale``,
    ``spec-review-suspect``.
    """

    text: str
    status: str
    marked: bool = False
    family: str = "status"


class Verification(NamedTuple):
    """An object's verification: its state as a badge (class ``spec-verification-<state>``),
    each test with its outcome (a tooltip in HTML) and what the cell says beside the badge:
    the failing tests' names, or how many tests pass."""

    text: str
    state: str
    tests: tuple[str, ...] = ()
    note: str = ""


class Parts(NamedTuple):
    """A list in one cell, each entry a link or text (an approach's alternatives)."""

    parts: tuple[Text | Link | Rich | Badge, ...]


Cell = Text | Marked | Coded | Link | Rich | Badge | Verification | Parts | tuple[Link, ...]
Row = tuple[Cell, ...]


class GraphNode(NamedTuple):
    """A spec in the spec graph: its Mermaid node id, its link, its status and its role."""

    node_id: str
    spec: Link
    status: str
    role: str = ""


class GraphEdge(NamedTuple):
    """``source`` supersedes or depends on ``target`` (Mermaid node ids)."""

    source: str
    target: str
    relation: str  # "supersedes" or "depends-on"
    #: the target changed since the source last reviewed it (a suspect link)
    suspect: bool = False


class SpecGraph(NamedTuple):
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]


def folded(values: tuple[str, ...]) -> set[str]:
    return {value.casefold() for value in values}


def wants(filter_values: tuple[str, ...], *values: str) -> bool:
    """Whether any of *values* is among *filter_values* (case-insensitive); no filter passes."""
    return not filter_values or bool(folded(filter_values) & folded(values))
