"""LaTeX only: each spec object starts its own paragraph, and the card's fields are a table.

Sphinx's LaTeX writer renders a ``container`` as nothing, and the anchor a
record's container starts with (``\\phantomsection\\label{…}``) as text with
no paragraph break. So an object's header would run on from the previous
object's last sentence; a ``\\par`` before each object's and card's container ends that
sentence's paragraph first. The card's fields, a description list in LaTeX
that can fill a page, become a two-column table (field, value) instead.
Other builders never see these changes.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

#: the classes of the containers a spec and its objects render as (stripped outside HTML at 900)
RECORD_CLASSES = frozenset({"spec-card", "spec-object"})
#: the widths, in per cent, of the card table's field-name and value columns
CARD_COLUMN_WIDTHS = (28, 72)
#: a word this long may not fit a view's narrow column: a path, a unit name, an option
LONG_WORD = re.compile(r"\S{16,}")
#: where such a word may break: after a separator it contains (``/etc/systemd/``, ``a=b``)
BREAK_POINT = re.compile(r"(?<=[/\\._=:;,&?#+-])(?=\w)")
#: nodes whose text LaTeX writes verbatim or breaks by itself
KEEP_WHOLE = (nodes.literal, nodes.raw, nodes.literal_block, nodes.FixedTextElement)


def paragraph_break() -> nodes.raw:
    return nodes.raw("", "\\par", format="latex")


def is_in_table(node: nodes.Node) -> bool:
    """Whether *node* is inside a table: LaTeX cannot nest a table in every kind of table."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.table):
            return True
        parent = parent.parent
    return False


def card_fields(card: nodes.Element) -> nodes.field_list | None:
    """The field list the card transform rendered, not one the spec's own text holds."""
    for child in card.children:
        if isinstance(child, nodes.field_list) and "spec-fields" in child["classes"]:
            return child
    return None


def field_row(field: nodes.Element) -> nodes.row:
    """One field as a row: its name in bold, its value (links included) as it was."""
    name, body = field.children
    label = nodes.paragraph("", "", nodes.strong(name.astext(), name.astext()))
    return nodes.row("", nodes.entry("", label), nodes.entry("", *body.children))


def field_table(field_list: nodes.field_list) -> nodes.table:
    """A field list as a two-column table with fixed widths (``tabular``, not a long table)."""
    group = nodes.tgroup(cols=2)
    group += [nodes.colspec(colwidth=width) for width in CARD_COLUMN_WIDTHS]
    group += nodes.tbody("", *(field_row(field) for field in field_list.children))
    return nodes.table("", group, classes=["colwidths-given", "spec-card-fields"])


def break_points(text: str) -> list[str]:
    """*text* cut where its long words may break (``["/etc/", "systemd/", "kubelet.conf"]``)."""
    pieces: list[str] = []
    start = 0
    for word in LONG_WORD.finditer(text):
        for point in BREAK_POINT.finditer(text, word.start(), word.end()):
            pieces.append(text[start : point.start()])
            start = point.start()
    pieces.append(text[start:])
    return pieces


class BreakLongWordsInViews(SphinxPostTransform):
    """Let long words (paths, identifiers with separators) in a view's cells break after
    their separators, so that they wrap in a narrow column instead of running over the next.

    Priority 800: after the views are rendered (5); before the ``spec-*`` classes that mark
    them are stripped (900).
    """

    default_priority = 800
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for table in list(self.document.findall(nodes.table)):
            if not any(name.startswith("spec-view") for name in table["classes"]):
                continue
            for text in list(table.findall(nodes.Text)):
                if any(isinstance(parent, KEEP_WHOLE) for parent in ancestors(text)):
                    continue
                pieces = break_points(str(text))
                if len(pieces) > 1:
                    replacement: list[nodes.Node] = [nodes.Text(pieces[0])]
                    for piece in pieces[1:]:
                        replacement += [nodes.raw("", "\\allowbreak{}", format="latex")]
                        replacement += [nodes.Text(piece)]
                    parent = text.parent
                    assert parent is not None
                    index = parent.index(text)
                    parent[index : index + 1] = replacement


def ancestors(node: nodes.Node) -> list[nodes.Node]:
    found = []
    parent = node.parent
    while parent is not None:
        found.append(parent)
        parent = parent.parent
    return found


class SeparateSpecObjects(SphinxPostTransform):
    """Start each card's and object's container (flows, diagrams, … too) with a paragraph break.

    Priority 800: before the ``spec-*`` classes that say which containers are stripped (900).
    """

    default_priority = 800
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(nodes.container)):
            if RECORD_CLASSES.intersection(node["classes"]):
                node.insert(0, paragraph_break())


class CompactSpecCards(SphinxPostTransform):
    """Turn each card's field list into a two-column table, except inside a table.

    Priority 800: after the card transform (5) filled the fields and Sphinx
    resolved their references (10); before the ``spec-*`` classes are stripped (900).
    """

    default_priority = 800
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for card in list(self.document.findall(nodes.container)):
            if "spec-card" not in card["classes"] or is_in_table(card):
                continue
            field_list = card_fields(card)
            if field_list is not None:
                field_list.replace_self(field_table(field_list))


def setup_latex(app: Sphinx) -> None:
    app.add_post_transform(SeparateSpecObjects)
    app.add_post_transform(CompactSpecCards)
    app.add_post_transform(BreakLongWordsInViews)
