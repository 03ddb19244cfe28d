"""CSS for HTML builders, added only to pages that show spec objects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config

STATIC_DIR = Path(__file__).parent / "static"
CSS_FILE = "sphinx-spec.css"
SPEC_CLASSES = {"spec-card", "spec-object", "spec-view-block"}


def add_static_path(app: Sphinx, config: Config) -> None:
    """Serve ``sphinx-spec.css``; done at ``config-inited`` so that the value Sphinx
    pickles equals the one it reads next time (no false "configuration changed")."""
    if str(STATIC_DIR) not in config.html_static_path:
        config.html_static_path.append(str(STATIC_DIR))


def has_spec_nodes(doctree: nodes.document) -> bool:
    return any(
        SPEC_CLASSES.intersection(node["classes"]) for node in doctree.findall(nodes.container)
    )


def add_css_to_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if doctree is not None and has_spec_nodes(doctree):
        app.add_css_file(CSS_FILE)


def setup_styles(app: Sphinx) -> None:
    app.connect("config-inited", add_static_path)
    app.connect("html-page-context", add_css_to_page)
