"""``sphinx-spec``: start a spec from the template, check a project, query spec.json.

Exit codes: 0 success; 1 the check found warnings, or ``new`` refused to
overwrite; 2 usage errors, unreadable input, or a build that Sphinx stopped.
Results go to standard output, progress and errors to standard error.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from sphinx_spec.model import KINDS, SPEC_KIND, is_valid_id
from sphinx_spec.templates import render

COLOUR = re.compile(r"\x1b\[[0-9;]*m")


def cmd_new(args: argparse.Namespace) -> int:
    if not is_valid_id(args.id):
        print(
            f"sphinx-spec new: {args.id!r} is not a valid id ([A-Za-z][A-Za-z0-9_.-]*)",
            file=sys.stderr,
        )
        return 2
    folder = Path(args.dir)
    target = folder / f"{args.id.lower()}.{args.format}"
    if target.exists():
        print(f"sphinx-spec new: {target} exists; not overwriting it", file=sys.stderr)
        return 1
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(render(args.title, args.id, args.format, args.owner), encoding="utf-8")
    print(f"wrote {target}")
    print(f"add it to a toctree: {target.with_suffix('').as_posix()}")
    return 0


class BuildFailed(Exception):
    """Sphinx stopped: a broken ``conf.py``, a missing extension, an internal error."""


class CheckedBuild(NamedTuple):
    """What ``check`` reports on: the environment, the warning text, each warning's kind."""

    env: Any
    text: str
    kinds: list[str]


def build_quietly(sourcedir: Path, *, verbose: bool = False) -> CheckedBuild:
    """Read and check the project without writing pages.

    Sphinx's own progress goes to standard error with *verbose*. Each
    warning's kind (``spec.ref``, …) is read from the log record, not its text.
    """
    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError
    from sphinx.util import logging as sphinx_logging
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    warnings = io.StringIO()
    kinds = WarningKinds()
    with tempfile.TemporaryDirectory() as out, patch_docutils(sourcedir), docutils_namespace():
        try:
            app = Sphinx(
                str(sourcedir), str(sourcedir), out, f"{out}/.doctrees", "dummy",
                status=sys.stderr if verbose else None, warning=warnings, freshenv=True,
            )  # fmt: skip
            for handler in logging.getLogger(sphinx_logging.NAMESPACE).handlers:
                if isinstance(handler, sphinx_logging.WarningStreamHandler):
                    handler.addFilter(kinds)  # after Sphinx's own: sees what is shown
            app.build()
        except (SphinxError, OSError) as error:
            raise BuildFailed(str(error).strip() or type(error).__name__) from error
    return CheckedBuild(app.env, COLOUR.sub("", warnings.getvalue()), kinds.kinds)


class WarningKinds(logging.Filter):
    """Notes the kind of each warning that reaches Sphinx's warning stream."""

    def __init__(self) -> None:
        super().__init__()
        self.kinds: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        kind, subtype = getattr(record, "type", ""), getattr(record, "subtype", "")
        self.kinds.append(f"{kind}.{subtype}" if kind == "spec" and subtype else "other")
        return True


def summary(env: Any, kinds: list[str]) -> list[str]:
    """Counts for this project's own specs; imported ones are counted apart."""
    from sphinx_spec.model import OpenQuestion
    from sphinx_spec.store import store_of

    store = store_of(env)
    local, imported = store.index.local, store.index.imported
    statuses = Counter(spec.status for spec in local.specs.values())
    open_questions = [
        obj
        for obj in local.objects.values()
        if isinstance(obj, OpenQuestion) and obj.status == "open"
    ]
    lines = [f"specs: {len(local.specs)}"]
    lines += [f"  {status}: {count}" for status, count in sorted(statuses.items())]
    if imported.specs:
        projects = len({spec.project for spec in imported.specs.values()})
        lines.append(f"imported specs: {len(imported.specs)} (from {plural(projects, 'project')})")
    blocking = sum(q.blocking for q in open_questions)
    overdue = sum(finding.code == "revisit-overdue" for finding in store.findings)
    lines.append(f"open questions: {len(open_questions)} ({blocking} blocking)")
    lines.append(f"overdue revisits: {overdue}")
    lines.append(f"warnings: {len(kinds)}")
    lines += [f"  {kind}: {count}" for kind, count in sorted(Counter(kinds).items())]
    return lines


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def cmd_check(args: argparse.Namespace) -> int:
    sourcedir = Path(args.sourcedir)
    if not (sourcedir / "conf.py").is_file():
        print(f"sphinx-spec check: no conf.py in {sourcedir}", file=sys.stderr)
        return 2
    print(f"sphinx-spec check: reading {sourcedir} (no pages are written)", file=sys.stderr)
    try:
        checked = build_quietly(sourcedir, verbose=args.verbose)
    except BuildFailed as error:
        print(f"sphinx-spec check: the build stopped: {error}", file=sys.stderr)
        return 2
    print(checked.text, end="")
    print("\n".join(summary(checked.env, checked.kinds)))
    count = len(checked.kinds)
    verdict = f"{plural(count, 'warning')}; failing" if count else "no warnings; passing"
    read = plural(len(checked.env.found_docs), "document")
    print(f"sphinx-spec check: {read} read, {verdict}", file=sys.stderr)
    return 1 if count else 0


