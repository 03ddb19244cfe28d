"""The portfolio views: what each one selects from the project index, in which order.

Each view turns a :class:`ViewQuery` into a :class:`ViewResult` of plain
cells. Order is deterministic: specs by id, a spec's objects in document
order, glossary terms alphabetically.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import ClassVar, NamedTuple, cast

from sphinx.locale import get_translation

from sphinx_spec.directives.objects import NEEDS_REVIEW, STATE_WORDS
from sphinx_spec.index import ProjectIndex
from sphinx_spec.model import (
    APPROACH_STATUSES,
    APPROVAL_STATES,
    QUESTION_STATUSES,
    SET_ASIDE_STATUSES,
    SPEC_KIND,
    Approach,
    Approval,
    Concession,
    ErrorPath,
    Flow,
    Goal,
    NonGoal,
    OpenQuestion,
    Spec,
    SpecObject,
    Term,
    field_text,
    field_value,
    is_overdue,
)
from sphinx_spec.reviews import ApproverState, summary
from sphinx_spec.verification import FAILING_STATES, VERIFICATION_STATES, Verified
from sphinx_spec.views.query import (
    Badge,
    Cell,
    Coded,
    GraphEdge,
    GraphNode,
    Link,
    Marked,
    Parts,
    Rich,
    Row,
    SpecGraph,
    Text,
    Verification,
    ViewQuery,
    wants,
)

_ = get_translation("sphinx_spec")


@dataclass(frozen=True)
class Section:
    """Rows under an optional heading (open questions are grouped by spec)."""

    heading: Link | None
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class ViewResult:
    """Everything a view shows; compared across builds to keep pages fresh."""

    sections: tuple[Section, ...]
    summary: tuple[tuple[str, int], ...] = ()
    listed_title: str = ""
    listed: tuple[Row, ...] = field(default=())
    graph: SpecGraph | None = None

    @property
    def empty(self) -> bool:
        rows = any(section.rows for section in self.sections) or self.listed
        return not rows and not (self.graph and self.graph.nodes)

    def cells(self) -> Iterator[Cell | Text | Link | Rich | None]:
        """Every cell: section headings, then cells row by row, graph nodes; lists opened."""
        cells: list[Cell | None] = [section.heading for section in self.sections]
        cells += [cell for section in self.sections for row in section.rows for cell in row]
        cells += [cell for row in self.listed for cell in row]
        cells += [node.spec for node in self.graph.nodes] if self.graph else []
        for cell in cells:
            if isinstance(cell, Parts):
                yield from cell.parts
            elif isinstance(cell, tuple) and not isinstance(cell, ONE_CELL):
                yield from cast(tuple[Link, ...], cell)  # a list of links
            else:
                yield cell

    @functools.cached_property
    def _linked(self) -> tuple[tuple[Link, ...], tuple[Rich, ...]]:
        """The links and the rich cells, gathered once: a page's digest and its rows both
        ask (a cached property writes to the instance, frozen or not)."""
        cells = list(self.cells())
        return (
            tuple(cell for cell in cells if type(cell) is Link),
            tuple(cell for cell in cells if type(cell) is Rich),
        )

    def links(self) -> Iterator[Link]:
        """Every link the view shows: section headings, then cells, row by row, graph nodes."""
        return iter(self._linked[0])

    def rich_cells(self) -> Iterator[Rich]:
        """Every cell with inline markup, whose references the page depends on."""
        return iter(self._linked[1])


#: the cells that are one value (each a tuple too), as against a list of links
ONE_CELL = (Text, Marked, Coded, Link, Rich, Badge, Verification)


class Column(NamedTuple):
    """A column of a view: its key (``:columns:``, ``:sort:``), header and relative width."""

    key: str
    header: str
    width: int


#: the relative width of a custom field's column
FIELD_WIDTH = 12
#: a cell a sort compares as a number
NUMBER = re.compile(r"-?[0-9]+\Z")

#: a row, with the spec and object (``None`` for a spec's own row) it shows
Shown = tuple[Row, Spec, SpecObject | None]


def cell_text(cell: object) -> str:
    """What a cell reads as: its text, or its links' texts comma-separated."""
    text = getattr(cell, "text", None)
    if isinstance(text, str):
        return text
    return ", ".join(cell_text(part) for part in cell) if isinstance(cell, tuple) else str(cell)


