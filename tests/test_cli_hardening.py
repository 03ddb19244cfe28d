"""The sphinx-spec command line against broken projects, awkward paths and hostile text.

Each test runs the command as a user would (``main([...])``); what ``new``
writes is built with warnings as errors; what ``check`` says is compared with
``sphinx-build -W`` on the same project.
"""

from __future__ import annotations

import errno
import json
import re
from pathlib import Path

import helpers
import pytest
from sphinx.cmd.build import build_main

from sphinx_spec.cli import main

# -- check fails whenever sphinx-build -W does ----------------------------------------------

SETUP_WARNS = """
from sphinx.util import logging

def setup(app):
    logging.getLogger(__name__).warning("set up with a warning")
    logging.getLogger(__name__).warning("a spec warning at set-up", type="spec", subtype="setup")
"""

BOOM = """
from docutils.parsers.rst import Directive

class Boom(Directive):
    def run(self):
        raise ValueError("boom in a directive")

def setup(app):
    app.add_directive("boom", Boom)
"""

#: name → (conf.py lines, index.rst body, the summary's warning lines, a line of the text)
BROKEN = {
    "clean": ("", "Some text.", ["warnings: 0"], ""),
    "unknown directive (ERROR)": (
        "",
        ".. nosuch:: x",
        ["warnings: 1", "  other: 1"],
        'index.rst:4: ERROR: Unknown directive type "nosuch".',
    ),
    "missing include (CRITICAL)": (
        "",
        ".. include:: nothere.rst",
        ["warnings: 1", "  other: 1"],
        'index.rst:4: CRITICAL: Problems with "include" directive path:',
    ),
    "config value of the wrong type (logged while Sphinx starts)": (
        'numfig = "yes"',
        "Some text.",
        ["warnings: 1", "  other: 1"],
        "WARNING: The config value `numfig' has type `str'",
    ),
    "warnings from conf.py's setup() (logged while Sphinx starts)": (
        SETUP_WARNS,
        "Some text.",
        ["warnings: 2", "  other: 1", "  spec.setup: 1"],
        "WARNING: while setting up extension conf.py: a spec warning at set-up [spec.setup]",
    ),
    "errors and warnings together": (
        'numfig = "yes"',
        ".. nosuch:: x\n\n.. include:: nothere.rst\n\n.. spec:: S\n   :id: S-1\n   :status: odd",
        ["warnings: 4", "  other: 3", "  spec.option: 1"],
        "index.rst:8: WARNING: spec: unknown :status: 'odd'",
    ),
}


def project(path: Path, conf: str, body: str) -> Path:
    """A one-page project: ``conf.py`` with sphinx-spec and *conf*, ``index.rst`` with *body*."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "conf.py").write_text(f'extensions = ["sphinx_spec"]\n{conf}\n', encoding="utf-8")
    (path / "index.rst").write_text(f"Title\n=====\n\n{body}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_check_fails_exactly_when_sphinx_build_w_fails(case, tmp_path, capsys):
    conf, body, counts, line = BROKEN[case]
    src = project(tmp_path / "src", conf, body)
    sphinx_build = build_main(["-W", "-q", "-b", "dummy", str(src), str(tmp_path / "out")])
    capsys.readouterr()

    status = main(["check", str(src)])
    captured = capsys.readouterr()
    assert (status, sphinx_build) in {(0, 0), (1, 1)}
    assert status == (1 if case != "clean" else 0)
    out = captured.out.splitlines()
    assert out[out.index("overdue revisits: 0") + 1 :] == counts
    if line:
        assert any(line in text for text in out), captured.out
    shown = [text for text in out if re.search(r"(^|: )(WARNING|ERROR|CRITICAL): ", text)]
    count = int(counts[0].removeprefix("warnings: "))
    assert len(shown) == count
    verdict = (
        f"{count} warning{'s' if count > 1 else ''}; failing" if count else "no warnings; passing"
    )
    assert captured.err.splitlines()[-1] == f"sphinx-spec check: 1 document read, {verdict}"


def test_check_says_why_the_build_stopped_on_any_exception(tmp_path, capsys):
    src = project(tmp_path / "src", BOOM, ".. boom::")
    assert build_main(["-W", "-q", "-b", "dummy", str(src), str(tmp_path / "out")]) == 2
    capsys.readouterr()
    assert main(["check", str(src)]) == 2
    assert capsys.readouterr().err == (
        f"sphinx-spec check: reading {src} (no pages are written)\n"
        "sphinx-spec check: the build stopped: ValueError: boom in a directive\n"
    )


def test_check_counts_start_up_warnings_once_on_a_second_run(tmp_path, capsys):
    """The filter that counts is attached to each run's own logging, never twice."""
    src = project(tmp_path / "src", 'numfig = "yes"', "Some text.")
    for _ in range(2):
        assert main(["check", str(src)]) == 1
        assert capsys.readouterr().out.endswith("warnings: 1\n  other: 1\n")


