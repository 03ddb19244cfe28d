"""Mermaid for spec diagrams and flows, and its fallback where Mermaid cannot render.

HTML builders get sphinxcontrib-mermaid's ``mermaid`` node. Every other
builder (LaTeX/PDF, epub, text, man, texinfo, xml, json, gettext) gets a
captioned literal block of the source: no mermaid-cli, no warning.

A flow's sequence diagram is drafted while its document is read, from the
error paths of that document, and drawn again when its page is written, from
every error path of the project that names the flow (also by full id, from
another document). A diagram larger than Mermaid draws by default is left
out with a ``spec.diagram`` warning.
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
from sphinx_spec.index import ProjectIndex
from sphinx_spec.model import ErrorPath, Flow, SpecObject
from sphinx_spec.nodes import IdAllocator
from sphinx_spec.records import SettleRecords, marked_records
from sphinx_spec.report import warn
from sphinx_spec.store import store_of

if TYPE_CHECKING:
    from sphinx_spec.views.query import GraphNode, SpecGraph

#: Mermaid's default ``maxTextSize`` and ``maxEdges``: a larger diagram draws as an error box
MERMAID_MAX_TEXT = 50_000
MERMAID_MAX_EDGES = 500


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


#: how a suspect link's edge is drawn (Mermaid ``linkStyle``)
SUSPECT_EDGE = "stroke:#cf222e,stroke-width:3px"

#: fill, stroke and text colours of spec-graph nodes, by the lifecycle role of their status
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


def status_class(node: GraphNode) -> str:
    """``status_<role>``; a status without a role: ``other_<status>``."""
    if node.role:
        return f"status_{node.role}"
    return "other_" + re.sub(r"[^a-z0-9]+", "_", node.status.lower())


def spec_graph(graph: SpecGraph, labels: dict[str, str]) -> str:
    """A Mermaid flowchart of specs: supersedes edges solid, depends-on dashed, coloured by role;
    a suspect link (its target changed since it was reviewed) thick, red and labelled so.

    *labels* gives the (translated) edge labels for ``supersedes`` and ``depends-on``.
    """
    nodes_ = graph.nodes
    lines = ["flowchart LR"]
    lines += [f'    {node.node_id}["{mermaid_label(node.spec.text)}"]' for node in nodes_]
    arrows = {"supersedes": "-->", "depends-on": "-.->"}
    for edge in graph.edges:
        label = labels[edge.relation]
        if edge.suspect:
            label = f"{label} ({labels['suspect']})"
        arrow = "==>" if edge.suspect else arrows[edge.relation]
        lines.append(f"    {edge.source} {arrow}|{mermaid_label(label)}| {edge.target}")
    suspect = [str(n) for n, edge in enumerate(graph.edges) if edge.suspect]
    if suspect:
        lines.append(f"    linkStyle {','.join(suspect)} {SUSPECT_EDGE}")
    for name in sorted({status_class(node) for node in nodes_}):
        members = [node for node in nodes_ if status_class(node) == name]
        fill, stroke, colour = STATUS_COLOURS.get(members[0].role, OTHER_STATUS)
        lines.append(f"    classDef {name} fill:{fill},stroke:{stroke},color:{colour}")
        lines.append(f"    class {','.join(node.node_id for node in members)} {name}")
    return "\n".join(lines)


#: how an error path's branch starts, in the diagram source
BRANCHES = ("    alt ", "    else ")

#: the actor's and the system's Mermaid names; further participants are ``S2``, ``S3``, …
ACTOR, SYSTEM = "A", "S"


def step_sender(step: str) -> tuple[str, str]:
    """Without ``:participants:``: the system's own step when it starts with "System", else
    the actor's message to the system."""
    first_word = step.split(maxsplit=1)[0].lower() if step.strip() else ""
    return (SYSTEM, SYSTEM) if first_word == "system" else (ACTOR, SYSTEM)


