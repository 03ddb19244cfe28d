"""Reading what a build produced, as a user would see it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from bs4 import BeautifulSoup
from sphinx.util.inventory import InventoryFile

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def build(srcdir: Path, buildername: str = "html", *, builddir: Path | None = None, **kwargs):
    """One ``sphinx-build`` run on *srcdir* (into ``<srcdir>/../_build`` by default)."""
    from sphinx.testing.util import SphinxTestApp

    builddir = srcdir.parent / "_build" if builddir is None else builddir
    app = SphinxTestApp(buildername, srcdir=srcdir, builddir=builddir, **kwargs)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def warnings_of(app) -> list[str]:
    """The build's warning lines, without colour codes, paths relative to the source dir."""
    text = ANSI.sub("", app.warning.getvalue())
    src = str(app.srcdir)
    return [line.replace(src + "/", "") for line in text.splitlines() if "WARNING" in line]


def located(app, subtype: str) -> list[str]:
    """``file:line: message`` of every ``spec.<subtype>`` warning."""
    found = []
    for line in warnings_of(app):
        if line.endswith(f"[spec.{subtype}]"):
            found.append(line.replace(" WARNING:", "").removesuffix(f" [spec.{subtype}]"))
    return found


def html(app, docname: str) -> BeautifulSoup:
    """The parsed HTML page of *docname*."""
    path = Path(app.outdir) / f"{docname}.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text_of(node) -> str:
    """An element's visible text with whitespace collapsed."""
    return " ".join(node.get_text(" ").split())


class InventoryEntry(NamedTuple):
    uri: str
    display_name: str


def inventory(app) -> dict[tuple[str, str], InventoryEntry]:
    """The build's ``objects.inv`` as ``{(type, name): entry}``, on every supported Sphinx."""
    with open(Path(app.outdir) / "objects.inv", "rb") as stream:
        data = InventoryFile.load(stream, "", lambda base, uri: uri)
    return {
        (objtype, name): InventoryEntry(*entry_fields(entry))
        for objtype, entries in data.items()
        for name, entry in entries.items()
    }


def entry_fields(entry) -> tuple[str, str]:
    """``(uri, display name)`` of an inventory item: a tuple before Sphinx 8.2, an object after."""
    if hasattr(entry, "uri"):
        return entry.uri, entry.display_name
    return entry[2], entry[3]
