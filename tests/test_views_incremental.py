"""Portfolio views stay correct after incremental builds, serial and parallel.

Each scenario builds a copy of ``tests/roots/test-views-fresh`` (specs
ALPHA-1 in ``alpha.rst``, BETA-1 in ``beta.rst``, GAMMA-1 in the MyST
``gamma.md``; ``portfolio.rst`` shows every view, each titled; ``uses.rst``
and ``notes.md`` reference BETA-1), changes the sources and builds again on
the same tree with a new application, as a second ``sphinx-build`` would.
The portfolio page is never edited: it must be written again from the
project's new data without being read again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest
from bs4 import BeautifulSoup, Tag
from helpers import build, html, text_of, warnings_of
from linking import line_of, split_href, warning_pattern
from sphinx.testing.util import SphinxTestApp
from test_incremental import (
    JOBS,
    add_to_toctree,
    copy_project,
    doctree_times,
    remove_from_toctree,
    reread,
    status,
)

from sphinx_spec import freshness

ROOT = Path(__file__).parent / "roots" / "test-views-fresh"

VIEW_TITLES = (
    "All specs",
    "Accepted specs",
    "Trade-offs",
    "Goals",
    "Error paths",
    "Open questions",
    "Concessions",
    "Glossary",
)


# -- reading the rendered views -----------------------------------------------------------


def view(page: BeautifulSoup, title: str) -> Tag:
    """The block of the view that the portfolio page titles *title*."""
    for block in page.find_all("div", class_="spec-view-block"):
        rubric = block.find("p", class_="rubric")
        if rubric is not None and text_of(rubric) == title:
            return block
    raise AssertionError(f"no view titled {title!r}")


def rows(block: Tag) -> list[dict[str, str]]:
    """Every body row of the view's tables, as ``{column header: cell text}``."""
    found = []
    for table in block.find_all("table"):
        headers = [text_of(th) for th in table.select("thead th")]
        for tr in table.select("tbody tr"):
            cells = [text_of(td) for td in tr.find_all("td")]
            found.append(dict(zip(headers, cells, strict=True)))
    return found


def row(block: Tag, column: str, value: str) -> dict[str, str]:
    """The one row whose *column* reads *value*."""
    matching = [r for r in rows(block) if r[column] == value]
    assert len(matching) == 1, f"{len(matching)} rows with {column} = {value!r}: {rows(block)}"
    return matching[0]


def column(block: Tag, name: str) -> list[str]:
    return [r[name] for r in rows(block)]


def plain(node: Tag) -> str:
    """An element's text as it reads, whitespace collapsed (no space added around links)."""
    return " ".join(node.get_text().split())


def entries(block: Tag) -> list[str]:
    """The text of every table cell and listed item (non-goals) of a view."""
    return [plain(cell) for cell in block.find_all(["td", "li"])]


def card_field(page: BeautifulSoup, name: str) -> str:
    """The value of the spec card's field *name* (``Open questions``, ``Superseded by``…)."""
    for label in page.find_all("dt"):
        if text_of(label).rstrip(" :") == name:
            return text_of(label.find_next_sibling("dd"))
    raise AssertionError(f"the card has no field {name!r}")


def banner(page: BeautifulSoup) -> Tag | None:
    return page.find("div", class_="spec-superseded")


# -- building twice -----------------------------------------------------------------------


class Rebuilt(NamedTuple):
    """The first build's pages, the second build, and what the second one read and wrote."""

    before: dict[str, BeautifulSoup]
    app: SphinxTestApp
    reread: list[str]
    rewritten: list[str]


def page_times(app: SphinxTestApp) -> dict[str, int]:
    """When each document's HTML page was last written."""
    return {
        doc: (Path(app.outdir) / f"{doc}.html").stat().st_mtime_ns
        for doc in sorted(app.env.found_docs)
    }


def rebuilt_after(
    tmp_path_factory, name: str, change: Callable[[Path], None], jobs: int = 0
) -> Rebuilt:
    """Build a copy of the root, apply *change* to its sources, build again."""
    srcdir = copy_project(ROOT, tmp_path_factory.mktemp(name) / "src")
    first = build(srcdir, parallel=jobs)
    before = {doc: html(first, doc) for doc in sorted(first.env.found_docs)}
    read_at, written_at = doctree_times(srcdir), page_times(first)
    change(srcdir)
    second = build(srcdir, parallel=jobs)
    written = page_times(second)
    rewritten = sorted(doc for doc, mtime in written.items() if written_at.get(doc) != mtime)
    return Rebuilt(before, second, reread(read_at, srcdir), rewritten)


