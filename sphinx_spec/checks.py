"""Project-wide checks: what is wrong across documents, as structured findings.

The checks read the project index and the views each document shows; they
return :class:`~sphinx_spec.model.Finding` values and log nothing. The
collector reports them once per build, on every build (a rebuild with nothing
to read included); ``sphinx-spec check`` counts them.

Checks judge this project's own records (``index.local``); imported records
are only looked up, as targets.
"""

from __future__ import annotations

import datetime
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sphinx_spec.index import Layer, ProjectIndex, did_you_mean
from sphinx_spec.model import (
    CURRENT,
    KINDS_BY_DIRECTIVE,
    NO_MATCH,
    SETTLED_ROLES,
    Approach,
    ErrorPath,
    Finding,
    Flow,
    Location,
    OpenQuestion,
    Spec,
    SpecObject,
    Term,
    ViewQuery,
    is_overdue,
    parse_date,
    role_of,
)
from sphinx_spec.reviews import ApproverState, summary
from sphinx_spec.store import SpecStore


@dataclass(frozen=True)
class CheckSettings:
    """What the checks take from the configuration."""

    statuses: tuple[str, ...]
    #: directive names every spec must contain (``spec_required``), the known ones only
    required: tuple[str, ...] = ()
    today: datetime.date = datetime.date.min
    #: each status name with its lifecycle role; empty: a name that is a role has that role
    roles: tuple[tuple[str, str], ...] = ()
    #: ``spec_suppress``: each entry's words, a finding's code then (optionally) its subject
    suppress: tuple[tuple[str, ...], ...] = ()
    #: ``spec_require_verification``: the object kinds an implemented spec's tests must pass
    verify: tuple[str, ...] = ()

    def suppresses(self, finding: Finding) -> bool:
        """Whether ``spec_suppress`` names *finding*: by its code alone, or code and subject."""
        words = (finding.code, *finding.subject.split())
        return any(entry in (words, words[:1]) for entry in self.suppress)

    def named(self, role: str) -> tuple[str, ...]:
        """The project's status names that have *role*, in lifecycle order."""
        roles = self.roles or tuple((name, role_of(name)) for name in self.statuses)
        return tuple(name for name, its_role in roles if its_role == role)


def conf_line(record: Spec) -> str:
    """Where ``conf.py`` imports *record*, for a message: ``conf.py line 6``."""
    return f"{Path(record.source).name} line {record.lineno}"


def duplicate_specs(index: ProjectIndex) -> Iterator[Finding]:
    for first, again in index.local.duplicate_specs:
        yield Finding(
            "duplicate",
            f"spec id {again.id!r} is already used by {first.docname!r} (line {first.lineno})",
            again.location,
            "duplicate-spec",
        )
    for imported in index.shadowed:  # the local spec wins; say so where it is written
        local = index.local.specs[imported.id]
        yield Finding(
            "duplicate",
            f"spec id {imported.id!r} is also imported from project {imported.project!r} "
            f"(spec_import, {conf_line(imported)}); the imported spec is left out",
            local.location,
            "duplicate-spec",
        )
    yield from duplicate_imports(index.imported)


def duplicate_imports(imported: Layer) -> Iterator[Finding]:
    for first, again in imported.duplicate_specs:
        if first.location == again.location:
            message = (
                f"spec id {again.id!r} appears twice in the spec.json of project "
                f"{again.project!r}; the second is left out"
            )
        else:
            message = (
                f"spec id {again.id!r} of project {again.project!r} is already imported from "
                f"project {first.project!r} ({conf_line(first)}); the second is left out"
            )
        yield Finding("duplicate", message, again.location, "duplicate-import")


def duplicate_objects(index: ProjectIndex) -> Iterator[Finding]:
    for first, again in index.local.duplicate_objects:
        yield Finding(
            "duplicate",
            f"{again.label} {again.full_id!r} has the same full id as the one in "
            f"{first.docname!r} (line {first.lineno}); use ids that stay distinct with dots",
            again.location,
            "duplicate-object",
        )