def test_check_writes_control_characters_in_warnings_out(tmp_path, capsys):
    """A warning quoting the document's text never sends its escape codes to the terminal."""
    src = project(tmp_path / "src", "", "A |\x1b[2J\x1b]0;pwned\x07| substitution.")
    assert main(["check", str(src)]) == 1
    out = capsys.readouterr().out
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", out), repr(out)
    assert "\\x1b[2J\\x1b]0;pwned\\x07" in out


# -- new: where it cannot write ----------------------------------------------------------------


def test_new_into_a_dir_that_is_a_file(tmp_path, capsys):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x", encoding="utf-8")
    assert main(["new", "Payments", "--id", "PAY-1", "--dir", str(blocker)]) == 2
    assert capsys.readouterr() == (
        "",
        f"sphinx-spec new: --dir {blocker} is a file, not a folder\n",
    )
    assert blocker.read_text(encoding="utf-8") == "x"


def test_new_into_a_dir_under_a_file(tmp_path, capsys):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x", encoding="utf-8")
    folder = blocker / "specs" / "payments"
    assert main(["new", "Payments", "--id", "PAY-1", "--dir", str(folder)]) == 2
    assert capsys.readouterr() == (
        "",
        f"sphinx-spec new: --dir {folder} is inside {blocker}, which is a file\n",
    )


def test_new_when_the_folder_cannot_be_made(tmp_path, capsys):
    folder = tmp_path / ("x" * 300) / "specs"
    assert main(["new", "Payments", "--id", "PAY-1", "--dir", str(folder)]) == 2
    assert capsys.readouterr() == (
        "",
        f"sphinx-spec new: cannot make the folder {folder}: File name too long\n",
    )


def test_new_when_the_file_cannot_be_created(tmp_path, capsys):
    spec_id = "A" * 300
    target = tmp_path / f"{spec_id.lower()}.rst"
    assert main(["new", "Payments", "--id", spec_id, "--dir", str(tmp_path)]) == 2
    assert capsys.readouterr() == (
        "",
        f"sphinx-spec new: cannot write {target}: File name too long\n",
    )


def test_new_removes_a_half_written_file(tmp_path, capsys, monkeypatch):
    """A disk that fills up while the file is written: no half a template is left behind."""
    real_open = Path.open

    class FullDisk:
        def __init__(self, stream):
            self.stream = stream

        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            self.stream.close()

        def write(self, text):
            self.stream.write(text[:10])
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "open", lambda path, *a, **k: FullDisk(real_open(path, *a, **k)))
    assert main(["new", "Payments", "--id", "PAY-1", "--dir", str(tmp_path)]) == 2
    target = tmp_path / "pay-1.rst"
    assert capsys.readouterr() == (
        "",
        f"sphinx-spec new: cannot write {target}: No space left on device\n",
    )
    assert not target.exists()


def test_new_does_not_overwrite_a_folder_of_the_same_name(tmp_path, capsys):
    (tmp_path / "pay-1.rst").mkdir()
    assert main(["new", "Payments", "--id", "PAY-1", "--dir", str(tmp_path)]) == 1
    err = f"sphinx-spec new: {tmp_path / 'pay-1.rst'} exists; not overwriting it\n"
    assert capsys.readouterr() == ("", err)


