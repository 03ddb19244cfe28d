"""The ``conf.py`` values sphinx-spec reads, and where ``conf.py`` writes them."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from sphinx.application import Sphinx

from sphinx_spec.checks import CheckSettings
from sphinx_spec.model import KINDS_BY_DIRECTIVE, SPEC_STATUSES, parse_date
from sphinx_spec.report import warn


def setup_config(app: Sphinx) -> None:
    app.add_config_value("spec_statuses", list(SPEC_STATUSES), "env", types=[list, tuple])
    app.add_config_value("spec_required", [], "env", types=[list, tuple])
    app.add_config_value("spec_json", True, "html", types=[bool])
    app.add_config_value("spec_import", [], "env", types=[list, tuple])
    app.add_config_value("spec_import_timeout", 10, "", types=[int, float])
    app.add_config_value("spec_today", "", "env", types=[str, datetime.date])


def config_location(app: Sphinx, name: str, item: str = "") -> str:
    """``conf.py:<line>`` of the line that sets *name* (line 1 if it cannot be found).

    With *item*, the first line from there on that writes *item* as a quoted
    string: one entry of a list written over several lines.
    """
    conf = Path(app.confdir) / "conf.py"
    try:
        lines = conf.read_text(encoding="utf-8").splitlines()
    except OSError:
        return f"{conf}:1"
    sets = re.compile(rf"\s*{re.escape(name)}\s*(:[^=]*)?\+?=")
    start = next((n for n, line in enumerate(lines) if sets.match(line)), 0)
    quoted = (f'"{item}"', f"'{item}'")
    found = next(
        (n for n in range(start, len(lines)) if item and any(q in lines[n] for q in quoted)),
        start,
    )
    return f"{conf}:{found + 1}"


def current_date() -> datetime.date:
    """The real date: what "today" is when ``spec_today`` is not set."""
    return datetime.date.today()


def today(app: Sphinx) -> datetime.date:
    """``spec_today`` if set (reproducible builds, tests), else the real date."""
    configured = app.config.spec_today
    if isinstance(configured, datetime.date):
        return configured
    date = parse_date(str(configured)) if configured else None
    if configured and date is None:
        warn(
            f"spec_today {configured!r} is not a date (YYYY-MM-DD); using today",
            "option",
            config_location(app, "spec_today"),
        )
    return date or current_date()


def required_directives(app: Sphinx) -> tuple[str, ...]:
    """The known directive names of ``spec_required``; unknown ones warn at conf.py."""
    required = list(app.config.spec_required)
    unknown = [name for name in required if name not in KINDS_BY_DIRECTIVE]
    if unknown:
        warn(
            f"spec_required names unknown directives: {', '.join(unknown)} "
            f"(known: {', '.join(KINDS_BY_DIRECTIVE)})",
            "option",
            config_location(app, "spec_required"),
        )
    return tuple(name for name in required if name in KINDS_BY_DIRECTIVE)


def check_settings(app: Sphinx) -> CheckSettings:
    """What the project-wide checks take from ``conf.py``; bad values warn there."""
    return CheckSettings(
        statuses=tuple(app.config.spec_statuses),
        required=required_directives(app),
        today=today(app),
    )
