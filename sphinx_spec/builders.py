"""Which builder is writing: the one fact post-transforms need about it."""

from __future__ import annotations

from typing import NamedTuple

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
