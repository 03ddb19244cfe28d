"""Generated projects: random RST and MyST documents from the directive grammar, built for real.

Hypothesis draws small projects: an index (reStructuredText or MyST) with a toctree,
one to four documents (some in a subdirectory, some left out of the toctree),
sometimes an included part, a ``conf.py`` (``smartquotes``, ``spec_required``,
``spec_statuses``, ``spec_today``, values of the wrong type) and a ``spec_import``
of a generated ``spec.json`` with hostile text. Documents hold every authoring
directive and view with known, unknown (``:ID:`` too), repeated and value-less
options in ``:name:`` or YAML form, values valid, nearly valid or hostile (HTML
payloads, quotes, backticks, markup, combining, right-to-left, invisible and
control characters, line separators, very long strings, ids that collide by
case, ``_``/``-`` or through dots), nested: objects and specs in spec bodies,
objects in objects, views and specs in list tables, grid tables, bullet lists,
notes, ``only`` and ``eval-rst``; numbered lists of every style; section headings
and labels named like sphinx-spec's anchors; glossaries; and references (every
``spec`` role, ``:term:``, ``:any:``, with and without explicit titles) to ids that
exist and ids that do not. Each project is built with ``-j 1`` and ``-j 2`` into
two output directories of one temporary directory, and:

(a) the build completes: no exception, no "Exception occurred" / "Extension error";
(b) every warning sphinx-spec logs has type ``spec``, a subtype, a ``file:line``
    location in a generated file (a document, an included part or ``conf.py``) that
    exists, a directive's own warning is at the directive's first line, and the
    printed text ends with ``[spec.<subtype>]``; docutils and MyST never drop a
    sphinx-spec directive over its options or content. Sphinx's, docutils' and
    MyST's own warnings are counted by kind and printed at the end (``pytest -s``);
(c) no generated HTML payload appears unescaped in any HTML page, unless the
    document's parser itself made it raw HTML (Markdown prose); no link is a
    ``javascript:`` URL that sphinx-spec made; no page uses an id twice; every
    internal link lands on a page that exists, at an id it has;
(d) ``-j 2`` writes the same HTML pages, ``spec.json`` and ``objects.inv``
    (decompressed) as ``-j 1``, and logs the same warnings; ``spec.json`` matches
    the shipped schema.

The generator keeps clear of what is Sphinx's, docutils' or MyST's own doing (each
place says why): glossary terms and labels are unique in a project (which of two
duplicates Sphinx keeps differs between -j 1 and -j 2), grid tables hold no
characters that docutils versions measure differently, and an include never sits
inside eval-rst (MyST misnumbers its lines).

``SPEC_HYPOTHESIS_EXAMPLES`` sets the number of examples (default 60, about a
minute on two cores); ``SPEC_HYPOTHESIS_RANDOM=1`` draws new examples instead of
the reproducible, derandomized default. A failing example is printed as the
project's sources.

Constructs that a reported finding makes fail are named in ``KNOWN_FAILURES``;
the generator leaves them out until the finding is fixed, then removing the
name re-enables them.
"""

from __future__ import annotations

import copy
import html
import io
import json
import logging
import os
import pickle
import posixpath
import re
import shutil
import time
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import myst_parser
import pytest
from docutils import nodes
from helpers import ANSI
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from sphinx.testing.util import SphinxTestApp
from sphinx.util import logging as sphinx_logging
from sphinx.util.logging import WarningStreamHandler, get_node_location

from sphinx_spec.directives.objects import DIRECTIVE_CLASSES
from sphinx_spec.directives.spec import SpecDirective
from sphinx_spec.model import ALL_KINDS, OBJECT_KINDS
from sphinx_spec.views.catalog import VIEWS
from sphinx_spec.views.directive import COMMON_OPTIONS, EXTRA_OPTIONS

#: Constructs the generator leaves out because they fail today; each is a reported finding.
#: Remove a name once its finding is fixed to generate that construct again.
KNOWN_FAILURES: frozenset[str] = frozenset()

MYST_MAJOR = int(myst_parser.__version__.split(".")[0])
EXAMPLES = int(os.environ.get("SPEC_HYPOTHESIS_EXAMPLES", "60"))
RANDOMISE = os.environ.get("SPEC_HYPOTHESIS_RANDOM", "") not in ("", "0", "false", "no")


def enabled(construct: str) -> bool:
    """Whether the generator may produce *construct* (one of CONSTRUCTS)."""
    return construct not in KNOWN_FAILURES


# -- the grammar ----------------------------------------------------------------------------------

#: directive → option → the kind of value it takes
SPEC_GRAMMAR = {
    "id": "id",
    "status": "spec_status",
    "owners": "owners",
    "stakeholders": "owners",
    "tags": "tags",
    "created": "date",
    "updated": "date",
    "supersedes": "ids",
    "depends-on": "ids",
    "links": "text",
    "approvers": "owners",
    "reviewed": "reviewed",
}
OBJECT_GRAMMAR = {
    "spec-goal": {"id": "id", "metric": "text", "baseline": "text", "target": "text"},
    "non-goal": {"id": "id"},
    "spec-approach": {
        "id": "id",
        "decision": "text",
        "rationale": "text",
        "impact": "text",
        "alternatives": "list",
        "status": "approach_status",
        "revisit": "date",
    },
    "spec-concession": {
        "id": "id",
        "kind": "concession_kind",
        "severity": "severity",
        "owner": "owner",
        "mitigation": "text",
    },
    "spec-flow": {
        "id": "id",
        "actor": "text",
        "precondition": "text",
        "postcondition": "text",
        "participants": "text",
        "diagram": "flow_diagram",
    },
    "error-path": {"id": "id", "flow": "ref", "step": "step", "action": "text", "feedback": "text"},
    "spec-diagram": {"id": "id", "kind": "diagram_kind"},
    "open-question": {
        "id": "id",
        "owner": "owner",
        "status": "question_status",
        "blocking": "flag",
        "due": "date",
        "answer": "text",
        "resolved-by": "ref",
    },
    "spec-term": {"id": "id", "aliases": "list"},
    "spec-approval": {
        "id": "id",
        "date": "date",
        "verdict": "verdict",
        "fingerprint": "fingerprint",
    },
}
VIEW_COMMON = {
    "spec": "spec_filter", "status": "view_status", "tags": "tags", "owner": "owners",
    "columns": "columns", "sort": "sort",
}  # fmt: skip
VIEW_GRAMMAR = {
    name: {**VIEW_COMMON, **{"error-paths": {"flow": "ids", "state": "verification_states"},
                             "spec-goals": {"state": "verification_states"},
                             "spec-concessions": {"kind": "kinds"},
                             "spec-approvals": {"approver": "owners", "state": "approval_states"},
                             "spec-verification": {"state": "verification_states"}}
           .get(name, {})}
    for name in VIEWS
}  # fmt: skip
#: options the generator writes most of the time
REQUIRED = {"spec": ("id",), "spec-approach": ("decision",), "error-path": ("action", "feedback")}
ROLES = [f"spec:{kind}" for kind in ALL_KINDS] + ["term", "any"]
UNKNOWN_OPTIONS = ["colour", "ID", "Id", "class", "name", "x-y", "status2", "s", "depends_on"]

# -- the values -----------------------------------------------------------------------------------

