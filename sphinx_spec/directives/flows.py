"""``spec-flow`` (numbered, anchored steps) and ``error-path`` (a branch off a step)."""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes

from sphinx_spec.directives.base import _
from sphinx_spec.directives.objects import ObjectDirective, Rows
from sphinx_spec.model import ErrorPath, Flow, is_valid_id
from sphinx_spec.nodes import spec_xref

FLOW_DIAGRAMS = ("sequence",)


def step_list(body: list[nodes.Node]) -> nodes.enumerated_list | None:
    """The body's first enumerated list: the flow's steps."""
    for node in body:
        if isinstance(node, nodes.enumerated_list):
            return node
        if isinstance(node, nodes.Element):
            found = next(iter(node.findall(nodes.enumerated_list)), None)
            if found is not None:
                return found
    return None


def first_number(steps: nodes.enumerated_list | None) -> int:
    """The number the list shows first: ``3.`` (or ``c.``, ``iii.``) starts at 3."""
    try:
        return int(steps.get("start", 1)) if steps is not None else 1
    except (TypeError, ValueError):
        return 1


class FlowDirective(ObjectDirective):
    """``spec-flow``: a happy path whose enumerated list is its steps.

    The collector anchors each step (``<flow anchor>-step-<n>``) so that an
    error path can link to the step where it branches.
    """

    record_class = Flow
    extra_options = ("actor", "precondition", "postcondition", "participants", "diagram")

    def record_fields(self, body: list[nodes.Node]) -> dict[str, Any]:
        steps = step_list(body)
        if steps is None:
            self.warn_option("the body has no numbered list of steps")
        else:
            steps["classes"].append("spec-flow-steps")
        return {
            "actor": self.text("actor"),
            "precondition": self.rich("precondition"),
            "postcondition": self.rich("postcondition"),
            "steps": tuple(" ".join(item.astext().split()) for item in steps or []),
            "participants": self.participants(),
            "diagram": self.choice("diagram", FLOW_DIAGRAMS, ""),
            "first_step": first_number(steps),
        }

    def participants(self) -> tuple[str, ...]:
        """``:participants:``: names in order; empty names and repeats warn and are left out."""
        if "participants" not in self.options:
            return ()
        written = [" ".join(name.split()) for name in self.text("participants").split(",")]
        if not any(written):
            self.warn_option(":participants: names no participant; the system is drawn")
            return ()
        if not all(written):
            self.warn_option(f":participants: has an empty name in {self.text('participants')!r}")
        return self.unique_names([name for name in written if name])

    def unique_names(self, names: list[str]) -> tuple[str, ...]:
        seen: dict[str, str] = {}
        for name in names:
            if name.casefold() in seen:
                self.warn_option(f":participants: names {name!r} twice; drawn once")
            seen.setdefault(name.casefold(), name)
        return tuple(seen.values())

    def rows(self, record: Flow) -> Rows:
        return [
            (str(_("Actor")), record.actor),
            (str(_("Pre-condition")), self.shown("precondition", record.precondition)),
            (str(_("Post-condition")), self.shown("postcondition", record.postcondition)),
        ]


class ErrorPathDirective(ObjectDirective):
    """``error-path``: condition (the argument), system action, user feedback."""

    record_class = ErrorPath
    extra_options = ("flow", "step", "action", "feedback")

    def derived_id(self) -> str:
        return ""

    def record_fields(self, body: list[nodes.Node]) -> dict[str, Any]:
        flow = self.text("flow")
        if flow and not is_valid_id(flow):
            self.warn_option(f":flow: {flow!r} is not a valid id")
            flow = ""
        step = self.step_number()
        if step is not None and not flow:
            self.warn_option(":step: needs :flow: to name the flow it belongs to")
        return {
            "flow": flow,
            "step": step,
            "action": self.rich("action", self.required("action")),
            "feedback": self.rich("feedback", self.required("feedback")),
        }

    def step_number(self) -> int | None:
        value = self.text("step")
        if not value:
            return None
        if not re.fullmatch(r"[0-9]+", value) or int(value) < 1:
            self.warn_option(f":step: {value!r} is not a step number (1, 2, …)")
            return None
        return int(value)

    def rows(self, record: ErrorPath) -> Rows:
        return [
            (str(_("Flow")), self.flow_link(record)),
            (str(_("System action")), self.shown("action", record.action)),
            (str(_("User feedback")), self.shown("feedback", record.feedback)),
        ]

    def flow_link(self, record: ErrorPath) -> nodes.Node | None:
        if not record.flow:
            return None
        text = record.flow if record.step is None else f"{record.flow}, step {record.step}"
        return spec_xref("flow", record.flow, record.docname, text, spec_step=record.step)