def spec_links(index: ProjectIndex, spec: Spec) -> Iterator[Finding]:
    for option, targets in (("supersedes", spec.supersedes), ("depends-on", spec.depends_on)):
        for target in targets:
            if target == spec.id:
                message = f"spec {spec.id}: :{option}: names the spec itself"
            elif target not in index.specs:
                message = f"spec {spec.id}: :{option}: names unknown spec {target!r}"
            else:
                continue
            yield Finding("ref", message, spec.location, "dangling-ref")


def error_path_links(index: ProjectIndex, error: ErrorPath) -> Iterator[Finding]:
    if not error.flow:
        return
    flow = index.flow_of(error)
    if flow is None:
        message = (
            f"error path {error.full_id}: :flow: names unknown flow {error.flow!r}"
            f"{did_you_mean(index, Flow.kind, error.flow)}"
        )
    elif error.step is None or flow.has_step(error.step):
        return
    elif flow.first_step == 1 or error.step > flow.first_step:
        message = (
            f"error path {error.full_id}: :step: {error.step} is past the last step "
            f"of flow {flow.full_id} ({steps_of(flow)})"
        )
    else:
        message = (
            f"error path {error.full_id}: :step: {error.step} is before the first step "
            f"of flow {flow.full_id} ({steps_of(flow)})"
        )
    yield Finding("ref", message, error.location, "dangling-ref")


def steps_of(flow: Flow) -> str:
    """``3 steps``, or, for a list that does not start at 1, ``steps 3-5``."""
    if flow.first_step == 1 or not flow.steps:
        return f"{len(flow.steps)} steps"
    return f"steps {flow.step_numbers[0]}-{flow.step_numbers[-1]}"


def question_links(index: ProjectIndex, question: OpenQuestion) -> Iterator[Finding]:
    target = question.resolved_by
    if target and index.resolve(Approach.kind, target, question.docname) is None:
        yield Finding(
            "ref",
            f"open question {question.full_id}: :resolved-by: names unknown approach {target!r}"
            f"{did_you_mean(index, Approach.kind, target)}",
            question.location,
            "dangling-ref",
        )


def term_definitions(index: ProjectIndex) -> Iterator[Finding]:
    """One term must mean the same in every spec that defines it, and in imported projects."""
    for name, local_terms in sorted(index.local.terms_by_name.items()):
        local = [term for term in local_terms if term.title.casefold() == name]
        if not local:
            continue
        first = local[0]
        imported = index.imported.terms_by_name.get(name, [])
        for term in local[1:]:
            if term.text != first.text:
                yield term_conflict(first, term, term.spec_id, term.location)
        for term in (t for t in imported if t.title.casefold() == name):
            if term.text != first.text:
                yield term_conflict(first, term, f"project {term.project!r}", first.location)


def term_conflict(first: Term, other: Term, where: str, location: Location) -> Finding:
    return Finding(
        "glossary",
        f"term {other.title!r} is defined differently in {first.spec_id} "
        f"({first.docname}, line {first.lineno}) and {where}",
        location,
        "term-conflict",
    )


def glossary_clashes(index: ProjectIndex) -> Iterator[Finding]:
    """A spec term whose name an ordinary glossary defines: the glossary keeps the name."""
    for key in sorted(index.local.objects):
        term = index.local.objects[key]
        if not isinstance(term, Term):
            continue
        for name in term.names:
            docname = index.glossary.get(name.casefold(), ("", ""))[0]
            if docname:
                yield Finding(
                    "glossary",
                    f"spec term {name!r} clashes with the glossary term in {docname!r}; "
                    ":term: keeps pointing at the glossary",
                    term.location,
                    "glossary-clash",
                )


