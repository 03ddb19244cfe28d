"""Post-transforms: the spec card's placeholder → standard docutils nodes.

They run per page at write time, after the whole project has been read, so
the card can show cross-document data, and every builder receives only nodes
it knows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.locale import get_translation
from sphinx.transforms.post_transforms import SphinxPostTransform

from sphinx_spec.builders import current_builder
from sphinx_spec.directives.objects import state_badge, suspect_badge
from sphinx_spec.index import ProjectIndex
from sphinx_spec.links import Patterns, links_row, patterns_of
from sphinx_spec.model import Diagram, ErrorPath, Goal, Spec, SpecObject, field_text
from sphinx_spec.nodes import (
    badge,
    code_spans,
    comma_separated,
    fields,
    spec_card_details,
    spec_xref,
)
from sphinx_spec.reviews import ApproverState, summary
from sphinx_spec.richtext import RICH_FIELD
from sphinx_spec.store import store_of
from sphinx_spec.views.catalog import stale_phrase, verification_cell
from sphinx_spec.views.query import Verification
from sphinx_spec.views.render import drop_tooltips, verification_nodes

_ = get_translation("sphinx_spec")

#: what :meth:`RenderSpecCards.marked_blocks` finds for a block
Marked = TypeVar("Marked")


def spec_links(ids: list[str] | tuple[str, ...], docname: str) -> nodes.inline | None:
    """Comma-separated links to specs, shown by id."""
    return comma_separated(
        [spec_xref("spec", spec_id, docname, spec_id, explicit=True) for spec_id in ids]
    )


def diagram_links(index: ProjectIndex, spec: Spec, docname: str) -> nodes.inline | None:
    """The spec's diagrams by title, each linking to its caption and anchor."""
    diagrams = index.objects_of(spec.id, Diagram.kind)
    return comma_separated(
        [
            spec_xref("diagram", diagram.full_id, docname, diagram.title, explicit=True)
            for diagram in diagrams
        ]
    )


def questions_summary(index: ProjectIndex, spec: Spec) -> str:
    counts = index.counts_for(spec.id)
    text = str(_("%(open)d open of %(total)d")) % {
        "open": counts.questions_open,
        "total": counts.questions,
    }
    if counts.questions_blocking:
        text += str(_(", %(blocking)d blocking")) % {"blocking": counts.questions_blocking}
    return text


def verification_summary(index: ProjectIndex, spec: Spec) -> str:
    """``error paths verified 3 of 5 (1 failing); goals verified 1 of 2``: only when the
    project lists test reports, for the kinds the spec has."""
    if not index.verifying:
        return ""
    parts = []
    for kind, words in (
        (ErrorPath.kind, _("error paths verified %(passed)d of %(total)d")),
        (Goal.kind, _("goals verified %(passed)d of %(total)d")),
    ):
        counted = index.verification_count(spec.id, kind)
        if not counted.total:
            continue
        text = str(words) % {"passed": counted.passed, "total": counted.total}
        if counted.failing:
            text += " (" + str(_("%(failing)d failing")) % {"failing": counted.failing} + ")"
        parts.append(text)
    return "; ".join(parts)


def verification_states(
    index: ProjectIndex, objects: Iterable[SpecObject]
) -> dict[str, Verification]:
    """The verification cell of each object that has a state, by its anchor."""
    states = {}
    for obj in objects:
        cell = verification_cell(index.verification(obj)) if obj.anchor else None
        if isinstance(cell, Verification):
            states[obj.anchor] = cell
    return states


def documents_of(document: nodes.document, docname: str) -> dict[int, str]:
    """The document each target comes from, by ``id()``: in a document that holds others
    (single HTML, LaTeX), the innermost ``start_of_file`` that encloses it, else *docname*.

    (A ``start_of_file``'s children keep their old parent, so this walks down, not up.)
    """
    found = {id(target): docname for target in document.findall(nodes.target)}
    for included in document.findall(addnodes.start_of_file):
        for target in included.findall(nodes.target):
            found[id(target)] = str(included["docname"])
    return found


