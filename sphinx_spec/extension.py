"""Wire every feature module into Sphinx."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

from sphinx_spec.collector import setup_collector
from sphinx_spec.config import setup_config
from sphinx_spec.diagrams import setup_diagrams
from sphinx_spec.directives import setup_directives
from sphinx_spec.domain import setup_domain
from sphinx_spec.latex import setup_latex
from sphinx_spec.links import setup_links
from sphinx_spec.loading import setup_loading
from sphinx_spec.neighbours import setup_neighbours
from sphinx_spec.records import setup_records
from sphinx_spec.styles import setup_styles
from sphinx_spec.terms import setup_terms
from sphinx_spec.transforms import setup_transforms
from sphinx_spec.views import setup_views
from sphinx_spec.wording import setup_wording

#: Bump whenever the stored records change shape, so old pickles are discarded.
ENV_VERSION = 10


def setup_extension(app: Sphinx, version: str) -> ExtensionMetadata:
    app.setup_extension("sphinxcontrib.mermaid")
    app.add_message_catalog("sphinx_spec", str(Path(__file__).parent / "locale"))
    setup_config(app)
    setup_loading(app)
    setup_directives(app)
    setup_records(app)
    setup_wording(app)
    setup_collector(app)
    setup_domain(app)
    setup_terms(app)
    setup_transforms(app)
    setup_links(app)
    setup_latex(app)
    setup_diagrams(app)
    setup_views(app)
    setup_styles(app)
    setup_neighbours(app)  # last: aliases every directive registered above
    return {
        "version": version,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
