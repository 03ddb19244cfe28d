"""Directives for a spec's structured parts: goals, approaches, concessions, questions, terms.

Each emits ``container.spec-object.spec-<kind>[paragraph(label, id, title),
field_list, *body]`` carrying its record; the collector assigns the final id,
the anchor and the spec.
"""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes

from sphinx_spec.directives.base import (
    OptionSpec,
    SpecDirectiveBase,
    _,
    custom_rows,
    object_container,
    plain_text,
    title_line,
)
from sphinx_spec.model import (
    APPROACH_STATUSES,
    CONCESSION_KINDS,
    KINDS,
    QUESTION_STATUSES,
    SEVERITIES,
    Approach,
    Concession,
    Goal,
    NonGoal,
    OpenQuestion,
    SpecObject,
    Term,
    is_valid_id,
    split_list,
)
from sphinx_spec.nodes import fields, spec_xref
from sphinx_spec.records import RECORD

Rows = list[tuple[str, "str | nodes.Node | None"]]

CONCESSION_LABELS = {
    "edge-case": _("Edge case"),
    "concession": _("Concession"),
    "limitation": _("Limitation"),
    "risk": _("Risk"),
    "deferred": _("Deferred"),
    "debt": _("Debt"),
}


#: kind name → the directive class that records objects of that kind
DIRECTIVE_CLASSES: dict[str, type[ObjectDirective]] = {}


class ObjectDirective(SpecDirectiveBase):
    """An object of one kind; subclasses say which fields it has and shows.

    Each subclass registers itself for its record's kind; the kind table
    (``model.OBJECT_KINDS``) names the directive it is registered under.
    """

    record_class: ClassVar[type[SpecObject]]
    extra_options: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.option_spec = OptionSpec.of("id", *cls.extra_options)
        DIRECTIVE_CLASSES[cls.record_class.kind] = cls

    def render(self) -> list[nodes.Node]:
        body = self.parse_body()
        local_id, explicit = self.own_id(self.derived_id())
        record = self.record_class(
            local_id=local_id,
            title=self.title or local_id,
            id_explicit=explicit,
            text=plain_text(body),
            fields=self.custom_values(),
            **self.placement(),
            **self.record_fields(body),
        )
        node = object_container(
            record.kind,
            title_line(self.label(record), record.title),
            *fields([*self.rows(record), *custom_rows(record.fields)]),
            *body,
        )
        self.set_source_info(node)
        node[RECORD] = record
        return [node]

    def derived_id(self) -> str | None:
        """``None``: slug of the title; ``""``: numbered by the collector."""
        return None

    def label(self, record: SpecObject) -> str:
        return str(_(KINDS[record.kind].label))

    def record_fields(self, body: list[nodes.Node]) -> dict[str, Any]:
        return {}

    def rows(self, record: Any) -> Rows:
        return []


class GoalDirective(ObjectDirective):
    """``spec-goal``: a goal with its success metric."""

    record_class = Goal
    extra_options = ("metric", "baseline", "target")

    def record_fields(self, body: list[nodes.Node]) -> dict[str, Any]:
        return {name: self.text(name) for name in self.extra_options}

    def rows(self, record: Goal) -> Rows:
        return [
            (str(_("Metric")), record.metric),
            (str(_("Baseline")), record.baseline),
            (str(_("Target")), record.target),
        ]


class NonGoalDirective(ObjectDirective):
    """``non-goal``: something the spec deliberately leaves out."""

    record_class = NonGoal


class ApproachDirective(ObjectDirective):
    """``spec-approach``: one row of the trade-off table."""

    record_class = Approach
    extra_options = ("decision", "rationale", "impact", "alternatives", "status", "revisit")

    def record_fields(self, body: list[nodes.Node]) -> dict[str, Any]:
        return {
            "decision": self.required("decision"),
            "rationale": self.text("rationale"),
            "impact": self.text("impact"),
            "alternatives": split_list(self.options.get("alternatives")),
            "status": self.choice("status", APPROACH_STATUSES, "chosen"),
            "revisit": self.date("revisit"),
        }

    def rows(self, record: Approach) -> Rows:
        return [
            (str(_("Decision")), record.decision),
            (str(_("Rationale")), record.rationale),
            (str(_("Impact")), record.impact),
            (str(_("Alternatives")), ", ".join(record.alternatives)),
            (str(_("Status")), record.status),
            (str(_("Revisit")), record.revisit),
        ]


class ConcessionDirective(ObjectDirective):
    """``spec-concession``: an edge case, limitation, risk, deferral or accepted debt."""

    record_class = Concession
    extra_options = ("kind", "severity", "owner")

    def record_fields(self, body: list[nodes.Node]) -> dict[str, Any]:
        return {
            "category": self.choice("kind", CONCESSION_KINDS, "concession"),
            "severity": self.choice("severity", SEVERITIES, ""),
            "owner": self.text("owner"),
        }

    def label(self, record: Any) -> str:
        return str(CONCESSION_LABELS.get(record.category, record.category))

    def rows(self, record: Concession) -> Rows:
        return [(str(_("Severity")), record.severity), (str(_("Owner")), record.owner)]


class OpenQuestionDirective(ObjectDirective):
    """``open-question``: an unknown, blocker or approval still needed."""

    record_class = OpenQuestion
    extra_options = ("owner", "status", "blocking", "due", "answer", "resolved-by")

    def record_fields(self, body: list[nodes.Node]) -> dict[str, Any]:
        resolved_by = self.text("resolved-by")
        if resolved_by and not is_valid_id(resolved_by):
            self.warn_option(f":resolved-by: {resolved_by!r} is not a valid id")
            resolved_by = ""
        return {
            "owner": self.text("owner"),
            "status": self.choice("status", QUESTION_STATUSES, "open"),
            "blocking": self.flag("blocking"),
            "due": self.date("due"),
            "answer": self.text("answer"),
            "resolved_by": resolved_by,
        }

    def rows(self, record: OpenQuestion) -> Rows:
        resolved_by = record.resolved_by and spec_xref(
            "approach", record.resolved_by, record.docname, record.resolved_by
        )
        return [
            (str(_("Status")), record.status),
            (str(_("Blocking")), str(_("yes")) if record.blocking else ""),
            (str(_("Owner")), record.owner),
            (str(_("Due")), record.due),
            (str(_("Answer")), record.answer),
            (str(_("Resolved by")), resolved_by or None),
        ]


class TermDirective(ObjectDirective):
    """``spec-term``: a glossary entry, also reachable through ``:term:``."""

    record_class = Term
    extra_options = ("aliases",)

    def record_fields(self, body: list[nodes.Node]) -> dict[str, Any]:
        return {"aliases": split_list(self.options.get("aliases"))}

    def rows(self, record: Term) -> Rows:
        return [(str(_("Aliases")), ", ".join(record.aliases))]
