"""Build time and memory of sphinx-spec against plain Sphinx and sphinx-needs, at N specs.

Generates projects of N specs each (default 1,000; ``make bench SPECS=10000``)
with the corpus of issue #15 and builds them in the same run, alternating the
order of the kinds from one run to the next, with the same Python and Sphinx:

- every spec has 2 goals, a non-goal, 5 approaches, a flow of 6 steps, 5
  error paths (on steps 1 to 5), 2 concessions, 3 open questions and 5 terms;
- nested toctrees: ``index`` lists the view pages and ``specs/group-NN``
  pages, each of which lists 50 specs, so no page holds a 1,000-entry toctree;
- view pages over the whole project: ``tradeoffs`` (the trade-off view),
  ``questions`` (the open-question view), ``glossary`` (the glossary view),
  and ``portfolio`` with the other views (spec index, goals, error paths,
  concessions).

The kinds of project:

- ``spec``: every spec written with sphinx-spec directives, the view pages
  with view directives;
- ``plain``: the same text as plain reStructuredText (field lists, labels,
  numbered lists, a glossary) and, on the same pages, hand-written
  ``list-table``s with ``:ref:`` links, row for row what the views render;
- ``needs``: the same content as sphinx-needs needs (one need type per kind
  of object, fields through ``needs_fields``, every object ``links`` to its
  spec) and the view pages as ``needtable``s with the same columns as far as
  sphinx-needs has them (one table of all open questions, not one per spec).
  It is built by an interpreter with sphinx-needs: this one if it imports
  ``sphinx_needs``, else ``--needs-python``; with neither, it is left out
  and the report says so.

The scenarios; in each run, every kind builds a fresh copy of its project
with ``full``, then ``no change`` and the ``edit`` builds follow on it
(without ``full`` among the scenarios, each project is built once, untimed
and with ``-j 2``, and every run follows on it):

- ``full``: ``sphinx-build -E`` (``-j 1``);
- ``full -j 2``: the same with ``-j 2`` (spec and plain), on another copy;
- ``no change``: the timed second build with nothing changed;
- ``edit``: one approach of the middle spec renamed, then the timed
  incremental build. Plain has two baselines: ``plain (stale)`` edits
  the spec's page only and leaves its tables stale (the floor);
  ``plain (updated)``, next, renames an approach of the spec after it and
  also edits its row of the hand-written trade-off table (what the same
  result costs by hand). ``needs`` edits the spec's page.

For ``no change``, the files under the output directory (``spec.json`` included) that the
  second build wrote are listed (by mtime and content hash), and counted
  apart from those Sphinx's HTML builder itself writes on every build
  (``genindex.html``, ``search.html``, ``searchindex.js``, ``objects.inv``,
  ``.buildinfo``, ``_static/``): the goal counts only the others.

Every build's peak memory is the ``ru_maxrss`` of its process. The report
gives medians, min and max, the median of the per-run ratios against plain
(stale), for the edit also against plain (updated), the ``-j 2`` speed-up,
ms per spec, and every goal of the issue as PASS or FAIL (a report: the
exit status does not depend on it). ``--json FILE`` writes it all;
``--profile`` also profiles the spec project's edit and no-change builds
and writes a summary next to the JSON (``<N>-specs-profile.txt``).

    python benchmarks/bench.py --specs 1000 --repeat 3 --profile \\
        --json benchmarks/results/1000-specs.json
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import io
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sphinx

STATUSES = ("draft", "review", "accepted", "implemented")
APPROACH_STATUSES = ("chosen", "proposed", "rejected")
KINDS = ("risk", "debt", "limitation")
GROUP = 50  # specs per group page of the nested toctree
HERE = Path(__file__).resolve().parent

# -- the content, shared by every project ------------------------------------------------------


def spec_id(n: int) -> str:
    return f"BEN-{n:04d}"


def content(n: int) -> dict:
    """Everything one spec says, as plain values."""
    sid = spec_id(n)
    return {
        "n": n,
        "id": sid,
        "title": f"Service {n} redesign",
        "status": STATUSES[n % len(STATUSES)],
        "owners": f"owner{n % 7}",
        "tags": f"area{n % 5}, team{n % 3}",
        "summary": f"Redesign of service {n} for lower latency and simpler operations.",
        "goals": [
            (f"g{g}", f"Faster service {n} path {g}", f"p{g}9 latency", f"{200 + g} ms", "80 ms")
            for g in (1, 2)
        ],
        "non_goal": ("ng1", f"Rewriting the clients of service {n}"),
        "approaches": [
            (
                f"a{a}",
                f"Option {a} for service {n}",
                f"Use design {a}",
                f"Design {a} keeps the data model",
                f"Costs {a} extra nodes",
                APPROACH_STATUSES[(n + a) % len(APPROACH_STATUSES)],
            )
            for a in range(1, 6)
        ],
        "flow": (
            "f1",
            f"Request to service {n}",
            [
                f"Client calls service {n}.",
                "Service validates the request.",
                "Service checks the quota.",
                "Service reads the store.",
                "Service writes the audit log.",
                "Service answers.",
            ],
        ),  # fmt: skip
        "errors": [
            (
                f"e{e}",
                f"Step {e} fails in service {n}",
                e,
                f"Service {n} retries once",
                "Client sees a 503",
            )  # fmt: skip
            for e in range(1, 6)
        ],
        "concessions": [
            (
                f"c{c}",
                f"Concession {c} of service {n}",
                KINDS[(n + c) % len(KINDS)],
                "medium",
                f"owner{(n + c) % 7}",
                f"Service {n} falls back to its cache",
            )  # fmt: skip
            for c in (1, 2)
        ],
        "questions": [
            (
                f"q{q}",
                f"Open point {q} of service {n}?",
                f"owner{(n + q) % 7}",
                "open" if (n + q) % 2 else "answered",
                "" if (n + q) % 2 else "Settled in review",
            )  # fmt: skip
            for q in (1, 2, 3)
        ],
        "terms": [
            (f"t{t}", f"Term {n}-{t}", f"Meaning {t} of a word in service {n}.")
            for t in range(1, 6)
        ],
    }


# -- the sphinx-spec project ---------------------------------------------------------------------


def spec_document(c: dict) -> str:
    lines = [c["title"], "=" * len(c["title"]), "", f".. spec:: {c['title']}",
             f"   :id: {c['id']}", f"   :status: {c['status']}", f"   :owners: {c['owners']}",
             f"   :tags: {c['tags']}", "", f"   {c['summary']}", ""]  # fmt: skip
    for gid, title, metric, baseline, target in c["goals"]:
        lines += [f".. spec-goal:: {title}", f"   :id: {gid}", f"   :metric: {metric}",
                  f"   :baseline: {baseline}", f"   :target: {target}", ""]  # fmt: skip
    lines += [f".. non-goal:: {c['non_goal'][1]}", f"   :id: {c['non_goal'][0]}", ""]
    for aid, title, decision, rationale, impact, status in c["approaches"]:
        lines += [f".. spec-approach:: {title}", f"   :id: {aid}", f"   :decision: {decision}",
                  f"   :rationale: {rationale}", f"   :impact: {impact}",
                  f"   :status: {status}", ""]  # fmt: skip
    fid, ftitle, steps = c["flow"]
    lines += [f".. spec-flow:: {ftitle}", f"   :id: {fid}", ""]
    lines += [f"   {k}. {step}" for k, step in enumerate(steps, 1)] + [""]
    for eid, condition, step, action, feedback in c["errors"]:
        lines += [f".. error-path:: {condition}", f"   :id: {eid}", f"   :flow: {fid}",
                  f"   :step: {step}", f"   :action: {action}",
                  f"   :feedback: {feedback}", ""]  # fmt: skip
    for cid, title, kind, severity, owner, mitigation in c["concessions"]:
        lines += [f".. spec-concession:: {title}", f"   :id: {cid}", f"   :kind: {kind}",
                  f"   :severity: {severity}", f"   :owner: {owner}",
                  f"   :mitigation: {mitigation}", ""]  # fmt: skip
    for qid, title, owner, status, answer in c["questions"]:
        lines += [f".. open-question:: {title}", f"   :id: {qid}", f"   :owner: {owner}",
                  f"   :status: {status}"]  # fmt: skip
        lines += [f"   :answer: {answer}"] if answer else []
        lines += [""]
    for tid, name, meaning in c["terms"]:
        lines += [f".. spec-term:: {name}", f"   :id: {tid}", "", f"   {meaning}", ""]
    return "\n".join(lines)


SPEC_PAGES = {
    "portfolio": """\
