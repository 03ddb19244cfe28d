"""Reviews that stay true, end to end, as a team lives them, in reStructuredText and MyST.

One project (``tests/roots/test-cli-reviews-<format>`` plus a portfolio page):
PAY-001 (accepted, approvers alice and bob) and PAY-002, which depends on it.
Every step edits the sources — by hand, or with ``sphinx-spec approve`` /
``review`` — and builds incrementally into the same output, never with ``-E``:

1. approve and review: the build is clean;
2. the approach's decision changes: the approvals go stale, the link goes
   suspect — in the warnings, both cards, the approvals view, the index marker
   and the graph — while only the changed document is read again;
3. approve and review again: clean again, every page says so;
4. the goal's target changes: the suspect link names the goal.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from helpers import build, html, located, text_of
from test_incremental import doctree_times, reread
from test_views_incremental import rows, view

from sphinx_spec.cli import main

ROOTS = Path(__file__).parent / "roots"

PORTFOLIO = {
    "rst": """\
Portfolio
=========

.. spec-index:: Specs

.. spec-approvals:: Approvals

.. spec-graph:: Graph
""",
    "md": """\
# Portfolio

```{spec-index} Specs
```

```{spec-approvals} Approvals
```

```{spec-graph} Graph
```
""",
}


def project(tmp_path: Path, fmt: str) -> Path:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / f"test-cli-reviews-{fmt}", src)
    (src / f"portfolio.{fmt}").write_text(PORTFOLIO[fmt], encoding="utf-8")
    index = src / f"index.{fmt}"
    index.write_text(
        re.sub(r"^( *)client$", r"\1client\n\1portfolio", index.read_text(), flags=re.M)
    )
    return src


def cli(src: Path, command: str, *argv: str) -> int:
    where = [str(src)] if command == "check" else ["--project", str(src)]
    return main([command, *argv, *where])


def review_warnings(app) -> list[str]:
    return located(app, "review") + located(app, "lifecycle")


def card_row(page, name: str) -> str:
    """The text of the card's field *name* ("" when the card has no such row)."""
    for label in page.select(".spec-card dt"):
        if text_of(label).rstrip(" :") == name:
            return text_of(label.find_next_sibling("dd"))
    return ""


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, pattern: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if re.search(pattern, line))


def signed(src: Path, capsys) -> None:
    assert cli(src, "approve", "PAY-001", "--by", "alice") == 0
    assert cli(src, "approve", "PAY-001", "--by", "bob") == 0
    assert cli(src, "review", "PAY-002") == 0
    capsys.readouterr()


def assert_clean(app) -> None:
    assert review_warnings(app) == []
    storage, client = html(app, "storage"), html(app, "client")
    assert storage.select("p.spec-approval-earlier") == []
    assert card_row(storage, "Approvers") == "alice approved ; bob approved"
    assert card_row(client, "Link reviews") == ""
    portfolio = html(app, "portfolio")
    assert {r["Approver"]: r["State"] for r in rows(view(portfolio, "Approvals"))} == {
        "alice": "approved",
        "bob": "approved",
    }
    assert {r["ID"]: r["Status"] for r in rows(view(portfolio, "Specs"))} == {
        "PAY-001": "accepted",
        "PAY-002": "draft",
    }
    assert "==>" not in portfolio.select_one("pre.mermaid").get_text()


@pytest.mark.parametrize("fmt", ["rst", "md"])
def test_approve_change_rebuild_reapprove_review(fmt, tmp_path, capsys):
    src = project(tmp_path, fmt)
    storage, client = src / f"storage.{fmt}", src / f"client.{fmt}"
    build(src)

    # 1. approved by both, the link reviewed: nothing to say
    signed(src, capsys)
    assert_clean(build(src))
    assert cli(src, "check") == 0
    capsys.readouterr()

    # 2. the decision changes; nothing else is touched
    edit(storage, "Use Postgres", "Use MySQL")
    before = doctree_times(src)
    changed = build(src)
    assert reread(before, src) == ["storage"]
    alice, bob = (line_of(storage, rf"spec-approval\W+{name}") for name in ("alice", "bob"))
    spec_line = line_of(storage, r"spec\W+Storage")
    client_line = line_of(client, r"spec\W+Client")
    why = "approach `storage` decision changed"
    assert located(changed, "review") == [
        f"{storage.name}:{alice}: the approval by alice is for an earlier version of PAY-001 "
        f"({why}); it does not count until `sphinx-spec approve PAY-001 --by alice` is run "
        "again",
        f"{storage.name}:{bob}: the approval by bob is for an earlier version of PAY-001 "
        f"({why}); it does not count until `sphinx-spec approve PAY-001 --by bob` is run again",
        f"{client.name}:{client_line}: spec PAY-002 depends on PAY-001, which changed since it "
        f"was reviewed: {why}; review the change, then run `sphinx-spec review PAY-002`",
    ]
    assert located(changed, "lifecycle") == [
        f"{storage.name}:{spec_line}: spec PAY-001 is 'accepted' without a current approval "
        "from alice (approved an earlier version), bob (approved an earlier version)"
    ]
    shown = why.replace("`", "")
    assert card_row(html(changed, "storage"), "Approvers") == (
        f"alice stale (approved by alice for an earlier version: {shown}); "
        f"bob stale (approved by bob for an earlier version: {shown})"
    )
    # each approval says, where it is written, that it is for an earlier version
    for block in html(changed, "storage").select("div.spec-approval"):
        title = block.select_one("p.spec-object-title")
        assert [text_of(b) for b in title.select(".spec-badge")] == ["approved", "stale"]
        earlier = text_of(block.select_one("p.spec-approval-earlier"))
        assert earlier == f"A verdict on an earlier version; since then {shown}."
    # a page that holds every document says so too (single HTML; LaTeX builds the same tree)
    single = build(src, "singlehtml", builddir=src.parent / "_single")
    page = html(single, "index")
    assert [text_of(p) for p in page.select("p.spec-approval-earlier")] == [
        f"A verdict on an earlier version; since then {shown}."
    ] * 2
    # client.* and portfolio.* were not read again, yet their pages say what changed
    assert card_row(html(changed, "client"), "Link reviews") == (f"PAY-001 needs review : {shown}")
    portfolio = html(changed, "portfolio")
    assert {r["Approver"]: r["State"] for r in rows(view(portfolio, "Approvals"))} == {
        "alice": "stale",
        "bob": "stale",
    }
    assert {r["ID"]: r["Status"] for r in rows(view(portfolio, "Specs"))} == {
        "PAY-001": "accepted, needs review",
        "PAY-002": "draft, needs review",
    }
    assert "==>|depends on #40;needs review#41;|" in portfolio.select_one("pre.mermaid").get_text()
    assert cli(src, "check") == 1
    assert f"PAY-002 → PAY-001: {why}" in capsys.readouterr().out

    # 3. both approve the new version, the dependent's author reviews it: clean again
    signed(src, capsys)
    assert_clean(build(src))
    assert cli(src, "check") == 0
    capsys.readouterr()

    # 4. the goal's target changes: the link is suspect for that reason
    edit(storage, "100 ms", "50 ms")
    again = build(src)
    assert located(again, "review")[-1] == (
        f"{client.name}:{client_line}: spec PAY-002 depends on PAY-001, which changed since it "
        "was reviewed: goal `fast` target changed; review the change, then run "
        "`sphinx-spec review PAY-002`"
    )
    assert card_row(html(again, "client"), "Link reviews") == (
        "PAY-001 needs review : goal fast target changed"
    )