def lifecycle(index: ProjectIndex, spec: Spec, settings: CheckSettings) -> Iterator[Finding]:
    """A spec's status must agree with its questions and with the specs superseding it.

    Both rules go by the status's lifecycle role, so they hold for any names.
    """
    blocking = [
        q.full_id
        for q in index.objects_of(spec.id, OpenQuestion.kind)
        if isinstance(q, OpenQuestion) and q.blocking and q.status == "open"
    ]
    if spec.status_role in SETTLED_ROLES and blocking:
        yield Finding(
            "lifecycle",
            f"spec {spec.id} is {spec.status} but has open blocking questions: "
            f"{', '.join(blocking)}",
            spec.location,
            "settled-with-blockers",
        )
    superseders = index.relations.superseded_by.get(spec.id, [])
    superseded = settings.named("superseded")
    if superseders and superseded and spec.status_role != "superseded":
        yield Finding(
            "lifecycle",
            f"spec {spec.id} is superseded by {', '.join(superseders)} but its status is "
            f"{spec.status!r}, not {' or '.join(map(repr, superseded))}",
            spec.location,
            "superseded-status",
        )


def question_overdue(question: OpenQuestion, today: datetime.date) -> Iterator[Finding]:
    if question.status == "open" and is_overdue(question.due, today):
        yield Finding(
            "lifecycle",
            f"open question {question.full_id} is still open past its due date {question.due}",
            question.location,
            "question-overdue",
        )


def revisit(approach: Approach, today: datetime.date) -> Iterator[Finding]:
    due = parse_date(approach.revisit)
    if approach.status == "chosen" and due is not None and due < today:
        yield Finding(
            "lifecycle",
            f"approach {approach.full_id} is chosen but was due for revisiting on "
            f"{approach.revisit}",
            approach.location,
            "revisit-overdue",
        )


def required(index: ProjectIndex, spec: Spec, directives: tuple[str, ...]) -> Iterator[Finding]:
    kinds = {obj.kind for obj in index.objects_of(spec.id)}
    missing = [name for name in directives if KINDS_BY_DIRECTIVE[name].name not in kinds]
    if missing:
        yield Finding(
            "required",
            f"spec {spec.id} has no {', '.join(missing)} (required by spec_required)",
            spec.location,
            "missing-required",
        )


def object_links(index: ProjectIndex, obj: SpecObject, today: datetime.date) -> Iterator[Finding]:
    if isinstance(obj, ErrorPath):
        yield from error_path_links(index, obj)
    elif isinstance(obj, OpenQuestion):
        yield from question_links(index, obj)
        yield from question_overdue(obj, today)
    elif isinstance(obj, Approach):
        yield from revisit(obj, today)


def view_filters(index: ProjectIndex, query: ViewQuery) -> Iterator[Finding]:
    """Every id a view's filters name must exist."""
    current = index.spec_of_doc.get(query.docname)
    messages = []
    if CURRENT in query.specs and current is None:
        messages.append(f"{query.view}: :spec: current, but this document has no spec")
    messages += [
        f"{query.view}: :spec: names unknown spec {spec_id!r}"
        for spec_id in query.specs
        if spec_id not in (CURRENT, NO_MATCH) and spec_id not in index.specs
    ]
    messages += [
        f"{query.view}: :flow: names unknown flow {flow!r}{did_you_mean(index, Flow.kind, flow)}"
        for flow in query.flows
        if flow != NO_MATCH and index.resolve(Flow.kind, flow, query.docname) is None
    ]
    for message in messages:
        yield Finding("ref", message, query.location, "dangling-ref")


def approvals(index: ProjectIndex, spec: Spec) -> Iterator[Finding]:
    """A settled spec needs a current approval from every approver; a stale approval warns."""
    states = index.approver_states(spec.id)
    for state in states:
        if state.state == "stale" and state.verdict == "approved" and state.approval:
            yield Finding(
                "review",
                f"the approval by {state.approver} is for an earlier version of {spec.id} "
                f"({summary(state.changed)}); it does not count until "
                f"`sphinx-spec approve {spec.id} --by {shlex.quote(state.approver)}` is run again",
                state.approval.location,
                "stale-approval",
                state.approval.full_id,
            )
    missing = [s for s in states if s.listed and s.state != "approved"]
    if spec.status_role in SETTLED_ROLES and missing:
        named = ", ".join(f"{s.approver} ({state_phrase(s)})" for s in missing)
        yield Finding(
            "lifecycle",
            f"spec {spec.id} is {spec.status!r} without a current approval from {named}",
            spec.location,
            "unapproved",
            spec.id,
        )


