"""The pytest plugin: ``@pytest.mark.spec("PAY-001.A1", …)`` names what a test verifies.

Installed with sphinx-spec and registered through the ``pytest11`` entry point,
it only declares the marker and, for each marked test, adds one ``spec``
property per id to the test's report; ``pytest --junitxml=report.xml`` writes
them into the test case's ``<properties>``, where ``spec_test_reports`` reads
them. It imports neither Sphinx nor docutils and changes nothing else.
"""

from __future__ import annotations

from typing import Any

import pytest

MARKER = "spec(*ids): the spec objects this test verifies, e.g. spec('PAY-001.A1')"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)


def marked_ids(item: pytest.Item) -> list[str]:
    """The ids the test's ``spec`` markers name, each once, in order.

    An argument may hold several ids separated by commas or spaces.
    """
    ids: list[str] = []
    for marker in item.iter_markers(name="spec"):
        for argument in marker.args:
            if not isinstance(argument, str):
                raise pytest.UsageError(
                    f"{item.nodeid}: @pytest.mark.spec takes spec object ids as strings "
                    f"(such as 'PAY-001.A1'), not {argument!r}"
                )
            ids += argument.replace(",", " ").split()
    return list(dict.fromkeys(ids))


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """Every marked test gets its ids as ``spec`` properties before anything runs, so that a
    test skipped in its setup still reports them; a wrong argument stops the run."""
    for item in items:
        known = {value for name, value in item.user_properties if name == "spec"}
        item.user_properties.extend(("spec", i) for i in marked_ids(item) if i not in known)
