"""Another project links to spec objects through intersphinx (no network).

Project A (``test-intersphinx-a``) holds spec PAY-001 in ``specs/retries``.
Project B (``test-intersphinx-b``) references A's objects by full id, in RST
(``index``) and in MyST (``notes``); its ``intersphinx_mapping`` points at A's
freshly built ``objects.inv`` and says A is published at https://a.example.org/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import html, text_of, warnings_of
from linking import landing, link
from sphinx.testing.util import SphinxTestApp

ROOTS = Path(__file__).parent / "roots"
A_URL = "https://a.example.org/"


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    """Build A, then B against A's inventory; yields ``(a, b)``."""
    base = tmp_path_factory.mktemp("intersphinx")
    a = SphinxTestApp("html", srcdir=ROOTS / "test-intersphinx-a", builddir=base / "a")
    a.build()
    a.cleanup()  # docutils' global registry must be free for B
    mapping = {"a": (A_URL, str(Path(a.outdir) / "objects.inv"))}
    b = SphinxTestApp(
        "html",
        srcdir=ROOTS / "test-intersphinx-b",
        builddir=base / "b",
        confoverrides={"intersphinx_mapping": mapping},
    )
    b.build()
    b.cleanup()
    return a, b


def reached_in_a(a, href: str):
    """The element of A's output that an absolute link into A points at."""
    assert href.startswith(A_URL), href
    page, _, anchor = href[len(A_URL) :].partition("#")
    return page, landing(a.outdir, page, anchor)


CASES = [
    ("index", "spec", "Payment retries", "PAY-001"),
    ("index", "approach", "Retry state storage", "storage"),
    ("index", "term", "Idempotency key", "idempotency-key"),
    ("index", "non-goal", "Retrying hard declines", "hard-declines"),
    ("notes", "spec", "Payment retries", "PAY-001"),
    ("notes", "approach", "Retry state storage", "storage"),
    ("notes", "term", "Idempotency key", "idempotency-key"),
]


@pytest.mark.parametrize(("docname", "label", "title", "shown_id"), CASES)
def test_link_points_to_the_object_in_project_a(projects, docname, label, title, shown_id):
    a, b = projects
    page, reached = reached_in_a(a, link(html(b, docname), label)["href"])
    assert page == "specs/retries.html"
    assert title in text_of(reached)
    assert shown_id in text_of(reached)


@pytest.mark.parametrize(("docname", "label", "title", "_id"), CASES)
def test_link_text_is_the_object_title(projects, docname, label, title, _id):
    _a, b = projects
    assert text_of(link(html(b, docname), label)) == title


def test_explicit_title_is_kept_across_projects(projects):
    a, b = projects
    anchor = link(html(b, "index"), "explicit")
    assert text_of(anchor) == "the retry spec of A"
    _page, reached = reached_in_a(a, anchor["href"])
    assert "PAY-001" in text_of(reached)


def test_standard_term_role_reaches_a_spec_term_in_project_a(projects):
    a, b = projects
    _page, reached = reached_in_a(a, link(html(b, "index"), "std-term")["href"])
    assert "Idempotency key" in text_of(reached)


def test_both_projects_build_without_warnings(projects):
    a, b = projects
    assert warnings_of(a) == []
    assert warnings_of(b) == []
