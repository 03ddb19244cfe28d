"""Build time of sphinx-spec against plain Sphinx with the same content as hand-written tables.

Generates two projects of N specs each (default 1,000) and builds both in the
same run, alternating, with the same Python and Sphinx:

- ``spec``: every spec written with sphinx-spec directives (a spec with
  goals, a non-goal, approaches, a flow, error paths, concessions, open
  questions and terms), and a portfolio page with every view;
- ``plain``: the same text as plain reStructuredText — field lists, labels,
  numbered lists, a glossary — and a portfolio page whose tables are written
  by hand as ``list-table`` with ``:ref:`` links, row for row what the views
  render.

It times a full build (``-E``), a full parallel build (``-j 2``) and an
incremental build after one spec changes (in ``plain``, the author must also
edit the portfolio tables; in ``spec`` the views follow), and prints the
median time of each and the median of the runs' ratios spec / plain (each
run builds both projects back to back). ``--json FILE`` also writes them.

    python benchmarks/bench.py --specs 1000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import sphinx

STATUSES = ("draft", "review", "accepted", "implemented")
APPROACH_STATUSES = ("chosen", "proposed", "rejected")
KINDS = ("risk", "debt", "limitation")

# -- the content, shared by both projects ------------------------------------------------------


def spec_id(n: int) -> str:
    return f"BEN-{n:04d}"


def content(n: int) -> dict:
    """Everything one spec says, as plain values."""
    sid = spec_id(n)
    return {
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
            for a in (1, 2, 3)
        ],
        "flow": (
            "f1",
            f"Request to service {n}",
            [
                f"Client calls service {n}.",
                "Service validates the request.",
                "Service reads the store.",
                "Service answers.",
            ],
        ),  # fmt: skip
        "errors": [
            (
                f"e{e}",
                f"Step {e + 1} fails in service {n}",
                e + 1,
                f"Service {n} retries once",
                "Client sees a 503",
            )  # fmt: skip
            for e in (1, 2)
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
            for q in (1, 2)
        ],
        "terms": [
            (f"t{t}", f"Term {n}-{t}", f"Meaning {t} of a word in service {n}.") for t in (1, 2)
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


SPEC_PORTFOLIO = """\
Portfolio
=========

.. spec-index:: All specs

.. spec-tradeoffs:: Trade-offs

.. spec-goals:: Goals

.. error-paths:: Error paths

.. open-questions:: Open questions

.. spec-concessions:: Concessions

.. spec-glossary:: Glossary
"""


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


def plain_portfolio(all_content: list[dict]) -> str:
    specs = sorted(all_content, key=lambda c: c["id"])
    lines = ["Portfolio", "=========", ""]
    lines += list_table(
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
    lines += list_table(
        "Trade-offs",
        ["Approach", "Decision", "Rationale", "Impact", "Status", "Spec"],
        (
            [ref(a[1], label(c, a[0])), a[2], a[3], a[4], a[5], ref(c["id"], label(c))]
            for c in specs
            for a in c["approaches"]
        ),
    )
    lines += list_table(
        "Goals",
        ["Goal", "Metric", "Baseline", "Target", "Spec"],
        (
            [ref(g[1], label(c, g[0])), g[2], g[3], g[4], ref(c["id"], label(c))]
            for c in specs
            for g in c["goals"]
        ),
    )
    lines += [".. rubric:: Non-goals", ""]
    lines += [
        f"- {ref(c['non_goal'][1], label(c, c['non_goal'][0]))} ({ref(c['id'], label(c))})"
        for c in specs
    ] + [""]
    lines += list_table(
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
    lines += [".. rubric:: Open questions", ""]
    for c in specs:
        lines += list_table(
            ref(f"{c['id']}: {c['title']}", label(c)),
            ["Question", "Status", "Owner", "Due", "Blocking", "Answer"],
            ([ref(q[1], label(c, q[0])), q[3], q[2], "", "", q[4]] for q in c["questions"]),
        )
    lines += list_table(
        "Concessions",
        ["Concession", "Kind", "Severity", "Owner", "Mitigation", "Spec"],
        (
            [ref(k[1], label(c, k[0])), k[2], k[3], k[4], k[5], ref(c["id"], label(c))]
            for c in specs
            for k in c["concessions"]
        ),
    )
    terms = sorted(((t, c) for c in specs for t in c["terms"]), key=lambda tc: tc[0][1].casefold())
    lines += list_table(
        "Glossary",
        ["Term", "Definition", "Aliases", "Defined in"],
        ([f":term:`{t[1]}`", t[2], "", ref(c["id"], label(c))] for t, c in terms),
    )
    return "\n".join(lines)


# -- the two projects ----------------------------------------------------------------------------

# No sidebars: with one, every page repeats the 1,000-entry table of contents, a cost of the
# theme that would dwarf what either project does.
CONF = """\
project = "Benchmark"
extensions = [{extensions}]
exclude_patterns = ["_build"]
html_sidebars = {{"**": []}}
spec_today = "2026-01-01"
"""


def write_project(root: Path, kind: str, count: int) -> None:
    all_content = [content(n) for n in range(1, count + 1)]
    (root / "specs").mkdir(parents=True)
    extension = '"sphinx_spec"' if kind == "spec" else ""
    (root / "conf.py").write_text(CONF.format(extensions=extension), encoding="utf-8")
    toctree = "\n".join(f"   specs/{c['id'].lower()}" for c in all_content)
    index = f"Benchmark\n=========\n\n.. toctree::\n   :maxdepth: 1\n\n   portfolio\n{toctree}\n"
    (root / "index.rst").write_text(index, encoding="utf-8")
    render = spec_document if kind == "spec" else plain_document
    for c in all_content:
        (root / "specs" / f"{c['id'].lower()}.rst").write_text(render(c), encoding="utf-8")
    portfolio = SPEC_PORTFOLIO if kind == "spec" else plain_portfolio(all_content)
    (root / "portfolio.rst").write_text(portfolio, encoding="utf-8")


def edit_one_spec(root: Path, kind: str, count: int) -> None:
    """Rename one approach: in ``plain`` the author also edits the portfolio's tables."""
    n = count // 2
    old, new = f"Option 1 for service {n}", f"Option 1 (renamed) for service {n}"
    pages = [root / "specs" / f"{spec_id(n).lower()}.rst"]
    if kind == "plain":
        pages.append(root / "portfolio.rst")
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert old in text, page
        page.write_text(text.replace(old, new), encoding="utf-8")


