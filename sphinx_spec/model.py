"""The records sphinx-spec collects, their enumerations and id rules.

Pure Python: nothing here imports Sphinx or docutils, so the records pickle
cleanly with the build environment and merge across parallel readers.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import ClassVar, NamedTuple

#: the lifecycle roles a spec status can have; the checks, colours and filters know these.
#: They are also the default status names (``spec_statuses``).
SPEC_STATUSES = (
    "draft",
    "review",
    "accepted",
    "implemented",
    "deprecated",
    "superseded",
    "rejected",
)
APPROACH_STATUSES = ("chosen", "proposed", "rejected", "deferred")
#: approach statuses marked as not taken, in the card and the trade-off table
SET_ASIDE_STATUSES = ("rejected", "deferred")
CONCESSION_KINDS = ("edge-case", "concession", "limitation", "risk", "deferred", "debt")
SEVERITIES = ("low", "medium", "high")
QUESTION_STATUSES = ("open", "answered", "deferred")
DIAGRAM_KINDS = ("class", "sequence", "state", "flowchart", "er", "other")
#: what an approver can say of one version of a spec (``spec-approval :verdict:``)
APPROVAL_VERDICTS = ("approved", "changes-requested", "abstained")
#: where an approver stands on the current version: a verdict on it, ``stale`` (a verdict on
#: an earlier version) or ``pending`` (none yet); cards, the ``spec-approvals`` view and
#: ``spec.json`` use these
APPROVAL_STATES = ("approved", "changes-requested", "abstained", "stale", "pending")

#: lifecycle roles at which every blocking question must be answered
SETTLED_ROLES = ("accepted", "implemented")

ID_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*\Z")
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
#: what a custom field (``spec_fields``) may be called: lower-case, as directive options are
FIELD_NAME_PATTERN = re.compile(r"[a-z][a-z0-9-]*\Z")
#: the types of a custom field besides a list of allowed values
FIELD_TYPES = ("text", "list", "date")

#: the values of a record's custom fields, in declaration order: a string, or a tuple (lists)
FieldValues = tuple[tuple[str, "str | tuple[str, ...]"], ...]


class CustomField(NamedTuple):
    """One ``spec_fields`` entry: an extra option of some directives, and its type.

    *type* is ``text``, ``list``, ``date`` or ``choice`` (then *choices* holds the values).
    """

    name: str
    directives: tuple[str, ...]
    type: str
    choices: tuple[str, ...] = ()
    #: what the card and view headers call it (default: its name)
    label: str = ""

    @property
    def shown_as(self) -> str:
        return self.label or self.name


def field_value(values: FieldValues, name: str) -> str | tuple[str, ...]:
    """The value of custom field *name* in *values* ("" when not given)."""
    return next((value for key, value in values if key == name), "")


def field_text(value: str | tuple[str, ...]) -> str:
    """A custom field's value as text: a list's items comma-separated."""
    return value if isinstance(value, str) else ", ".join(value)


def is_valid_id(value: str) -> bool:
    """Whether *value* is a legal spec or object id."""
    return bool(ID_PATTERN.match(value))


def slugify(title: str) -> str:
    """A stable id derived from a title: ``"Clock skew (EU)"`` → ``"clock-skew-eu"``.

    A title with no ASCII letters or digits gets ``item-`` and a digest of the
    title, so that its id still depends on the title alone.
    """
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if not slug:
        return f"item-{hashlib.sha1(title.encode()).hexdigest()[:8]}" if title.strip() else "item"
    return slug if slug[0].isalpha() else f"n{slug}"


def split_list(value: str | None) -> tuple[str, ...]:
    """Split a comma-separated option value into trimmed, non-empty items."""
    if not value:
        return ()
    return tuple(item.strip() for item in value.split(",") if item.strip())


def role_of(status: str) -> str:
    """The lifecycle role a status name has by itself: its own name if a role, else ``""``."""
    folded = status.casefold()
    return next((role for role in SPEC_STATUSES if role == folded), "")


def parse_date(value: str) -> datetime.date | None:
    """A calendar date written ``YYYY-MM-DD``, or ``None`` when *value* is not one."""
    if not DATE_PATTERN.match(value.strip()):
        return None
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        return None


def is_overdue(due: str, today: datetime.date) -> bool:
    """Whether the date *due* (``YYYY-MM-DD``; empty: none) is before *today*."""
    date = parse_date(due)
    return date is not None and date < today


@dataclass(frozen=True, kw_only=True)
class Located:
    """Where a record was written: its document, source file, line and HTML anchor.

    *source* differs from the document's own file when the record comes from
    an included file. An imported record has no document here: *source* and
    *lineno* are where ``conf.py`` imports it, and *href* is its page.
    """

    docname: str
    lineno: int
    source: str = ""
    anchor: str = ""
    #: the other project's name, for a record imported from its ``spec.json`` (``spec_import``)
    project: str = ""
    #: where an imported record lives: an absolute URL, or a path relative to the output directory
    href: str = ""

    @property
    def external(self) -> bool:
        """Whether the record comes from another project's ``spec.json``."""
        return bool(self.project)

    @property
    def location(self) -> tuple[str, int] | str:
        """Where warnings about the record point: ``"file:line"`` or ``(docname, line)``."""
        return f"{self.source}:{self.lineno}" if self.source else (self.docname, self.lineno)


