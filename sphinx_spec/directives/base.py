"""What every authoring directive shares: lenient option parsing, validation, layout.

Options are declared ``unchanged`` and checked here, so that a bad value is a
located ``spec.option`` warning and the directive still renders, instead of a
docutils error that drops the whole block.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.locale import get_translation
from sphinx.util.docutils import SphinxDirective

from sphinx_spec.model import Located, is_valid_id, parse_date, slugify, split_list
from sphinx_spec.report import warn

_ = get_translation("sphinx_spec")

TRUE_WORDS = ("", "true", "yes", "1", "on")
FALSE_WORDS = ("false", "no", "0", "off")


def text_option(value: str | None) -> str:
    """An option that may be empty or absent (``directives.unchanged``, stripped)."""
    return (value or "").strip()


class OptionSpec(dict[str, Any]):
    """An ``option_spec`` that lets unknown options through to the directive.

    docutils would drop the whole directive over an unknown option; this way
    it becomes a located ``spec.option`` warning and the directive renders.
    """

    def __missing__(self, name: str) -> Any:
        return directives.unchanged

    @classmethod
    def of(cls, *names: str) -> OptionSpec:
        return cls((name, directives.unchanged) for name in names)


class SpecDirectiveBase(SphinxDirective):
    """Shared option checks; subclasses build one record and its nodes in ``render``."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = OptionSpec()
    title_required: ClassVar[bool] = True

    def run(self) -> list[nodes.Node]:
        if self.title_required and not self.title:
            self.warn_option("needs a title as its argument")
        for name in self.options:
            if name not in self.option_spec:
                known = ", ".join(f":{known}:" for known in self.option_spec)
                self.warn_option(f"unknown option :{name}: (known: {known}); ignored")
        return self.render()

    def render(self) -> list[nodes.Node]:
        raise NotImplementedError

    def placement(self) -> dict[str, Any]:
        """Where the directive is written, for its record: document, source file, line.

        The source file is the included file when the directive comes from an
        ``include``, so that warnings point at the line the author wrote.
        """
        source, line = self.get_source_info()
        where = os.path.abspath(source) if source else ""  # included files are cwd-relative
        return {"docname": self.env.docname, "source": where, "lineno": line or self.lineno}

    @property
    def location(self) -> tuple[str, int] | str:
        where = self.placement()
        return Located(**where).location

    @property
    def title(self) -> str:
        return " ".join(self.arguments[0].split()) if self.arguments else ""

    def warn_option(self, message: str) -> None:
        warn(f"{self.name}: {message}", "option", self.location)

    def text(self, name: str) -> str:
        return text_option(self.options.get(name))

    def required(self, name: str) -> str:
        value = self.text(name)
        if not value:
            self.warn_option(f"missing required option :{name}:")
        return value

    def choice(self, name: str, allowed: Sequence[str], default: str) -> str:
        written = self.text(name)
        value = {choice.casefold(): choice for choice in allowed}.get(written.casefold(), written)
        if not value:
            return default
        if value not in allowed:
            self.warn_option(
                f"unknown :{name}: {value!r} (expected one of: {', '.join(allowed)}); "
                f"using {default!r}"
            )
            return default
        return value

    def date(self, name: str) -> str:
        value = self.text(name)
        if value and parse_date(value) is None:
            self.warn_option(f":{name}: {value!r} is not a date (expected YYYY-MM-DD)")
            return ""
        return value

    def flag(self, name: str) -> bool:
        if name not in self.options:
            return False
        value = self.text(name).lower()
        if value in TRUE_WORDS:
            return True
        if value not in FALSE_WORDS:
            self.warn_option(f":{name}: is a flag; {value!r} is not a yes/no value")
        return False

    def ids(self, name: str) -> tuple[str, ...]:
        values = split_list(self.options.get(name))
        for value in values:
            if not is_valid_id(value):
                self.warn_option(f":{name}: {value!r} is not a valid id")
        return tuple(dict.fromkeys(value for value in values if is_valid_id(value)))

    def own_id(self, derived: str | None = None) -> tuple[str, bool]:
        """The ``:id:`` option if valid, else *derived* (default: a slug of the title).

        Returns ``(id, explicit)``; an empty derived id means the collector
        assigns one (error paths are numbered in document order).
        """
        value = self.text("id")
        if value and is_valid_id(value):
            return value, True
        if value:
            self.warn_option(f":id: {value!r} is not a valid id; deriving one")
        return (slugify(self.title) if derived is None else derived), False

    def parse_body(self) -> list[nodes.Node]:
        if not self.content:
            return []
        return list(self.parse_content_to_nodes(allow_section_headings=False))


def plain_text(body: list[nodes.Node]) -> str:
    """The body's text on one line, for exports and comparisons."""
    return " ".join(" ".join(node.astext() for node in body).split())


def object_container(kind: str, *children: nodes.Node) -> nodes.container:
    """The block every object renders as; the collector adds its anchor."""
    container = nodes.container("", *children, classes=["spec-object", f"spec-{kind}"])
    return container


def title_line(label: str, title: str) -> nodes.paragraph:
    """``Approach <id> Title``: the id slot is filled once the id is final."""
    return nodes.paragraph(
        "",
        "",
        nodes.inline(label, label, classes=["spec-label"]),
        nodes.Text(" "),
        nodes.literal("", "", classes=["spec-id"]),
        nodes.Text(" "),
        nodes.strong(title, title, classes=["spec-title"]),
        classes=["spec-object-title"],
    )