Portfolio
=========

.. spec-index:: All specs

.. spec-goals:: Goals

.. error-paths:: Error paths

.. spec-concessions:: Concessions
""",
    "tradeoffs": "Trade-offs\n==========\n\n.. spec-tradeoffs:: Trade-offs\n",
    "questions": "Open questions\n==============\n\n.. open-questions:: Open questions\n",
    "glossary": "Glossary\n========\n\n.. spec-glossary:: Glossary\n",
}


# -- the plain project: the same content, tables by hand ---------------------------------------


def label(c: dict, local: str = "") -> str:
    return f"{c['id'].lower()}-{local}" if local else c["id"].lower()


def plain_document(c: dict) -> str:
    lines = [f".. _{label(c)}:", "", c["title"], "=" * len(c["title"]), "",
             f"**{c['title']}** ``{c['id']}`` {c['status']}", "",
             f":Owners: {c['owners']}", f":Tags: {c['tags']}", "", c["summary"], ""]  # fmt: skip
    for gid, title, metric, baseline, target in c["goals"]:
        lines += [f".. _{label(c, gid)}:", "", f".. rubric:: {title}", "",
                  f":Metric: {metric}", f":Baseline: {baseline}",
                  f":Target: {target}", ""]  # fmt: skip
    lines += [f".. _{label(c, c['non_goal'][0])}:", "", f".. rubric:: {c['non_goal'][1]}", ""]
    for aid, title, decision, rationale, impact, status in c["approaches"]:
        lines += [f".. _{label(c, aid)}:", "", f".. rubric:: {title}", "",
                  f":Decision: {decision}", f":Rationale: {rationale}", f":Impact: {impact}",
                  f":Status: {status}", ""]  # fmt: skip
    fid, ftitle, steps = c["flow"]
    lines += [f".. _{label(c, fid)}:", "", f".. rubric:: {ftitle}", ""]
    lines += [f"{k}. {step}" for k, step in enumerate(steps, 1)] + [""]
    for eid, condition, step, action, feedback in c["errors"]:
        lines += [f".. _{label(c, eid)}:", "", f".. rubric:: {condition}", "",
                  f":Flow: :ref:`{ftitle}, step {step} <{label(c, fid)}>`", f":Action: {action}",
                  f":Feedback: {feedback}", ""]  # fmt: skip
    for cid, title, kind, severity, owner, mitigation in c["concessions"]:
        lines += [f".. _{label(c, cid)}:", "", f".. rubric:: {title}", "",
                  f":Kind: {kind}", f":Severity: {severity}", f":Owner: {owner}",
                  f":Mitigation: {mitigation}", ""]  # fmt: skip
    for qid, title, owner, status, answer in c["questions"]:
        lines += [f".. _{label(c, qid)}:", "", f".. rubric:: {title}", "",
                  f":Owner: {owner}", f":Status: {status}"]  # fmt: skip
        lines += [f":Answer: {answer}"] if answer else []
        lines += [""]
    lines += [".. glossary::", ""]
    for _tid, name, meaning in c["terms"]:
        lines += [f"   {name}", f"      {meaning}", ""]
    return "\n".join(lines)


def ref(text: str, target: str) -> str:
    return f":ref:`{text} <{target}>`"


def list_table(title: str, header: list[str], rows: Iterator[list[str]]) -> list[str]:
    lines = [f".. rubric:: {title}", "", ".. list-table::", "   :header-rows: 1", ""]
    for row in [header, *rows]:
        lines.append(f"   * - {row[0] or '..'}")
        lines += [f"     - {cell}" if cell else "     -" for cell in row[1:]]
    return [*lines, ""]


def plain_pages(all_content: list[dict]) -> dict[str, str]:
    """The view pages, their tables written by hand: row for row what the views render."""
    specs = sorted(all_content, key=lambda c: c["id"])
    portfolio = ["Portfolio", "=========", ""]
    portfolio += list_table(
        "All specs",
        ["ID", "Title", "Status", "Owners", "Tags", "Open questions", "Blocking", "Updated"],
        (
            [
                ref(c["id"], label(c)),
                ref(c["title"], label(c)),
                c["status"],
                c["owners"],
                c["tags"],
                str(sum(q[3] == "open" for q in c["questions"])),
                "0",
                "",
            ]  # fmt: skip
            for c in specs
        ),
    )
    portfolio += list_table(
        "Goals",
        ["Goal", "Metric", "Baseline", "Target", "Spec"],
        (
            [ref(g[1], label(c, g[0])), g[2], g[3], g[4], ref(c["id"], label(c))]
            for c in specs
            for g in c["goals"]
        ),
    )
    portfolio += [".. rubric:: Non-goals", ""]
    portfolio += [
        f"- {ref(c['non_goal'][1], label(c, c['non_goal'][0]))} ({ref(c['id'], label(c))})"
        for c in specs
    ] + [""]
    portfolio += list_table(
        "Error paths",
        ["#", "Condition", "System action", "User feedback", "Flow / step", "Spec"],
        (
            [
                ref(e[0], label(c, e[0])),
                ref(e[1], label(c, e[0])),
                e[3],
                e[4],
                ref(f"{c['flow'][1]}, step {e[2]}", label(c, c["flow"][0])),
                ref(c["id"], label(c)),
            ]  # fmt: skip
            for c in specs
            for e in c["errors"]
        ),
    )
    portfolio += list_table(
        "Concessions",
        ["Concession", "Kind", "Severity", "Owner", "Mitigation", "Spec"],
        (
            [ref(k[1], label(c, k[0])), k[2], k[3], k[4], k[5], ref(c["id"], label(c))]
            for c in specs
            for k in c["concessions"]
        ),
    )
    tradeoffs = ["Trade-offs", "==========", ""]
    tradeoffs += list_table(
        "Trade-offs",
        ["Approach", "Decision", "Rationale", "Impact", "Status", "Spec"],
        (
            [ref(a[1], label(c, a[0])), a[2], a[3], a[4], a[5], ref(c["id"], label(c))]
            for c in specs
            for a in c["approaches"]
        ),
    )
    questions = ["Open questions", "==============", "", ".. rubric:: Open questions", ""]
    for c in specs:
        questions += list_table(
            ref(f"{c['id']}: {c['title']}", label(c)),
            ["Question", "Status", "Owner", "Due", "Blocking", "Answer"],
            ([ref(q[1], label(c, q[0])), q[3], q[2], "", "", q[4]] for q in c["questions"]),
        )
    terms = sorted(((t, c) for c in specs for t in c["terms"]), key=lambda tc: tc[0][1].casefold())
    glossary = ["Glossary", "========", ""]
    glossary += list_table(
        "Glossary",
        ["Term", "Definition", "Aliases", "Defined in"],
        ([f":term:`{t[1]}`", t[2], "", ref(c["id"], label(c))] for t, c in terms),
    )
    return {
        "portfolio": "\n".join(portfolio),
        "tradeoffs": "\n".join(tradeoffs),
        "questions": "\n".join(questions),
        "glossary": "\n".join(glossary),
    }


# -- the sphinx-needs project: the same content as needs, the views as needtables -------------

NEED_TYPES = ("spec", "goal", "nongoal", "approach", "flow", "errorpath", "concession",
              "question", "term")  # fmt: skip
NEED_FIELDS = ("owners", "metric", "baseline", "target", "decision", "rationale", "impact",
               "flow", "step", "action", "feedback", "kind", "severity", "owner", "mitigation",
               "answer", "definition")  # fmt: skip


def need_id(c: dict, local: str = "") -> str:
    return f"{c['id'].replace('-', '_')}_{local.upper()}" if local else c["id"].replace("-", "_")


def need(kind: str, title: str, nid: str, fields: dict[str, object], body: str = "") -> list[str]:
    lines = [f".. {kind}:: {title}", f"   :id: {nid}"]
    lines += [f"   :{name}: {value}" for name, value in fields.items() if value != ""]
    return [*lines, "", *([f"   {body}", ""] if body else [])]


def needs_document(c: dict) -> str:
    sid = need_id(c)
    lines = [c["title"], "=" * len(c["title"]), ""]
    lines += need("spec", c["title"], sid, {"status": c["status"], "owners": c["owners"],
                  "tags": c["tags"]}, c["summary"])  # fmt: skip
    for gid, title, metric, baseline, target in c["goals"]:
        lines += need("goal", title, need_id(c, gid), {"metric": metric, "baseline": baseline,
                      "target": target, "links": sid})  # fmt: skip
    lines += need("nongoal", c["non_goal"][1], need_id(c, c["non_goal"][0]), {"links": sid})
    for aid, title, decision, rationale, impact, status in c["approaches"]:
        lines += need("approach", title, need_id(c, aid), {"decision": decision,
                      "rationale": rationale, "impact": impact, "status": status,
                      "links": sid})  # fmt: skip
    fid, ftitle, steps = c["flow"]
    lines += need("flow", ftitle, need_id(c, fid), {"links": sid})[:-1]
    lines += [f"   {k}. {step}" for k, step in enumerate(steps, 1)] + [""]
    for eid, condition, step, action, feedback in c["errors"]:
        lines += need("errorpath", condition, need_id(c, eid), {"flow": need_id(c, fid),
                      "step": step, "action": action, "feedback": feedback,
                      "links": sid})  # fmt: skip
    for cid, title, kind, severity, owner, mitigation in c["concessions"]:
        lines += need("concession", title, need_id(c, cid), {"kind": kind, "severity": severity,
                      "owner": owner, "mitigation": mitigation, "links": sid})  # fmt: skip
    for qid, title, owner, status, answer in c["questions"]:
        lines += need("question", title, need_id(c, qid), {"owner": owner, "status": status,
                      "answer": answer, "links": sid})  # fmt: skip
    for tid, name, meaning in c["terms"]:
        lines += need("term", name, need_id(c, tid), {"definition": meaning, "links": sid})
    return "\n".join(lines)


def needtable(title: str, kind: str, columns: str, sort: str = "id") -> list[str]:
    return [f".. rubric:: {title}", "", ".. needtable::", f"   :types: {kind}",
            f"   :columns: {columns}", "   :style: table", f"   :sort: {sort}", ""]  # fmt: skip


NEEDS_PAGES = {
    "portfolio": "\n".join(
        ["Portfolio", "=========", ""]
        + needtable("All specs", "spec", "id, title, status, owners, tags")
        + needtable("Goals", "goal", "title, metric, baseline, target, links")
        + needtable("Non-goals", "nongoal", "title, links")
        + needtable("Error paths", "errorpath", "id, title, action, feedback, flow, step, links")
        + needtable("Concessions", "concession", "title, kind, severity, owner, mitigation, links")
    ),
    "tradeoffs": "\n".join(
        ["Trade-offs", "==========", ""]
        + needtable("Trade-offs", "approach", "title, decision, rationale, impact, status, links")
    ),
    "questions": "\n".join(
        ["Open questions", "==============", ""]
        + needtable("Open questions", "question", "title, status, owner, answer, links")
    ),
    "glossary": "\n".join(
        ["Glossary", "========", ""]
        + needtable("Glossary", "term", "title, definition, links", sort="title")
    ),
}

NEEDS_CONF = f"""
needs_types = [{
    ", ".join(
        f'{{"directive": "{kind}", "title": "{kind}", "prefix": "{kind.upper()}_"}}'
        for kind in NEED_TYPES
    )
}]
needs_fields = {{{", ".join(f'"{name}": {{"nullable": True}}' for name in NEED_FIELDS)}}}
"""

# -- the projects --------------------------------------------------------------------------------

# No sidebars: with one, every page repeats the table of contents, a cost of the theme that
# would dwarf what either project does.
CONF = """\
project = "Benchmark"
extensions = [{extensions}]
exclude_patterns = ["_build"]
html_sidebars = {{"**": []}}
spec_today = "2026-01-01"
"""
PROJECT_KINDS = ("spec", "plain", "needs")
VIEW_PAGES = ("portfolio", "tradeoffs", "questions", "glossary")


def write_project(root: Path, kind: str, count: int) -> None:
    """A project of *count* specs of *kind* (``spec``, ``plain`` or ``needs``) in *root*."""
    all_content = [content(n) for n in range(1, count + 1)]
    (root / "specs").mkdir(parents=True)
    extension = {"spec": '"sphinx_spec"', "plain": "", "needs": '"sphinx_needs"'}[kind]
    conf = CONF.format(extensions=extension) + (NEEDS_CONF if kind == "needs" else "")
    (root / "conf.py").write_text(conf, encoding="utf-8")
    groups = [all_content[k : k + GROUP] for k in range(0, count, GROUP)]
    index = ["Benchmark", "=========", "", ".. toctree::", "   :maxdepth: 1", ""]
    index += [f"   {page}" for page in VIEW_PAGES]
    index += [f"   specs/group-{g:02d}" for g in range(1, len(groups) + 1)]
    (root / "index.rst").write_text("\n".join(index) + "\n", encoding="utf-8")
    for g, group in enumerate(groups, 1):
        title = f"Specs {group[0]['n']} to {group[-1]['n']}"
        toctree = [title, "=" * len(title), "", ".. toctree::", "   :maxdepth: 1", ""]
        toctree += [f"   {c['id'].lower()}" for c in group]
        page = root / "specs" / f"group-{g:02d}.rst"
        page.write_text("\n".join(toctree) + "\n", encoding="utf-8")
    render = {"spec": spec_document, "plain": plain_document, "needs": needs_document}[kind]
    for c in all_content:
        (root / "specs" / f"{c['id'].lower()}.rst").write_text(render(c), encoding="utf-8")
    pages = {"spec": SPEC_PAGES, "plain": None, "needs": NEEDS_PAGES}[kind]
    for name, text in (pages or plain_pages(all_content)).items():
        (root / f"{name}.rst").write_text(text, encoding="utf-8")


def edited_spec(count: int, variant: str = "") -> int:
    """The number of the spec the edit scenario changes: the middle one (the one after it
    for ``plain (updated)``, which runs after ``plain (stale)`` on the same project)."""
    return min(count, max(1, count // 2) + (variant == "plain (updated)"))


def edit_one_spec(root: Path, variant: str, count: int) -> list[Path]:
    """Rename approach 1 of a spec; ``plain (updated)`` also edits its trade-off row.

    Returns the pages edited.
    """
    n = edited_spec(count, variant)
    pages = [root / "specs" / f"{spec_id(n).lower()}.rst"]
    if variant == "plain (updated)":
        pages.append(root / "tradeoffs.rst")
    named, renamed = f"Option 1 for service {n}", f"Option 1 (renamed) for service {n}"
    if renamed in pages[0].read_text(encoding="utf-8"):  # renamed by the last run: back again
        named, renamed = renamed, named
    for page in pages:
        text, found = re.subn(rf"{re.escape(named)}(?!\d)", renamed, page.read_text("utf-8"))
        if not found:
            raise RuntimeError(f"{page}: no approach '{named}' to rename")
        page.write_text(text, encoding="utf-8")
    return pages


# -- running a build ----------------------------------------------------------------------------


@dataclass
class Build:
    """One ``sphinx-build`` run: its wall time, its peak memory, its warnings."""

    seconds: float
    mib: float
    warnings: int = 0
    written: list[str] | None = None


@dataclass
class Setup:
    """What the scenarios need to know: the interpreters and where to write."""

    count: int
    work: Path
    templates: dict[str, Path] = field(default_factory=dict)
    python: dict[str, str] = field(default_factory=dict)
    copies: int = 0
    reuse: bool = False  # reuse a built project kept by an earlier run (``--keep``)
    built: dict[str, Path] = field(default_factory=dict)  # the projects built once, by kind

    def fresh(self, kind: str, label: str) -> Path:
        """A fresh copy of the generated project of *kind*."""
        self.copies += 1
        root = self.work / f"{self.copies:03d}-{label}"
        shutil.copytree(self.templates[kind], root)
        return root


def maxrss_mib(kib_or_bytes: int) -> float:
    """``ru_maxrss`` in MiB (Linux gives KiB, macOS bytes)."""
    return kib_or_bytes / (1024 * 1024 if sys.platform == "darwin" else 1024)


def sphinx_build(root: Path, python: str, *options: str, profile: Path | None = None) -> Build:
    """One ``sphinx-build -b html`` in a child process: wall time and ``ru_maxrss``.

    Fails on any warning, except for sphinx-needs, whose warnings are counted.
    """
    strict = "needs" not in root.name
    command = [python, *(["-m", "cProfile", "-o", str(profile)] if profile else []),
               "-m", "sphinx", "-b", "html", "-q", *(["-W"] if strict else []), *options,
               str(root), str(root / "_build" / "html")]  # fmt: skip
    log = root.parent / f"{root.name}.log"
    with log.open("w", encoding="utf-8") as stderr:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(encoding="utf-8", errors="replace")
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({child.returncode}):\n{text[-3000:]}")
    return Build(seconds, maxrss_mib(usage.ru_maxrss), text.count("WARNING"))


def snapshot(outdir: Path) -> dict[str, tuple[int, str]]:
    """Every file under *outdir*: its mtime (ns) and content hash."""
    found = {}
    for path in sorted(outdir.rglob("*")):
        if path.is_file():
            digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
            found[path.relative_to(outdir).as_posix()] = (path.stat().st_mtime_ns, digest)
    return found


def written(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    """Files written (new, touched or changed) or removed between two snapshots.

    A file rewritten with the same bytes counts: the goal is nothing written that did not
    change. A changed content is marked ``(changed)``, a removed file ``(removed)``.
    """
    found = []
    for name, (mtime, digest) in after.items():
        if name not in before:
            found.append(f"{name} (new)")
        elif before[name][1] != digest:
            found.append(f"{name} (changed)")
        elif before[name][0] != mtime:
            found.append(name)
    return found + [f"{name} (removed)" for name in before if name not in after]


#: What Sphinx's HTML builder itself writes again on every build, changed or not.
SPHINX_OWN = re.compile(
    r"(\.buildinfo|_static/.*|genindex\.html|search\.html|searchindex\.js|objects\.inv"
    r"|.*modindex\.html)( \(changed\))?"
)


def beyond_sphinx(files: list[str]) -> list[str]:
    """The written files Sphinx itself would not have written (``spec.json`` among them)."""
    return [name for name in files if not SPHINX_OWN.fullmatch(name)]


# -- the scenarios --------------------------------------------------------------------------------


def full(setup: Setup, kind: str, *options: str) -> tuple[Build, Path]:
    root = setup.fresh(kind, f"{kind}-full{''.join(options).replace(' ', '')}")
    return sphinx_build(root, setup.python[kind], "-E", *options), root


def inputs_digest(setup: Setup, kind: str) -> str:
    """What a built project of *kind* was built from: its generated sources, the Python and
    Sphinx, and for ``spec`` sphinx-spec's own modules."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{kind} {setup.count} {setup.python[kind]} {sphinx.__version__}".encode())
    folders = [setup.templates[kind]]
    if kind == "spec":
        import sphinx_spec

        folders.append(Path(sphinx_spec.__file__).parent)
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(folder).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def built_project(setup: Setup, kind: str) -> Path:
    """*kind*'s project, built (not timed; ``-j 2`` where it is parallel-safe).

    With ``--keep``, it is kept as ``built-<kind>`` and a later run reuses it, as long as
    it was built from the same inputs (:func:`inputs_digest`): at 10,000 specs the plain
    project alone takes over an hour to build.
    """
    stamp = setup.work / f"built-{kind}.inputs"
    root = setup.work / f"built-{kind}"
    inputs = inputs_digest(setup, kind)
    if setup.reuse and root.is_dir() and stamp.is_file() and stamp.read_text() == inputs:
        print(f"  reusing the built {kind} project in {root}", file=sys.stderr, flush=True)
        setup.built[kind] = root
        return root
    stamp.unlink(missing_ok=True)
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(setup.templates[kind], root)
    options = () if kind == "needs" else ("-j", "2")
    built = sphinx_build(root, setup.python[kind], "-E", *options)
    print(f"  built the {kind} project once: {built.seconds:.1f} s ({' '.join(options) or '-j 1'},"
          f" not timed)", file=sys.stderr, flush=True)  # fmt: skip
    stamp.write_text(inputs)
    setup.built[kind] = root
    return root