#: ids that collide: by case, by ``_``/``-``/``.``, through dots (``A`` + ``B.c`` = ``A.B`` + ``c``)
IDS = [
    "A", "a", "A-1", "a-1", "A_1", "A.B", "B.c", "c", "B", "PAY-001", "pay-001", "PAY_001",
    "storage", "Storage", "checkout", "A1", "A2", "item", "current", "x" + "y" * 300,
]  # fmt: skip
#: full ids (spec id, then local id) that objects in the generated specs may have
FULL_IDS = [
    f"{spec}.{local}"
    for spec in ("A", "a", "A.B", "PAY-001")
    for local in ("c", "A1", "storage", "checkout", "item")
]
#: names that are, or look like, the anchors sphinx-spec makes (labels and sections take them)
ANCHORISH = [
    "spec-a", "spec-A", "spec-pay-001", "approach-a-storage", "question-a-storage",
    "flow-a-checkout", "flow-a-checkout-step-1", "flow-a-checkout-step-2", "term-a-term",
    "term-idem-key",
    "goal-a-item", "error-a-a1", "error-a-A1", "id1", "storage", "checkout", "A-storage",
]  # fmt: skip
BAD_IDS = ["1abc", "a b", "-x", "_x", ".x", "a/b", "é", "a;b", "a:b", "A.", "x`y", "<A>"]
TITLES = [
    "Storage", "storage", "Checkout", "Payment retries", "Clock skew (EU)", "idem key",
    "Idem Key", "A", "alpha", "Alpha", "Shopper", "9 lives", "...", "-",
]  # fmt: skip
WORDS = ["alpha", "beta", "System validates", "Shopper asks", "idem key", "Storage", "ok"]
#: hostile text, by name (``hostile-<name>`` in KNOWN_FAILURES leaves one out)
HOSTILE = {
    "quotes": "\"double\" and 'single' quotes",
    "rst-markup": "`tick` ``literal`` *em* **strong** _u_ |sub| [1]_",
    "roles": ":spec:spec:`A` {spec:spec}`A` :term:`x`",
    "backslashes": "$x$ \\ back\\slash \\\\",
    "combining": "e\u0301 a\u0308 Z\u0336\u0337\u0338 \u0301lead",
    "rtl-override": "\u202eevil RTL\u202c",
    "hebrew": "שלום עולם",
    "arabic": "مرحبا بالعالم",
    "invisible": "\u200f\u200e\u200b\u200d\ufeff",
    "control": "ctrl \x01\x02\x07\x1b[31mred\x7f",
    "vt-ff": "vt\x0bff\x0c",
    "nel": "nel\x85",
    "line-separators": "ls\u2028ps\u2029",
    "emoji": "💥🔥 👩‍👩‍👧",
    "fullwidth": "ｆｕｌｌ ｗｉｄｔｈ",
    "cjk": "日本語の仕様",
    "long-words": "long " * 400,
    "long-word": "y" * 3000,
    "entities": "&amp; &lt; &gt; &#60; &#x3C;",
    "padded": "   padded   ",
    "format": "%s %d {0} {name} %(x)s",
    "mermaid": "#;%{}[]()|",
    "arrows": "A-->B; end",
    "commas": "a, b,, ,c",
    "path": "../../etc/passwd",
    "xml": "<!-- c --> ]]> <![CDATA[x]]>",
    "rst-lines": ":: .. note:: ---",
    "trailing-backslash": "trailing\\",
}
#: values that must reach every page escaped: (text, marker that must not appear raw)
PAYLOADS = {
    "script": ("<script>alert({t})</script>", "<script>alert({t})"),
    "img": ("<img src=x onerror=alert({t})>", "<img src=x onerror=alert({t})"),
    "attr": ('x" onmouseover="alert({t})" y="', '" onmouseover="alert({t})'),
    "svg": ("'><svg/onload=alert({t})>", "<svg/onload=alert({t})"),
    "entity": ("&lt;b&gt;{t}&lt;/b&gt;", "&lt;b&gt;{t}&lt;"),
    "close": (
        "</pre></div><iframe src=javascript:alert({t})>",
        "<iframe src=javascript:alert({t})",
    ),
    "js": ("javascript:alert({t})", ""),
}
#: every construct the generator can leave out (KNOWN_FAILURES names some of them)
CONSTRUCTS = {
    "duplicate-option",  # an option written twice
    "spec-in-spec",  # a spec directive in a spec's body
    "grid-table",  # reStructuredText grid tables holding directives
    "eval-rst",  # MyST eval-rst blocks
    "include",  # an included part (reStructuredText or MyST)
    "numbered-list-styles",  # steps numbered #., (1), 1) or from 2 or 3
    "sections",  # section headings named like sphinx-spec's anchors
    "labels",  # labels (targets) named like sphinx-spec's anchors
    "view-content",  # a view with content
    "conf-wrong-types",  # conf.py values of the wrong type
    "spec-import",  # spec_import of a generated spec.json
    "yaml-surrogates",  # MyST YAML options with JSON escapes (surrogate pairs)
    *(f"payload-{kind}" for kind in PAYLOADS),
    *(f"hostile-{name}" for name in HOSTILE),
}
MERMAID = [
    ["stateDiagram-v2", "  [*] --> Pending", "  Pending --> Paid : pay()"],
    ["sequenceDiagram", "  Shopper->>System: POST /checkout"],
    ["flowchart LR", "  A-->B"],
    ["graph TD; A-->B"],
    ["%% a comment", "classDiagram", "  class Order"],
    ["---", "title: front matter", "---", "erDiagram", "  A ||--o{ B : has"],
    ["gantt", "  title x"],
    [],
]
CHOICES = {
    "spec_status": ["draft", "review", "accepted", "implemented", "superseded", "Draft", "final"],
    "approach_status": ["chosen", "proposed", "rejected", "deferred", "Chosen", "maybe"],
    "concession_kind": ["edge-case", "concession", "limitation", "risk", "deferred", "debt", "Risk",
                        "bug"],
    "severity": ["low", "medium", "high", "HIGH", "critical"],
    "question_status": ["open", "answered", "deferred", "Open", "closed"],
    "verdict": ["approved", "changes-requested", "abstained", "Approved", "lgtm"],
    "fingerprint": [
        "0123456789ab",
        "0123456789ab status=abcd approach:a=0123.4567",
        "not a fingerprint",
        "0123456789AB",
    ],
    "reviewed": [
        "AUTH-002 0123456789ab",
        "A 0123456789ab status=abcd, B 0123456789ab",
        "AUTH-002",
        "<b>x</b> 0123456789ab",
    ],
    "diagram_kind": ["class", "sequence", "state", "flowchart", "er", "other", "gantt", "State"],
    "flow_diagram": ["sequence", "Sequence", "state"],
    "date": ["2026-12-01", "2020-01-01", "2026-02-30", "2026-1-1", "yesterday", "99999-01-01",
             "２０２６-01-01"],
    "flag": ["yes", "true", "no", "false", "maybe", "1", "on", "YES", "Off"],
    "step": ["1", "2", "3", "0", "-1", "99", "one", "1.5", "٣", "１", "2 "],
    "owner": ["alice", "Alice", "bob", "carol"],
    "tag": ["payments", "Payments", "reliability", "x"],
    "view_status": ["draft", "review", "accepted", "open", "answered", "chosen", "rejected",
                    "Open", "bogus"],
    "kinds": ["risk", "debt", "Risk", "edge-case", "bug"],
    "approval_states": ["approved", "stale", "pending", "Stale", "changes-requested", "lost"],
    "verification_states": ["failed", "passed", "untested", "Error", "skipped", "lost"],
    "columns": ["id, title", "status, ID", "title, bogus", "spec, decision, spec", "term", ","],
    "sort": ["id", "updated desc", "title asc", "status up", "bogus", "id desc x", "DUE DESC"],
}  # fmt: skip
#: characters that Python's str.splitlines, and so docutils, reads as line breaks
LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
GLOSSARY_TERMS = ["idem key", "Idem Key", "Storage", "alpha", "term"]


