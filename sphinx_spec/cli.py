"""``sphinx-spec``: start a spec, approve it, review its links, check a project, query spec.json,
write test skeletons.

Exit codes: 0 success; 1 the check found warnings or errors or suspect links,
or ``new`` refused to overwrite; 2 usage errors, unreadable input, a file
``new`` or ``tests`` cannot write (``tests`` never overwrites), a build that
Sphinx stopped, or a file ``approve`` or ``review`` refuses to edit. Results go
to standard output, progress and errors to standard error.
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

from sphinx_spec.model import (
    ALL_KINDS,
    APPROVAL_STATES,
    APPROVAL_VERDICTS,
    ErrorPath,
    is_valid_id,
    split_list,
)
from sphinx_spec.templates import render, skeleton_module
from sphinx_spec.verification import TRACKED_KINDS, VERIFICATION_STATES

#: ``--help``'s text: the docstring's, as plain text
DESCRIPTION = (
    "sphinx-spec: start a spec from the template, approve it, review its links, "
    "check a project, query spec.json, write test skeletons."
)
EXIT_CODES = """\
exit codes: 0 success; 1 the check found warnings or errors or a suspect link,
or `new` refused to overwrite; 2 usage errors, unreadable input, a file `new`
or `tests` cannot write (`tests` never overwrites), a build that Sphinx
stopped, or a file `approve` or `review` refuses to edit (uncommitted changes
to the directive, cannot be parsed).
Results go to standard output, progress and errors to standard error."""

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
    reviews, suspect = review_summary(checked.env)
    print("".join(f"{line}\n" for line in reviews), end="")
    count = len(checked.kinds)
    verdict = f"{plural(count, 'warning')}; failing" if count else "no warnings; passing"
    if suspect and not count:
        verdict = f"no warnings but {plural(suspect, 'suspect link')}; failing"
    read = plural(len(checked.env.found_docs), "document")
    print(f"sphinx-spec check: {read} read, {verdict}", file=sys.stderr)
    return 1 if count or suspect else 0


def review_summary(env: Any) -> tuple[list[str], int]:
    """Every suspect link and stale approval of this project's specs, one a line (none: no lines).

    Those ``spec_suppress`` names are listed too, marked ``(suppressed)``; the
    second value counts the suspect links it does not name (``check`` fails on them
    even where ``suppress_warnings`` hides their warnings).
    """
    from sphinx_spec.checks import CheckSettings
    from sphinx_spec.config import suppress_entries
    from sphinx_spec.model import Finding
    from sphinx_spec.reviews import summary as phrase
    from sphinx_spec.store import store_of

    index = store_of(env).index
    settings = CheckSettings((), suppress=suppress_entries(env.config))

    def suppressed(code: str, subject: str) -> str:
        hidden = settings.suppresses(Finding("review", "", "", code, subject))
        return " (suppressed)" if hidden else ""

    links, approvals, failing = [], [], 0
    for spec_id in sorted(index.local.specs):
        for link in index.suspect_links(spec_id):
            mark = suppressed("suspect-link", f"{spec_id} {link.target}")
            failing += not mark
            links.append(f"  {spec_id} \u2192 {link.target}: {phrase(link.changed)}{mark}")
        for state in index.approver_states(spec_id):
            if state.state == "stale" and state.approval is not None:
                mark = suppressed("stale-approval", state.approval.full_id)
                was = state.verdict if state.verdict != "approved" else ""
                said = f" ({was})" if was else ""
                line = f"  {spec_id} by {state.approver}{said}: {phrase(state.changed)}{mark}"
                approvals.append(line)
    lines = [f"suspect links: {len(links)}", *links] if links else []
    lines += [f"stale approvals: {len(approvals)}", *approvals] if approvals else []
    return [printable(line) for line in lines], failing


class Refused(Exception):
    """Why ``approve`` or ``review`` does not edit, in one line (exit 2)."""


def project_of(command: str, folder: str) -> Path:
    """The folder of ``conf.py``: *folder* or the nearest above it."""
    conf = find_conf(Path(folder))
    if conf is None:
        raise Refused(f"no conf.py in {folder} or above; give the project with --project DIR")
    print(f"sphinx-spec {command}: reading {conf.parent} (no pages are written)", file=sys.stderr)
    return conf.parent


def read_project(command: str, folder: str) -> Any:
    """The project's index, read as ``check`` reads it; its warnings do not stop anything."""
    from sphinx_spec.store import store_of

    try:
        checked = build_quietly(project_of(command, folder))
    except BuildFailed as error:
        raise Refused(f"the build stopped: {error}") from error
    return checked.env, store_of(checked.env).index


