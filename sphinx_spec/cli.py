"""``sphinx-spec``: start a spec from the template, check a project, query spec.json.

Exit codes: 0 success; 1 the check found warnings or errors, or ``new``
refused to overwrite; 2 usage errors, unreadable input, a file ``new`` cannot
write, or a build that Sphinx stopped. Results go to standard output, progress
and errors to standard error.
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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from sphinx_spec.model import ALL_KINDS, is_valid_id, split_list
from sphinx_spec.templates import render

#: ``--help``'s text: the docstring's, as plain text
DESCRIPTION = "sphinx-spec: start a spec from the template, check a project, query spec.json."
EXIT_CODES = """\
exit codes: 0 success; 1 the check found warnings or errors, or `new` refused
to overwrite; 2 usage errors, unreadable input, a file `new` cannot write, or a
build that Sphinx stopped. Results go to standard output, progress and errors to
standard error."""

COLOUR = re.compile(r"\x1b\[[0-9;]*m")
#: what cannot go into one line of a source file: control characters, line breaks, and
#: the surrogates that stand for undecodable bytes of a command line argument
NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
#: what a terminal acts on instead of showing: control characters (C0, DEL, C1), line and
#: paragraph separators, the bidirectional overrides that reorder what is shown, and lone
#: surrogates (a JSON file may hold them; standard output cannot encode them)
TERMINAL_CONTROL = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
#: the same, less C0, which :func:`json.dumps` escapes itself
JSON_UNESCAPED = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


#: the status ``new`` writes when the project's ``conf.py`` does not say
DEFAULT_STATUS = "draft"


def cmd_new(args: argparse.Namespace) -> int:
    problem = new_problem(args)
    if problem:
        print(f"sphinx-spec new: {problem}", file=sys.stderr)
        return 2
    folder = Path(args.dir)
    target = folder / f"{args.id.lower()}.{args.format}"
    status, note = project_status(folder)
    text = render(args.title.strip(), args.id, args.format, args.owner.strip(), status)
    try:
        written = write_new(folder, target, text)
    except CannotWrite as error:
        print(f"sphinx-spec new: {error}", file=sys.stderr)
        return 2
    if not written:
        print(f"sphinx-spec new: {target} exists; not overwriting it", file=sys.stderr)
        return 1
    if note:
        print(f"sphinx-spec new: {note}; writing :status: {status}", file=sys.stderr)
    print(f"wrote {target}")
    print(f"add it to a toctree: {target.with_suffix('').as_posix()}")
    return 0


def project_status(folder: Path) -> tuple[str, str]:
    """The first of ``spec_statuses`` in the project's ``conf.py``, nearest *folder* or above.

    ``conf.py`` runs as ``sphinx-build`` runs it; whatever goes wrong (no
    ``conf.py``, one that raises or exits, a wrong value) the default status
    is used, and the second value says why (a note for standard error).
    """
    conf = find_conf(folder)
    if conf is None:
        return DEFAULT_STATUS, f"no conf.py in {folder} or above"
    try:
        value = configured_statuses(conf.parent)
    except Exception as error:  # conf.py is the project's code: anything may go wrong
        return DEFAULT_STATUS, f"cannot read {conf}: {one_line(error)}"
    from sphinx_spec.config import WrongValue, statuses_value

    try:
        first = next(iter(statuses_value(value)))
    except WrongValue as problem:
        return DEFAULT_STATUS, f"spec_statuses in {conf} {problem}"
    if NOT_ONE_LINE.search(first):
        return DEFAULT_STATUS, f"the first of spec_statuses in {conf} is not one line"
    return first, ""


def find_conf(folder: Path) -> Path | None:
    try:
        start = folder.resolve()
        return next(
            (p / "conf.py" for p in (start, *start.parents) if (p / "conf.py").is_file()), None
        )
    except OSError:
        return None


def configured_statuses(confdir: Path) -> Any:
    """``spec_statuses`` as ``conf.py`` in *confdir* sets it (what it prints goes to stderr)."""
    from contextlib import redirect_stdout

    from sphinx.config import Config
    from sphinx.util.tags import Tags

    from sphinx_spec.config import SETTINGS

    with redirect_stdout(sys.stderr):
        config = Config.read(confdir, overrides={}, tags=Tags())
    setting = next(setting for setting in SETTINGS if setting.name == "spec_statuses")
    config.add(setting.name, setting.default, setting.rebuild, setting.types)
    return config.spec_statuses


def one_line(error: BaseException) -> str:
    """Why reading ``conf.py`` failed, on one line, without a traceback.

    Sphinx wraps what ``conf.py`` raised in a ``ConfigError`` whose text holds
    the traceback; the original exception says it in a line.
    """
    original = error.__cause__ or error.__context__ or error
    if isinstance(original, SystemExit):
        return "it called sys.exit()"
    text = " ".join(str(original).split()) if original is not error else ""
    text = text or (str(error).strip().splitlines() or [""])[0]
    return printable(f"{type(original).__name__}: {text}" if text else type(original).__name__)


def new_problem(args: argparse.Namespace) -> str:
    """Why ``new`` cannot write a spec from these arguments (``""``: it can)."""
    if not is_valid_id(args.id):
        return f"{args.id!r} is not a valid id ([A-Za-z][A-Za-z0-9_.-]*)"
    if not args.title.strip():
        return "the title is empty"
    for name, value in (("title", args.title), ("owner", args.owner)):
        if found := NOT_ONE_LINE.search(value):
            return (
                f"the {name} must be one line of text without control characters; "
                f"it contains {found.group()!r}"
            )
    blocker = file_in_the_way(Path(args.dir))
    if blocker is None:
        return ""
    if blocker == Path(args.dir):
        return f"--dir {blocker} is a file, not a folder"
    return f"--dir {args.dir} is inside {blocker}, which is a file"


def file_in_the_way(folder: Path) -> Path | None:
    """The nearest of *folder* and its parents that exists, if it is not a folder.

    ``None`` too when the file system cannot say: writing then reports why.
    """
    try:
        for path in (folder, *folder.parents):
            if path.exists():
                return None if path.is_dir() else path
    except OSError:
        pass
    return None


class CannotWrite(Exception):
    """Why ``new`` could not write its file, in one line."""


def write_new(folder: Path, target: Path, text: str) -> bool:
    """Write *text* to a new file *target*; ``False`` if it exists already.

    Raises :class:`CannotWrite` when the folder cannot be made or the file
    cannot be written; a file left half-written is removed.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CannotWrite(f"cannot make the folder {folder}: {reason(error)}") from error
    try:
        stream = target.open("x", encoding="utf-8")
    except FileExistsError:
        return False
    except OSError as error:
        raise CannotWrite(f"cannot write {target}: {reason(error)}") from error
    try:
        with stream:
            stream.write(text)
    except OSError as error:
        target.unlink(missing_ok=True)
        raise CannotWrite(f"cannot write {target}: {reason(error)}") from error
    return True