@dataclass(frozen=True)
class Payload:
    kind: str


#: a value: text and payloads, concatenated when written
Val = tuple


@dataclass(frozen=True)
class Role:
    role: str
    target: Val
    title: Val | None = None


@dataclass(frozen=True)
class Para:
    parts: tuple  # first a word, then Vals and Roles


@dataclass(frozen=True)
class Directive:
    name: str
    arg: Val | None = None
    options: tuple = ()  # (name, Val | None)
    body: tuple = ()  # blocks
    raw: tuple = ()  # literal lines (diagram source, toctree entries)
    fence: str = "`"  # MyST: ``` or :::
    yaml: bool = False  # MyST: options as a YAML block


@dataclass(frozen=True)
class Bullets:
    items: tuple  # tuple of block tuples


@dataclass(frozen=True)
class Steps:
    items: tuple  # Vals
    start: int = 1
    style: str = "1."  # the enumerator: "1." "#." "(1)" "1)"


@dataclass(frozen=True)
class Section:
    title: Val


@dataclass(frozen=True)
class Label:
    name: str


@dataclass(frozen=True)
class ListTable:
    rows: tuple  # rows of cells of block tuples


@dataclass(frozen=True)
class GridTable:
    cells: tuple  # one row of cells of block tuples (reStructuredText only)


@dataclass(frozen=True)
class EvalRst:
    body: tuple  # reStructuredText blocks inside MyST


@dataclass(frozen=True)
class Glossary:
    entries: tuple  # (term Val, definition Val)


@dataclass(frozen=True)
class Include:
    body: tuple  # the included file's blocks


@dataclass(frozen=True)
class Doc:
    name: str
    fmt: str  # "rst" or "md"
    blocks: tuple


@dataclass(frozen=True)
class Project:
    index_fmt: str
    index_blocks: tuple
    docs: tuple
    hidden: tuple  # documents left out of the toctree
    conf: tuple  # (name, value) lines of conf.py
    imported: object = None  # an Imported spec.json, for spec_import


# -- strategies -----------------------------------------------------------------------------------


def weighted(true_in: int, out_of: int) -> st.SearchStrategy[bool]:
    return st.integers(0, out_of - 1).map(lambda n: n < true_in)


def segments() -> st.SearchStrategy:
    kinds = [k for k in PAYLOADS if enabled(f"payload-{k}")]
    hostile = [text for name, text in HOSTILE.items() if enabled(f"hostile-{name}")]
    return st.one_of(
        st.sampled_from(WORDS),
        st.builds(Payload, st.sampled_from(kinds)),
        st.sampled_from(hostile),
        st.sampled_from(TITLES),
    )


def joined(parts: list, sep: str = " ") -> Val:
    out: list = []
    for part in parts:
        if out:
            out.append(sep)
        out.extend(part if isinstance(part, tuple) else (part,))
    return tuple(out)


texts = st.lists(segments(), min_size=1, max_size=3).map(joined)
titles = st.one_of(st.sampled_from(TITLES).map(lambda t: (t,)), texts)


def value(kind: str) -> st.SearchStrategy:
    """A value for an option of *kind*: valid, near-valid, hostile, empty or missing."""
    if kind == "id":
        good = st.sampled_from(IDS).map(lambda v: (v,))
        bad = st.sampled_from(BAD_IDS).map(lambda v: (v,))
    elif kind == "ref":
        good = st.sampled_from(IDS + FULL_IDS).map(lambda v: (v,))
        bad = st.sampled_from(BAD_IDS).map(lambda v: (v,))
    elif kind in ("ids", "spec_filter"):
        pool = IDS + (["current", "current"] if kind == "spec_filter" else FULL_IDS)
        good = st.lists(st.sampled_from(pool), min_size=1, max_size=3).map(
            lambda vs: (", ".join(vs),)
        )
        bad = st.lists(st.sampled_from(IDS + BAD_IDS), min_size=1, max_size=3).map(
            lambda vs: (",".join(vs),)
        )
    elif kind in ("owners", "tags", "list"):
        pool = {"owners": CHOICES["owner"], "tags": CHOICES["tag"], "list": WORDS}[kind]
        good = st.lists(st.sampled_from(pool), min_size=1, max_size=3).map(
            lambda vs: (", ".join(vs),)
        )
        bad = st.lists(texts, min_size=1, max_size=3).map(lambda vs: joined(vs, ", "))
    elif kind == "text":
        good = texts
        bad = texts
    elif kind == "owner":
        good = st.sampled_from(CHOICES["owner"]).map(lambda v: (v,))
        bad = texts
    elif kind in ("view_status", "kinds", "approval_states", "verification_states"):
        good = st.lists(st.sampled_from(CHOICES[kind]), min_size=1, max_size=2).map(
            lambda vs: (", ".join(vs),)
        )
        bad = texts
    else:
        good = st.sampled_from(CHOICES[kind]).map(lambda v: (v,))
        bad = texts
    return st.one_of(good, good, bad, st.just(("",)), st.just(None))


@st.composite
def options(draw, name: str, grammar: dict[str, str]) -> tuple:
    chosen = []
    for option, kind in grammar.items():
        often = option in REQUIRED.get(name, ()) or (name == "error-path" and option == "flow")
        if draw(weighted(7 if often else 3, 8)):
            chosen.append((option, draw(value(kind))))
    if draw(weighted(1, 6)):
        chosen.append((draw(st.sampled_from(UNKNOWN_OPTIONS)), draw(value("text"))))
    if chosen and enabled("duplicate-option") and draw(weighted(1, 8)):
        option = draw(st.sampled_from([o for o, _ in chosen]))
        chosen.append((option, draw(value(grammar.get(option, "text")))))
    return tuple(draw(st.permutations(chosen))) if len(chosen) > 1 else tuple(chosen)


@st.composite
def directive(draw, name: str, body: tuple = (), raw: tuple = ()) -> Directive:
    if name == "spec":
        grammar = SPEC_GRAMMAR
    else:
        grammar = OBJECT_GRAMMAR.get(name) or VIEW_GRAMMAR[name]
    arg = draw(st.one_of(titles, titles, titles, st.just(None)))
    return Directive(
        name=name,
        arg=arg,
        options=draw(options(name, grammar)),
        body=body,
        raw=raw,
        fence=draw(st.sampled_from("`:")),
        yaml=draw(weighted(1, 6)),
    )


def role() -> st.SearchStrategy[Role]:
    target = st.one_of(
        st.sampled_from(IDS + TITLES + GLOSSARY_TERMS).map(lambda v: (v,)),
        st.sampled_from(FULL_IDS).map(lambda v: (v,)),
        texts.filter(lambda v: not any("`" in s for s in v if isinstance(s, str))),
    )
    title = st.one_of(st.none(), st.none(), st.sampled_from(WORDS).map(lambda v: (v,)), texts)
    title = title.filter(lambda v: v is None or not any("`" in s for s in v if isinstance(s, str)))
    return st.builds(Role, st.sampled_from(ROLES), target, title)


@st.composite
def paragraph(draw) -> Para:
    parts = draw(st.lists(st.one_of(role(), texts, texts), min_size=0, max_size=3))
    return Para((draw(st.sampled_from(WORDS)), *parts))


