"""What readers see of test verification: the ``verified`` column of ``error-paths`` and
``spec-goals``, the ``spec-verification`` view, the card's Verification row and the badge
on each object's block, in HTML, single HTML, LaTeX and text; fresh after a report changes.

``tests/roots/test-verif-views-basic`` lists ``reports/junit.xml`` (hand-written JUnit XML):
PAY-1 (``payments.rst``, implemented) has error paths A1 (two passing tests), A2 (one
failing, one passing test), A3 (no test) and goals ``fast`` (passing) and ``safe``
(skipped); LED-1 (MyST ``ledger.md``) has error path A1 (a test that errs) and goal
``durable`` (no test); AUD-1 has only an approach, ``keep``, which a passing test names.
``tests/roots/test-verif-views-off`` has the same specs and no ``spec_test_reports``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from helpers import build, html, located, text_of
from test_incremental import copy_project, doctree_times, reread, status
from test_views_incremental import built_files, page_times, rows, view

ROOT = Path(__file__).parent / "roots" / "test-verif-views-basic"

TIMEOUT = "tests.test_pay.test_timeout [PAY-1.A2]"
QUEUE = "tests.test_ledger.test_queue [LED-1.A1]"


def badge_of(cell: Tag) -> tuple[str, str, str]:
    """The verification badge in *cell*: its text, its state class, its tooltip."""
    (found,) = cell.select(".spec-badge")
    (state,) = [c for c in found["class"] if c.startswith("spec-verification-")]
    return text_of(found), state, found.get("title", "")


def cells(block: Tag, column: str) -> list[Tag]:
    """The ``td`` of *column* in each body row of the view's table."""
    table = block.find("table")
    headers = [text_of(th) for th in table.select("thead th")]
    return [tr.find_all("td")[headers.index(column)] for tr in table.select("tbody tr")]


def card(page: BeautifulSoup, name: str) -> Tag | None:
    for label in page.find_all("dt"):
        if text_of(label).rstrip(" :") == name:
            return label.find_next_sibling("dd")
    return None


def block_badges(page: BeautifulSoup) -> dict[str, tuple[str, str, str, str]]:
    """Each object block's verification marker: the block's anchor → badge and note."""
    found = {}
    for marker in page.select("span.spec-verification"):
        block = marker.find_parent(class_="spec-object")
        anchor = block.find(id=True)["id"]
        found[anchor] = (*badge_of(marker), text_of(marker))
    return found


# -- the verified column -----------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="verif-views-basic")
@pytest.mark.test_params(shared_result="verif-views-html")
def test_error_paths_show_a_verified_column_naming_the_tests(app):
    app.build()
    block = view(html(app, "portfolio"), "Error paths")
    assert [(r["Spec"], r["#"], r["Verified"]) for r in rows(block)] == [
        ("LED-1", "A1", f"error {QUEUE}"),
        ("PAY-1", "A1", "passed (2 tests)"),
        ("PAY-1", "A2", f"failed {TIMEOUT}"),
        ("PAY-1", "A3", "untested"),
    ]
    badges = [badge_of(cell) for cell in cells(block, "Verified")]
    assert badges == [
        ("error", "spec-verification-error", f"{QUEUE} (error)"),
        (
            "passed",
            "spec-verification-passed",
            "tests.test_pay.test_declined (passed); "
            "tests.test_pay.test_declined_again [PAY-1.A1] (passed)",
        ),
        (
            "failed",
            "spec-verification-failed",
            f"{TIMEOUT} (failed); tests.test_pay.test_timeout_backoff [PAY-1.A2] (passed)",
        ),
        ("untested", "spec-verification-untested", ""),
    ]
    # the tooltip is an abbreviation's title; an untested badge has none
    assert [cell.select_one(".spec-badge").name for cell in cells(block, "Verified")] == [
        "abbr",
        "abbr",
        "abbr",
        "span",
    ]


@pytest.mark.sphinx("html", testroot="verif-views-basic")
@pytest.mark.test_params(shared_result="verif-views-html")
def test_goals_show_a_verified_column(app):
    app.build()
    page = html(app, "portfolio")
    block = view(page, "Goals")
    assert [(r["Goal"], r["Verified"]) for r in rows(block)] == [
        ("Durable entries", "untested"),
        ("Fast retries", "passed (1 test)"),
        ("Safe retries", "skipped (1 test)"),
    ]
    assert [badge_of(c)[1] for c in cells(block, "Verified")] == [
        "spec-verification-untested",
        "spec-verification-passed",
        "spec-verification-skipped",
    ]
    assert [(r["Goal"], r["Verified"]) for r in rows(view(page, "Goals of Lena"))] == [
        ("Durable entries", "untested")
    ]


