"""The demo in a real browser: every Mermaid diagram renders, nothing errs, nothing leaves the host.

A copy of ``demo/`` is built the way ``make demo`` builds it: Mermaid (and d3, which
sphinxcontrib-mermaid 1.0 loads on every diagram page) from the npm registry's packages,
which ``make mermaid`` installs into ``.cache/mermaid`` and tox passes on as
``SPEC_MERMAID_DIST`` and ``SPEC_D3_DIST``, copied into the demo's ``_static/mermaid/``,
where ``demo/conf.py`` finds the bundle and serves Mermaid from the site; no setting is
overridden. The site is served on 127.0.0.1 by the handler of ``make serve``
(``demo/serve.py``) and opened in Debian's Chromium (``/usr/bin/chromium``) through
Playwright; no browser is downloaded. Every page whose
HTML has a ``pre.mermaid`` is opened; full-page screenshots of the spec page and the
portfolio page go to ``<build dir>/screenshots/`` and, when ``SPEC_SCREENSHOT_DIR`` is
set (tox sets it), are copied there too.

A missing browser, Playwright or Mermaid bundle skips these tests, and fails them under CI
(``tests/heavy.py``).
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from importlib import metadata
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from heavy import missing
from packaging.version import Version
from sphinx.testing.util import SphinxTestApp

REPO = Path(__file__).parent.parent
DEMO = REPO / "demo"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOST = "127.0.0.1"

#: where the bundle lands in the built site, as absolute paths from the site's root: the one
#: ``mermaid_use_local`` value that sphinxcontrib-mermaid 1.0 (which uses the value verbatim,
#: also as an ES module specifier) and 2.x (which passes absolute paths through) both serve
#: on every page, at any depth
MERMAID_URL = "/_static/mermaid/mermaid.esm.min.mjs"
D3_URL = "/_static/mermaid/d3.min.js"

#: pages screenshotted in full, and the file names of their screenshots
SCREENSHOTS = {
    "specs/payment-retries.html": "payment-retries.png",
    "portfolio.html": "portfolio.png",
}
SPEC_GRAPH_PAGE = "portfolio.html"

RENDER_TIMEOUT_MS = 30_000
NAVIGATION_TIMEOUT_MS = 30_000
SERVER_STOP_TIMEOUT_S = 10

#: true once every ``pre.mermaid`` on the page holds the SVG Mermaid drew
ALL_RENDERED_JS = """() => [...document.querySelectorAll('pre.mermaid')].every(
    (el) => el.getAttribute('data-processed') === 'true' && el.querySelector(':scope > svg'))"""

#: what the page shows after rendering: diagrams, SVGs, and Mermaid's error diagrams
DIAGRAM_STATE_JS = """() => {
    const pres = [...document.querySelectorAll('pre.mermaid')];
    const svgs = pres.flatMap((el) => [...el.querySelectorAll(':scope > svg')]);
    const isError = (svg) => svg.getAttribute('aria-roledescription') === 'error'
        || (svg.textContent || '').includes('Syntax error');
    return {
        diagrams: pres.length,
        processed: pres.filter((el) => el.getAttribute('data-processed') === 'true').length,
        svgs: svgs.length,
        errorSvgs: svgs.filter(isError).map((svg) => svg.id || '(no id)'),
        errorElements: document.querySelectorAll('[aria-roledescription="error"]').length,
        syntaxErrorText: (document.body.innerText || '').includes('Syntax error'),
        unrendered: pres.filter((el) => !el.querySelector(':scope > svg'))
            .map((el) => (el.getAttribute('data-original-code') || el.textContent || '')
                .trim().slice(0, 80)),
        shapes: svgs.filter((svg) => svg.viewBox.baseVal && svg.viewBox.baseVal.width)
            .map((svg) => {
                const box = svg.getBoundingClientRect();
                const view = svg.viewBox.baseVal;
                return {id: svg.id, width: box.width, height: box.height,
                        viewWidth: view.width, viewHeight: view.height};
            }),
    };
}"""

#: how far a diagram's box may stray from its drawing's proportions before it counts as squeezed
ASPECT_TOLERANCE = 0.02


# -- prerequisites: skip, or fail under CI ------------------------------------------------------


def load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"demo_{path.stem}", path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bundle_dirs() -> tuple[Path, Path]:
    """The npm packages' ``dist`` folders of Mermaid and d3 (see ``heavy.missing``)."""
    default = REPO / ".cache" / "mermaid" / "node_modules" / "mermaid" / "dist"
    mermaid_dist = Path(os.environ.get("SPEC_MERMAID_DIST") or default)
    d3_dist = Path(os.environ.get("SPEC_D3_DIST") or mermaid_dist.parent.parent / "d3" / "dist")
    hint = "run `make mermaid` (npm install --prefix .cache/mermaid mermaid@11 d3@7)"
    if not (mermaid_dist / "mermaid.esm.min.mjs").is_file():
        missing(
            f"Mermaid bundle missing: no mermaid.esm.min.mjs in {mermaid_dist} "
            f"(SPEC_MERMAID_DIST); {hint}"
        )
    if not (d3_dist / "d3.min.js").is_file():
        missing(f"d3 bundle missing: no d3.min.js in {d3_dist} (SPEC_D3_DIST); {hint}")
    return mermaid_dist, d3_dist


