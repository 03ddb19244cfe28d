"""Reading JUnit XML reports: other runners' formats, hostile and huge files."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sphinx_spec.verification import cases_by_id, combined, read_reports, verified

DATA = Path(__file__).parent.parent / "data" / "junit"

VALID = b"""<?xml version="1.0" encoding="utf-8"?>
<testsuites name="pytest tests">
  <testsuite name="pytest" errors="0" failures="1" skipped="1" tests="3">
    <testcase classname="tests.test_pay" name="test_retry" time="0.1">
      <properties><property name="spec" value="PAY-001.A1" /></properties>
    </testcase>
    <testcase classname="tests.test_pay" name="test_key [PAY-001.A2]" time="0.1">
      <failure message="assert 1 == 2">boom</failure>
    </testcase>
    <testcase classname="tests.test_pay" name="test_later" time="0">
      <properties><property name="spec">PAY-001.A3</property></properties>
      <skipped type="pytest.skip" message="later">later</skipped>
    </testcase>
  </testsuite>
</testsuites>
"""


def read(directory: Path, *patterns: str):
    return read_reports(patterns, directory, lambda entry: f"conf.py:{len(entry)}")


def triples(reports) -> list[tuple[str, str, tuple[str, ...], int]]:
    return [(case.name, case.outcome, case.ids, case.lineno) for case in reports.cases]


# --- other runners' reports -------------------------------------------------------------


def test_jest_junit():
    reports = read(DATA, "jest-junit.xml")
    assert reports.problems == ()
    title = "retry reuses the idempotency key [PAY-001.no-double-charge, PAY-001.A2]"
    assert triples(reports) == [
        (
            "retry schedules a retry after a timeout [PAY-001.A1]."
            "retry schedules a retry after a timeout [PAY-001.A1]",
            "passed",
            ("PAY-001.A1",),
            4,
        ),
        (f"{title}.{title}", "failed", ("PAY-001.no-double-charge", "PAY-001.A2"), 6),
        (
            "retry gives up on hard declines [PAY-001.A3].retry gives up on hard declines "
            "[PAY-001.A3]",
            "skipped",
            ("PAY-001.A3",),
            13,
        ),
    ]  # "retry formats amounts [1]" names nothing: [1] is no id


def test_go_junit_report():
    """Subtests keep their brackets (spaces become underscores); suite properties name nothing."""
    reports = read(DATA, "go-junit-report.xml")
    assert reports.problems == ()
    pkg = "example.com/payments"
    assert triples(reports) == [
        (f"{pkg}.TestRetry/timeout_[PAY-001.A1]", "passed", ("PAY-001.A1",), 9),
        (f"{pkg}.TestRetry/rate_limited_[PAY-001.A2]", "failed", ("PAY-001.A2",), 10),
        # underscores join ids in a Go subtest name: that is one word, not an id list
        (f"{pkg}.TestLedger/[PAY-001.A3_PAY-001.A4]", "skipped", ("PAY-001.A3_PAY-001.A4",), 13),
    ]
    assert "PAY-001.suite-level-not-a-test" not in cases_by_id(reports.cases)


def test_gotestsum():
    reports = read(DATA, "gotestsum.xml")
    assert reports.problems == ()
    assert triples(reports) == [
        ("example.com/auth.TestRefresh/expired_[AUTH-002.A1]", "passed", ("AUTH-002.A1",), 7),
        ("example.com/auth.TestRefresh/reused_[AUTH-002.A2]", "error", ("AUTH-002.A2",), 8),
    ]


def test_maven_surefire_reruns():
    """A flaky failure that passed on a rerun passes; a failure whose reruns failed fails."""
    reports = read(DATA, "surefire.xml")
    assert reports.problems == ()
    cls = "com.example.payments.RetryTest"
    assert triples(reports) == [
        (f"{cls}.retries a timeout [PAY-001.A1]", "passed", ("PAY-001.A1",), 7),
        (f"{cls}.keeps the key [PAY-001.A2]", "failed", ("PAY-001.A2",), 14),
        (f"{cls}.records the attempt", "passed", ("PAY-001.A3", "PAY-001.recovery"), 24),
        (f"{cls}.connection drops [PAY-001.A4]", "passed", ("PAY-001.A4",), 30),
    ]
    # "[PAY-001.A5]" in a rerun's output is no test name
    assert "PAY-001.A5" not in cases_by_id(reports.cases)


def test_junit5_console_launcher():
    """The console launcher's legacy report: method names, [1] invocation indexes and
    suite-level properties name nothing, and the report reads without a problem."""
    reports = read(DATA, "junit5-console.xml")
    assert (reports.cases, reports.problems) == ((), ())
    assert reports.files == (str(DATA / "junit5-console.xml"),)


def test_bare_testsuite_with_property_spellings():
    reports = read(DATA, "bare-testsuite.xml")
    assert reports.problems == ()
    assert triples(reports) == [
        ("one", "passed", ("PAY-001.A1", "PAY-001.A2"), 2),
        ("two", "error", ("PAY-001.A5",), 3),
    ]


def test_all_formats_through_a_glob_combine_per_object():
    reports = read(DATA, "*.xml")
    assert reports.problems == ()
    assert len(reports.files) == 6
    states = {key: verified(cases).state for key, cases in cases_by_id(reports.cases).items()}
    # PAY-001.A1 passes everywhere; A2 failed in jest, Go and Surefire; A3 skipped in jest
    # and passed in Surefire: a pass beats a skip
    assert states["PAY-001.A1"] == "passed"
    assert states["PAY-001.A2"] == "failed"
    assert states["PAY-001.A3"] == "passed"
    assert states["AUTH-002.A2"] == "error"
    assert combined(["skipped", "error", "failed"]) == "failed"


# --- hostile reports --------------------------------------------------------------------


HOSTILE = {
    "empty.xml": (b"", "test report is not well-formed XML: no element found", 1),
    "truncated.xml": (VALID[:300], "test report is not well-formed XML: unclosed token", 6),
    "wrong-root.xml": (
        b"<?xml version='1.0'?>\n<html><body/></html>",
        "test report is not a JUnit XML report: its root element is <html>",
        1,
    ),
    "garbage.xml": (
        bytes(range(256)) * 8,
        "test report is not well-formed XML: not well-formed (invalid token)",
        1,
    ),
    "laughs.xml": (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
        b' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
        b' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n'
        b"<testsuites>&lol3;</testsuites>",
        "test report has a document type declaration; a report must not declare one",
        2,
    ),
    "external.xml": (
        b'<?xml version="1.0"?>\n\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b"<testsuites><testsuite><testcase name='&x; [A-1.x]'/></testsuite></testsuites>",
        "test report has a document type declaration; a report must not declare one",
        3,
    ),
    "undefined-entity.xml": (
        b"<testsuites>\n<testsuite>&passwd;</testsuite></testsuites>",
        "test report is not well-formed XML: undefined entity",
        2,
    ),
    "unknown-encoding.xml": (
        b'<?xml version="1.0" encoding="x-klingon"?>\n<testsuites/>',
        "test report cannot be decoded: unknown encoding: x-klingon",
        1,
    ),
    "two-roots.xml": (
        b"<testsuite/>\n<testsuite/>",
        "test report is not well-formed XML: junk after document element",
        2,
    ),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_report_is_refused_at_its_line(tmp_path, name):
    content, message, line = HOSTILE[name]
    (tmp_path / name).write_bytes(content)
    reports = read(tmp_path, name)
    assert reports.cases == ()
    assert [tuple(problem) for problem in reports.problems] == [
        (message, f"{tmp_path / name}:{line}")
    ]


def test_a_report_cut_off_while_written_keeps_the_cases_before_the_cut(tmp_path):
    """A CI job killed while pytest wrote its report: the complete test cases still count,
    and the warning says how many."""
    cut = VALID.index(b"<testcase", VALID.index(b"test_key"))  # inside the third case
    (tmp_path / "cut.xml").write_bytes(VALID[: cut + 20])
    reports = read(tmp_path, "cut.xml")
    assert triples(reports) == [
        ("tests.test_pay.test_retry", "passed", ("PAY-001.A1",), 4),
        ("tests.test_pay.test_key [PAY-001.A2]", "failed", ("PAY-001.A2",), 7),
    ]
    assert [tuple(problem) for problem in reports.problems] == [
        (
            "test report is not well-formed XML: unclosed token; "
            "the 2 test cases naming spec objects before it count",
            f"{tmp_path / 'cut.xml'}:10",
        )
    ]


def test_external_entity_never_reads_the_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-1.leaked", encoding="utf-8")
    report = tmp_path / "report.xml"
    report.write_text(
        f'<!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<testsuite><testcase name='t'><properties>"
        "<property name='spec'>&x;</property></properties></testcase></testsuite>",
        encoding="utf-8",
    )
    reports = read(tmp_path, "report.xml")
    assert reports.cases == ()
    assert "SECRET" not in repr(reports)


@pytest.mark.parametrize(
    ("encoding", "codec"), [("UTF-16", "utf-16"), ("ISO-8859-1", "latin-1"), ("utf-8", "utf-8")]
)
def test_declared_encodings_are_honoured(tmp_path, encoding, codec):
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<testsuite>\n'
        "<testcase classname='z\u00fcrich' name='r\u00e9essai [PAY-001.A1]'/></testsuite>"
    )
    (tmp_path / "report.xml").write_bytes(text.encode(codec))
    reports = read(tmp_path, "report.xml")
    assert reports.problems == ()
    assert triples(reports) == [
        ("z\u00fcrich.r\u00e9essai [PAY-001.A1]", "passed", ("PAY-001.A1",), 3)
    ]


def test_folder_broken_link_and_empty_glob(tmp_path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "notes.txt").write_text("not a report", encoding="utf-8")
    os.symlink(tmp_path / "missing.xml", tmp_path / "broken.xml")
    (tmp_path / "dir.xml").mkdir()  # a folder named like a report, matched by the glob
    reports = read(tmp_path, "reports", "broken.xml", "nothing/*.xml", "dir*.xml")
    assert reports.cases == ()
    assert [tuple(problem) for problem in reports.problems] == [
        (
            f"spec_test_reports entry 'reports' names no report file "
            f"(looked for {tmp_path / 'reports'})",
            "conf.py:7",
        ),
        ("test report cannot be read: No such file or directory", f"{tmp_path / 'broken.xml'}:1"),
        (
            f"spec_test_reports entry 'nothing/*.xml' names no report file "
            f"(looked for {tmp_path / 'nothing/*.xml'})",
            "conf.py:13",
        ),
        (
            f"spec_test_reports entry 'dir*.xml' names no report file "
            f"(looked for {tmp_path / 'dir*.xml'})",
            "conf.py:8",
        ),
    ]


def test_unreadable_path_is_a_located_problem(tmp_path):
    """A path that cannot be opened as a file (here: a report path through a regular file,
    which fails for root too, unlike chmod 000)."""
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    reports = read(tmp_path, "plain/report.xml")
    assert reports.cases == ()
    assert [tuple(problem) for problem in reports.problems] == [
        (
            "spec_test_reports entry 'plain/report.xml' names no report file "
            f"(looked for {tmp_path / 'plain/report.xml'})",
            "conf.py:16",
        )
    ]


def test_a_file_named_twice_is_read_once(tmp_path):
    (tmp_path / "report.xml").write_bytes(VALID)
    reports = read(tmp_path, "report.xml", "*.xml", ".")
    assert reports.files == (str(tmp_path / "report.xml"),)
    assert triples(reports) == [
        ("tests.test_pay.test_retry", "passed", ("PAY-001.A1",), 4),
        ("tests.test_pay.test_key [PAY-001.A2]", "failed", ("PAY-001.A2",), 7),
        ("tests.test_pay.test_later", "skipped", ("PAY-001.A3",), 10),
    ]


# --- huge reports -----------------------------------------------------------------------


def test_huge_report_is_streamed_in_bounded_memory(tmp_path):
    """200,000 test cases, one in a thousand naming an object: memory stays far below the
    file's size, because only the naming test cases are kept."""
    path = tmp_path / "huge.xml"
    with path.open("w", encoding="utf-8") as stream:
        stream.write('<?xml version="1.0" encoding="utf-8"?>\n<testsuites><testsuite>\n')
        for number in range(200_000):
            named = f" [PAY-001.A{number // 1000}]" if number % 1000 == 0 else ""
            stream.write(
                f'<testcase classname="tests.test_huge" name="test_{number}{named}" time="0.001">'
                f"<system-out>output of test {number}</system-out></testcase>\n"
            )
        stream.write("</testsuite></testsuites>\n")
    size = path.stat().st_size
    assert size > 20_000_000
    tracemalloc.start()
    try:
        reports = read(tmp_path, "huge.xml")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reports.problems == ()
    assert len(reports.cases) == 200
    assert reports.cases[-1].ids == ("PAY-001.A199",)
    assert reports.cases[-1].lineno == 199_000 + 3
    assert peak < size / 20


