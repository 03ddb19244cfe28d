"""Descriptive option values as inline markup, in the document's own language.

A directive parses an option value with :func:`parse_rich` (reStructuredText
in ``.rst``, MyST in ``.md``): literals, emphasis, links and roles render in
the object's field list. The record keeps the value as written (``spec.json``,
comparisons) and, for a value with markup only, the references it makes
(``SpecObject.markup``); the parsed nodes are filed per document in the store
(:class:`~sphinx_spec.store.SpecStore`, ``rich``), and a view on another page
shows a copy of them (:func:`view_copy`) whose references Sphinx resolves
from the view's page.

Raw markup never passes: a ``raw`` node (a declared ``raw`` role, MyST inline
HTML) becomes its text, escaped by the writer.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from sphinx_spec.index import ProjectIndex
from sphinx_spec.model import SPEC_KIND, SpecObject
from sphinx_spec.report import warn

#: the attribute of the inline that shows a parsed value in the object's field list: its key
RICH_KEY = "spec_rich_key"
#: the attribute that names the text custom field a spec card shows parsed
RICH_FIELD = "spec_rich_field"
#: a reference a value makes: ``(role kind, target, flow step or 0, domain)``, as
#: :class:`~sphinx_spec.store.Reference`
RichRef = tuple[str, str, int, str]

#: characters without which a value cannot hold inline markup (reStructuredText or MyST):
#: values with none of them keep the plain fast path and no nodes are stored
MARKUP_HINT = re.compile(r"[`*_|\[\]<>{}\\&:@]|://|www\.")
#: the reporter level above every message: parse problems are reported once, as spec.option
SILENT = 5
#: docutils' level of a warning: infos ("No role entry for …") are no problem
WARNING_LEVEL = 2


def parse_rich(directive: SphinxDirective, name: str, value: str) -> list[nodes.Node] | None:
    """*value* of option *name* as inline nodes, or ``None`` when it holds no markup.

    Also for custom fields: any directive may call it on a text value. A value
    that cannot be parsed (unknown role, unbalanced markup) is a located
    ``spec.option`` warning at the directive and shows as written.
    """
    if not value or not MARKUP_HINT.search(value):
        return None
    reporter = directive.state.document.reporter
    level = reporter.report_level
    reporter.report_level = SILENT
    try:
        parsed, messages = directive.parse_inline(value, lineno=directive.lineno)
    except Exception as exc:  # a role that raises must not stop the build
        messages, parsed = [nodes.system_message(str(exc))], []
    finally:
        reporter.report_level = level
    messages = [
        message
        for message in [*messages, *found(parsed, nodes.system_message)]
        if message.get("level", 2) >= WARNING_LEVEL
    ]
    problems = messages or found(parsed, nodes.problematic)
    if problems:
        why = "; ".join(dict.fromkeys(problem_text(problem) for problem in problems))
        source, line = directive.get_source_info()
        where = f"{source}:{line}" if source else (directive.env.docname, directive.lineno)
        warn(
            f"{directive.name}: :{name}: has inline markup that cannot be read ({why}); "
            "shown as written",
            "option",
            where,
        )
        return None
    parsed = [neutralised(node) for node in parsed]
    if all(isinstance(node, nodes.Text) for node in parsed) and (
        "".join(map(str, parsed)) == value
    ):
        return None
    return parsed


def problem_text(problem: nodes.Node) -> str:
    if isinstance(problem, nodes.system_message):
        paragraph = next(iter(problem.findall(nodes.paragraph)), None)
        text = (paragraph or problem).astext()
    else:
        text = f"cannot read {problem.astext()!r}"
    return " ".join(text.split())[:200]


def found(parsed: Iterable[nodes.Node], kinds: Any) -> list[nodes.Node]:
    """The nodes of *kinds* (a class or a tuple of classes) in *parsed*, tops included."""
    return [node for top in parsed for node in top.findall(lambda node: isinstance(node, kinds))]


def neutralised(node: nodes.Node) -> nodes.Node:
    """*node* with every ``raw`` node in it replaced by its text (escaped when written)."""
    if isinstance(node, nodes.raw):
        return nodes.Text(node.astext())
    if isinstance(node, nodes.Element):
        for raw in list(node.findall(nodes.raw)):
            raw.replace_self(nodes.Text(raw.astext()))
    return node


def inline_of(body: Sequence[nodes.Node]) -> list[nodes.Node] | None:
    """A body's paragraphs as one line of inline nodes, when they hold markup (else ``None``).

    For a term's definition in the glossary view.
    """
    # the anchor and the general index's entries are no part of the definition
    body = [node for node in body if not isinstance(node, (nodes.target, addnodes.index))]
    paragraphs = [node for node in body if isinstance(node, nodes.paragraph)]
    if not paragraphs or len(paragraphs) != len(body):
        return None
    if all(isinstance(child, nodes.Text) for p in paragraphs for child in p.children):
        return None
    inline: list[nodes.Node] = []
    for n, paragraph in enumerate(paragraphs):
        inline += [nodes.Text(" ")] if n else []
        inline += [neutralised(child.deepcopy()) for child in paragraph.children]
    return inline


def references(parsed: Sequence[nodes.Node]) -> tuple[RichRef, ...]:
    """The references parsed nodes make, as data: a view showing them tracks their targets."""
    refs = found(parsed, addnodes.pending_xref)
    return tuple(
        dict.fromkeys(
            (
                ref.get("reftype", ""),
                ref.get("reftarget", ""),
                ref.get("spec_step") or 0,
                ref.get("refdomain") or "",
            )
            for ref in refs
            if isinstance(ref, addnodes.pending_xref)
        )
    )


def shown(parsed: Sequence[nodes.Node], key: str) -> nodes.inline:
    """Parsed nodes for the object's own field list, under *key* (the option's name)."""
    return nodes.inline("", "", *parsed, classes=["spec-rich"], **{RICH_KEY: key})


def filed_values(
    node: nodes.Element, keys: Iterable[str], body: Sequence[nodes.Node]
) -> dict[str, list[nodes.Node]]:
    """Copies of the values with markup that *node* shows, once the document is read
    (substitutions and translations done), by key; ``text`` is the body's inline markup."""
    wanted = set(keys)
    filed: dict[str, list[nodes.Node]] = {}
    if not wanted:
        return filed
    for inline in node.findall(nodes.inline):
        key = inline.attributes.pop(RICH_KEY, None)
        if key in wanted:
            filed.setdefault(key, [child.deepcopy() for child in inline.children])
    if "text" in wanted:
        filed["text"] = inline_of(body) or []
    return filed