@st.composite
def steps(draw) -> Steps:
    items = tuple(draw(st.lists(texts, min_size=1, max_size=3)))
    if not enabled("numbered-list-styles") or draw(weighted(1, 2)):
        return Steps(items)
    return Steps(items, draw(st.integers(1, 3)), draw(st.sampled_from(["1.", "#.", "(1)", "1)"])))


OBJECTS = [kind.directive for kind in OBJECT_KINDS]
DIRECTIVES = {"spec", *OBJECTS, *VIEWS}


@st.composite
def object_directive(draw, fmt: str, depth: int) -> Directive:
    name = draw(st.sampled_from(OBJECTS))
    if name == "spec-diagram":
        lines = draw(st.sampled_from(MERMAID))
        if draw(weighted(1, 3)):
            lines = [*lines, draw(texts)]
        return draw(directive(name, raw=tuple((line,) if isinstance(line, str) else line
                                              for line in lines)))  # fmt: skip
    body: list = []
    if name == "spec-flow" and draw(weighted(4, 5)):
        body.append(draw(steps()))
    if draw(weighted(1, 2)):
        body.append(draw(paragraph()))
    if depth > 0 and draw(weighted(1, 5)):
        body.extend(draw(blocks(fmt, depth - 1, "object")))
    return draw(directive(name, body=tuple(body)))


@st.composite
def view_directive(draw) -> Directive:
    """A view; rarely with content, which views take none of (they warn and render)."""
    body = (draw(paragraph()),) if enabled("view-content") and draw(weighted(1, 10)) else ()
    return draw(directive(draw(st.sampled_from(sorted(VIEWS))), body=body))


@st.composite
def spec_directive(draw, fmt: str, depth: int) -> Directive:
    body = draw(blocks(fmt, depth - 1, "spec")) if depth > 0 and draw(weighted(1, 2)) else ()
    if draw(weighted(1, 2)):
        body = (draw(paragraph()), *body)
    return draw(directive("spec", body=body))


@st.composite
def block(draw, fmt: str, depth: int, context: str):
    """One block of a document, a spec body (*context* "spec"), an object body, a cell."""
    kinds = ["object", "object", "view", "para"]
    if context in ("top", "eval", "cell") or (context == "spec" and enabled("spec-in-spec")):
        kinds += ["spec"] if context == "cell" else ["spec", "spec"]
    if depth > 0:
        kinds += ["bullets", "list-table", "note", "only"]
        if fmt == "rst" and enabled("grid-table"):
            kinds.append("grid-table")
        if fmt == "md" and enabled("eval-rst"):
            kinds.append("eval-rst")
        if context == "top" and enabled("include"):
            kinds.append("include")
    if context != "cell":
        kinds.append("glossary")
    if context in ("top", "eval") and enabled("sections"):
        kinds.append("section")
    if enabled("labels"):
        kinds.append("label")
    kinds.append("steps")
    kind = draw(st.sampled_from(kinds))
    if kind == "section":
        return Section(draw(st.sampled_from(ANCHORISH + TITLES).map(lambda v: (v,)) | texts))
    if kind == "label":
        return Label(draw(st.sampled_from(ANCHORISH)))
    if kind == "steps":
        return draw(steps())
    if kind == "object":
        return draw(object_directive(fmt, depth))
    if kind == "view":
        return draw(view_directive())
    if kind == "para":
        return draw(paragraph())
    if kind == "spec":
        return draw(spec_directive(fmt, depth))
    if kind == "glossary":
        entries = st.tuples(st.sampled_from(GLOSSARY_TERMS).map(lambda v: (v,)), texts)
        return Glossary(tuple(draw(st.lists(entries, min_size=1, max_size=2))))
    inner = blocks(fmt, depth - 1, "cell")
    if kind == "bullets":
        return Bullets(tuple(draw(st.lists(inner, min_size=1, max_size=2))))
    if kind == "list-table":
        columns = draw(st.integers(1, 2))
        row = st.lists(inner, min_size=columns, max_size=columns).map(tuple)
        return ListTable(tuple(draw(st.lists(row, min_size=1, max_size=2))))
    if kind == "grid-table":
        return GridTable(tuple(draw(st.lists(inner, min_size=1, max_size=2))))
    if kind == "eval-rst":
        # not "top": MyST-Parser puts the nodes of a file that an include in eval-rst
        # brings at lines of the Markdown file, past its end (MyST's own, Sphinx's
        # warnings too), when a directive precedes the eval-rst block
        return EvalRst(draw(blocks("rst", depth - 1, "eval" if context == "top" else context)))
    if kind == "include":
        return Include(draw(blocks(fmt, depth - 1, "top")))
    body = draw(blocks(fmt, depth - 1, context))
    if kind == "note":
        return Directive("note", None, body=body, fence=draw(st.sampled_from("`:")))
    return Directive("only", (draw(st.sampled_from(["html", "latex"])),), body=body)


@st.composite
def blocks(draw, fmt: str, depth: int, context: str, min_size: int = 1) -> tuple:
    return tuple(draw(st.lists(block(fmt, depth, context), min_size=min_size, max_size=3)))


@st.composite
def projects(draw) -> Project:
    docs = []
    for n in range(draw(st.integers(1, 4))):
        fmt = draw(st.sampled_from(["rst", "md"]))
        name = f"sub/d{n}" if draw(weighted(1, 4)) else f"d{n}"
        docs.append(Doc(name, fmt, draw(blocks(fmt, 2, "top"))))
    hidden = tuple(doc.name for doc in docs if draw(weighted(1, 10)))
    index_fmt = draw(st.sampled_from(["rst", "md"]))
    index_blocks = draw(blocks(index_fmt, 1, "top", min_size=0))
    conf = [("smartquotes", draw(st.booleans()))]
    if draw(weighted(1, 5)):
        names = st.sampled_from([*OBJECTS, "spec-bogus", "spec", "<script>alert(1)</script>"])
        conf.append(("spec_required", draw(st.lists(names, max_size=3))))
    if draw(weighted(1, 5)):
        conf.append(("spec_statuses", ["draft", "Final", "accepted", "superseded"]))
    if draw(weighted(1, 10)):
        conf.append(("spec_today", draw(st.sampled_from(["not a date", "2026-02-30"]))))
    if enabled("conf-wrong-types") and draw(weighted(1, 10)):
        conf.append(draw(st.sampled_from(WRONG_CONF)))
    imported = draw(imports()) if enabled("spec-import") and draw(weighted(1, 4)) else None
    if imported is not None:
        entries = st.sampled_from(["imported.json", "missing.json", *IMPORT_ENTRIES])
        conf.append(("spec_import", draw(st.lists(entries, min_size=1, max_size=2))))
    return Project(index_fmt, index_blocks, tuple(docs), hidden, tuple(conf), imported)


#: conf.py values of the wrong type or shape (Sphinx warns about the type, and uses them)
WRONG_CONF = [
    ("spec_statuses", "draft"),
    ("spec_statuses", []),
    ("spec_statuses", ["draft", 3]),
    ("spec_required", "spec-goal"),
    ("spec_today", 20260601),
    ("spec_json", "yes"),
    ("spec_import", "imported.json"),
    ("spec_import", [42, ("imported.json",)]),
    ("spec_import_timeout", "ten"),
]
#: spec_import entries with a base URL, good and hostile
IMPORT_ENTRIES = [
    ("imported.json", "https://docs.example.com/other/"),
    ("imported.json", "javascript:alert(1)//"),
    ("imported.json", "../other/"),
]


