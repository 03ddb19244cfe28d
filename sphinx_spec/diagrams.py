"""Mermaid for spec diagrams and flows, and its fallback where Mermaid cannot render.

HTML builders get sphinxcontrib-mermaid's ``mermaid`` node. Every other
builder (LaTeX/PDF, epub, text, man, texinfo, xml, json, gettext) gets a
captioned literal block of the source: no mermaid-cli, no warning.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinxcontrib.mermaid import mermaid

from sphinx_spec.builders import current_builder
from sphinx_spec.model import ErrorPath, Flow, SpecObject
from sphinx_spec.records import SettleRecords, marked_records

if TYPE_CHECKING:
    from sphinx_spec.views.query import SpecGraph


def mermaid_node(source: str, caption: str) -> mermaid:
    """A sphinxcontrib-mermaid node, marked as ours so that it degrades gracefully."""
    node = mermaid()
    node["code"] = source
    node["options"] = {}
    node["spec_caption"] = caption
    return node


def mermaid_text(text: str) -> str:
    """Free text that is safe inside a Mermaid statement (message, label, condition)."""
    one_line = " ".join(text.split())
    return re.sub(r"[#;%{}]", lambda char: f"#{ord(char[0])};", one_line) or " "


def mermaid_label(text: str) -> str:
    """Text for a quoted node label: every character Mermaid or HTML could read as syntax
    becomes an entity code, so any id or title makes a valid diagram."""
    one_line = " ".join(text.split())
    return re.sub(r'[#;%"<>&`\[\]{}()|]', lambda char: f"#{ord(char[0])};", one_line) or " "


#: fill, stroke and text colours of spec-graph nodes, by spec status
STATUS_COLOURS = {
    "draft": ("#eaeef2", "#424a53", "#24292f"),
    "review": ("#fff1c2", "#9a6700", "#3b2300"),
    "accepted": ("#d3f4dd", "#1a7f37", "#0f5323"),
    "implemented": ("#cde4ff", "#0969da", "#0b3f7a"),
    "deprecated": ("#ffe2c2", "#bc4c00", "#7a3d00"),
    "superseded": ("#e6dcff", "#8250df", "#45207a"),
    "rejected": ("#ffd8d3", "#cf222e", "#82071e"),
}
OTHER_STATUS = ("#f6f8fa", "#57606a", "#24292f")


def status_class(status: str) -> str:
    return "status_" + re.sub(r"[^a-z0-9]+", "_", status.lower())


def spec_graph(graph: SpecGraph, labels: dict[str, str]) -> str:
    """A Mermaid flowchart of specs: supersedes edges solid, depends-on dashed, coloured by status.

    *labels* gives the (translated) edge labels for ``supersedes`` and ``depends-on``.
    """
    nodes_ = graph.nodes
    lines = ["flowchart LR"]
    lines += [f'    {node.node_id}["{mermaid_label(node.spec.text)}"]' for node in nodes_]
    arrows = {"supersedes": "-->", "depends-on": "-.->"}
    for edge in graph.edges:
        label = mermaid_label(labels[edge.relation])
        lines.append(f"    {edge.source} {arrows[edge.relation]}|{label}| {edge.target}")
    for status in sorted({node.status for node in nodes_}):
        fill, stroke, colour = STATUS_COLOURS.get(status, OTHER_STATUS)
        lines.append(
            f"    classDef {status_class(status)} fill:{fill},stroke:{stroke},color:{colour}"
        )
        members = ",".join(node.node_id for node in nodes_ if node.status == status)
        lines.append(f"    class {members} {status_class(status)}")
    return "\n".join(lines)


def step_sender(step: str) -> tuple[str, str]:
    """Who sends a step's message: the system when the step says so, else the actor."""
    first_word = step.split(maxsplit=1)[0].lower() if step.strip() else ""
    return ("S", "S") if first_word == "system" else ("A", "S")


def error_branch(errors: list[ErrorPath]) -> list[str]:
    """``alt``/``else`` branches, one per error path at a step."""
    lines = []
    for n, error in enumerate(errors):
        lines.append(f"    {'else' if n else 'alt'} {mermaid_text(error.title)}")
        lines.append(f"        S-->>A: {mermaid_text(error.action)}")
        if error.feedback:
            lines.append(f"        Note over A,S: {mermaid_text(error.feedback)}")
    return [*lines, "    end"] if lines else []


def sequence_diagram(flow: Flow, errors: list[ErrorPath]) -> str:
    """A flow as a Mermaid sequence diagram, its error paths as ``alt`` at their step."""
    actor = flow.actor or "Actor"
    lines = [
        "sequenceDiagram",
        f"    participant A as {mermaid_text(actor)}",
        "    participant S as System",
    ]
    for number, step in enumerate(flow.steps, start=1):
        sender, receiver = step_sender(step)
        lines.append(f"    {sender}->>{receiver}: {number}. {mermaid_text(step)}")
        lines += error_branch([error for error in errors if error.step == number])
    return "\n".join(lines)


def draw_flows(settled: list[tuple[nodes.Element, SpecObject]]) -> None:
    """Append a sequence diagram to each flow that asks for one (``:diagram: sequence``)."""
    errors = [record for _node, record in settled if isinstance(record, ErrorPath)]
    for node, record in settled:
        if isinstance(record, Flow) and record.diagram == "sequence":
            own = [error for error in errors if error.flow in (record.local_id, record.full_id)]
            caption = f"{record.title} (sequence diagram)"
            node += mermaid_node(sequence_diagram(record, own), caption)


class DrawFlowDiagrams(SphinxTransform):
    """Draw the sequence diagram of each flow that asks for one, once its ids are settled."""

    default_priority = SettleRecords.default_priority + 1

    def apply(self, **kwargs: Any) -> None:
        draw_flows(marked_records(self.document))


def diagram_fallback(node: mermaid) -> nodes.container:
    """A captioned literal block of the Mermaid source."""
    caption = node.get("spec_caption", "")
    code = node["code"]
    wrapper = nodes.container("", literal_block=True, classes=["literal-block-wrapper"])
    wrapper["ids"] = [f"{anchor}-source" for anchor in leading_anchor(node.parent)]
    wrapper += nodes.caption(caption, caption)
    wrapper += nodes.literal_block(code, code, language="text")
    return wrapper


def leading_anchor(container: nodes.Element | None) -> list[str]:
    """The anchor the collector gave a spec object (its leading target), if any."""
    first = container.children[0] if container is not None and container.children else None
    return list(first["ids"][:1]) if isinstance(first, nodes.target) else []


def mermaid_renders(env: BuildEnvironment) -> bool:
    """Whether the current builder shows Mermaid: HTML pages, not e-books."""
    builder = current_builder(env)
    serializing = builder.name in ("json", "pickle")
    return builder.is_html and not serializing and not builder.name.startswith("epub")


class DegradeSpecDiagrams(SphinxPostTransform):
    """Where Mermaid cannot render, show a spec diagram's source instead; no warning.

    Priority 8: after the views (5), which draw the spec graph.
    """

    default_priority = 8

    def run(self, **kwargs: Any) -> None:
        if mermaid_renders(self.env):
            return
        for node in list(self.document.findall(mermaid)):
            if "spec_caption" in node:
                node.replace_self(diagram_fallback(node))


def setup_diagrams(app: Sphinx) -> None:
    app.add_transform(DrawFlowDiagrams)
    app.add_post_transform(DegradeSpecDiagrams)
