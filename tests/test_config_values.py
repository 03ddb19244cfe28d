"""``conf.py`` values of the wrong type or shape: a located warning, the default, no crash.

Each case writes one project whose ``conf.py`` sets one value wrongly, on a
known line, next to a spec that exercises the value (a ``:revisit:`` date,
an import over http, statuses, required directives), and builds it.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from helpers import build, html, text_of, warnings_of

DOCUMENT = """\
Plans
=====

.. spec:: Retry payments
   :id: PAY-1
   :status: accepted

   .. spec-approach:: Back off
      :id: backoff
      :status: chosen
      :decision: Retry with exponential back-off.
      :revisit: 2020-01-01

After the spec.
"""

#: (the conf.py line, the warning's subtype, what the message says)
CASES = {
    "statuses with a number": (
        'spec_statuses = ["draft", 2]',
        "option",
        "spec_statuses holds 2 (int); expected a list of status names (non-empty strings); "
        "using the default ['draft', 'review', 'accepted',",
    ),
    "statuses None": (
        "spec_statuses = None",
        "option",
        "spec_statuses is None, not a list of status names (non-empty strings); using the default",
    ),
    "statuses empty": (
        "spec_statuses = []",
        "option",
        "spec_statuses is empty; expected at least one status name; using the default",
    ),
    "statuses twice": (
        'spec_statuses = ["draft", "accepted", "draft"]',
        "option",
        "spec_statuses names draft more than once; expected distinct names; using the default",
    ),
    "statuses a string": (
        'spec_statuses = "draft accepted"',
        "option",
        "spec_statuses is a str, not a list of status names (non-empty strings)",
    ),
    "required None entry": (
        "spec_required = [None]",
        "option",
        "spec_required holds None (NoneType); expected a list of directive names "
        "(non-empty strings); using the default []",
    ),
    "required a number": (
        'spec_required = [1, "spec-goal"]',
        "option",
        "spec_required holds 1 (int); expected a list of directive names (non-empty strings); "
        "using the default []",
    ),
    "required empty name": (
        'spec_required = [" "]',
        "option",
        "spec_required holds an empty string; expected a list of directive names",
    ),
    "today a number": (
        "spec_today = 20260101",
        "option",
        "spec_today is a int, not a date or a 'YYYY-MM-DD' string; using the default ''",
    ),
    "today not a date": (
        'spec_today = "next tuesday"',
        "option",
        "spec_today is not a date written YYYY-MM-DD; using the default ''",
    ),
    "import None": (
        "spec_import = None",
        "import",
        "spec_import is None, not a list of paths, URLs or (path or URL, base URL) pairs; "
        "using the default []",
    ),
    "import a dict": (
        'spec_import = {"a": "b"}',
        "import",
        "spec_import is a dict, not a list of paths, URLs",
    ),
    "timeout zero": (
        "spec_import_timeout = 0",
        "import",
        "spec_import_timeout is not a positive number of seconds; using the default 10",
    ),
    "timeout negative": (
        "spec_import_timeout = -1",
        "import",
        "spec_import_timeout is not a positive number of seconds; using the default 10",
    ),
    "timeout a string": (
        'spec_import_timeout = "abc"',
        "import",
        "spec_import_timeout is a str, not a positive number of seconds; using the default 10",
    ),
    "timeout infinite": (
        'spec_import_timeout = float("inf")',
        "import",
        "spec_import_timeout is not a positive number of seconds",
    ),
    "timeout True": (
        "spec_import_timeout = True",
        "import",
        "spec_import_timeout is a bool, not a positive number of seconds",
    ),
    "json a string": (
        'spec_json = "yes"',
        "option",
        "spec_json is a str, not True or False; using the default True",
    ),
    "json file outside": (
        'spec_json_file = "../spec.json"',
        "option",
        "spec_json_file is not a file name relative to the output directory, such as "
        "'spec.json'; using the default 'spec.json'",
    ),
    "json file absolute": (
        'spec_json_file = "/tmp/spec.json"',
        "option",
        "spec_json_file is not a file name relative to the output directory",
    ),
    "json file None": (
        "spec_json_file = None",
        "option",
        "spec_json_file is None, not a file name relative to the output directory",
    ),
}


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def project(root: Path, setting: str) -> Path:
    """A project whose conf.py sets *setting* on line 5 and imports a URL nothing serves."""
    src = root / "src"
    src.mkdir(parents=True)
    url = f"http://127.0.0.1:{unused_port()}/spec.json"
    lines = [
        'extensions = ["sphinx_spec"]',
        'project = "Config"',
        "spec_import = []",
        "spec_import_timeout = 10",
        setting,
        f"isinstance(spec_import, list) and spec_import.append({url!r})",
    ]
    for n in (2, 3):  # conf.py sets each value once
        if setting.startswith(lines[n].split(" = ")[0] + " "):
            lines[n] = "# set on line 5"
    (src / "conf.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (src / "index.rst").write_text(DOCUMENT, encoding="utf-8")
    return src


def spec_warnings(app) -> list[str]:
    return [line for line in warnings_of(app) if "[spec." in line]


@pytest.mark.parametrize(("setting", "subtype", "message"), CASES.values(), ids=list(CASES))
def test_a_wrong_value_warns_at_its_line_and_the_default_is_used(
    tmp_path, setting, subtype, message
):
    app = build(project(tmp_path, setting))
    located = [w for w in warnings_of(app) if w.startswith("conf.py:5: WARNING: ")]
    assert len(located) == 1, warnings_of(app)
    assert located[0].startswith(f"conf.py:5: WARNING: {message}"), located[0]
    assert located[0].endswith(f"[spec.{subtype}]")
    # Sphinx's own type check has nothing left to say: one warning per value.
    assert not [w for w in warnings_of(app) if "The config value" in w]
    page = html(app, "index")
    assert "After the spec." in text_of(page.body)
    # With the defaults, the rest of the project is checked as usual.
    assert "revisiting on 2020-01-01" in "\n".join(spec_warnings(app))
    assert "unknown :status:" not in "\n".join(warnings_of(app))


def test_a_datetime_for_spec_today_counts_as_its_date(tmp_path):
    src = project(tmp_path, "import datetime; spec_today = datetime.datetime(2019, 6, 1, 12, 30)")
    app = build(src)
    assert not [w for w in warnings_of(app) if "conf.py:5" in w]
    assert not [w for w in warnings_of(app) if "revisiting" in w]  # 2019 is before the date


def test_a_tuple_of_statuses_is_a_list_of_statuses(tmp_path):
    src = project(tmp_path, 'spec_statuses = ("proposed", "accepted")')
    app = build(src)
    assert not [w for w in warnings_of(app) if "conf.py:5" in w]
    assert "unknown :status:" not in "\n".join(warnings_of(app))


def test_a_wrong_value_given_with_define_warns_at_conf_py(tmp_path):
    """``-D`` values have no line of their own; the warning names conf.py."""
    src = project(tmp_path, "# nothing set here")
    app = build(src, confoverrides={"spec_today": "soon"})
    assert (
        "conf.py:1: WARNING: spec_today is not a date written YYYY-MM-DD; using the default '' "
        "[spec.option]" in warnings_of(app)
    )


def test_a_value_that_cannot_print_itself_does_not_stop_the_build(tmp_path):
    """A ``str`` subclass passes the type checks; its failing ``repr`` must not end the build
    (the settings are then taken as changed on every build: the export is written again)."""
    src = project(tmp_path, "pass")
    (src / "unprintable.py").write_text(
        "class Name(str):\n    def __repr__(self):\n        raise RuntimeError('no')\n",
        encoding="utf-8",
    )
    conf = src / "conf.py"
    conf.write_text(
        "import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\n"
        + "from unprintable import Name\n"
        + conf.read_text(encoding="utf-8")
        + 'spec_link_patterns = {Name("TICKET-"): "https://tickets.example/{id}"}\n',
        encoding="utf-8",
    )
    for _build in range(2):
        app = build(src)
        assert "After the spec." in text_of(html(app, "index").body)
        assert "PAY-1" in (Path(app.outdir) / "spec.json").read_text(encoding="utf-8")