def edit(setup: Setup, variant: str, root: Path, profile: Path | None = None) -> Build:
    """Rename one approach in the built project *root*, time the incremental build."""
    edit_one_spec(root, variant, setup.count)
    return sphinx_build(root, setup.python[variant.split()[0]], profile=profile)


def no_change(setup: Setup, kind: str, root: Path, profile: Path | None = None) -> Build:
    """Time a build of the built project *root* with nothing changed; note what it wrote."""
    outdir = root / "_build" / "html"
    before = snapshot(outdir)
    measured = sphinx_build(root, setup.python[kind], profile=profile)
    measured.written = written(before, snapshot(outdir))
    return measured


SCENARIOS = ("full", "full -j 2", "edit", "no change")


def variants(scenario: str, kinds: list[str]) -> list[str]:
    """The kinds a scenario builds, in their order of a run."""
    if scenario == "full -j 2":
        return [kind for kind in kinds if kind != "needs"]
    if scenario == "edit":
        return [v for kind in kinds for v in
                (["plain (stale)", "plain (updated)"] if kind == "plain" else [kind])]  # fmt: skip
    return list(kinds)


def run_all(setup: Setup, kinds: list[str], scenarios: list[str], repeat: int) -> dict:
    """Each run builds every kind in turn (the order alternates between runs): a full build,
    then on that project a build with nothing changed, then the edits; ``-j 2`` on a copy."""
    measured: dict[str, dict[str, list[Build]]] = {name: {} for name in scenarios}

    def note(run: int, name: str, variant: str, result: Build) -> None:
        measured[name].setdefault(variant, []).append(result)
        extra = f", {len(result.written)} files written" if result.written else ""
        extra += f" ({len(beyond_sphinx(result.written))} beyond Sphinx's own)" if extra else ""
        extra += f", {result.warnings} warnings" if result.warnings else ""
        print(f"  run {run + 1}  {name:<10} {variant:<16} {result.seconds:8.2f} s"
              f" {result.mib:7.0f} MiB{extra}", file=sys.stderr, flush=True)  # fmt: skip

    chained = [name for name in ("full", "no change", "edit") if name in scenarios]
    # without a timed full build, each project is built once (with -j 2) and every run's
    # builds follow on it, the edit renaming the approach back and forth
    once = chained and "full" not in scenarios
    built_once = {kind: built_project(setup, kind) for kind in kinds if once}
    for run in range(repeat):
        order = kinds if run % 2 == 0 else kinds[::-1]
        for kind in order if chained else []:
            if kind in built_once:
                root = built_once[kind]
            else:
                built, root = full(setup, kind)
                note(run, "full", kind, built)
            if "no change" in scenarios:
                note(run, "no change", kind, no_change(setup, kind, root))
            if "edit" in scenarios:
                for variant in variants("edit", [kind]):
                    note(run, "edit", variant, edit(setup, variant, root))
            if kind not in built_once:
                shutil.rmtree(root)
        if "full -j 2" in scenarios:
            for kind in variants("full -j 2", order):
                built, root = full(setup, kind, "-j", "2")
                note(run, "full -j 2", kind, built)
                shutil.rmtree(root)
    return measured


