"""Located warnings of type ``spec``: every warning sphinx-spec emits goes through here."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.utils import get_source_line
from sphinx.util import logging

from sphinx_spec.model import Finding

logger = logging.getLogger("sphinx_spec")

Location = tuple[str, int] | Any


def warn(message: str, subtype: str, location: Location) -> None:
    """Emit ``message`` as a ``spec.<subtype>`` warning at *location*.

    *location* is a ``(docname, lineno)`` pair, a ``"file:line"`` string or a docutils node.
    """
    if isinstance(location, nodes.Node):
        location = node_location(location)
    logger.warning(message, type="spec", subtype=subtype, location=location)


def node_location(node: nodes.Node) -> Location:
    """Where a warning about *node* points: the node, when it knows its line.

    Markup that lost its line (MyST 4 gives none to a paragraph after an
    ``eval-rst`` block) points at the first line, from the nearest line known
    before it, that holds its text (a reference's target); else at that line.
    """
    source, line = get_source_line(node)
    if line or node.document is None or not source:
        return node
    before = 0
    for other in node.document.findall(nodes.Element):
        if other is node:
            break
        before = other.line or before
    if not before:
        return node
    text = node.get("reftarget", "") if isinstance(node, nodes.Element) else ""
    text = text or node.astext()
    try:
        lines = Path(source).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    found = (n for n in range(before, len(lines) + 1) if text and text in lines[n - 1])
    return f"{source}:{next(found, before)}"


def report(findings: Iterable[Finding]) -> None:
    """Emit each finding of the project-wide checks as a warning."""
    for finding in findings:
        warn(finding.message, finding.subtype, finding.location)