# -- timing ----------------------------------------------------------------------------------------


def sphinx_build(root: Path, *options: str) -> float:
    """Seconds one ``sphinx-build -b html`` takes; fails on any warning."""
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", *options,
               str(root), str(root / "_build" / "html")]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - start


def timings(work: Path, count: int, repeat: int) -> dict[str, dict[str, list[float]]]:
    scenarios: dict[str, Callable[[Path, str], float]] = {
        "full build": lambda root, kind: sphinx_build(root, "-E"),
        "full build -j 2": lambda root, kind: sphinx_build(root, "-E", "-j", "2"),
        "incremental, one spec edited": incremental,
    }
    measured: dict[str, dict[str, list[float]]] = {name: {} for name in scenarios}
    for run in range(repeat):
        for name, scenario in scenarios.items():
            for kind in ("spec", "plain") if run % 2 == 0 else ("plain", "spec"):
                root = work / f"{kind}-{run}-{name.split(',')[0].replace(' ', '-')}"
                write_project(root, kind, count)
                seconds = scenario(root, kind)
                measured[name].setdefault(kind, []).append(seconds)
                print(f"  {name:<30} {kind:<6} run {run + 1}: {seconds:6.2f} s", file=sys.stderr)
    return measured


def incremental(root: Path, kind: str) -> float:
    sphinx_build(root)
    edit_one_spec(root, kind, count=len(list((root / "specs").glob("*.rst"))))
    return sphinx_build(root)


def report(measured: dict[str, dict[str, list[float]]], count: int) -> dict:
    """Medians, and the median of each run's ratio (a run builds both projects back to back)."""
    rows = {}
    for name, kinds in measured.items():
        spec, plain = statistics.median(kinds["spec"]), statistics.median(kinds["plain"])
        pairs = list(zip(kinds["spec"], kinds["plain"], strict=True))
        rows[name] = {
            "spec_s": round(spec, 2),
            "plain_s": round(plain, 2),
            "ratio": round(statistics.median(s / p for s, p in pairs), 2),
            "runs": [[round(s, 2), round(p, 2)] for s, p in pairs],
        }
    return {
        "specs": count,
        "python": platform.python_version(),
        "sphinx": sphinx.__version__,
        "machine": f"{platform.machine()}, {platform.system()}",
        "results": rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", type=int, default=1000, help="specs per project (1000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each scenario (3)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--keep", type=Path, help="generate the projects here and keep them")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        work = args.keep or Path(temporary)
        measured = timings(work, args.specs, args.repeat)
    result = report(measured, args.specs)
    print(f"{args.specs} specs, median of {args.repeat} runs, Sphinx {result['sphinx']}")
    print(f"{'scenario':<30} {'sphinx-spec':>12} {'plain':>8} {'ratio':>6}")
    for name, row in result["results"].items():
        print(f"{name:<30} {row['spec_s']:>10.2f} s {row['plain_s']:>6.2f} s {row['ratio']:>6.2f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
