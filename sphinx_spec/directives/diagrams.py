"""``spec-diagram``: a Mermaid diagram that belongs to the spec."""

from __future__ import annotations

from typing import Any

from docutils import nodes

from sphinx_spec.diagrams import mermaid_node
from sphinx_spec.directives.base import _
from sphinx_spec.directives.objects import ObjectDirective, Rows
from sphinx_spec.model import DIAGRAM_KINDS, Diagram
from sphinx_spec.report import warn

KEYWORDS = {
    "class": ("classDiagram", "classDiagram-v2"),
    "sequence": ("sequenceDiagram",),
    "state": ("stateDiagram", "stateDiagram-v2"),
    "flowchart": ("flowchart", "graph", "flowchart-elk"),
    "er": ("erDiagram",),
}


def first_keyword(source: str) -> str:
    """The diagram type keyword: the first word after front matter and ``%%`` comments."""
    lines = iter(source.splitlines())
    for line in lines:
        stripped = line.strip()
        if stripped == "---":
            for closing in lines:
                if closing.strip() == "---":
                    break
            continue
        if stripped and not stripped.startswith("%%"):
            return stripped.split()[0].rstrip(":;")
    return ""


class DiagramDirective(ObjectDirective):
    """``spec-diagram``: emits the spec object block around a ``mermaid`` node.

    The node is sphinxcontrib-mermaid's; builders that cannot run Mermaid get a
    captioned literal block of the source instead (see ``sphinx_spec.diagrams``).
    """

    record_class = Diagram
    extra_options = ("kind",)

    def parse_body(self) -> list[nodes.Node]:
        source = "\n".join(self.content).strip("\n")
        if not source.strip():
            self.warn_option("the diagram has no Mermaid source")
            return []
        return [mermaid_node(source, self.title)]

    def record_fields(self, body: list[nodes.Node]) -> dict[str, Any]:
        kind = self.choice("kind", DIAGRAM_KINDS, "other")
        source = "\n".join(self.content).strip("\n")
        self.check_kind(kind, source)
        return {"diagram_kind": kind, "code": source}

    def check_kind(self, kind: str, source: str) -> None:
        keyword = first_keyword(source)
        expected = KEYWORDS.get(kind)
        if expected and source.strip() and keyword not in expected:
            warn(
                f"spec-diagram: :kind: {kind} expects a diagram starting with "
                f"{' or '.join(expected)}, not {keyword!r}",
                "diagram",
                self.location,
            )

    def rows(self, record: Diagram) -> Rows:
        return [(str(_("Kind")), record.diagram_kind)]
