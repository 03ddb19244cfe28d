"""The spec template, in reStructuredText and MyST: every section, a placeholder per directive.

A document written from it builds with ``-W`` as it stands, whatever its
title: the title is escaped where it would be read as markup.
"""

from __future__ import annotations

import datetime
import json
import re
import unicodedata

from docutils.parsers.rst.states import Body
from docutils.utils import column_width

#: what starts inline markup in a reStructuredText heading: emphasis, literals and
#: roles, references and targets, footnotes and citations, substitutions, escapes
RST_MARKUP = re.compile(r"[\\*`_|\[\]]")
#: the same in MyST: emphasis, code and roles, links and images, HTML and autolinks,
#: entities, a closing ``#`` sequence, math, strikethrough, substitutions
MD_MARKUP = re.compile(r"[\\*`_\[\]<>&#$~{}|!]")
#: a line that docutils reads as a field (``:name: text``), so as a directive's option
FIELD_MARKER = Body.patterns["field_marker"]
#: an owner that MyST's option parser keeps as written; others are quoted
PLAIN_OWNER = re.compile(r"\w[\w .,@+/-]*")

RST = """\
{heading}
{underline}

.. spec::{argument}
   :id: {id}
   :status: {status}
   :owners: {owner}
   :created: {today}
   :updated: {today}

   One paragraph: what this spec proposes and why.

Background
----------

Problem statement, context and history, stakeholders.

Motivation
----------

.. spec-goal:: Describe the goal
   :id: goal
   :metric: What you measure
   :baseline: Today's value
   :target: The value that means success

.. non-goal:: Describe what is out of scope
   :id: out-of-scope

   Why it is out of scope.

Approaches & trade-offs
-----------------------

.. spec-approach:: Name the decision
   :id: approach
   :decision: What we do
   :rationale: Why
   :impact: What it costs or risks
   :status: proposed

Step-by-step flow
-----------------

.. spec-flow:: Happy path
   :id: happy-path
   :actor: User
   :precondition: What holds before
   :postcondition: What holds after

   1. User triggers the action.
   2. System validates the input.
   3. System persists the result and emits an event.

.. error-path:: Input is invalid
   :flow: happy-path
   :step: 2
   :action: Reject the request and log it
   :feedback: Show what to correct

UML diagrams
------------

.. spec-diagram:: Main sequence
   :id: sequence
   :kind: sequence

   sequenceDiagram
     User->>System: action
     System-->>User: result

Edge cases and concessions
--------------------------

.. spec-concession:: Describe an edge case
   :id: edge-case
   :kind: edge-case
   :severity: low

   What we accept and why.

Open questions
--------------

.. open-question:: What is still unknown?
   :id: question
   :status: open

Glossary / references
---------------------

.. spec-term:: Term

   Its definition.
"""

MD = """\
# {heading}

{fence}{{spec}} {title}
:id: {id}
:status: {status}
:owners: {owner}
:created: {today}
:updated: {today}

One paragraph: what this spec proposes and why.
{fence}

## Background

Problem statement, context and history, stakeholders.

## Motivation

```{{spec-goal}} Describe the goal
:id: goal
:metric: What you measure
:baseline: Today's value
:target: The value that means success
```

```{{non-goal}} Describe what is out of scope
:id: out-of-scope

Why it is out of scope.
```

## Approaches & trade-offs

```{{spec-approach}} Name the decision
:id: approach
:decision: What we do
:rationale: Why
:impact: What it costs or risks
:status: proposed
```

## Step-by-step flow

```{{spec-flow}} Happy path
:id: happy-path
:actor: User
:precondition: What holds before
:postcondition: What holds after

1. User triggers the action.
2. System validates the input.
3. System persists the result and emits an event.
```

```{{error-path}} Input is invalid
:flow: happy-path
:step: 2
:action: Reject the request and log it
:feedback: Show what to correct
```

## UML diagrams

```{{spec-diagram}} Main sequence
:id: sequence
:kind: sequence

sequenceDiagram
  User->>System: action
  System-->>User: result
```

## Edge cases and concessions

```{{spec-concession}} Describe an edge case
:id: edge-case
:kind: edge-case
:severity: low

What we accept and why.
```

## Open questions

```{{open-question}} What is still unknown?
:id: question
:status: open
```

## Glossary / references

```{{spec-term}} Term
Its definition.
```
"""


def render(title: str, spec_id: str, fmt: str, owner: str = "", status: str = "draft") -> str:
    """The template filled in for one spec, at *status* (the project's first status).

    *title*, *owner* and *status* are one line each (``sphinx-spec new``
    refuses others); they are escaped where the template's markup would read
    them as markup.
    """
    fill = rst_fields if fmt == "rst" else md_fields
    return (RST if fmt == "rst" else MD).format(
        id=spec_id,
        title=title,
        today=datetime.date.today().isoformat(),
        **fill(title, spec_id, owner or "you"),
        status=status if fmt == "rst" else md_option(status),
    )


