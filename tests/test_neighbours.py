"""Beside other extensions: ``spec:<name>`` aliases, and the warning when a directive is taken.

Without sphinx-needs (``tests/test_needs.py`` builds beside it): every
directive written as ``spec:<name>``, in reStructuredText and MyST, renders
and records exactly what the plain name does; an extension that registers
one of our names after ``setup()`` gets one located ``spec.config`` warning.
"""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup
from helpers import build, located, text_of, warnings_of

CONF = """\
project = "aliases"
extensions = [
    "myst_parser",
    "sphinx_spec",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
spec_today = "2025-01-01"
"""
SPEC_RST = """\
{title}
==========

.. {prefix}spec:: Payment retries
   :id: {id}
   :status: accepted
   :owners: alice
   :tags: payments

   Retry transient payment failures without charging twice.

.. {prefix}spec-goal:: Recover transient failures
   :id: recovery
   :metric: Share of failed payments recovered
   :target: 85 %

.. {prefix}spec-flow:: Checkout with retry
   :id: checkout

   1. Shopper triggers checkout.
   2. System validates the cart.

.. {prefix}error-path:: Payment token expired
   :flow: checkout
   :step: 2
   :action: Return 401
   :feedback: Ask the shopper to sign in again

.. {prefix}spec-goals::
   :spec: {id}
"""
SPEC_MD = """\
# {title}

```{{{prefix}spec}} Payment retries
:id: {id}
:status: accepted
:owners: alice
:tags: payments

Retry transient payment failures without charging twice.
```

```{{{prefix}spec-goal}} Recover transient failures
:id: recovery
:metric: Share of failed payments recovered
:target: 85 %
```

```{{{prefix}spec-flow}} Checkout with retry
:id: checkout

1. Shopper triggers checkout.
2. System validates the cart.
```

```{{{prefix}error-path}} Payment token expired
:flow: checkout
:step: 2
:action: Return 401
:feedback: Ask the shopper to sign in again
```

```{{{prefix}spec-goals}}
:spec: {id}
```
"""
#: document → (template, directive prefix, spec id); the same spec under both names
DOCUMENTS = {
    "plain.rst": (SPEC_RST, "", "PLAIN-001"),
    "alias.rst": (SPEC_RST, "spec:", "ALIAS-001"),
    "plain_md.md": (SPEC_MD, "", "PLAINMD-001"),
    "alias_md.md": (SPEC_MD, "spec:", "ALIASMD-001"),
}
TITLE = "Same spec"


def write_project(srcdir: Path, conf: str = CONF) -> None:
    srcdir.mkdir(parents=True)
    (srcdir / "conf.py").write_text(conf, encoding="utf-8")
    names = "\n".join(f"   {Path(name).stem}" for name in DOCUMENTS)
    (srcdir / "index.rst").write_text(f"Aliases\n=======\n\n.. toctree::\n\n{names}\n")
    for name, (template, prefix, spec_id) in DOCUMENTS.items():
        text = template.format(title=TITLE, prefix=prefix, id=spec_id)
        (srcdir / name).write_text(text, encoding="utf-8")


def body(outdir: Path, docname: str, spec_id: str) -> str:
    """The page's main content as HTML, with the spec's id written as SPEC."""
    soup = BeautifulSoup((outdir / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")
    main = soup.select_one("div.body") or soup.select_one("div[role=main]")
    assert main is not None
    return str(main).replace(spec_id, "SPEC").replace(spec_id.lower(), "spec")


def test_aliases_render_and_record_what_the_plain_names_do(tmp_path: Path) -> None:
    write_project(tmp_path / "src")
    app = build(tmp_path / "src")
    outdir = Path(app.outdir)
    assert [line for line in warnings_of(app) if "[spec." in line] == []
    plain = body(outdir, "plain", "PLAIN-001")
    assert "Recover transient failures" in plain and "Return 401" in plain
    assert body(outdir, "alias", "ALIAS-001") == plain
    assert body(outdir, "alias_md", "ALIASMD-001") == body(outdir, "plain_md", "PLAINMD-001")
    exported = json.loads((outdir / "spec.json").read_text(encoding="utf-8"))
    assert sorted(spec["id"] for spec in exported["specs"]) == sorted(
        spec_id for _, _, spec_id in DOCUMENTS.values()
    )
    kinds = {
        spec_id: sorted(o["kind"] for o in exported["objects"] if o["spec_id"] == spec_id)
        for _, _, spec_id in DOCUMENTS.values()
    }
    assert len({tuple(found) for found in kinds.values()}) == 1, kinds
    assert kinds["ALIAS-001"] == ["error", "flow", "goal"]


REPLACING_CONF = (
    CONF
    + """
from docutils.parsers.rst import Directive


class Banner(Directive):
    has_content = True

    def run(self):
        return []


def take_our_names(app, config):
    app.add_directive("spec-goal", Banner, override=True)
    app.add_directive("open-question", Banner, override=True)


def setup(app):
    app.connect("config-inited", take_our_names)
"""
)


def test_a_replaced_directive_is_one_located_warning(tmp_path: Path) -> None:
    write_project(tmp_path / "src", REPLACING_CONF)
    app = build(tmp_path / "src")
    found = located(app, "config")
    assert len(found) == 1, found
    line = CONF.splitlines().index("extensions = [") + 1
    assert found[0].startswith(f"conf.py:{line}: another extension replaced sphinx-spec's ")
    assert "directives 'open-question', 'spec-goal' with " in found[0]
    assert "'.. spec:open-question::', '.. spec:spec-goal::'" in found[0]
    assert "'```{spec:open-question}', '```{spec:spec-goal}'" in found[0]
    assert "needs_types" not in found[0]
    # the spec written with spec:spec-goal still has its goal
    soup = BeautifulSoup(
        (Path(app.outdir) / "alias.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert "Recover transient failures" in text_of(soup)
