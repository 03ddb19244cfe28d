"""The LaTeX builder's output compiles to a PDF that reads well and shows the portfolio views.

Each object's header starts its own line, the card is a two-column table,
views are long tables, and every link in the PDF lands on a label.

These tests need a TeX installation and poppler; without them they skip, and
under CI they fail (``tests/heavy.py``), so that CI cannot pass without
having compiled a PDF.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest
from heavy import missing as missing_tool
from test_incremental import DEMO, build, copy_project

from sphinx_spec.directives.objects import CONCESSION_LABELS
from sphinx_spec.model import KINDS

TOOLS = ("latexmk", "pdflatex", "pdftotext")
PACKAGES = (
    "texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended "
    "tex-gyre latexmk poppler-utils"
)


def require_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        missing_tool(
            f"the PDF tests need {', '.join(missing)}, which are not installed: "
            f"run `sudo apt-get install {PACKAGES}`"
        )


class Pdf(NamedTuple):
    """A compiled PDF: ``latexmk``'s exit status and output, the LaTeX log, the pages' text.

    ``lines`` is the text line by line as ``pdftotext`` reads it, ``layout`` the
    same with ``-layout`` (table rows stay on one line), ``tex`` the LaTeX source
    and ``export`` the ``spec.json`` the build wrote beside it.
    """

    returncode: int
    output: str
    log: str
    path: Path
    pages: list[str]
    lines: list[str]
    layout: str
    tex: str
    export: dict


def compile_pdf(srcdir: Path) -> Pdf:
    """Build *srcdir* with the latex builder and compile it with ``latexmk -pdf``."""
    require_tools()
    app = build(srcdir, "latex")
    latexdir = Path(app.outdir)
    name = Path(app.config.latex_documents[0][1]).stem
    run = subprocess.run(
        ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
        cwd=latexdir,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "LATEXOPTS": ""},
    )
    pdf = latexdir / f"{name}.pdf"
    log = (latexdir / f"{name}.log").read_text(encoding="latin-1")
    text = pdf_text(pdf)
    return Pdf(
        run.returncode,
        run.stdout + run.stderr,
        log,
        pdf,
        [" ".join(page.split()) for page in text.split("\f")] if text else [],
        [line.strip() for line in text.splitlines()],
        pdf_text(pdf, "-layout"),
        (latexdir / f"{name}.tex").read_text(encoding="utf-8"),
        json.loads((latexdir / "spec.json").read_text(encoding="utf-8")),
    )


def pdf_text(pdf: Path, *options: str) -> str:
    """The text of *pdf* as ``pdftotext`` extracts it, pages split by form feeds ("" if none)."""
    if not pdf.exists():
        return ""
    return subprocess.run(
        ["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def lines_with(log: str, pattern: str) -> list[str]:
    return [line for line in log.splitlines() if re.search(pattern, line, re.IGNORECASE)]


# -- the demo ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_pdf(tmp_path_factory) -> Pdf:
    return compile_pdf(copy_project(DEMO, tmp_path_factory.mktemp("pdf-demo") / "src"))


def portfolio_text(pdf: Pdf, layout: bool = False) -> str:
    """The words of the demo's portfolio chapter, from its introduction to the next chapter,
    in reading order or (*layout*) line by line as the page shows them."""
    text = " ".join((pdf.layout if layout else " ".join(pdf.pages)).split())
    start = text.find("Every view below is computed from all the specs")
    assert start >= 0, "the portfolio chapter is not in the PDF"
    end = text.find("CHAPTER", start)
    return text[start : end if end >= 0 else None]


def test_demo_compiles_to_a_pdf(demo_pdf):
    assert demo_pdf.returncode == 0, demo_pdf.output[-3000:]
    assert demo_pdf.path.exists()
    assert len(demo_pdf.pages) > 1


def test_demo_latex_log_has_no_errors(demo_pdf):
    assert lines_with(demo_pdf.log, r"^!") == []


#: what LaTeX, hyperref and pdfTeX log for a link without a target, or a target twice
UNRESOLVED = (
    r"undefined|multiply defined|destination with the same identifier"
    r"|has been referenced but does not exist"
)


def test_demo_latex_log_has_no_undefined_references(demo_pdf):
    assert lines_with(demo_pdf.log, UNRESOLVED) == []


def labels_and_links(tex: str) -> tuple[set[str], set[str]]:
    """The ``\\label`` names the LaTeX source defines, and the ones ``\\hyperref`` links to."""
    labels = set(re.findall(r"\\label\{\\detokenize\{([^}]*)\}\}", tex))
    links = set(re.findall(r"\\hyperref\[\\detokenize\{([^}]*)\}\]", tex))
    return labels, links


def test_demo_latex_every_internal_link_has_a_label(demo_pdf):
    labels, links = labels_and_links(demo_pdf.tex)
    spec_links = {link for link in links if re.search(r":(spec|approach|term|diagram)-", link)}
    assert spec_links, "the demo's LaTeX source has no links to specs or objects"
    assert sorted(links - labels) == []
    assert r"\sphinxhref{#" not in demo_pdf.tex  # an internal link written as a URL


# -- each object starts its own paragraph ------------------------------------------------------


def header_of(obj: dict, stale: frozenset[str] = frozenset()) -> tuple[str, str]:
    """How an object's header line starts (label and id), and the title that follows.

    *stale* holds the full ids of the approvals given on an earlier version. An object
    with a verification state shows it after the title, with its tests.
    """
    label = CONCESSION_LABELS.get(obj.get("category", ""), KINDS[obj["kind"]].label)
    # an approach not taken says so after its title
    marked = obj["kind"] == "approach" and obj["status"] in ("rejected", "deferred")
    title = f"{obj['title']} {obj['status']}" if marked else obj["title"]
    if obj["kind"] == "approval":  # its verdict, and whether it is for an earlier version
        title += " " + obj["verdict"].replace("-", " ")
        title += " stale" if obj["full_id"] in stale else ""
    found = obj.get("verification")  # the demo lists a test report: the state follows
    if found is not None:
        title += f" {found['state']}"
        names = list(dict.fromkeys(test["name"] for test in found["tests"]))
        failing = [t["name"] for t in found["tests"] if t["outcome"] in ("failed", "error")]
        if failing:
            title += " " + ", ".join(dict.fromkeys(failing))
        elif names:
            title += f" ({len(names)} test{'s' if len(names) != 1 else ''})"
    return f"{label} {obj['local_id']} ", title


def starts_own_line(lines: list[str], start: str, title: str) -> bool:
    """Whether a line is the header: *start*, the title (or its first line), nothing else."""
    title = typeset(title)
    return any(
        line.startswith(start) and title.startswith(line[len(start) :]) and line != start
        for line in map(typeset, lines)
    )


def typeset(text: str) -> str:
    """*text* with the curly quotes Sphinx's smart quotes put in the PDF made straight again."""
    return text.translate(str.maketrans("‘’“”", "''\"\""))


