"""Edits ``sphinx-spec approve`` and ``review`` make to a source file, and nothing else.

A file is read as UTF-8 lines that keep their own endings; an edit replaces or
inserts whole lines of one directive (reStructuredText ``.. name::`` or a MyST
fence), so every other byte of the file stays as it was. Lines written new end
as the file's first line does. Before an edit, ``git diff HEAD`` says whether
the lines it touches have uncommitted changes. Pure Python: nothing here
imports Sphinx.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

#: a line and its ending (``\r\n``, ``\n`` or ``\r``); the last line may have none
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
RST_MARKER = re.compile(r"(?P<indent>[ ]*)\.\.[ ]+(?P<name>[\w:.-]+)[ ]*::(?:[ \t]|$)")
MYST_FENCE = re.compile(r"(?P<indent>[ ]{0,3})(?P<fence>`{3,}|:{3,})[ ]*\{(?P<name>[\w:.-]+)\}")
RST_OPTION = re.compile(r"(?P<indent>[ ]*):(?P<name>[\w.-]+):(?:[ \t]|$)")
YAML_OPTION = re.compile(r"(?P<indent>[ ]*)(?P<name>[\w.-]+):(?:[ \t]|$)")
HUNK = re.compile(r"@@ -\S+ \+(\d+)(?:,(\d+))? @@")

#: the names a ``spec`` and a ``spec-approval`` directive are written with
SPEC_NAMES = ("spec", "spec:spec")
APPROVAL_NAMES = ("spec-approval", "spec:spec-approval")


class CannotEdit(Exception):
    """Why a file cannot be edited, in one line."""


@dataclass
class SourceFile:
    """A source file as lines that keep their endings; :meth:`data` gives its bytes back."""

    path: Path
    lines: list[str]

    @property
    def newline(self) -> str:
        """The first line's ending (``\\n`` for a file of one line without one)."""
        for line in self.lines:
            ending = line[len(line.rstrip("\r\n")) :]
            if ending:
                return ending
        return "\n"

    @property
    def markdown(self) -> bool:
        return self.path.suffix.lower() in (".md", ".markdown", ".myst")

    def data(self) -> bytes:
        return "".join(self.lines).encode("utf-8")


def read_source(path: Path) -> SourceFile:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CannotEdit(f"cannot read {path}: {error.strerror or error}") from error
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CannotEdit(f"{path} is not UTF-8 text") from error
    return SourceFile(path, LINE.findall(text))


def bare(line: str) -> str:
    return line.rstrip("\r\n")


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


@dataclass
class Option:
    name: str
    start: int
    end: int


@dataclass
class Block:
    """One directive's lines: ``[start, end)``, its options, where a new option goes."""

    start: int
    end: int
    indent: str
    #: ``rst``, ``field`` (MyST ``:key: value`` lines) or ``yaml`` (MyST ``---`` block)
    style: str
    options: list[Option] = field(default_factory=list)
    #: the line before which a new option is written, and its indentation
    option_at: int = 0
    option_indent: str = ""
    #: MyST: the fence that opens (and closes) it
    fence: str = ""

    def option(self, name: str) -> Option | None:
        return next((option for option in self.options if option.name == name), None)


def directive_at(source: SourceFile, lineno: int, names: tuple[str, ...]) -> Block:
    """The directive that starts at line *lineno* (1-based) and is one of *names*."""
    index = lineno - 1
    if not 0 <= index < len(source.lines):
        raise CannotEdit(f"{source.path} has no line {lineno}")
    line = bare(source.lines[index])
    marker = (MYST_FENCE if source.markdown else RST_MARKER).match(line)
    if marker is None or marker["name"] not in names:
        raise CannotEdit(f"cannot find the {names[0]} directive at {source.path}:{lineno}")
    if source.markdown:
        return myst_block(source, index, marker)
    return rst_block(source, index, marker)


def rst_block(source: SourceFile, start: int, marker: re.Match[str]) -> Block:
    base = len(marker["indent"])
    lines = [bare(line) for line in source.lines]
    end = start + 1
    last = start + 1
    while end < len(lines) and (not lines[end].strip() or indent_of(lines[end]) > base):
        end += 1
        if lines[end - 1].strip():
            last = end
    header = start + 1
    while header < last and lines[header].strip():
        header += 1
    block = Block(start, last, marker["indent"], "rst", option_at=header)
    block.option_indent = marker["indent"] + "   "
    options: list[Option] = []
    for index in range(start + 1, header):
        found = RST_OPTION.match(lines[index])
        if found and (not options or len(found["indent"]) <= indent_of(lines[options[0].start])):
            if not options:
                block.option_indent = found["indent"]
            options.append(Option(found["name"], index, index + 1))
        elif options:
            options[-1].end = index + 1
    block.options = options
    return block


