"""Links to the world outside the spec: a spec's ``:links:`` and ``spec_link_patterns``.

``:links:`` names RFCs, PRDs, tickets: ``Title <url>`` entries, one a line,
and bare ids (several a line, separated by commas). ``spec_link_patterns``
maps id patterns (``JIRA-(\\d+)``) to URL templates; a post-transform turns
the ids it finds in field values and view cells into links, in every builder
(the text builder shows the text). URLs are http(s), mailto or relative:
anything else (``javascript:``) stays text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from sphinx_spec.index import ProjectIndex
from sphinx_spec.model import SpecLink
from sphinx_spec.nodes import comma_separated, spec_xref

#: the schemes a link may have; a URL without a scheme is relative
URL_SCHEMES = ("http", "https", "mailto")
#: a titled entry: ``Title <target>``, the whole line
#: one titled entry: its title runs from the end of the entry before it to ``<target>``
TITLED = re.compile(r"(?P<title>[^<>]*?)\s*<(?P<target>[^<>]*)>")
#: a group reference in a URL template: ``\1``, ``\g<1>``, ``\g<name>``
GROUP_REFERENCE = re.compile(r"\\(?:(\d+)|g<([^>]*)>)")
#: text longer than this is not searched for ids (field values are short; a careless
#: pattern must not make the build hang on a long one)
MAX_SEARCHED_TEXT = 2000
#: nodes whose text is never made a link: already links, code, headings of tables
NOT_LINKED = (
    nodes.reference,
    addnodes.pending_xref,
    nodes.literal,
    nodes.FixedTextElement,
    nodes.raw,
    nodes.target,
    nodes.field_name,
    nodes.thead,
    nodes.title,
)


def safe_url(url: str) -> bool:
    """Whether *url* is http(s), mailto or relative, with no control characters or spaces."""
    if not url or any(ord(char) <= 0x20 or ord(char) == 0x7F for char in url):
        return False
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return False
    return scheme in URL_SCHEMES or (not scheme and ":" not in url.split("/", 1)[0])


def parse_links(value: str) -> tuple[list[SpecLink], list[str]]:
    """The entries of a ``:links:`` value, and why some were refused.

    A titled entry is ``Title <target>``; its title runs from the entry before
    it (or the start of the line) to ``<``, so it may hold commas. Bare ids or
    URLs after the last titled entry of a line (or on a line without one) are
    separated by commas. A refused URL keeps its title (or the URL) as plain text.
    """
    links: list[SpecLink] = []
    problems: list[str] = []
    for line in value.splitlines():
        entries: list[tuple[str, str]] = []
        end = 0
        for titled in TITLED.finditer(line):
            title = " ".join(titled["title"].strip().lstrip(",").split())
            entries.append((title, titled["target"].strip()))
            end = titled.end()
        entries += [("", item.strip()) for item in line[end:].split(",") if item.strip()]
        for title, target in entries:
            if is_bare_id(target) or safe_url(target):
                links.append(SpecLink(title, target))
            else:
                problems.append(
                    f"{target!r} is not an http(s), mailto or relative URL; shown as text"
                )
                links.append(SpecLink(title or target, ""))
    return links, problems


def is_bare_id(target: str) -> bool:
    """A target without ``:`` or ``/``: an id (a spec, a ticket) rather than a URL."""
    return bool(target) and not any(char in target for char in ":/ ")


def pattern_problem(pattern: Any, template: Any) -> str:
    """Why ``pattern → template`` cannot be used, or ``""``."""
    if not isinstance(pattern, str) or not isinstance(template, str):
        return "pattern and URL template must both be strings"
    try:
        compiled = re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as error:
        return f"is not a regular expression ({error})"
    if compiled.match(""):
        return "matches the empty text"
    for number, name in GROUP_REFERENCE.findall(template):
        if number and int(number) > compiled.groups:
            return f"URL template refers to group {number}; the pattern has {compiled.groups}"
        if name and not name.isdigit() and name not in compiled.groupindex:
            return f"URL template refers to group {name!r}, which the pattern does not name"
        if name.isdigit() and int(name) > compiled.groups:
            return f"URL template refers to group {name}; the pattern has {compiled.groups}"
    if not safe_url(GROUP_REFERENCE.sub("1", template)):
        return "URL template is not an http(s), mailto or relative URL"
    return ""


@cache
def compiled(patterns: tuple[tuple[str, str], ...]) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(pattern), template) for pattern, template in patterns)


def patterns_of(config: Any) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The configured patterns (validated when ``conf.py`` was read), compiled once."""
    value: Mapping[str, str] = getattr(config, "spec_link_patterns", None) or {}
    return compiled(tuple(value.items()))