def local_spec(env: Any, index: Any, spec_id: str) -> Any:
    """The project's own spec *spec_id*, with its source file (``source``) and directive."""
    spec = index.specs.get(spec_id)
    if spec is None:
        folded = [key for key in index.specs if key.casefold() == spec_id.casefold()]
        hint = f"; did you mean {folded[0]}?" if folded else ""
        raise Refused(f"no spec {printable(spec_id)!s} in this project{hint}")
    if spec.external:
        raise Refused(
            f"{spec_id} is imported from the project {printable(spec.project)}; "
            "run the command in that project"
        )
    return spec


def source_of(env: Any, record: Any) -> Path:
    return Path(record.source or env.doc2path(record.docname))


def edited(edits: list[Any]) -> None:
    """Make *edits*; none if one touches lines with uncommitted changes (:class:`Refused`)."""
    from sphinx_spec.sourcedit import CannotEdit, apply, read_source, uncommitted

    by_file: dict[Path, list[Any]] = {}
    for edit in edits:
        by_file.setdefault(edit.path, []).append(edit)
    for path, its in by_file.items():
        for edit in its:
            if uncommitted(path, edit.guarded):
                first, last = edit.guarded
                raise Refused(
                    f"{path} has uncommitted changes in lines {first}-{last}, the directive "
                    "to edit; commit or undo them first"
                )
    for path, its in by_file.items():
        try:
            path.write_bytes(apply(read_source(path), its).data())
        except (OSError, CannotEdit) as error:
            why = getattr(error, "strerror", None) or error
            raise Refused(f"cannot write {path}: {why}") from error


def refusing(command: str, run: Any, args: argparse.Namespace) -> int:
    """Run *run*; a :class:`Refused` or :class:`~sphinx_spec.sourcedit.CannotEdit` exits 2."""
    from sphinx_spec.sourcedit import CannotEdit

    try:
        return int(run(args))
    except (Refused, CannotEdit) as error:
        print(f"sphinx-spec {command}: {printable(str(error))}", file=sys.stderr)
        return 2


def block_name(source: Any, block: Any) -> str:
    """The name the directive at *block* is written with (``spec-approval``, ...)."""
    from sphinx_spec.sourcedit import MYST_FENCE, RST_MARKER, bare

    pattern = MYST_FENCE if source.markdown else RST_MARKER
    found = pattern.match(bare(source.lines[block.start]))
    return found["name"] if found else "spec-approval"


def kept_options(source: Any, block: Any) -> list[tuple[str, str]]:
    """The options of an approval other than those ``approve`` writes (``:id:``, fields)."""
    from sphinx_spec.sourcedit import bare

    kept = []
    for option in block.options:
        if option.name in ("date", "verdict", "fingerprint"):
            continue
        text = " ".join(bare(source.lines[n]).strip() for n in range(option.start, option.end))
        value = text.split(":", 2)[2] if block.style != "yaml" else text.split(":", 1)[1]
        kept.append((option.name, value.strip()))
    return kept


def cmd_approve(args: argparse.Namespace) -> int:
    return refusing("approve", approve, args)


def approve(args: argparse.Namespace) -> int:
    from sphinx_spec.model import Approval
    from sphinx_spec.sourcedit import (
        APPROVAL_NAMES,
        SPEC_NAMES,
        append,
        directive_at,
        directive_lines,
        insert_after,
        read_source,
        replace_directive,
    )

    name = " ".join(args.by.split())
    for what, value in (("--by", args.by), ("--note", args.note)):
        if found := NOT_ONE_LINE.search(value):
            raise Refused(
                f"{what} must be one line without control characters; it has {found.group()!r}"
            )
    if not name:
        raise Refused("--by is empty")
    env, index = read_project("approve", args.project)
    spec = local_spec(env, index, args.spec)
    current = index.fingerprint(spec.id)
    given: list[Approval] = [
        a for a in index.approvals_of(spec.id) if a.approver.casefold() == name.casefold()
    ]
    options = [
        ("date", index.today.isoformat()),
        ("verdict", args.verdict),
        ("fingerprint", current.recorded()),
    ]
    note = " ".join(args.note.split())
    if given:  # the verdict that counts now is the one replaced
        old = max(given, key=lambda a: (a.date, a.docname, a.lineno))
        source = read_source(source_of(env, old))
        block = directive_at(source, old.lineno, APPROVAL_NAMES)
        name_used = block_name(source, block)
        lines = directive_lines(
            source.markdown, name_used, old.approver, [*kept_options(source, block), *options],
            note, indent=block.indent, fence=block.fence or "```",
        )  # fmt: skip
        edit, verb = replace_directive(source, block, lines), "replaced"
    else:
        spec_file = source_of(env, spec)
        approvals = index.approvals_of(spec.id)
        in_file = [a for a in approvals if source_of(env, a) == spec_file]
        anchor = max(in_file or approvals, key=lambda a: a.lineno, default=None)
        if anchor is not None:
            source = read_source(source_of(env, anchor))
            block = directive_at(source, anchor.lineno, APPROVAL_NAMES)
            lines = directive_lines(source.markdown, "spec-approval", name, options, note,
                                    indent=block.indent, fence=block.fence or "```")  # fmt: skip
            edit = insert_after(source, block, lines)
        else:
            source = read_source(spec_file)
            directive_at(source, spec.lineno, SPEC_NAMES)  # the file is the one read
            lines = directive_lines(source.markdown, "spec-approval", name, options, note)
            edit = append(source, lines)
        verb = "added"
    where = edit.start + 1 + edit.lines.index(lines[0])
    edited([edit])
    print(
        f"{verb} the {args.verdict} verdict of {printable(name)} on {spec.id} "
        f"at {printable(str(source.path))}:{where} (fingerprint {current.digest})"
    )
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    return refusing("review", review, args)