def glued_headers(pdf: Pdf) -> list[str]:
    """The objects whose header does not start a line of its own: ``Label id``."""
    stale = frozenset(
        f"{spec['id']}.{approval['approver']}"
        for spec in pdf.export["specs"]
        for approval in spec.get("approvals", ())
        if approval["state"] == "stale"
    )
    headers = (header_of(obj, stale) for obj in pdf.export["objects"])
    return [start for start, title in headers if not starts_own_line(pdf.lines, start, title)]


def test_demo_pdf_starts_each_object_on_its_own_line(demo_pdf):
    objects = demo_pdf.export["objects"]
    assert len({obj["kind"] for obj in objects}) == len(KINDS), "the demo lacks an object kind"
    assert glued_headers(demo_pdf) == []


def test_demo_latex_ends_the_paragraph_before_each_object(demo_pdf):
    anchors = [obj["anchor"] for obj in demo_pdf.export["objects"]]
    anchors += [spec["anchor"] for spec in demo_pdf.export["specs"]]
    for anchor in anchors:
        label = rf"\\phantomsection\\label\{{\\detokenize\{{[^:}}]*:{re.escape(anchor)}\}}\}}"
        assert re.search(r"\\par\n" + label, demo_pdf.tex), anchor


# -- the card is a compact table -------------------------------------------------------------


def card_rows(spec: dict) -> list[tuple[str, str]]:
    """The card rows whose values come straight from the spec's options."""
    rows = [
        ("Owners", ", ".join(spec["owners"])),
        ("Stakeholders", ", ".join(spec["stakeholders"])),
        ("Tags", ", ".join(spec["tags"])),
        ("Created", spec["created"]),
        ("Updated", spec["updated"]),
        ("Supersedes", ", ".join(spec["supersedes"])),
        ("Depends on", ", ".join(spec["depends_on"])),
        ("Superseded by", ", ".join(spec["superseded_by"])),
    ]
    return [(name, value) for name, value in rows if value]


