"""An incremental build gives what a fresh ``-E`` build of the same sources gives, edit after edit.

A copy of ``tests/roots/test-scenarios`` goes through a chain of edits (add,
remove, rename and move documents; move a spec and an object; change a term,
a glossary entry, a status, an included file, the imported ``spec.json``, the
test report and ``conf.py``; duplicate ids appearing and disappearing). Each view also has a page
of its own, so that a view kept when it should have changed shows. After each edit the
project is built on its own tree, incrementally, and a copy of the same
sources is built fresh. Every page's content, ``objects.inv``, ``spec.json``
and the project-wide warnings must be the same. The chain runs once with
``-j 1`` and once with ``-j 2`` (the fresh builds are serial).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest
from bs4 import BeautifulSoup
from helpers import build, inventory

from sphinx_spec.store import store_of
from sphinx_spec.views.catalog import VIEWS

ROOT = Path(__file__).parent / "roots" / "test-scenarios"


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def toctree_add(src: Path, docname: str) -> None:
    replace(src / "index.rst", "   portfolio\n", f"   portfolio\n   {docname}\n")


def toctree_remove(src: Path, docname: str) -> None:
    replace(src / "index.rst", f"   {docname}\n", "")


def add_document(src: Path, docname: str, text: str) -> None:
    (src / docname).parent.mkdir(parents=True, exist_ok=True)
    (src / f"{docname}.rst").write_text(text, encoding="utf-8")
    toctree_add(src, docname)


def remove_document(src: Path, filename: str) -> None:
    (src / filename).unlink()
    toctree_remove(src, filename.rsplit(".", 1)[0])


def move_document(src: Path, filename: str, to: str) -> None:
    (src / to).parent.mkdir(parents=True, exist_ok=True)
    (src / filename).rename(src / to)
    replace(src / "index.rst", f"   {filename.rsplit('.', 1)[0]}\n", f"   {to.rsplit('.', 1)[0]}\n")


DELTA = """\
Delta
=====

.. spec:: Delta refunds
   :id: DELTA-4
   :status: draft
   :supersedes: BETA-2

   Refunds, again.
"""

AARDVARK = """\
Zeta
====

.. spec:: Aardvark widgets
   :id: AARDVARK-0

.. spec-term:: Widget

   A thing that is retried.
"""

DUPLICATE_ALPHA = """\
Another alpha
=============

.. spec:: Alpha, again
   :id: ALPHA-1
   :status: implemented

.. spec-approach:: Other storage
   :id: storage
   :decision: Keep attempts in memory
"""

GLOSSARY_WIDGET = """
   Widget
      A glossary's widget.
"""

QUEUE = """
.. spec-approach:: Refund queue
   :id: queue
   :decision: Use a queue
   :status: proposed
