"""Wire every feature module into Sphinx."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

from sphinx_spec.checks import setup_checks
from sphinx_spec.collect import setup_collect
from sphinx_spec.config import setup_config
from sphinx_spec.diagrams import setup_diagrams
from sphinx_spec.directives import setup_directives
from sphinx_spec.domain import setup_domain
from sphinx_spec.exchange import setup_exchange
from sphinx_spec.federation import setup_federation
from sphinx_spec.freshness import setup_freshness
from sphinx_spec.styles import setup_styles
from sphinx_spec.transforms import setup_transforms
from sphinx_spec.views import setup_views

#: Bump whenever the stored records change shape, so old pickles are discarded.
ENV_VERSION = 2


def setup_extension(app: Sphinx, version: str) -> ExtensionMetadata:
    app.setup_extension("sphinxcontrib.mermaid")
    app.add_message_catalog("sphinx_spec", str(Path(__file__).parent / "locale"))
    setup_config(app)
    setup_directives(app)
    setup_collect(app)
    setup_checks(app)
    setup_domain(app)
    setup_transforms(app)
    setup_diagrams(app)
    setup_views(app)
    setup_freshness(app)
    setup_exchange(app)
    setup_federation(app)
    setup_styles(app)
    return {
        "version": version,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
