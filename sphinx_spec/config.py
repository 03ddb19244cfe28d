"""The ``conf.py`` values sphinx-spec reads, checked once when the configuration is read.

Each value is registered with its types, so that Sphinx's own checks know
them too, and is validated on ``config-inited``: a value of the wrong type or
shape is a ``spec.option`` (``spec.import`` for the import values) warning at
its line in ``conf.py`` that names what was expected, and the default is used
instead. Everything after that reads values of the right type.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import os
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any, Literal, NamedTuple

from sphinx.application import Sphinx
from sphinx.config import Config

from sphinx_spec.checks import CheckSettings
from sphinx_spec.links import pattern_problem
from sphinx_spec.model import (
    FIELD_NAME_PATTERN,
    FIELD_TYPES,
    KINDS_BY_DIRECTIVE,
    SPEC_KIND,
    SPEC_STATUSES,
    CustomField,
    parse_date,
    role_of,
)
from sphinx_spec.report import warn

#: How much of a wrong value a warning quotes.
QUOTED_LENGTH = 60


class WrongValue(Exception):
    """What a configuration value should have been, in words."""


class Setting(NamedTuple):
    """One ``conf.py`` value: its default, when a change rebuilds, its types, its check."""

    name: str
    default: Any
    rebuild: Literal["", "env", "html"]
    types: tuple[type, ...]
    subtype: str
    #: returns the value to use, or raises :class:`WrongValue`
    check: Callable[[Any], Any]


def kind_of(value: Any) -> str:
    return "None" if value is None else f"a {type(value).__name__}"


def string_list(value: Any, what: str) -> list[str]:
    """*value* as a list of stripped, non-empty strings, or :class:`WrongValue`."""
    expected = f"a list of {what} (non-empty strings)"
    if not isinstance(value, (list, tuple)):
        raise WrongValue(f"is {kind_of(value)}, not {expected}")
    for item in value:
        if not isinstance(item, str):
            raise WrongValue(f"holds {quoted(item)} ({type(item).__name__}); expected {expected}")
        if not item.strip():
            raise WrongValue(f"holds an empty string; expected {expected}")
    return [item.strip() for item in value]


def statuses_value(value: Any) -> dict[str, str]:
    """The project's status names, in lifecycle order, each with its lifecycle role.

    A list names the statuses; a name that is a role (``accepted``) has that
    role, any other name has none (``""``). A mapping gives each name its role.
    Either way ``config.spec_statuses`` is this mapping from then on.
    """
    if isinstance(value, dict):
        return status_mapping(value)
    names = string_list(value, "status names")
    if not names:
        raise WrongValue("is empty; expected at least one status name")
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise WrongValue(f"names {', '.join(twice)} more than once; expected distinct names")
    return {name: role_of(name) for name in names}


def status_mapping(value: dict[Any, Any]) -> dict[str, str]:
    """A mapping of status names to lifecycle roles, checked entry by entry."""
    expected = f"a mapping of status names to lifecycle roles ({', '.join(SPEC_STATUSES)})"
    if not value:
        raise WrongValue(f"is an empty mapping; expected {expected}")
    mapping: dict[str, str] = {}
    for name, role in value.items():
        if not isinstance(name, str) or not name.strip():
            raise WrongValue(f"has the key {quoted(name)}; expected {expected}")
        if not isinstance(role, str) or role.strip() not in SPEC_STATUSES:
            raise WrongValue(f"maps {name.strip()!r} to {quoted(role)}; expected {expected}")
        if name.strip() in mapping:
            raise WrongValue(f"names {name.strip()} more than once; expected distinct names")
        mapping[name.strip()] = role.strip()
    return mapping


def required_value(value: Any) -> list[str]:
    return string_list(value, "directive names")


def suppress_value(value: Any) -> list[str]:
    """``spec_suppress``: each entry a finding's code, optionally followed by its subject."""
    return [" ".join(entry.split()) for entry in string_list(value, "finding codes")]


def reports_value(value: Any) -> list[str]:
    """``spec_test_reports``: paths or glob patterns relative to ``conf.py``; one may be
    written without a list."""
    return string_list([value] if isinstance(value, str) else value, "paths or glob patterns")


def kinds_value(value: Any) -> list[str]:
    """``spec_require_verification``: object kinds, by directive (``error-path``) or kind name
    (``error``); unknown ones are dropped by :func:`known_kinds`."""
    return string_list(value, "object kinds such as 'error-path'")


