"""Tests that need tools beyond Python (TeX, Chromium, Mermaid): what happens when one is missing.

On a developer's machine such a test skips, saying what to install. Under
CI (``SPEC_HEAVY_TESTS=required``, set by ``.ci/run``) it fails instead, and
``.ci/run`` checks from the JUnit reports that no test was skipped.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def missing(message: str) -> NoReturn:
    """A tool this test needs is not installed: skip, or fail where every test must run."""
    if os.environ.get("SPEC_HEAVY_TESTS") == "required":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