# -- new: titles and owners that are not one line of text ---------------------------------------

CONTROL = "the title must be one line of text without control characters; it contains "
REFUSED_TITLES = {
    "": "the title is empty",
    "   ": "the title is empty",
    "\n": "the title is empty",
    "Two\nlines": CONTROL + r"'\n'",
    "Carriage\rreturn": CONTROL + r"'\r'",
    "Escape \x1b[31m": CONTROL + r"'\x1b'",
    "Tab\there": CONTROL + r"'\t'",
    "Line\u2028separator": CONTROL + r"'\u2028'",
    "C1 \x9b control": CONTROL + r"'\x9b'",
    "undecodable \udcff byte": CONTROL + r"'\udcff'",
}


@pytest.mark.parametrize("fmt", ["rst", "md"])
@pytest.mark.parametrize("title", REFUSED_TITLES, ids=[repr(t) for t in REFUSED_TITLES])
def test_new_refuses_a_title_that_is_not_one_line(title, fmt, tmp_path, capsys):
    args = ["new", title, "--id", "PAY-1", "--format", fmt, "--dir", str(tmp_path / "specs")]
    assert main(args) == 2
    assert capsys.readouterr() == ("", f"sphinx-spec new: {REFUSED_TITLES[title]}\n")
    assert not (tmp_path / "specs").exists()


def test_new_refuses_an_owner_that_is_not_one_line(tmp_path, capsys):
    owner = "alice\n   :status: accepted"  # an option smuggled into the spec directive
    args = ["new", "Payments", "--id", "PAY-1", "--dir", str(tmp_path), "--owner", owner]
    assert main(args) == 2
    err = "sphinx-spec new: the owner must be one line of text without control characters; "
    assert capsys.readouterr() == ("", err + r"it contains '\n'" + "\n")
    assert list(tmp_path.iterdir()) == []


# -- new: titles with markup in them build clean and read as written ---------------------------

HOSTILE_TITLES = [
    "a *b* **c** d",
    "x |sub| y |",
    "use `code` and ``literal``",
    "```fence``` in a title",
    "~~~ and ``` both",
    "foo_ bar __init__ _`target`",
    "[1]_ [#]_ [^1] [link](https://example.com) ![img](x.png)",
    "<b>bold</b> <https://example.com> a@example.com",
    "# hash, and a closing #",
    "- a list item",
    "+ plus item",
    "* star item",
    "1. numbered",
    "2) numbered",
    "trailing::",
    ":field: marker",
    ":role:`x` and {role}`y`",
    "back\\slash\\",
    "&amp; &#42; entities",
    "{{ substitution }} and $math$ and ~~strike~~",
    ".. nosuch:: directive",
    "| line block",
    "> block quote",
    "(target)=",
    "% comment",
    "=====",
    "_",
    "é 漢字 wide",
]

MYST_EXTENSIONS = [
    "colon_fence", "deflist", "dollarmath", "amsmath", "strikethrough", "substitution",
    "attrs_inline", "tasklist", "fieldlist", "html_image", "html_admonition",
]  # fmt: skip


def build_new(tmp_path: Path, title: str, fmt: str, owner: str = "you", spec_id: str = "PAY-001"):
    """``new`` into an empty project, then an html build with warnings as errors."""
    conf = (
        'extensions = ["myst_parser", "sphinx_spec"]\n'
        f"root_doc = {spec_id.lower()!r}\n"
        f"myst_enable_extensions = {MYST_EXTENSIONS!r}\n"
    )
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(conf, encoding="utf-8")
    args = ["new", title, "--id", spec_id, "--format", fmt, "--dir", str(src), "--owner", owner]
    assert main(args) == 0
    app = helpers.build(src, builddir=tmp_path / "_build", warningiserror=True)
    assert helpers.ANSI.sub("", app.warning.getvalue()) == ""
    assert app.statuscode == 0
    return app


