"""The words a record holds are the words its page shows: after substitutions and translation.

A directive drafts its record from the text it was given. Two things change
that text on the page later, while the document is still being read:
docutils' substitutions (``|product|``, Sphinx's ``|version|``), and, with
``language`` set, the translation of the body's paragraphs. :class:`RecordWording`
runs after both and before the records are settled:

- the record's text taken from the body (flow steps, a term's definition,
  any object's text, a spec's summary) is taken again from the body's nodes;
- titles and option values, which the directives show as plain text, have
  their substitution references replaced, on the page and in the record
  alike (reStructuredText documents only: MyST writes substitutions
  differently).

So the sequence diagram, the views, the glossary and ``spec.json`` show what
the page shows.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.nodes import fully_normalize_name
from sphinx import locale
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util.i18n import format_date

from sphinx_spec.model import Flow, Located, Spec
from sphinx_spec.nodes import spec_card_details
from sphinx_spec.records import RECORD, SettleRecords, marked_records

#: A substitution reference in plain text, as docutils recognises one inline.
REFERENCE = re.compile(r"(?<![\w\\|])\|(?=\S)([^|\n]*?\S)\|(?![\w|])")
#: Record fields that say where a record is, not what it says.
PLACE_FIELDS = {field.name for field in dataclasses.fields(Located)}
#: The classes of the nodes a directive writes around its body.
FRAME_CLASSES = {"spec-object-title", "spec-fields", "spec-card-title"}


def one_line(text: str) -> str:
    return " ".join(text.split())


def body_of(node: nodes.Element) -> list[nodes.Node]:
    """The author's body of a directive's block: all but its title line, fields and details."""
    return [
        child
        for child in node.children
        if not isinstance(child, spec_card_details)
        and not (isinstance(child, nodes.Element) and FRAME_CLASSES & set(child["classes"]))
    ]


def body_text(node: nodes.Element) -> str:
    return one_line(" ".join(child.astext() for child in body_of(node)))


def flow_steps(node: nodes.Element) -> list[str] | None:
    for steps in node.findall(nodes.enumerated_list):
        if "spec-flow-steps" in steps["classes"]:
            return [one_line(item.astext()) for item in steps.children]
    return None


class Substitutions:
    """Replaces ``|name|`` by the text the document defines for *name*, as docutils would."""

    def __init__(self, document: nodes.document, values: dict[str, str]) -> None:
        self.document = document
        self.defaults = values

    def value(self, name: str) -> str | None:
        definitions = self.document.substitution_defs
        key = (
            name
            if name in definitions
            else self.document.substitution_names.get(fully_normalize_name(name), "")
        )
        if key in definitions:
            return one_line(definitions[key].astext())
        return self.defaults.get(name)

    def __call__(self, text: str) -> str:
        if "|" not in text:
            return text

        def replace(match: re.Match[str]) -> str:
            value = self.value(match[1])
            return match[0] if value is None else value

        return REFERENCE.sub(replace, text)


def plain_text_nodes(node: nodes.Element) -> list[nodes.Text]:
    """The text nodes the directive wrote from its title and options (not a nested block's)."""
    frame = [
        child
        for child in node.children
        if isinstance(child, nodes.Element) and FRAME_CLASSES & set(child["classes"])
    ]
    return [text for part in frame for text in part.findall(nodes.Text)]


def substituted_record(record: Any, substitute: Callable[[str], str]) -> dict[str, Any]:
    changes = {}
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        if field.name not in PLACE_FIELDS and isinstance(value, str) and "|" in value:
            changes[field.name] = substitute(value)
    return changes


class RecordWording(SphinxTransform):
    """Take each record's words again, after substitutions and translation."""

    # after docutils' Substitutions (220) and Sphinx's Locale (20), before the records settle
    default_priority = SettleRecords.default_priority - 50

    def apply(self, **kwargs: Any) -> None:
        substitute = Substitutions(self.document, self.default_values())
        in_rst = self.is_restructuredtext()
        for node, record in marked_records(self.document):
            changes = substituted_record(record, substitute) if in_rst else {}
            if isinstance(record, Spec):
                changes["summary"] = body_text(node)
            elif hasattr(record, "text"):
                changes["text"] = body_text(node)
            if isinstance(record, Flow):
                steps = flow_steps(node)
                if steps is not None and len(steps) == len(record.steps):
                    changes["steps"] = tuple(steps)
            if in_rst:
                for text in plain_text_nodes(node):
                    if "|" in text and (new := substitute(str(text))) != str(text):
                        text.parent.replace(text, nodes.Text(new))
            if changes:
                node[RECORD] = dataclasses.replace(record, **changes)

    def is_restructuredtext(self) -> bool:
        suffix = Path(self.env.doc2path(self.env.docname)).suffix
        filetype = dict(self.config.source_suffix).get(suffix, "restructuredtext")
        return filetype == "restructuredtext"

    def default_values(self) -> dict[str, str]:
        """Sphinx's own substitutions, which no document defines."""
        config = self.config
        sphinx_default = locale._  # Sphinx's own catalog, as its |today| uses
        today = config.today or format_date(
            config.today_fmt or sphinx_default("%b %d, %Y"), language=config.language
        )
        return {"version": config.version, "release": config.release, "today": today}


def setup_wording(app: Sphinx) -> None:
    app.add_transform(RecordWording)
