"""The spec template, in reStructuredText and MyST: every section, a placeholder per directive.

A document written from it builds with ``-W`` as it stands, whatever its
title: the title is escaped where it would be read as markup.
"""

from __future__ import annotations

import datetime
import re

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
