"""Project-wide checks run on every build: ``sphinx-build -W`` fails again with nothing changed.

CI systems that keep the doctree directory between runs build with nothing
to read; the project-wide warnings (``spec.lifecycle``, ``spec.required``,
``spec.glossary``, duplicates, dangling links in options and filters) must
still be reported, once, and fail ``-W``. A ``:revisit:`` date that passes
between two builds is reported although no source changed.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from helpers import ANSI
from sphinx.cmd.build import build_main

import sphinx_spec.config

VIOLATIONS = """\
Checked
=======

.. spec:: Settled too early
   :id: EARLY-1
   :status: accepted
   :supersedes: GHOST-9

.. open-question:: Is it safe?
   :id: safe
   :blocking:

.. spec-approach:: Cache
   :id: cache
   :decision: Use Redis
   :revisit: 2026-06-01

.. spec-term:: Widget

   A spec's widget.

.. glossary::

   Widget
      A glossary's widget.
"""

CONF = """\
extensions = ["sphinx_spec"]
exclude_patterns = ["_build"]
spec_required = ["spec-goal"]
"""

#: (warning subtype, words of its message) that every build must report once
PROJECT_WARNINGS = [
    ("lifecycle", "is accepted but has open blocking questions"),
    ("ref", ":supersedes: names unknown spec 'GHOST-9'"),
    ("required", "has no spec-goal"),
    ("glossary", "spec term 'Widget' clashes with the glossary term"),
]


@pytest.fixture
def project(tmp_path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    (src / "index.rst").write_text(VIOLATIONS, encoding="utf-8")
    return src


def sphinx_build(src: Path, capsys) -> tuple[int, list[str]]:
    """``sphinx-build -W -b html`` on *src*, its doctrees kept: exit status and warnings."""
    out = src.parent / "_build"
    status = build_main(["-W", "-q", "-b", "html", "-d", str(out / "doctrees"), str(src), str(out)])
    lines = ANSI.sub("", capsys.readouterr().err).splitlines()
    return status, [line for line in lines if "WARNING" in line]


def count(warnings: list[str], subtype: str, words: str) -> int:
    return sum(words in line and line.endswith(f"[spec.{subtype}]") for line in warnings)


@pytest.mark.parametrize(("subtype", "words"), PROJECT_WARNINGS)
def test_a_violation_fails_w_on_the_first_build_and_on_a_rebuild_without_changes(
    project, capsys, subtype, words
):
    first_status, first = sphinx_build(project, capsys)
    second_status, second = sphinx_build(project, capsys)
    assert (first_status, count(first, subtype, words)) == (1, 1), first
    assert (second_status, count(second, subtype, words)) == (1, 1), second


def test_the_rebuild_reads_nothing_yet_reports_the_same_warnings(project, capsys):
    sphinx_build(project, capsys)
    doctree = project.parent / "_build" / "doctrees" / "index.doctree"
    read_at = doctree.stat().st_mtime_ns
    _status, first = sphinx_build(project, capsys)
    _status, second = sphinx_build(project, capsys)
    assert doctree.stat().st_mtime_ns == read_at
    assert sorted(second) == sorted(first)


def test_a_fixed_violation_passes_on_the_next_build(project, capsys):
    assert sphinx_build(project, capsys)[0] == 1
    text = VIOLATIONS.replace("   :blocking:\n", "   :status: answered\n")
    text = text.replace("   :supersedes: GHOST-9\n", "").replace("   :revisit: 2026-06-01\n", "")
    text = text.replace("   Widget\n      A glossary's widget.\n", "   Gadget\n      A gadget.\n")
    (project / "index.rst").write_text(
        text + "\n.. spec-goal:: A goal\n   :id: goal\n", encoding="utf-8"
    )
    status, warnings = sphinx_build(project, capsys)
    assert (status, warnings) == (0, [])


def on(day: datetime.date):
    return lambda: day


def test_a_revisit_date_that_passes_between_builds_is_reported(project, capsys, monkeypatch):
    monkeypatch.setattr(sphinx_spec.config, "current_date", on(datetime.date(2026, 5, 31)))
    _status, before = sphinx_build(project, capsys)
    monkeypatch.setattr(sphinx_spec.config, "current_date", on(datetime.date(2026, 6, 2)))
    status, after = sphinx_build(project, capsys)
    overdue = "approach EARLY-1.cache is chosen but was due for revisiting on 2026-06-01"
    assert count(before, "lifecycle", overdue) == 0
    assert (status, count(after, "lifecycle", overdue)) == (1, 1)
