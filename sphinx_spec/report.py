"""Located warnings of type ``spec``: every warning sphinx-spec emits goes through here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sphinx.util import logging

from sphinx_spec.model import Finding

logger = logging.getLogger("sphinx_spec")

Location = tuple[str, int] | Any


def warn(message: str, subtype: str, location: Location) -> None:
    """Emit ``message`` as a ``spec.<subtype>`` warning at *location*.

    *location* is a ``(docname, lineno)`` pair, a ``"file:line"`` string or a docutils node.
    """
    logger.warning(message, type="spec", subtype=subtype, location=location)


def report(findings: Iterable[Finding]) -> None:
    """Emit each finding of the project-wide checks as a warning."""
    for finding in findings:
        warn(finding.message, finding.subtype, finding.location)
