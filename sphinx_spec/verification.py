"""Test reports: which tests name which spec objects, and how those tests ended.

``spec_test_reports`` lists JUnit XML files (or glob patterns) relative to
``conf.py``. A test case names the spec objects it verifies

- in a ``spec`` property (what the pytest marker ``@pytest.mark.spec`` writes;
  several ids in one value are separated by commas or spaces), or
- in brackets in its name: ``test_retry [PAY-001.A1]``, ``retries[PAY-001.A1, PAY-001.A2]``.

Reports are read as a stream (:mod:`xml.parsers.expat`), so a huge report
costs memory only for the test cases that name an object. Document type
declarations and entities are refused: a report is data, never a recipe.

Pure Python: no Sphinx, no docutils.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple
from xml.parsers import expat

#: how a test case ended, in the order in which several tests of one object combine:
#: any failure fails, then any error errs, then any pass passes
OUTCOMES = ("failed", "error", "passed", "skipped")
#: an object's verification state: how its tests combine, or ``untested``
VERIFICATION_STATES = (*OUTCOMES, "untested")
#: the states that count as "not passing" on the card and in the checks
FAILING_STATES = ("failed", "error")

#: the object kinds that have a state even when no test names them (they show "untested")
TRACKED_KINDS = ("error", "goal")

#: bytes read per chunk from a report
CHUNK = 1 << 16
#: a bracket group in a test name; ids inside are separated by commas or spaces
BRACKETS = re.compile(r"\[([^\[\]]*)\]")
#: what counts as an id in brackets: ``SPEC.local`` (letters first, one dot at least), so
#: that a parametrised test's ``[1-2]`` or ``[True]`` is not taken for one
BRACKET_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+\Z")
ID_SEPARATORS = re.compile(r"[,\s]+")
#: JUnit's result elements and the outcome each means; anything else is a pass
RESULT_ELEMENTS = {
    "failure": "failed",
    "error": "error",
    "skipped": "skipped",
    # Maven Surefire writes these for a test that failed and then passed on a rerun
    "flakyFailure": "",
    "flakyError": "",
    "rerunFailure": "",
    "rerunError": "",
}
#: the property names that name spec objects
ID_PROPERTIES = ("spec", "spec-id", "spec_id", "specs")


class TestCase(NamedTuple):
    """One test case of a report that names spec objects."""

    #: ``classname.name`` (or the name alone)
    name: str
    #: one of :data:`OUTCOMES`
    outcome: str
    #: the ids it names, as written
    ids: tuple[str, ...]
    #: the report file and the line of its ``<testcase>``
    source: str
    lineno: int

    @property
    def location(self) -> str:
        return f"{self.source}:{self.lineno}"


TestCase.__test__ = False  # type: ignore[attr-defined]  # not a test class, to pytest


class ReportProblem(NamedTuple):
    """Why (part of) a report could not be read, and where."""

    message: str
    location: str


class TestReports(NamedTuple):
    """What the build read from ``spec_test_reports``."""

    #: the test cases that name spec objects, in report order
    cases: tuple[TestCase, ...] = ()
    problems: tuple[ReportProblem, ...] = ()
    #: the report files read
    files: tuple[str, ...] = ()
    #: whether the project lists reports at all (the displays show verification only then)
    enabled: bool = False


TestReports.__test__ = False  # type: ignore[attr-defined]


class Verified(NamedTuple):
    """An object's verification: its state and the tests that name it."""

    state: str
    tests: tuple[TestCase, ...] = ()

    @property
    def passing(self) -> bool:
        return self.state == "passed"

    @property
    def failing(self) -> bool:
        return self.state in FAILING_STATES

    def names(self, outcome: str | None = None) -> tuple[str, ...]:
        """The tests' names (of one *outcome* only, if given), each once, in report order."""
        tests = (case for case in self.tests if outcome is None or case.outcome == outcome)
        return tuple(dict.fromkeys(case.name for case in tests))


UNTESTED = Verified("untested")


