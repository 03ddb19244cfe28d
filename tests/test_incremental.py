"""Parallel and incremental builds: the same pages as a clean serial build, fresh views.

Incremental tests build a copy of ``tests/roots/test-incremental`` (spec
PAY-000 in ``old``, PAY-001 in ``new`` superseding it, plain pages ``user``
and ``user_md`` referencing them), change the sources, and build again on the
same tree with a new application, as a second ``sphinx-build`` run would.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import NamedTuple

import pytest
from bs4 import BeautifulSoup
from helpers import ANSI, build, html, inventory, text_of, warnings_of
from linking import item, landing, line_of, link, split_href, warning_pattern
from sphinx.testing.util import SphinxTestApp

ROOTS = Path(__file__).parent / "roots"
DEMO = Path(__file__).parent.parent / "demo"


def copy_project(source: Path, dest: Path) -> Path:
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("_build"))
    return dest


def status(app: SphinxTestApp) -> str:
    return ANSI.sub("", app.status.getvalue())


def doctree_times(srcdir: Path) -> dict[str, int]:
    """When each document's doctree was last pickled, i.e. when it was last read."""
    doctrees = srcdir.parent / "_build" / "doctrees"
    return {
        str(path.relative_to(doctrees).with_suffix("")): path.stat().st_mtime_ns
        for path in doctrees.rglob("*.doctree")
    }


def reread(before: dict[str, int], srcdir: Path) -> list[str]:
    """The documents read again since *before* (new ones included)."""
    after = doctree_times(srcdir)
    return sorted(doc for doc, mtime in after.items() if before.get(doc) != mtime)


class Rebuilt(NamedTuple):
    """A second build on the same tree: what the first one showed, and what changed."""

    before: dict[str, BeautifulSoup]  # the first build's pages
    app: SphinxTestApp  # the second build
    reread: list[str]  # documents the second build read again


def remove_from_toctree(srcdir: Path, docname: str) -> None:
    index = srcdir / "index.rst"
    index.write_text(index.read_text().replace(f"   {docname}\n", ""), encoding="utf-8")


def add_to_toctree(srcdir: Path, docname: str) -> None:
    index = srcdir / "index.rst"
    index.write_text(index.read_text().rstrip("\n") + f"\n   {docname}\n", encoding="utf-8")


# -- (a) parallel == serial -------------------------------------------------------------


def page_bodies(app: SphinxTestApp) -> dict[str, str]:
    """The ``<body>`` of every HTML page, with the build's own paths replaced."""
    bodies = {}
    for path in sorted(Path(app.outdir).rglob("*.html")):
        body = str(html(app, str(path.relative_to(app.outdir).with_suffix(""))).body)
        for own in (str(app.srcdir), str(app.outdir), str(app.doctreedir)):
            body = body.replace(own, "<build>")
        bodies[str(path.relative_to(app.outdir))] = body
    return bodies


@pytest.fixture(scope="module", params=["demo", "test-xref"])
def serial_and_parallel(request, tmp_path_factory):
    """The same project built with ``-j 1`` and with ``-j 2``, in two source trees."""
    source = DEMO if request.param == "demo" else ROOTS / request.param
    base = tmp_path_factory.mktemp(f"parallel-{request.param}")
    serial = build(copy_project(source, base / "serial" / "src"))
    parallel = build(copy_project(source, base / "parallel" / "src"), parallel=2)
    return serial, parallel


def test_parallel_build_writes_the_same_pages_as_serial(serial_and_parallel):
    serial, parallel = serial_and_parallel
    assert page_bodies(parallel).keys() == page_bodies(serial).keys()


def test_parallel_build_page_bodies_are_identical(serial_and_parallel):
    serial, parallel = serial_and_parallel
    serial_pages, parallel_pages = page_bodies(serial), page_bodies(parallel)
    for page, body in serial_pages.items():
        assert parallel_pages[page] == body, f"{page} differs between -j 1 and -j 2"


def test_parallel_build_really_ran_in_parallel_without_warnings(serial_and_parallel):
    serial, parallel = serial_and_parallel
    assert parallel.parallel == 2
    assert parallel.is_parallel_allowed("read")
    assert parallel.is_parallel_allowed("write")
    # a parallel run reports its chunks of documents as "first .. last"
    assert re.search(r"reading sources\.\.\. \[\s*\d+%\] \S+ \.\. \S+", status(parallel))
    assert warnings_of(parallel) == warnings_of(serial)