def edit(path: Path, old: str, new: str) -> None:
    """Replace *old* (which must occur once) by *new* in *path*."""
    source = path.read_text(encoding="utf-8")
    assert source.count(old) == 1, f"{old!r} occurs {source.count(old)} times in {path.name}"
    path.write_text(source.replace(old, new), encoding="utf-8")


def delta_spec(supersedes: str = "") -> str:
    """A spec document, DELTA-1, with one object of every kind the views show."""
    extra = f"   :supersedes: {supersedes}\n" if supersedes else ""
    return f"""\
Delta
=====

.. spec:: Delta messaging
   :id: DELTA-1
   :status: draft
   :owners: dana
{extra}
   Deliver order events.

.. spec-goal:: Delta throughput
   :metric: Events per second
   :baseline: 100
   :target: 1000

.. non-goal:: Delta exactly-once delivery

.. spec-approach:: Delta queue
   :id: queue
   :decision: Use a managed Kafka cluster

.. spec-flow:: Delta publish
   :id: publish

   1. Service emits an event.

.. error-path:: Delta broker down
   :flow: publish
   :step: 1
   :action: Delta buffers the event
   :feedback: Delta reports nothing to the user

.. spec-concession:: Delta duplicate delivery
   :kind: risk

.. open-question:: Delta retention period?
   :owner: dana

.. spec-term:: Delta message

   One event on the bus.
"""


def add_delta(srcdir: Path, supersedes: str = "") -> None:
    (srcdir / "delta.rst").write_text(delta_spec(supersedes), encoding="utf-8")
    add_to_toctree(srcdir, "delta")


def edit_beta_decision(srcdir: Path) -> None:
    edit(srcdir / "beta.rst", "Sign tokens with Ed25519", "Sign tokens with RSA-PSS")


def delete_beta(srcdir: Path) -> None:
    (srcdir / "beta.rst").unlink()
    remove_from_toctree(srcdir, "beta")


def change_statuses(srcdir: Path) -> None:
    """GAMMA-1 (MyST) becomes accepted, BETA-1 stops being accepted."""
    edit(srcdir / "gamma.md", ":status: review", ":status: accepted")
    edit(srcdir / "beta.rst", ":status: accepted", ":status: deprecated")


def answer_alpha_question(srcdir: Path) -> None:
    edit(
        srcdir / "alpha.rst",
        "   :blocking:\n",
        "   :blocking:\n   :status: answered\n   :answer: 100 calls per second\n",
    )


def supersede_alpha(srcdir: Path) -> None:
    add_delta(srcdir, supersedes="ALPHA-1")


def move_beta(srcdir: Path) -> None:
    """Move BETA-1, unchanged, to another document."""
    (srcdir / "beta.rst").rename(srcdir / "beta-moved.rst")
    edit(srcdir / "index.rst", "   beta\n", "   beta-moved\n")


@pytest.fixture(scope="module", params=list(JOBS))
def decision_edited(request, tmp_path_factory) -> Rebuilt:
    """(a) BETA-1's approach gets a new :decision: (-j 1 and -j 2)."""
    return rebuilt_after(
        tmp_path_factory, f"decision-{request.param}", edit_beta_decision, JOBS[request.param]
    )


@pytest.fixture(scope="module", params=list(JOBS))
def spec_added(request, tmp_path_factory) -> Rebuilt:
    """(b) a new spec document, DELTA-1, and its toctree entry (-j 1 and -j 2)."""
    return rebuilt_after(tmp_path_factory, f"added-{request.param}", add_delta, JOBS[request.param])


@pytest.fixture(scope="module", params=list(JOBS))
def spec_deleted(request, tmp_path_factory) -> Rebuilt:
    """(c) BETA-1's document and its toctree entry are deleted (-j 1 and -j 2)."""
    return rebuilt_after(
        tmp_path_factory, f"deleted-{request.param}", delete_beta, JOBS[request.param]
    )


@pytest.fixture(scope="module")
def statuses_changed(tmp_path_factory) -> Rebuilt:
    """(d) GAMMA-1 review → accepted, BETA-1 accepted → deprecated."""
    return rebuilt_after(tmp_path_factory, "statuses", change_statuses)