@dataclass(frozen=True)
class Imported:
    """Another project's ``spec.json``: one spec with an approach and a term, hostile text."""

    spec_id: str
    project: Val
    title: Val
    owners: Val
    summary: Val
    status: Val
    approach: Val
    decision: Val
    term: Val
    aliases: Val
    url: str


@st.composite
def imports(draw) -> Imported:
    return Imported(
        spec_id=draw(st.sampled_from(IDS)),
        project=draw(texts),
        title=draw(titles),
        owners=draw(st.sampled_from(CHOICES["owner"]).map(lambda v: (v,)) | texts),
        summary=draw(texts),
        status=draw(st.sampled_from(CHOICES["spec_status"]).map(lambda v: (v,)) | texts),
        approach=draw(titles),
        decision=draw(texts),
        term=draw(st.sampled_from(GLOSSARY_TERMS).map(lambda v: (v,)) | texts),
        aliases=draw(texts),
        url=draw(st.sampled_from(["ext.html", "a b/c.html", "../up.html", "javascript:alert(1)"])),
    )


# -- writing the sources --------------------------------------------------------------------------


def height(node) -> int:
    """How deeply directives nest inside *node* (MyST fences must grow outwards)."""
    if isinstance(node, tuple):
        return max((height(child) for child in node), default=0)
    if isinstance(node, Directive):
        return 1 + height(node.body)
    if isinstance(node, Bullets):
        return height(node.items)
    if isinstance(node, ListTable):
        return 1 + height(node.rows)
    if isinstance(node, GridTable):
        return height(node.cells)
    if isinstance(node, EvalRst):
        return 1 + height(node.body)
    if isinstance(node, Glossary | Include):
        return 1
    return 0


def indent(lines: list[str], prefix: str) -> list[str]:
    return [prefix + line if line else "" for line in lines]


def item(lines: list[str], first: str, rest: str) -> list[str]:
    return [first + lines[0], *indent(lines[1:], rest)] if lines else [first.rstrip()]


def fixed_width(text: str) -> bool:
    """Whether every docutils version measures *text* alike in a grid table: no combining,
    zero-width, format or control characters, no line breaks but newlines."""
    return not any(
        unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf", "Cc")
        for c in text
    )


def display_width(text: str) -> int:
    """Width as docutils' grid-table parser counts it (wide characters take two columns)."""
    return len(text) + sum(unicodedata.east_asian_width(c) in "WF" for c in text)