class Reviewed(NamedTuple):
    """One entry of a spec's ``:reviewed:``: a linked spec and its fingerprint as reviewed.

    *fingerprint* is written by ``sphinx-spec review``: the digest, then the parts
    (:mod:`sphinx_spec.reviews`).
    """

    target: str
    fingerprint: str


class SpecLink(NamedTuple):
    """One entry of a spec's ``:links:``: ``Title <url>``, or a bare id (*title* empty).

    *target* is a URL, a spec id or another id (a ticket, an RFC), as written.
    """

    title: str
    target: str


@dataclass(frozen=True, kw_only=True)
class Spec(Located):
    """One spec: the ``spec`` directive of a document."""

    id: str
    title: str
    status: str = "draft"
    #: the status's lifecycle role (``spec_statuses``); ``""``: the status has none
    status_role: str = ""
    owners: tuple[str, ...] = ()
    stakeholders: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    created: str = ""
    updated: str = ""
    supersedes: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    summary: str = ""
    #: the custom fields (``spec_fields``) written for it
    fields: FieldValues = ()
    links: tuple[SpecLink, ...] = ()
    #: the text custom fields written with inline markup, each with the references it makes
    markup: tuple[tuple[str, tuple[tuple[str, str, int, str], ...]], ...] = ()
    #: who must approve it (``:approvers:``)
    approvers: tuple[str, ...] = ()
    #: the linked specs' fingerprints as last reviewed (``:reviewed:``)
    reviewed: tuple[Reviewed, ...] = ()
    #: the decision fingerprint another project exported (imported specs only; local specs'
    #: are computed from their records)
    fingerprint: str = ""

    def __post_init__(self) -> None:
        if not self.status_role:  # no mapping said otherwise: a status named like a role has it
            object.__setattr__(self, "status_role", role_of(self.status))


@dataclass(frozen=True, kw_only=True)
class SpecObject(Located):
    """A structured part of a spec; its id is local to the spec."""

    kind: ClassVar[str] = "object"

    local_id: str
    title: str
    spec_id: str = ""
    id_explicit: bool = True
    text: str = ""
    #: the custom fields (``spec_fields``) written for it
    fields: FieldValues = ()
    #: the options written with inline markup, each with the references it makes
    #: (``(role kind, target, step, domain)``); the parsed nodes are in the store
    markup: tuple[tuple[str, tuple[tuple[str, str, int, str], ...]], ...] = ()

    @property
    def full_id(self) -> str:
        return f"{self.spec_id}.{self.local_id}" if self.spec_id else self.local_id

    @property
    def label(self) -> str:
        """The kind's name for readers, untranslated (warning messages)."""
        return KINDS[self.kind].label


@dataclass(frozen=True, kw_only=True)
class Goal(SpecObject):
    kind: ClassVar[str] = "goal"
    metric: str = ""
    baseline: str = ""
    target: str = ""


@dataclass(frozen=True, kw_only=True)
class NonGoal(SpecObject):
    kind: ClassVar[str] = "non-goal"


@dataclass(frozen=True, kw_only=True)
class Approach(SpecObject):
    kind: ClassVar[str] = "approach"
    decision: str = ""
    rationale: str = ""
    impact: str = ""
    alternatives: tuple[str, ...] = ()
    status: str = "chosen"
    revisit: str = ""