# -- profile ------------------------------------------------------------------------------------


def profile_summary(path: Path, title: str) -> str:
    out = io.StringIO()
    stats = pstats.Stats(str(path), stream=out)
    out.write(f"== {title}: top 25 by cumulative time ==\n")
    stats.sort_stats("cumulative").print_stats(25)
    out.write(f"== {title}: top 15 by own time ==\n")
    stats.sort_stats("tottime").print_stats(15)
    text = out.getvalue()
    for prefix in sorted({sys.prefix, sys.base_prefix, str(HERE.parent)}, key=len, reverse=True):
        text = text.replace(prefix + "/", "")
    return text


def profile(setup: Setup, target: Path) -> str:
    """The spec project's edit and no-change builds under cProfile, summarised in *target*."""
    edit_prof, nochange_prof = setup.work / "edit.prof", setup.work / "nochange.prof"
    # the project the runs built once, if they did (at 10,000 specs a full build is long)
    root = setup.built["spec"] if "spec" in setup.built else full(setup, "spec")[1]
    edited = edit(setup, "spec", root, profile=edit_prof)
    unchanged = no_change(setup, "spec", root, profile=nochange_prof)
    header = (f"{setup.count} specs, Python {platform.python_version()}, "
              f"Sphinx {sphinx.__version__}, under cProfile: edit {edited.seconds:.2f} s, "
              f"no change {unchanged.seconds:.2f} s\n\n")  # fmt: skip
    text = header + profile_summary(edit_prof, "edit (one approach renamed)")
    text += "\n" + profile_summary(nochange_prof, "no change")
    target.write_text(text, encoding="utf-8")
    return str(target)