@pytest.mark.sphinx("html", testroot="verif-views-basic")
@pytest.mark.test_params(shared_result="verif-views-html")
def test_verified_column_can_be_chosen_and_sorted(app):
    app.build()
    block = view(html(app, "portfolio"), "Errors by state")
    headers = [text_of(th) for th in block.select("thead th")]
    assert headers == ["#", "Verified"]
    # sorted by state, what needs attention first (not by the state's word, which a
    # translation changes); ties keep the default order
    assert [(r["#"], r["Verified"].split()[0]) for r in rows(block)] == [
        ("A2", "failed"),
        ("A1", "error"),
        ("A3", "untested"),
        ("A1", "passed"),
    ]
    myst = view(html(app, "portfolio_md"), "MyST error paths")
    assert rows(myst) == [{"#": "A1", "Verified": f"error {QUEUE}"}]


@pytest.mark.sphinx("html", testroot="verif-views-basic")
@pytest.mark.test_params(shared_result="verif-views-html")
def test_error_paths_and_goals_filter_by_state(app):
    app.build()
    page = html(app, "portfolio")
    assert rows(view(page, "Error paths by state")) == [
        {"Spec": "LED-1", "#": "A1", "Verified": f"error {QUEUE}"},
        {"Spec": "PAY-1", "#": "A3", "Verified": "untested"},
    ]
    goals = view(page, "Goals not passing")
    assert [(r["Goal"], r["Verified"]) for r in rows(goals)] == [
        ("Durable entries", "untested"),
        ("Safe retries", "skipped (1 test)"),
    ]
    # nothing verifies a non-goal: a view filtered by state lists none
    assert "Retry card declines" in text_of(view(page, "Goals"))
    assert "Retry card declines" not in text_of(goals)


# -- the spec-verification view ----------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="verif-views-basic")
@pytest.mark.test_params(shared_result="verif-views-html")
def test_verification_view_lists_failing_specs_first(app):
    app.build()
    block = view(html(app, "portfolio"), "Verification")
    assert rows(block) == [
        {
            "Spec": "LED-1",
            "Status": "draft",
            "Error paths verified": "0 of 1",
            "Goals verified": "0 of 1",
            "Failing": "LED-1.A1",
            "Failing tests": QUEUE,
            "Untested": "1",
        },
        {
            "Spec": "PAY-1",
            "Status": "implemented",
            "Error paths verified": "1 of 3",
            "Goals verified": "1 of 2",
            "Failing": "PAY-1.A2",
            "Failing tests": TIMEOUT,
            "Untested": "1",
        },
        {
            "Spec": "AUD-1",
            "Status": "draft",
            "Error paths verified": "",
            "Goals verified": "",
            "Failing": "",
            "Failing tests": "",
            "Untested": "0",
        },
    ]
    hrefs = {text_of(a): a["href"] for a in block.select("tbody a")}
    assert hrefs["LED-1.A1"] == "ledger.html#error-led-1-a1"
    assert hrefs["PAY-1.A2"] == "payments.html#error-pay-1-a2"
    assert hrefs["AUD-1"].startswith("audit.html#")


@pytest.mark.sphinx("html", testroot="verif-views-basic")
@pytest.mark.test_params(shared_result="verif-views-html")
def test_verification_view_filters(app):
    app.build()
    page, myst = html(app, "portfolio"), html(app, "portfolio_md")

    def specs(title: str, source: BeautifulSoup = page) -> list[str]:
        return [r["Spec"] for r in rows(view(source, title))]

    assert specs("Failing specs") == ["PAY-1"]  # :state: failed
    assert specs("Untested specs") == ["LED-1", "PAY-1"]  # AUD-1's one object passes
    assert rows(view(page, "Money")) == [{"Spec": "PAY-1", "Failing tests": TIMEOUT}]
    assert specs("Drafts by id descending") == ["LED-1", "AUD-1"]
    assert text_of(view(page, "Bad state").find("p", class_="spec-view-empty")) == (
        "No matching specs."
    )
    assert specs("MyST errors", myst) == ["LED-1"]
    # the valid value stays: PAY-1 (A1 passes, and it fails) first, then AUD-1
    assert specs("MyST bad state", myst) == ["PAY-1", "AUD-1"]