def reason(error: OSError) -> str:
    """An OS error's own words (``No such file or directory``), without the path."""
    return error.strerror or str(error) or type(error).__name__


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
    Everything ``sphinx-build -W`` fails on is counted: errors as well as
    warnings, and those logged while Sphinx starts (reading ``conf.py``,
    loading extensions) as well as those of the build.
    """
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    warnings = io.StringIO()
    kinds = WarningKinds()
    with (
        tempfile.TemporaryDirectory() as out,
        patch_docutils(sourcedir),
        docutils_namespace(),
        kinds.watching(),
    ):
        try:
            app = Sphinx(
                str(sourcedir), str(sourcedir), out, f"{out}/.doctrees", "dummy",
                status=sys.stderr if verbose else None, warning=warnings, freshenv=True,
            )  # fmt: skip
            kinds.attach()  # in case Sphinx set up its logging without being seen
            app.build()
        except Exception as error:  # sphinx-build stops on any: say why, without a traceback
            raise BuildFailed(stopped_because(error)) from error
    return CheckedBuild(app.env, COLOUR.sub("", warnings.getvalue()), kinds.kinds)


def stopped_because(error: Exception) -> str:
    """Why the build stopped: Sphinx's message, or the exception's type and text."""
    from sphinx.errors import SphinxError

    text = str(error).strip()
    if isinstance(error, SphinxError | OSError):
        return text or type(error).__name__
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class WarningKinds(logging.Filter):
    """Notes the kind of each warning or error that reaches Sphinx's warning stream.

    It sits after Sphinx's own filters, so it sees what is shown: not what
    ``suppress_warnings`` hides, and a message logged "once" only once.
    """

    def __init__(self) -> None:
        super().__init__()
        self.kinds: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        kind, subtype = getattr(record, "type", ""), getattr(record, "subtype", "")
        self.kinds.append(f"{kind}.{subtype}" if kind == "spec" and subtype else "other")
        return True

    def attach(self) -> None:
        """Join Sphinx's warning stream, once; its level lets warnings and errors through."""
        from sphinx.util import logging as sphinx_logging

        for handler in logging.getLogger(sphinx_logging.NAMESPACE).handlers:
            is_warnings = isinstance(handler, sphinx_logging.WarningStreamHandler)
            if is_warnings and self not in handler.filters:
                handler.addFilter(self)

    @contextmanager
    def watching(self) -> Iterator[None]:
        """Attach as soon as Sphinx sets up its logging, before it reads ``conf.py``.

        ``Sphinx()`` replaces every handler of its logger when it starts, and
        warnings about the configuration are logged before it returns.
        """
        from sphinx.util import logging as sphinx_logging

        setup = sphinx_logging.setup

        def setup_and_attach(*args: Any, **kwargs: Any) -> None:
            setup(*args, **kwargs)
            self.attach()

        sphinx_logging.setup = setup_and_attach
        try:
            yield
        finally:
            sphinx_logging.setup = setup


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
    overdue = Counter(finding.code for finding in store.findings)
    lines.append(f"open questions: {len(open_questions)} ({blocking} blocking)")
    lines.append(f"overdue questions: {overdue['question-overdue']}")
    lines.append(f"overdue revisits: {overdue['revisit-overdue']}")
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
    print("".join(f"{printable(line)}\n" for line in checked.text.splitlines()), end="")
    print("\n".join(summary(checked.env, checked.kinds)))
    count = len(checked.kinds)
    verdict = f"{plural(count, 'warning')}; failing" if count else "no warnings; passing"
    read = plural(len(checked.env.found_docs), "document")
    print(f"sphinx-spec check: {read} read, {verdict}", file=sys.stderr)
    return 1 if count else 0