# -- (b) removing a spec document ---------------------------------------------------------


JOBS = {"serial": 0, "parallel": 2}


@pytest.fixture(scope="module", params=list(JOBS))
def removed(request, tmp_path_factory):
    """Build, then delete ``new`` (PAY-001) and its toctree entry and rebuild (-j 1 and -j 2)."""
    base = tmp_path_factory.mktemp(f"removed-{request.param}")
    srcdir = copy_project(ROOTS / "test-incremental", base / "src")
    first = build(srcdir, parallel=JOBS[request.param])
    before = {doc: html(first, doc) for doc in ("old", "user", "user_md")}
    read_at = doctree_times(srcdir)
    (srcdir / "new.rst").unlink()
    remove_from_toctree(srcdir, "new")
    second = build(srcdir, parallel=JOBS[request.param])
    return Rebuilt(before, second, reread(read_at, srcdir))


def test_removal_rereads_only_the_index(removed):
    assert removed.reread == ["index"]


def test_removed_spec_objects_leave_the_inventory(removed):
    inv = inventory(removed.app)
    assert ("spec:spec", "PAY-001") not in inv
    assert ("spec:approach", "PAY-001.storage") not in inv
    assert ("spec:spec", "PAY-000") in inv


@pytest.mark.parametrize(
    ("filename", "target"),
    [
        ("user.rst", "PAY-001.storage"),
        ("user.rst", "`PAY-001`"),
        ("user.rst", "Idempotency key"),
        ("user_md.md", "PAY-001.storage"),
    ],
)
def test_reference_to_removed_object_warns_in_unchanged_document(removed, filename, target):
    app = removed.app
    lineno = line_of(app.srcdir / filename, target)
    pattern = warning_pattern(filename, lineno, target.strip("`"), "ref")
    assert any(pattern.match(line) for line in warnings_of(app)), warnings_of(app)


@pytest.mark.parametrize(
    ("docname", "label"), [("user", "approach"), ("user", "spec"), ("user_md", "approach")]
)
def test_reference_to_removed_object_renders_as_plain_text(removed, docname, label):
    assert item(removed.before[docname], label).find("a") is not None, (
        "the reference resolved before the removal"
    )
    after = item(html(removed.app, docname), label)
    assert after.find("a") is None
    assert "PAY-001" in text_of(after)


def test_reference_to_remaining_spec_still_links(removed):
    page, _anchor = split_href(link(html(removed.app, "user"), "old-approach")["href"])
    assert page == "old.html"


def test_formerly_superseded_spec_no_longer_shows_superseded_by(removed):
    assert re.search(r"Superseded by ?: PAY-001", text_of(removed.before["old"].body))
    assert "Superseded by" not in text_of(html(removed.app, "old").body)


def test_formerly_superseded_spec_loses_its_banner(removed):
    assert "superseded by PAY-001" in text_of(removed.before["old"].body)
    assert "superseded by" not in text_of(html(removed.app, "old").body).lower()


@pytest.fixture(scope="module")
def removed_while_another_builder_ran(tmp_path_factory):
    """``make html``; delete ``new``; ``make text``; ``make html`` (one shared doctree dir)."""
    base = tmp_path_factory.mktemp("other-builder")
    srcdir = copy_project(ROOTS / "test-incremental", base / "src")
    build(srcdir)
    (srcdir / "new.rst").unlink()
    remove_from_toctree(srcdir, "new")
    text = build(srcdir, "text")
    assert "superseded by" not in (Path(text.outdir) / "old.txt").read_text().lower()
    return build(srcdir)


def test_html_drops_the_banner_after_another_builder_saw_the_removal(
    removed_while_another_builder_ran,
):
    app = removed_while_another_builder_ran
    assert "superseded by" not in text_of(html(app, "old").body).lower()


def test_html_unlinks_references_after_another_builder_saw_the_removal(
    removed_while_another_builder_ran,
):
    app = removed_while_another_builder_ran
    assert item(html(app, "user"), "approach").find("a") is None


# -- (c) adding a spec that supersedes an existing one --------------------------------------


