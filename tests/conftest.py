"""Real Sphinx builds of the projects under ``tests/roots/test-<name>/``."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ("sphinx.testing.fixtures",)

ROOTS = Path(__file__).parent / "roots"

#: output directories of shared-result groups (``test_params(shared_result=...)``) already built
BUILT_GROUPS: set[str] = set()


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


@pytest.fixture
def app(app, test_params):
    """Sphinx's ``app``, which builds its project once; later ``app.build()`` calls read it.

    Tests of a shared-result group share that one build (per builder). A
    second build would add a second copy of the project-wide warnings, which
    every build reports, to the warnings the tests read.
    """
    group = str(app.outdir) if test_params["shared_result"] else ""
    build = app.build
    built = False

    def build_once(*args, **kwargs):
        nonlocal built
        if not built and not (group and group in BUILT_GROUPS):
            build(*args, **kwargs)
        built = True
        if group:
            BUILT_GROUPS.add(group)

    app.build = build_once
    return app


#: the example projects' own tests (run by the tests that need their reports), never ours
collect_ignore_glob = ["roots/*"]