def matches(obj: dict[str, Any], args: argparse.Namespace) -> bool:
    wanted = {
        "kind": args.kind,
        "status": args.status,
        "owner": args.owner,
        "spec_id": args.spec,
    }
    for field, value in wanted.items():
        if value is not None and str(obj.get(field, "")).casefold() != value.casefold():
            return False
    if args.blocking and not obj.get("blocking"):
        return False
    return not args.tags or bool(set(args.tags.split(",")) & set(obj.get("tags", [])))


def cmd_query(args: argparse.Namespace) -> int:
    from sphinx_spec.specjson import FormatProblem, parse

    try:
        data = parse(Path(args.spec_json).read_bytes())
    except OSError as error:
        reason = error.strerror or error
        print(f"sphinx-spec query: cannot read {args.spec_json}: {reason}", file=sys.stderr)
        return 2
    except FormatProblem as problem:
        print(f"sphinx-spec query: {args.spec_json} {problem}", file=sys.stderr)
        return 2
    specs = {spec["id"]: spec for spec in data["specs"]}
    records = [{**spec, "kind": "spec", "spec_id": spec["id"]} for spec in data["specs"]]
    records += [
        {**obj, "tags": specs.get(obj["spec_id"], {}).get("tags", [])} for obj in data["objects"]
    ]
    found = [record for record in records if matches(record, args)]
    if args.json:
        print(json.dumps(found, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        print_table(found)
    return 0


def print_table(records: list[dict[str, Any]]) -> None:
    rows = [("KIND", "ID", "STATUS", "OWNER", "TITLE")]
    rows += [
        (
            r["kind"],
            r.get("full_id", r.get("id", "")),
            str(r.get("status", "")),
            str(r.get("owner", ", ".join(r.get("owners", [])))),
            r.get("title", ""),
        )
        for r in records
    ]
    widths = [max(len(row[n]) for row in rows) for n in range(4)]
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
            + "  "
            + row[4]
        )
    print(f"{len(records)} match{'es' if len(records) != 1 else ''}")


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="sphinx-spec", description=__doc__.splitlines()[0])
    commands = main.add_subparsers(dest="command", required=True)
    new = commands.add_parser("new", help="write a new spec document from the template")
    new.add_argument("title")
    new.add_argument("--id", required=True, help="the spec id, e.g. PAY-001")
    new.add_argument("--format", choices=("rst", "md"), default="rst")
    new.add_argument("--dir", default=".", help="folder to write it in (default: .)")
    new.add_argument("--owner", default="", help="the :owners: value")
    new.set_defaults(run=cmd_new)
    check = commands.add_parser(
        "check", help="build without writing pages; summary; exit 1 on warnings"
    )
    check.add_argument("sourcedir", nargs="?", default=".", help="the folder of conf.py")
    check.add_argument(
        "-v", "--verbose", action="store_true", help="show Sphinx's progress on standard error"
    )
    check.set_defaults(run=cmd_check)
    query = commands.add_parser("query", help="filter the objects of a spec.json")
    query.add_argument("spec_json")
    query.add_argument(
        "--kind",
        help=", ".join((SPEC_KIND, *KINDS)),
    )
    query.add_argument("--status")
    query.add_argument("--owner")
    query.add_argument("--spec", help="spec id")
    query.add_argument("--tags", help="comma-separated; any matches")
    query.add_argument("--blocking", action="store_true")
    query.add_argument("--json", action="store_true", help="print JSON instead of a table")
    query.set_defaults(run=cmd_query)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
