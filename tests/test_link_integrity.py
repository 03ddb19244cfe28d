"""Every internal link lands, in every HTML-like builder, for the demo and every test root.

Each project is copied and built with ``html``, ``dirhtml``, ``singlehtml`` and
``epub``; then every page the builder wrote is read and each ``href`` that stays in
the output directory is followed on disk (``tests/linkcheck.py``): the page must
exist and carry an element with the fragment as its id. No page may carry the same
id twice. Links to a sibling project's pages (imported specs) leave the output
directory and are checked by the federation tests instead.

singlehtml puts every document on one page, and two things there are Sphinx's own,
not sphinx-spec's: docutils gives sections (and captioned tables) ids per document, so
two documents with a "Background" section both have ``id="background"``; and from
Sphinx 9, Sphinx's own cross-document links (toctree entries, ``:term:`` and
``:ref:``) are written ``#document-name#anchor``, which lands nowhere. Those are
exempt in singlehtml; every link and id sphinx-spec writes is checked there too.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import Tag
from linkcheck import broken_links, duplicate_ids, pages, soup_of
from sphinx.testing.util import SphinxTestApp

TESTS = Path(__file__).parent
PROJECTS = {
    "demo": TESTS.parent / "demo",
    **{
        path.name.removeprefix("test-"): path
        for path in sorted((TESTS / "roots").iterdir())
        if (path / "conf.py").is_file()
    },
}
#: projects built with a neighbouring extension that only its own tox environment installs
NEIGHBOUR_ROOTS = {"needs"}
BUILDERS = ("html", "dirhtml", "singlehtml", "epub")
#: ids two documents of a test root declare on purpose (the duplicate-id warnings' cases);
#: in singlehtml both documents share one page
DECLARED_TWICE = {
    "edge": {"spec-same-001", "approach-same-001-storage", "approach-a-b-c"},
    "warnings": {"spec-same-001"},
}
CASES = [
    pytest.param(project, builder, id=f"{project}-{builder}")
    for project in PROJECTS
    if project not in NEIGHBOUR_ROOTS
    for builder in BUILDERS
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """``built(project, builder)`` → the output directory of that build (built once)."""
    outdirs: dict[tuple[str, str], Path] = {}

    def build(project: str, builder: str) -> Path:
        if (project, builder) not in outdirs:
            root = tmp_path_factory.mktemp(f"{project}-{builder}")
            srcdir = root / "src"
            shutil.copytree(PROJECTS[project], srcdir, ignore=shutil.ignore_patterns("_build"))
            app = SphinxTestApp(builder, srcdir=srcdir, builddir=root / "_build")
            try:
                app.build()
            finally:
                app.cleanup()
            outdirs[project, builder] = Path(app.outdir)
        return outdirs[project, builder]

    return build


def sphinx_own_link(anchor: Tag) -> bool:
    """A ``#document-name#anchor`` link Sphinx itself writes: a toctree entry, or a ``std``
    role (``:term:``, ``:ref:``)."""
    if anchor["href"].count("#") < 2:
        return False
    in_toctree = any(
        cls.startswith("toctree-l")
        for parent in anchor.parents
        if parent.name == "li"
        for cls in parent.get("class", [])
    )
    # a std role's text: ``xref std std-term``, or ``std std-ref`` when the role has a title
    return in_toctree or anchor.select_one("span.std") is not None


def sphinx_own_id(element: Tag) -> bool:
    """An id docutils gives per document: a section's, or an automatic ``idN``."""
    return element.name == "section" or re.fullmatch(r"id\d+", element["id"]) is not None


def is_spec_link(anchor: Tag) -> bool:
    """A link sphinx-spec writes: a ``spec`` role, or a link in a card or a view."""
    if anchor.select_one("span.xref.std") is not None:
        return False
    return anchor.select_one("span.xref.spec") is not None or any(
        cls in ("spec-card", "spec-view-block")
        for parent in anchor.parents
        for cls in parent.get("class", [])
    )


@pytest.mark.parametrize(("project", "builder"), CASES)
def test_every_internal_link_lands(built, project, builder):
    outdir = built(project, builder)
    assert pages(outdir), f"{builder} wrote no page for {project}"
    exempt = sphinx_own_link if builder == "singlehtml" else (lambda anchor: False)
    broken = broken_links(outdir, exempt)
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(broken)


@pytest.mark.parametrize(("project", "builder"), CASES)
def test_no_page_repeats_an_id(built, project, builder):
    declared_twice = DECLARED_TWICE.get(project, set()) if builder == "singlehtml" else set()

    def exempt(element: Tag) -> bool:
        return element["id"] in declared_twice or (
            builder == "singlehtml" and sphinx_own_id(element)
        )

    duplicates = duplicate_ids(built(project, builder), exempt)
    assert not duplicates, "\n".join(duplicates)


def test_singlehtml_exempts_no_spec_link(built):
    """The exemption covers Sphinx's links only: the demo's spec links all carry an anchor."""
    outdir = built("demo", "singlehtml")
    page = outdir / "index.html"
    spec_links = [a for a in soup_of(page).find_all("a", href=True) if is_spec_link(a)]
    assert len(spec_links) > 100
    assert not [a["href"] for a in spec_links if a["href"].count("#") > 1]


def test_every_test_root_is_checked():
    """A new test root joins the check by being there; only neighbour roots stay out."""
    checked = {project for project, _ in (case.values for case in CASES)}
    assert checked == set(PROJECTS) - NEIGHBOUR_ROOTS
    assert {"demo", "views", "federation-b", "xref"} <= checked
