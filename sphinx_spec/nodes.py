"""Placeholder nodes, replaced by standard docutils nodes before writing."""

from __future__ import annotations

from docutils import nodes


class spec_card_details(nodes.General, nodes.Element):  # noqa: N801 (docutils naming)
    """Where a spec card's cross-document part goes: reverse links and live counts.

    Holds the :class:`~sphinx_spec.model.Spec` record in ``node["spec"]``; the
    card post-transform replaces it once the whole project has been read.
    """
