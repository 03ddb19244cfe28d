"""CSS and JS for HTML builders, added only to pages that need them."""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config

STATIC_DIR = Path(__file__).parent / "static"
CSS_FILE = "sphinx-spec.css"
GRAPH_JS_FILE = "sphinx-spec-graph.js"
#: dark pages' diagram styles, as sphinxcontrib-mermaid draws dark (2.x) or light (1.x) there
MERMAID_DARK_CSS_FILE = "sphinx-spec-mermaid-dark.css"
MERMAID_LIGHT_CSS_FILE = "sphinx-spec-mermaid-light.css"
SPEC_CLASSES = {"spec-card", "spec-object", "spec-view-block"}
DIAGRAM_CLASSES = {"spec-diagram", "spec-flow", "spec-graph"}


def add_static_path(app: Sphinx, config: Config) -> None:
    """Serve ``sphinx-spec.css``; done at ``config-inited`` so that the value Sphinx
    pickles equals the one it reads next time (no false "configuration changed")."""
    if str(STATIC_DIR) not in config.html_static_path:
        config.html_static_path = [*config.html_static_path, str(STATIC_DIR)]
    export = config.spec_json_file  # written after the e-book is packed: not part of it
    if export not in config.epub_exclude_files:
        config.epub_exclude_files = [*config.epub_exclude_files, export]


#: sphinxcontrib-mermaid's settings that point pages at a Mermaid (or d3) served with the site
LOCAL_BUNDLE_SETTINGS = ("mermaid_use_local", "d3_use_local")


def bundle_folder(value: object) -> str | None:
    """The folder inside ``_static`` that a ``mermaid_use_local`` path loads from: ``mermaid``
    for ``/_static/mermaid/mermaid.esm.min.mjs`` or ``mermaid/mermaid.esm.min.mjs``, ``""``
    for a module at the top of ``_static``; None for a URL or no value."""
    if not isinstance(value, str) or not value or urlsplit(value).scheme:
        return None
    parts = [part for part in posixpath.normpath(value).split("/") if part not in ("", ".", "..")]
    if parts[:1] == ["_static"]:
        parts = parts[1:]
    return "/".join(parts[:-1])


def bundle_files(confdir: str | Path, config: Config) -> list[str]:
    """Files of a Mermaid bundle served from ``html_static_path``, as output paths.

    The README's "Mermaid offline" recipe copies Mermaid into ``_static/mermaid/``; the
    e-book draws diagrams as source (no script runs there), and its builder would pack
    the bundle and warn "unknown mimetype" for each module and source map in it.
    """
    values = [getattr(config, name, None) for name in LOCAL_BUNDLE_SETTINGS]
    found: list[str] = []
    for folder in sorted({name for name in map(bundle_folder, values) if name is not None}):
        if not folder:  # modules at the top of _static, importing ./chunks/
            found += [
                f"_static/{posixpath.basename(str(value))}"
                for value in values
                if bundle_folder(value) == ""
            ]
            folder = "chunks"
        for entry in config.html_static_path:
            try:
                root = Path(confdir, entry, folder)
                if root.is_dir():
                    found += sorted(
                        posixpath.join("_static", folder, path.relative_to(root).as_posix())
                        for path in root.rglob("*")
                        if path.is_file()
                    )
            except (OSError, TypeError, ValueError):  # validated by Sphinx, which warns
                continue
    return found


def keep_bundle_out_of_ebook(app: Sphinx, config: Config) -> None:
    """Leave a Mermaid bundle served with the site out of the e-book."""
    excluded = set(config.epub_exclude_files)
    extra = [name for name in bundle_files(app.confdir, config) if name not in excluded]
    if extra:
        config.epub_exclude_files = [*config.epub_exclude_files, *extra]


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
    if DIAGRAM_CLASSES & classes:
        dark = draws_dark(app.config)
        app.add_css_file(MERMAID_DARK_CSS_FILE if dark else MERMAID_LIGHT_CSS_FILE)


def draws_dark(config: Config) -> bool:
    """Whether sphinxcontrib-mermaid draws in a dark Mermaid theme on dark pages (2.x does,
    with ``mermaid_dark_theme``; 1.x has no such setting and draws light everywhere)."""
    try:
        return bool(config.mermaid_dark_theme)
    except AttributeError:
        return False


def setup_styles(app: Sphinx) -> None:
    app.connect("config-inited", add_static_path)
    app.connect("config-inited", keep_bundle_out_of_ebook)
    app.connect("html-page-context", add_css_to_page)