@pytest.mark.parametrize("fmt", ["rst", "md"])
@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_new_escapes_markup_in_the_title(title, fmt, tmp_path, capsys):
    app = build_new(tmp_path, title, fmt)
    page = helpers.html(app, "pay-001")
    heading = page.find("h1")
    for link in heading.select("a.headerlink"):
        link.decompose()
    assert heading.get_text() == f"PAY-001: {title}"
    assert page.select_one(".spec-card .spec-title").get_text() == title
    exported = json.loads((Path(app.outdir) / "spec.json").read_text(encoding="utf-8"))
    assert [(spec["id"], spec["title"]) for spec in exported["specs"]] == [("PAY-001", title)]


@pytest.mark.parametrize("fmt", ["rst", "md"])
@pytest.mark.parametrize("spec_id", ["Pay_", "PAY__", "a_b_"])
def test_new_escapes_markup_in_the_id(spec_id, fmt, tmp_path):
    """``Pay_:`` would be a reference to a target ``Pay`` in reStructuredText."""
    app = build_new(tmp_path, "Payments", fmt, spec_id=spec_id)
    heading = helpers.html(app, spec_id.lower()).find("h1")
    for link in heading.select("a.headerlink"):
        link.decompose()
    assert heading.get_text() == f"{spec_id}: Payments"


def test_new_strips_the_title(tmp_path):
    app = build_new(tmp_path, "  Payment retries  ", "rst")
    assert (
        (Path(app.srcdir) / "pay-001.rst")
        .read_text(encoding="utf-8")
        .startswith("PAY-001: Payment retries\n========================\n")
    )


HOSTILE_OWNERS = ["#team", "'quoted'", '"double"', "| pipe", "> folded", "a #b", "a: b", "{x}"]


@pytest.mark.parametrize("fmt", ["rst", "md"])
@pytest.mark.parametrize("owner", HOSTILE_OWNERS)
def test_new_keeps_the_owner_as_written(owner, fmt, tmp_path):
    app = build_new(tmp_path, "Payments", fmt, owner)
    exported = json.loads((Path(app.outdir) / "spec.json").read_text(encoding="utf-8"))
    assert exported["specs"][0]["owners"] == [owner]


# -- query -----------------------------------------------------------------------------------

PAY = """\
PAY-001: Payment retries
========================

.. spec:: Payment retries
   :id: PAY-001
   :owners: Alice, bob
   :tags: Security, API

   Retry failed payments.

.. spec-concession:: No retries for refunds
   :id: refunds
   :kind: limitation
   :owner: Carol

.. open-question:: Which backoff?
   :id: backoff
   :owner: alice
   :blocking:
"""

AUTH = """\
AUTH-002: Session tokens
========================

.. spec:: Session tokens
   :id: AUTH-002
   :owners: carol
   :tags: ops

.. spec-concession:: Tokens are not revoked
   :id: revocation
   :kind: risk
"""


@pytest.fixture(scope="module")
def spec_json(tmp_path_factory) -> Path:
    """The ``spec.json`` of a project with two specs, each with a concession."""
    src = tmp_path_factory.mktemp("query") / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinx_spec"]\n', encoding="utf-8")
    (src / "pay.rst").write_text(PAY, encoding="utf-8")
    (src / "auth.rst").write_text(AUTH, encoding="utf-8")
    index = "Specs\n=====\n\n.. toctree::\n\n   pay\n   auth\n"
    (src / "index.rst").write_text(index, encoding="utf-8")
    app = helpers.build(src, warningiserror=True)
    assert app.statuscode == 0, app.warning.getvalue()
    return Path(app.outdir) / "spec.json"


