"""The ``spec`` directive: the one spec a document describes, rendered as a card."""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx

from sphinx_spec.directives.base import OptionSpec, SpecDirectiveBase, plain_text
from sphinx_spec.links import parse_links
from sphinx_spec.model import Reviewed, Spec, SpecLink, is_valid_id, slugify, split_list
from sphinx_spec.nodes import badge, spec_card_details
from sphinx_spec.records import RECORD
from sphinx_spec.reviews import parse_fingerprint
from sphinx_spec.richtext import RICH_FIELD, references, shown


class SpecDirective(SpecDirectiveBase):
    """Declare the document's spec.

    Emits ``container.spec-card[paragraph(title, id, status badge),
    spec_card_details, *body]``; the collector gives the card its anchor and
    the card post-transform fills in the reverse links and counts.
    """

    option_spec: ClassVar[dict[str, Any]] = OptionSpec.of(
        "id", "status", "owners", "stakeholders", "tags",
        "created", "updated", "supersedes", "depends-on", "links", "approvers", "reviewed",
    )  # fmt: skip

    def render(self) -> list[nodes.Node]:
        record = self.make_record(self.parse_body())
        card = nodes.container(
            "",
            self.header(record),
            spec_card_details("", *self.rich_fields(), spec=record),
            *self.body_nodes,
            classes=["spec-card", *status_classes(record)],
        )
        self.set_source_info(card)
        card[RECORD] = record
        return [card]

    def make_record(self, body: list[nodes.Node]) -> Spec:
        self.body_nodes = body
        spec_id = self.required("id")
        if spec_id and not is_valid_id(spec_id):
            self.warn_option(f":id: {spec_id!r} is not a valid id")
            spec_id = ""
        status = self.status()
        return Spec(
            id=spec_id,
            title=self.title or spec_id,  # without a title, links and views show the id
            status=status,
            status_role=self.config.spec_statuses.get(status, ""),
            owners=split_list(self.options.get("owners")),
            stakeholders=split_list(self.options.get("stakeholders")),
            tags=split_list(self.options.get("tags")),
            created=self.date("created"),
            updated=self.date("updated"),
            supersedes=self.ids("supersedes"),
            depends_on=self.ids("depends-on"),
            summary=plain_text(body),
            fields=self.custom_values(),
            links=self.links(),
            approvers=tuple(dict.fromkeys(split_list(self.options.get("approvers")))),
            reviewed=self.reviewed(),
            markup=tuple((key, references(value)) for key, value in self.rich_values.items()),
            **self.placement(),
        )

    def rich_fields(self) -> list[nodes.Node]:
        """The text custom fields written with markup, parsed; the card shows them."""
        rendered = []
        for key, parsed in self.rich_values.items():
            node = shown(parsed, key)
            node[RICH_FIELD] = key
            rendered.append(node)
        return rendered

    def links(self) -> tuple[SpecLink, ...]:
        """``:links:`` entries; a URL that is not http(s), mailto or relative warns."""
        links, problems = parse_links(self.options.get("links") or "")
        for problem in problems:
            self.warn_option(f":links: {problem}")
        return tuple(links)

    def reviewed(self) -> tuple[Reviewed, ...]:
        """``:reviewed:``: per linked spec, its fingerprint as reviewed (``sphinx-spec review``)."""
        entries = []
        for entry in split_list(self.options.get("reviewed")):
            target, _sep, recorded = entry.partition(" ")
            if not is_valid_id(target) or parse_fingerprint(recorded) is None:
                self.warn_option(
                    f":reviewed: {entry[:60]!r} is not a spec id and the fingerprint "
                    "`sphinx-spec review` writes; ignored"
                )
                continue
            entries.append(Reviewed(target, " ".join(recorded.split())))
        return tuple(entries)

    def status(self) -> str:
        """The ``:status:`` written, spelled as in ``spec_statuses``; an unknown one warns."""
        statuses = list(self.config.spec_statuses)
        written = self.text("status")
        value = {name.casefold(): name for name in statuses}.get(written.casefold(), written)
        if value and value not in statuses:
            default = self.default_status()
            self.warn_option(
                f"unknown :status: {value!r} (not in spec_statuses: {', '.join(statuses)}); "
                f"using {default!r}"
            )
            return default
        return value or self.default_status()

    def default_status(self) -> str:
        statuses = list(self.config.spec_statuses)
        return "draft" if "draft" in statuses or not statuses else statuses[0]

    def header(self, record: Spec) -> nodes.paragraph:
        header = nodes.paragraph("", "", classes=["spec-card-title"])
        if self.title:
            header += [nodes.strong(record.title, record.title, classes=["spec-title"])]
            header += nodes.Text(" ")
        if record.id:
            header += [nodes.literal(record.id, record.id, classes=["spec-id"]), nodes.Text(" ")]
        header += status_badge(record)
        return header


def status_classes(record: Spec) -> list[str]:
    """``spec-status-<name>``, and ``spec-role-<role>`` for a status with a lifecycle role."""
    role = [f"spec-role-{record.status_role}"] if record.status_role else []
    return [f"spec-status-{slugify(record.status)}", *role]


def status_badge(record: Spec) -> nodes.inline:
    return badge(record.status, *status_classes(record))


def setup_spec_directive(app: Sphinx) -> None:
    app.add_directive("spec", SpecDirective)