def myst_block(source: SourceFile, start: int, marker: re.Match[str]) -> Block:
    lines = [bare(line) for line in source.lines]
    fence = marker["fence"]
    closing = re.compile(rf"[ ]{{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*\Z")
    end = next((n for n in range(start + 1, len(lines)) if closing.match(lines[n])), None)
    if end is None:
        raise CannotEdit(f"the directive at {source.path}:{start + 1} has no closing {fence}")
    block = Block(start, end + 1, marker["indent"], "field", fence=fence, option_at=start + 1)
    options: list[Option] = []
    if start + 1 < end and lines[start + 1].strip() == "---":
        close = next((n for n in range(start + 2, end) if lines[n].strip() == "---"), None)
        if close is None:
            raise CannotEdit(f"the options at {source.path}:{start + 2} have no closing ---")
        block.style, block.option_at = "yaml", close
        pattern, first = YAML_OPTION, start + 2
    else:
        pattern, first, close = RST_OPTION, start + 1, end
    for index in range(first, close):
        found = pattern.match(lines[index])
        if found and not found["indent"]:
            options.append(Option(found["name"], index, index + 1))
        elif options and lines[index].strip() and (block.style == "yaml" or lines[index][0] == " "):
            options[-1].end = index + 1
        elif block.style == "field":
            break
        if block.style == "field":
            block.option_at = index + 1
    block.options = options
    return block


def option_line(block: Block, name: str, value: str) -> str:
    """One option as *block*'s style writes it."""
    if block.style == "yaml":
        return f"{name}: {json.dumps(value, ensure_ascii=False)}"
    return f"{block.option_indent}:{name}: {value}".rstrip()


@dataclass
class Edit:
    """Replace lines ``[start, end)`` of *path* by *lines* (without endings).

    *guarded* are the 1-based lines whose uncommitted changes forbid the edit.
    """

    path: Path
    start: int
    end: int
    lines: list[str]
    guarded: tuple[int, int]


def set_option(source: SourceFile, block: Block, name: str, value: str) -> Edit:
    """Replace the option *name* of *block* (with its continuation lines), or add it last."""
    line = option_line(block, name, value)
    guarded = (block.start + 1, max(block.end, block.start + 1))
    found = block.option(name)
    if found is not None:
        return Edit(source.path, found.start, found.end, [line], guarded)
    return Edit(source.path, block.option_at, block.option_at, [line], guarded)


def directive_lines(
    markdown: bool, name: str, argument: str, options: list[tuple[str, str]], body: str,
    *, indent: str = "", fence: str = "```",
) -> list[str]:  # fmt: skip
    """A new directive: RST ``.. name:: argument`` or a MyST fence, options, then the body."""
    if markdown:
        longest = max((len(run) for run in re.findall(rf"{re.escape(fence[0])}+", body)), default=0)
        fence = fence[0] * max(len(fence), longest + 1)
        lines = [f"{indent}{fence}{{{name}}} {argument}"]
        lines += [f"{indent}:{key}: {value}".rstrip() for key, value in options]
        lines += ["", f"{indent}{body}"] if body else []
        return [*lines, f"{indent}{fence}"]
    lines = [f"{indent}.. {name}:: {argument}"]
    lines += [f"{indent}   :{key}: {value}".rstrip() for key, value in options]
    return lines + (["", f"{indent}   {body}"] if body else [])


def replace_directive(source: SourceFile, block: Block, lines: list[str]) -> Edit:
    return Edit(source.path, block.start, block.end, lines, (block.start + 1, block.end))


def insert_after(source: SourceFile, block: Block, lines: list[str]) -> Edit:
    """*lines* after *block*, a blank line between (and after, when text follows).

    *block* itself is not edited: only uncommitted changes where the lines go count.
    """
    after = source.lines[block.end] if block.end < len(source.lines) else ""
    tail = [""] if bare(after).strip() else []
    guarded = (block.end + 1, block.end + 1)
    return Edit(source.path, block.end, block.end, ["", *lines, *tail], guarded)


def append(source: SourceFile, lines: list[str]) -> Edit:
    """*lines* at the end of the file, after one blank line; nothing written is edited."""
    count = len(source.lines)
    last = source.lines[-1] if source.lines else ""
    if not last:
        return Edit(source.path, 0, 0, lines, (1, 1))
    ended = bare(last) != last
    head = [bare(last)] if not ended else []
    blank = [""] if bare(last).strip() else []
    start = count - 1 if not ended else count
    return Edit(source.path, start, count, [*head, *blank, *lines], (count + 1, count + 1))


def apply(source: SourceFile, edits: list[Edit]) -> SourceFile:
    """*source* with *edits* (which must not overlap) made, the last first."""
    lines = list(source.lines)
    newline = source.newline
    for edit in sorted(edits, key=lambda edit: (edit.start, edit.end), reverse=True):
        lines[edit.start : edit.end] = [line + newline for line in edit.lines]
    return SourceFile(source.path, lines)


def uncommitted(path: Path, lines: tuple[int, int]) -> bool:
    """Whether ``git diff HEAD`` shows changes of *path* within *lines* (1-based, inclusive).

    Without git, outside a repository, or for a file git does not track: ``False``.
    """
    command = ["git", "diff", "--no-ext-diff", "--no-textconv", "--no-color", "-U0", "HEAD"]
    try:
        done = subprocess.run(
            [*command, "--", path.name], cwd=path.parent, capture_output=True, check=False
        )
    except OSError:
        return False
    if done.returncode != 0:
        return False
    first, last = lines
    for hunk in HUNK.finditer(done.stdout.decode("utf-8", "replace")):
        start, count = int(hunk[1]), int(hunk[2]) if hunk[2] is not None else 1
        changed = (start, start + count - 1) if count else (start, start + 1)
        if changed[0] <= last and first <= changed[1]:
            return True
    return False
