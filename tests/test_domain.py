"""The ``spec`` domain: every role resolves, link text and targets, ``:any:``,
``:term:``, dangling references and ``objects.inv``.

One build of ``tests/roots/test-xref`` is shared by the whole module: a spec in
RST (``payments``), a spec in MyST (``auth``) and two documents without a spec
(``refs.rst``, ``refs_md.md``) that reference them by full id. Every reference
sits in a list item labelled ``<name>:`` so a test can find it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import build, html, inventory, text_of, warnings_of
from linking import item, landing, line_of, link, split_href, warning_pattern

pytestmark = [
    pytest.mark.sphinx("html", testroot="xref"),
    pytest.mark.test_params(shared_result="test_domain-xref"),
]

ROOT = Path(__file__).parent / "roots" / "test-xref"

#: object → (page it is on, title, the id its block shows)
OBJECTS = {
    "PAY-001": ("payments.html", "Payment retries", "PAY-001"),
    "PAY-001.recovery": ("payments.html", "Recover transient failures", "recovery"),
    "PAY-001.hard-declines": ("payments.html", "Retrying hard declines", "hard-declines"),
    "PAY-001.storage": ("payments.html", "Retry state storage", "storage"),
    "PAY-001.checkout": ("payments.html", "Checkout with retry", "checkout"),
    "PAY-001.A1": ("payments.html", "Payment token expired", "A1"),
    "PAY-001.pci": ("payments.html", "Is the attempts table in PCI scope?", "pci"),
    "PAY-001.late-approval": (
        "payments.html",
        "Provider approves after our timeout",
        "late-approval",
    ),
    "PAY-001.idempotency-key": ("payments.html", "Idempotency key", "idempotency-key"),
    "PAY-001.attempt-states": ("payments.html", "Attempt states", "attempt-states"),
    "AUTH-002": ("auth.html", "Session tokens", "AUTH-002"),
    "AUTH-002.local-validation": ("auth.html", "Validate tokens locally", "local-validation"),
    "AUTH-002.sso": ("auth.html", "Single sign-on", "sso"),
    "AUTH-002.format": ("auth.html", "Token format", "format"),
    "AUTH-002.refresh": ("auth.html", "Token refresh", "refresh"),
    "AUTH-002.spent": ("auth.html", "Refresh token already spent", "spent"),
    "AUTH-002.refresh-lifetime": (
        "auth.html",
        "How long do refresh tokens live?",
        "refresh-lifetime",
    ),
    "AUTH-002.revocation-delay": ("auth.html", "Revocation is not instant", "revocation-delay"),
    "AUTH-002.access-token": ("auth.html", "Access token", "access-token"),
    "AUTH-002.token-model": ("auth.html", "Token model", "token-model"),
}

#: (document, label of the reference) → the object it must link to
REFERENCES = {
    # local ids inside the RST spec
    ("payments", "spec-local"): "PAY-001",
    ("payments", "goal-local"): "PAY-001.recovery",
    ("payments", "non-goal-local"): "PAY-001.hard-declines",
    ("payments", "approach-local"): "PAY-001.storage",
    ("payments", "flow-local"): "PAY-001.checkout",
    ("payments", "error-local"): "PAY-001.A1",
    ("payments", "question-local"): "PAY-001.pci",
    ("payments", "concession-local"): "PAY-001.late-approval",
    ("payments", "term-id-local"): "PAY-001.idempotency-key",
    ("payments", "term-name-local"): "PAY-001.idempotency-key",
    ("payments", "term-alias-local"): "PAY-001.idempotency-key",
    ("payments", "diagram-local"): "PAY-001.attempt-states",
    # local ids inside the MyST spec
    ("auth", "spec-local"): "AUTH-002",
    ("auth", "goal-local"): "AUTH-002.local-validation",
    ("auth", "non-goal-local"): "AUTH-002.sso",
    ("auth", "approach-local"): "AUTH-002.format",
    ("auth", "flow-local"): "AUTH-002.refresh",
    ("auth", "error-local"): "AUTH-002.spent",
    ("auth", "question-local"): "AUTH-002.refresh-lifetime",
    ("auth", "concession-local"): "AUTH-002.revocation-delay",
    ("auth", "term-name-local"): "AUTH-002.access-token",
    ("auth", "term-alias-local"): "AUTH-002.access-token",
    ("auth", "diagram-local"): "AUTH-002.token-model",
    # full ids from an RST document without a spec
    ("refs", "spec-full"): "PAY-001",
    ("refs", "goal-full"): "PAY-001.recovery",
    ("refs", "non-goal-full"): "PAY-001.hard-declines",
    ("refs", "approach-full"): "PAY-001.storage",
    ("refs", "flow-full"): "PAY-001.checkout",
    ("refs", "error-full"): "PAY-001.A1",
    ("refs", "question-full"): "PAY-001.pci",
    ("refs", "concession-full"): "PAY-001.late-approval",
    ("refs", "term-full"): "PAY-001.idempotency-key",
    ("refs", "term-name"): "PAY-001.idempotency-key",
    ("refs", "term-alias"): "PAY-001.idempotency-key",
    ("refs", "diagram-full"): "PAY-001.attempt-states",
    ("refs", "other-spec-approach"): "AUTH-002.format",
    # full ids from a MyST document without a spec
    ("refs_md", "spec-full"): "AUTH-002",
    ("refs_md", "goal-full"): "AUTH-002.local-validation",
    ("refs_md", "non-goal-full"): "AUTH-002.sso",
    ("refs_md", "approach-full"): "PAY-001.storage",
    ("refs_md", "flow-full"): "AUTH-002.refresh",
    ("refs_md", "error-full"): "AUTH-002.spent",
    ("refs_md", "question-full"): "AUTH-002.refresh-lifetime",
    ("refs_md", "concession-full"): "AUTH-002.revocation-delay",
    ("refs_md", "term-full"): "AUTH-002.access-token",
    ("refs_md", "term-alias"): "AUTH-002.access-token",
    ("refs_md", "diagram-full"): "AUTH-002.token-model",
}

REFERENCE_IDS = [f"{docname}-{label}" for docname, label in REFERENCES]

#: the dangling references in the root: (file, the reference's target). Docutils
#: and MyST locate an inline role at the first line of its paragraph (Sphinx's own
#: roles too), so each of these opens its paragraph.
DANGLING = [
    ("payments.rst", "PAY-001.missing-approach"),  # in a directive body
    ("auth.md", "AUTH-002.missing-concession"),  # in a backtick fence body
    ("auth.md", "AUTH-002.missing-term"),  # in a colon fence body
    ("refs.rst", "PAY-001.nope"),
    ("refs_md.md", "AUTH-002.nowhere"),
]


@pytest.fixture
def built(app):
    app.build()
    return app


def followed(app, docname: str, label: str):
    """Click the reference labelled *label* in *docname*: ``(link, page, element reached)``."""
    anchor = link(html(app, docname), label)
    page, fragment = split_href(anchor["href"])
    page = page or f"{docname}.html"
    return anchor, page, landing(app.outdir, page, fragment)


# -- every role resolves, locally and by full id ---------------------------------


@pytest.mark.parametrize(("docname", "label"), list(REFERENCES), ids=REFERENCE_IDS)
def test_reference_links_to_the_page_of_its_object(built, docname, label):
    _anchor, page, _reached = followed(built, docname, label)
    assert page == OBJECTS[REFERENCES[docname, label]][0]


@pytest.mark.parametrize(("docname", "label"), list(REFERENCES), ids=REFERENCE_IDS)
def test_reference_anchor_lands_on_its_object(built, docname, label):
    _page, title, shown_id = OBJECTS[REFERENCES[docname, label]]
    _anchor, _page, reached = followed(built, docname, label)
    assert title in text_of(reached)
    assert shown_id in text_of(reached)


@pytest.mark.parametrize(("docname", "label"), list(REFERENCES), ids=REFERENCE_IDS)
def test_default_link_text_is_the_object_title(built, docname, label):
    title = OBJECTS[REFERENCES[docname, label]][1]
    assert text_of(link(html(built, docname), label)) == title


def test_goal_role_finds_a_non_goal(built):
    _anchor, _page, reached = followed(built, "refs", "non-goal-full")
    assert "Non-goal" in text_of(reached)


def test_local_and_full_id_reach_the_same_anchor(built):
    local = link(html(built, "payments"), "approach-local")["href"]
    full = link(html(built, "refs"), "approach-full")["href"]
    assert f"payments.html{local}" == full


# -- explicit titles ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("docname", "label", "text", "target"),
    [
        ("refs", "explicit-spec", "the retry spec", "PAY-001"),
        ("refs", "explicit-approach", "where retries live", "PAY-001.storage"),
        ("refs_md", "explicit-spec", "the auth spec", "AUTH-002"),
    ],
)
def test_explicit_title_keeps_the_given_text(built, docname, label, text, target):
    anchor, page, reached = followed(built, docname, label)
    assert text_of(anchor) == text
    assert page == OBJECTS[target][0]
    assert OBJECTS[target][1] in text_of(reached)


# -- :any: and the standard :term: role ----------------------------------------------


@pytest.mark.parametrize(
    ("docname", "label", "target"),
    [
        ("refs", "any-spec", "PAY-001"),
        ("refs", "any-approach", "PAY-001.storage"),
        ("refs_md", "any-spec", "AUTH-002"),
    ],
)
def test_any_role_finds_spec_objects(built, docname, label, target):
    page, title, shown_id = OBJECTS[target]
    anchor, reached_page, reached = followed(built, docname, label)
    assert reached_page == page
    assert text_of(anchor) == title
    assert shown_id in text_of(reached)


@pytest.mark.parametrize(
    ("docname", "label", "text", "target"),
    [
        ("refs", "std-term-name", "Idempotency key", "PAY-001.idempotency-key"),
        ("refs", "std-term-alias", "idem key", "PAY-001.idempotency-key"),
        ("refs_md", "std-term-name", "Access token", "AUTH-002.access-token"),
        ("refs_md", "std-term-alias", "bearer token", "AUTH-002.access-token"),
    ],
)
def test_standard_term_role_resolves_spec_terms(built, docname, label, text, target):
    page, title, shown_id = OBJECTS[target]
    anchor, reached_page, reached = followed(built, docname, label)
    assert text_of(anchor) == text
    assert reached_page == page
    assert title in text_of(reached)
    assert shown_id in text_of(reached)


ANY_TERMS_RST = """\
:orphan:

Any role and terms
==================

- any-alias: :any:`idem key`
- any-name: :any:`Idempotency key`
"""

ANY_TERMS_MD = """\
---
orphan: true
---

# Any role and terms in MyST

- any-alias: {any}`bearer token`
"""


@pytest.fixture
def any_terms(tmp_path):
    """test-xref plus two pages that reach spec terms through ``:any:``."""
    srcdir = tmp_path / "xref-any"
    shutil.copytree(ROOT, srcdir)
    (srcdir / "any_terms.rst").write_text(ANY_TERMS_RST, encoding="utf-8")
    (srcdir / "any_terms_md.md").write_text(ANY_TERMS_MD, encoding="utf-8")
    return build(srcdir)


@pytest.mark.parametrize(
    ("docname", "label", "target"),
    [
        ("any_terms", "any-alias", "PAY-001.idempotency-key"),
        ("any_terms", "any-name", "PAY-001.idempotency-key"),
        ("any_terms_md", "any-alias", "AUTH-002.access-token"),
    ],
)
def test_any_role_finds_a_spec_term(any_terms, docname, label, target):
    page, title, shown_id = OBJECTS[target]
    _anchor, reached_page, reached = followed(any_terms, docname, label)
    assert reached_page == page
    assert shown_id in text_of(reached)


def test_any_role_on_a_spec_term_is_not_ambiguous(any_terms):
    """The spec term and its own ``:term:`` entry are one target, not two (``-W`` must pass)."""
    assert [line for line in warnings_of(any_terms) if line.startswith("any_terms")] == []


# -- dangling references ---------------------------------------------------------------


@pytest.mark.parametrize(("filename", "target"), DANGLING)
def test_unknown_id_warns_at_the_reference_line(built, filename, target):
    lineno = line_of(ROOT / filename, target)
    pattern = warning_pattern(filename, lineno, target, "ref")
    assert any(pattern.match(line) for line in warnings_of(built)), warnings_of(built)


def test_only_the_unknown_ids_warn(built):
    assert len(warnings_of(built)) == len(DANGLING), warnings_of(built)


@pytest.mark.parametrize(
    ("docname", "target"), [("refs", "PAY-001.nope"), ("refs_md", "AUTH-002.nowhere")]
)
def test_unknown_id_renders_as_plain_text(built, docname, target):
    paragraph = next(p for p in html(built, docname).find_all("p") if text_of(p) == target)
    assert paragraph.find("a") is None


def test_item_labels_are_unique(built):
    """The root's labels identify one reference each (guards the other tests' lookups)."""
    for docname in ("payments", "auth", "refs", "refs_md"):
        soup = html(built, docname)
        labels = [text_of(li).split(":")[0] for li in soup.find_all("li") if ":" in text_of(li)]
        assert len(labels) == len(set(labels))
        assert item(soup, labels[0]) is not None


# -- objects.inv -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("objtype", "name"),
    [
        ("spec:spec", "PAY-001"),
        ("spec:spec", "AUTH-002"),
        ("spec:goal", "PAY-001.recovery"),
        ("spec:non-goal", "AUTH-002.sso"),
        ("spec:approach", "PAY-001.storage"),
        ("spec:approach", "AUTH-002.format"),
        ("spec:flow", "PAY-001.checkout"),
        ("spec:error", "PAY-001.A1"),
        ("spec:error", "AUTH-002.spent"),
        ("spec:question", "PAY-001.pci"),
        ("spec:concession", "AUTH-002.revocation-delay"),
        ("spec:term", "PAY-001.idempotency-key"),
        ("spec:diagram", "AUTH-002.token-model"),
    ],
)
def test_objects_inv_lists_every_object_with_its_uri(built, objtype, name):
    page, title, shown_id = OBJECTS[name]
    entry = inventory(built)[objtype, name]
    uri_page, fragment = split_href(entry.uri)
    assert uri_page == page
    assert entry.display_name == title
    reached = landing(built.outdir, uri_page, fragment)
    assert title in text_of(reached)
    assert shown_id in text_of(reached)


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("Idempotency key", "PAY-001.idempotency-key"),
        ("idem key", "PAY-001.idempotency-key"),
        ("Access token", "AUTH-002.access-token"),
        ("bearer token", "AUTH-002.access-token"),
    ],
)
def test_objects_inv_lists_spec_terms_as_standard_terms(built, name, target):
    inv = inventory(built)
    assert inv["std:term", name].uri == inv["spec:term", target].uri


def test_objects_inv_uri_matches_the_rendered_link(built):
    href = link(html(built, "refs"), "approach-full")["href"]
    assert inventory(built)["spec:approach", "PAY-001.storage"].uri == href