@pytest.fixture(scope="module", params=list(JOBS))
def added(request, tmp_path_factory):
    """Build without ``new`` (PAY-001), then add it back with its toctree entry and rebuild."""
    base = tmp_path_factory.mktemp(f"added-{request.param}")
    srcdir = copy_project(ROOTS / "test-incremental", base / "src")
    new_spec = (srcdir / "new.rst").read_text(encoding="utf-8")
    (srcdir / "new.rst").unlink()
    remove_from_toctree(srcdir, "new")
    first = build(srcdir, parallel=JOBS[request.param])
    before = {doc: html(first, doc) for doc in ("old", "user")}
    read_at = doctree_times(srcdir)
    (srcdir / "new.rst").write_text(new_spec, encoding="utf-8")
    add_to_toctree(srcdir, "new")
    second = build(srcdir, parallel=JOBS[request.param])
    return Rebuilt(before, second, reread(read_at, srcdir))


def test_adding_a_spec_does_not_reread_the_spec_it_supersedes(added):
    assert added.reread == ["index", "new"]


def test_superseded_spec_gets_the_banner_without_being_edited(added):
    before, app = added.before, added.app
    assert before["old"].find(string=re.compile("This spec is superseded by")) is None
    banner = html(app, "old").find(string=re.compile("This spec is superseded by"))
    assert banner is not None
    assert "PAY-001" in text_of(banner.parent)


def test_superseded_banner_links_to_the_new_spec(added):
    app = added.app
    banner = html(app, "old").find(string=re.compile("This spec is superseded by")).parent
    page, anchor = split_href(banner.find("a")["href"])
    assert page == "new.html"
    assert "Payment retries" in text_of(landing(app.outdir, page, anchor))


def test_superseded_card_lists_the_new_spec(added):
    assert re.search(r"Superseded by ?: PAY-001", text_of(html(added.app, "old").body))


def test_dangling_reference_resolves_once_its_target_is_added(added):
    assert item(added.before["user"], "approach").find("a") is None
    page, _anchor = split_href(link(html(added.app, "user"), "approach")["href"])
    assert page == "new.html"


# -- editing an object's title ----------------------------------------------------------------


def test_retitled_object_updates_link_text_in_unchanged_document(tmp_path):
    srcdir = copy_project(ROOTS / "test-incremental", tmp_path / "src")
    build(srcdir)
    read_at = doctree_times(srcdir)
    new = srcdir / "new.rst"
    new.write_text(
        new.read_text().replace("Retry state storage", "Attempt storage"), encoding="utf-8"
    )
    app = build(srcdir)
    assert reread(read_at, srcdir) == ["new"]
    assert text_of(link(html(app, "user"), "approach")) == "Attempt storage"


# -- (d) nothing changed, nothing written --------------------------------------------------------


@pytest.fixture(scope="module")
def unchanged(tmp_path_factory):
    """Build twice with no change in between: ``(first build's page mtimes, second build)``."""
    srcdir = copy_project(ROOTS / "test-incremental", tmp_path_factory.mktemp("unchanged") / "src")
    first = build(srcdir)
    pages = [Path(first.outdir) / f"{docname}.html" for docname in sorted(first.env.found_docs)]
    mtimes = {page: page.stat().st_mtime_ns for page in pages}
    second = build(srcdir)
    return mtimes, second


def test_rebuild_without_changes_reports_no_configuration_change(tmp_path):
    """The extension's own setup must not look like an edit of ``conf.py``."""
    srcdir = copy_project(ROOTS / "test-incremental", tmp_path / "src")
    theme = {"html_theme": "basic"}  # SphinxTestApp would otherwise switch alabaster → basic
    build(srcdir, confoverrides=theme)
    app = build(srcdir, confoverrides=theme)
    assert "loading pickled environment" in status(app)
    assert "configuration has changed" not in status(app)


def test_rebuild_without_changes_reports_nothing_out_of_date(unchanged):
    _mtimes, app = unchanged
    assert "no targets are out of date" in status(app)


def test_rebuild_without_changes_writes_no_page(unchanged):
    mtimes, _app = unchanged
    assert len(mtimes) == 5
    assert {page: page.stat().st_mtime_ns for page in mtimes} == mtimes
