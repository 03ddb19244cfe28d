"""Project-wide consistency checks, run once after reading (``env-check-consistency``)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from sphinx_spec.model import (
    CURRENT,
    DIRECTIVE_KINDS,
    NO_MATCH,
    SETTLED_STATUSES,
    Approach,
    ErrorPath,
    Flow,
    OpenQuestion,
    Spec,
    Term,
    ViewQuery,
    parse_date,
)
from sphinx_spec.report import warn
from sphinx_spec.store import SpecIndex, get_store


def conf_line(record: Spec) -> str:
    """Where ``conf.py`` imports *record*, for a message: ``conf.py line 6``."""
    return f"{Path(record.source).name} line {record.lineno}"


def check_duplicate_specs(index: SpecIndex) -> None:
    for spec in index.duplicate_specs:
        first = index.specs[spec.id]
        if not spec.external:
            warn(
                f"spec id {spec.id!r} is already used by {first.docname!r} (line {first.lineno})",
                "duplicate",
                spec.location,
            )
        elif not first.external:  # the local spec wins; say so where it is written
            warn(
                f"spec id {spec.id!r} is also imported from project {spec.project!r} "
                f"(spec_import, {conf_line(spec)}); the imported spec is left out",
                "duplicate",
                first.location,
            )
        elif first.location == spec.location:
            warn(
                f"spec id {spec.id!r} appears twice in the spec.json of project "
                f"{spec.project!r}; the second is left out",
                "duplicate",
                spec.location,
            )
        else:
            warn(
                f"spec id {spec.id!r} of project {spec.project!r} is already imported from "
                f"project {first.project!r} ({conf_line(first)}); the second is left out",
                "duplicate",
                spec.location,
            )


def check_duplicate_objects(index: SpecIndex) -> None:
    for first, again in index.duplicate_objects:
        warn(
            f"{again.label} {again.full_id!r} has the same full id as the one in "
            f"{first.docname!r} (line {first.lineno}); use ids that stay distinct with dots",
            "duplicate",
            again.location,
        )


def check_spec_links(index: SpecIndex, spec: Spec) -> None:
    for option, targets in (("supersedes", spec.supersedes), ("depends-on", spec.depends_on)):
        for target in targets:
            if target == spec.id:
                warn(f"spec {spec.id}: :{option}: names the spec itself", "ref", spec.location)
            elif target not in index.specs:
                warn(
                    f"spec {spec.id}: :{option}: names unknown spec {target!r}",
                    "ref",
                    spec.location,
                )


def check_error_path(index: SpecIndex, error: ErrorPath) -> None:
    if not error.flow:
        return
    flow = index.resolve(Flow.kind, error.flow, error.docname)
    location = error.location
    if not isinstance(flow, Flow):
        warn(
            f"error path {error.full_id}: :flow: names unknown flow {error.flow!r}", "ref", location
        )
    elif error.step is not None and error.step > len(flow.steps):
        warn(
            f"error path {error.full_id}: :step: {error.step} is past the last step "
            f"of flow {flow.full_id} ({len(flow.steps)} steps)",
            "ref",
            location,
        )


def check_question(index: SpecIndex, question: OpenQuestion) -> None:
    if (
        question.resolved_by
        and index.resolve("approach", question.resolved_by, question.docname) is None
    ):
        warn(
            f"open question {question.full_id}: :resolved-by: names unknown approach "
            f"{question.resolved_by!r}",
            "ref",
            question.location,
        )


def check_term_definitions(index: SpecIndex) -> None:
    """One term, wherever it is defined, must mean the same everywhere."""
    for term in index.objects.values():
        if not isinstance(term, Term):
            continue
        first = next(
            (
                t
                for t in index.terms_by_name.get(term.title.lower(), [])
                if t.title.casefold() == term.title.casefold()
            ),
            term,
        )
        if first is not term and first.text != term.text and not first.external:
            where = f"project {term.project!r}" if term.external else term.spec_id
            warn(
                f"term {term.title!r} is defined differently in {first.spec_id} "
                f"({first.docname}, line {first.lineno}) and {where}",
                "glossary",
                first.location if term.external else term.location,
            )


def check_lifecycle(index: SpecIndex, spec: Spec, statuses: list[str]) -> None:
    """A spec's status must agree with its questions and with the specs superseding it."""
    blocking = [
        q.full_id
        for q in index.objects_of(spec.id, OpenQuestion.kind)
        if isinstance(q, OpenQuestion) and q.blocking and q.status == "open"
    ]
    if spec.status in SETTLED_STATUSES and blocking:
        warn(
            f"spec {spec.id} is {spec.status} but has open blocking questions: "
            f"{', '.join(blocking)}",
            "lifecycle",
            spec.location,
        )
    superseders = index.relations.superseded_by.get(spec.id, [])
    if superseders and "superseded" in statuses and spec.status != "superseded":
        warn(
            f"spec {spec.id} is superseded by {', '.join(superseders)} but its status is "
            f"{spec.status!r}, not 'superseded'",
            "lifecycle",
            spec.location,
        )