def view_copy(
    parsed: Sequence[nodes.Node], origin: str, docname: str, index: ProjectIndex
) -> list[nodes.Node]:
    """Parsed nodes from document *origin*, ready to show on *docname*'s page.

    Targets and ids stay with the original; each reference is resolved from
    *docname*: local spec ids become full ids, relative ``:doc:`` targets
    absolute, so that they still name what the author meant.
    """
    copies = [node.deepcopy() for node in parsed if not isinstance(node, nodes.target)]
    for top in copies:
        if not isinstance(top, nodes.Element):
            continue
        for target in list(top.findall(nodes.target)):
            if target is not top:
                target.parent.remove(target)
        for element in top.findall(nodes.Element):
            element["ids"] = []
        for ref in top.findall(addnodes.pending_xref):
            retarget(ref, origin, docname, index)
    return copies


def retarget(ref: addnodes.pending_xref, origin: str, docname: str, index: ProjectIndex) -> None:
    kind, target = ref.get("reftype", ""), ref.get("reftarget", "")
    if ref.get("refdomain") == "spec" and kind != "any":
        found_target = index.resolve(kind, target, origin)
        if isinstance(found_target, SpecObject):
            ref["reftarget"] = found_target.full_id
        elif found_target is not None and kind == SPEC_KIND:
            ref["reftarget"] = found_target.id
    elif ref.get("refdomain") == "std" and kind == "doc" and not target.startswith("/"):
        ref["reftarget"] = "/" + posixpath.normpath(
            posixpath.join(posixpath.dirname(origin), target)
        )
    ref["refdoc"] = docname