def combined(outcomes: Iterable[str]) -> str:
    """The state of an object whose tests ended with *outcomes*: any failure fails."""
    seen = set(outcomes)
    return next((outcome for outcome in OUTCOMES if outcome in seen), "untested")


def verified(cases: Iterable[TestCase]) -> Verified:
    tests = tuple(cases)
    return Verified(combined(case.outcome for case in tests), tests)


def ids_in_name(name: str) -> tuple[str, ...]:
    """The ids written in brackets in a test's name: ``check [PAY-001.A1]`` → ``PAY-001.A1``."""
    found = []
    for group in BRACKETS.findall(name):
        words = [word for word in ID_SEPARATORS.split(group) if word]
        if words and all(BRACKET_ID.match(word) for word in words):
            found += words
    return tuple(found)


def ids_in_value(value: str) -> tuple[str, ...]:
    """The ids of a ``spec`` property's value: separated by commas or spaces."""
    return tuple(word for word in ID_SEPARATORS.split(value) if word)


class ReportError(Exception):
    """A report that cannot be read: the message, the line (0: none), and the test cases
    read completely before the problem (a report cut off while it was written keeps them)."""

    def __init__(self, message: str, lineno: int = 0, cases: Iterable[TestCase] = ()) -> None:
        super().__init__(message)
        self.lineno = lineno
        self.cases = list(cases)