class Writer:
    """Writes a project's sources; remembers the marker of every payload it wrote."""

    def __init__(self) -> None:
        self.count = 0
        self.markers: list[str] = []
        self.files: dict[str, str] = {}
        self.terms: set[str] = set()
        self.labels: set[str] = set()

    def val(self, v: Val | None) -> str:
        out = []
        for segment in v or ():
            if isinstance(segment, Payload):
                self.count += 1
                text, marker = PAYLOADS[segment.kind]
                token = 7_000_000 + self.count
                out.append(text.format(t=token))
                if marker:
                    self.markers.append(marker.format(t=token))
            else:
                out.append(segment)
        return "".join(out)

    def term(self, term: Val) -> str:
        """A glossary term no other glossary entry defines: Sphinx keeps one of several
        same-named terms, and which one differs between -j 1 and -j 2 (Sphinx's own)."""
        name = self.val(term)
        while name.lower() in self.terms:
            name += " again"
        self.terms.add(name.lower())
        return name

    def steps(self, node: Steps, fmt: str) -> list[str]:
        style = node.style if fmt == "rst" else node.style.replace("(1)", "1.").replace("#.", "1.")
        lines = []
        for n, text in enumerate(node.items, start=node.start):
            marker = style.replace("1", str(n)) if "#" not in style else "#."
            lines.append(f"{marker} {self.val(text)}")
        return lines

    def label(self, name: str) -> str:
        """A label no other one uses: which of two same-named labels Sphinx keeps, and
        which one its warning names, differ between -j 1 and -j 2 (Sphinx's own)."""
        while name.lower() in self.labels:
            name += "-again"
        self.labels.add(name.lower())
        return name

    def definition(self, definition: Val) -> str:
        """A glossary definition on one line: a line break would make its rest a new term."""
        return self.val(definition).translate(dict.fromkeys(map(ord, LINE_BREAKS), " "))

    def blocks(self, fmt: str, blocks: tuple) -> list[str]:
        lines: list[str] = []
        for node in blocks:
            if lines:
                lines.append("")
            lines += self.rst(node) if fmt == "rst" else self.md(node)
        return lines

    # reStructuredText

    def inline(self, part, role_syntax: str) -> str:
        """A text part, or a role written with *role_syntax* (``:{}:`` or ``{{{}}}``)."""
        if isinstance(part, Role):
            target = self.val(part.target)
            text = f"{self.val(part.title)} <{target}>" if part.title is not None else target
            return role_syntax.format(part.role) + f"`{text}`"
        return self.val(part) if isinstance(part, tuple) else part

    def rst_inline(self, part) -> str:
        return self.inline(part, ":{}:")

    def rst(self, node) -> list[str]:
        if isinstance(node, Para):
            return [" ".join(self.rst_inline(part) for part in node.parts)]
        if isinstance(node, Steps):
            return self.steps(node, "rst")
        if isinstance(node, Section):
            title = self.val(node.title).translate(dict.fromkeys(map(ord, LINE_BREAKS), " "))
            return [title, "-" * (display_width(title) + 2)]
        if isinstance(node, Label):
            return [f".. _{self.label(node.name)}:"]
        if isinstance(node, Directive):
            head = f".. {node.name}::" + (f" {self.val(node.arg)}" if node.arg else "")
            opts = [
                f"   :{name}:" + (f" {self.val(v)}" if v is not None else "")
                for name, v in node.options
            ]
            body = self.blocks("rst", node.body) + [self.val(line) for line in node.raw]
            return [head, *opts, *([""] + indent(body, "   ") if body else [])]
        if isinstance(node, Bullets):
            return self.join_items(self.blocks("rst", i) or ["x"] for i in node.items)
        if isinstance(node, ListTable):
            return [".. list-table::", "", *indent(self.table_rows("rst", node.rows), "   ")]
        if isinstance(node, GridTable):
            return self.grid(node)
        if isinstance(node, Glossary):
            lines = [".. glossary::"]
            for term, definition in node.entries:
                lines += ["", f"   {self.term(term)}", f"      {self.definition(definition)}"]
            return lines
        if isinstance(node, Include):
            return [f".. include:: /{self.part('rst', node.body)}"]
        raise TypeError(node)

    def grid(self, node: GridTable) -> list[str]:
        cells = [self.blocks("rst", cell) or ["x"] for cell in node.cells]
        if any(not fixed_width(line) for cell in cells for line in cell):
            # docutils 0.21 and 0.22 measure such characters differently: a list table
            return self.rst(ListTable((node.cells,)))
        widths = [max(display_width(line) for line in cell) + 2 for cell in cells]
        rows = max(len(cell) for cell in cells)
        border = "+" + "+".join("-" * w for w in widths) + "+"
        lines = [border]
        for r in range(rows):
            row = "|"
            for cell, w in zip(cells, widths, strict=True):
                text = cell[r] if r < len(cell) else ""
                row += " " + text + " " * (w - 1 - display_width(text)) + "|"
            lines.append(row)
        return [*lines, border]

    def join_items(self, items: Iterator[list[str]]) -> list[str]:
        lines: list[str] = []
        for body in items:
            if lines:
                lines.append("")
            lines += item(body, "- ", "  ")
        return lines

    def table_rows(self, fmt: str, rows: tuple) -> list[str]:
        lines: list[str] = []
        for row in rows:
            for n, cell in enumerate(row):
                body = self.blocks(fmt, cell) or ["x"]
                lines += item(body, "* - " if n == 0 else "  - ", "    ")
        return lines

    def part(self, fmt: str, blocks: tuple) -> str:
        name = f"parts/p{sum(f.startswith('parts/') for f in self.files)}.{fmt}"
        self.files[name] = ""  # reserve the name before writing nested parts
        self.files[name] = "\n".join(self.blocks(fmt, blocks)) + "\n"
        return name

    # MyST Markdown

    def md_inline(self, part) -> str:
        return self.inline(part, "{{{}}}")

    def yaml(self, v: Val) -> str:
        """A YAML double-quoted string (JSON's escapes of astral characters are surrogates)."""
        return json.dumps(self.val(v), ensure_ascii=enabled("yaml-surrogates"))

    def md(self, node) -> list[str]:
        if isinstance(node, Para):
            return [" ".join(self.md_inline(part) for part in node.parts)]
        if isinstance(node, Steps):
            return self.steps(node, "md")
        if isinstance(node, Section):
            return [f"## {self.val(node.title)}"]
        if isinstance(node, Label):
            return [f"({self.label(node.name)})="]
        if isinstance(node, Directive):
            arg = self.val(node.arg) if node.arg else ""
            fence = ":" if node.fence == ":" or "`" in arg else "`"
            fence *= 3 + height(node.body)
            head = f"{fence}{{{node.name}}}" + (f" {arg}" if arg else "")
            if node.yaml and node.options:
                opts = ["---"] + [
                    f"{name}: {self.yaml(v)}" if v is not None else f"{name}:"
                    for name, v in node.options
                ] + ["---"]  # fmt: skip
            else:
                opts = [
                    f":{name}:" + (f" {self.val(v)}" if v is not None else "")
                    for name, v in node.options
                ]
            body = self.blocks("md", node.body) + [self.val(line) for line in node.raw]
            return [head, *opts, *([""] + body if body else []), fence]
        if isinstance(node, Bullets):
            return self.join_items(self.blocks("md", i) or ["x"] for i in node.items)
        if isinstance(node, ListTable):
            fence = "`" * (3 + height(node.rows))
            return [f"{fence}{{list-table}}", *self.table_rows("md", node.rows), fence]
        if isinstance(node, EvalRst):
            fence = "`" * (3 + height(node.body))
            return [f"{fence}{{eval-rst}}", *self.blocks("rst", node.body), fence]
        if isinstance(node, Glossary):
            lines = ["```{glossary}"]
            for term, definition in node.entries:
                lines += [self.term(term), f"  {self.definition(definition)}", ""]
            return [*lines[:-1], "```"]
        if isinstance(node, Include):
            return [f"```{{include}} /{self.part('md', node.body)}", "```"]
        raise TypeError(node)

    # the project

    def project(self, project: Project) -> dict[str, str]:
        for doc in project.docs:
            lines = self.heading(doc.fmt, f"Document {doc.name}") + self.blocks(doc.fmt, doc.blocks)
            self.files[f"{doc.name}.{doc.fmt}"] = "\n".join(lines) + "\n"
        listed = [doc.name for doc in project.docs if doc.name not in project.hidden]
        toctree = Directive("toctree", raw=tuple((name,) for name in listed))
        index = [
            *self.heading(project.index_fmt, "Index"),
            *self.blocks(project.index_fmt, (toctree, *project.index_blocks)),
        ]
        self.files[f"index.{project.index_fmt}"] = "\n".join(index) + "\n"
        conf = [
            'extensions = ["sphinx_spec", "myst_parser"]',
            'myst_enable_extensions = ["colon_fence"]',
            'source_suffix = {".rst": "restructuredtext", ".md": "markdown"}',
            'exclude_patterns = ["_build", "parts"]',
            "show_warning_types = True",
        ]
        if not any(name == "spec_today" for name, _ in project.conf):
            conf.append('spec_today = "2026-06-01"')
        conf += [f"{name} = {value!r}" for name, value in project.conf]
        self.files["conf.py"] = "\n".join(conf) + "\n"
        if project.imported is not None:
            self.files["imported.json"] = self.imported(project.imported)
        return self.files

    def imported(self, spec: Imported) -> str:
        located = {"docname": "ext", "line": 3, "url": spec.url}
        status = self.val(spec.status) or "draft"
        approach = {
            **located,
            "anchor": "approach-x",
            "kind": "approach",
            "local_id": "storage",
            "spec_id": spec.spec_id,
            "full_id": f"{spec.spec_id}.storage",
            "title": self.val(spec.approach),
            "text": self.val(spec.summary),
            "decision": self.val(spec.decision),
            "rationale": "",
            "impact": "",
            "alternatives": [],
            "status": "chosen",
            "revisit": "",
        }
        term = {
            **located,
            "anchor": "term-x",
            "kind": "term",
            "local_id": "term",
            "spec_id": spec.spec_id,
            "full_id": f"{spec.spec_id}.term",
            "title": self.val(spec.term),
            "text": self.val(spec.summary),
            "aliases": [alias.strip() for alias in self.val(spec.aliases).split(",")],
        }
        record = {
            **located,
            "anchor": "spec-x",
            "id": spec.spec_id,
            "title": self.val(spec.title),
            "status": status,
            "owners": [self.val(spec.owners)],
            "stakeholders": [],
            "tags": ["payments"],
            "created": "",
            "updated": "",
            "supersedes": [],
            "depends_on": [],
            "summary": self.val(spec.summary),
            "superseded_by": [],
            "depended_on_by": [],
            "counts": dict.fromkeys(
                ("approaches", "error_paths", "questions", "questions_open",
                 "questions_blocking", "terms", "diagrams"), 0),
        }  # fmt: skip
        data = {"version": 1, "project": self.val(spec.project), "specs": [record]}
        data["objects"] = [approach, term]
        return json.dumps(data, indent=1)

    @staticmethod
    def heading(fmt: str, title: str) -> list[str]:
        return [title, "=" * len(title), ""] if fmt == "rst" else [f"# {title}", ""]


# -- building and checking ------------------------------------------------------------------------