def review(args: argparse.Namespace) -> int:
    """Record the current fingerprints of the specs a spec (or each spec) links to."""
    from sphinx_spec.sourcedit import SPEC_NAMES, directive_at, read_source, set_option

    env, index = read_project("review", args.project)
    if args.all:
        specs = [index.local.specs[key] for key in sorted(index.local.specs)]
        specs = [spec for spec in specs if index.link_reviews(spec.id)]
    else:
        specs = [local_spec(env, index, args.spec)]
    edits, said = [], []
    for spec in specs:
        links = sorted(index.link_reviews(spec.id), key=lambda link: link.target)
        if not links:
            said.append(f"{spec.id}: links to no spec; nothing to review")
            continue
        wanted = {link.target: index.fingerprint(link.target).recorded() for link in links}
        written = {entry.target: " ".join(entry.fingerprint.split()) for entry in spec.reviewed}
        if written == wanted:
            said.append(f"{spec.id}: up to date")
            continue
        source = read_source(source_of(env, spec))
        block = directive_at(source, spec.lineno, SPEC_NAMES)
        value = ", ".join(f"{target} {recorded}" for target, recorded in wanted.items())
        edits.append(set_option(source, block, "reviewed", value))
        news = [f"{link.target} ({review_news(link)})" for link in links]
        said.append(f"{spec.id}: reviewed {', '.join(news)} in {source.path}:{spec.lineno}")
    edited(edits)
    for line in said:
        print(printable(line))
    if args.all:
        print(f"{plural(len(edits), 'spec')} reviewed, {len(specs) - len(edits)} unchanged")
    return 0


def review_news(link: Any) -> str:
    """What a review of *link* takes in: ``first review``, what changed, or ``unchanged``."""
    from sphinx_spec.reviews import summary as phrase

    if link.state == "unreviewed":
        return "first review"
    return phrase(link.changed) if link.state == "suspect" else "unchanged"


TESTS_DESCRIPTION = """\
Write a pytest module with one test per untested error path of the spec: no
test in spec_test_reports names it (without reports, every error path is
untested). An error path whose only tests were skipped has a test already and
is left out: un-skip that test instead. Each test is marked
@pytest.mark.spec("SPEC.ID"), has the condition, the system action and the user
feedback in its docstring, and fails until it is written. The module is never
overwritten: an existing file exits 2. A spec with no untested error path
writes nothing and exits 0."""


def cmd_tests(args: argparse.Namespace) -> int:
    return refusing("tests", write_tests, args)


def write_tests(args: argparse.Namespace) -> int:
    """Write a pytest module with a failing, marked test per untested error path of a spec."""
    out = Path(args.out)
    if out.exists() or out.is_symlink():
        raise Refused(f"{out} exists; not overwriting it")
    env, index = read_project("tests", args.project)
    spec = local_spec(env, index, args.spec)
    errors = [
        error
        for error in index.objects_of(spec.id, ErrorPath.kind)
        if isinstance(error, ErrorPath) and index.verification(error).state == "untested"
    ]
    if not errors:
        print(
            f"sphinx-spec tests: every error path of {spec.id} has a test; nothing written",
            file=sys.stderr,
        )
        return 0
    rows = [(error.full_id, error.title, error.action, error.feedback) for error in errors]
    text = skeleton_module(spec.id, spec.title, rows)
    try:
        written = write_new(out.parent, out, text)
    except CannotWrite as error:
        raise Refused(str(error)) from error
    if not written:
        raise Refused(f"{out} exists; not overwriting it")
    ids = ", ".join(error.full_id for error in errors)
    print(printable(f"wrote {out}: {plural(len(errors), 'test')} ({ids})"))
    return 0


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
    if not reviewed_as(record, args):
        return False
    state = getattr(args, "state", None)
    if state is not None and state_of(record) != state:
        return False
    return args.tags is None or wants(split_list(args.tags), *record.get("tags", []))


