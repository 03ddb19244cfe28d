"""Reading what a build produced, as a user would see it."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def warnings_of(app) -> list[str]:
    """The build's warning lines, without colour codes, paths relative to the source dir."""
    text = ANSI.sub("", app.warning.getvalue())
    src = str(app.srcdir)
    return [line.replace(src + "/", "") for line in text.splitlines() if "WARNING" in line]


def html(app, docname: str) -> BeautifulSoup:
    """The parsed HTML page of *docname*."""
    path = Path(app.outdir) / f"{docname}.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text_of(node) -> str:
    """An element's visible text with whitespace collapsed."""
    return " ".join(node.get_text(" ").split())
