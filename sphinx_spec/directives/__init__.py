"""Authoring directives, one module per family, registered under the kind table's names."""

from __future__ import annotations

from sphinx.application import Sphinx

from sphinx_spec.directives import diagrams, flows  # noqa: F401 (their classes register)
from sphinx_spec.directives.base import lenient_option_parsing
from sphinx_spec.directives.objects import DIRECTIVE_CLASSES, setup_object_transforms
from sphinx_spec.directives.spec import setup_spec_directive
from sphinx_spec.model import OBJECT_KINDS


def setup_directives(app: Sphinx) -> None:
    lenient_option_parsing()
    setup_spec_directive(app)
    for kind in OBJECT_KINDS:
        app.add_directive(kind.directive, DIRECTIVE_CLASSES[kind.name])
    setup_object_transforms(app)
