"""sphinx-spec and sphinx-needs in one project, in either extension order.

Two setups of ``tests/roots/test-needs``: sphinx-needs' default need types,
whose ``spec`` type replaces our ``spec`` directive (the specs are written as
``spec:spec``, and one ``spec.config`` warning says so), and ``needs_types``
without ``spec``, where ``.. spec::`` is ours again. In both, our specs and
its needs are collected, and every link of every page lands.

Runs in the ``needs`` tox environment, the one with sphinx-needs installed.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from heavy import missing
from helpers import build, located, text_of, warnings_of
from linking import landing, link, split_href

ROOT = Path(__file__).parent / "roots" / "test-needs"
ORDERS = {
    "spec-first": ["myst_parser", "sphinx_spec", "sphinx_needs"],
    "needs-first": ["myst_parser", "sphinx_needs", "sphinx_spec"],
}
#: need types without ``spec``: sphinx-needs leaves our ``spec`` directive alone
WITHOUT_SPEC = [
    {"directive": "req", "title": "Requirement", "prefix": "R_"},
    {"directive": "impl", "title": "Implementation", "prefix": "I_"},
]
SETUPS = {
    "default-types": {"exclude_patterns": ["_build", "plain-spec.rst"]},
    "types-without-spec": {
        "needs_types": WITHOUT_SPEC,
        "exclude_patterns": ["_build", "need-typed-spec.rst"],
    },
}
REPLACED = (
    "another extension replaced sphinx-spec's directive 'spec' with "
    "sphinx_needs.directives.need.NeedDirective: no spec object is collected from "
    "'.. spec::' in this project; write '.. spec:spec::' (MyST '```{spec:spec}') instead, "
    "sphinx-spec's own directive under a name nothing else registers, "
    "or leave the need type 'spec' out of needs_types"
)


class Built(NamedTuple):
    setup: str
    outdir: Path
    warnings: list[str]
    replaced: list[str]


def needs_installed() -> None:
    try:
        import sphinx_needs  # noqa: F401
    except ImportError:
        missing("sphinx-needs is not installed: run `tox -e needs`")


def build_project(tmp: Path, setup: str, order: str, conf_extra: str = "") -> Built:
    srcdir = tmp / "src"
    shutil.copytree(ROOT, srcdir)
    if conf_extra:
        with (srcdir / "conf.py").open("a", encoding="utf-8") as conf:
            conf.write(conf_extra)
    overrides = {**SETUPS[setup], "extensions": ORDERS[order]}
    app = build(srcdir, confoverrides=overrides)
    return Built(setup, Path(app.outdir), warnings_of(app), located(app, "config"))


@pytest.fixture(scope="module", params=[(s, o) for s in SETUPS for o in ORDERS], ids="-".join)
def built(request, tmp_path_factory) -> Built:
    needs_installed()
    setup, order = request.param
    return build_project(tmp_path_factory.mktemp(f"{setup}-{order}"), setup, order)


def page(built: Built, name: str) -> BeautifulSoup:
    return BeautifulSoup((built.outdir / name).read_text(encoding="utf-8"), "html.parser")


def test_specs_are_collected(built: Built) -> None:
    specs = json.loads((built.outdir / "spec.json").read_text(encoding="utf-8"))["specs"]
    expected = {"PAY-001", "LED-001"} | (
        {"REF-001"} if built.setup == "types-without-spec" else set()
    )
    assert {spec["id"] for spec in specs} == expected


def test_spec_index_lists_them(built: Built) -> None:
    table = page(built, "overview.html").select_one("table.spec-view-spec-index")
    assert table is not None
    rows = [text_of(row.find("td")) for row in table.select("tbody tr")]
    expected = ["LED-001", "PAY-001"] + (["REF-001"] if built.setup == "types-without-spec" else [])
    assert rows == expected


@pytest.mark.parametrize(
    ("label", "target", "title"),
    [
        ("pay", "payments.html#spec-pay-001", "Payment retries"),
        ("led", "ledger.html#spec-led-001", "Ledger entries"),
        ("goal", "ledger.html#goal-led-001-balanced", "Balanced books"),
        ("approach", "payments.html#approach-pay-001-storage", "Retry state storage"),
    ],
)
def test_spec_roles_land(built: Built, label: str, target: str, title: str) -> None:
    anchor = link(page(built, "overview.html"), label)
    assert anchor["href"] == target
    assert title in text_of(landing(built.outdir, *split_href(target)))


def test_needs_are_collected(built: Built) -> None:
    data = json.loads((built.outdir / "needs.json").read_text(encoding="utf-8"))
    needs = next(iter(data["versions"].values()))["needs"]
    expected = {"R_PAY_1", "R_LED_1"} | ({"SP_RETRY"} if built.setup == "default-types" else set())
    assert set(needs) == expected
    assert {needs[id]["type"] for id in expected} >= {"req"}
    if built.setup == "default-types":
        assert needs["SP_RETRY"]["type"] == "spec"


def test_needtable_and_need_role(built: Built) -> None:
    overview = page(built, "overview.html")
    table = overview.select_one("table.NEEDS_DATATABLES")
    assert table is not None
    rows = [text_of(row.find("td")) for row in table.select("tbody tr")]
    assert rows == ["R_LED_1", "R_PAY_1"] + (["SP_RETRY"] if built.setup == "default-types" else [])
    anchor = link(overview, "need")
    assert anchor["href"] == "payments.html#R_PAY_1"
    assert "Retries are idempotent" in text_of(landing(built.outdir, *split_href(anchor["href"])))


def test_replacement_is_one_located_warning(built: Built) -> None:
    if built.setup == "default-types":
        assert built.replaced == [f"conf.py:5: {REPLACED}"]
    else:
        assert built.replaced == []


def test_no_misleading_spec_warnings(built: Built) -> None:
    """No spec.orphan / spec.ref noise: the only spec warning is the one that names the fix."""
    spec_warnings = [line for line in built.warnings if re.search(r"\[spec\.\w+\]$", line)]
    assert len(spec_warnings) == len(built.replaced)


def test_every_internal_link_lands(built: Built) -> None:
    pages = {
        path.relative_to(built.outdir).as_posix(): page(built, path.relative_to(built.outdir))
        for path in built.outdir.rglob("*.html")
        if "_static" not in path.parts
    }
    ids = {name: [tag["id"] for tag in soup.find_all(id=True)] for name, soup in pages.items()}
    for name, found in ids.items():
        assert len(found) == len(set(found)), f"{name}: duplicate ids {duplicates(found)}"
    links = [(name, href) for name, soup in pages.items() for href in internal_hrefs(soup)]
    assert ("overview.html", "payments.html#spec-pay-001") in links
    assert ("overview.html", "payments.html#R_PAY_1") in links
    broken = [f"{name}: {href}" for name, href in links if not lands(name, href, ids, built.outdir)]
    assert broken == []


def duplicates(values: list[str]) -> list[str]:
    return sorted({value for value in values if values.count(value) > 1})


def internal_hrefs(soup: BeautifulSoup) -> list[str]:
    hrefs = [str(anchor["href"]) for anchor in soup.find_all("a", href=True)]
    return [href for href in hrefs if not urlsplit(href).scheme and not href.startswith("//")]


def lands(name: str, href: str, ids: dict[str, list[str]], outdir: Path) -> bool:
    """Whether *href*, written on page *name*, leads to an existing file and element."""
    parts = urlsplit(href)
    target = (outdir / name).parent / unquote(parts.path) if parts.path else outdir / name
    target = target.resolve()
    if not target.is_file() or not target.is_relative_to(outdir.resolve()):
        return False
    fragment = unquote(parts.fragment)
    key = target.relative_to(outdir.resolve()).as_posix()
    return not fragment or fragment in ids.get(key, [])


def test_warning_at_needs_types_when_conf_sets_it(tmp_path: Path) -> None:
    """Where ``conf.py`` declares the need types itself, the warning points at that line."""
    needs_installed()
    conf_extra = 'needs_types = [{"directive": "spec", "title": "Spec", "prefix": "S_"}]\n'
    built = build_project(tmp_path, "default-types", "spec-first", conf_extra)
    lines = (tmp_path / "src" / "conf.py").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("needs_types"))
    assert built.replaced == [f"conf.py:{line}: {REPLACED}"]
