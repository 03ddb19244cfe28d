"""The architecture, read from the code's imports: one direction, no cycles.

The model, the index, the store and the checks know no Sphinx and nothing of
who writes or reads them; every other module may use them, never the reverse.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[2] / "sphinx_spec"

#: module → the only sphinx_spec modules it may import (pure layers, bottom up)
PURE = {
    "model": set(),
    "reviews": {"model"},
    "verification": set(),
    "index": {"model", "reviews", "verification"},
    "heap": set(),
    "store": {"model", "index", "verification", "heap"},
    "checks": {"model", "index", "store", "reviews"},
    "views.query": {"model"},
    "sourcedit": set(),
}
#: who writes the store and the index: nothing below may import them
OWNERS = {"collector", "extension", "records", "federation", "specjson", "cli"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts) or "__init__"


def is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imported_names(tree: ast.AST) -> set[str]:
    """Every module an import statement names, TYPE_CHECKING-only imports excepted."""
    names: set[str] = set()
    pending = [tree]
    while pending:
        node = pending.pop()
        if is_type_checking(node):
            continue
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
        pending.extend(ast.iter_child_nodes(node))
    return names


def dependencies() -> dict[str, set[str]]:
    """sphinx_spec module → the sphinx_spec modules it imports; also third-party roots."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        names = imported_names(ast.parse(path.read_text(encoding="utf-8")))
        own = {n.removeprefix("sphinx_spec.") for n in names if n.startswith("sphinx_spec.")}
        graph[name] = {n for n in own if n in modules and n != name}
        graph[name] |= {f"<{n.split('.')[0]}>" for n in names if not n.startswith("sphinx_spec")}
    return graph


GRAPH = dependencies()


def test_the_modules_import_each_other_in_one_direction():
    own = {name: {d for d in deps if not d.startswith("<")} for name, deps in GRAPH.items()}
    try:
        list(TopologicalSorter(own).static_order())
    except CycleError as cycle:
        pytest.fail(f"import cycle: {' -> '.join(cycle.args[1])}")


@pytest.mark.parametrize("module", sorted(PURE))
def test_pure_layers_know_no_sphinx_and_only_the_layers_below(module):
    deps = GRAPH[module]
    assert not {d for d in deps if d in ("<sphinx>", "<docutils>")}
    assert {d for d in deps if not d.startswith("<")} <= PURE[module]


@pytest.mark.parametrize("module", ["model", "index", "store"])
def test_the_data_knows_nothing_of_who_writes_or_reads_it(module):
    assert not GRAPH[module] & (OWNERS | {"domain", "terms", "views.catalog", "freshness"})


def test_the_lifecycle_has_one_owner():
    """Only the collector connects to the build's lifecycle events."""
    events = (
        "env-purge-doc",
        "env-merge-info",
        "env-before-read-docs",
        "env-get-updated",
        "env-updated",
        "env-check-consistency",
        "doctree-read",
        "source-read",
    )
    connecting = {
        module_name(path)
        for path in PACKAGE.rglob("*.py")
        if any(f'"{event}"' in path.read_text(encoding="utf-8") for event in events)
    }
    assert connecting == {"collector"}