# -- the report ------------------------------------------------------------------------------------


def spread(values: list[float], digits: int = 2) -> dict:
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
        "runs": [round(v, digits) for v in values],
    }


def ratio(numerators: list[float], denominators: list[float]) -> float:
    """The median of the per-run ratios (a run builds every kind back to back)."""
    return round(statistics.median(a / b for a, b in zip(numerators, denominators, strict=True)), 3)


def machine() -> dict:
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    return {
        "machine": f"{platform.machine()}, {platform.system()} {platform.release()}",
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "load_average": [round(v, 2) for v in os.getloadavg()],
    }


def goal(name: str, value: float | None, limit: float, at_most: bool = True) -> dict:
    passed = None if value is None else (value <= limit if at_most else value >= limit)
    return {"goal": name, "value": value, "limit": f"{'<=' if at_most else '>='} {limit}",
            "pass": passed}  # fmt: skip


def report(measured: dict, count: int, repeat: int, setup: Setup, notes: list[str]) -> dict:
    results: dict = {}
    seconds: dict[str, dict[str, list[float]]] = {}
    mib: dict[str, dict[str, list[float]]] = {}
    for name, by_variant in measured.items():
        results[name] = {}
        seconds[name] = {v: [b.seconds for b in builds] for v, builds in by_variant.items()}
        mib[name] = {v: [b.mib for b in builds] for v, builds in by_variant.items()}
        for variant, builds in by_variant.items():
            row = {"seconds": spread(seconds[name][variant]),
                   "peak_mib": spread(mib[name][variant], 0)}  # fmt: skip
            if any(b.warnings for b in builds):
                row["warnings"] = [b.warnings for b in builds]
            if name == "no change":
                row["written"] = [b.written for b in builds]
                row["written_beyond_sphinx"] = [beyond_sphinx(b.written or []) for b in builds]
                row["written_count"] = max(len(w) for w in row["written_beyond_sphinx"])
            results[name][variant] = row
    ratios: dict = {}
    for name in measured:
        base = "plain (stale)" if name == "edit" else "plain"
        if base not in seconds[name]:
            continue
        ratios[name] = {
            f"{v} / {base}": ratio(seconds[name][v], seconds[name][base])
            for v in seconds[name]
            if v != base
        }
        if name == "edit" and "plain (updated)" in seconds[name]:
            ratios[name].update({
                f"{v} / plain (updated)": ratio(seconds[name][v], seconds[name]["plain (updated)"])
                for v in ("spec", "needs") if v in seconds[name]
            })  # fmt: skip
        if name in ("full", "edit"):
            ratios[f"{name} peak memory"] = {
                f"{v} / {base}": ratio(mib[name][v], mib[name][base])
                for v in mib[name]
                if v != base
            }
    speedup = {
        kind: ratio(seconds["full"][kind], seconds["full -j 2"][kind])
        for kind in ("spec", "plain")
        if kind in seconds.get("full", {}) and kind in seconds.get("full -j 2", {})
    }
    ms_per_spec = {
        kind: round(statistics.median(values) * 1000 / count, 2)
        for kind, values in seconds.get("full", {}).items()
    }
    result = {
        "specs": count,
        "repeat": repeat,
        **machine(),
        "python": platform.python_version(),
        "sphinx": sphinx.__version__,
        "sphinx_needs": setup.python.get("needs version"),
        "notes": notes,
        "results": results,
        "ratios": ratios,
        "speedup_j2": speedup,
        "ms_per_spec_full": ms_per_spec,
    }
    result["linearity"] = linearity(count, ms_per_spec)
    result["goals"] = goals(result)
    return result