# --- random damage ----------------------------------------------------------------------

MUTATION = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, len(VALID)), st.integers(1, 40)),
    st.tuples(st.just("insert"), st.integers(0, len(VALID)), st.binary(min_size=1, max_size=20)),
    st.tuples(
        st.just("snippet"),
        st.integers(0, len(VALID)),
        st.sampled_from(
            [
                b"<!DOCTYPE x>",
                b'<?xml version="1.0" encoding="utf-16"?>',
                b"&amp;",
                b"&#0;",
                b"]]>",
                b"<![CDATA[",
                b"<testcase name='[A-1.b]'>",
                b"</testcase>",
                b"<property name='spec'>",
                b"\x00",
                b"\xff\xfe",
            ]
        ),
    ),
)


def mutate(data: bytes, mutations) -> bytes:
    for kind, at, what in mutations:
        if kind == "delete":
            data = data[:at] + data[at + what :]
        else:
            data = data[:at] + what + data[at:]
    return data


@settings(
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(mutations=st.lists(MUTATION, min_size=1, max_size=4))
def test_damaged_reports_never_raise_and_every_problem_is_located(tmp_path, mutations):
    path = tmp_path / "report.xml"
    path.write_bytes(mutate(VALID, mutations))
    reports = read(tmp_path, "report.xml")  # raises nothing
    for problem in reports.problems:
        source, _, line = problem.location.rpartition(":")
        assert source == str(path)
        assert int(line) >= 1
        assert problem.message.startswith("test report ")
    for case in reports.cases:
        assert case.outcome in ("failed", "error", "passed", "skipped")
        assert case.ids and all(case.ids)
        assert case.location.startswith(f"{path}:")


def test_a_pipe_or_device_is_refused_without_reading(tmp_path):
    """A named pipe would block the build and /dev/zero would never end: neither is opened."""
    os.mkfifo(tmp_path / "pipe.xml")
    reports = read(tmp_path, "pipe.xml", "/dev/zero")
    assert reports.cases == ()
    assert [tuple(problem) for problem in reports.problems] == [
        ("test report is not a regular file (a pipe or device?)", f"{tmp_path / 'pipe.xml'}:1"),
        ("test report is not a regular file (a pipe or device?)", "/dev/zero:1"),
    ]


def test_a_report_that_cannot_be_opened(tmp_path, monkeypatch):
    """chmod 000 does not stop root, so the refusal is made by the file system call itself."""
    report = tmp_path / "report.xml"
    report.write_bytes(VALID)
    opened = Path.open

    def refuse(path, *args, **kwargs):
        if path == report:
            raise PermissionError(13, "Permission denied", str(path))
        return opened(path, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    reports = read(tmp_path, "report.xml")
    assert reports.cases == ()
    assert [tuple(problem) for problem in reports.problems] == [
        ("test report cannot be read: Permission denied", f"{report}:1")
    ]