def query(capsys, spec_json: Path, *args: str) -> list[str]:
    assert main(["query", str(spec_json), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_query_owner_matches_any_of_a_specs_owners(spec_json, capsys):
    assert query(capsys, spec_json, "--owner", "BOB") == [
        "KIND  ID       STATUS  OWNER       TITLE",
        "spec  PAY-001  draft   Alice, bob  Payment retries",
        "1 match",
    ]


def test_query_owner_matches_specs_and_objects_case_insensitively(spec_json, capsys):
    assert query(capsys, spec_json, "--owner", " carol ") == [
        "KIND        ID               STATUS  OWNER  TITLE",
        "spec        AUTH-002         draft   carol  Session tokens",
        "concession  PAY-001.refunds          Carol  No retries for refunds",
        "2 matches",
    ]


def test_query_empty_owner_finds_what_has_no_owner(spec_json, capsys):
    assert query(capsys, spec_json, "--owner", "", "--kind", "concession") == [
        "KIND        ID                   STATUS  OWNER  TITLE",
        "concession  AUTH-002.revocation                 Tokens are not revoked",
        "1 match",
    ]


def test_query_tags_are_stripped_and_case_insensitive(spec_json, capsys):
    assert query(capsys, spec_json, "--kind", "spec", "--tags", " Security , api") == [
        "KIND  ID       STATUS  OWNER       TITLE",
        "spec  PAY-001  draft   Alice, bob  Payment retries",
        "1 match",
    ]
    found = json.loads("\n".join(query(capsys, spec_json, "--tags", "OPS,", "--json")))
    ids = sorted(record.get("full_id") or record["id"] for record in found)
    assert ids == ["AUTH-002", "AUTH-002.revocation"]
    assert query(capsys, spec_json, "--tags", "secure")[-1] == "0 matches"


@pytest.mark.parametrize("kind", ["concession", "Concession", "CONCESSION"])
def test_query_concessions_by_kind(kind, spec_json, capsys):
    assert query(capsys, spec_json, "--kind", kind) == [
        "KIND        ID                   STATUS  OWNER  TITLE",
        "concession  AUTH-002.revocation                 Tokens are not revoked",
        "concession  PAY-001.refunds              Carol  No retries for refunds",
        "2 matches",
    ]


@pytest.mark.parametrize("kind", ["nosuch", "edge-case", "specs", ""])
def test_query_unknown_kind_is_a_usage_error(kind, spec_json, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["query", str(spec_json), "--kind", kind])
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines()[-1] == (
        f"sphinx-spec query: error: argument --kind: invalid choice: {kind!r} (choose from "
        "'spec', 'goal', 'non-goal', 'approach', 'concession', 'flow', 'error', 'diagram', "
        "'question', 'term', 'approval')"
    )


EVIL_TITLE = "Pay\x1b[2J\x1b]0;owned\x07 now\rX\x9b31m\u202eevil\u2028end\x7f\ud800"
EVIL_OWNER = "mallory\x1b[8m\t"
SHOWN_TITLE = r"Pay\x1b[2J\x1b]0;owned\x07 now\rX\x9b31m\u202eevil\u2028end\x7f\ud800"


@pytest.fixture
def hostile_json(spec_json, tmp_path) -> Path:
    """The project's ``spec.json`` with control characters in a spec's title and owners."""
    data = json.loads(spec_json.read_text(encoding="utf-8"))
    spec = next(spec for spec in data["specs"] if spec["id"] == "PAY-001")
    spec["title"], spec["owners"] = EVIL_TITLE, [EVIL_OWNER]
    hostile = tmp_path / "spec.json"
    hostile.write_text(json.dumps(data), encoding="utf-8")
    return hostile


def test_query_table_writes_control_characters_out(hostile_json, capsys):
    lines = query(capsys, hostile_json, "--kind", "spec", "--spec", "PAY-001")
    assert lines == [
        "KIND  ID       STATUS  OWNER             TITLE",
        f"spec  PAY-001  draft   mallory\\x1b[8m\\t  {SHOWN_TITLE}",
        "1 match",
    ]


def test_query_json_stays_valid_and_escapes_control_characters(hostile_json, capsys):
    assert main(["query", str(hostile_json), "--kind", "spec", "--spec", "pay-001", "--json"]) == 0
    out = capsys.readouterr().out
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\ud800]", out)
    assert r"\u001b[2J" in out and r"\u009b31m" in out and r"\ud800" in out
    [found] = json.loads(out)
    assert (found["title"], found["owners"]) == (EVIL_TITLE, [EVIL_OWNER])