def linearity(count: int, ms_per_spec: dict[str, float]) -> dict | None:
    """Time per spec of the full build against ``results/1000-specs.json``, when N is not 1000."""
    reference = HERE / "results" / "1000-specs.json"
    if count == 1000 or not reference.exists() or not ms_per_spec:
        return None
    earlier = json.loads(reference.read_text(encoding="utf-8")).get("ms_per_spec_full")
    if not earlier:
        return {"note": f"{reference.name} has no ms_per_spec_full: regenerate it"}
    return {
        kind: {"ms_per_spec": ms, "at_1000": earlier[kind], "ratio": round(ms / earlier[kind], 3)}
        for kind, ms in ms_per_spec.items()
        if earlier.get(kind)
    }


def goals(result: dict) -> list[dict]:
    ratios = result["ratios"]
    nochange = result["results"].get("no change", {}).get("spec", {})
    found = [
        goal("full build, spec / plain", ratios.get("full", {}).get("spec / plain"), 1.0),
        goal(
            "edit, spec / plain (stale)", ratios.get("edit", {}).get("spec / plain (stale)"), 2.0
        ),  # fmt: skip
        goal(
            "edit, spec / plain (updated)",
            ratios.get("edit", {}).get("spec / plain (updated)"),
            0.3,
        ),  # fmt: skip
        goal("no change, spec / plain", ratios.get("no change", {}).get("spec / plain"), 1.1),
        goal("no change, files written by spec*", nochange.get("written_count"), 0),
        goal(
            "peak memory (full), spec / plain",
            ratios.get("full peak memory", {}).get("spec / plain"),
            1.15,
        ),  # fmt: skip
        goal("-j 2 speed-up of spec", result["speedup_j2"].get("spec"), 1.3, at_most=False),
    ]
    spec_linearity = (result["linearity"] or {}).get("spec")
    if isinstance(spec_linearity, dict):
        found.append(goal("time per spec vs 1,000 specs", spec_linearity["ratio"], 1.2))
    return found