@dataclass(frozen=True, kw_only=True)
class Concession(SpecObject):
    kind: ClassVar[str] = "concession"
    category: str = "concession"
    severity: str = ""
    owner: str = ""
    mitigation: str = ""


@dataclass(frozen=True, kw_only=True)
class Flow(SpecObject):
    kind: ClassVar[str] = "flow"
    actor: str = ""
    precondition: str = ""
    postcondition: str = ""
    steps: tuple[str, ...] = ()
    #: who takes part besides the actor, in drawing order (``:participants:``); the actor
    #: keeps the place it has in this list, else it comes first
    participants: tuple[str, ...] = ()
    diagram: str = ""
    #: the number of the first step: a list written ``3.``, ``4.`` starts at 3
    first_step: int = 1

    @property
    def step_numbers(self) -> range:
        """The numbers the steps show, in order."""
        return range(self.first_step, self.first_step + len(self.steps))

    def has_step(self, step: int | None) -> bool:
        return step is not None and step in self.step_numbers

    def step_anchor(self, step: int) -> str:
        return f"{self.anchor}-step-{step}"


@dataclass(frozen=True, kw_only=True)
class ErrorPath(SpecObject):
    """An alternate or error path; its title is the condition."""

    kind: ClassVar[str] = "error"
    flow: str = ""
    step: int | None = None
    action: str = ""
    feedback: str = ""


@dataclass(frozen=True, kw_only=True)
class Diagram(SpecObject):
    kind: ClassVar[str] = "diagram"
    diagram_kind: str = "other"
    code: str = ""


@dataclass(frozen=True, kw_only=True)
class OpenQuestion(SpecObject):
    kind: ClassVar[str] = "question"
    owner: str = ""
    status: str = "open"
    blocking: bool = False
    due: str = ""
    answer: str = ""
    resolved_by: str = ""


@dataclass(frozen=True, kw_only=True)
class Approval(SpecObject):
    """One approver's verdict on one version of a spec; its title is the approver.

    *fingerprint* is the spec's decision fingerprint the verdict was given on, as
    ``sphinx-spec approve`` wrote it; *text* is the note.
    """

    kind: ClassVar[str] = "approval"
    date: str = ""
    verdict: str = "approved"
    fingerprint: str = ""

    @property
    def approver(self) -> str:
        return self.title


@dataclass(frozen=True, kw_only=True)
class Term(SpecObject):
    kind: ClassVar[str] = "term"
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The title and the aliases, each once (casefolded, as the index and checks fold
        them: ``Straße`` and ``STRASSE`` are one name), none empty."""
        unique: dict[str, str] = {}
        for name in (self.title, *self.aliases):
            if name:
                unique.setdefault(name.casefold(), name)
        return tuple(unique.values())


def N_(message: str) -> str:
    """Mark *message* for the message catalog; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Kind:
    """Everything that differs between kinds of spec object, declared once.

    The kind's name (the record's ``kind``) is its role (``:spec:approach:``),
    its anchor prefix and its ``kind`` in ``spec.json``.
    """

    record: type[SpecObject]
    #: the authoring directive (``spec_required`` names these)
    directive: str
    #: what a reader calls it; translated where it is shown
    label: str
    #: the :class:`SpecCounts` field that counts it on the spec card, if any
    count: str = ""

    @property
    def name(self) -> str:
        return self.record.kind

    @property
    def anchor_prefix(self) -> str:
        return self.record.kind


OBJECT_KINDS = (
    Kind(Goal, "spec-goal", N_("Goal")),
    Kind(NonGoal, "non-goal", N_("Non-goal")),
    Kind(Approach, "spec-approach", N_("Approach"), count="approaches"),
    Kind(Concession, "spec-concession", N_("Concession")),
    Kind(Flow, "spec-flow", N_("Flow")),
    Kind(ErrorPath, "error-path", N_("Error path"), count="error_paths"),
    Kind(Diagram, "spec-diagram", N_("Diagram"), count="diagrams"),
    Kind(OpenQuestion, "open-question", N_("Open question"), count="questions"),
    Kind(Term, "spec-term", N_("Term"), count="terms"),
    Kind(Approval, "spec-approval", N_("Approval")),
)
#: kind name → its declaration
KINDS = {kind.name: kind for kind in OBJECT_KINDS}
#: authoring directive → its declaration
KINDS_BY_DIRECTIVE = {kind.directive: kind for kind in OBJECT_KINDS}
SPEC_KIND = "spec"
SPEC_LABEL = N_("Spec")
#: every kind a role can name, in the order ``:any:`` reports them
ALL_KINDS = (SPEC_KIND, *KINDS)