@pytest.mark.sphinx("html", testroot="verif-views-basic")
@pytest.mark.test_params(shared_result="verif-views-html")
def test_an_unknown_verification_state_is_a_located_option_warning(app):
    app.build()
    expected = "failed, error, passed, skipped, untested"
    assert located(app, "option") == [
        f"portfolio.rst:24: spec-verification: unknown :state: 'lost' (expected one of: "
        f"{expected}); ignored",
        f"portfolio_md.md:12: spec-verification: unknown :state: 'sleepy' (expected one of: "
        f"{expected}); ignored",
    ]


# -- the card and the blocks -------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="verif-views-basic")
@pytest.mark.test_params(shared_result="verif-views-html")
def test_card_counts_verified_error_paths_and_goals(app):
    app.build()
    assert text_of(card(html(app, "payments"), "Verification")) == (
        "error paths verified 1 of 3 (1 failing); goals verified 1 of 2"
    )
    assert text_of(card(html(app, "ledger"), "Verification")) == (
        "error paths verified 0 of 1 (1 failing); goals verified 0 of 1"
    )
    assert card(html(app, "audit"), "Verification") is None  # no error paths, no goals


@pytest.mark.sphinx("html", testroot="verif-views-basic")
@pytest.mark.test_params(shared_result="verif-views-html")
def test_each_block_shows_its_state_and_tests(app):
    app.build()
    assert block_badges(html(app, "payments")) == {
        "error-pay-1-a1": (
            "passed",
            "spec-verification-passed",
            "tests.test_pay.test_declined (passed); "
            "tests.test_pay.test_declined_again [PAY-1.A1] (passed)",
            "passed (2 tests)",
        ),
        "error-pay-1-a2": (
            "failed",
            "spec-verification-failed",
            f"{TIMEOUT} (failed); tests.test_pay.test_timeout_backoff [PAY-1.A2] (passed)",
            f"failed {TIMEOUT}",
        ),
        "error-pay-1-a3": ("untested", "spec-verification-untested", "", "untested"),
        "goal-pay-1-fast": (
            "passed",
            "spec-verification-passed",
            "tests.test_pay.test_fast [PAY-1.fast] (passed)",
            "passed (1 test)",
        ),
        "goal-pay-1-safe": (
            "skipped",
            "spec-verification-skipped",
            "tests.test_pay.test_safe [PAY-1.safe] (skipped)",
            "skipped (1 test)",
        ),
    }
    ledger = block_badges(html(app, "ledger"))
    assert {anchor: found[3] for anchor, found in ledger.items()} == {
        "error-led-1-a1": f"error {QUEUE}",
        "goal-led-1-durable": "untested",
    }
    # an approach has a state only because a test names it; a name with markup is text
    (keep,) = block_badges(html(app, "audit")).values()
    assert keep[3] == "passed (2 tests)"
    assert keep[2] == (
        "tests.test_audit.test_keep [AUD-1.keep] (passed); "
        "tests.test_audit.test_<b>\"x\"&'y' [AUD-1.keep] (passed)"
    )
    raw = (Path(app.outdir) / "audit.html").read_text(encoding="utf-8")
    assert "<b>" not in raw and "test_&lt;b&gt;&quot;x&quot;&amp;" in raw
    # the badge follows the block's title
    title = html(app, "payments").select_one("span.spec-verification").parent
    assert text_of(title).startswith("Error path A1 Card declined passed")


@pytest.mark.sphinx("singlehtml", testroot="verif-views-basic")
def test_single_html_shows_badges_views_and_cards(app):
    app.build()
    page = html(app, "index")
    assert [r["Spec"] for r in rows(view(page, "Verification"))] == ["LED-1", "PAY-1", "AUD-1"]
    assert len(page.select("span.spec-verification")) == 8
    labels = [text_of(dt).rstrip(" :") for dt in page.find_all("dt")]
    assert labels.count("Verification") == 2


# -- without reports ---------------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="verif-views-off")
def test_without_reports_nothing_shows_verification_unless_asked(app):
    app.build()
    page = html(app, "portfolio")
    for title, first in (("Error paths", "#"), ("Goals", "Goal")):
        headers = [text_of(th) for th in view(page, title).select("thead th")]
        assert headers[0] == first and "Verified" not in headers
    assert [r["Verified"] for r in rows(view(page, "Verified asked for"))] == ["untested"] * 4
    assert [r["Untested"] for r in rows(view(page, "Verification"))] == ["2", "5"]
    payments = html(app, "payments")
    assert card(payments, "Verification") is None
    assert payments.select("span.spec-verification") == []


# -- other builders ----------------------------------------------------------------------------


