"""The demo in the popular themes, light and dark, wide and narrow: legible and inside the page.

A copy of ``demo/`` is built once per theme (alabaster, furo, pydata-sphinx-theme,
sphinx-book-theme, sphinx-rtd-theme), served on 127.0.0.1 and opened in Debian's Chromium
(``/usr/bin/chromium``) through Playwright. For every theme, colour scheme and viewport width,
the spec page and the portfolio page are measured:

- every piece of text in spec cards, objects, badges and view tables has a WCAG contrast ratio
  of at least 4.5:1 against the background it is drawn on (the first non-transparent
  background up its ancestors, semi-transparent ones composed on top of it);
- the page does not scroll sideways, and spec cards, objects and views stay inside the text
  column (a wide table scrolls inside its own box);
- at 1280 px, every text of every spec diagram, flow diagram and spec graph, as Mermaid drew
  it and the page shows it (themes' filters included), has a contrast of at least 4.5:1
  against the colour around it, measured from a screenshot's pixels.

Dark mode is the browser's ``prefers-color-scheme: dark``, which furo ("auto") and the
pydata/book themes follow by default; a theme without a dark mode is also opened in a dark
browser, where it must stay light and legible. Mermaid is served with the site as ``make
demo`` does (requests that leave the host are aborted). Screenshots of every
page go to ``<build dir>/screenshots/`` and, when ``SPEC_SCREENSHOT_DIR`` is set, to its
``themes/`` folder, with ``summary.json``: the lowest ratio per theme, mode, width and page.

A missing browser, Playwright or theme skips these tests, and fails them under CI
(``tests/heavy.py``).
"""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from heavy import missing
from test_browser import (
    ALL_RENDERED_JS,
    DEMO,
    HOST,
    RENDER_TIMEOUT_MS,
    build_bundled,
    chromium,
    serving,
)

#: theme -> (its Python module, the colour schemes it has besides light)
THEMES = {
    "alabaster": ("alabaster", ()),
    "furo": ("furo", ("dark",)),
    "pydata_sphinx_theme": ("pydata_sphinx_theme", ("dark",)),
    "sphinx_book_theme": ("sphinx_book_theme", ("dark",)),
    "sphinx_rtd_theme": ("sphinx_rtd_theme", ()),
}
#: mode -> the browser's ``prefers-color-scheme``; "os-dark" is a light-only theme in a dark
#: browser, which must look like "light"
MODES = {"light": "light", "dark": "dark", "os-dark": "dark"}
WIDTHS = (1280, 420)
HEIGHT = 900
PAGES = ("specs/payment-retries.html", "portfolio.html")

MIN_CONTRAST = 4.5
#: scrollWidth and rectangles are rounded by the browser
TOLERANCE_PX = 1
NAVIGATION_TIMEOUT_MS = 30_000
SERVER_STOP_TIMEOUT_S = 10