@pytest.fixture(scope="module")
def question_answered(tmp_path_factory) -> Rebuilt:
    """(e) ALPHA-1's blocking open question is answered."""
    return rebuilt_after(tmp_path_factory, "answered", answer_alpha_question)


@pytest.fixture(scope="module")
def alpha_superseded(tmp_path_factory) -> Rebuilt:
    """(f) DELTA-1 is added and supersedes ALPHA-1, whose status stays draft."""
    return rebuilt_after(tmp_path_factory, "superseded", supersede_alpha)


@pytest.fixture(scope="module")
def spec_moved(tmp_path_factory) -> Rebuilt:
    """BETA-1 moves, unchanged, from ``beta.rst`` to ``beta-moved.rst``."""
    return rebuilt_after(tmp_path_factory, "moved", move_beta)


def shown_fresh_without_reading(rebuilt: Rebuilt, docname: str) -> bool:
    """Whether *docname*'s page was written again although its source was not read again."""
    return docname not in rebuilt.reread and docname in rebuilt.rewritten


# -- (a) editing an approach's decision ------------------------------------------------------


def test_edited_decision_rereads_only_its_spec(decision_edited):
    assert decision_edited.reread == ["beta"]


def test_edited_decision_shows_in_tradeoffs(decision_edited):
    before = view(decision_edited.before["portfolio"], "Trade-offs")
    after = view(html(decision_edited.app, "portfolio"), "Trade-offs")
    assert row(before, "Approach", "Beta token format")["Decision"] == "Sign tokens with Ed25519"
    assert row(after, "Approach", "Beta token format")["Decision"] == "Sign tokens with RSA-PSS"


def test_edited_decision_rewrites_the_unread_portfolio(decision_edited):
    assert shown_fresh_without_reading(decision_edited, "portfolio")


def test_edited_decision_rewrites_no_page_that_does_not_show_it(decision_edited):
    # Sphinx itself writes "index" again: its toctree lists the re-read "beta"
    assert decision_edited.rewritten == ["beta", "index", "portfolio"]


# -- (b) adding a spec document ------------------------------------------------------------


def test_added_spec_rereads_only_itself_and_the_toctree(spec_added):
    assert spec_added.reread == ["delta", "index"]


def test_added_spec_rewrites_the_unread_portfolio(spec_added):
    assert shown_fresh_without_reading(spec_added, "portfolio")


def test_added_spec_is_listed_in_spec_index(spec_added):
    before = view(spec_added.before["portfolio"], "All specs")
    after = view(html(spec_added.app, "portfolio"), "All specs")
    assert column(before, "ID") == ["ALPHA-1", "BETA-1", "GAMMA-1"]
    assert column(after, "ID") == ["ALPHA-1", "BETA-1", "DELTA-1", "GAMMA-1"]
    assert row(after, "ID", "DELTA-1")["Title"] == "Delta messaging"


def test_added_spec_row_links_to_its_document(spec_added):
    block = view(html(spec_added.app, "portfolio"), "All specs")
    cell = next(a for a in block.find_all("a") if text_of(a) == "DELTA-1")
    assert split_href(cell["href"]) == ("delta.html", "spec-delta-1")


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("Trade-offs", "Use a managed Kafka cluster"),
        ("Goals", "Delta throughput"),
        ("Goals", "Delta exactly-once delivery (DELTA-1)"),
        ("Error paths", "Delta broker down"),
        ("Open questions", "Delta retention period?"),
        ("Concessions", "Delta duplicate delivery"),
        ("Glossary", "Delta message"),
    ],
)
def test_added_spec_objects_appear_in_every_view(spec_added, title, shown):
    assert shown not in entries(view(spec_added.before["portfolio"], title))
    assert shown in entries(view(html(spec_added.app, "portfolio"), title))


def test_added_spec_counts_in_open_questions_summary(spec_added):
    summary = html(spec_added.app, "portfolio").find("p", class_="spec-view-summary")
    assert text_of(summary) == "2 open · 1 answered · 1 deferred · 1 blocking"


# -- (c) deleting a spec document ----------------------------------------------------------


def test_deleted_spec_rereads_only_the_toctree(spec_deleted):
    assert spec_deleted.reread == ["index"]


def test_deleted_spec_rewrites_the_unread_portfolio(spec_deleted):
    assert shown_fresh_without_reading(spec_deleted, "portfolio")


