"""The cells a view builds for descriptive values: plain, with markup, lists of alternatives."""

from __future__ import annotations

from factories import obj, spec, store

from sphinx_spec.model import Approach
from sphinx_spec.views.catalog import alternatives_cell, rich_cell, status_badge
from sphinx_spec.views.query import Badge, Link, Parts, Rich, Text

KEP = spec("KEP-1")
REF = ("approach", "polling", 0, "spec")


def test_a_value_without_markup_is_plain_text():
    approach = obj(Approach, KEP, "inhibitor", decision="Use inhibitors")
    assert rich_cell(approach, "decision") == Text("Use inhibitors")


def test_a_value_with_markup_names_its_object_option_and_references():
    approach = obj(Approach, KEP, "inhibitor", rationale="see :spec:approach:`polling`",
                   markup=(("rationale", (REF,)),))  # fmt: skip
    assert rich_cell(approach, "rationale") == Rich(
        "see :spec:approach:`polling`", "approach", "KEP-1.inhibitor", "kep-1", "rationale", (REF,)
    )


def test_alternatives_link_approaches_of_the_same_spec_only():
    other = spec("KEP-2")
    inhibitor = obj(Approach, KEP, "inhibitor", alternatives=("polling", "freezer", "``a``"),
                    markup=(("alternatives.2", ()),))  # fmt: skip
    polling = obj(Approach, KEP, "polling")
    freezer = obj(Approach, other, "freezer")
    index = store((KEP, [inhibitor, polling]), (other, [freezer])).index
    assert alternatives_cell(index, inhibitor) == Parts(
        (
            Link("approach", "KEP-1.polling", "polling"),
            Text("freezer"),
            Rich("``a``", "approach", "KEP-1.inhibitor", "kep-1", "alternatives.2", ()),
        )
    )


def test_rejected_and_deferred_statuses_mark_their_row():
    assert status_badge("rejected") == Badge("rejected", "rejected", True)
    assert status_badge("deferred") == Badge("deferred", "deferred", True)
    assert status_badge("chosen") == Badge("chosen", "chosen", False)