#: how ``:sort: verified`` orders states: what needs attention first
STATE_ORDER = ("failed", "error", "untested", "skipped", "passed")


def sort_key(cell: Cell) -> tuple[int, int, str] | None:
    """Numbers by value, then text by its letters; ``None`` for an empty cell (sorted last).

    A verification state sorts by :data:`STATE_ORDER`, in every language.
    """
    if isinstance(cell, Verification):
        return (0, STATE_ORDER.index(cell.state), "")
    text = cell_text(cell).strip()
    if not text:
        return None
    return (0, int(text), "") if NUMBER.match(text) else (1, 0, text.casefold())


def as_values(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else ((value,) if value else ())


def field_filters(query: ViewQuery, on_object: bool) -> list[tuple[str, tuple[str, ...]]]:
    """The custom field filters that test the objects (or, else, their specs)."""
    return [
        (name, values)
        for name, values in query.fields
        if (name in query.object_fields) == on_object
    ]


def wants_fields(filters: list[tuple[str, tuple[str, ...]]], record: Spec | SpecObject) -> bool:
    return not filters or all(
        wants(wanted, *as_values(field_value(record.fields, name))) for name, wanted in filters
    )


def due_cell(question: OpenQuestion, today: datetime.date) -> Cell:
    """An open question's due date; marked overdue while it is open past it."""
    if question.status == "open" and is_overdue(question.due, today):
        overdue = _("overdue")
        return Marked(f"{question.due} ({overdue})", "spec-overdue")
    return Text(question.due)


def spec_link(spec: Spec, text: str | None = None) -> Link:
    """A link to *spec*; an imported spec's text names its project."""
    text = spec.id if text is None else text
    return Link("spec", spec.id, f"{text} ({spec.project})" if spec.external else text)


def object_link(obj: SpecObject, text: str | None = None) -> Link:
    return Link(obj.kind, obj.full_id, obj.title if text is None else text)


def rich_cell(obj: SpecObject, option: str, text: str | None = None) -> Text | Rich:
    """The cell of *obj*'s *option* (a field name, or ``alternatives.<n>``): its inline markup
    when it was written with some, else plain text."""
    text = getattr(obj, option) if text is None else text
    if not obj.markup or not text:  # most records: nothing written with markup
        return Text(text)
    refs = dict(obj.markup).get(option)
    if refs is None:
        return Text(text)
    return Rich(text, obj.kind, obj.full_id, obj.docname, option, refs)


def field_cell(owner: Spec | SpecObject, name: str) -> Text | Rich:
    """A custom field's cell: a text field written with inline markup shows it."""
    text = field_text(field_value(owner.fields, name))
    refs = dict(owner.markup).get(name)
    if refs is None or not text:
        return Text(text)
    if isinstance(owner, Spec):
        return Rich(text, SPEC_KIND, owner.id, owner.docname, name, refs)
    return Rich(text, owner.kind, owner.full_id, owner.docname, name, refs)


def alternatives_cell(index: ProjectIndex, obj: Approach) -> Parts:
    """An approach's alternatives; one that names an approach of its spec by id links to it."""
    parts: list[Text | Link | Rich] = []
    for n, entry in enumerate(obj.alternatives):
        named = index.objects.get((Approach.kind, f"{obj.spec_id}.{entry}"))
        cell = rich_cell(obj, f"alternatives.{n}", entry)
        parts.append(object_link(named, entry) if named and isinstance(cell, Text) else cell)
    return Parts(tuple(parts))


def status_badge(status: str) -> Badge:
    """An approach's status; a rejected or deferred one also marks its row."""
    return Badge(status, status, status in SET_ASIDE_STATUSES)


#: how a stale verdict reads, by the verdict it was: who gave it, and what changed since
STALE_WORDS = {
    "approved": _("approved by %(approver)s for an earlier version: %(changes)s"),
    "changes-requested": _("changes requested by %(approver)s for an earlier version: %(changes)s"),
    "abstained": _("%(approver)s abstained on an earlier version: %(changes)s"),
}


def stale_phrase(state: ApproverState) -> str:
    """``approved by alice for an earlier version: approach `storage` decision changed``."""
    words = STALE_WORDS.get(state.verdict, STALE_WORDS["approved"])
    return str(words) % {"approver": state.approver, "changes": summary(state.changed)}


def approval_badge(state: str) -> Badge:
    """An approver's state as a badge (class ``spec-approval-<state>``)."""
    return Badge(str(STATE_WORDS.get(state, state)), state, family="approval")


def review_badge(index: ProjectIndex, spec: Spec) -> Badge | None:
    """ "needs review" when a link of *spec* is suspect or an approval of it is stale."""
    stale = any(state.state == "stale" for state in index.approver_states(spec.id))
    if not stale and not index.suspect_links(spec.id):
        return None
    return Badge(str(NEEDS_REVIEW), "suspect", family="review")


#: how a verification state reads
VERIFICATION_WORDS = {
    "failed": _("failed"),
    "error": _("error"),
    "passed": _("passed"),
    "skipped": _("skipped"),
    "untested": _("untested"),
}
#: the column keys a view shows by default only when the project lists test reports
VERIFICATION_KEYS = ("verified",)


def verification_word(state: str) -> str:
    return str(VERIFICATION_WORDS.get(state, state))


def verification_note(found: Verified) -> str:
    """Beside the badge: the failing tests' names, else how many tests there are."""
    if found.failing:
        failing = [name for state in FAILING_STATES for name in found.names(state)]
        return ", ".join(dict.fromkeys(failing))
    count = len(found.names())
    if not count:
        return ""
    words = _("1 test") if count == 1 else _("%(count)d tests")
    return "(" + str(words) % {"count": count} + ")"


def verification_cell(found: Verified | None) -> Verification | Text:
    """An object's state as a badge, its tests named; empty for an object nothing verifies."""
    if found is None:
        return Text("")
    tests = tuple(
        f"{name} ({verification_word(case.outcome)})"
        for name, case in {case.name: case for case in found.tests}.items()
    )
    return Verification(
        verification_word(found.state), found.state, tests, verification_note(found)
    )


def wants_state(index: ProjectIndex, obj: SpecObject, query: ViewQuery) -> bool:
    """Whether *obj* passes ``:state:`` (its verification state; no filter passes)."""
    if not query.states:
        return True
    found = index.verification(obj)
    return wants(query.states, found.state if found is not None else "untested")


def shown_query(index: ProjectIndex, query: ViewQuery) -> ViewQuery:
    """*query* as it is shown: without ``:columns:``, a project that lists no test reports
    does not show the ``verified`` column."""
    view = VIEWS[query.view]
    default = tuple(column.key for column in view.columns)
    if query.columns or index.verifying or not set(VERIFICATION_KEYS) & set(default):
        return query
    return replace(query, columns=tuple(key for key in default if key not in VERIFICATION_KEYS))


class View:
    """A view over one kind of object; subclasses name the columns and cells."""

    name: ClassVar[str]
    empty_note: ClassVar[str]
    #: the built-in columns, in the default order; ``row`` gives their cells in this order
    columns: ClassVar[tuple[Column, ...]]
    #: built-in columns shown only when ``:columns:`` names them; ``row`` gives their cells
    #: after the default ones, in this order
    optional: ClassVar[tuple[Column, ...]] = ()
    kind: ClassVar[str] = ""
    #: allowed ``:status:`` values (``None``: the project's spec statuses)
    statuses: ClassVar[tuple[str, ...] | None] = None
    #: whether ``:status:`` / ``:owner:`` test the object (else its spec)
    own_status: ClassVar[bool] = False
    own_owner: ClassVar[bool] = False
    #: allowed ``:state:`` values (views that take ``:state:``)
    state_values: ClassVar[tuple[str, ...]] = ()
    #: the record kinds the rows are made of (``None``: any kind, through the index's counts
    #: and decisions); rows with references in rich text read any kind as well
    reads: ClassVar[frozenset[str] | None] = None

    def result(self, index: ProjectIndex, query: ViewQuery) -> ViewResult:
        selected = self.selected(index, query)
        rows = [(self.row(index, spec, obj), spec, obj) for spec, obj in selected]
        return ViewResult((Section(None, self.shaped(query, rows)),))

    @property
    def every_column(self) -> tuple[Column, ...]:
        """The default columns, then the optional ones."""
        return (*self.columns, *self.optional)

    def keys(self, query: ViewQuery) -> tuple[str, ...]:
        """The column keys shown, in order: ``:columns:``, else the built-in columns."""
        return query.columns or tuple(column.key for column in self.columns)

    def layout(self, query: ViewQuery) -> list[tuple[str, int]]:
        """Each shown column's header and width; a custom field's header is its name."""
        builtin = {column.key: column for column in self.every_column}
        labels = dict(query.field_labels)
        return [
            (str(builtin[key].header), builtin[key].width)
            if key in builtin
            else (labels.get(key, key), FIELD_WIDTH)
            for key in self.keys(query)
        ]

    def cell(self, query: ViewQuery, key: str, shown: Shown) -> Cell:
        """The cell of column *key*: a built-in one from the row, else a custom field's value."""
        row, spec, obj = shown
        for position, column in enumerate(self.every_column):
            if column.key == key:
                return row[position]
        owner = obj if obj is not None and key in query.object_fields else spec
        return field_cell(owner, key)

    def shaped(self, query: ViewQuery, rows: Sequence[Shown]) -> tuple[Row, ...]:
        """The rows in ``:sort:`` order, with the ``:columns:`` cells."""
        keys = self.keys(query)
        positions: dict[str, int] = {}
        for n, column in enumerate(self.every_column):
            positions.setdefault(column.key, n)  # the first, as :meth:`cell` finds it
        if all(key in positions for key in keys):  # built-in columns only: picked by position
            picked = [positions[key] for key in keys]
            return tuple(
                tuple([shown[0][n] for n in picked]) for shown in self.ordered(query, rows)
            )
        return tuple(
            tuple(self.cell(query, key, shown) for key in keys)
            for shown in self.ordered(query, rows)
        )

    def ordered(self, query: ViewQuery, rows: Sequence[Shown]) -> list[Shown]:
        """Sorted by the ``:sort:`` column, empty cells last; ties keep the default order."""
        if not query.sort:
            return list(rows)
        keyed = [(sort_key(self.cell(query, query.sort, shown)), shown) for shown in rows]
        filled = [(key, shown) for key, shown in keyed if key is not None]
        filled.sort(key=lambda item: item[0], reverse=query.descending)
        return [shown for _key, shown in filled] + [shown for key, shown in keyed if key is None]

    def row(self, index: ProjectIndex, spec: Spec, obj: SpecObject) -> Row:
        raise NotImplementedError

    def specs(self, index: ProjectIndex, query: ViewQuery) -> Iterator[Spec]:
        """The specs that pass the filters that concern specs, by id."""
        current = index.spec_of_doc.get(query.docname)
        on_spec = field_filters(query, on_object=False)
        for spec_id in sorted(index.specs):
            spec = index.specs[spec_id]
            if not query.wants_spec(spec, current):
                continue
            if not self.own_status and not query.wants_status(spec):
                continue
            if not self.own_owner and not wants(query.owners, *spec.owners):
                continue
            if not wants_fields(on_spec, spec):
                continue
            yield spec

    def selected(self, index: ProjectIndex, query: ViewQuery) -> Iterator[tuple[Spec, SpecObject]]:
        """The view's objects that pass every filter, spec by spec, in document order."""
        on_object = field_filters(query, on_object=True)
        for spec in self.specs(index, query):
            for obj in index.objects_of(spec.id, self.kind):
                if self.keeps(obj, query, index) and wants_fields(on_object, obj):
                    yield spec, obj

    def keeps(self, obj: SpecObject, query: ViewQuery, index: ProjectIndex) -> bool:
        status = getattr(obj, "status", "")
        owner = getattr(obj, "owner", "")
        return (not self.own_status or wants(query.statuses, status)) and (
            not self.own_owner or wants(query.owners, owner)
        )


class ProjectIndexView(View):
    name = "spec-index"
    empty_note = _("No matching specs.")
    columns = (
        Column("id", _("ID"), 10),
        Column("title", _("Title"), 22),
        Column("status", _("Status"), 10),
        Column("owners", _("Owners"), 14),
        Column("tags", _("Tags"), 14),
        Column("open-questions", _("Open questions"), 10),
        Column("blocking", _("Blocking"), 10),
        Column("updated", _("Updated"), 10),
    )
    optional = (Column("created", _("Created"), 10), Column("stakeholders", _("Stakeholders"), 14))

    def result(self, index: ProjectIndex, query: ViewQuery) -> ViewResult:
        rows = [(self.spec_row(index, spec), spec, None) for spec in self.specs(index, query)]
        return ViewResult((Section(None, self.shaped(query, rows)),))

    def spec_row(self, index: ProjectIndex, spec: Spec) -> Row:
        counts = index.counts_for(spec.id)
        marker = review_badge(index, spec)
        return (
            spec_link(spec),
            Link("spec", spec.id, spec.title),
            Parts((Text(spec.status), marker)) if marker else Text(spec.status),
            Text(", ".join(spec.owners)),
            Text(", ".join(spec.tags)),
            Text(str(counts.questions_open)),
            Text(str(counts.questions_blocking)),
            Text(spec.updated),
            Text(spec.created),
            Text(", ".join(spec.stakeholders)),
        )


class TradeoffsView(View):
    name = "spec-tradeoffs"
    empty_note = _("No matching approaches.")
    kind = Approach.kind
    reads = frozenset((SPEC_KIND, Approach.kind))
    columns = (
        Column("approach", _("Approach"), 16),
        Column("decision", _("Decision"), 20),
        Column("rationale", _("Rationale"), 22),
        Column("impact", _("Impact"), 22),
        Column("status", _("Status"), 10),
        Column("spec", _("Spec"), 10),
    )
    optional = (Column("alternatives", _("Alternatives"), 16), Column("revisit", _("Revisit"), 10))
    statuses = APPROACH_STATUSES
    own_status = True

    def row(self, index: ProjectIndex, spec: Spec, obj: SpecObject) -> Row:
        assert isinstance(obj, Approach)
        return (
            object_link(obj),
            rich_cell(obj, "decision"),
            rich_cell(obj, "rationale"),
            rich_cell(obj, "impact"),
            status_badge(obj.status),
            spec_link(spec),
            alternatives_cell(index, obj),
            Text(obj.revisit),
        )


class GoalsView(View):
    name = "spec-goals"
    empty_note = _("No matching goals.")
    kind = Goal.kind
    reads = frozenset((SPEC_KIND, Goal.kind, NonGoal.kind))
    columns = (
        Column("goal", _("Goal"), 26),
        Column("metric", _("Metric"), 26),
        Column("baseline", _("Baseline"), 14),
        Column("target", _("Target"), 14),
        Column("spec", _("Spec"), 10),
        Column("verified", _("Verified"), 14),
    )
    state_values = VERIFICATION_STATES

    def keeps(self, obj: SpecObject, query: ViewQuery, index: ProjectIndex) -> bool:
        return wants_state(index, obj, query)

    def row(self, index: ProjectIndex, spec: Spec, obj: SpecObject) -> Row:
        assert isinstance(obj, Goal)
        return (
            object_link(obj),
            rich_cell(obj, "metric"),
            rich_cell(obj, "baseline"),
            rich_cell(obj, "target"),
            spec_link(spec),
            verification_cell(index.verification(obj)),
        )

    def result(self, index: ProjectIndex, query: ViewQuery) -> ViewResult:
        goals = super().result(index, query)
        non_goals = tuple(
            (object_link(obj), spec_link(spec))
            for spec in self.specs(index, query)
            for obj in index.objects_of(spec.id, NonGoal.kind)
            if not query.states  # nothing verifies a non-goal
        )
        return ViewResult(goals.sections, listed_title=_("Non-goals"), listed=non_goals)


class ErrorPathsView(View):
    name = "error-paths"
    empty_note = _("No matching error paths.")
    kind = ErrorPath.kind
    reads = frozenset((SPEC_KIND, ErrorPath.kind, Flow.kind))
    columns = (
        Column("id", _("#"), 6),
        Column("condition", _("Condition"), 22),
        Column("action", _("System action"), 22),
        Column("feedback", _("User feedback"), 22),
        Column("flow", _("Flow / step"), 16),
        Column("spec", _("Spec"), 10),
        Column("verified", _("Verified"), 14),
    )
    state_values = VERIFICATION_STATES

    def keeps(self, obj: SpecObject, query: ViewQuery, index: ProjectIndex) -> bool:
        if not wants_state(index, obj, query):
            return False
        if not query.flows:
            return True
        assert isinstance(obj, ErrorPath)
        flow = index.resolve(Flow.kind, obj.flow, obj.docname) if obj.flow else None
        wanted = {index.resolve(Flow.kind, name, query.docname) for name in query.flows}
        return flow is not None and flow in wanted

    def row(self, index: ProjectIndex, spec: Spec, obj: SpecObject) -> Row:
        assert isinstance(obj, ErrorPath)
        return (
            object_link(obj, obj.local_id),
            object_link(obj),
            rich_cell(obj, "action"),
            rich_cell(obj, "feedback"),
            self.flow_cell(index, obj),
            spec_link(spec),
            verification_cell(index.verification(obj)),
        )

    def flow_cell(self, index: ProjectIndex, obj: ErrorPath) -> Cell:
        flow = index.resolve(Flow.kind, obj.flow, obj.docname) if obj.flow else None
        if not isinstance(flow, Flow):
            return Text(obj.flow)
        label = flow.title if obj.step is None else f"{flow.title}, step {obj.step}"
        return Link(Flow.kind, flow.full_id, label, obj.step or 0)


class OpenQuestionsView(View):
    name = "open-questions"
    empty_note = _("No matching open questions.")
    kind = OpenQuestion.kind
    reads = frozenset((SPEC_KIND, OpenQuestion.kind))
    columns = (
        Column("question", _("Question"), 30),
        Column("status", _("Status"), 10),
        Column("owner", _("Owner"), 12),
        Column("due", _("Due"), 12),
        Column("blocking", _("Blocking"), 10),
        Column("answer", _("Answer"), 26),
    )
    statuses = QUESTION_STATUSES
    own_status = True
    own_owner = True

    def result(self, index: ProjectIndex, query: ViewQuery) -> ViewResult:
        grouped: dict[str, list[OpenQuestion]] = {}
        specs: dict[str, Spec] = {}
        for spec, obj in self.selected(index, query):
            assert isinstance(obj, OpenQuestion)
            grouped.setdefault(spec.id, []).append(obj)
            specs[spec.id] = spec
        sections = tuple(
            Section(
                spec_link(specs[spec_id], f"{spec_id}: {specs[spec_id].title}"),
                self.shaped(
                    query, [(self.row_of(q, index.today), specs[spec_id], q) for q in questions]
                ),
            )
            for spec_id, questions in grouped.items()
        )
        every = [q for questions in grouped.values() for q in questions]
        return ViewResult(sections, summary=self.summary(every))

    def summary(self, questions: list[OpenQuestion]) -> tuple[tuple[str, int], ...]:
        counts = [
            (status, sum(q.status == status for q in questions)) for status in QUESTION_STATUSES
        ]
        blocking = sum(q.blocking and q.status == "open" for q in questions)
        return (*counts, ("blocking", blocking))

    def row_of(self, obj: OpenQuestion, today: datetime.date) -> Row:
        return (
            object_link(obj),
            Text(obj.status),
            Text(obj.owner),
            due_cell(obj, today),
            Text("yes" if obj.blocking else ""),
            rich_cell(obj, "answer"),
        )


class ConcessionsView(View):
    name = "spec-concessions"
    empty_note = _("No matching concessions.")
    kind = Concession.kind
    reads = frozenset((SPEC_KIND, Concession.kind))
    columns = (
        Column("concession", _("Concession"), 24),
        Column("kind", _("Kind"), 12),
        Column("severity", _("Severity"), 10),
        Column("owner", _("Owner"), 14),
        Column("mitigation", _("Mitigation"), 30),
        Column("spec", _("Spec"), 12),
    )
    own_owner = True

    def keeps(self, obj: SpecObject, query: ViewQuery, index: ProjectIndex) -> bool:
        assert isinstance(obj, Concession)
        return super().keeps(obj, query, index) and wants(query.kinds, obj.category)

    def row(self, index: ProjectIndex, spec: Spec, obj: SpecObject) -> Row:
        assert isinstance(obj, Concession)
        return (
            object_link(obj),
            Text(obj.category),
            Text(obj.severity),
            Text(obj.owner),
            rich_cell(obj, "mitigation"),
            spec_link(spec),
        )


class GlossaryView(View):
    name = "spec-glossary"
    empty_note = _("No matching terms.")
    kind = Term.kind
    reads = frozenset((SPEC_KIND, Term.kind))
    columns = (
        Column("term", _("Term"), 18),
        Column("definition", _("Definition"), 46),
        Column("aliases", _("Aliases"), 16),
        Column("defined-in", _("Defined in"), 20),
    )

    def result(self, index: ProjectIndex, query: ViewQuery) -> ViewResult:
        merged: dict[str, list[Term]] = {}
        for _spec, obj in self.selected(index, query):
            assert isinstance(obj, Term)
            merged.setdefault(obj.title.casefold(), []).append(obj)
        rows: list[Shown] = []
        for name in sorted(merged):
            first = first_definition(index, merged[name])
            rows.append((self.merged_row(index, merged[name]), index.specs[first.spec_id], first))
        return ViewResult((Section(None, self.shaped(query, rows)),))

    def merged_row(self, index: ProjectIndex, terms: list[Term]) -> Row:
        """One row per term name: this project's definition first, else the first by spec id."""
        first = first_definition(index, terms)
        aliases: dict[str, str] = {}
        for alias in (alias for term in terms for alias in term.aliases):
            aliases.setdefault(alias.casefold(), alias)
        specs = {term.spec_id: index.specs[term.spec_id] for term in terms}
        defined_in = tuple(spec_link(spec) for spec in specs.values())
        definition = rich_cell(first, "text")
        return (object_link(first), definition, Text(", ".join(aliases.values())), defined_in)


def first_definition(index: ProjectIndex, terms: list[Term]) -> Term:
    """The term whose definition a merged glossary row shows."""
    order = {id(term): n for n, term in enumerate(index.definitions(terms[0].title))}
    return min(terms, key=lambda term: order.get(id(term), len(order)))


class GraphView(ProjectIndexView):
    """Every selected spec with its supersedes and depends-on links, for a Mermaid flowchart.

    It takes the project index's column keys: ``:columns:`` are the parts of each
    node's label (default ``id: title``), ``:sort:`` orders the nodes and their list.
    """

    name = "spec-graph"
    empty_note = _("No matching specs.")

    def result(self, index: ProjectIndex, query: ViewQuery) -> ViewResult:
        shown = self.ordered(
            query, [(self.spec_row(index, spec), spec, None) for spec in self.specs(index, query)]
        )
        specs = [spec for _row, spec, _obj in shown]
        labels = {item[1].id: self.label(query, item) for item in shown}
        node_ids = {spec.id: f"s{n}" for n, spec in enumerate(specs)}
        suspect = {
            spec.id: {link.target for link in index.suspect_links(spec.id)} for spec in specs
        }
        nodes = tuple(
            GraphNode(
                node_ids[spec.id], spec_link(spec, labels[spec.id]), spec.status, spec.status_role
            )
            for spec in specs
        )
        edges = tuple(
            GraphEdge(node_ids[spec.id], node_ids[target], relation, target in suspect[spec.id])
            for spec in specs
            for relation, targets in (
                ("supersedes", spec.supersedes),
                ("depends-on", spec.depends_on),
            )
            for target in targets
            if target in node_ids and target != spec.id
        )
        return ViewResult((), graph=SpecGraph(nodes, edges))

    def label(self, query: ViewQuery, shown: Shown) -> str:
        """``id: title``, or the ``:columns:`` cells that are not empty, joined by `` · ``."""
        spec = shown[1]
        if not query.columns:
            return f"{spec.id}: {spec.title}"
        parts = (cell_text(self.cell(query, key, shown)) for key in query.columns)
        return " · ".join(part for part in parts if part) or spec.id


class ApprovalsView(View):
    """One row per spec and approver: where each approver stands on the current version.

    Listed approvers first (``:approvers:`` order), then others who gave a verdict;
    specs by id. ``:approver:`` and ``:state:`` select rows.
    """

    name = "spec-approvals"
    empty_note = _("No matching approvals.")
    state_values = APPROVAL_STATES
    columns = (
        Column("spec", _("Spec"), 10),
        Column("status", _("Status"), 10),
        Column("approver", _("Approver"), 14),
        Column("state", _("State"), 12),
        Column("date", _("Date"), 10),
        Column("changes", _("Changes / note"), 34),
    )

    def result(self, index: ProjectIndex, query: ViewQuery) -> ViewResult:
        rows: list[Shown] = []
        for spec in self.specs(index, query):
            for state in index.approver_states(spec.id):
                if wants(query.approvers, state.approver) and wants(query.states, state.state):
                    rows.append((self.state_row(spec, state), spec, state.approval))
        return ViewResult((Section(None, self.shaped(query, rows)),))

    def state_row(self, spec: Spec, state: ApproverState) -> Row:
        approval: Approval | None = state.approval
        if approval is None:
            approver: Cell = Text(state.approver)
        else:
            approver = object_link(approval, state.approver)
        if state.state == "stale":
            note: Cell = Coded(stale_phrase(state))
        else:
            note = rich_cell(approval, "text") if approval is not None else Text("")
        return (
            spec_link(spec),
            Text(spec.status),
            approver,
            approval_badge(state.state),
            Text(approval.date if approval is not None else ""),
            note,
        )


class VerificationView(View):
    """One row per spec: how many of its error paths and goals pass their tests, which
    objects fail and by which tests, how many are untested.

    Specs with a failing object first, then by id. ``:state:`` keeps the specs with an
    object in one of the states.
    """

    name = "spec-verification"
    empty_note = _("No matching specs.")
    state_values = VERIFICATION_STATES
    columns = (
        Column("spec", _("Spec"), 10),
        Column("status", _("Status"), 10),
        Column("error-paths", _("Error paths verified"), 12),
        Column("goals", _("Goals verified"), 12),
        Column("failing", _("Failing"), 18),
        Column("failing-tests", _("Failing tests"), 26),
        Column("untested", _("Untested"), 10),
    )

    def result(self, index: ProjectIndex, query: ViewQuery) -> ViewResult:
        rows: list[tuple[bool, Shown]] = []
        for spec in self.specs(index, query):
            states = self.states(index, spec)
            if not wants(query.states, *(found.state for _obj, found in states)):
                continue
            failing = any(found.failing for _obj, found in states)
            rows.append((failing, (self.spec_row(index, spec, states), spec, None)))
        ordered = [shown for failing, shown in rows if failing]
        ordered += [shown for failing, shown in rows if not failing]
        return ViewResult((Section(None, self.shaped(query, ordered)),))

    def states(self, index: ProjectIndex, spec: Spec) -> list[tuple[SpecObject, Verified]]:
        """Each of the spec's objects that has a state, in document order."""
        found = ((obj, index.verification(obj)) for obj in index.objects_of(spec.id))
        return [(obj, state) for obj, state in found if state is not None]

    def spec_row(
        self, index: ProjectIndex, spec: Spec, states: list[tuple[SpecObject, Verified]]
    ) -> Row:
        failing = [(obj, found) for obj, found in states if found.failing]
        names = [name for _obj, found in failing for s in FAILING_STATES for name in found.names(s)]
        return (
            spec_link(spec),
            Text(spec.status),
            Text(self.count(index, spec.id, ErrorPath.kind)),
            Text(self.count(index, spec.id, Goal.kind)),
            tuple(object_link(obj, obj.full_id) for obj, _found in failing) or Text(""),
            Text(", ".join(dict.fromkeys(names))),
            Text(str(sum(found.state == "untested" for _obj, found in states))),
        )

    def count(self, index: ProjectIndex, spec_id: str, kind: str) -> str:
        """``3 of 5``: how many of the spec's objects of *kind* pass; empty when it has none."""
        counted = index.verification_count(spec_id, kind)
        if not counted.total:
            return ""
        return str(_("%(passed)d of %(total)d")) % {
            "passed": counted.passed,
            "total": counted.total,
        }


VIEWS: dict[str, View] = {
    view.name: view
    for view in (
        ProjectIndexView(),
        TradeoffsView(),
        GoalsView(),
        ErrorPathsView(),
        OpenQuestionsView(),
        ConcessionsView(),
        GlossaryView(),
        GraphView(),
        ApprovalsView(),
        VerificationView(),
    )
}


def view_result(index: ProjectIndex, query: ViewQuery) -> ViewResult:
    """The result of *query*, computed once per index."""
    if query not in index.view_results:
        index.view_results[query] = VIEWS[query.view].result(index, shown_query(index, query))
    result: ViewResult = index.view_results[query]
    return result