def index_kinds_value(value: Any) -> list[str]:
    """``spec_index_entries``: ``spec`` and object kinds, by directive or kind name."""
    return string_list(value, "kinds such as 'spec' or 'spec-term'")


def fields_value(value: Any) -> list[Any]:
    """A list of entries, each checked (and dropped if wrong) by :func:`custom_fields`."""
    if not isinstance(value, (list, tuple)):
        raise WrongValue(
            f"is {kind_of(value)}, not a list of fields such as "
            "{'name': 'milestone', 'directives': ['spec'], 'type': 'text'}"
        )
    return list(value)


def import_value(value: Any) -> Any:
    """A list of entries (each checked when it is read), or one path written without a list."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, (list, tuple)):
        raise WrongValue(
            f"is {kind_of(value)}, not a list of paths, URLs or (path or URL, base URL) pairs"
        )
    return list(value)


def timeout_value(value: Any) -> float | int:
    expected = "a positive number of seconds"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise WrongValue(f"is {kind_of(value)}, not {expected}")
    if not math.isfinite(value) or value <= 0:
        raise WrongValue(f"is not {expected}")
    return value


def flag_value(value: Any) -> bool:
    if not isinstance(value, bool):
        raise WrongValue(f"is {kind_of(value)}, not True or False")
    return value


def file_name_value(value: Any) -> str:
    """A relative path inside the output directory, written with ``/``."""
    expected = "a file name relative to the output directory, such as 'spec.json'"
    if not isinstance(value, str):
        raise WrongValue(f"is {kind_of(value)}, not {expected}")
    path = PurePosixPath(value.strip().replace("\\", "/"))
    if (
        not value.strip()
        or path.is_absolute()
        or ":" in value
        or any(part in {"..", "."} for part in path.parts)
        or any(ord(char) < 0x20 for char in value)
    ):
        raise WrongValue(f"is not {expected}")
    return path.as_posix()


def today_value(value: Any) -> str | datetime.date:
    """``""`` (the build date), a ``YYYY-MM-DD`` string, or a date (a datetime's date)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        raise WrongValue(f"is {kind_of(value)}, not a date or a 'YYYY-MM-DD' string")
    if value.strip() and parse_date(value) is None:
        raise WrongValue("is not a date written YYYY-MM-DD")
    return value.strip()


def link_patterns_value(value: Any) -> dict[str, str]:
    """A mapping; each entry is checked on its own (:func:`known_link_patterns`)."""
    if not isinstance(value, dict):
        raise WrongValue(f"is {kind_of(value)}, not a dict of regular expression → URL template")
    return dict(value)


SETTINGS = (
    Setting(
        "spec_statuses", list(SPEC_STATUSES), "env", (list, tuple, dict), "option", statuses_value
    ),
    Setting("spec_required", [], "env", (list, tuple), "option", required_value),
    Setting("spec_json", True, "html", (bool,), "option", flag_value),
    Setting("spec_json_file", "spec.json", "html", (str,), "option", file_name_value),
    Setting("spec_import", [], "env", (list, tuple, str), "import", import_value),
    Setting("spec_import_timeout", 10, "", (int, float), "import", timeout_value),
    Setting("spec_today", "", "env", (str, datetime.date), "option", today_value),
    Setting("spec_fields", [], "env", (list, tuple), "option", fields_value),
    Setting("spec_link_patterns", {}, "html", (dict,), "option", link_patterns_value),
    Setting("spec_suppress", [], "", (list, tuple), "option", suppress_value),
    Setting("spec_test_reports", [], "", (list, tuple, str), "option", reports_value),
    Setting("spec_require_verification", [], "", (list, tuple), "option", kinds_value),
    Setting(
        "spec_index_entries", ["spec", "term"], "env", (list, tuple), "option", index_kinds_value
    ),
)


def quoted(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= QUOTED_LENGTH else f"{text[: QUOTED_LENGTH - 1]}…"


def validate_config(app: Sphinx, config: Config) -> None:
    """Check every value once; a wrong one warns at its ``conf.py`` line and the default is used."""
    for setting in SETTINGS:
        value = getattr(config, setting.name)
        try:
            checked = setting.check(value)
        except WrongValue as problem:
            warn(
                f"{setting.name} {problem}; using the default {quoted(setting.default)}",
                setting.subtype,
                config_location(app, setting.name),
            )
            checked = setting.check(setting.default)
        setattr(config, setting.name, checked)
    config.spec_required = known_directives(app, config.spec_required)
    config.spec_fields = custom_fields(app, config.spec_fields)
    config.spec_link_patterns = known_link_patterns(app, config.spec_link_patterns)
    config.spec_require_verification = known_kinds(app, config.spec_require_verification)
    config.spec_index_entries = indexed_kinds(app, config.spec_index_entries)


def known_kinds(app: Sphinx, names: list[str]) -> list[str]:
    """The kind names ``spec_require_verification`` means; unknown ones warn at conf.py."""
    by_name = {kind.name: kind.name for kind in KINDS_BY_DIRECTIVE.values()}
    by_name |= {directive: kind.name for directive, kind in KINDS_BY_DIRECTIVE.items()}
    return known_names(app, "spec_require_verification", names, by_name, "object kinds")


def indexed_kinds(app: Sphinx, names: list[str]) -> list[str]:
    """The kind names ``spec_index_entries`` means (``spec`` too); unknown ones warn at conf.py."""
    by_name = {kind.name: kind.name for kind in KINDS_BY_DIRECTIVE.values()}
    by_name |= {directive: kind.name for directive, kind in KINDS_BY_DIRECTIVE.items()}
    by_name[SPEC_KIND] = SPEC_KIND
    return known_names(app, "spec_index_entries", names, by_name, "kinds")


def known_directives(app: Sphinx, required: list[str]) -> list[str]:
    """The known directive names of ``spec_required``; unknown ones warn at conf.py."""
    known = {name: name for name in KINDS_BY_DIRECTIVE}
    return known_names(app, "spec_required", required, known, "directives")


def known_names(
    app: Sphinx, setting: str, names: list[str], known: dict[str, str], what: str
) -> list[str]:
    """What each known entry of *setting* means, each once; unknown entries warn at conf.py."""
    unknown = [name for name in names if name not in known]
    if unknown:
        listed = [SPEC_KIND] if SPEC_KIND in known else []
        warn(
            f"{setting} names unknown {what}: {', '.join(unknown)} "
            f"(known: {', '.join([*listed, *KINDS_BY_DIRECTIVE])})",
            "option",
            config_location(app, setting),
        )
    return list(dict.fromkeys(known[name] for name in names if name in known))


FIELD_KEYS = {"name", "directives", "type", "label"}
FIELD_TYPE_WORDS = "'text', 'list', 'date' or a list of allowed values"


def custom_fields(app: Sphinx, entries: list[Any]) -> list[CustomField]:
    """The valid ``spec_fields`` entries; each wrong one warns at its line and is dropped."""
    reserved = reserved_options()
    kept: list[CustomField] = []
    for entry in entries:
        name = entry.get("name") if isinstance(entry, dict) else None
        try:
            field = custom_field(entry, reserved)
            if any(field.name == other.name for other in kept):
                raise WrongValue(f"declares {field.name!r} twice")
        except WrongValue as problem:
            item = name if isinstance(name, str) else ""
            warn(
                f"spec_fields entry {quoted(entry)} {problem}; the entry is ignored",
                "option",
                config_location(app, "spec_fields", item),
            )
            continue
        kept.append(field)
    return kept


def custom_field(entry: Any, reserved: dict[str, set[str]]) -> CustomField:
    """One ``spec_fields`` entry, or :class:`WrongValue` saying what was expected."""
    if not isinstance(entry, dict) or set(entry) - FIELD_KEYS or "name" not in entry:
        raise WrongValue("is not a dict with the keys 'name', 'directives', 'type' and 'label'")
    name = entry["name"]
    if not isinstance(name, str) or not FIELD_NAME_PATTERN.match(name):
        raise WrongValue("has no valid name (lower-case letters, digits and '-', a letter first)")
    known = [SPEC_KIND, *KINDS_BY_DIRECTIVE]
    directives = entry.get("directives", [SPEC_KIND])
    directives = [directives] if isinstance(directives, str) else directives
    if not isinstance(directives, (list, tuple)) or not directives:
        raise WrongValue(f"has no 'directives' list (known: {', '.join(known)})")
    unknown = [str(d) for d in directives if d not in known]
    if unknown:
        raise WrongValue(
            f"names unknown directives {', '.join(unknown)} (known: {', '.join(known)})"
        )
    clashes = sorted(d for d in directives if name in reserved.get(d, set()))
    if clashes or name in reserved["views"]:
        where = ", ".join(clashes) or "the views"
        raise WrongValue(f"clashes with a built-in option or column of {where}")
    kind, choices = field_type(entry.get("type", "text"))
    label = entry.get("label", "")
    if not isinstance(label, str) or ("label" in entry and not label.strip()):
        raise WrongValue(f"has label {quoted(label)}; expected a non-empty string")
    return CustomField(name, tuple(dict.fromkeys(directives)), kind, choices, label.strip())


def field_type(value: Any) -> tuple[str, tuple[str, ...]]:
    """``(type, choices)`` of a field's ``type``: a type name or a list of allowed values."""
    if isinstance(value, str) and value in FIELD_TYPES:
        return value, ()
    if isinstance(value, (list, tuple)) and value:
        try:
            return "choice", tuple(dict.fromkeys(string_list(value, "allowed values")))
        except WrongValue:
            pass
    raise WrongValue(f"has type {quoted(value)}; expected {FIELD_TYPE_WORDS}")


def reserved_options() -> dict[str, set[str]]:
    """The built-in option names per directive, and the views' options and column keys."""
    from sphinx_spec.directives.objects import DIRECTIVE_CLASSES
    from sphinx_spec.directives.spec import SpecDirective
    from sphinx_spec.views.directive import reserved_view_names

    reserved = {
        directive.directive: set(DIRECTIVE_CLASSES[directive.name].option_spec)
        for directive in KINDS_BY_DIRECTIVE.values()
        if directive.name in DIRECTIVE_CLASSES
    }
    reserved[SPEC_KIND] = set(SpecDirective.option_spec)
    reserved["views"] = reserved_view_names()
    return reserved


def known_link_patterns(app: Sphinx, patterns: dict[Any, Any]) -> dict[str, str]:
    """The usable entries of ``spec_link_patterns``; each other one warns at its conf.py line."""
    usable = {}
    for pattern, template in patterns.items():
        problem = pattern_problem(pattern, template)
        if problem:
            warn(
                f"spec_link_patterns: {quoted(pattern)} {problem}; the entry is ignored",
                "option",
                config_location(app, "spec_link_patterns", item=str(pattern)),
            )
        else:
            usable[pattern] = template
    return usable


def setup_config(app: Sphinx) -> None:
    for setting in SETTINGS:
        app.add_config_value(
            setting.name, setting.default, setting.rebuild, types=list(setting.types)
        )
    # before Sphinx's own type check (priority 800), which then sees only good values
    app.connect("config-inited", validate_config, priority=450)


def config_location(app: Sphinx, name: str, item: str = "") -> str:
    """``conf.py:<line>`` of the line that sets *name* (line 1 if it cannot be found).

    With *item*, the first line from there on that writes *item* as a quoted
    string: one entry of a list written over several lines.
    """
    conf = Path(app.confdir or app.srcdir) / "conf.py"
    try:
        lines = conf.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return f"{conf}:1"
    sets = re.compile(rf"\s*{re.escape(name)}\s*(:[^=]*)?\+?=")
    start = next((n for n, line in enumerate(lines) if sets.match(line)), 0)
    quoted_item = (f'"{item}"', f"'{item}'")
    found = next(
        (n for n in range(start, len(lines)) if item and any(q in lines[n] for q in quoted_item)),
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
    return (parse_date(configured) if configured else None) or current_date()


def check_settings(app: Sphinx) -> CheckSettings:
    """What the project-wide checks take from ``conf.py`` (validated when it was read)."""
    return CheckSettings(
        statuses=tuple(app.config.spec_statuses),
        roles=tuple(app.config.spec_statuses.items()),
        required=tuple(app.config.spec_required),
        today=today(app),
        suppress=suppress_entries(app.config),
        verify=tuple(app.config.spec_require_verification),
    )


def view_settings(app: Sphinx) -> str:
    """A digest of the settings (every ``spec_*`` value) that what views show may depend on."""
    config = app.config
    names = sorted(name for name in config.values if name.startswith("spec_"))
    return digest_of([(name, getattr(config, name, None)) for name in names])


def digest_of(values: object) -> str:
    """A digest of *values* as they print, to tell whether settings changed since a build.

    A value that cannot print itself (a ``str`` subclass of ``conf.py`` whose ``repr``
    fails) makes a digest that matches no other: taken as changed on every build.
    """
    try:
        text = repr(values)
    except Exception:
        return f"unprintable {os.urandom(8).hex()}"
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def suppress_entries(config: Any) -> tuple[tuple[str, ...], ...]:
    """``spec_suppress``, each entry as its words: a finding's code, then its subject."""
    return tuple(tuple(entry.split()) for entry in config.spec_suppress)