def cast_of(flow: Flow) -> dict[str, str]:
    """The flow's participants in drawing order, Mermaid name → name as written.

    The actor is ``A``, the first other participant ``S`` ("System" when there is none),
    the next ``S2``, ``S3``, …; the actor keeps its place in ``:participants:``, else it
    comes first.
    """
    actor = flow.actor or "Actor"
    names = list(flow.participants)
    if actor.casefold() not in {name.casefold() for name in names}:
        names.insert(0, actor)
    others = iter([SYSTEM, *(f"S{n}" for n in range(2, len(names) + 1))])
    cast = {ACTOR if name.casefold() == actor.casefold() else next(others): name for name in names}
    cast[ACTOR] = actor
    return cast if SYSTEM in cast else {**cast, SYSTEM: "System"}


def starts_with_name(step: str, name: str) -> bool:
    """Whether *step* begins with *name* (any case), then a space, colon, comma or its end."""
    return re.match(rf"{re.escape(name)}(?=[\s:,]|\Z)", step, re.IGNORECASE) is not None


def named_at(text: str, name: str) -> int | None:
    """Where *text* names *name* as a whole word (any case), or ``None``."""
    found = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE)
    return found.start() if found else None


def step_message(cast: dict[str, str], step: str) -> tuple[str, str]:
    """Sender and receiver of a step, with ``:participants:``.

    The sender is the participant whose name starts the step (the longest), else the
    actor; the receiver is the first other participant the rest of the step names, else
    the system for the actor's step, and the sender itself (an internal step) otherwise.
    """
    starting = [key for key, name in cast.items() if starts_with_name(step, name)]
    sender = max(starting, key=lambda key: len(cast[key]), default=ACTOR)
    rest = step[len(cast[sender]) :] if starting else step
    named = [(named_at(rest, name), -len(name), key) for key, name in cast.items()]
    found = sorted((at, longest, key) for at, longest, key in named if at is not None)
    receivers = [key for _at, _longest, key in found if key != sender]
    if receivers:
        return sender, receivers[0]
    return sender, SYSTEM if sender == ACTOR else sender


def error_branch(errors: list[ErrorPath]) -> list[str]:
    """``alt``/``else`` branches, one per error path at a step.

    The system (the first participant besides the actor) answers the actor.
    """
    lines = []
    for n, error in enumerate(errors):
        lines.append(f"    {'else' if n else 'alt'} {mermaid_text(error.title)}")
        lines.append(f"        {SYSTEM}-->>{ACTOR}: {mermaid_text(error.action)}")
        if error.feedback:
            lines.append(f"        Note over {ACTOR},{SYSTEM}: {mermaid_text(error.feedback)}")
    return [*lines, "    end"] if lines else []


def sequence_diagram(flow: Flow, errors: list[ErrorPath]) -> str:
    """A flow as a Mermaid sequence diagram, its error paths as ``alt`` at their step."""
    cast = cast_of(flow)
    lines = ["sequenceDiagram"]
    lines += [f"    participant {key} as {mermaid_label(name)}" for key, name in cast.items()]
    for number, step in zip(flow.step_numbers, flow.steps, strict=True):
        sender, receiver = step_message(cast, step) if flow.participants else step_sender(step)
        lines.append(f"    {sender}->>{receiver}: {number}. {mermaid_text(step)}")
        lines += error_branch([error for error in errors if error.step == number])
    return "\n".join(lines)


def draw_flows(settled: list[tuple[nodes.Element, SpecObject]]) -> None:
    """Append a sequence diagram to each flow that asks for one (``:diagram: sequence``).

    Drawn from this document's error paths; :class:`RedrawFlowDiagrams` draws
    it again from the whole project's when the page is written.
    """
    errors = [record for _node, record in settled if isinstance(record, ErrorPath)]
    for node, record in settled:
        if isinstance(record, Flow) and record.diagram == "sequence":
            own = [error for error in errors if error.flow in (record.local_id, record.full_id)]
            caption = f"{record.title} (sequence diagram)"
            diagram = mermaid_node(sequence_diagram(record, own), caption)
            diagram["spec_flow"] = record
            node += diagram


