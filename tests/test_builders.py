"""Every builder builds the demo project (RST and MyST, every directive) without a warning.

Each builder runs once on its own copy of ``demo/``; the tests below read
what that build wrote.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from helpers import warnings_of
from sphinx.testing.util import SphinxTestApp

DEMO = Path(__file__).parent.parent / "demo"
BUILDERS = [
    "html",
    "dirhtml",
    "singlehtml",
    "epub",
    "latex",
    "text",
    "man",
    "texinfo",
    "xml",
    "json",
    "gettext",
]

#: the first keyword of every spec-diagram in the demo (RST and MyST)
DIAGRAM_KEYWORDS = ("sequenceDiagram", "stateDiagram", "classDiagram")


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """``build(name)``: the app that built a copy of the demo with *name*, built once."""
    built: dict[str, SphinxTestApp] = {}

    def make(name: str) -> SphinxTestApp:
        if name not in built:
            srcdir = tmp_path_factory.mktemp(name) / "demo"
            shutil.copytree(DEMO, srcdir, ignore=shutil.ignore_patterns("_build"))
            app = SphinxTestApp(
                name, srcdir=srcdir, builddir=srcdir.parent / "_build", warningiserror=True
            )
            try:
                app.build()
            finally:
                app.cleanup()
            built[name] = app
        return built[name]

    return make


def output(app: SphinxTestApp, pattern: str) -> str:
    """The text of every output file matching *pattern*, concatenated."""
    files = sorted(Path(app.outdir).rglob(pattern))
    assert files, f"{app.builder.name} wrote no {pattern}"
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", BUILDERS)
def test_builder_succeeds_without_warnings(build, name):
    app = build(name)
    assert warnings_of(app) == []
    assert app.statuscode == 0


# -- text -----------------------------------------------------------------------------


def test_text_shows_the_spec_card(build):
    page = squash(output(build("text"), "payment-retries.txt"))
    assert "Payment retries" in page
    assert "PAY-001" in page
    assert "Owners: alice, bob" in page


def test_text_shows_an_approach_with_its_decision(build):
    page = squash(output(build("text"), "payment-retries.txt"))
    assert "Retry state storage" in page
    # the decision's inline literal, as the text builder writes one
    decision = 'Persist every attempt in the payments Postgres database, keyed by "idempotency_key"'
    assert f"Decision: {decision}" in page


def test_text_shows_the_superseded_by_link(build):
    page = squash(output(build("text"), "legacy-retries.txt"))
    assert "Superseded by: PAY-001" in page


def test_text_shows_diagram_source(build):
    page = output(build("text"), "payment-retries.txt")
    assert "stateDiagram-v2" in page
    assert "Payment attempt states" in page


# -- latex ------------------------------------------------------------------------------


def verbatim_blocks(tex: str) -> list[str]:
    return re.findall(r"\\begin\{sphinxVerbatim\}.*?\\end\{sphinxVerbatim\}", tex, re.S)


@pytest.mark.parametrize("keyword", DIAGRAM_KEYWORDS)
def test_latex_shows_each_diagram_as_a_verbatim_block(build, keyword):
    tex = output(build("latex"), "*.tex")
    assert any(keyword in block for block in verbatim_blocks(tex))


def test_latex_captions_the_diagram_source(build):
    tex = output(build("latex"), "*.tex")
    assert re.search(r"\\sphinxSetupCaptionForVerbatim\{Payment attempt states\}", tex)


def test_latex_every_cross_reference_has_a_target_label(build):
    """A ``\\hyperref`` without its ``\\label`` is a dead link in the PDF."""
    tex = output(build("latex"), "*.tex")
    references = set(re.findall(r"\\hyperref\[\\detokenize\{([^}]*)\}\]", tex))
    labels = set(re.findall(r"\\label\{\\detokenize\{([^}]*)\}\}", tex))
    assert "specs/payment-retries:approach-pay-001-storage" in references
    assert sorted(references - labels) == []


def test_latex_has_no_mermaid_command(build):
    tex = output(build("latex"), "*.tex")
    assert "mermaid" not in tex.lower()


def test_texinfo_every_cross_reference_has_an_anchor(build):
    texi = output(build("texinfo"), "*.texi")
    references = set(re.findall(r"@ref\{([^,}]*)", texi))
    anchors = set(re.findall(r"@anchor\{([^}]*)\}", texi))
    assert len(references) > 30
    assert sorted(references - anchors) == []


# -- HTML family: every internal link lands on an element --------------------------------


def dangling_links(outdir: Path, suffix: str) -> tuple[int, list[str]]:
    """``(internal links with an anchor, those whose page or anchor does not exist)``."""
    ids: dict[Path, set[str]] = {}
    checked, dangling = 0, []
    for page in sorted(outdir.rglob(f"*{suffix}")):
        for anchor in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select(
            "a.reference.internal"
        ):
            target, _, fragment = unquote(anchor.get("href", "")).partition("#")
            if not fragment:
                continue
            checked += 1
            path = (page.parent / target).resolve() if target else page
            path = path / f"index{suffix}" if path.is_dir() else path
            if path not in ids:
                soup = (
                    BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
                    if path.is_file()
                    else None
                )
                ids[path] = {tag["id"] for tag in soup.find_all(id=True)} if soup else set()
            if fragment not in ids[path]:
                dangling.append(f"{page.relative_to(outdir)} -> {anchor['href']}")
    return checked, dangling


@pytest.mark.parametrize(
    ("name", "suffix"), [("html", ".html"), ("dirhtml", ".html"), ("epub", ".xhtml")]
)
def test_every_internal_link_lands_on_an_element(build, name, suffix):
    checked, dangling = dangling_links(Path(build(name).outdir), suffix)
    assert checked > 40
    assert dangling == []


# -- man, texinfo -------------------------------------------------------------------------


def test_man_page_contains_a_spec_title(build):
    page = output(build("man"), "*.1")
    assert "Payment retries" in page
    assert "Session tokens" in page


def test_texinfo_file_contains_a_spec_title(build):
    texi = output(build("texinfo"), "*.texi")
    assert "Payment retries" in texi
    assert "Session tokens" in texi


@pytest.mark.parametrize("name", ["man", "texinfo"])
def test_non_html_output_shows_diagram_source(build, name):
    text = output(build(name), "*.1" if name == "man" else "*.texi")
    assert "classDiagram" in text


# -- e-book and XML: Mermaid degrades to a literal block --------------------------------------


def test_epub_shows_diagram_source_not_a_mermaid_block(build):
    xhtml = output(build("epub"), "payment-retries.xhtml")
    assert "stateDiagram-v2" in xhtml
    assert 'class="mermaid"' not in xhtml


def test_latex_carries_no_spec_classes(build):
    tex = output(build("latex"), "*.tex")
    assert "Decision" in tex
    assert "sphinxuseclass" not in tex


def test_xml_carries_no_spec_classes(build):
    xml = output(build("xml"), "payment-retries.xml")
    assert "<field_list" in xml
    classes = re.findall(r'classes="([^"]*)"', xml)
    assert classes
    assert [c for c in classes if "spec-" in c] == []


def test_html_keeps_spec_classes(build):
    page = (Path(build("html").outdir) / "specs" / "payment-retries.html").read_text()
    assert 'class="spec-card' in page


def test_xml_has_no_mermaid_node(build):
    xml = output(build("xml"), "payment-retries.xml")
    assert "<mermaid" not in xml
    assert re.search(r"<literal_block[^>]*>\s*stateDiagram-v2", xml)


# -- gettext, json ------------------------------------------------------------------------


def test_gettext_extracts_the_prose_inside_spec_directives(build):
    catalogs = squash(output(build("gettext"), "*.pot"))
    assert 'msgid "Retry transient payment failures automatically' in catalogs
    assert 'msgid "A client-supplied token, unique per checkout' in catalogs


def test_json_page_body_contains_the_card(build):
    body = output(build("json"), "payment-retries.fjson")
    assert "spec-card" in body
    assert "PAY-001" in body