def test_demo_pdf_shows_each_card_as_a_two_column_table(demo_pdf):
    specs = demo_pdf.export["specs"]
    assert len(specs) == len(list((DEMO / "specs").iterdir()))  # one spec per page
    for spec in specs:
        assert f"{spec['title']} {spec['id']} {spec['status']}" in demo_pdf.lines
        for name, value in card_rows(spec):
            row = rf"^ *{re.escape(name)} {{2,}}{re.escape(value)} *$"  # one line
            assert re.search(row, demo_pdf.layout, re.MULTILINE), (spec["id"], name, value)


def test_demo_latex_card_is_a_table_not_a_description_list(demo_pdf):
    cards = re.findall(r"\\begin\{tabular\}\[t\]\{\\X\{28\}\{100\}\\X\{72\}\{100\}\}", demo_pdf.tex)
    assert len(cards) == len(demo_pdf.export["specs"])


# -- views stay long tables ------------------------------------------------------------------

#: the demo's views that draw no table
NOT_TABLES = {"spec-graph"}


def test_demo_latex_views_are_long_tables(demo_pdf):
    source = (DEMO / "portfolio.rst").read_text(encoding="utf-8")
    views = [name for name in re.findall(r"^\.\. ([\w-]+)::", source, re.MULTILINE)]
    tables = [name for name in views if name not in NOT_TABLES]
    start = demo_pdf.tex.index(r"\chapter{Portfolio}")
    chapter = demo_pdf.tex[start : demo_pdf.tex.index(r"\chapter{", start + 1)]
    assert chapter.count(r"\begin{longtable}") >= len(tables) > 5
    assert re.findall(r"\\begin\{(tabular|tabulary)\}", chapter) == []


@pytest.mark.parametrize(
    "cell",
    [
        "Signed JWT",  # an approach's decision (trade-offs)
        "Stateless validation",  # its rationale
        "Non-goals",  # the goals view's list of non-goals
        "Retrying hard declines (PAY-001)",
        "Refresh token already spent",  # an error path's condition
        "1 open · 2 answered · 1 deferred · 0 blocking",  # open-questions summary
        "idem key, request key",  # a glossary term's aliases
        "Session tokens implemented",  # a spec-index row
    ],
)
def test_demo_pdf_shows_portfolio_view_cells(demo_pdf, cell):
    # a cell wrapped in its column reads whole in reading order; a justified one, whose
    # words stand far apart on one line, reads whole line by line
    assert cell in portfolio_text(demo_pdf) or cell in portfolio_text(demo_pdf, layout=True)


# -- a view longer than a page ---------------------------------------------------------------

APPROACHES = 80


def approach(n: int) -> str:
    return f"""
.. spec-approach:: Approach number {n}
   :id: a{n}
   :decision: Choice {n:02d}
   :rationale: A rationale long enough to wrap over two lines of its narrow column
   :impact: An impact that wraps in its column as well
"""


def write_long_project(srcdir: Path) -> Path:
    """One spec with many approaches in ``spec.rst``, their trade-off table in ``view.rst``."""
    srcdir.mkdir(parents=True)
    (srcdir / "conf.py").write_text('project = "long"\nextensions = ["sphinx_spec"]\n')
    (srcdir / "index.rst").write_text("Long\n====\n\n.. toctree::\n\n   spec\n   view\n")
    spec = "Spec\n====\n\n.. spec:: Long spec\n   :id: LONG-1\n"
    (srcdir / "spec.rst").write_text(spec + "".join(map(approach, range(1, APPROACHES + 1))))
    (srcdir / "view.rst").write_text("Every approach\n==============\n\n.. spec-tradeoffs::\n")
    return srcdir


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory) -> Pdf:
    return compile_pdf(write_long_project(tmp_path_factory.mktemp("pdf-long") / "src"))


def test_long_view_compiles_to_a_pdf(long_pdf):
    assert long_pdf.returncode == 0, long_pdf.output[-3000:]
    assert lines_with(long_pdf.log, r"^!|undefined") == []