def check_revisit(approach: Approach, today: datetime.date) -> None:
    due = parse_date(approach.revisit)
    if approach.status == "chosen" and due is not None and due < today:
        warn(
            f"approach {approach.full_id} is chosen but was due for revisiting on "
            f"{approach.revisit}",
            "lifecycle",
            approach.location,
        )


def check_required(index: SpecIndex, spec: Spec, required: list[str]) -> None:
    kinds = {obj.kind for obj in index.objects_of(spec.id)}
    missing = [name for name in required if DIRECTIVE_KINDS.get(name) not in kinds]
    if missing:
        warn(
            f"spec {spec.id} has no {', '.join(missing)} (required by spec_required)",
            "required",
            spec.location,
        )


def check_required_config(app: Sphinx, required: list[str]) -> list[str]:
    """The known directive names of ``spec_required``; unknown ones warn at conf.py."""
    unknown = [name for name in required if name not in DIRECTIVE_KINDS]
    if unknown:
        warn(
            f"spec_required names unknown directives: {', '.join(unknown)} "
            f"(known: {', '.join(DIRECTIVE_KINDS)})",
            "option",
            config_location(app, "spec_required"),
        )
    return [name for name in required if name in DIRECTIVE_KINDS]


def config_location(app: Sphinx, name: str, item: str = "") -> str:
    """``conf.py:<line>`` of the line that sets *name* (line 1 if it cannot be found).

    With *item*, the first line from there on that writes *item* as a quoted
    string: one entry of a list written over several lines.
    """
    conf = Path(app.confdir) / "conf.py"
    try:
        lines = conf.read_text(encoding="utf-8").splitlines()
    except OSError:
        return f"{conf}:1"
    sets = re.compile(rf"\s*{re.escape(name)}\s*(:[^=]*)?\+?=")
    start = next((n for n, line in enumerate(lines) if sets.match(line)), 0)
    quoted = (f'"{item}"', f"'{item}'")
    found = next(
        (n for n in range(start, len(lines)) if item and any(q in lines[n] for q in quoted)),
        start,
    )
    return f"{conf}:{found + 1}"


def today(app: Sphinx) -> datetime.date:
    """``spec_today`` if set (reproducible builds, tests), else the real date."""
    configured = app.config.spec_today
    if isinstance(configured, datetime.date):
        return configured
    date = parse_date(str(configured)) if configured else None
    if configured and date is None:
        warn(
            f"spec_today {configured!r} is not a date (YYYY-MM-DD); using today",
            "option",
            config_location(app, "spec_today"),
        )
    return date or datetime.date.today()


def check_views(index: SpecIndex, query: ViewQuery) -> None:
    """Every id a view's filters name must exist."""
    current = index.spec_of_doc.get(query.docname)
    if CURRENT in query.specs and current is None:
        warn(f"{query.view}: :spec: current, but this document has no spec", "ref", query.location)
    for spec_id in query.specs:
        if spec_id not in (CURRENT, NO_MATCH) and spec_id not in index.specs:
            warn(f"{query.view}: :spec: names unknown spec {spec_id!r}", "ref", query.location)
    for flow in query.flows:
        if flow != NO_MATCH and index.resolve(Flow.kind, flow, query.docname) is None:
            warn(f"{query.view}: :flow: names unknown flow {flow!r}", "ref", query.location)


def check_project(app: Sphinx, env: BuildEnvironment) -> None:
    store = get_store(env)
    index = store.index
    check_duplicate_specs(index)
    check_duplicate_objects(index)
    check_term_definitions(index)
    required = check_required_config(app, list(app.config.spec_required))
    specs = [index.specs[key] for key in sorted(index.specs)]
    for spec in (spec for spec in specs if not spec.external):
        check_spec_links(index, spec)
        check_lifecycle(index, spec, list(app.config.spec_statuses))
        check_required(index, spec, required)
    date = today(app)
    for obj in index.objects.values():
        if obj.external:  # the other project checks its own
            continue
        if isinstance(obj, ErrorPath):
            check_error_path(index, obj)
        elif isinstance(obj, OpenQuestion):
            check_question(index, obj)
        elif isinstance(obj, Approach):
            check_revisit(obj, date)
    for docname in sorted(store.views):
        for query in store.views[docname]:
            check_views(index, query)


def setup_checks(app: Sphinx) -> None:
    app.connect("env-check-consistency", check_project)