class JUnitReader:
    """Reads one JUnit XML report as a stream of parser events."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.cases: list[TestCase] = []
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.parser.StartDoctypeDeclHandler = self.refuse_doctype
        self.parser.EntityDeclHandler = self.refuse_entity
        self.parser.ExternalEntityRefHandler = self.refuse_external
        #: the open test case: (name, classname, line), its outcome, its ids
        self.case: tuple[str, str, int] | None = None
        #: the open test case's outcome so far ("": no result element yet, a pass)
        self.outcome = ""
        self.ids: list[str] = []
        self.depth = 0
        self.case_depth = 0
        self.property: list[str] | None = None
        self.roots = 0

    def refuse_doctype(self, *_args: object) -> None:
        raise ReportError("has a document type declaration; a report must not declare one")

    def refuse_entity(self, *_args: object) -> None:
        raise ReportError("declares an entity; a report must not declare entities")

    def refuse_external(self, *_args: object) -> int:
        raise ReportError("refers to an external entity; a report must not")

    @property
    def line(self) -> int:
        return int(self.parser.CurrentLineNumber)

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if self.depth == 1:
            self.roots += 1
            if tag not in ("testsuites", "testsuite", "testcase"):
                raise ReportError(f"is not a JUnit XML report: its root element is <{tag}>", 1)
        if tag == "testcase" and self.case is None:
            self.case = (attrs.get("name", ""), attrs.get("classname", ""), self.line)
            self.case_depth = self.depth
            self.outcome, self.ids = "", []
        elif self.case is not None and self.depth == self.case_depth + 1:
            found = RESULT_ELEMENTS.get(tag)
            if found and combined(filter(None, (found, self.outcome))) == found:
                self.outcome = found
        if self.case is not None and tag == "property":
            name = attrs.get("name", "").strip().casefold()
            if name in ID_PROPERTIES:
                value = attrs.get("value")
                if value is not None:
                    self.ids += ids_in_value(value)
                else:
                    self.property = []  # the value is the element's text

    def text(self, data: str) -> None:
        if self.property is not None:
            self.property.append(data)

    def end(self, tag: str) -> None:
        if tag == "property" and self.property is not None:
            self.ids += ids_in_value("".join(self.property))
            self.property = None
        if tag == "testcase" and self.case is not None and self.depth == self.case_depth:
            self.close_case()
        self.depth -= 1

    def close_case(self) -> None:
        assert self.case is not None
        name, classname, line = self.case
        ids = tuple(dict.fromkeys((*self.ids, *ids_in_name(name))))
        if ids:
            shown = f"{classname}.{name}" if classname else name
            outcome = self.outcome or "passed"
            self.cases.append(TestCase(shown, outcome, ids, self.source, line))
        self.case = None

    def read(self, stream: BinaryIO) -> list[TestCase]:
        try:
            while chunk := stream.read(CHUNK):
                self.parser.Parse(chunk, False)
            self.parser.Parse(b"", True)
        except expat.ExpatError as error:
            message = expat.ErrorString(error.code) if error.code else str(error)
            raise ReportError(
                f"is not well-formed XML: {message}", error.lineno, self.cases
            ) from None
        except ReportError as error:
            raise ReportError(str(error), error.lineno or self.line, self.cases) from None
        except (LookupError, ValueError) as error:
            # an encoding declaration Python has no codec for, or bytes its codec rejects
            raise ReportError(f"cannot be decoded: {error}", self.line, self.cases) from None
        if not self.roots:
            raise ReportError("holds no XML element")
        return self.cases


def read_junit(path: Path) -> list[TestCase]:
    """The test cases of the JUnit report at *path* that name spec objects.

    Raises :class:`ReportError` (with the line, where known) or :class:`OSError`.
    """
    with path.open("rb") as stream:
        return JUnitReader(str(path)).read(stream)


def report_files(patterns: Iterable[str], confdir: Path) -> Iterator[tuple[str, list[Path]]]:
    """Each entry of ``spec_test_reports`` with the files it names, sorted (none: empty).

    A glob pattern names the files it matches; a folder, the ``*.xml`` files in it.
    """
    for pattern in patterns:
        full = os.path.join(confdir, os.path.expanduser(pattern))
        if glob.has_magic(full):
            found = sorted(Path(path) for path in glob.glob(full, recursive=True))
            yield pattern, [path for path in found if path.is_file()]
        elif os.path.isdir(full):
            yield pattern, sorted(path for path in Path(full).glob("*.xml") if path.is_file())
        else:
            yield pattern, [Path(full)] if os.path.lexists(full) else []


def read_reports(
    patterns: Iterable[str], confdir: Path, locate: Callable[[str], str]
) -> TestReports:
    """Read every report ``spec_test_reports`` names; problems are collected, never raised.

    *locate* gives where ``conf.py`` writes an entry (``conf.py:12``): an entry that
    names no file is reported there. A file named by two entries is read once.
    """
    patterns = list(patterns)
    cases: list[TestCase] = []
    problems: list[ReportProblem] = []
    files: list[str] = []
    for pattern, paths in report_files(patterns, confdir):
        if not paths:
            problems.append(
                ReportProblem(
                    f"spec_test_reports entry {pattern!r} names no report file "
                    f"(looked for {os.path.join(confdir, pattern)})",
                    locate(pattern),
                )
            )
        for path in paths:
            if str(path) in files:
                continue
            files.append(str(path))
            if path.exists() and not path.is_file():
                # a pipe would block the build, a device could stream forever
                problems.append(
                    ReportProblem(
                        "test report is not a regular file (a pipe or device?)", f"{path}:1"
                    )
                )
                continue
            try:
                cases += read_junit(path)
            except ReportError as error:
                kept = len(error.cases)
                message = f"test report {error}"
                if kept:
                    cases += error.cases
                    named = "test case" if kept == 1 else "test cases"
                    message += f"; the {kept} {named} naming spec objects before it count"
                problems.append(ReportProblem(message, f"{path}:{max(error.lineno, 1)}"))
            except OSError as error:
                reason = error.strerror or type(error).__name__
                problems.append(ReportProblem(f"test report cannot be read: {reason}", f"{path}:1"))
    return TestReports(tuple(cases), tuple(problems), tuple(files), enabled=bool(patterns))


def cases_by_id(cases: Iterable[TestCase]) -> dict[str, list[TestCase]]:
    """Each id the reports name, with the test cases that name it, in report order."""
    by_id: dict[str, list[TestCase]] = {}
    for case in cases:
        for object_id in case.ids:
            by_id.setdefault(object_id, []).append(case)
    return by_id