def matches(record: dict[str, Any], args: argparse.Namespace) -> bool:
    """Whether a spec or object record passes every filter given (case-insensitive).

    ``--owner`` tests an object's ``owner`` (questions, concessions) and a
    spec's ``owners``; an empty one finds what has no owner. ``--tags`` tests
    the spec's tags, which its objects share.
    """
    from sphinx_spec.views.query import wants

    wanted = {"kind": args.kind, "spec_id": args.spec}
    for field, value in wanted.items():
        if value is not None and str(record.get(field, "")).casefold() != value.casefold():
            return False
    if args.status is not None and not has_status(
        record, args.status, getattr(args, "status_names", set())
    ):
        return False
    if args.blocking and not record.get("blocking"):
        return False
    if args.owner is not None and not owned_by(record, args.owner.strip()):
        return False
    if not all(has_field(record, name, values) for name, values in args.field or ()):
        return False
    return args.tags is None or wants(split_list(args.tags), *record.get("tags", []))


def field_filter(text: str) -> tuple[str, tuple[str, ...]]:
    """``--field NAME=VALUE[,VALUE…]``: a custom field and the values any of which matches."""
    name, equals, values = text.partition("=")
    if not equals or not name.strip() or not split_list(values):
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE (e.g. milestone=v1.30)")
    return name.strip().casefold(), split_list(values)