#: what is measured: text inside these, named by the first category its element matches
MEASURE_JS = r"""({categories, skip, tolerance}) => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext('2d', {willReadFrequently: true});
    const rgba = (css) => {
        // any CSS colour (rgb(), color(srgb …), oklch(), …) as sRGB bytes and alpha 0..1
        ctx.clearRect(0, 0, 1, 1);
        ctx.fillStyle = '#000';
        ctx.fillStyle = css;
        ctx.fillRect(0, 0, 1, 1);
        const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
        return a ? [r * 255 / a, g * 255 / a, b * 255 / a, a / 255] : [0, 0, 0, 0];
    };
    const over = (top, bottom) => {
        const a = top[3] + bottom[3] * (1 - top[3]);
        if (!a) return [0, 0, 0, 0];
        const mix = (i) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a;
        return [mix(0), mix(1), mix(2), a];
    };
    const background = (el) => {
        // the colours painted behind el, topmost first, down to the first opaque one
        const layers = [];
        for (let node = el; node; node = node.parentElement) {
            const colour = rgba(getComputedStyle(node).backgroundColor);
            if (colour[3] > 0) layers.push(colour);
            if (colour[3] >= 1) break;
        }
        // the canvas: the root's colour when it has one, else the browser's default (white)
        let result = [255, 255, 255, 1];
        for (const layer of layers.reverse()) result = over(layer, result);
        return result;
    };
    const luminance = ([r, g, b]) => {
        const lin = (c) => (c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const ratio = (a, b) => {
        const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
        return (hi + 0.05) / (lo + 0.05);
    };
    const describe = (el) => {
        const classes = [...el.classList].slice(0, 3).map((c) => '.' + c).join('');
        return el.tagName.toLowerCase() + classes;
    };
    const visible = (el) => {
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return style.visibility !== 'hidden' && style.display !== 'none'
            && box.width > 0 && box.height > 0 && Number(style.opacity) > 0;
    };
    const texts = [];
    const seen = new Set();
    for (const [category, selector] of categories) {
        for (const root of document.querySelectorAll(selector)) {
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const el = node.parentElement;
                if (!node.textContent.trim() || seen.has(el) || el.closest(skip)) continue;
                seen.add(el);
                if (!visible(el)) continue;
                const bg = background(el);
                const fg = over(rgba(getComputedStyle(el).color), bg);
                texts.push({
                    category,
                    element: describe(el),
                    text: node.textContent.trim().slice(0, 40),
                    ratio: ratio(fg, bg),
                    color: getComputedStyle(el).color,
                    background: `rgb(${bg.slice(0, 3).map(Math.round).join(', ')})`,
                });
            }
        }
    }
    const root = document.documentElement;
    const page = rgba(getComputedStyle(document.body).backgroundColor);
    const outside = [];
    const column = (el) => {
        const parent = el.parentElement.getBoundingClientRect();
        const style = getComputedStyle(el.parentElement);
        return parent.right - parseFloat(style.paddingRight) - parseFloat(style.borderRightWidth);
    };
    for (const el of document.querySelectorAll(
            'div.spec-card, div.spec-object, div.spec-view-block')) {
        const right = el.getBoundingClientRect().right;
        if (right > column(el) + tolerance) {
            outside.push(`${describe(el)} ends at ${Math.round(right)} px, past its column `
                + `(${Math.round(column(el))} px)`);
        }
    }
    for (const inner of document.querySelectorAll(
            '.spec-card dl.field-list, .spec-object dl.field-list, div.spec-view-block table')) {
        const box = inner.closest('div.spec-card, div.spec-object, div.spec-view-block');
        const limit = box.getBoundingClientRect().right;
        const right = inner.getBoundingClientRect().right;
        let scrolls = false;  // the box, or a wrapper inside it (furo's, rtd's), scrolls
        for (let node = inner.parentElement; node && !scrolls; node = node.parentElement) {
            scrolls = ['auto', 'scroll'].includes(getComputedStyle(node).overflowX);
            if (node === box) break;
        }
        if (right > limit + tolerance && !scrolls) {
            outside.push(`${describe(inner)} ends at ${Math.round(right)} px, past its `
                + `${describe(box)} (${Math.round(limit)} px), and nothing between them scrolls`);
        }
    }
    // what sticks out: elements none of whose children do, and text (unwrapped <pre> lines)
    const past = (box) => box.right > root.clientWidth + tolerance;
    const wide = [...document.body.querySelectorAll('*')]
        .filter((el) => past(el.getBoundingClientRect()))
        .filter((el) => ![...el.children].some((c) => past(c.getBoundingClientRect())))
        .map((el) => `${describe(el)} (${Math.round(el.getBoundingClientRect().right)} px)`);
    const range = document.createRange();
    const lines = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = lines.nextNode(); node; node = lines.nextNode()) {
        range.selectNodeContents(node);
        const box = range.getBoundingClientRect();
        if (past(box) && node.textContent.trim()) {
            wide.push(`text in ${describe(node.parentElement)} (${Math.round(box.right)} px)`);
        }
    }
    return {
        texts,
        scrollWidth: root.scrollWidth,
        clientWidth: root.clientWidth,
        wide: [...new Set(wide)].slice(0, 6),
        outside,
        pageLuminance: luminance(over(page, [255, 255, 255, 1])),
    };
}"""