def show(result: dict) -> None:
    print(f"\n{result['specs']} specs, {result['repeat']} runs; {result['machine']}, "
          f"{result['cpu']}, {result['cpu_count']} CPUs; Python {result['python']}, "
          f"Sphinx {result['sphinx']}, sphinx-needs {result['sphinx_needs'] or '-'}")  # fmt: skip
    for note in result["notes"]:
        print(f"note: {note}")
    print(f"\n{'scenario':<10} {'kind':<16} {'median':>9} {'min':>8} {'max':>8} {'MiB':>6}"
          "  ratio")  # fmt: skip
    for name, rows in result["results"].items():
        base = "plain (stale)" if name == "edit" else "plain"
        for variant, row in rows.items():
            s = row["seconds"]
            r = result["ratios"].get(name, {}).get(f"{variant} / {base}")
            extra = f"{r:6.2f}x" if r is not None else ""
            if name == "edit" and variant in ("spec", "needs"):
                updated = result["ratios"]["edit"].get(f"{variant} / plain (updated)")
                extra += f"  {updated:.2f}x of updated" if updated is not None else ""
            if "written_count" in row:
                extra += f"  {row['written_count']} written beyond Sphinx's own"
            print(f"{name:<10} {variant:<16} {s['median']:>7.2f} s {s['min']:>6.2f} s "
                  f"{s['max']:>6.2f} s {row['peak_mib']['median']:>6.0f} {extra}")  # fmt: skip
    if result["speedup_j2"]:
        print("\n-j 2 speed-up: " + ", ".join(f"{k} {v:.2f}x" for k, v in
                                             result["speedup_j2"].items()))  # fmt: skip
    print("ms per spec (full): " + ", ".join(f"{k} {v:.1f}" for k, v in
                                             result["ms_per_spec_full"].items()))  # fmt: skip
    if result["linearity"]:
        print(f"linearity vs 1000 specs: {json.dumps(result['linearity'])}")
    print("\ngoals of issue #15 (a report, never a failure; * beyond Sphinx's own files):")
    for g in result["goals"]:
        verdict = "n/a " if g["pass"] is None else "PASS" if g["pass"] else "FAIL"
        value = "-" if g["value"] is None else g["value"]
        print(f"  {verdict}  {g['goal']:<36} {value!s:>8}  (goal {g['limit']})")


