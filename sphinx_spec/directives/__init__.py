"""Authoring directives, one module per family."""

from __future__ import annotations

from sphinx.application import Sphinx

from sphinx_spec.directives.diagrams import setup_diagram_directive
from sphinx_spec.directives.flows import setup_flow_directives
from sphinx_spec.directives.objects import setup_object_directives
from sphinx_spec.directives.spec import setup_spec_directive


def setup_directives(app: Sphinx) -> None:
    setup_spec_directive(app)
    setup_object_directives(app)
    setup_flow_directives(app)
    setup_diagram_directive(app)