#: category -> what it covers; text is named by the first category whose elements hold it
CATEGORIES = [
    ("badge", ".spec-badge"),
    ("card title", ".spec-card-title"),
    ("object title", ".spec-object-title"),
    ("view header", "table.spec-view thead"),
    ("view cell", "table.spec-view tbody"),
    ("view summary", "div.spec-view-block p"),
    ("card text", "div.spec-card"),
    ("object text", "div.spec-object"),
]
#: not measured as text: diagrams (measured from their pixels, DIAGRAM_CONTRAST_JS)
SKIP = "pre.mermaid, div.spec-diagram pre, svg"
#: the drawings of spec diagrams, flows and the spec graph, as Mermaid drew them
DIAGRAMS = ", ".join(
    f"div.{kind} pre.mermaid > svg" for kind in ("spec-diagram", "spec-flow", "spec-graph")
)
#: diagrams are measured at this width only: their colours do not depend on it
DIAGRAM_WIDTH = 1280
#: a text of a drawing is legible when the share of its marks (pixels that differ from the
#: background around it: the glyphs, with their anti-aliased edges) drawn darkest or lightest
#: reaches MIN_CONTRAST; the glyphs' cores are well over this share of them
GLYPH_SHARE = 0.1

#: hides what stays in view when the page scrolls (a theme's sticky header), so that it is
#: not in a screenshot of a drawing scrolled under it; the layout does not change
HIDE_STUCK_JS = """() => {
    for (const el of document.querySelectorAll('body *')) {
        const position = getComputedStyle(el).position;
        if (position === 'fixed' || position === 'sticky') el.style.visibility = 'hidden';
    }
}"""

#: puts an element at the top of the window at once (furo scrolls smoothly otherwise)
SCROLL_TO_TOP_JS = "(el) => el.scrollIntoView({block: 'start', behavior: 'instant'})"

#: the boxes of a drawing's texts (SVG text, and HTML labels in a foreignObject), relative
#: to the drawing; only those wholly in view (a wide flow diagram scrolls in its box)
TEXT_BOXES_JS = """(svg) => {
    const origin = svg.getBoundingClientRect();
    const box = svg.closest('pre') ? svg.closest('pre').getBoundingClientRect() : origin;
    const inView = (r) => r.left >= box.left - 1 && r.right <= box.right + 1
        && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
    const ownText = (el) => [...el.childNodes]
        .some((node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim());
    return [...svg.querySelectorAll('*')].filter(ownText).map((el) => {
        const r = el.getBoundingClientRect();
        return {text: el.textContent.trim().slice(0, 40), rect: r};
    }).filter(({rect}) => rect.width >= 1 && rect.height >= 1 && inView(rect))
      .map(({text, rect}) => ({text, x: rect.x - origin.x, y: rect.y - origin.y,
                               width: rect.width, height: rect.height}));
}"""

#: each text's contrast in a screenshot of its drawing (PNG, base64), as the reader sees it,
#: filters included: in the text's box, its most frequent colour is the background, and the
#: ratio its strongest GLYPH_SHARE of other pixels reach is the text's contrast
DIAGRAM_CONTRAST_JS = r"""async ({png, texts, share}) => {
    const image = new Image();
    image.src = 'data:image/png;base64,' + png;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const ctx = canvas.getContext('2d', {willReadFrequently: true});
    ctx.drawImage(image, 0, 0);
    const scale = window.devicePixelRatio;
    const luminance = (key) => {
        const lin = (c) => (c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        return 0.2126 * lin((key >> 16) & 255) + 0.7152 * lin((key >> 8) & 255)
            + 0.0722 * lin(key & 255);
    };
    const hex = (key) => '#' + key.toString(16).padStart(6, '0');
    return texts.map((box) => {
        const x = Math.max(0, Math.floor(box.x * scale));
        const y = Math.max(0, Math.floor(box.y * scale));
        // the capture's size is rounded down: a text on its edge may lose a pixel row
        const w = Math.min(image.width - x, Math.ceil(box.width * scale));
        const h = Math.min(image.height - y, Math.ceil(box.height * scale));
        if (w < box.width * scale - 2 || h < box.height * scale - 2) {
            return {text: box.text, ratio: 0, background: '', color: 'outside the capture'};
        }
        const data = ctx.getImageData(x, y, w, h).data;
        const counts = new Map();
        for (let i = 0; i < data.length; i += 4) {
            const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
            counts.set(key, (counts.get(key) || 0) + 1);
        }
        let background = 0, most = -1;
        for (const [key, n] of counts) if (n > most) [background, most] = [key, n];
        const base = luminance(background);
        const marks = [];
        let total = 0;
        for (const [key, n] of counts) {
            if (key === background) continue;
            const l = luminance(key);
            marks.push([(Math.max(l, base) + 0.05) / (Math.min(l, base) + 0.05), n, key]);
            total += n;
        }
        marks.sort((a, b) => b[0] - a[0]);
        let seen = 0;
        for (const [ratio, n, key] of marks) {
            seen += n;
            if (seen >= total * share) {
                return {text: box.text, ratio, background: hex(background), color: hex(key)};
            }
        }
        return {text: box.text, ratio: 1, background: hex(background), color: ''};
    });
}"""


