"""Which builder is writing: the one fact post-transforms need about it, and the builder."""

from __future__ import annotations

from typing import NamedTuple

from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment


class BuilderKind(NamedTuple):
    name: str
    format: str

    @property
    def is_html(self) -> bool:
        return self.format == "html"


def current_builder(env: BuildEnvironment) -> BuilderKind:
    """The current builder's name and format (``env._builder_cls`` from Sphinx 8.2 on)."""
    builder = getattr(env, "_builder_cls", None) or env.app.builder
    return BuilderKind(builder.name, builder.format)


def builder_of(env: BuildEnvironment) -> Builder:
    """The builder itself, for making references as it writes them."""
    app = getattr(env, "_app", None) or env.app
    return app.builder  # type: ignore[no-any-return]