# -- the command ----------------------------------------------------------------------------------


def needs_interpreter(given: Path | None) -> tuple[str | None, str | None, str]:
    """An interpreter with sphinx-needs, its version of sphinx-needs, and how it was found."""
    candidates = [sys.executable] + ([str(given)] if given else [])
    for python in candidates:
        probe = subprocess.run(
            [python, "-c", "import sphinx, sphinx_needs; "
             "print(sphinx_needs.__version__, sphinx.__version__)"],  # fmt: skip
            capture_output=True, text=True, check=False)  # fmt: skip
        if probe.returncode == 0:
            needs, its_sphinx = probe.stdout.split()
            return python, needs, f"needs built by {python} (Sphinx {its_sphinx})"
    return None, None, "no sphinx-needs here nor in --needs-python: the needs column is left out"


def compile_sphinx_spec() -> str:
    """Compile sphinx-spec's modules to bytecode, as installing its wheel does: an editable
    install (or ``PYTHONDONTWRITEBYTECODE``) would have every build compile them again."""
    import sphinx_spec

    package = Path(sphinx_spec.__file__).parent
    done = compileall.compile_dir(package, quiet=1)
    state = "compiled" if done else "could not be compiled (each build compiles them)"
    return f"sphinx-spec's modules {state}: {package}"


def split(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", type=int, default=1000, help="specs per project (1000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each scenario (3)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--keep", type=Path,
                        help="generate the projects here and keep them; a later run with"
                        " the same projects reuses the ones it built once")  # fmt: skip
    parser.add_argument("--needs-python", type=Path, help="a Python with sphinx-needs installed")
    parser.add_argument("--profile", action="store_true",
                        help="also profile spec's edit and no-change builds")  # fmt: skip
    parser.add_argument("--only", default=",".join(SCENARIOS),
                        help="scenarios: full, j2, edit, nochange (all)")  # fmt: skip
    parser.add_argument("--kinds", default=",".join(PROJECT_KINDS),
                        help="projects: spec, plain, needs (all)")  # fmt: skip
    args = parser.parse_args(argv)
    keys = {"full": "full", "j2": "full -j 2", "fullj2": "full -j 2", "edit": "edit",
            "nochange": "no change"}  # fmt: skip
    try:
        scenarios = [keys[re.sub(r"[^a-z0-9]", "", s.lower())] for s in split(args.only)]
    except KeyError as unknown:
        parser.error(f"--only: unknown scenario {unknown}; one of {', '.join(keys)}")
    scenarios = [s for s in SCENARIOS if s in scenarios]
    kinds = [k for k in PROJECT_KINDS if k in split(args.kinds)]
    if unknown_kinds := set(split(args.kinds)) - set(PROJECT_KINDS):
        parser.error(f"--kinds: unknown {', '.join(sorted(unknown_kinds))}")
    notes = [compile_sphinx_spec()]
    python = {"spec": sys.executable, "plain": sys.executable}
    if "needs" in kinds:
        needs_python, needs_version, how = needs_interpreter(args.needs_python)
        notes.append(how)
        if needs_python is None:
            kinds.remove("needs")
        else:
            python["needs"], python["needs version"] = needs_python, needs_version or ""
    with tempfile.TemporaryDirectory(prefix="bench-") as temporary:
        work = args.keep or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        setup = Setup(args.specs, work, python=python, reuse=args.keep is not None)
        for kind in kinds:
            setup.templates[kind] = work / f"template-{kind}"
            if setup.templates[kind].exists():
                shutil.rmtree(setup.templates[kind])
            write_project(setup.templates[kind], kind, args.specs)
        measured = run_all(setup, kinds, scenarios, args.repeat)
        result = report(measured, args.specs, args.repeat, setup, notes)
        if args.profile and "spec" in kinds:
            folder = args.json.parent if args.json else HERE / "results"
            target = folder / f"{args.specs}-specs-profile.txt"
            result["profile"] = profile(setup, target)
    show(result)
    if "profile" in result:
        print(f"profile summary: {result['profile']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