# -- the sites ------------------------------------------------------------------------------


def theme_installed(theme: str) -> None:
    module = THEMES[theme][0]
    if importlib.util.find_spec(module) is None:
        missing(f"the {theme} theme is not installed: pip install -e '.[test]'")


def overrides(theme: str) -> dict[str, str]:
    """The theme, and a title that fits pydata's navbar on a phone: its default, "sphinx-spec
    demo 1.0 documentation", is wider than 420 px there whatever sphinx-spec does."""
    return {"html_theme": theme, "html_title": "sphinx-spec demo"}


def build(theme: str, root: Path) -> Path:
    """The demo built to HTML with *theme*, Mermaid served with it as ``make demo`` does;
    the output directory."""
    return build_bundled(DEMO, root, **overrides(theme))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Serve a theme's build on 127.0.0.1: ``served(theme) -> (outdir, url)``; all stopped later."""
    with contextlib.ExitStack() as servers:

        def serve(theme: str) -> tuple[Path, str]:
            outdir = build(theme, tmp_path_factory.mktemp(f"theme-{theme}"))
            return outdir, servers.enter_context(serving(outdir))

        yield serve


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def summary(tmp_path_factory):
    """Lowest ratios and overflow per theme × mode × width × page, written when the module ends."""
    results: dict[str, dict] = {}
    yield results
    path = tmp_path_factory.getbasetemp() / "theme-summary.json"
    path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    copy_to = os.environ.get("SPEC_SCREENSHOT_DIR")
    if copy_to:
        target = Path(copy_to) / "themes"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / "summary.json")


# -- measuring ------------------------------------------------------------------------------


@dataclass
class View:
    """One page of one theme in one mode at one width, as measured."""

    theme: str
    mode: str
    width: int
    page: str
    measured: dict = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.theme}, {self.mode}, {self.width} px, {self.page}"

    @property
    def screenshot_name(self) -> str:
        page = Path(self.page).stem
        return f"{self.theme}-{self.mode}-{self.width}-{page}.png"

    def lowest(self) -> dict[str, float]:
        lowest: dict[str, float] = {}
        for text in self.measured["texts"]:
            category = text["category"]
            lowest[category] = round(min(lowest.get(category, 99.0), text["ratio"]), 2)
        for drawing in self.measured["diagrams"]:
            lowest["diagram"] = round(min(lowest.get("diagram", 99.0), drawing["ratio"]), 2)
        return lowest

    def problems(self) -> list[str]:
        failing: dict[tuple, list[dict]] = {}
        for text in self.measured["texts"]:
            if text["ratio"] < MIN_CONTRAST:
                key = (text["category"], text["element"], text["color"], text["background"])
                failing.setdefault(key, []).append(text)
        problems = [
            f"{self.where}: {category} {element} {texts[0]['text']!r} has a contrast of "
            f"{texts[0]['ratio']:.2f}:1 ({color} on {background})"
            + (f", and {len(texts) - 1} more like it" if len(texts) > 1 else "")
            for (category, element, color, background), texts in failing.items()
        ]
        scroll, client = self.measured["scrollWidth"], self.measured["clientWidth"]
        if scroll > client + TOLERANCE_PX:
            problems.append(
                f"{self.where}: the page scrolls sideways ({scroll} px wide in a {client} px "
                f"window; widest: {', '.join(self.measured['wide'])})"
            )
        problems += [f"{self.where}: {text}" for text in self.measured["outside"]]
        dark = self.measured["pageLuminance"] < 0.2
        if dark != (self.mode == "dark"):
            problems.append(
                f"{self.where}: the page background is {'dark' if dark else 'light'} "
                f"(relative luminance {self.measured['pageLuminance']:.2f})"
            )
        if not self.measured["texts"]:
            problems.append(f"{self.where}: no spec text found to measure")
        weak: dict[str, list[dict]] = {}
        for text in self.measured["diagrams"]:
            if text["ratio"] < MIN_CONTRAST:
                weak.setdefault(text["id"], []).append(text)
        problems += [
            f"{self.where}: diagram {name} text {texts[0]['text']!r} has a contrast of "
            f"{texts[0]['ratio']:.2f}:1 ({texts[0]['color']} on {texts[0]['background']})"
            + (f", and {len(texts) - 1} more texts" if len(texts) > 1 else "")
            for name, texts in weak.items()
        ]
        if self.width == DIAGRAM_WIDTH and not self.measured["diagrams"]:
            problems.append(f"{self.where}: no diagram found to measure")
        return problems


