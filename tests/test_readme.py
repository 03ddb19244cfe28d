"""Every code example in the README is built, run or checked, so the documentation cannot drift.

- reStructuredText and MyST examples are built, each in its own project,
  with no warning. An example without a ``spec`` of its own is placed after
  the README's small spec of its language (it is written for a spec's
  document); the projects also hold the spec AUTH-002 the small spec depends
  on, and import a ledger project's ``spec.json`` (LED-1), as the import
  example does.
- Python examples compile; the ``conf.py`` ones only set configuration values
  that exist, and the schema example validates a real ``spec.json``.
- ``sphinx-spec`` command lines parse with the command's own parser.
- The layout lists exactly the package's modules.
"""

from __future__ import annotations

import ast
import json
import re
import shlex
from pathlib import Path
from typing import NamedTuple

import pytest
from helpers import build, warnings_of

from sphinx_spec.cli import parser

README = Path(__file__).parent.parent / "README.md"
PACKAGE = Path(__file__).parent.parent / "sphinx_spec"
FENCE = re.compile(r"^(`{3,})(\S*)\s*$")

CONF = """\
project = "Readme"
extensions = ["myst_parser", "sphinx_spec"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "ledger"]
spec_today = "2026-11-25"
spec_import = ["ledger/spec.json"]
# the examples link to this context's specs; reviewing those links is not what they show
spec_suppress = ["unreviewed-link"]
spec_fields = [
    {"name": "milestone", "directives": ["spec"], "type": "text"},
    {"name": "stage", "directives": ["spec", "spec-approach"], "type": ["alpha", "beta", "stable"]},
]
"""

CONTEXT = """\
Context
=======

.. toctree::
   :glob:

   *

.. spec:: Authentication
   :id: AUTH-002
"""

LEDGER_SPEC = {
    "anchor": "spec-led-1",
    "counts": {
        "approaches": 1,
        "diagrams": 0,
        "error_paths": 0,
        "questions": 0,
        "questions_blocking": 0,
        "questions_open": 0,
        "terms": 0,
    },
    "created": "",
    "depended_on_by": [],
    "depends_on": [],
    "docname": "ledger",
    "id": "LED-1",
    "line": 4,
    "owners": [],
    "stakeholders": [],
    "status": "accepted",
    "summary": "",
    "superseded_by": [],
    "supersedes": [],
    "tags": ["payments"],
    "title": "Ledger",
    "updated": "",
    "url": "ledger.html#spec-led-1",
}
LEDGER_APPROACH = {
    "alternatives": [],
    "anchor": "approach-led-1-journal",
    "decision": "An append-only journal",
    "docname": "ledger",
    "full_id": "LED-1.journal",
    "impact": "",
    "kind": "approach",
    "line": 9,
    "local_id": "journal",
    "rationale": "",
    "revisit": "",
    "spec_id": "LED-1",
    "status": "chosen",
    "text": "",
    "title": "Journal",
    "url": "ledger.html#approach-led-1-journal",
}


class Example(NamedTuple):
    language: str
    text: str
    line: int


def examples() -> list[Example]:
    """The README's fenced code blocks, outermost fences only."""
    found, fence, language, start, lines = [], "", "", 0, []
    for number, line in enumerate(README.read_text(encoding="utf-8").splitlines(), 1):
        match = FENCE.match(line)
        if not fence and match:
            fence, language, start, lines = match[1], match[2], number, []
        elif fence and line.strip() == fence:
            found.append(Example(language, "\n".join(lines) + "\n", start))
            fence = ""
        elif fence:
            lines.append(line)
    return found


EXAMPLES = examples()


def of(*languages: str) -> list[Example]:
    return [example for example in EXAMPLES if example.language in languages]


def has_spec(example: Example) -> bool:
    return bool(re.search(r"^(\.\. spec::|```\{spec\}|:::\{spec\})", example.text, re.M))


def document(example: Example) -> str:
    """The example as a document: a whole spec, or a fragment after the small spec."""
    suffix = ".md" if example.language == "md" else ".rst"
    if has_spec(example):
        if example.text.lstrip().startswith(("#", "PAY-")):
            return example.text
        title = f"Example at README line {example.line}"
        heading = f"# {title}\n" if suffix == ".md" else f"{title}\n{'=' * len(title)}\n"
        return f"{heading}\n{example.text}"
    small = next(e for e in of(example.language) if has_spec(e) and "PAY-001" in e.text)
    return f"{small.text}\n{example.text}"


def project_for(example: Example, root: Path) -> Path:
    src = root / "src"
    (src / "ledger").mkdir(parents=True)
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    (src / "index.rst").write_text(CONTEXT, encoding="utf-8")
    ledger = {
        "version": 1,
        "project": "Ledger",
        "specs": [LEDGER_SPEC],
        "objects": [LEDGER_APPROACH],
    }
    (src / "ledger" / "spec.json").write_text(json.dumps(ledger), encoding="utf-8")
    suffix = ".md" if example.language == "md" else ".rst"
    (src / f"example{suffix}").write_text(document(example), encoding="utf-8")
    return src


def test_the_readme_has_examples_in_both_markups():
    assert len(of("rst")) >= 5
    assert len(of("md")) >= 4


@pytest.mark.parametrize("example", of("rst", "md"), ids=lambda e: f"{e.language}-line-{e.line}")
def test_markup_example_builds_without_warnings(example, tmp_path):
    src = project_for(example, tmp_path)
    app = build(src, builddir=src / "_build")
    assert warnings_of(app) == []
    assert (Path(app.outdir) / "example.html").is_file()


def assigned_names(code: str) -> set[str]:
    return {
        target.id
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


@pytest.fixture(scope="module")
def built_small_spec(tmp_path_factory):
    small = next(e for e in of("rst") if "PAY-001" in e.text)
    src = project_for(small, tmp_path_factory.mktemp("readme-small"))
    return build(src, builddir=src / "_build")


@pytest.mark.parametrize("example", of("python"), ids=lambda e: f"line-{e.line}")
def test_python_example_runs(example, built_small_spec, monkeypatch):
    code = compile(example.text, f"README.md:{example.line}", "exec")
    if "jsonschema.validate" in example.text:
        monkeypatch.chdir(built_small_spec.srcdir)
        exec(code, {})
        return
    known = set(built_small_spec.config.values) | {"extensions"}
    assert assigned_names(example.text) <= known


def command_lines(example: Example) -> list[list[str]]:
    return [
        shlex.split(line.split("$ ", 1)[1], comments=True)
        for line in example.text.splitlines()
        if line.startswith("$ sphinx-spec ")
    ]


@pytest.mark.parametrize("example", of("console"), ids=lambda e: f"line-{e.line}")
def test_command_lines_parse(example):
    for words in command_lines(example):
        arguments = parser().parse_args(words[1:])
        assert arguments.command == words[1]


def test_the_readme_shows_every_command():
    shown = {words[1] for e in of("console") for words in command_lines(e)}
    assert shown == {"new", "check", "query", "approve", "review", "tests"}


def layout() -> Example:
    return next(e for e in of("") if e.text.startswith("sphinx_spec/"))


def test_the_layout_lists_exactly_the_packages_modules():
    listed = set()
    for line in layout().text.splitlines()[1:]:
        if line.startswith("  ") and not line.startswith("   "):
            listed.add(line.split()[0])
        elif not line.startswith(" "):
            break
    modules = {path.name for path in PACKAGE.glob("*.py")}
    folders = {
        f"{path.name}/"
        for path in PACKAGE.iterdir()
        if path.is_dir() and path.name != "__pycache__"
    }
    assert listed == modules | folders
