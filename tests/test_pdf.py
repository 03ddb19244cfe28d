"""The LaTeX builder's output compiles to a PDF that shows the portfolio views.

These tests need a TeX installation and poppler; without them they skip, and
under CI they fail (``tests/heavy.py``), so that CI cannot pass without
having compiled a PDF.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest
from heavy import missing as missing_tool
from test_incremental import DEMO, build, copy_project

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
    """A compiled PDF: ``latexmk``'s exit status and output, the LaTeX log, the pages' text."""

    returncode: int
    output: str
    log: str
    path: Path
    pages: list[str]


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
    return Pdf(run.returncode, run.stdout + run.stderr, log, pdf, pdf_pages(pdf))


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of *pdf*, whitespace collapsed (empty if there is no PDF)."""
    if not pdf.exists():
        return []
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [" ".join(page.split()) for page in text.split("\f")]


def lines_with(log: str, pattern: str) -> list[str]:
    return [line for line in log.splitlines() if re.search(pattern, line, re.IGNORECASE)]


# -- the demo ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_pdf(tmp_path_factory) -> Pdf:
    return compile_pdf(copy_project(DEMO, tmp_path_factory.mktemp("pdf-demo") / "src"))


def portfolio_text(pdf: Pdf) -> str:
    """The text of the demo's portfolio chapter, from its introduction to the next chapter."""
    text = " ".join(pdf.pages)
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


def test_demo_latex_log_has_no_undefined_references(demo_pdf):
    assert lines_with(demo_pdf.log, r"undefined") == []


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
    assert cell in portfolio_text(demo_pdf)


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
