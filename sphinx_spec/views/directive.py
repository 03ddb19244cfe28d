"""The aggregate directives: parse and check their filters, leave a placeholder.

Each emits ``spec_view(query=ViewQuery)``; the collector files the query
under the document so that the page is written again whenever what the view
shows changes, and a post-transform renders it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx

from sphinx_spec.directives.base import OptionSpec, SpecDirectiveBase
from sphinx_spec.model import (
    CONCESSION_KINDS,
    KINDS,
    SPEC_KIND,
    SPEC_STATUSES,
    CustomField,
    is_valid_id,
    parse_date,
    split_list,
)
from sphinx_spec.nodes import spec_view
from sphinx_spec.views.catalog import VIEWS, View
from sphinx_spec.views.query import CURRENT, NO_MATCH, ViewQuery

COMMON_OPTIONS = ("spec", "status", "tags", "owner", "columns", "sort")
SORT_ORDERS = ("asc", "desc")


class ViewDirective(SpecDirectiveBase):
    """One view of the project: ``spec_view`` placeholder, rendered after reading."""

    has_content = True  # content is warned about and ignored, not an error that drops the view
    has_body = False
    title_required = False
    view: ClassVar[View]
    option_spec: ClassVar[dict[str, Any]] = OptionSpec.of(*COMMON_OPTIONS)

    def render(self) -> list[nodes.Node]:
        statuses, status_roles = self.status_filter()
        query = ViewQuery(
            view=self.view.name,
            title=self.title,
            specs=self.spec_ids(),
            statuses=statuses,
            status_roles=status_roles,
            tags=split_list(self.options.get("tags")),
            owners=split_list(self.options.get("owner")),
            flows=self.flow_ids() if "flow" in self.option_spec else (),
            kinds=self.allowed("kind", CONCESSION_KINDS) if "kind" in self.option_spec else (),
            approvers=split_list(self.options.get("approver")),
            states=(
                self.allowed("state", self.view.state_values) if "state" in self.option_spec else ()
            ),
            fields=self.field_filters(),
            object_fields=tuple(self.object_fields()),
            field_labels=tuple(
                (name, field.shown_as) for name, field in self.custom_fields().items()
            ),
            columns=self.column_keys(),
            **self.sort_order(),
            **self.placement(),
        )
        placeholder = spec_view("", query=query)
        self.set_source_info(placeholder)
        return [placeholder]

    def object_fields(self) -> dict[str, CustomField]:
        """The custom fields of the view's objects (declared for their directive)."""
        declared: list[CustomField] = list(self.config.spec_fields)
        directive = KINDS[self.view.kind].directive if self.view.kind else ""
        return {field.name: field for field in declared if directive in field.directives}

    def custom_fields(self) -> dict[str, CustomField]:
        """The custom fields it filters by and shows: its objects', then their specs'."""
        declared: list[CustomField] = list(self.config.spec_fields)
        of_specs = {field.name: field for field in declared if SPEC_KIND in field.directives}
        return {**of_specs, **self.object_fields()}

    def field_filters(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """``:<field>: a, b``: each written custom field's values, checked by its type."""
        filters = []
        for name, field in self.custom_fields().items():
            if name in self.options:
                filters.append((name, self.field_filter(field)))
        return tuple(filters)

    def field_filter(self, field: CustomField) -> tuple[str, ...]:
        if field.type == "choice":
            return self.allowed(field.name, field.choices)
        values = split_list(self.options.get(field.name))
        if field.type == "date":
            for value in values:
                if parse_date(value) is None:
                    self.warn_option(
                        f":{field.name}: {value!r} is not a date (expected YYYY-MM-DD)"
                    )
            return tuple(v for v in values if parse_date(v)) or matches_nothing(values)
        return values

    def known_columns(self) -> tuple[str, ...]:
        return (*(column.key for column in self.view.every_column), *self.custom_fields())

    def column_keys(self) -> tuple[str, ...]:
        """``:columns:``: the known keys, in the order written; unknown ones warn."""
        known = self.known_columns()
        written = split_list(self.options.get("columns"))
        for key in written:
            if key.casefold() not in known:
                self.warn_option(
                    f"unknown column {key!r} in :columns: (known: {', '.join(known)}); ignored"
                )
        return tuple(dict.fromkeys(key.casefold() for key in written if key.casefold() in known))

    def sort_order(self) -> dict[str, Any]:
        """``:sort: <column> [asc|desc]``; an unknown column warns and keeps the default order."""
        words = self.text("sort").casefold().split()
        if not words:
            return {}
        known = self.known_columns()
        if words[0] not in known or len(words) > 2:
            self.warn_option(
                f":sort: {self.text('sort')!r} is not a column and an order "
                f"(columns: {', '.join(known)}; orders: asc, desc); using the default order"
            )
            return {}
        if len(words) == 2 and words[1] not in SORT_ORDERS:
            self.warn_option(f":sort: order {words[1]!r} is not asc or desc; sorting ascending")
        return {"sort": words[0], "descending": words[1:] == ["desc"]}

    def spec_ids(self) -> tuple[str, ...]:
        values = split_list(self.options.get("spec"))
        for value in values:
            if value != CURRENT and not is_valid_id(value):
                self.warn_option(f":spec: {value!r} is not a spec id (or 'current')")
        kept = tuple(v for v in values if v == CURRENT or is_valid_id(v))
        return kept or matches_nothing(values)

    def flow_ids(self) -> tuple[str, ...]:
        return self.ids("flow") or matches_nothing(split_list(self.options.get("flow")))

    def status_filter(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``:status:`` as status names and lifecycle roles.

        A view of objects with statuses of their own takes those. A view of
        specs takes the project's status names and the lifecycle roles; a
        value that is a status name means that status, even if it is a role too.
        """
        if self.view.statuses:
            return self.allowed("status", self.view.statuses), ()
        names = tuple(self.config.spec_statuses)
        folded = {name.casefold() for name in names}
        roles = tuple(role for role in SPEC_STATUSES if role not in folded)
        expected = ", ".join(names) + (
            f"; or a lifecycle role: {', '.join(roles)}" if roles else ""
        )
        kept = self.allowed("status", (*names, *roles), expected)
        return tuple(v for v in kept if v not in roles), tuple(v for v in kept if v in roles)

    def allowed(self, name: str, allowed: tuple[str, ...], expected: str = "") -> tuple[str, ...]:
        """The listed values that are allowed; each other one is a ``spec.option`` warning."""
        spelled = {choice.casefold(): choice for choice in allowed}
        values = split_list(self.options.get(name))
        for value in values:
            if value.casefold() not in spelled:
                self.warn_option(
                    f"unknown :{name}: {value!r} "
                    f"(expected one of: {expected or ', '.join(allowed)}); ignored"
                )
        kept = tuple(spelled[v.casefold()] for v in values if v.casefold() in spelled)
        return kept or matches_nothing(values)


def matches_nothing(values: tuple[str, ...]) -> tuple[str, ...]:
    """A filter whose every value was invalid selects nothing, rather than everything."""
    return (NO_MATCH,) if values else ()


def view_directive(view: View, *extra_options: str) -> type[ViewDirective]:
    """A directive class for *view*, with the common filters and its own."""
    return type(
        f"{view.__class__.__name__}Directive",
        (ViewDirective,),
        {"view": view, "option_spec": OptionSpec.of(*COMMON_OPTIONS, *extra_options)},
    )


EXTRA_OPTIONS = {
    "error-paths": ("flow", "state"),
    "spec-goals": ("state",),
    "spec-concessions": ("kind",),
    "spec-approvals": ("approver", "state"),
    "spec-verification": ("state",),
}


def reserved_view_names() -> set[str]:
    """Every view's option names and column keys, which a custom field cannot be called."""
    options = {*COMMON_OPTIONS, *(name for extra in EXTRA_OPTIONS.values() for name in extra)}
    return options | {column.key for view in VIEWS.values() for column in view.every_column}


def setup_view_directives(app: Sphinx) -> None:
    for name, view in VIEWS.items():
        app.add_directive(name, view_directive(view, *EXTRA_OPTIONS.get(name, ())))