def rst_fields(title: str, spec_id: str, owner: str) -> dict[str, str]:
    """The heading, escaped and underlined to its width; the ``spec`` title; the owner.

    A directive's argument is taken as written, except that a line starting
    like an option (``:name: text``) starts the options: such a title goes
    on a line of its own, indented deeper than the options.
    """
    heading = RST_MARKUP.sub(r"\\\g<0>", f"{spec_id}: {title}")
    argument = f"\n      {title}" if re.match(FIELD_MARKER, title) else f" {title}"
    return {
        "heading": heading,
        "underline": "=" * column_width(heading),
        "argument": argument,
        "owner": owner,
    }


def md_fields(title: str, spec_id: str, owner: str) -> dict[str, str]:
    """The heading, escaped; the ``spec`` fence; the owner, quoted if MyST would parse it.

    The title after the fence is taken as written, but a backtick fence's
    line cannot hold a backtick (CommonMark): then the fence is ``~~~``.
    """
    return {
        "heading": MD_MARKUP.sub(r"\\\g<0>", f"{spec_id}: {title}"),
        "fence": "~~~" if "`" in title else "```",
        "owner": md_option(owner),
    }


def md_option(value: str) -> str:
    """An option value as MyST keeps it: as written if plain, else single-quoted."""
    return value if PLAIN_OWNER.fullmatch(value) else "'{}'".format(value.replace("'", "''"))


# -- the test module ``sphinx-spec tests`` writes -------------------------------------------

#: what must not stand as written in a string literal of the module: control characters
#: (a tab and a line break are kept), DEL and C1, the line and paragraph separators, the
#: bidirectional overrides that make a line read other than it runs, lone surrogates
NOT_LITERAL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
#: what a test function's name is made of: ASCII letters, digits and underscores
NOT_NAME = re.compile(r"[^a-z0-9]+")
#: the slug of a title in a test's name is cut to about this many characters
NAME_WORDS = 48


def docstring_text(text: str) -> str:
    """*text* for a triple-quoted docstring: read back by Python as written.

    Backslashes and quotes are escaped (a ``\"\"\"`` in a title cannot end the
    literal), control characters and invisible reordering characters are
    written as escapes.
    """
    text = text.replace("\\", "\\\\").replace('""', '"\\"')
    return NOT_LITERAL.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def skeleton_name(full_id: str, title: str, taken: set[str]) -> str:
    """``test_a3_card_declined``: a valid, unique function name from the id's local part and title.

    Letters that are not ASCII are reduced to their base letter where they have one
    (``é`` → ``e``); other characters separate words.
    """
    local = full_id.split(".", 1)[-1]
    plain = unicodedata.normalize("NFKD", f"{local} {title}").encode("ascii", "ignore").decode()
    words = NOT_NAME.sub("_", plain.lower()).strip("_")
    if len(words) > NAME_WORDS:  # cut at the last whole word
        words = words[: NAME_WORDS + 1].rsplit("_", 1)[0] or words[:NAME_WORDS]
    name = f"test_{words}" if words else "test_error_path"
    unique, count = name, 1
    while unique in taken:
        count += 1
        unique = f"{name}_{count}"
    taken.add(unique)
    return unique


def docstring(lines: list[str], indent: str) -> str:
    """A triple-quoted docstring of *lines* (each may hold line breaks), indented."""
    body = "\n".join(docstring_text(line) for line in lines).replace("\n", f"\n{indent}")
    body = "\n".join(line.rstrip() for line in body.split("\n"))
    return f'{indent}"""{body}\n{indent}"""'


def skeleton_module(spec_id: str, spec_title: str, errors: list[tuple[str, str, str, str]]) -> str:
    """A pytest module with one failing test per error path ``(full id, condition, action,
    feedback)``, each marked with its id (``@pytest.mark.spec``)."""
    head = [
        f"Tests for {spec_id}: {spec_title}",
        "",
        "Written by `sphinx-spec tests`: one test per error path no test verified yet. Each",
        "fails until it is written; the marker names the error path it verifies.",
    ]
    parts = [docstring(head, ""), "", "import pytest", ""]
    taken: set[str] = set()
    for full_id, condition, action, feedback in errors:
        lines = [f"{full_id}: {condition}", ""]
        lines += [f"Condition: {condition}", f"System action: {action or '-'}"]
        lines += [f"User feedback: {feedback or '-'}"]
        name = skeleton_name(full_id, condition, taken)
        message = repr(f"not written yet: {full_id} {condition}")
        parts += [
            "",
            f"@pytest.mark.spec({json.dumps(full_id)})",
            f"def {name}():",
            docstring(lines, "    "),
            f"    pytest.fail({message})",
            "",
        ]
    return "\n".join(parts)