class Records(WarningStreamHandler):
    """Every warning record as logged, with its type, subtype and location.

    A ``WarningStreamHandler``, so that Sphinx's ``pending_warnings`` holds it back
    and replays it as it does its own warning handler (no record is seen twice).
    """

    def __init__(self) -> None:
        super().__init__(io.StringIO())
        self.setLevel(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(copy.copy(record))


@dataclass
class Built:
    app: SphinxTestApp
    records: list[logging.LogRecord]
    warnings: str
    status: str


def build(srcdir: Path, outroot: Path, parallel: int) -> Built:
    app = SphinxTestApp("html", srcdir=srcdir, builddir=outroot, freshenv=True, parallel=parallel)
    handler = Records()
    logger = logging.getLogger(sphinx_logging.NAMESPACE)
    logger.addHandler(handler)
    try:
        app.build()
    finally:
        logger.removeHandler(handler)
        app.cleanup()
    return Built(app, handler.records, ANSI.sub("", app.warning.getvalue()), app.status.getvalue())


def location_of(built: Built, record: logging.LogRecord) -> str | None:
    """The record's location as Sphinx prints it, relative to the source directory."""
    location = getattr(record, "location", None)
    if isinstance(location, tuple):
        docname, lineno = location
        location = f"{built.app.env.doc2path(docname)}:{lineno}" if docname else None
    elif location is not None and not isinstance(location, str):
        location = get_node_location(location)
    if location is None:
        return None
    return str(location).replace(str(built.app.srcdir) + os.sep, "")


#: docutils' or MyST's error for a directive it drops: bad options, content where none is allowed
DROPPED = re.compile(r"""Error in "([^"]+)" directive|'([^']+)': .*\[myst\.directive_parse\]""")
LOCATED = re.compile(r"(?P<path>[^\s:][^:]*):(?P<line>[0-9]+)\Z")
TYPED = re.compile(r" \[[\w-]+(\.[\w-]+)?\]\Z")

#: Sphinx's and docutils' own warnings, by kind, over every example (printed at the end)
OTHER_WARNINGS: Counter[str] = Counter()
#: sphinx-spec's warnings by subtype, over every example (printed at the end)
SPEC_WARNINGS: Counter[str] = Counter()
TIMES: list[float] = []


def warning_kind(message: str) -> str:
    """A warning's message without its specifics, to count warnings by kind."""
    message = message.split("\n")[0]
    typed = TYPED.search(message)
    message = re.sub(r"'[^']*'|\"[^\"]*\"|“[^”]*”|`[^`]*`", "…", message)
    message = re.sub(r"[0-9]+", "N", message)
    return message[:90] + (typed.group(0) if typed and typed.group(0) not in message else "")


def check_warnings(built: Built, files: dict[str, str]) -> None:
    """(b): sphinx-spec's warnings are typed and located in a generated file."""
    for record in built.records:
        if record.levelno < logging.WARNING:
            continue
        message = logging.LogRecord.getMessage(record)
        if not record.name.startswith("sphinx.sphinx_spec"):
            OTHER_WARNINGS[warning_kind(message)] += 1
            continue
        SPEC_WARNINGS[str(getattr(record, "subtype", ""))] += 1
        where = location_of(built, record)
        assert getattr(record, "type", None) == "spec", f"untyped sphinx-spec warning: {message}"
        assert getattr(record, "subtype", None), f"sphinx-spec warning without subtype: {message}"
        assert where is not None, f"sphinx-spec warning without location: {message}"
        located = LOCATED.match(where)
        assert located, f"sphinx-spec warning not at file:line ({where!r}): {message}"
        path, line = located["path"], int(located["line"])
        assert path in files, f"sphinx-spec warning at {where}, not a generated file: {message}"
        lines = max(files[path].count("\n"), len(files[path].splitlines()))
        assert 1 <= line <= lines + 1, f"line {line} of {path} ({lines} lines): {message}"
        named = re.match(r"([a-z-]+): ", message)
        # MyST counts the lines of nested content as str.splitlines does, but those of
        # the document only at newlines (its own warnings shift too): there, other line
        # breaks leave lines uncertain
        mixed = path.endswith(".md") and any(c in files[path] for c in LINE_BREAKS)
        if named and named[1] in DIRECTIVES and not mixed:
            # a directive's own warning is at its first line; docutils turns \v and \f
            # into spaces, then splits lines as str.splitlines does
            text = files[path]
            if path.endswith(".rst"):
                text = text.translate({ord("\v"): " ", ord("\f"): " "}).splitlines()
            else:
                text = text.split("\n")
            # MyST-Parser before 5 numbers the lines of an included Markdown file from 2
            # (its own warnings are off too)
            shift = 1 if MYST_MAJOR < 5 and path.startswith("parts/") and "md" in path else 0
            written = text[line - 1 - shift] if line - shift <= len(text) else ""
            markers = (f".. {named[1]}::", f"{{{named[1]}}}")
            assert any(m in written for m in markers), (
                f"{where}: {message}, but the line is {written!r}"
            )
    # as printed: every line that ends [spec.<subtype>] starts with file:line: WARNING:
    src = str(built.app.srcdir) + os.sep
    for line in built.warnings.replace(src, "").split("\n"):
        if re.search(r"\[spec\.[\w-]+\]\Z", line):
            printed = re.match(r"(?P<where>\S[^:]*:[0-9]+): (WARNING|ERROR): ", line)
            assert printed and printed["where"].rsplit(":", 1)[0] in files, line
    # a sphinx-spec directive warns and renders: docutils or MyST never drops it over its
    # options or content (MyST's errors in the syntax of an option block aside)
    lines = built.warnings.replace(src, "").split("\n")
    for n, line in enumerate(lines):
        dropped = DROPPED.search(line)
        assert not (dropped and (dropped[1] or dropped[2]) in DIRECTIVES), lines[n : n + 3]
    for text in (built.warnings, built.status):
        for crash in ("Exception occurred", "Extension error", "Traceback (most recent"):
            assert crash not in text, text


JAVASCRIPT_URL = re.compile(r"""(href|src|action)=["']\s*javascript:""", re.IGNORECASE)
ID_ATTRIBUTE = re.compile(r"""<[a-zA-Z][^<>]*?\sid=["']([^"']*)["']""")
TOKEN = re.compile(r"(?<![0-9])7[0-9]{6}(?![0-9])")


def parsed_as_raw(doctree: nodes.document) -> set[str]:
    """Payload tokens that the document's parser itself turned into raw HTML or a link.

    MyST passes HTML in Markdown prose through (as ``raw`` nodes), and decodes
    entities there: such payloads reach the page unescaped on purpose. A raw node
    takes its tokens along, and so do its neighbours (inline HTML is one node per
    tag, with the text between them). docutils links a ``javascript:`` URI written
    in reStructuredText prose. sphinx-spec itself makes neither.
    """
    tokens: set[str] = set()
    for raw in doctree.findall(nodes.raw):
        siblings = raw.parent.children if raw.parent is not None else [raw]
        at = next(n for n, child in enumerate(siblings) if child is raw)
        tokens.update(TOKEN.findall("".join(c.astext() for c in siblings[max(at - 1, 0) : at + 2])))
    decoded = doctree.astext()
    for kind in ("entity",):
        text, _marker = PAYLOADS[kind]
        for token in TOKEN.findall(decoded):
            if html.unescape(text.format(t=token)) in decoded:
                tokens.add(token)
    for reference in doctree.findall(nodes.reference):
        if reference.get("refuri", "").lower().startswith("javascript:"):
            tokens.update(TOKEN.findall(reference["refuri"]))
    return tokens


def unescaped(text: str, marker: str) -> Iterator[int]:
    """Where *marker* occurs in a way that matters: a tag anywhere, a quote inside a tag
    (in text, ``"`` is harmless, and Pygments leaves it as it is), an entity anywhere."""
    at = text.find(marker)
    while at >= 0:
        if marker.startswith(("<", "&")) or text.rfind("<", 0, at) > text.rfind(">", 0, at):
            yield at
        at = text.find(marker, at + 1)


def check_escaped(built: Built, markers: list[str]) -> None:
    """(c): no payload appears unescaped in an HTML page, unless its parser made it raw HTML.

    Also: no id is used twice on a page (anchors must be unique to be linked to).
    """
    outdir, doctrees = Path(built.app.outdir), Path(built.app.doctreedir)
    # project-wide: Sphinx copies section titles, raw HTML and all, into other pages' toctrees
    raw = set()
    for doctree in doctrees.rglob("*.doctree"):
        raw |= parsed_as_raw(pickle.loads(doctree.read_bytes()))
    for page in sorted(outdir.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        for marker in markers:
            for at in unescaped(text, marker):
                if TOKEN.search(marker)[0] in raw:
                    continue
                raise AssertionError(
                    f"{page.relative_to(outdir)} holds {marker!r} unescaped: "
                    f"{text[max(at - 300, 0) : at + 100]!r}"
                )
        ids = Counter(ID_ATTRIBUTE.findall(text))
        twice = sorted(anchor for anchor, count in ids.items() if count > 1)
        assert not twice, f"{page.relative_to(outdir)}: ids used more than once: {twice}"
        for found in JAVASCRIPT_URL.finditer(text):
            token = TOKEN.match(text, found.end() + len("alert("))
            context = text[max(found.start() - 200, 0) : found.end() + 20]
            assert token and token[0] in raw, f"{page.relative_to(outdir)}: {context!r}"


ANCHOR_TAG = re.compile(r"<a\s[^<>]*>")
#: links a writer makes for a reference, a toctree entry or a permalink (docutils' links to
#: its own error messages, which Sphinx does not show, are left alone)
LINK_CLASS = re.compile(r"""\sclass=["'](reference|headerlink)\b""")
HREF = re.compile(r"""\shref=["']([^"']*)["']""")


def check_links(built: Built, project: Project) -> None:
    """Every link inside the site lands on a page that exists, at an id that page has.

    Links to imported records (``spec-external``) lead to the other project. Objects
    inside ``only:: latex`` are collected for HTML too, their anchors are not there (a
    documented limit): such projects skip the anchors.
    """
    outdir = Path(built.app.outdir)
    pages = {
        page.relative_to(outdir).as_posix(): set(ID_ATTRIBUTE.findall(page.read_text("utf-8")))
        for page in outdir.rglob("*.html")
    }
    anchors = not any(d.name == "only" and d.arg == ("latex",) for d in directives(project))
    for name in pages:
        text = (outdir / name).read_text(encoding="utf-8")
        for tag in ANCHOR_TAG.findall(text):
            href = HREF.search(tag)
            if not href or "spec-external" in tag or not LINK_CLASS.search(tag):
                continue
            target = html.unescape(href[1])
            if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith("//"):
                continue
            path, _, fragment = target.partition("#")
            landing = (
                posixpath.normpath(posixpath.join(posixpath.dirname(name), path)) if path else name
            )
            if not landing.endswith(".html"):
                continue
            assert landing in pages, f"{name}: {tag} leads to a page that does not exist"
            if anchors and fragment:
                assert unquote(fragment) in pages[landing], (
                    f"{name}: {tag}: no such id in {landing}"
                )


def directives(node) -> Iterator[Directive]:
    """Every directive in *node* (a project, a document, a block, …)."""
    if isinstance(node, Directive):
        yield node
    if isinstance(node, tuple | list):
        for child in node:
            yield from directives(child)
    elif hasattr(node, "__dataclass_fields__"):
        for name in node.__dataclass_fields__:
            yield from directives(getattr(node, name))


def inventory_body(path: Path) -> bytes:
    data = path.read_bytes()
    header_end = 0
    for _ in range(4):
        header_end = data.index(b"\n", header_end) + 1
    return data[:header_end] + zlib.decompress(data[header_end:])


def outputs(outdir: Path) -> dict[str, bytes]:
    found = {str(p.relative_to(outdir)): p.read_bytes() for p in sorted(outdir.rglob("*.html"))}
    if (outdir / "spec.json").is_file():
        found["spec.json"] = (outdir / "spec.json").read_bytes()
    found["objects.inv"] = inventory_body(outdir / "objects.inv")
    return found


SCHEMA = json.loads(
    resources.files("sphinx_spec").joinpath("schema/spec.schema.json").read_text(encoding="utf-8")
)


def check_parallel(serial: Built, parallel: Built) -> None:
    """(d): ``-j 2`` writes what ``-j 1`` writes."""
    assert parallel.app.is_parallel_allowed("read") and parallel.app.is_parallel_allowed("write")
    one, two = outputs(Path(serial.app.outdir)), outputs(Path(parallel.app.outdir))
    assert sorted(two) == sorted(one)
    for name, content in one.items():
        assert two[name] == content, f"{name} differs between -j 1 and -j 2"
    if "spec.json" in one:
        jsonschema.validate(json.loads(one["spec.json"]), SCHEMA)
    one_warnings = Counter(serial.warnings.replace(str(serial.app.srcdir), "").split("\n"))
    two_warnings = Counter(parallel.warnings.replace(str(parallel.app.srcdir), "").split("\n"))
    assert one_warnings == two_warnings, (
        f"warnings only with -j 1: {list((one_warnings - two_warnings).elements())}; "
        f"only with -j 2: {list((two_warnings - one_warnings).elements())}"
    )


def show(files: dict[str, str]) -> str:
    return "\n".join(f"----- {name} -----\n{text}" for name, text in sorted(files.items()))


@pytest.fixture(scope="module", autouse=True)
def summary():
    yield
    if TIMES:
        print(
            f"\n{len(TIMES)} generated projects, built twice each: "
            f"{sum(TIMES):.1f} s, {sum(TIMES) / len(TIMES):.2f} s per example "
            f"(max {max(TIMES):.2f} s)"
        )
    if SPEC_WARNINGS:
        print("sphinx-spec's warnings by subtype:", dict(SPEC_WARNINGS.most_common()))
    if OTHER_WARNINGS:
        print("Sphinx's and docutils' own warnings in the generated projects:")
        for kind, count in OTHER_WARNINGS.most_common():
            print(f"  {count:5}  {kind}")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not RANDOMISE,
    database=None if not RANDOMISE else settings.default.database,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
        HealthCheck.large_base_example,
    ],
)
@given(project=projects())
def test_generated_projects_build_warn_escape_and_parallelise(project: Project, tmp_path: Path):
    started = time.perf_counter()
    check_project(project, tmp_path / "example")
    TIMES.append(time.perf_counter() - started)