Patterns = tuple[tuple[re.Pattern[str], str], ...]


def url_for_id(text: str, patterns: Patterns) -> str:
    """The URL of the first pattern that matches all of *text*, or ``""``."""
    for pattern, template in patterns:
        match = pattern.fullmatch(text) if len(text) <= MAX_SEARCHED_TEXT else None
        if match:
            url = match.expand(template)
            return url if safe_url(url) else ""
    return ""


def first_id(text: str, position: int, patterns: Patterns) -> tuple[re.Match[str], str] | None:
    """The earliest id from *position* on (the first pattern on a tie), and its template."""
    found = []
    for order, (pattern, template) in enumerate(patterns):
        match = pattern.search(text, position)
        if match and match.end() > match.start():
            found.append((match.start(), order, match, template))
    if not found:
        return None
    _start, _order, match, template = min(found, key=lambda item: item[:2])
    return match, template


def id_spans(text: str, patterns: Patterns) -> Iterator[tuple[str, str]]:
    """*text* in pieces ``(text, url)``: ids the patterns find get their URL, the rest ``""``."""
    position = 0
    while patterns and len(text) <= MAX_SEARCHED_TEXT:
        found = first_id(text, position, patterns)
        if found is None:
            break
        match, template = found
        if match.start() > position:
            yield text[position : match.start()], ""
        url = match.expand(template)
        yield match.group(), url if safe_url(url) else ""
        position = match.end()
    if position < len(text):
        yield text[position:], ""


def external_link(text: str, url: str) -> nodes.reference:
    return nodes.reference(text, text, refuri=url, internal=False, classes=["spec-link"])


def link_node(link: SpecLink, index: ProjectIndex, patterns: Patterns, docname: str) -> nodes.Node:
    """One ``:links:`` entry: a link to the spec, the URL or the pattern's URL, else text."""
    text = link.title or link.target
    if link.target in index.specs:
        return spec_xref("spec", link.target, docname, text, explicit=True)
    url = link_target(link, patterns)
    return external_link(text, url) if url else nodes.Text(text)


def link_target(link: SpecLink, patterns: Patterns) -> str:
    """The URL of an entry that is no spec: its pattern's, its own, or none (``""``)."""
    if not link.target:
        return ""
    url = url_for_id(link.target, patterns) if is_bare_id(link.target) else ""
    if url:
        return url
    return link.target if link.title or not is_bare_id(link.target) else ""


def link_url(link: SpecLink, index: ProjectIndex, patterns: Patterns, spec_url: Any) -> str:
    """Where an entry leads, for ``spec.json``; *spec_url* gives a spec's address."""
    if link.target in index.local.specs:
        return str(spec_url(index.local.specs[link.target]))
    return link_target(link, patterns)


def links_row(
    links: tuple[SpecLink, ...], index: ProjectIndex, patterns: Patterns, docname: str
) -> nodes.inline | None:
    """The card's "Links" row: the entries, comma-separated."""
    return comma_separated([link_node(link, index, patterns, docname) for link in links])


def is_field_value(node: nodes.Element) -> bool:
    """A card's or object's field list, or a view's table or list."""
    classes = node.get("classes", ())
    return ("spec-fields" in classes and isinstance(node, nodes.field_list)) or (
        "spec-view" in classes
    )


def linkable_texts(node: nodes.Element) -> Iterator[nodes.Text]:
    for child in node.children:
        if isinstance(child, nodes.Text):
            yield child
        elif isinstance(child, nodes.Element) and not isinstance(child, NOT_LINKED):
            yield from linkable_texts(child)


def link_ids(text: nodes.Text, patterns: Patterns) -> None:
    """Replace *text* with its pieces, the ids the patterns find as links."""
    spans = list(id_spans(str(text), patterns))
    if not any(url for _piece, url in spans):
        return
    pieces = [external_link(piece, url) if url else nodes.Text(piece) for piece, url in spans]
    text.parent.replace(text, pieces)


class LinkPatternIds(SphinxPostTransform):
    """Turn the ids ``spec_link_patterns`` finds in field values and view cells into links.

    Priority 20: after the views are rendered (5) and references resolved
    (10), so that text already inside a link stays as it is; before the
    ``spec-*`` classes are stripped outside HTML (900).
    """

    default_priority = 20

    def run(self, **kwargs: Any) -> None:
        patterns = patterns_of(self.config)
        if not patterns:
            return
        for container in list(self.document.findall(nodes.Element)):
            if is_field_value(container):
                for text in list(linkable_texts(container)):
                    link_ids(text, patterns)


def setup_links(app: Sphinx) -> None:
    app.add_post_transform(LinkPatternIds)
