"""Directives for a spec's structured parts: goals, approaches, concessions, questions, terms.

Each emits ``container.spec-object.spec-<kind>[paragraph(label, id, title),
field_list, *body]`` carrying its record; the collector assigns the final id,
the anchor and the spec.
"""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

from sphinx_spec.directives.base import (
    OptionSpec,
    SpecDirectiveBase,
    _,
    object_container,
    plain_text,
    title_line,
)
from sphinx_spec.model import (
    APPROACH_STATUSES,
    APPROVAL_VERDICTS,
    CONCESSION_KINDS,
    KINDS,
    QUESTION_STATUSES,
    SET_ASIDE_STATUSES,
    SEVERITIES,
    Approach,
    Approval,
    Concession,
    Goal,
    NonGoal,
    OpenQuestion,
    SpecObject,
    Term,
    is_valid_id,
    split_list,
)
from sphinx_spec.nodes import badge, fields, spec_xref
from sphinx_spec.records import RECORD, marked_records
from sphinx_spec.reviews import parse_fingerprint
from sphinx_spec.richtext import inline_of, references

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
        values = self.record_fields(body)
        record = self.record_class(
            local_id=local_id,
            title=self.title or local_id,
            id_explicit=explicit,
            text=plain_text(body),
            fields=self.custom_values(),
            markup=tuple((key, references(value)) for key, value in self.rich_values.items()),
            **self.placement(),
            **values,
        )
        title = title_line(self.label(record), record.title)
        title += self.badge(record)
        node = object_container(
            record.kind,
            title,
            *fields([*self.rows(record), *self.custom_rows(record.fields)]),
            *body,
        )
        node["classes"] += self.classes(record)
        self.set_source_info(node)
        node[RECORD] = record
        return [node]

    def badge(self, record: Any) -> list[nodes.Node]:
        """Nodes after the title (a status badge)."""
        return []

    def classes(self, record: Any) -> list[str]:
        return []

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
        return {name: self.rich(name) for name in self.extra_options}

    def rows(self, record: Goal) -> Rows:
        return [
            (str(_("Metric")), self.shown("metric", record.metric)),
            (str(_("Baseline")), self.shown("baseline", record.baseline)),
            (str(_("Target")), self.shown("target", record.target)),
        ]


class NonGoalDirective(ObjectDirective):
    """``non-goal``: something the spec deliberately leaves out."""

    record_class = NonGoal


class ApproachDirective(ObjectDirective):
    """``spec-approach``: one row of the trade-off table."""

    record_class = Approach
    extra_options = ("decision", "rationale", "impact", "alternatives", "status", "revisit")

    def record_fields(self, body: list[nodes.Node]) -> dict[str, Any]:
        alternatives = split_list(self.options.get("alternatives"))
        for n, entry in enumerate(alternatives):
            self.rich("alternatives", entry, f"alternatives.{n}")
        return {
            "decision": self.rich("decision", self.required("decision")),
            "rationale": self.rich("rationale"),
            "impact": self.rich("impact"),
            "alternatives": alternatives,
            "status": self.choice("status", APPROACH_STATUSES, "chosen"),
            "revisit": self.date("revisit"),
        }

    def rows(self, record: Approach) -> Rows:
        return [
            (str(_("Decision")), self.shown("decision", record.decision)),
            (str(_("Rationale")), self.shown("rationale", record.rationale)),
            (str(_("Impact")), self.shown("impact", record.impact)),
            (str(_("Alternatives")), self.alternatives(record)),
            (str(_("Status")), record.status),
            (str(_("Revisit")), record.revisit),
        ]

    def alternatives(self, record: Approach) -> nodes.Node | None:
        """The entries, the *n*-th at child ``2n`` (commas between): :class:`LinkAlternatives`
        links those that name an approach."""
        if not record.alternatives:
            return None
        listed = nodes.inline("", "", classes=["spec-alternatives"])
        listed[ALTERNATIVES] = record.alternatives
        for n, entry in enumerate(record.alternatives):
            listed += [nodes.Text(", ")] if n else []
            value = self.shown(f"alternatives.{n}", entry)
            listed += nodes.Text(value) if isinstance(value, str) else value
        return listed

    def badge(self, record: Approach) -> list[nodes.Node]:
        if record.status not in SET_ASIDE_STATUSES:
            return []
        word = str(STATUS_WORDS[record.status])
        return [nodes.Text(" "), badge(word, f"spec-status-{record.status}")]

    def classes(self, record: Approach) -> list[str]:
        return [f"spec-approach-{record.status}"] if record.status in SET_ASIDE_STATUSES else []


