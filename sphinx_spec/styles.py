"""CSS and JS for HTML builders, added only to pages that need them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config

STATIC_DIR = Path(__file__).parent / "static"
CSS_FILE = "sphinx-spec.css"
GRAPH_JS_FILE = "sphinx-spec-graph.js"
SPEC_CLASSES = {"spec-card", "spec-object", "spec-view-block"}


def add_static_path(app: Sphinx, config: Config) -> None:
    """Serve ``sphinx-spec.css``; done at ``config-inited`` so that the value Sphinx
    pickles equals the one it reads next time (no false "configuration changed")."""
    if str(STATIC_DIR) not in config.html_static_path:
        config.html_static_path = [*config.html_static_path, str(STATIC_DIR)]
    export = config.spec_json_file  # written after the e-book is packed: not part of it
    if export not in config.epub_exclude_files:
        config.epub_exclude_files = [*config.epub_exclude_files, export]


def container_classes(doctree: nodes.document) -> set[str]:
    return {name for node in doctree.findall(nodes.container) for name in node["classes"]}


def add_css_to_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if doctree is None:
        return
    classes = container_classes(doctree)
    if SPEC_CLASSES & classes:
        app.add_css_file(CSS_FILE)
    if "spec-graph" in classes:
        app.add_js_file(GRAPH_JS_FILE)


def setup_styles(app: Sphinx) -> None:
    app.connect("config-inited", add_static_path)
    app.connect("html-page-context", add_css_to_page)
