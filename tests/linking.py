"""Following the links of a built HTML project, as a reader clicking them would."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from helpers import text_of


def item(soup: BeautifulSoup, label: str) -> Tag:
    """The list item that starts with ``label:`` (the test roots label every reference)."""
    for li in soup.find_all("li"):
        if text_of(li).startswith(f"{label}:"):
            return li
    raise AssertionError(f"no list item labelled {label!r}")


def link(soup: BeautifulSoup, label: str) -> Tag:
    """The link in the list item labelled *label*; fails if the reference did not resolve."""
    anchor = item(soup, label).find("a")
    assert anchor is not None, f"{label}: the reference rendered without a link"
    return anchor


def split_href(href: str) -> tuple[str, str]:
    """``page.html#anchor`` → ``("page.html", "anchor")``."""
    page, _, anchor = href.partition("#")
    return page, anchor


def landing(outdir: Path, page: str, anchor: str) -> Tag:
    """The block of *page* (an HTML file in *outdir*) that *anchor* points at.

    An anchor may be an empty marker (``<span id=…></span>``) at the start of
    its block; the reader then lands on the block that contains it.
    """
    soup = BeautifulSoup((Path(outdir) / page).read_text(encoding="utf-8"), "html.parser")
    element = soup.find(id=anchor)
    assert element is not None, f"{page} has no element with id {anchor!r}"
    if not text_of(element) and element.parent is not None:
        first = next(child for child in element.parent.contents if str(child).strip())
        assert first is element, f"the empty anchor {anchor!r} is not at the start of its block"
        return element.parent
    return element


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of *path* that contains *needle* (it must occur exactly once)."""
    lines = [
        n
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if needle in line
    ]
    assert len(lines) == 1, f"{needle!r} occurs on lines {lines} of {path.name}"
    return lines[0]


def warning_pattern(filename: str, lineno: int, target: str, subtype: str) -> re.Pattern[str]:
    """``file:line: WARNING: … target … [spec.subtype]`` as a regular expression."""
    return re.compile(
        rf"^{re.escape(filename)}:{lineno}: WARNING: .*{re.escape(target)}.* \[spec\.{subtype}\]$"
    )
