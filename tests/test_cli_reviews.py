"""``sphinx-spec approve``, ``review``, and what ``check`` and ``query`` say of reviews.

Each test copies a root (reStructuredText or MyST) to a temporary folder, runs
the command there, and builds the edited project as a user would.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import helpers
import pytest
from heavy import missing
from helpers import located

from sphinx_spec.cli import main

ROOTS = Path(__file__).parent / "roots"
SCHEMA = Path(__file__).parent.parent / "sphinx_spec" / "schema" / "spec.schema.json"
FORMATS = ("rst", "md")
#: the directive lines of each root: PAY-001's ``spec`` and alice's ``spec-approval``
SPEC_LINE = {"rst": 4, "md": 3}
ALICE_LINE = {"rst": 21, "md": 23}
CLIENT_LINE = {"rst": 4, "md": 3}


@pytest.fixture(params=FORMATS)
def project(request, tmp_path) -> tuple[Path, str]:
    """A copy of the root in *format*: PAY-001 (accepted; approvers alice and bob; alice's
    approval stale) and PAY-002, which depends on PAY-001 and was never reviewed."""
    fmt = request.param
    folder = tmp_path / "docs"
    shutil.copytree(ROOTS / f"test-cli-reviews-{fmt}", folder)
    return folder, fmt


def build(folder: Path, builder: str = "html"):
    return helpers.build(folder, builder, builddir=folder.parent / f"_build-{builder}")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def spec_json(folder: Path) -> dict:
    app = build(folder)
    return json.loads((Path(app.outdir) / "spec.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("builder", ["html", "latex", "text"])
def test_approve_writes_approvals_the_next_build_counts(project, capsys, builder):
    folder, fmt = project
    before = build(folder, builder)
    storage = f"storage.{fmt}"
    assert located(before, "lifecycle") == [
        f"{storage}:{SPEC_LINE[fmt]}: spec PAY-001 is 'accepted' without a current approval "
        "from alice (approved an earlier version), bob (pending)"
    ]
    stale = f"{storage}:{ALICE_LINE[fmt]}: the approval by alice is for an earlier version"
    assert any(line.startswith(stale) for line in located(before, "review"))
    code, out, err = run(capsys, "approve", "PAY-001", "--by", "alice", "--project", str(folder))
    assert (code, err.count("\n")) == (0, 1)
    assert f"replaced the approved verdict of alice on PAY-001 at {folder / storage}" in out
    code, out, _err = run(capsys, "approve", "PAY-001", "--by", "bob", "--project", str(folder))
    assert code == 0
    assert f"added the approved verdict of bob on PAY-001 at {folder / storage}" in out
    after = build(folder, builder)
    assert located(after, "lifecycle") == []
    assert [line for line in located(after, "review") if storage in line] == []
    text = (folder / storage).read_text(encoding="utf-8")
    assert text.count("spec-approval") == 2
    assert ":date: 2026-11-27" in text  # the project's spec_today


def test_the_written_approval_renders_with_its_verdict(project, capsys):
    folder, fmt = project
    assert main(["approve", "PAY-001", "--by", "bob", "--verdict", "changes-requested",
                 "--note", "Needs a retention plan.", "--project", str(folder)]) == 0  # fmt: skip
    app = build(folder)
    page = helpers.html(app, "storage")
    assert "Needs a retention plan." in helpers.text_of(page)
    assert page.select(".spec-approval-changes-requested")
    assert located(app, "lifecycle") == [
        f"storage.{fmt}:{SPEC_LINE[fmt]}: spec PAY-001 is 'accepted' without a current approval "
        "from alice (approved an earlier version), bob (changes requested)"
    ]


def directive_span(lines: list[bytes], first: int, fmt: str) -> tuple[int, int]:
    """The 0-based ``[start, end)`` of the directive at line *first* (1-based): to its closing
    fence (MyST), or to its last indented line (RST)."""
    start = first - 1
    if fmt == "md":
        fence = lines[start][:3]
        return start, next(n for n in range(start + 1, len(lines)) if lines[n].strip() == fence) + 1
    end = next(n for n in range(start + 1, len(lines)) if lines[n][:1] not in (b" ", b"\n"))
    while not lines[end - 1].strip():
        end -= 1
    return start, end


def test_approve_replaces_exactly_the_approvers_directive(project, capsys):
    folder, fmt = project
    path = folder / f"storage.{fmt}"
    old = path.read_bytes().splitlines(keepends=True)
    start, end = directive_span(old, ALICE_LINE[fmt], fmt)
    assert b"Looks good." in b"".join(old[start:end])
    code, _out, _err = run(capsys, "approve", "PAY-001", "--by", "ALICE", "--note", "Re-read it.",
                           "--project", str(folder))  # fmt: skip
    assert code == 0
    new = path.read_bytes().splitlines(keepends=True)
    added = len(new) - len(old)
    assert new[:start] == old[:start]
    assert new[end + added :] == old[end:]
    written = b"".join(new[start : end + added]).decode()
    assert "Looks good." not in written and "Re-read it." in written
    assert "alice" in written.splitlines()[0]  # the name as the approver wrote it first
    assert written.count("spec-approval") == 1
    if fmt == "md":
        assert written.startswith(":::{spec-approval}")  # the fence the author chose
    app = build(folder)
    assert [line for line in located(app, "review") if f"storage.{fmt}" in line] == []


def test_approve_keeps_line_endings_and_every_other_byte(project, capsys):
    folder, fmt = project
    storage, client = folder / f"storage.{fmt}", folder / f"client.{fmt}"
    originals = {}
    for path in (storage, client):  # Windows line endings, no final newline
        originals[path] = path.read_bytes().replace(b"\n", b"\r\n").removesuffix(b"\r\n")
        path.write_bytes(originals[path])
    assert main(["approve", "PAY-002", "--by", "carol", "--project", str(folder)]) == 0
    data = client.read_bytes()  # no approval yet: at the end of the file
    assert data.startswith(originals[client] + b"\r\n\r\n")
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert main(["approve", "PAY-001", "--by", "bob", "--project", str(folder)]) == 0
    data, original = storage.read_bytes(), originals[storage]
    same = next(n for n, (a, b) in enumerate(zip(data, original, strict=False)) if a != b)
    tail = len(original) - same
    assert data[len(data) - tail :] == original[same:]  # bob's approval went in between
    assert b"\n" not in data[same : len(data) - tail].replace(b"\r\n", b"")
    assert b"bob" in data[same : len(data) - tail]
    app = build(folder)
    assert located(app, "lifecycle") == [
        f"storage.{fmt}:{SPEC_LINE[fmt]}: spec PAY-001 is 'accepted' without a current approval "
        "from alice (approved an earlier version)"
    ]
    assert "carol" in helpers.text_of(helpers.html(app, "client"))


def test_review_records_then_a_changed_goal_makes_the_link_suspect(project, capsys):
    folder, fmt = project
    client = f"client.{fmt}"
    first = build(folder)
    assert located(first, "review")[-1] == (
        f"{client}:{CLIENT_LINE[fmt]}: the links of spec PAY-002 to PAY-001 are not yet reviewed; "
        "run `sphinx-spec review PAY-002` (or `sphinx-spec review --all`)"
    )
    code, out, _err = run(capsys, "review", "PAY-002", "--project", str(folder))
    assert code == 0
    assert out.startswith("PAY-002: reviewed PAY-001 (first review)")
    lines = (folder / client).read_text(encoding="utf-8").splitlines()
    assert [line.strip()[:19] for line in lines if ":reviewed:" in line] == [":reviewed: PAY-001 "]
    for builder in ("html", "latex", "text"):
        assert [line for line in located(build(folder, builder), "review") if client in line] == []
    storage = folder / f"storage.{fmt}"
    storage.write_text(storage.read_text(encoding="utf-8").replace("100 ms", "50 ms"), "utf-8")
    for builder in ("html", "latex", "text"):
        assert [line for line in located(build(folder, builder), "review") if client in line] == [
            f"{client}:{CLIENT_LINE[fmt]}: spec PAY-002 depends on PAY-001, which changed since "
            "it was reviewed: goal `fast` target changed; review the change, then run "
            "`sphinx-spec review PAY-002`"
        ]
    code, out, _err = run(capsys, "check", str(folder))
    assert code == 1
    assert "suspect links: 1\n  PAY-002 \u2192 PAY-001: goal `fast` target changed\n" in out
    code, out, _err = run(capsys, "review", "--all", "--project", str(folder))
    assert code == 0
    assert "PAY-002: reviewed PAY-001 (goal `fast` target changed)" in out
    assert out.endswith("1 spec reviewed, 0 unchanged\n")
    assert [line for line in located(build(folder), "review") if client in line] == []
    assert run(capsys, "review", "PAY-002", "--project", str(folder))[1] == "PAY-002: up to date\n"


def test_review_adds_the_option_last_and_touches_nothing_else(project, capsys):
    folder, fmt = project
    path = folder / f"client.{fmt}"
    old = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert main(["review", "PAY-002", "--project", str(folder)]) == 0
    new = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = CLIENT_LINE[fmt] + 3  # after :id:, :status:, :depends-on:
    assert new[:at] == old[:at] and new[at + 1 :] == old[at:]
    assert new[at].startswith("   :reviewed: PAY-001 " if fmt == "rst" else ":reviewed: PAY-001 ")


def test_check_lists_suppressed_suspect_links_without_failing(project, capsys):
    folder, fmt = project
    with (folder / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('spec_suppress = ["suspect-link PAY-002 PAY-001", "stale-approval", '
                   '"unapproved"]\n')  # fmt: skip
    assert main(["review", "PAY-002", "--project", str(folder)]) == 0
    storage = folder / f"storage.{fmt}"
    storage.write_text(storage.read_text(encoding="utf-8").replace("Postgres", "MySQL"), "utf-8")
    code, out, err = run(capsys, "check", str(folder))
    assert "PAY-002 \u2192 PAY-001: approach `storage` decision changed (suppressed)" in out
    assert "  PAY-001 by alice: " in out and "stale approvals: 1" in out
    assert code == 0, err


def test_check_fails_on_a_suspect_link_that_suppress_warnings_hides(project, capsys):
    folder, fmt = project
    with (folder / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('suppress_warnings = ["spec.review", "spec.lifecycle"]\n')
    assert main(["review", "PAY-002", "--project", str(folder)]) == 0
    storage = folder / f"storage.{fmt}"
    storage.write_text(storage.read_text(encoding="utf-8").replace("100 ms", "50 ms"), "utf-8")
    code, out, err = run(capsys, "check", str(folder))
    assert "warnings: 0" in out and "PAY-002 \u2192 PAY-001: goal `fast` target changed\n" in out
    assert code == 1
    assert "no warnings but 1 suspect link; failing" in err


def git(folder: Path, *argv: str) -> None:
    try:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *argv],
                       cwd=folder, check=True, capture_output=True)  # fmt: skip
    except FileNotFoundError:
        missing("git is not installed")


def test_approve_refuses_a_directive_with_uncommitted_changes(project, capsys):
    folder, fmt = project
    git(folder, "init", "-q")
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "specs")
    path = folder / f"storage.{fmt}"
    path.write_text(path.read_text(encoding="utf-8").replace("Looks good.", "Looks fine."), "utf-8")
    edited = path.read_bytes()
    code, out, err = run(capsys, "approve", "PAY-001", "--by", "alice", "--project", str(folder))
    assert code == 2 and out == ""
    assert err.splitlines()[-1].startswith(
        f"sphinx-spec approve: {path} has uncommitted changes in lines {ALICE_LINE[fmt]}-"
    )
    assert path.read_bytes() == edited
    # a change elsewhere in the file is no reason to refuse
    git(folder, "checkout", "--", path.name)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Where payments", "Where all payments"), "utf-8")
    assert main(["approve", "PAY-001", "--by", "alice", "--project", str(folder)]) == 0
    assert "Where all payments" in path.read_text(encoding="utf-8")


def test_review_refuses_a_spec_directive_with_uncommitted_changes(project, capsys):
    folder, fmt = project
    git(folder, "init", "-q")
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "specs")
    path = folder / f"client.{fmt}"
    path.write_text(path.read_text(encoding="utf-8").replace("draft", "review"), "utf-8")
    code, _out, err = run(capsys, "review", "--all", "--project", str(folder))
    assert code == 2
    assert "uncommitted changes" in err.splitlines()[-1]
    assert ":reviewed:" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["approve", "PAY-404", "--by", "alice"], "no spec PAY-404 in this project"),
        (["approve", "pay-001", "--by", "alice"], "did you mean PAY-001?"),
        (["review", "PAY-404"], "no spec PAY-404 in this project"),
        (["approve", "PAY-001", "--by", "al\x1bice"], "--by must be one line"),
        (["approve", "PAY-001", "--by", "alice\nbob"], "--by must be one line"),
        (["approve", "PAY-001", "--by", "alice", "--note", "a\nb"], "--note must be one line"),
        (["approve", "PAY-001", "--by", "  "], "--by is empty"),
    ],
)
def test_refusals_exit_2_with_one_line(project, capsys, argv, said):
    folder, fmt = project
    before = {path: path.read_bytes() for path in folder.iterdir() if path.is_file()}
    code, out, err = run(capsys, *argv, "--project", str(folder))
    assert (code, out) == (2, "")
    last = err.splitlines()[-1]
    assert last.startswith(f"sphinx-spec {argv[0]}: ") and said in last
    assert {path: path.read_bytes() for path in folder.iterdir() if path.is_file()} == before


def test_a_bad_verdict_is_a_usage_error(project, capsys):
    folder, _fmt = project
    with pytest.raises(SystemExit) as stopped:
        main(
            ["approve", "PAY-001", "--by", "alice", "--verdict", "maybe", "--project", str(folder)]
        )
    assert stopped.value.code == 2
    assert "invalid choice: 'maybe'" in capsys.readouterr().err


def test_review_needs_a_spec_or_all(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["review"])
    assert stopped.value.code == 2


def test_approve_refuses_a_myst_approval_without_its_closing_fence(tmp_path, capsys):
    folder = tmp_path / "docs"
    shutil.copytree(ROOTS / "test-cli-reviews-md", folder)
    path = folder / "storage.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(":::\n\nTrailing prose stays as written.\n", ""), "utf-8")
    before = path.read_bytes()
    code, _out, err = run(capsys, "approve", "PAY-001", "--by", "alice", "--project", str(folder))
    assert code == 2
    assert err.splitlines()[-1] == (
        f"sphinx-spec approve: the directive at {path}:23 has no closing :::"
    )
    assert path.read_bytes() == before


def test_approve_refuses_an_imported_spec(tmp_path, capsys):
    exporter = tmp_path / "ledger"
    shutil.copytree(ROOTS / "test-cli-reviews-md", exporter)
    storage = exporter / "storage.md"
    text = storage.read_text(encoding="utf-8")
    storage.write_text(text[: text.index(":::{spec-approval}")], "utf-8")  # PAY-001 without one
    exported = Path(build(exporter).outdir) / "spec.json"
    data = json.loads(exported.read_text(encoding="utf-8"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))["$defs"]
    known = {*schema["spec"]["properties"], *schema["located"]["properties"]}
    # an export as the schema of this checkout describes it (the exporter may write more)
    data["specs"] = [{k: v for k, v in spec.items() if k in known} for spec in data["specs"]]
    data["objects"] = [obj for obj in data["objects"] if obj["kind"] != "approval"]
    exported.write_text(json.dumps(data), encoding="utf-8")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "conf.py").write_text(
        f'extensions = ["sphinx_spec"]\nspec_import = [{str(exported)!r}]\n', "utf-8"
    )
    (folder / "index.rst").write_text("Home\n====\n", "utf-8")
    code, _out, err = run(capsys, "approve", "PAY-001", "--by", "alice", "--project", str(folder))
    assert code == 2
    assert err.splitlines()[-1].startswith("sphinx-spec approve: PAY-001 is imported from")


def test_approve_finds_conf_py_above_the_folder_it_is_given(project, capsys):
    folder, fmt = project
    sub = folder / "notes"
    sub.mkdir()
    code, out, _err = run(capsys, "approve", "PAY-001", "--by", "bob", "--project", str(sub))
    assert code == 0 and str(folder / f"storage.{fmt}") in out


def test_query_filters_by_approval_state_approver_and_suspect_links(project, capsys):
    folder, fmt = project
    assert main(["review", "--all", "--project", str(folder)]) == 0
    assert main(["approve", "PAY-001", "--by", "bob", "--project", str(folder)]) == 0
    storage = folder / f"storage.{fmt}"
    storage.write_text(storage.read_text(encoding="utf-8").replace("100 ms", "50 ms"), "utf-8")
    exported = Path(build(folder).outdir) / "spec.json"
    capsys.readouterr()

    def ids(*argv: str) -> list[str]:
        assert main(["query", str(exported), "--json", *argv]) == 0
        return [record["id"] for record in json.loads(capsys.readouterr().out)]

    assert ids("--suspect") == ["PAY-002"]
    assert ids("--approval", "stale") == ["PAY-001"]
    assert ids("--approval", "approved") == []
    assert ids("--approver", "BOB") == ["PAY-001"]
    assert ids("--approver", "bob", "--approval", "stale") == ["PAY-001"]
    assert ids("--approver", "carol") == []
    assert ids("--suspect", "--status", "accepted") == []
    with pytest.raises(SystemExit):
        main(["query", str(exported), "--approval", "maybe"])


def test_review_and_approve_find_included_files_aliases_and_yaml_options(tmp_path, capsys):
    folder = tmp_path / "docs"
    shutil.copytree(ROOTS / "test-cli-reviews-rst", folder)
    (folder / "client.rst").write_text(
        "Client\n======\n\n.. include:: parts/client-spec.txt\n", encoding="utf-8"
    )
    (folder / "parts").mkdir()
    part = folder / "parts" / "client-spec.txt"
    part.write_text(".. spec:spec:: Client\n   :id: PAY-002\n   :depends-on: PAY-001\n", "utf-8")
    (folder / "index.rst").write_text(
        (folder / "index.rst").read_text(encoding="utf-8") + "   relay\n", encoding="utf-8"
    )
    relay = folder / "relay.md"
    relay.write_text(
        "# Relay\n\n```{spec} Relay\n---\nid: PAY-003\ndepends-on: PAY-001\n---\n```\n", "utf-8"
    )
    before = [line.split(": ")[0] for line in located(build(folder), "review")]
    assert "parts/client-spec.txt:1" in before and "relay.md:3" in before
    assert main(["review", "--all", "--project", str(folder)]) == 0
    assert main(["approve", "PAY-002", "--by", "dana", "--project", str(folder)]) == 0
    assert part.read_text(encoding="utf-8").splitlines()[3].startswith("   :reviewed: PAY-001 ")
    assert relay.read_text(encoding="utf-8").splitlines()[6].startswith('reviewed: "PAY-001 ')
    assert ".. spec-approval:: dana" in part.read_text(encoding="utf-8")
    assert (folder / "client.rst").read_text(encoding="utf-8").count("spec-approval") == 0
    for builder in ("html", "latex", "text"):
        app = build(folder, builder)
        ours = ("parts/", "relay.md", "client.rst")
        assert [line for line in located(app, "review") if line.startswith(ours)] == []
        assert [line for line in located(app, "option") if line.startswith(ours)] == []