def reviewed_as(record: dict[str, Any], args: argparse.Namespace) -> bool:
    """``--approval``, ``--approver``, ``--suspect``: only specs pass, as their records say.

    ``--approval`` and ``--approver`` together ask for one approver in that state.
    """
    approval, approver = getattr(args, "approval", None), getattr(args, "approver", None)
    suspect = getattr(args, "suspect", False)
    if approval is None and approver is None and not suspect:
        return True
    if record.get("kind") != "spec":
        return False
    if suspect and not any(
        link.get("state") == "suspect" for link in record.get("link_reviews", [])
    ):
        return False
    if approval is None and approver is None:
        return True
    return any(
        (approval is None or str(entry.get("state", "")).casefold() == approval)
        and (approver is None or str(entry.get("approver", "")).casefold() == approver.casefold())
        for entry in record.get("approvals", [])
    )


def state_of(record: dict[str, Any]) -> str:
    """An object's verification state as ``spec.json`` writes it; ``""``: it has none.

    An error path or goal of a file written before states were exported is ``untested``.
    """
    written = record.get("verification")
    if record.get("kind") == "spec":
        return ""
    if isinstance(written, dict):
        return str(written.get("state", ""))
    return "untested" if record.get("kind") in TRACKED_KINDS else ""


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
        print_table(found, with_state=args.state is not None)
    return 0


def print_table(records: list[dict[str, Any]], *, with_state: bool = False) -> None:
    """One row per record; with *with_state*, a STATE column (the verification state) too."""
    state = ("STATE",) if with_state else ()
    rows: list[tuple[str, ...]] = [("KIND", "ID", "STATUS", *state, "OWNER", "TITLE")]
    rows += [
        tuple(
            printable(str(cell))
            for cell in (
                r["kind"],
                r.get("full_id", r.get("id", "")),
                r.get("status", ""),
                *((state_of(r),) if with_state else ()),
                ", ".join(owners_of(r)),
                r.get("title", ""),
            )
        )
        for r in records
    ]
    last = len(rows[0]) - 1
    widths = [max(len(row[n]) for row in rows) for n in range(last)]
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
            + "  "
            + row[last]
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


PROJECT_HELP = "the folder of conf.py (default: . or the nearest folder above with one)"


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
    approve = commands.add_parser(
        "approve", help="write a spec-approval of the spec's current version into its source"
    )
    approve.add_argument("spec", help="the spec id, e.g. PAY-001")
    approve.add_argument("--by", required=True, metavar="NAME", help="the approver")
    approve.add_argument("--verdict", choices=APPROVAL_VERDICTS, default="approved")
    approve.add_argument("--note", default="", help="one line; the directive's body")
    approve.add_argument("--project", default=".", metavar="DIR", help=PROJECT_HELP)
    approve.set_defaults(run=cmd_approve)
    review = commands.add_parser(
        "review", help="record the current fingerprints of the specs a spec depends on"
    )
    which = review.add_mutually_exclusive_group(required=True)
    which.add_argument("spec", nargs="?", help="the spec id, e.g. PAY-003")
    which.add_argument("--all", action="store_true", help="every spec of the project with links")
    review.add_argument("--project", default=".", metavar="DIR", help=PROJECT_HELP)
    review.set_defaults(run=cmd_review)
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
    query.add_argument("--approval", type=str.casefold, choices=APPROVAL_STATES, metavar="STATE",
                       help="specs with an approver in this state: "
                            + ", ".join(APPROVAL_STATES))  # fmt: skip
    query.add_argument("--approver", help="specs this approver is listed for or gave a verdict on")
    query.add_argument("--suspect", action="store_true",
                       help="specs linking to a spec changed since it was reviewed")  # fmt: skip
    query.add_argument("--state", type=str.casefold, choices=VERIFICATION_STATES, metavar="STATE",
                       help="objects whose tests (spec_test_reports) ended so: "
                            + ", ".join(VERIFICATION_STATES) + "; untested: error paths and "
                            "goals no test names; adds a STATE column")  # fmt: skip
    query.add_argument("--json", action="store_true", help="print JSON instead of a table")
    query.set_defaults(run=cmd_query)
    tests = commands.add_parser(
        "tests",
        help="write a pytest module with a failing test per untested error path",
        description=TESTS_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    tests.add_argument("--spec", required=True, help="the spec id, e.g. PAY-001")
    tests.add_argument(
        "--out", required=True, metavar="FILE", help="the module to write; never overwritten"
    )
    tests.add_argument("--project", default=".", metavar="DIR", help=PROJECT_HELP)
    tests.set_defaults(run=cmd_tests)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