def has_field(record: dict[str, Any], name: str, wanted: tuple[str, ...]) -> bool:
    """Whether custom field *name* (an object's, else its spec's) holds one of *wanted*."""
    from sphinx_spec.views.query import wants

    value = record.get("fields", {}).get(name, "")
    values = value if isinstance(value, list) else [value] if value else []
    return bool(values) and wants(wanted, *values)


def has_status(record: dict[str, Any], status: str, names: set[str]) -> bool:
    """Whether *record* has the status *status*, or, for a spec, a status with that role.

    A value that names a status some spec of the file has means that status only.
    """
    wanted = status.casefold()
    if str(record.get("status", "")).casefold() == wanted:
        return True
    return wanted not in names and str(record.get("status_role", "")).casefold() == wanted


def owned_by(record: dict[str, Any], owner: str) -> bool:
    from sphinx_spec.views.query import wants

    owners = owners_of(record)
    return wants((owner,), *owners) if owner else not owners


def owners_of(record: dict[str, Any]) -> list[str]:
    """An object's owner (if it has one), or a spec's owners."""
    if "owner" in record:
        return [record["owner"]] if record["owner"] else []
    return list(record.get("owners", []))


def cmd_query(args: argparse.Namespace) -> int:
    from sphinx_spec.specjson import FormatProblem, parse

    try:
        data = parse(Path(args.spec_json).read_bytes())
    except OSError as error:
        reason = error.strerror or error
        print(f"sphinx-spec query: cannot read {args.spec_json}: {reason}", file=sys.stderr)
        return 2
    except FormatProblem as problem:
        print(f"sphinx-spec query: {args.spec_json} {printable(str(problem))}", file=sys.stderr)
        return 2
    specs = {spec["id"]: spec for spec in data["specs"]}
    records = [{**spec, "kind": "spec", "spec_id": spec["id"]} for spec in data["specs"]]
    records += [
        {
            **obj,
            "tags": specs.get(obj["spec_id"], {}).get("tags", []),
            "fields": {**specs.get(obj["spec_id"], {}).get("fields", {}), **obj.get("fields", {})},
        }
        for obj in data["objects"]
    ]
    args.status_names = {str(spec.get("status", "")).casefold() for spec in data["specs"]}
    found = [record for record in records if matches(record, args)]
    if args.json:
        text = json.dumps(found, indent=2, sort_keys=True, ensure_ascii=False)
        print(JSON_UNESCAPED.sub(json_escaped, text))
    else:
        print_table(found)
    return 0


def print_table(records: list[dict[str, Any]]) -> None:
    rows: list[tuple[str, ...]] = [("KIND", "ID", "STATUS", "OWNER", "TITLE")]
    rows += [
        tuple(
            printable(str(cell))
            for cell in (
                r["kind"],
                r.get("full_id", r.get("id", "")),
                r.get("status", ""),
                ", ".join(owners_of(r)),
                r.get("title", ""),
            )
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


def printable(text: str) -> str:
    """*text* with what a terminal would act on written out: ``\\x1b``, ``\\r``, ``\\u202e``."""
    return TERMINAL_CONTROL.sub(escaped, text)


def escaped(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def json_escaped(match: re.Match[str]) -> str:
    """A character as a JSON escape, which reads back as the same string."""
    return f"\\u{ord(match.group()):04x}"


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="sphinx-spec",
        description=DESCRIPTION,
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
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
    query.add_argument("--kind", type=str.casefold, choices=ALL_KINDS, metavar="KIND",
                       help=", ".join(ALL_KINDS))  # fmt: skip
    query.add_argument(
        "--status", help="a status, or a lifecycle role (draft, accepted, ...) for specs"
    )
    query.add_argument("--owner")
    query.add_argument("--spec", help="spec id")
    query.add_argument("--tags", help="comma-separated; any matches")
    query.add_argument("--blocking", action="store_true")
    query.add_argument("--field", action="append", type=field_filter, metavar="NAME=VALUE",
                       help="a custom field (spec_fields) holds VALUE (comma-separated: "
                            "any matches); objects have their spec's too; repeatable")  # fmt: skip
    query.add_argument("--json", action="store_true", help="print JSON instead of a table")
    query.set_defaults(run=cmd_query)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