CURRENT = "current"
#: the value a view filter holds when every value written for it was invalid: matches nothing
NO_MATCH = "\x00no-match"


@dataclass(frozen=True, kw_only=True)
class ViewQuery(Located):
    """One aggregate directive: which view, and its filters (empty = no filter)."""

    view: str
    title: str = ""
    specs: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    #: lifecycle roles written in ``:status:``: a spec passes with any status that has one
    status_roles: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    flows: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    #: custom field filters: (field name, wanted values); any value matches
    fields: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: the custom fields that apply to the view's objects (the others are the spec's)
    object_fields: tuple[str, ...] = ()
    #: the custom fields' labels, for column headers: (name, label)
    field_labels: tuple[tuple[str, str], ...] = ()
    #: the column keys to show, in order (empty: the view's default columns)
    columns: tuple[str, ...] = ()
    #: the column key to sort by ("": the default order), and whether descending
    sort: str = ""
    descending: bool = False
    #: ``spec-approvals``: the approvers and the states (``APPROVAL_STATES``) shown
    approvers: tuple[str, ...] = ()
    states: tuple[str, ...] = ()

    def spec_ids(self, current: Spec | None) -> set[str]:
        """The ``:spec:`` filter with ``current`` replaced by this document's spec."""
        ids = {spec_id for spec_id in self.specs if spec_id != CURRENT}
        if CURRENT in self.specs and current is not None:
            ids.add(current.id)
        return ids

    def wants_spec(self, spec: Spec, current: Spec | None) -> bool:
        """Whether *spec* passes the ``:spec:`` and ``:tags:`` filters."""
        if self.specs and spec.id not in self.spec_ids(current):
            return False
        return not self.tags or bool(
            {t.casefold() for t in self.tags} & {t.casefold() for t in spec.tags}
        )

    def wants_status(self, spec: Spec) -> bool:
        """Whether *spec* passes ``:status:``: by its status's name or by its lifecycle role."""
        if not self.statuses and not self.status_roles:
            return True
        named = spec.status.casefold() in {status.casefold() for status in self.statuses}
        return named or spec.status_role in self.status_roles


Location = tuple[str, int] | str


class Finding(NamedTuple):
    """One problem a check found: the warning's subtype, its text and where it points.

    *code* names the rule (``revisit-overdue``, ``dangling-ref``, …), for
    tools that count findings rather than read their text.
    """

    subtype: str
    message: str
    location: Location
    code: str
    #: what it is about, for ``spec_suppress`` (``PAY-001.alice``, ``PAY-003 PAY-001``)
    subject: str = ""


@dataclass(frozen=True)
class SpecCounts:
    """The live counts a spec card shows."""

    approaches: int = 0
    error_paths: int = 0
    questions: int = 0
    questions_open: int = 0
    questions_blocking: int = 0
    terms: int = 0
    diagrams: int = 0


def count_objects(objects: list[SpecObject]) -> SpecCounts:
    """Count one spec's objects for its card."""
    per_kind = Counter(obj.kind for obj in objects)
    open_questions = [q for q in objects if isinstance(q, OpenQuestion) and q.status == "open"]
    return SpecCounts(
        **{kind.count: per_kind[kind.name] for kind in OBJECT_KINDS if kind.count},
        questions_open=len(open_questions),
        questions_blocking=sum(q.blocking for q in open_questions),
    )


@dataclass
class Relations:
    """Reverse links between specs, computed from the whole project."""

    superseded_by: dict[str, list[str]] = field(default_factory=dict)
    depended_on_by: dict[str, list[str]] = field(default_factory=dict)


def reverse_relations(specs: list[Spec]) -> Relations:
    """Invert every spec's ``supersedes`` and ``depends-on`` lists."""
    relations = Relations()
    for spec in specs:
        for target in spec.supersedes:
            if target != spec.id:
                relations.superseded_by.setdefault(target, []).append(spec.id)
        for target in spec.depends_on:
            if target != spec.id:
                relations.depended_on_by.setdefault(target, []).append(spec.id)
    return relations