class DrawFlowDiagrams(SphinxTransform):
    """Draw the sequence diagram of each flow that asks for one, once its ids are settled."""

    default_priority = SettleRecords.default_priority + 1

    def apply(self, **kwargs: Any) -> None:
        draw_flows(marked_records(self.document))


def project_flow(index: ProjectIndex, flow: Flow) -> Flow | None:
    """*flow* as the project index holds it, if it joined the project from its page."""
    found = index.objects.get((Flow.kind, flow.full_id))
    if not isinstance(found, Flow) or found.external:
        return None
    return found if (found.docname, found.anchor) == (flow.docname, flow.anchor) else None


def flow_diagram_source(index: ProjectIndex, flow: Flow) -> str | None:
    """The sequence diagram of a collected flow, with every error path naming it; else ``None``."""
    found = project_flow(index, flow)
    return sequence_diagram(found, index.errors_of(found)) if found is not None else None


#: Mermaid settings for a flow's diagram on a web page, as the diagram's front matter (the
#: way sphinxcontrib-mermaid passes a diagram's ``:config:``): drawn at its own size, not
#: scaled down to the column (sphinx-spec.css lets a wide one scroll in its box), long
#: messages and notes wrapped
FLOW_LAYOUT = "---\nconfig: {sequence: {useMaxWidth: false, wrap: true}}\n---\n"
PARTICIPANT_LINE = re.compile(r"^(    participant \S+ as )", re.MULTILINE)


def laid_out(code: str) -> str:
    """*code* with :data:`FLOW_LAYOUT` as its front matter, its participants' names unwrapped.

    Mermaid wraps a name inside its narrow box and may cut it inside an entity code
    (``#40;``), which then shows as garbage.
    """
    return FLOW_LAYOUT + PARTICIPANT_LINE.sub(r"\1nowrap:", code)


class RedrawFlowDiagrams(SphinxPostTransform):
    """Draw each flow's sequence diagram from the whole project; leave out one too large.

    Priority 6: after the views (5), before the fallback of non-HTML builders (8).
    """

    default_priority = 6

    def run(self, **kwargs: Any) -> None:
        index = store_of(self.env).index
        for node in list(self.document.findall(mermaid)):
            flow = node.get("spec_flow")
            if not isinstance(flow, Flow):
                continue
            del node["spec_flow"]
            code = node["code"] = flow_diagram_source(index, flow) or node["code"]
            if len(code) > MERMAID_MAX_TEXT:
                errors = sum(line.startswith(BRANCHES) for line in code.splitlines())
                warn(
                    f"spec-flow: the sequence diagram of flow {flow.full_id} ({len(flow.steps)} "
                    f"steps, {errors} error paths) is {len(code)} characters, more than Mermaid "
                    f"draws by default ({MERMAID_MAX_TEXT}); it is left out, the steps and "
                    "error paths are shown as written",
                    "diagram",
                    flow.location,
                )
                node.parent.remove(node)
            elif mermaid_renders(self.env):
                node["code"] = laid_out(code)


def diagram_fallback(node: mermaid, ids: IdAllocator) -> nodes.container:
    """A captioned literal block of the Mermaid source."""
    caption = node.get("spec_caption", "")
    code = node["code"]
    wrapper = nodes.container("", literal_block=True, classes=["literal-block-wrapper"])
    wrapper["ids"] = [ids.take(f"{anchor}-source") for anchor in leading_anchor(node.parent)]
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
        ours = [node for node in self.document.findall(mermaid) if "spec_caption" in node]
        if not ours:
            return
        ids = IdAllocator(self.document)
        for node in ours:
            node.replace_self(diagram_fallback(node, ids))


def setup_diagrams(app: Sphinx) -> None:
    app.add_transform(DrawFlowDiagrams)
    app.add_post_transform(RedrawFlowDiagrams)
    app.add_post_transform(DegradeSpecDiagrams)