#: the attribute of an approach's alternatives row that lists its entries
ALTERNATIVES = "spec_alternatives"
#: how a rejected or deferred approach is marked, in words
STATUS_WORDS = {"rejected": _("rejected"), "deferred": _("deferred")}
#: an approver's state (``model.APPROVAL_STATES``; the verdicts among them) in readers' words
STATE_WORDS = {
    "approved": _("approved"),
    "changes-requested": _("changes requested"),
    "abstained": _("abstained"),
    "stale": _("stale"),
    "pending": _("pending"),
}


#: a link whose target changed since it was reviewed, or a spec with one or a stale approval
NEEDS_REVIEW = _("needs review")


def state_badge(state: str) -> nodes.inline:
    """An approver's state or a verdict as a badge (``spec-approval-<state>``)."""
    return badge(str(STATE_WORDS.get(state, state)), f"spec-approval-{state}")


def suspect_badge() -> nodes.inline:
    """The *needs review* badge (``spec-review-suspect``)."""
    return badge(str(NEEDS_REVIEW), "spec-review-suspect")


class LinkAlternatives(SphinxTransform):
    """Alternatives that name an approach of the same spec by id become links to it.

    After :class:`~sphinx_spec.records.SettleRecords`, which settles the ids.
    """

    default_priority = 501

    def apply(self, **kwargs: Any) -> None:
        marked = [(n, r) for n, r in marked_records(self.document) if isinstance(r, Approach)]
        ids = {record.local_id for _node, record in marked if record.anchor and record.spec_id}
        for node, record in marked:
            for listed in list(node.findall(nodes.inline)):
                entries = listed.attributes.pop(ALTERNATIVES, ())
                for n, entry in enumerate(entries):
                    shown_entry = listed.children[2 * n]
                    if record.spec_id and entry in ids and isinstance(shown_entry, nodes.Text):
                        target = f"{record.spec_id}.{entry}"
                        link = spec_xref("approach", target, record.docname, entry, explicit=True)
                        listed[2 * n] = link


def setup_object_transforms(app: Sphinx) -> None:
    app.add_transform(LinkAlternatives)


class ConcessionDirective(ObjectDirective):
    """``spec-concession``: an edge case, limitation, risk, deferral or accepted debt."""

    record_class = Concession
    extra_options = ("kind", "severity", "owner", "mitigation")

    def record_fields(self, body: list[nodes.Node]) -> dict[str, Any]:
        return {
            "category": self.choice("kind", CONCESSION_KINDS, "concession"),
            "severity": self.choice("severity", SEVERITIES, ""),
            "owner": self.text("owner"),
            "mitigation": self.rich("mitigation"),
        }

    def label(self, record: Any) -> str:
        return str(CONCESSION_LABELS.get(record.category, record.category))

    def rows(self, record: Concession) -> Rows:
        return [
            (str(_("Severity")), record.severity),
            (str(_("Owner")), record.owner),
            (str(_("Mitigation")), self.shown("mitigation", record.mitigation)),
        ]


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
            "answer": self.rich("answer"),
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
            (str(_("Answer")), self.shown("answer", record.answer)),
            (str(_("Resolved by")), resolved_by or None),
        ]


class TermDirective(ObjectDirective):
    """``spec-term``: a glossary entry, also reachable through ``:term:``."""

    record_class = Term
    extra_options = ("aliases",)

    def record_fields(self, body: list[nodes.Node]) -> dict[str, Any]:
        definition = inline_of(body)
        if definition is not None:
            self.rich_values["text"] = definition
        return {"aliases": split_list(self.options.get("aliases"))}

    def rows(self, record: Term) -> Rows:
        return [(str(_("Aliases")), ", ".join(record.aliases))]


class ApprovalDirective(ObjectDirective):
    """``spec-approval``: one approver's verdict on one version of the spec; the body is a note.

    ``sphinx-spec approve`` writes it with today's date and the current fingerprint.
    """

    record_class = Approval
    extra_options = ("date", "verdict", "fingerprint")

    def record_fields(self, body: list[nodes.Node]) -> dict[str, Any]:
        recorded = " ".join(self.text("fingerprint").split())
        if not recorded:
            self.warn_option(
                "missing :fingerprint: (the version approved); `sphinx-spec approve` writes it"
            )
        elif parse_fingerprint(recorded) is None:
            self.warn_option(
                f":fingerprint: {recorded[:40]!r} is not a fingerprint `sphinx-spec approve` "
                "writes; the verdict counts for no version"
            )
        return {
            "date": self.date("date"),
            "verdict": self.choice("verdict", APPROVAL_VERDICTS, "approved"),
            "fingerprint": recorded,
        }

    def badge(self, record: Approval) -> list[nodes.Node]:
        return [nodes.Text(" "), state_badge(record.verdict)]

    def rows(self, record: Approval) -> Rows:
        recorded = parse_fingerprint(record.fingerprint)
        return [
            (str(_("Date")), record.date),
            (str(_("Fingerprint")), recorded and nodes.literal(recorded.digest, recorded.digest)),
        ]
