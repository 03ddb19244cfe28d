"""What every authoring directive shares: lenient option parsing, validation, layout.

Options are declared ``unchanged`` and checked here, so that a bad value is a
located ``spec.option`` warning and the directive still renders, instead of a
docutils error that drops the whole block. That includes an unknown option
and an option given twice (the last value counts, in reStructuredText as in
MyST).
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils import utils as docutils_utils
from docutils.parsers.rst import directives, states
from sphinx.locale import get_translation
from sphinx.util.docutils import SphinxDirective

from sphinx_spec.model import (
    CustomField,
    FieldValues,
    Located,
    field_text,
    is_valid_id,
    parse_date,
    slugify,
    split_list,
)
from sphinx_spec.report import warn
from sphinx_spec.richtext import parse_rich, shown

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


def lenient_option_parsing() -> None:
    """Let docutils read an option given twice in a sphinx-spec directive (the last counts).

    docutils refuses a repeated option before any directive code runs, and
    drops the whole directive with an error. Its option parser is replaced
    by one that, for an :class:`OptionSpec` only, keeps the last value; every
    other directive is parsed by docutils' own code. The directive warns
    (``spec.option``) when it runs.
    """
    original = states.Body.parse_extension_options
    if getattr(original, "spec_lenient", False):
        return

    def parse_extension_options(
        self: states.Body, option_spec: Any, datalines: Any
    ) -> tuple[int, Any]:
        if not isinstance(option_spec, OptionSpec):
            return original(self, option_spec, datalines)  # type: ignore[no-any-return]
        field_list = nodes.field_list()
        offset, blank_finish = self.nested_list_parse(
            datalines, 0, field_list, initial_state="ExtensionOptions", blank_finish=True
        )
        if offset != len(datalines):  # incomplete parse of block
            return 0, "invalid option block"
        try:
            written = docutils_utils.extract_options(field_list)
        except docutils_utils.ExtensionOptionError as detail:
            return 0, "invalid option data: {}".format(" ".join(detail.args))
        try:
            options = {name: option_spec[name](value) for name, value in written}
        except (ValueError, TypeError) as detail:
            return 0, "invalid option value: {}".format(" ".join(map(str, detail.args)))
        return (1, options) if blank_finish else (0, "option data incompletely parsed")

    parse_extension_options.spec_lenient = True  # type: ignore[attr-defined]
    states.Body.parse_extension_options = parse_extension_options  # type: ignore[method-assign]


#: UTF-16 halves that no UTF-8 file can hold
SURROGATES = re.compile("[\ud800-\udfff]")
#: a line that starts an option: ``:name: value`` (reStructuredText, MyST)
OPTION_LINE = re.compile(r"(\s*):([^:\s][^:]*):(?:\s|$)")
#: a key of a MyST YAML option block (between ``---`` lines)
YAML_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_-]*)\s*:")
#: the first line of a directive: ``.. name::`` or a MyST fence ``{name}``
OPENING_LINE = re.compile(r"\s*(\.\.\s+\S+::|(`{3,}|~{3,}|:{3,})\s*\{)")


def written_options(lines: list[str]) -> list[str]:
    """The option names written in a directive's lines after its opening line, in order.

    Options start at the first ``:name:`` line before the first blank line
    (reStructuredText, MyST), or are the keys of a leading ``---`` block
    (MyST YAML); continuation lines are indented deeper than the options.
    """
    if lines and lines[0].strip() == "---":
        keys: list[str] = []
        for line in lines[1:]:
            if line.strip() == "---":
                return keys
            match = YAML_KEY.match(line)
            keys += [match[1]] if match else []
        return []
    names: list[str] = []
    indent: int | None = None
    for line in lines:
        if not line.strip():
            break
        match = OPTION_LINE.match(line)
        if match and (indent is None or len(match[1]) == indent):
            indent = len(match[1])
            names.append(match[2].lower())
        elif indent is not None and len(line) - len(line.lstrip()) <= indent:
            break
    return names


def source_lines(source: str) -> tuple[str, ...]:
    """The lines of a source file (MyST before 5 gives a directive no text of its options)."""
    try:
        stat = os.stat(source)
    except OSError:
        return ()
    return read_lines(source, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def read_lines(source: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    """Cached by version: a document's directives ask for the same file in turn."""
    try:
        return tuple(Path(source).read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return ()


class SpecDirectiveBase(SphinxDirective):
    """Shared option checks; subclasses build one record and its nodes in ``render``."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = OptionSpec()
    title_required: ClassVar[bool] = True
    #: whether the directive uses its content; one that does not (a view) still accepts
    #: content, so that it warns and renders instead of being dropped by docutils
    has_body: ClassVar[bool] = True

    def run(self) -> list[nodes.Node]:
        #: option (or ``alternatives.<n>``, ``text``) → its value parsed, for values with markup
        self.rich_values: dict[str, list[nodes.Node]] = {}
        self.replace_surrogates()
        if self.title_required and not self.title:
            self.warn_option("needs a title as its argument")
        for name, count in Counter(self.written_options()).items():
            if count > 1 and name in self.options:
                self.warn_option(
                    f"option :{name}: is given {count} times; using the last value "
                    f"{self.text(name)!r}"
                )
        custom = self.custom_fields()
        for name in self.options:
            if name not in self.option_spec and name not in custom:
                known = ", ".join(f":{known}:" for known in [*self.option_spec, *custom])
                self.warn_option(f"unknown option :{name}: (known: {known}); ignored")
        if self.content and not self.has_body:
            self.warn_option("takes no content; the content is ignored")
        return self.render()

    def written_options(self) -> list[str]:
        """The options as written, repeats included (``self.options`` keeps the last of each).

        From the directive's text; MyST before version 5 does not give the
        options' lines, so they are read from the source file.
        """
        if not self.options:
            return []
        lines = self.block_text.splitlines()
        if not lines or not OPENING_LINE.match(lines[0]):
            source, line = self.get_source_info()
            lines = list(source_lines(source)[line - 1 :]) if source and line else []
            if not lines or not OPENING_LINE.match(lines[0]):
                return []
        return written_options(lines[1:])

    def render(self) -> list[nodes.Node]:
        raise NotImplementedError

    def custom_fields(self) -> dict[str, CustomField]:
        """The project's custom fields (``spec_fields``) that this directive takes, by name."""
        declared: list[CustomField] = list(getattr(self.config, "spec_fields", []))
        name = self.name.removeprefix("spec:")  # also under its spec: alias (neighbours)
        return {field.name: field for field in declared if name in field.directives}

    def custom_values(self) -> FieldValues:
        """The custom fields written here, checked like built-in options; empty ones left out."""
        values = []
        for name, field in self.custom_fields().items():
            value = self.custom_value(field) if name in self.options else ""
            if value:
                values.append((name, value))
        return tuple(values)

    def custom_value(self, field: CustomField) -> str | tuple[str, ...]:
        if field.type == "list":
            return split_list(self.options.get(field.name))
        if field.type == "date":
            return self.date(field.name)
        if field.type == "choice":
            return self.choice(field.name, field.choices, "")
        return self.rich(field.name)

    def custom_rows(self, values: FieldValues) -> list[tuple[str, str | nodes.Node]]:
        """Field-list rows of a record's custom fields, labelled with the fields' names; a
        text field shows its inline markup."""
        fields = self.custom_fields()
        return [
            (fields[name].shown_as if name in fields else name, self.shown(name, field_text(value)))
            for name, value in values
        ]

    def rich(self, name: str, value: str | None = None, key: str = "") -> str:
        """Option *name* as written; with inline markup, its parsed nodes are kept under *key*."""
        value = self.text(name) if value is None else value
        parsed = parse_rich(self, name, value)
        if parsed is not None:
            self.rich_values[key or name] = parsed
        return value

    def shown(self, key: str, value: str) -> str | nodes.Node:
        """What the field list shows for *value*: its parsed markup, if any, else the text."""
        parsed = self.rich_values.get(key)
        return shown(parsed, key) if parsed is not None and value else value

    def replace_surrogates(self) -> None:
        """Lone surrogates become U+FFFD, with a warning (MyST reads ``"\\ud83d"`` as one).

        No file can hold them: left in, they stop the build when a page,
        ``spec.json`` or ``objects.inv`` is written.
        """
        written = {name: value for name, value in self.options.items() if isinstance(value, str)}
        bad = [name for name, value in written.items() if SURROGATES.search(value)]
        for name in bad:
            self.options[name] = SURROGATES.sub("\ufffd", written[name])
            self.warn_option(f":{name}: holds lone surrogates; they are shown as \ufffd")
        if self.arguments and SURROGATES.search(self.arguments[0]):
            self.arguments[0] = SURROGATES.sub("\ufffd", self.arguments[0])
            self.warn_option("the title holds lone surrogates; they are shown as \ufffd")

    def placement(self) -> dict[str, Any]:
        """Where the directive is written, for its record: document, source file, line.

        The source file is the included file when the directive comes from an
        ``include``, so that warnings point at the line the author wrote.
        """
        source, line = self.get_source_info()
        where = os.path.abspath(source) if source else ""  # included files are cwd-relative
        # one string per document for all its records: kept (and pickled) once
        return {
            "docname": sys.intern(self.env.docname),
            "source": sys.intern(where),
            "lineno": line or self.lineno,
        }

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