#: a verdict on an earlier version, in a warning
EARLIER = {
    "approved": "approved an earlier version",
    "changes-requested": "requested changes to an earlier version",
    "abstained": "abstained on an earlier version",
}


def state_phrase(state: ApproverState) -> str:
    """An approver's state, in a warning: ``pending``, ``approved an earlier version``, …"""
    if state.state == "stale":
        return EARLIER.get(state.verdict, "gave a verdict on an earlier version")
    return state.state.replace("-", " ")


def link_reviews(index: ProjectIndex, spec: Spec) -> Iterator[Finding]:
    """A linked spec that changed since it was reviewed makes the link suspect; links never
    reviewed are named once per spec."""
    reviews = index.link_reviews(spec.id)
    for link in reviews:
        if link.state == "suspect":
            verb = "depends on" if link.relation == "depends-on" else "supersedes"
            yield Finding(
                "review",
                f"spec {spec.id} {verb} {link.target}, which changed since it was reviewed: "
                f"{summary(link.changed)}; review the change, then run "
                f"`sphinx-spec review {spec.id}`",
                spec.location,
                "suspect-link",
                f"{spec.id} {link.target}",
            )
    unreviewed = [link.target for link in reviews if link.state == "unreviewed"]
    if unreviewed:
        yield Finding(
            "review",
            f"the links of spec {spec.id} to {', '.join(unreviewed)} are not yet reviewed; "
            f"run `sphinx-spec review {spec.id}` (or `sphinx-spec review --all`)",
            spec.location,
            "unreviewed-link",
            spec.id,
        )


def unmatched_test_ids(index: ProjectIndex) -> Iterator[Finding]:
    """Ids that tests name (``spec_test_reports``) and no object has, at the first such test."""
    for object_id, case in index.unmatched_test_ids():
        spec = index.specs.get(object_id)
        if spec is not None:
            hint = f"; that is spec {spec.id}: name one of its objects, such as {spec.id}.<id>"
        else:
            hint = did_you_mean(index, ErrorPath.kind, object_id)
        yield Finding(
            "ref",
            f"test {case.name!r} names {object_id!r}, which is no spec object{hint}",
            case.location,
            "unknown-test-id",
            object_id,
        )


def verification(index: ProjectIndex, spec: Spec, kinds: tuple[str, ...]) -> Iterator[Finding]:
    """An implemented spec's objects of the kinds ``spec_require_verification`` names must
    have a passing test, and no failing one."""
    if spec.status_role != "implemented" or not kinds:
        return
    for obj in index.objects_of(spec.id):
        found = index.verification(obj) if obj.kind in kinds else None
        if found is None or found.passing:
            continue
        where = f"{obj.label.lower()} {obj.full_id!r} of {spec.status} spec {spec.id}"
        if found.failing:
            tests = ", ".join(found.names("failed") + found.names("error"))
            message, code = f"{where} has failing tests: {tests}", "failing-test"
        elif found.state == "skipped":
            tests = ", ".join(found.names())
            message = f"{where} has no passing test; its tests were skipped: {tests}"
            code = "unverified"
        else:
            message, code = f"{where} has no passing test; no test names it", "unverified"
        yield Finding("verification", message, obj.location, code, obj.full_id)


def project_findings(store: SpecStore, settings: CheckSettings) -> list[Finding]:
    """Everything the project-wide checks find, in a stable order; ``spec_suppress`` applied."""
    index = store.index
    findings = [*duplicate_specs(index), *duplicate_objects(index)]
    findings += [*term_definitions(index), *glossary_clashes(index)]
    for spec in (index.local.specs[key] for key in sorted(index.local.specs)):
        findings += spec_links(index, spec)
        findings += lifecycle(index, spec, settings)
        findings += approvals(index, spec)
        findings += link_reviews(index, spec)
        findings += required(index, spec, settings.required)
        findings += verification(index, spec, settings.verify)
    for obj in index.local.objects.values():
        findings += object_links(index, obj, settings.today)
    findings += unmatched_test_ids(index)
    for docname in sorted(store.views):
        for query in store.views[docname]:
            findings += view_filters(index, query)
    return [finding for finding in findings if not settings.suppresses(finding)]
