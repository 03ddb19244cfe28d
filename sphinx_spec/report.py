"""Located warnings of type ``spec``; every subtype PRODUCT.md names goes through here."""

from __future__ import annotations

from typing import Any

from sphinx.util import logging

logger = logging.getLogger("sphinx_spec")

Location = tuple[str, int] | Any


def warn(message: str, subtype: str, location: Location) -> None:
    """Emit ``message`` as a ``spec.<subtype>`` warning at *location*.

    *location* is a ``(docname, lineno)`` pair, a ``"file:line"`` string or a docutils node.
    """
    logger.warning(message, type="spec", subtype=subtype, location=location)