def check_project(project: Project, work: Path, report=note) -> None:
    """Write *project* into *work* (emptied first), build it with -j 1 and -j 2, check (a)-(d).

    *report* receives the project's sources (Hypothesis prints them for a failing example).
    """
    shutil.rmtree(work, ignore_errors=True)
    writer = Writer()
    files = writer.project(project)
    report(show(files))
    srcdir = work / "src"
    for name, text in files.items():
        (srcdir / name).parent.mkdir(parents=True, exist_ok=True)
        (srcdir / name).write_text(text, encoding="utf-8")
    serial = build(srcdir, work / "j1", parallel=1)
    parallel = build(srcdir, work / "j2", parallel=2)
    check_warnings(serial, files)
    check_warnings(parallel, files)
    check_escaped(serial, writer.markers)
    check_escaped(parallel, writer.markers)
    check_links(serial, project)
    check_parallel(serial, parallel)


def test_known_failures_name_constructs():
    """A misspelt name in KNOWN_FAILURES would leave nothing out."""
    assert KNOWN_FAILURES <= CONSTRUCTS


def test_the_grammar_knows_every_directive_and_option():
    """The generator draws every directive and option the extension declares."""
    assert SpecDirective.option_spec.keys() == SPEC_GRAMMAR.keys()
    for kind in OBJECT_KINDS:
        assert (
            DIRECTIVE_CLASSES[kind.name].option_spec.keys() == OBJECT_GRAMMAR[kind.directive].keys()
        )
    assert set(VIEW_GRAMMAR) == set(VIEWS)
    for name, grammar in VIEW_GRAMMAR.items():
        assert set(grammar) == {*COMMON_OPTIONS, *EXTRA_OPTIONS.get(name, ())}
