"""Beside other extensions: each directive also as ``spec:<name>``; a warning when one is taken.

An extension that registers a directive under one of our names after our
``setup()`` replaces ours without a word of its own about what is lost:
sphinx-needs, for one, registers a directive per need type on
``config-inited``, and its default ``needs_types`` include ``spec``. Each of
our directives is therefore also registered in the ``spec`` domain
(``.. spec:spec::``, MyST ```` ```{spec:spec} ````), a name no other extension
registers; and once every extension's ``config-inited`` handlers have run,
one ``spec.config`` warning at ``conf.py`` names what was replaced, by what,
and the setup that works.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.parsers.rst import directives as rst_directives
from sphinx.application import Sphinx

from sphinx_spec.config import config_location
from sphinx_spec.domain import SpecDomain
from sphinx_spec.report import warn

#: The package our directive classes live in.
PACKAGE = __name__.partition(".")[0]
#: What sphinx-needs calls the option that declares its need types (and their directives).
NEEDS_TYPES = "needs_types"


def registered_directives() -> dict[str, object]:
    """Every directive docutils knows now (Sphinx's ``add_directive`` writes here), by name."""
    return dict(rst_directives._directives)  # type: ignore[attr-defined]


def package_of(directive: object) -> str:
    return str(getattr(directive, "__module__", "") or "").partition(".")[0]


def our_directives() -> dict[str, type[Directive]]:
    """The directives sphinx-spec has registered so far, by name."""
    return {
        name: directive
        for name, directive in registered_directives().items()
        if isinstance(directive, type) and package_of(directive) == PACKAGE
    }


class DirectiveAlias(Directive):
    """Runs :attr:`target` under another name.

    The domain registers a subclass of what it is given; a subclass of one
    of our object directives would register itself as that kind's directive
    (``directives.objects.DIRECTIVE_CLASSES``), so the domain gets this
    stand-in instead.
    """

    target: ClassVar[type[Directive]]

    def run(self) -> list[nodes.Node]:
        return self.target(
            self.name, self.arguments, self.options, self.content, self.lineno,
            self.content_offset, self.block_text, self.state, self.state_machine,
        ).run()  # fmt: skip


def alias_of(directive: type[Directive]) -> type[DirectiveAlias]:
    """A stand-in for *directive* that parses the same arguments, options and content."""
    grammar = (
        "required_arguments", "optional_arguments", "final_argument_whitespace",
        "option_spec", "has_content",
    )  # fmt: skip
    members = {"target": directive, **{name: getattr(directive, name) for name in grammar}}
    return type(f"{directive.__name__}Alias", (DirectiveAlias,), members)


def add_domain_aliases(app: Sphinx, ours: dict[str, type[Directive]]) -> None:
    """Each directive also as ``spec:<name>``: the same directive, so the same nodes and records."""
    for name, directive in ours.items():
        app.add_directive_to_domain(SpecDomain.name, name, alias_of(directive))


def replaced_directives(ours: dict[str, type[Directive]]) -> dict[str, object]:
    """Our directive names that now hold another extension's directive, with that directive."""
    now = registered_directives()
    return {
        name: now.get(name) for name, directive in ours.items() if now.get(name) is not directive
    }


def qualified(directive: object) -> str:
    return f"{getattr(directive, '__module__', '?')}.{getattr(directive, '__qualname__', '?')}"


def replacement_message(replaced: dict[str, object]) -> str:
    """What was replaced, by what, what that means, and the ways out."""
    names = sorted(replaced)
    one = len(names) == 1
    quoted = ", ".join(f"'{name}'" for name in names)
    by = ", ".join(sorted({qualified(directive) for directive in replaced.values()}))
    rst = ", ".join(f"'.. {SpecDomain.name}:{name}::'" for name in names)
    myst = ", ".join(f"'```{{{SpecDomain.name}:{name}}}'" for name in names)
    lost = f"'.. {names[0]}::'" if one else "them"
    message = (
        f"another extension replaced sphinx-spec's {plural('directive', one)} {quoted} "
        f"with {by}: no spec object is collected from {lost} in this project; "
        f"write {rst} (MyST {myst}) instead, sphinx-spec's own {plural('directive', one)} "
        f"under {'a name' if one else 'names'} nothing else registers"
    )
    if any(package_of(directive) == "sphinx_needs" for directive in replaced.values()):
        message += f", or leave the need {plural('type', one)} {quoted} out of {NEEDS_TYPES}"
    return message


def plural(word: str, one: bool) -> str:
    return word if one else f"{word}s"


def replacement_location(app: Sphinx, replaced: dict[str, object]) -> str:
    """``conf.py:<line>`` of the setting that brought the replacement in."""
    packages = sorted({package_of(directive) for directive in replaced.values()})
    if "sphinx_needs" in packages and sets(app, NEEDS_TYPES):
        return config_location(app, NEEDS_TYPES)
    return config_location(app, "extensions", packages[0])


def sets(app: Sphinx, name: str) -> bool:
    """Whether ``conf.py`` assigns *name* (not merely leaves it at its default)."""
    conf = Path(app.confdir or app.srcdir) / "conf.py"
    try:
        text = conf.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(rf"^\s*{re.escape(name)}\s*(:[^=]*)?\+?=", text, re.MULTILINE) is not None


def warn_replaced(ours: dict[str, type[Directive]], app: Sphinx) -> None:
    """One ``spec.config`` warning at ``conf.py`` if another extension took any of our names."""
    replaced = replaced_directives(ours)
    if replaced:
        warn(replacement_message(replaced), "config", replacement_location(app, replaced))


def setup_neighbours(app: Sphinx) -> None:
    """Call after every other ``setup_<feature>``: it aliases what they registered."""
    ours = our_directives()
    add_domain_aliases(app, ours)
    # after every extension's config-inited handlers (sphinx-needs registers its types there)
    app.connect("builder-inited", partial(warn_replaced, ours), priority=900)