def sync_playwright():
    """Playwright's sync API, when Playwright and Chromium are installed (see ``heavy.missing``)."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        missing(f"{CHROMIUM} is missing: install Debian's chromium (`make system-deps`)")
    try:
        from playwright.sync_api import sync_playwright as start
    except ImportError as error:
        missing(
            f"Playwright for Python is missing ({error}): pip install -e '.[test]' "
            "(never `playwright install`: the test drives /usr/bin/chromium)"
        )
    return start


# -- the site -------------------------------------------------------------------------------


@dataclass
class Site:
    builddir: Path
    outdir: Path
    #: page path relative to the output directory -> number of ``pre.mermaid`` in its HTML
    diagram_pages: dict[str, int]

    @property
    def screenshot_dir(self) -> Path:
        return self.builddir / "screenshots"


def bundle_into(static: Path, mermaid_dist: Path, d3_dist: Path) -> None:
    """Copy Mermaid's ESM bundle (the module and the chunks it imports) and d3 into *static*."""
    static.mkdir(parents=True)
    for name in ("mermaid.esm.min.mjs", "mermaid.esm.min.mjs.map"):
        if (mermaid_dist / name).is_file():
            shutil.copy2(mermaid_dist / name, static / name)
    chunks = mermaid_dist / "chunks" / "mermaid.esm.min"
    if not chunks.is_dir():
        missing(f"Mermaid bundle incomplete: {chunks} is missing")
    shutil.copytree(chunks, static / "chunks" / "mermaid.esm.min")
    shutil.copy2(d3_dist / "d3.min.js", static / "d3.min.js")


def pages_with_diagrams(outdir: Path) -> dict[str, int]:
    """Every built HTML page with a ``pre.mermaid``, found by reading the output."""
    pages = {}
    for path in sorted(outdir.rglob("*.html")):
        if "_static" in path.relative_to(outdir).parts:
            continue
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        count = len(soup.select("pre.mermaid"))
        if count:
            pages[path.relative_to(outdir).as_posix()] = count
    return pages


def offline_overrides() -> dict[str, object]:
    """Settings that make every diagram page load Mermaid and d3 from the site itself."""
    overrides: dict[str, object] = {
        "html_static_path": ["_static"],
        "mermaid_use_local": MERMAID_URL,
        "d3_use_local": D3_URL,
    }
    # sphinxcontrib-mermaid 1.x loads the ELK layouts from the CDN unless this version string
    # is empty; from 2.0 it is a flag, off by default.
    if Version(metadata.version("sphinxcontrib-mermaid")).major < 2:
        overrides["mermaid_include_elk"] = ""
    return overrides


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    """The demo as ``make demo`` builds it: Mermaid and d3 in ``_static/mermaid/``, where
    ``demo/conf.py`` finds them and serves Mermaid from the site; HTML with ``-W``."""
    mermaid_dist, d3_dist = bundle_dirs()
    root = tmp_path_factory.mktemp("browser")
    srcdir = root / "demo"
    shutil.copytree(DEMO, srcdir, ignore=shutil.ignore_patterns("_build", "_static"))
    bundle_into(srcdir / "_static" / "mermaid", mermaid_dist, d3_dist)
    app = SphinxTestApp("html", srcdir=srcdir, builddir=root / "_build", warningiserror=True)
    try:
        app.build()
    finally:
        app.cleanup()
    outdir = Path(app.outdir)
    return Site(root / "_build", outdir, pages_with_diagrams(outdir))