@pytest.mark.sphinx("text", testroot="verif-views-basic")
def test_text_builder_shows_states_and_failing_tests(app):
    app.build()
    out = Path(app.outdir)
    payments = " ".join((out / "payments.txt").read_text(encoding="utf-8").split())
    assert (
        "Verification: error paths verified 1 of 3 (1 failing); goals verified 1 of 2" in payments
    )
    assert f'Error path "A2" **Provider timeout** failed {TIMEOUT} System action' in payments
    assert 'Goal "safe" **Safe retries** skipped (1 test)' in payments
    assert "(failed)" not in payments  # no tooltip text outside HTML
    portfolio = (out / "portfolio.txt").read_text(encoding="utf-8")
    assert re.search(r"\| PAY-1 +\| implement\w* +\| 1 of 3 +\| 1 of 2 +\| PAY-1.A2 +\|", portfolio)
    assert re.search(r"\| A3 +\| untested +\|", portfolio)
    assert re.search(r"\| A1 +\| passed \(2 +\|", portfolio)


@pytest.mark.sphinx("latex", testroot="verif-views-basic")
def test_latex_builder_shows_states_and_failing_tests(app):
    app.build()
    (tex_file,) = Path(app.outdir).glob("*.tex")
    tex = " ".join(tex_file.read_text(encoding="utf-8").split())
    assert "error paths verified 1 of 3 (1 failing); goals verified 1 of 2" in tex
    assert "Error paths verified" in tex and "Failing tests" in tex
    assert "passed (2 tests)" in tex
    assert "untested" in tex and "skipped (1 test)" in tex
    assert "test\\_timeout\\_backoff" not in tex  # the passing test is named in HTML only
    # the block's badge and the failing test after its title
    assert "\\sphinxstylestrong{Provider timeout} failed tests.test\\_pay.test\\_timeout" in tex
    assert "No matching specs." in tex


# -- freshness ---------------------------------------------------------------------------------


def test_a_changed_report_rewrites_exactly_the_pages_that_show_it(tmp_path):
    src = copy_project(ROOT, tmp_path / "src")
    report = src / "reports" / "junit.xml"
    first = build(src, "html")
    read_at, written_at = doctree_times(src), page_times(first)

    # test_declined_again now fails: PAY-1.A1 fails
    text = report.read_text(encoding="utf-8")
    old = '<testcase classname="tests.test_pay" name="test_declined_again [PAY-1.A1]"/>'
    assert old in text
    report.write_text(
        text.replace(old, old[:-2] + '><failure message="no"/></testcase>'), encoding="utf-8"
    )
    second = build(src, "html")
    written = page_times(second)
    assert reread(read_at, src) == []
    # the card and blocks of PAY-1, and the two pages of views; Sphinx writes the toctree
    # holding a written page again too, whose own data did not change
    assert "looking for now-outdated files... 3 found" in status(second)
    assert sorted(doc for doc in written if written[doc] != written_at[doc]) == [
        "index",
        "payments",
        "portfolio",
        "portfolio_md",
    ]
    assert text_of(card(html(second, "payments"), "Verification")) == (
        "error paths verified 0 of 3 (2 failing); goals verified 1 of 2"
    )
    assert block_badges(html(second, "payments"))["error-pay-1-a1"][3] == (
        "failed tests.test_pay.test_declined_again [PAY-1.A1]"
    )
    verification = view(html(second, "portfolio"), "Verification")
    failing = cells(verification, "Failing")[1]
    assert [(text_of(a), a["href"]) for a in failing.find_all("a")] == [
        ("PAY-1.A1", "payments.html#error-pay-1-a1"),
        ("PAY-1.A2", "payments.html#error-pay-1-a2"),
    ]

    # nothing changed: nothing is written
    third = build(src, "html")
    assert page_times(third) == written
    assert "looking for now-outdated files... none found" in status(third)
    # a test case moved within the report shows the same: nothing is written
    moved = report.read_text(encoding="utf-8").replace("<testsuite ", "\n\n<testsuite ", 1)
    report.write_text(moved, encoding="utf-8")
    fourth = build(src, "html")
    assert page_times(fourth) == written
    assert "looking for now-outdated files... none found" in status(fourth)
    assert reread(read_at, src) == []


def test_parallel_build_writes_the_same_pages_as_serial(tmp_path):
    serial = build(copy_project(ROOT, tmp_path / "serial" / "src"), "html")
    parallel = build(copy_project(ROOT, tmp_path / "parallel" / "src"), "html", parallel=2)
    assert parallel.is_parallel_allowed("read") and parallel.is_parallel_allowed("write")
    one, two = built_files(serial, ".html"), built_files(parallel, ".html")
    assert len(one) == 8  # six pages, genindex, search
    assert [name for name, content in one.items() if two.get(name) != content] == []
    assert sorted(two) == sorted(one)