def separated(entries: list[list[nodes.Node]]) -> nodes.inline | None:
    """*entries* in one inline, separated by semicolons; ``None`` when there are none."""
    if not entries:
        return None
    joined = nodes.inline()
    for n, entry in enumerate(entries):
        joined += [nodes.Text("; ")] if n else []
        joined += entry
    return joined


def approvers_row(index: ProjectIndex, spec: Spec, docname: str) -> nodes.inline | None:
    """Each approver with a state badge, linking to their approval; a stale one says why."""
    entries = []
    for state in index.approver_states(spec.id):
        approval = state.approval
        name: nodes.Node = (
            spec_xref(approval.kind, approval.full_id, docname, state.approver, explicit=True)
            if approval is not None and approval.anchor
            else nodes.Text(state.approver)
        )
        entry = [name, nodes.Text(" "), state_badge(state.state)]
        if state.state == "stale":
            entry += [nodes.Text(" ("), *code_spans(stale_phrase(state)), nodes.Text(")")]
        entries.append(entry)
    return separated(entries)


def reviews_row(index: ProjectIndex, spec: Spec, docname: str) -> nodes.inline | None:
    """Each link whose target changed since it was reviewed, and each link never reviewed."""
    entries = []
    for link in index.link_reviews(spec.id):
        if link.state == "reviewed":
            continue
        target = spec_xref("spec", link.target, docname, link.target, explicit=True)
        if link.state == "suspect":
            marker = suspect_badge()
            changed = code_spans(summary(link.changed))
            entries.append([target, nodes.Text(" "), marker, nodes.Text(": "), *changed])
        else:
            marker = badge(str(_("not yet reviewed")), "spec-review-unreviewed")
            entries.append([target, nodes.Text(" "), marker])
    return separated(entries)


def card_fields(
    spec: Spec,
    index: ProjectIndex,
    docname: str,
    patterns: Patterns = (),
    rich: dict[str, nodes.Node] | None = None,
    labels: dict[str, str] | None = None,
) -> list[nodes.field_list]:
    """The card's fields: metadata, links both ways, outside links, live counts; *rich* holds
    the text custom fields written with inline markup, parsed."""
    rich, labels = rich or {}, labels or {}
    relations = index.relations
    counts = index.counts_for(spec.id)
    return fields(
        [
            (str(_("Owners")), ", ".join(spec.owners)),
            (str(_("Stakeholders")), ", ".join(spec.stakeholders)),
            (str(_("Tags")), ", ".join(spec.tags)),
            (str(_("Created")), spec.created),
            (str(_("Updated")), spec.updated),
            *(
                (labels.get(name, name), rich.get(name) or field_text(value))
                for name, value in spec.fields
            ),
            (str(_("Supersedes")), spec_links(spec.supersedes, docname)),
            (
                str(_("Superseded by")),
                spec_links(relations.superseded_by.get(spec.id, []), docname),
            ),
            (str(_("Depends on")), spec_links(spec.depends_on, docname)),
            (
                str(_("Depended on by")),
                spec_links(relations.depended_on_by.get(spec.id, []), docname),
            ),
            (str(_("Links")), links_row(spec.links, index, patterns, docname)),
            (str(_("Approaches")), str(counts.approaches)),
            (str(_("Error paths")), str(counts.error_paths)),
            (str(_("Verification")), verification_summary(index, spec)),
            (str(_("Open questions")), questions_summary(index, spec)),
            (str(_("Terms")), str(counts.terms)),
            (str(_("Diagrams")), diagram_links(index, spec, docname)),
            (str(_("Approvers")), approvers_row(index, spec, docname)),
            (str(_("Link reviews")), reviews_row(index, spec, docname)),
        ]
    )


def superseded_banner(superseders: list[str], docname: str) -> nodes.admonition:
    title = str(_("Superseded"))
    text = nodes.paragraph("", str(_("This spec is superseded by ")))
    text += spec_links(superseders, docname) or nodes.Text("")
    text += nodes.Text(".")
    return nodes.admonition("", nodes.title(title, title), text, classes=["spec-superseded"])