@pytest.mark.parametrize("title", VIEW_TITLES)
def test_deleted_spec_rows_leave_every_view(spec_deleted, title):
    assert "BETA-1" in text_of(view(spec_deleted.before["portfolio"], title))
    after = text_of(view(html(spec_deleted.app, "portfolio"), title))
    assert "BETA-1" not in after
    assert "Beta" not in after


def test_deleted_spec_leaves_accepted_index_empty(spec_deleted):
    block = view(html(spec_deleted.app, "portfolio"), "Accepted specs")
    assert block.find("table") is None
    assert text_of(block.find("p", class_="spec-view-empty")) == "No matching specs."


@pytest.mark.parametrize(
    ("filename", "target"),
    [
        ("uses.rst", "BETA-1"),
        ("uses.rst", "BETA-1.tokens"),
        ("notes.md", "BETA-1"),
        ("notes.md", "BETA-1.tokens"),
    ],
)
def test_reference_to_deleted_spec_warns(spec_deleted, filename, target):
    app = spec_deleted.app
    lineno = line_of(app.srcdir / filename, f"`{target}`")
    pattern = warning_pattern(filename, lineno, f"'{target}'", "ref")
    assert any(pattern.match(line) for line in warnings_of(app)), warnings_of(app)


# -- (d) changing a spec's status ------------------------------------------------------------


def test_changed_status_shows_in_spec_index(statuses_changed):
    block = view(html(statuses_changed.app, "portfolio"), "All specs")
    statuses = {r["ID"]: r["Status"] for r in rows(block)}
    assert statuses == {"ALPHA-1": "draft", "BETA-1": "deprecated", "GAMMA-1": "accepted"}


def test_changed_status_moves_specs_in_and_out_of_filtered_index(statuses_changed):
    before = view(statuses_changed.before["portfolio"], "Accepted specs")
    after = view(html(statuses_changed.app, "portfolio"), "Accepted specs")
    assert column(before, "ID") == ["BETA-1"]
    assert column(after, "ID") == ["GAMMA-1"]


def test_changed_status_rereads_only_the_edited_specs(statuses_changed):
    assert statuses_changed.reread == ["beta", "gamma"]
    assert shown_fresh_without_reading(statuses_changed, "portfolio")


# -- (e) answering an open question ---------------------------------------------------------


def summary_of(page: BeautifulSoup) -> str:
    return text_of(view(page, "Open questions").find("p", class_="spec-view-summary"))


def test_answered_question_rewrites_the_unread_portfolio(question_answered):
    assert question_answered.reread == ["alpha"]
    assert shown_fresh_without_reading(question_answered, "portfolio")


def test_answered_question_changes_open_questions_summary(question_answered):
    assert summary_of(question_answered.before["portfolio"]) == (
        "1 open · 1 answered · 1 deferred · 1 blocking"
    )
    assert summary_of(html(question_answered.app, "portfolio")) == (
        "0 open · 2 answered · 1 deferred · 0 blocking"
    )


def test_answered_question_row_shows_status_and_answer(question_answered):
    block = view(html(question_answered.app, "portfolio"), "Open questions")
    answered = row(block, "Question", "Alpha provider limits?")
    assert (answered["Status"], answered["Answer"]) == ("answered", "100 calls per second")


def test_answered_question_changes_spec_index_counts(question_answered):
    before = row(view(question_answered.before["portfolio"], "All specs"), "ID", "ALPHA-1")
    after = row(view(html(question_answered.app, "portfolio"), "All specs"), "ID", "ALPHA-1")
    assert (before["Open questions"], before["Blocking"]) == ("1", "1")
    assert (after["Open questions"], after["Blocking"]) == ("0", "0")


def test_answered_question_changes_spec_card_counts(question_answered):
    before = card_field(question_answered.before["alpha"], "Open questions")
    assert before == "1 open of 1, 1 blocking"
    assert card_field(html(question_answered.app, "alpha"), "Open questions") == "0 open of 1"


# -- (f) adding a spec that supersedes another -----------------------------------------------


def test_superseded_spec_and_portfolio_are_rewritten_without_being_reread(alpha_superseded):
    assert alpha_superseded.reread == ["delta", "index"]
    assert shown_fresh_without_reading(alpha_superseded, "alpha")
    assert shown_fresh_without_reading(alpha_superseded, "portfolio")


def test_superseded_spec_card_shows_the_banner(alpha_superseded):
    assert banner(alpha_superseded.before["alpha"]) is None
    shown = banner(html(alpha_superseded.app, "alpha"))
    assert shown is not None
    assert "This spec is superseded by DELTA-1." in plain(shown)
    assert split_href(shown.find("a")["href"]) == ("delta.html", "spec-delta-1")