def only_local(route) -> None:
    if urlsplit(route.request.url).hostname == HOST:
        route.continue_()
    else:
        route.abort()


def measure(browser, url: str, view: View, screenshot_dir: Path) -> None:
    context = browser.new_context(
        viewport={"width": view.width, "height": HEIGHT},
        color_scheme=MODES[view.mode],
    )
    try:
        context.set_default_timeout(NAVIGATION_TIMEOUT_MS)
        context.route("**/*", only_local)
        page = context.new_page()
        page.goto(urljoin(url, view.page), wait_until="load")
        page.wait_for_function(ALL_RENDERED_JS, timeout=RENDER_TIMEOUT_MS)
        view.measured = page.evaluate(
            MEASURE_JS,
            {"categories": CATEGORIES, "skip": SKIP, "tolerance": TOLERANCE_PX},
        )
        page.screenshot(path=str(screenshot_dir / view.screenshot_name), full_page=True)
        view.measured["diagrams"] = []
        if view.width == DIAGRAM_WIDTH:
            page.evaluate(HIDE_STUCK_JS)
            drawings = page.query_selector_all(DIAGRAMS)
            # a window as tall as the tallest drawing, whose width (and so the layout of the
            # text column) stays: each drawing is then captured whole, in view
            tallest = max((drawing.bounding_box()["height"] for drawing in drawings), default=0)
            page.set_viewport_size({"width": view.width, "height": max(HEIGHT, int(tallest) + 200)})
            for drawing in drawings:
                drawing.evaluate(SCROLL_TO_TOP_JS)
                box = drawing.bounding_box()
                box["y"] = max(0.0, box["y"])
                png = base64.b64encode(page.screenshot(clip=box)).decode("ascii")
                boxes = drawing.evaluate(TEXT_BOXES_JS)
                texts = page.evaluate(
                    DIAGRAM_CONTRAST_JS, {"png": png, "texts": boxes, "share": GLYPH_SHARE}
                )
                name = drawing.get_attribute("id") or "(no id)"
                view.measured["diagrams"] += [dict(text, id=name) for text in texts]
    finally:
        context.close()


def save_screenshots(screenshot_dir: Path, theme: str) -> None:
    copy_to = os.environ.get("SPEC_SCREENSHOT_DIR")
    if copy_to:
        target = Path(copy_to) / "themes"
        target.mkdir(parents=True, exist_ok=True)
        for shot in screenshot_dir.glob(f"{theme}-*.png"):
            shutil.copy2(shot, target / shot.name)


# -- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_spec_pages_are_legible_and_fit_the_page(theme, served, browser, summary, capsys):
    theme_installed(theme)
    outdir, url = served(theme)
    screenshot_dir = outdir.parent / "screenshots"
    screenshot_dir.mkdir(parents=True, exist_ok=True)
    modes = ("light", *THEMES[theme][1]) if THEMES[theme][1] else ("light", "os-dark")
    problems = []
    lines = []
    for mode in modes:
        for width in WIDTHS:
            for page in PAGES:
                view = View(theme, mode, width, page)
                measure(browser, url, view, screenshot_dir)
                problems += view.problems()
                lowest = view.lowest()
                worst = min(lowest.values(), default=0.0)
                overflow = view.measured["scrollWidth"] - view.measured["clientWidth"]
                summary[view.screenshot_name[:-4]] = {
                    "lowest": lowest,
                    "overflow_px": overflow,
                    "outside": view.measured["outside"],
                }
                drawings = lowest.get("diagram")
                lines.append(
                    f"themes: {theme:20} {mode:7} {width:4} px {page:27} lowest {worst:5.2f}:1 "
                    f"({min(lowest, key=lowest.get, default='-')}), overflow {overflow} px, "
                    f"{len(view.measured['outside'])} outside"
                    + (f", diagrams {drawings:.2f}:1" if drawings else "")
                )
    save_screenshots(screenshot_dir, theme)
    with capsys.disabled():
        print("\n" + "\n".join(lines) + f"\nthemes: screenshots in {screenshot_dir}")
    assert not problems, "\n".join(problems)