"""


def imported(src: Path) -> Path:
    return src / "imported" / "spec.json"


def edit_imported_titles(src: Path) -> None:
    replace(imported(src), '"title": "Journal"', '"title": "Journal of entries"')
    replace(imported(src), '"title": "Ledger"', '"title": "General ledger"')


def import_a_local_id(src: Path) -> None:
    replace(imported(src), '"id": "LED-1"', '"id": "BETA-2"')


def break_imported(src: Path) -> None:
    imported(src).write_text("{ not json", encoding="utf-8")


def restore_imported(src: Path) -> None:
    shutil.copy(ROOT / "imported" / "spec.json", imported(src))


def report(src: Path) -> Path:
    return src / "reports" / "junit.xml"


def fail_a_test(src: Path) -> None:
    replace(report(src), 'name="test_declined_card [ALPHA-1.A1]"/>', 'name="test_declined_card '
            '[ALPHA-1.A1]"><failure message="declined twice"/></testcase>')  # fmt: skip


def name_an_unknown_id(src: Path) -> None:
    replace(
        report(src), 'value="ALPHA-1.fewer-failures"', 'value="ALPHA-1.fewer-failures, ALPHA-1.A9"'
    )


def restore_report(src: Path) -> None:
    report(src).parent.mkdir(exist_ok=True)
    shutil.copy(ROOT / "reports" / "junit.xml", report(src))


def move_queue_to_delta(src: Path) -> None:
    replace(src / "beta.rst", QUEUE, "")
    append(src / "delta.rst", QUEUE)


def rename_beta(src: Path) -> None:
    replace(src / "beta.rst", ":id: BETA-2", ":id: BETA-20")


def retitle_flow(src: Path) -> None:
    replace(src / "alpha.rst", ".. spec-flow:: Charge\n", ".. spec-flow:: Charging\n")


def name_a_term(src: Path) -> None:
    replace(src / "alpha.rst", ":decision: Keep attempts in", ":decision: Keep :term:`Widget` in")


def rename_named_term(src: Path) -> None:
    """The first definition (AARDVARK-0's) renamed: ``Widget`` now leads to ALPHA-1's."""
    replace(src / "zeta.rst", ".. spec-term:: Widget\n", ".. spec-term:: Sprocket\n")


NON_GOAL = """
.. non-goal:: Retrying refunds
   :id: refunds
"""


SCENARIOS: list[tuple[str, Callable[[Path], None]]] = [
    ("approach decision edited", lambda s: replace(s / "alpha.rst", "Postgres", "Redis")),
    ("referenced object retitled", lambda s: replace(s / "alpha.rst", "Retry storage", "Attempts")),
    (
        "included file edited",
        lambda s: replace(s / "parts" / "alpha-extra.rst", ":severity: high", ":severity: low"),
    ),
    ("status changed", lambda s: replace(s / "beta.rst", ":status: draft", ":status: accepted")),
    (
        "blocking question answered",
        lambda s: replace(s / "alpha.rst", "   :blocking:\n", "   :status: answered\n"),
    ),
    ("superseding spec added", lambda s: add_document(s, "delta", DELTA)),
    ("term defined by a spec whose id sorts first", lambda s: add_document(s, "zeta", AARDVARK)),
    ("glossary defines the term", lambda s: append(s / "glossary.rst", GLOSSARY_WIDGET)),
    ("glossary entry removed", lambda s: replace(s / "glossary.rst", GLOSSARY_WIDGET, "")),
    ("duplicate spec id takes over", lambda s: add_document(s, "0-dup", DUPLICATE_ALPHA)),
    ("duplicate spec id removed", lambda s: remove_document(s, "0-dup.rst")),
    ("imported spec.json retitled", edit_imported_titles),
    ("imported spec takes a local id", import_a_local_id),
    ("imported spec.json broken", break_imported),
    ("imported spec.json restored", restore_imported),
    ("test report: a test now fails", fail_a_test),
    ("test report: a test names an unknown id", name_an_unknown_id),
    ("test report removed", lambda s: shutil.rmtree(s / "reports")),
    ("test report restored", restore_report),
    ("spec document moved", lambda s: move_document(s, "gamma.md", "specs/gamma.md")),
    ("object moved to another spec", move_queue_to_delta),
    (
        "term alias changed",
        lambda s: replace(s / "alpha.rst", ":aliases: gadget", ":aliases: gizmo"),
    ),
    ("flow retitled (the error-path view shows it)", retitle_flow),
    ("approach decision names a term", name_a_term),
    ("the term an approach names renamed", rename_named_term),
    ("non-goal added", lambda s: append(s / "alpha.rst", NON_GOAL)),
    (
        "filtered view added to a plain page",
        lambda s: append(s / "uses.rst", "\n.. spec-tradeoffs:: Alpha only\n   :spec: ALPHA-1\n"),
    ),
    ("spec id renamed", rename_beta),
    ("spec document removed", lambda s: remove_document(s, "delta.rst")),
    (
        "MyST document edited",
        lambda s: replace(s / "specs" / "gamma.md", "Nightly files", "Hourly files"),
    ),
    ("error path past the flow's end", lambda s: replace(s / "alpha.rst", ":step: 2", ":step: 5")),
    ("glossary document removed", lambda s: remove_document(s, "glossary.rst")),
    ("configuration changed", lambda s: append(s / "conf.py", 'spec_required = ["spec-goal"]\n')),
]


class Output(NamedTuple):
    """What a build gave a reader: page contents, inventory, export, project warnings."""

    pages: dict[str, str]
    inventory: dict
    spec_json: str
    findings: list[tuple[str, str, str]]


def page_contents(app) -> dict[str, str]:
    """The document body of each page of the project and of the index page.

    Sphinx's own navigation around the body, and the pages it leaves behind
    for removed documents, are not sphinx-spec's to keep.
    """
    srcdir, outdir = Path(app.srcdir), Path(app.outdir)
    pages = {}
    for page in [*(f"{docname}.html" for docname in sorted(app.env.found_docs)), "genindex.html"]:
        soup = BeautifulSoup((outdir / page).read_text(encoding="utf-8"), "html.parser")
        pages[page] = str(soup.select_one("div.body")).replace(str(srcdir), "<src>")
    return pages


def output_of(app) -> Output:
    srcdir, outdir = Path(app.srcdir), Path(app.outdir)
    findings = [
        (f.subtype, f.message, str(f.location).replace(str(srcdir), "<src>"))
        for f in store_of(app.env).findings
    ]
    return Output(
        page_contents(app),
        inventory(app),
        (outdir / "spec.json").read_text(encoding="utf-8"),
        findings,
    )


def fresh_build(src: Path, dest: Path) -> Output:
    shutil.copytree(src, dest / "src", ignore=shutil.ignore_patterns("_build"))
    return output_of(build(dest / "src", freshenv=True))


def add_view_pages(src: Path) -> None:
    """One page per view, the view alone on it: a page is written again only when what it
    shows changed, so each view's own freshness is seen, not the portfolio's as a whole."""
    for name in VIEWS:
        add_document(src, f"views/{name}", f"{name}\n{'=' * len(name)}\n\n.. {name}::\n")


@pytest.fixture(scope="module", params=[1, 2], ids=["j1", "j2"])
def chain(request, tmp_path_factory) -> dict[str, tuple[Output, Output]]:
    """Each scenario's incremental and fresh outputs, the edits applied one after another."""
    jobs = request.param
    base = tmp_path_factory.mktemp(f"chain-j{jobs}")
    src = base / "src"
    shutil.copytree(ROOT, src)
    add_view_pages(src)
    build(src, parallel=jobs)
    results = {}
    for number, (name, edit) in enumerate(SCENARIOS):
        edit(src)
        incremental = output_of(build(src, parallel=jobs))
        results[name] = (incremental, fresh_build(src, base / f"fresh-{number}"))
    return results


def test_the_chain_has_at_least_twenty_scenarios():
    assert len(SCENARIOS) >= 20
    assert len({name for name, _edit in SCENARIOS}) == len(SCENARIOS)


@pytest.mark.parametrize("scenario", [name for name, _edit in SCENARIOS])
def test_incremental_pages_equal_fresh(chain, scenario):
    incremental, fresh = chain[scenario]
    assert incremental.pages.keys() == fresh.pages.keys()
    for page, body in fresh.pages.items():
        assert incremental.pages[page] == body, f"{page} differs after: {scenario}"


@pytest.mark.parametrize("scenario", [name for name, _edit in SCENARIOS])
def test_incremental_inventory_equals_fresh(chain, scenario):
    incremental, fresh = chain[scenario]
    assert incremental.inventory == fresh.inventory


@pytest.mark.parametrize("scenario", [name for name, _edit in SCENARIOS])
def test_incremental_spec_json_equals_fresh(chain, scenario):
    incremental, fresh = chain[scenario]
    assert incremental.spec_json == fresh.spec_json


@pytest.mark.parametrize("scenario", [name for name, _edit in SCENARIOS])
def test_incremental_project_warnings_equal_fresh(chain, scenario):
    incremental, fresh = chain[scenario]
    assert incremental.findings == fresh.findings


def test_the_report_edits_reach_the_pages(chain):
    """The chain's report edits are seen at all: the states change on the portfolio."""

    def verification(scenario: str) -> list[str]:
        body = BeautifulSoup(chain[scenario][0].pages["portfolio.html"], "html.parser")
        return [" ".join(b.get_text().split()) for b in body.select(".spec-verification-failed")]

    assert verification("imported spec.json restored") == []
    assert verification("test report: a test now fails") != []
    unknown = chain["test report: a test names an unknown id"][0].findings
    assert [(f[0], f[1], f[2].rsplit("/", 2)[-2:]) for f in unknown if "A9" in f[1]] == [
        (
            "ref",
            "test 'tests.test_alpha.test_fewer_failures' names 'ALPHA-1.A9', which is no spec "
            "object",
            ["reports", "junit.xml:5"],
        )
    ]
    assert verification("test report removed") == []
