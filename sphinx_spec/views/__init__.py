"""Aggregate directives (the portfolio views), their filters and their tables."""

from __future__ import annotations

from sphinx.application import Sphinx

from sphinx_spec.views.directive import setup_view_directives
from sphinx_spec.views.render import setup_render


def setup_views(app: Sphinx) -> None:
    setup_view_directives(app)
    setup_render(app)