class RenderSpecCards(SphinxPostTransform):
    """Replace each ``spec_card_details`` with the banner, links and counts.

    Priority 5: the ``pending_xref`` nodes it adds are resolved by Sphinx's
    own resolver at priority 10.
    """

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        index = store_of(self.env).index
        for details in list(self.document.findall(spec_card_details)):
            spec: Spec = details["spec"]
            registered = index.specs.get(spec.id)
            live = (
                registered is not None and registered.docname == spec.docname and bool(spec.anchor)
            )
            rendered: list[nodes.Node] = []
            superseders = index.relations.superseded_by.get(spec.id, []) if live else []
            if superseders:
                rendered.append(superseded_banner(superseders, spec.docname))
            rendered += card_fields(
                spec,
                index if live else ProjectIndex({}, {}),
                spec.docname,
                patterns_of(self.config),
                {child[RICH_FIELD]: child for child in details.children if RICH_FIELD in child},
                {field.name: field.shown_as for field in self.config.spec_fields},
            )
            details.replace_self(rendered)
        self.mark_stale_approvals(index)
        self.mark_verification(index)

    def mark_verification(self, index: ProjectIndex) -> None:
        """Each error path and goal (and any object a test names) on this page gets its
        verification state after its title, with its tests named, when reports are listed.

        A document that holds others (single HTML, LaTeX) marks each one's objects.
        """
        if not index.verifying:
            return
        store = store_of(self.env)

        def states(docname: str) -> dict[str, Verification]:
            return verification_states(index, store.objects.get(docname, ()))

        for found, _block, title in self.marked_blocks(states):
            marker = nodes.inline("", "", classes=["spec-verification"])
            marker += verification_nodes(found)
            title += [nodes.Text(" "), marker]
        if not current_builder(self.env).is_html:
            drop_tooltips(self.document)

    def mark_stale_approvals(self, index: ProjectIndex) -> None:
        """A verdict on an earlier version says so where it is written, and what changed."""
        for found, block, title in self.marked_blocks(lambda doc: stale_approvals(index, doc)):
            title += [nodes.Text(" "), state_badge("stale")]
            note = nodes.paragraph("", str(_("A verdict on an earlier version; since then ")))
            note += [*code_spans(summary(found.changed)), nodes.Text(".")]
            note["classes"].append("spec-approval-earlier")
            block.insert(block.index(title) + 1, note)

    def marked_blocks(
        self, lookup: Callable[[str], dict[str, Marked]]
    ) -> Iterator[tuple[Marked, nodes.Element, nodes.paragraph]]:
        """Each object block whose anchor *lookup* knows, once: what it knows, the block and
        its title. *lookup* is asked per document: a page that holds others (single HTML,
        LaTeX) asks for each one's objects."""
        known: dict[str, dict[str, Marked]] = {}
        documents = documents_of(self.document, self.env.docname)
        for target in list(self.document.findall(nodes.target)):
            docname = documents[id(target)]
            if docname not in known:
                known[docname] = dict(lookup(docname))
            shown = known[docname]
            found = next((shown.pop(i) for i in target["ids"] if i in shown), None)
            block = target.parent
            if found is None or not isinstance(block, nodes.Element):
                continue
            title = next(iter(block.findall(nodes.paragraph)), None)
            if title is not None:
                yield found, block, title


def stale_approvals(index: ProjectIndex, docname: str) -> dict[str, ApproverState]:
    """The stale approvals written in *docname*, by anchor."""
    spec = index.spec_of_doc.get(docname)
    if spec is None:
        return {}
    return {
        state.approval.anchor: state
        for state in index.approver_states(spec.id)
        if state.state == "stale" and state.approval and state.approval.docname == docname
    }


class StripSpecClasses(SphinxPostTransform):
    """Outside HTML, drop the ``spec-*`` classes: they only serve the stylesheet."""

    default_priority = 900

    def run(self, **kwargs: Any) -> None:
        if current_builder(self.env).is_html:
            return
        for node in self.document.findall(nodes.Element):
            if any(name.startswith("spec-") for name in node.get("classes", ())):
                node["classes"] = [c for c in node["classes"] if not c.startswith("spec-")]


def setup_transforms(app: Sphinx) -> None:
    app.add_post_transform(RenderSpecCards)
    app.add_post_transform(StripSpecClasses)