def test_superseded_spec_card_lists_its_successor(alpha_superseded):
    assert card_field(html(alpha_superseded.app, "alpha"), "Superseded by") == "DELTA-1"


def test_superseded_spec_with_draft_status_warns_lifecycle(alpha_superseded):
    app = alpha_superseded.app
    lineno = line_of(app.srcdir / "alpha.rst", ".. spec:: Alpha ledger")
    pattern = warning_pattern("alpha.rst", lineno, "superseded by DELTA-1", "lifecycle")
    assert any(pattern.match(line) for line in warnings_of(app)), warnings_of(app)


# -- moving a spec to another document ------------------------------------------------------


def test_moved_spec_rewrites_the_unread_portfolio(spec_moved):
    assert spec_moved.reread == ["beta-moved", "index"]
    assert shown_fresh_without_reading(spec_moved, "portfolio")


@pytest.mark.parametrize("title", VIEW_TITLES)
def test_moved_spec_view_links_follow_it(spec_moved, title):
    block = view(html(spec_moved.app, "portfolio"), title)
    beta_links = [a for a in block.find_all("a") if a.get("title", "").startswith("BETA-1")]
    pages = {split_href(a["href"])[0] for a in beta_links}
    assert pages == {"beta-moved.html"}


# -- (g) nothing changed, nothing written ----------------------------------------------------


@pytest.fixture(scope="module")
def unchanged(tmp_path_factory) -> Rebuilt:
    return rebuilt_after(tmp_path_factory, "unchanged", lambda srcdir: None)


def test_rebuild_without_changes_reports_nothing_out_of_date(unchanged):
    assert "no targets are out of date" in status(unchanged.app)


def test_rebuild_without_changes_reads_and_writes_no_page(unchanged):
    assert len(unchanged.before) == 7
    assert unchanged.reread == []
    assert unchanged.rewritten == []


# -- parallel output equals serial output ----------------------------------------------------


def built_files(app: SphinxTestApp, suffix: str) -> dict[str, bytes]:
    """Every output file ending in *suffix*, with the build's own path replaced."""
    own = str(Path(app.srcdir).parent).encode()
    return {
        str(path.relative_to(app.outdir)): path.read_bytes().replace(own, b"<build>")
        for path in sorted(Path(app.outdir).rglob(f"*{suffix}"))
    }


@pytest.fixture(scope="module", params=[("html", ".html"), ("text", ".txt")], ids=["html", "text"])
def serial_and_parallel(request, tmp_path_factory) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The root built with ``-j 1`` and with ``-j 2``, in two source trees."""
    builder, suffix = request.param
    base = tmp_path_factory.mktemp(f"parallel-{builder}")
    serial = build(copy_project(ROOT, base / "serial" / "src"), builder)
    parallel = build(copy_project(ROOT, base / "parallel" / "src"), builder, parallel=2)
    assert parallel.is_parallel_allowed("read") and parallel.is_parallel_allowed("write")
    return built_files(serial, suffix), built_files(parallel, suffix)


def test_parallel_build_writes_the_same_files_as_serial(serial_and_parallel):
    serial, parallel = serial_and_parallel
    assert len(serial) >= 7
    assert sorted(parallel) == sorted(serial)


def test_parallel_build_output_is_byte_identical(serial_and_parallel):
    serial, parallel = serial_and_parallel
    differing = [name for name, content in serial.items() if parallel.get(name) != content]
    assert differing == []


def test_an_answered_question_digests_only_the_views_that_show_questions(
    tmp_path_factory, monkeypatch
):
    """After a build, only the views that read the changed kind of record (and the views of
    every kind) are computed again to tell whether their pages changed."""
    srcdir = copy_project(ROOT, tmp_path_factory.mktemp("digested") / "src")
    build(srcdir)
    digested: list[str] = []
    view_data = freshness.view_data

    def spy(index, query):
        digested.append(query.title)
        return view_data(index, query)

    monkeypatch.setattr(freshness, "view_data", spy)
    answer_alpha_question(srcdir)  # lines added: the records below move, which changes nothing
    app = build(srcdir)
    assert sorted(digested) == ["Accepted specs", "All specs", "Open questions"]
    page = html(app, "portfolio")
    assert row(view(page, "Open questions"), "Question", "Alpha provider limits?")["Status"] == (
        "answered"
    )