#: the server of ``make serve`` (``demo/serve.py``): ES modules as JavaScript, no favicon 404
Handler = load_module(DEMO / "serve.py").Handler


@contextlib.contextmanager
def serving(directory: Path) -> Iterator[str]:
    """*directory* on ``http://127.0.0.1:<free port>/`` until the block ends."""
    httpd = ThreadingHTTPServer((HOST, 0), functools.partial(Handler, directory=str(directory)))
    httpd.daemon_threads = True
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    )
    thread.start()
    try:
        yield f"http://{HOST}:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(SERVER_STOP_TIMEOUT_S)


def build_bundled(source: Path, root: Path, **overrides: object) -> Path:
    """A copy of the project *source* with Mermaid bundled and the offline settings (and
    *overrides*), built to HTML under *root*; the output directory."""
    mermaid_dist, d3_dist = bundle_dirs()
    srcdir = root / "src"
    shutil.copytree(source, srcdir, ignore=shutil.ignore_patterns("_build", "_static"))
    bundle_into(srcdir / "_static" / "mermaid", mermaid_dist, d3_dist)
    app = SphinxTestApp(
        "html",
        srcdir=srcdir,
        builddir=root / "_build",
        confoverrides={**offline_overrides(), **overrides},
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return Path(app.outdir)


@pytest.fixture(scope="module")
def server(site):
    """The built site on ``http://127.0.0.1:<free port>/``, stopped when the module ends."""
    with serving(site.outdir) as url:
        yield url


@contextlib.contextmanager
def chromium():
    """Debian's Chromium, headless, through Playwright, until the block ends."""
    start = sync_playwright()
    with start() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


# -- visiting pages -------------------------------------------------------------------------


@dataclass
class Visit:
    """What one page did in the browser."""

    page: str
    expected: int
    state: dict = field(default_factory=dict)
    timed_out: bool = False
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    screenshot: Path | None = None


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == HOST


class Tab:
    """A fresh browser page that records console errors, page errors and every request."""

    def __init__(self, browser, visit: Visit):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(NAVIGATION_TIMEOUT_MS)
        self.page = self.context.new_page()
        self.page.on(
            "console", lambda msg: msg.type == "error" and visit.console_errors.append(msg.text)
        )
        self.page.on("pageerror", lambda error: visit.page_errors.append(str(error)))
        self.page.on("request", lambda request: visit.requests.append(request.url))
        self.page.on(
            "requestfailed",
            lambda request: visit.failed.append(f"{request.url}: {request.failure}"),
        )
        self.page.on(
            "response",
            lambda response: (
                response.status >= 400
                and visit.failed.append(f"{response.url}: HTTP {response.status}")
            ),
        )

    def close(self):
        self.context.close()


def open_rendered(tab: Tab, url: str, visit: Visit) -> None:
    """Open *url* and wait until Mermaid has drawn every diagram (or the time is up)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    tab.page.goto(url, wait_until="load")
    try:
        tab.page.wait_for_function(ALL_RENDERED_JS, timeout=RENDER_TIMEOUT_MS)
    except PlaywrightTimeout:
        visit.timed_out = True
    visit.state = tab.page.evaluate(DIAGRAM_STATE_JS)


@pytest.fixture(scope="module")
def visits(site, server, browser) -> dict[str, Visit]:
    """Every page with a diagram, and the screenshot pages, opened once; screenshots saved."""
    site.screenshot_dir.mkdir(parents=True, exist_ok=True)
    pages = dict(site.diagram_pages)
    for page in SCREENSHOTS:
        pages.setdefault(page, 0)
    result = {}
    for page, expected in sorted(pages.items()):
        visit = Visit(page, expected)
        tab = Tab(browser, visit)
        try:
            open_rendered(tab, urljoin(server, page), visit)
            if page in SCREENSHOTS:
                visit.screenshot = site.screenshot_dir / SCREENSHOTS[page]
                tab.page.screenshot(path=str(visit.screenshot), full_page=True)
        finally:
            tab.close()
        result[page] = visit
    return result


# -- the tests ------------------------------------------------------------------------------


def test_browser_prerequisites_are_installed():
    """/usr/bin/chromium, Playwright for Python and the Mermaid and d3 bundles."""
    sync_playwright()
    bundle_dirs()


def test_the_demo_has_diagram_pages(site):
    assert site.diagram_pages, f"no page with a pre.mermaid in {site.outdir}"
    for page in SCREENSHOTS:
        assert (site.outdir / page).is_file(), page


def test_every_diagram_became_an_svg(visits):
    problems = []
    for visit in visits.values():
        state = visit.state
        if (
            visit.timed_out
            or state["svgs"] != visit.expected
            or state["diagrams"] != visit.expected
        ):
            problems.append(
                f"{visit.page}: {visit.expected} diagrams in the HTML, {state['diagrams']} on the "
                f"page, {state['processed']} processed, {state['svgs']} SVGs"
                + (f" after {RENDER_TIMEOUT_MS} ms" if visit.timed_out else "")
                + (f"; not drawn: {state['unrendered']}" if state["unrendered"] else "")
                + (f"; console errors: {visit.console_errors}" if visit.console_errors else "")
                + (f"; page errors: {visit.page_errors}" if visit.page_errors else "")
            )
    assert not problems, "\n".join(problems)


def test_no_diagram_is_a_mermaid_syntax_error(visits):
    problems = [
        f"{visit.page}: error SVGs {visit.state['errorSvgs']}, "
        f"{visit.state['errorElements']} aria-roledescription=error elements, "
        f"'Syntax error' on the page: {visit.state['syntaxErrorText']}"
        for visit in visits.values()
        if visit.state["errorSvgs"]
        or visit.state["errorElements"]
        or visit.state["syntaxErrorText"]
    ]
    assert not problems, "\n".join(problems)


def test_no_console_error_and_no_page_error(visits):
    problems = [
        f"{visit.page}: console errors {visit.console_errors}, page errors {visit.page_errors}, "
        f"failed requests {visit.failed}"
        for visit in visits.values()
        if visit.console_errors or visit.page_errors or visit.failed
    ]
    assert not problems, "\n".join(problems)


def test_every_request_stays_on_the_local_server(visits):
    outside = {
        visit.page: [url for url in visit.requests if not is_local(url)]
        for visit in visits.values()
    }
    outside = {page: urls for page, urls in outside.items() if urls}
    assert not outside, f"requests that left {HOST}: {outside}"
    for visit in visits.values():
        assert any(url.endswith(MERMAID_URL) for url in visit.requests) or not visit.expected, (
            f"{visit.page} did not load the bundled Mermaid ({MERMAID_URL}): {visit.requests}"
        )


def test_no_diagram_is_squeezed_into_a_box_of_other_proportions(visits):
    """Each diagram's box has its drawing's proportions: no fixed height shrinks a tall one."""
    problems = []
    for visit in visits.values():
        for shape in visit.state["shapes"]:
            drawn = shape["viewWidth"] / shape["viewHeight"]
            box = shape["width"] / shape["height"] if shape["height"] else float("inf")
            if abs(box - drawn) > ASPECT_TOLERANCE * drawn:
                problems.append(
                    f"{visit.page} {shape['id']}: a {shape['width']:.0f}x{shape['height']:.0f} px"
                    f" box for a {shape['viewWidth']:.0f}x{shape['viewHeight']:.0f} drawing"
                )
    assert sum(len(visit.state["shapes"]) for visit in visits.values()) > 3
    assert not problems, "\n".join(problems)


def test_screenshots_and_summary_are_saved(site, visits, capsys):
    shots = [visits[page].screenshot for page in SCREENSHOTS]
    for shot in shots:
        assert shot is not None and shot.is_file() and shot.stat().st_size > 0, shot
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", shot
    drawn = sum(visit.state["svgs"] for visit in visits.values())
    summary = {
        "diagrams_drawn": drawn,
        "pages": {
            visit.page: {"diagrams": visit.expected, "svgs": visit.state["svgs"]}
            for visit in visits.values()
        },
        "screenshots": [shot.name for shot in shots],
    }
    summary_path = site.screenshot_dir / "summary.json"
    summary_path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    lines = [f"browser test: {drawn} Mermaid diagrams drawn on {len(site.diagram_pages)} pages"]
    lines += [f"browser test: screenshot {shot}" for shot in shots]
    lines.append(f"browser test: summary {summary_path}")
    copy_to = os.environ.get("SPEC_SCREENSHOT_DIR")
    if copy_to:
        target = Path(copy_to)
        target.mkdir(parents=True, exist_ok=True)
        for path in [*shots, summary_path]:
            shutil.copy2(path, target / path.name)
        lines.append(f"browser test: copied to {target}")
    with capsys.disabled():
        print("\n" + "\n".join(lines))


# -- the spec graph ---------------------------------------------------------------------------

#: the graph's link list and the nodes Mermaid drew. A list entry names its Mermaid node by
#: ``data-spec-node="sN"`` on the link or by the class ``spec-graph-node-sN`` of its item;
#: a drawn node is a ``g.node`` whose id ends in ``flowchart-sN-<n>``, with the href of the
#: SVG ``a`` that sphinx-spec-graph.js wraps it in
SPEC_GRAPH_JS = """(graph) => ({
    listed: [...graph.querySelectorAll('ul.spec-graph-links a[href]')].map((link) => {
        const item = link.closest('li');
        const marker = item && /(?:^|\\s)spec-graph-node-(\\S+)/.exec(item.className);
        return {
            node: link.getAttribute('data-spec-node') || (marker && marker[1]) || null,
            href: link.getAttribute('href'),
            url: link.href,
        };
    }),
    drawn: [...graph.querySelectorAll('pre.mermaid svg g.node')].map((g) => {
        const anchor = g.closest('a');
        const href = anchor && (anchor.getAttribute('href')
            || anchor.getAttributeNS('http://www.w3.org/1999/xlink', 'href'));
        return {id: g.id, href: href || null};
    }),
})"""

#: true once Mermaid drew the graph and every node sits in an SVG ``a``
SPEC_GRAPH_WRAPPED_JS = """(graph) => {
    const nodes = [...graph.querySelectorAll('pre.mermaid svg g.node')];
    return nodes.length > 0 && nodes.every((g) => g.closest('a'));
}"""

DRAWN_NODE = re.compile(r"(?:^|-)flowchart-(?P<node>.+)-\d+$")


def check_spec_graph(page, base_url: str, where: str) -> list[str]:
    """The problems of every ``div.spec-graph`` on the open *page*, its nodes followed."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    problems = []
    targets = []
    graphs = page.query_selector_all("div.spec-graph")
    for number, graph in enumerate(graphs, 1):
        label = f"{where}, spec-graph {number}"
        if not graph.query_selector("pre.mermaid"):
            problems.append(f"{label}: no pre.mermaid")
        try:
            page.wait_for_function(SPEC_GRAPH_WRAPPED_JS, arg=graph, timeout=RENDER_TIMEOUT_MS)
        except PlaywrightTimeout:
            problems.append(f"{label}: nodes not wrapped in SVG links after {RENDER_TIMEOUT_MS} ms")
        found = graph.evaluate(SPEC_GRAPH_JS)
        drawn: dict[str, list[dict]] = {}
        for svg_node in found["drawn"]:
            match = DRAWN_NODE.search(svg_node["id"])
            if not match:
                problems.append(f"{label}: SVG node {svg_node['id']!r} names no flowchart node")
                continue
            drawn.setdefault(match["node"], []).append(svg_node)
        if not found["listed"]:
            problems.append(f"{label}: no links in ul.spec-graph-links")
        listed = {entry["node"] for entry in found["listed"]}
        for entry in found["listed"]:
            node = entry["node"]
            if not node:
                problems.append(f"{label}: the list link {entry['href']!r} names no node")
                continue
            if node not in drawn:
                problems.append(f"{label}: node {node} is not drawn (no g.node for it)")
            for svg_node in drawn.get(node, []):
                if svg_node["href"] != entry["href"]:
                    problems.append(
                        f"{label}: node {node} ({svg_node['id']}) links to {svg_node['href']!r}, "
                        f"its list entry to {entry['href']!r}"
                    )
            targets.append((node, entry["href"], entry["url"]))
        for node in sorted(set(drawn) - listed):
            problems.append(f"{label}: node {node} is drawn but has no entry in the link list")
    seen: dict[str, str] = {}
    for node, href, url in targets:
        if url in seen and seen[url] != node:
            problems.append(f"{where}: nodes {seen[url]} and {node} both link to {href}")
        seen.setdefault(url, node)
        fragment = unquote(urlsplit(url).fragment)
        if not url.startswith(base_url) or not fragment:
            problems.append(
                f"{where}: node {node} links to {href!r}, not to an anchor on this site"
            )
            continue
        response = page.goto(url, wait_until="load")
        if response is None or response.status != 200:
            status = response.status if response else "no response"
            problems.append(f"{where}: node {node} links to {href!r}: {status}")
        elif not page.evaluate("(id) => document.getElementById(id) !== null", fragment):
            problems.append(f"{where}: node {node} links to {href!r}, which has no #{fragment}")
    return problems


def test_spec_graph_nodes_link_to_their_specs(site, server, browser):
    html = (site.outdir / SPEC_GRAPH_PAGE).read_text(encoding="utf-8")
    if not BeautifulSoup(html, "html.parser").select("div.spec-graph"):
        pytest.fail(
            f"no spec-graph on {SPEC_GRAPH_PAGE} (no div.spec-graph in its HTML)", pytrace=False
        )
    visit = Visit(SPEC_GRAPH_PAGE, 0)
    tab = Tab(browser, visit)
    try:
        open_rendered(tab, urljoin(server, SPEC_GRAPH_PAGE), visit)
        problems = check_spec_graph(tab.page, server, SPEC_GRAPH_PAGE)
    finally:
        tab.close()
    problems += [f"console error: {text}" for text in visit.console_errors]
    problems += [f"page error: {text}" for text in visit.page_errors]
    problems += [f"request left {HOST}: {url}" for url in visit.requests if not is_local(url)]
    assert not problems, "\n".join(problems)


# -- flow diagram legibility ---------------------------------------------------------------

#: the smallest text a page shows, as a share of its body text: a flow's sequence diagram is
#: legible when none of its text renders smaller
SMALL_TEXT = 0.8

#: the body text's font size (the flow's first step), and every SVG text of the flow's diagram
#: with its rendered size: the computed font size times the scale the SVG is drawn at (from the
#: text's screen transformation matrix, which holds the viewBox scaling and every transform)
FLOW_TEXT_JS = """(flow) => {
    const step = flow.querySelector('ol.spec-flow-steps > li > p') || flow;
    const svg = flow.querySelector(':scope > pre.mermaid svg, :scope pre.mermaid svg');
    const texts = svg ? [...svg.querySelectorAll('text')] : [];
    const box = svg ? svg.getBoundingClientRect() : null;
    const pre = svg ? svg.closest('pre') : null;
    return {
        body: parseFloat(getComputedStyle(step).fontSize),
        svg: box && {width: box.width, height: box.height},
        scrolls: pre ? pre.scrollWidth > pre.clientWidth : false,
        pageOverflow: document.documentElement.scrollWidth > window.innerWidth,
        texts: texts.filter((text) => text.textContent.trim()).map((text) => {
            const ctm = text.getScreenCTM();
            const scale = ctm ? Math.hypot(ctm.a, ctm.b) : 0;
            return {
                text: text.textContent.trim().slice(0, 60),
                size: parseFloat(getComputedStyle(text).fontSize) * scale,
            };
        }),
    };
}"""


def longest_flow(site: Site) -> tuple[str, str, int]:
    """The page, anchor and step count of the demo's flow with a diagram and the most steps."""
    found = []
    for page in site.diagram_pages:
        soup = BeautifulSoup((site.outdir / page).read_text(encoding="utf-8"), "html.parser")
        for flow in soup.select("div.spec-flow"):
            target = flow.find("span", class_="target", id=True)
            if flow.select_one("pre.mermaid") and target:
                found.append((len(flow.select("ol.spec-flow-steps > li")), page, target["id"]))
    assert found, "no flow with a sequence diagram in the demo"
    steps, page, anchor = max(found)
    return page, anchor, steps


def measure_flow(browser, server: str, site: Site) -> tuple[dict, Visit]:
    page, anchor, steps = longest_flow(site)
    visit = Visit(page, 0)
    tab = Tab(browser, visit)
    try:
        open_rendered(tab, urljoin(server, page), visit)
        flow = tab.page.locator(f"div.spec-flow:has(> span[id='{anchor}'])")
        measured = flow.evaluate(FLOW_TEXT_JS)
        site.screenshot_dir.mkdir(parents=True, exist_ok=True)
        flow.screenshot(path=str(site.screenshot_dir / "longest-flow.png"))
    finally:
        tab.close()
    measured.update(page=page, anchor=anchor, steps=steps)
    return measured, visit


def test_the_longest_flows_sequence_diagram_is_legible(site, server, browser, capsys):
    """At 1280 px, no text of the demo's longest flow diagram is smaller than small print."""
    measured, visit = measure_flow(browser, server, site)
    assert not visit.timed_out, f"{measured['page']}: Mermaid did not finish drawing"
    assert measured["texts"], f"{measured['page']}#{measured['anchor']}: no text in the diagram"
    smallest = min(measured["texts"], key=lambda text: text["size"])
    floor = SMALL_TEXT * measured["body"]
    summary = (
        f"browser test: flow {measured['anchor']} ({measured['steps']} steps) on "
        f"{measured['page']}: smallest diagram text {smallest['size']:.1f} px "
        f"({smallest['text']!r}), body text {measured['body']:.1f} px, small text "
        f"{floor:.1f} px; diagram {measured['svg']['width']:.0f}x{measured['svg']['height']:.0f}"
        f" px{', scrolls in its box' if measured['scrolls'] else ''}"
    )
    (site.screenshot_dir / "longest-flow.json").write_text(
        json.dumps(measured, indent=2) + "\n", encoding="utf-8"
    )
    with capsys.disabled():
        print("\n" + summary)
    assert smallest["size"] >= floor, summary
    assert not measured["pageOverflow"], f"{summary}; the page scrolls sideways"


PARTICIPANTS_ROOT = REPO / "tests" / "roots" / "test-flow-participants"

#: each flow diagram's participant names as Mermaid drew them, left to right, each box once
DRAWN_PARTICIPANTS_JS = """() => [...document.querySelectorAll('div.spec-flow')].map((flow) => {
    const names = [...flow.querySelectorAll('pre.mermaid svg text.actor')]
        .sort((a, b) => a.getBoundingClientRect().x - b.getBoundingClientRect().x)
        .map((text) => text.textContent.trim());
    return {
        id: flow.querySelector(':scope > span[id]').id,
        names: names.filter((name, n) => names.indexOf(name) === n),
    };
})"""


@pytest.fixture(scope="module")
def participants_server(tmp_path_factory):
    """``tests/roots/test-flow-participants`` with Mermaid bundled, served on 127.0.0.1."""
    outdir = build_bundled(PARTICIPANTS_ROOT, tmp_path_factory.mktemp("participants"))
    with serving(outdir) as url:
        yield url


def test_participant_names_with_mermaid_syntax_are_drawn_as_written(participants_server, browser):
    """Keywords, quotes, brackets, entities and arrows in names: no syntax error, no garbage."""
    visit = Visit("bad.html", 4)
    tab = Tab(browser, visit)
    try:
        open_rendered(tab, urljoin(participants_server, "bad.html"), visit)
        drawn = {flow["id"]: flow["names"] for flow in tab.page.evaluate(DRAWN_PARTICIPANTS_JS)}
    finally:
        tab.close()
    assert not visit.timed_out and visit.state["svgs"] == 4, visit.state
    assert not visit.state["errorSvgs"] and not visit.state["syntaxErrorText"], visit.state
    assert drawn == {
        "flow-bad-001-repeats": ["Shopper", "Gateway", "Ledger"],
        "flow-bad-001-commas": ["Shopper", "System"],
        "flow-bad-001-syntax": [
            'Shopper; "admin" #1',
            "end",
            "alt",
            "participant",
            'Ops (on-call) <team> #2; 50% {x} [y] | `z` & "q"',
            "A->>B: hi",
        ],
        "flow-bad-001-lonely": ["Shopper", "System"],
    }
