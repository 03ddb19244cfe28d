"""The spec template, in reStructuredText and MyST: every section, a placeholder per directive.

A document written from it builds with ``-W`` as it stands.
"""

from __future__ import annotations

import datetime

RST = """\
{id}: {title}
{underline}

.. spec:: {title}
   :id: {id}
   :status: draft
   :owners: {owner}
   :created: {today}
   :updated: {today}

   One paragraph: what this spec proposes and why.

Background
==========

Problem statement, context and history, stakeholders.

Motivation
==========

.. spec-goal:: Describe the goal
   :id: goal
   :metric: What you measure
   :baseline: Today's value
   :target: The value that means success

.. non-goal:: Describe what is out of scope
   :id: out-of-scope

   Why it is out of scope.

Approaches & trade-offs
=======================

.. spec-approach:: Name the decision
   :id: approach
   :decision: What we do
   :rationale: Why
   :impact: What it costs or risks
   :status: proposed

Step-by-step flow
=================

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
============

.. spec-diagram:: Main sequence
   :id: sequence
   :kind: sequence

   sequenceDiagram
     User->>System: action
     System-->>User: result

Edge cases and concessions
==========================

.. spec-concession:: Describe an edge case
   :id: edge-case
   :kind: edge-case
   :severity: low

   What we accept and why.

Open questions
==============

.. open-question:: What is still unknown?
   :id: question
   :status: open

Glossary / references
=====================

.. spec-term:: Term

   Its definition.
"""

MD = """\
# {id}: {title}

```{{spec}} {title}
:id: {id}
:status: draft
:owners: {owner}
:created: {today}
:updated: {today}

One paragraph: what this spec proposes and why.
```

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


def render(title: str, spec_id: str, fmt: str, owner: str = "") -> str:
    """The template filled in for one spec."""
    heading = f"{spec_id}: {title}"
    today = datetime.date.today().isoformat()
    template = RST if fmt == "rst" else MD
    return template.format(
        id=spec_id,
        title=title,
        underline="=" * len(heading),
        owner=owner or "you",
        today=today,
    )