def test_long_view_table_breaks_across_pages(long_pdf):
    continued = [
        n for n, page in enumerate(long_pdf.pages) if "continued from previous page" in page
    ]
    assert len(continued) >= 2, "the trade-off table does not span three pages or more"
    assert f"Choice {APPROACHES:02d}" in long_pdf.pages[continued[-1]]


# -- objects after text, in a list, in a note; a card in a table cell --------------------------

PLACES = {
    "index.rst": "Places\n======\n\n.. toctree::\n\n   spec\n   table\n",
    "spec.rst": """Objects after text
==================

A paragraph before the card that ends with a full stop.

.. spec:: After text
   :id: AFTER-1
   :owners: ann

   The card's own body, ending with a sentence.

.. spec-approach:: First approach
   :id: first
   :decision: Take the first way

   The first approach's body ends here.

.. spec-approach:: Second approach
   :id: second
   :decision: Take the second way

* A list item that ends with a sentence.

  .. spec-concession:: Listed risk
     :id: listed
     :kind: risk

     The risk's body ends here.

.. note::

   A note's first paragraph.

   .. open-question:: Noted question
      :id: noted

      The question's body.
""",
    "table.rst": """A card in a table
=================

.. list-table::

   * - Left cell
     - .. spec:: In a cell
          :id: CELL-9
          :owners: bo
""",
}


@pytest.fixture(scope="module")
def places_pdf(tmp_path_factory) -> Pdf:
    srcdir = tmp_path_factory.mktemp("pdf-places") / "src"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text('project = "places"\nextensions = ["sphinx_spec"]\n')
    for name, text in PLACES.items():
        (srcdir / name).write_text(text, encoding="utf-8")
    return compile_pdf(srcdir)


def test_objects_in_every_place_compile_with_every_link_resolved(places_pdf):
    assert places_pdf.returncode == 0, places_pdf.output[-3000:]
    assert lines_with(places_pdf.log, UNRESOLVED + "|^!") == []
    labels, links = labels_and_links(places_pdf.tex)
    assert sorted(links - labels) == []


def test_objects_after_text_in_a_list_or_a_note_start_their_own_line(places_pdf):
    objects = places_pdf.export["objects"]
    assert sorted(obj["local_id"] for obj in objects) == ["first", "listed", "noted", "second"]
    assert glued_headers(places_pdf) == []
    assert "After text AFTER-1 draft" in places_pdf.lines  # the card after a paragraph


def test_a_card_in_a_table_cell_keeps_its_fields_and_a_card_outside_is_a_table(places_pdf):
    assert re.search(r"^ *Owners {2,}ann *$", places_pdf.layout, re.MULTILINE)
    cell = places_pdf.tex[places_pdf.tex.index("In a cell") :]
    assert r"\begin{description}" in cell  # a description list, which LaTeX can put in a cell
    assert "bo" in places_pdf.lines


# -- long words in a view's narrow columns ------------------------------------------------------

LONG_WORDS = """Long words
==========

.. spec:: Node shutdown
   :id: KEP-2000
   :owners: bo

.. spec-approach:: Before=kubelet.service on scopes
   :id: ordering
   :status: rejected
   :decision: Order the pod scopes after the kubelet unit
   :impact: Kubelet may write /etc/systemd/logind.conf.d/kubelet.conf and SIGHUP logind
   :rationale: systemd-logind.service/InhibitDelayMaxSec=30s holds the shutdown

.. spec-tradeoffs::
"""


@pytest.fixture(scope="module")
def long_words_pdf(tmp_path_factory) -> Pdf:
    srcdir = tmp_path_factory.mktemp("pdf-long-words") / "src"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text('project = "words"\nextensions = ["sphinx_spec"]\n')
    (srcdir / "index.rst").write_text(LONG_WORDS, encoding="utf-8")
    return compile_pdf(srcdir)


def test_long_words_in_a_view_wrap_inside_their_column(long_words_pdf):
    """A path or ``a=b.c`` in a trade-off cell breaks after its separators: nothing is wider
    than its column (which would print over the next one) and every character is there."""
    assert long_words_pdf.returncode == 0, long_words_pdf.output[-3000:]
    assert lines_with(long_words_pdf.log, r"Overfull \\hbox") == []
    text = "".join("".join(long_words_pdf.pages).split())
    for word in ("/etc/systemd/logind.conf.d/kubelet.conf", "Before=kubelet.service"):
        assert word in text
    assert r"/\allowbreak{}etc/\allowbreak{}systemd/" in long_words_pdf.tex
