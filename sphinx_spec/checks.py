"""Project-wide consistency checks, run once after reading (``env-check-consistency``)."""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from sphinx_spec.model import ErrorPath, Flow, OpenQuestion, Spec, Term
from sphinx_spec.report import warn
from sphinx_spec.store import SpecIndex, get_store


def check_duplicate_specs(index: SpecIndex) -> None:
    for spec in index.duplicate_specs:
        first = index.specs[spec.id]
        warn(
            f"spec id {spec.id!r} is already used by {first.docname!r} (line {first.lineno})",
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
    """One term, defined by several specs, must mean the same everywhere."""
    for term in index.objects.values():
        if not isinstance(term, Term):
            continue
        first = next(
            t
            for t in index.terms_by_name[term.title.lower()]
            if t.title.lower() == term.title.lower()
        )
        if first is not term and first.spec_id != term.spec_id and first.text != term.text:
            warn(
                f"term {term.title!r} is defined differently in {first.spec_id} "
                f"({first.docname}, line {first.lineno}) and {term.spec_id}",
                "glossary",
                term.location,
            )


def check_project(app: Sphinx, env: BuildEnvironment) -> None:
    index = get_store(env).index
    check_duplicate_specs(index)
    check_duplicate_objects(index)
    check_term_definitions(index)
    for spec_id in sorted(index.specs):
        check_spec_links(index, index.specs[spec_id])
    for obj in index.objects.values():
        if isinstance(obj, ErrorPath):
            check_error_path(index, obj)
        elif isinstance(obj, OpenQuestion):
            check_question(index, obj)


def setup_checks(app: Sphinx) -> None:
    app.connect("env-check-consistency", check_project)
