"""sphinx-spec: design specs as structured, linked, checked Sphinx objects."""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def setup(app: Sphinx) -> ExtensionMetadata:
    from sphinx_spec.extension import setup_extension

    return setup_extension(app, __version__)
