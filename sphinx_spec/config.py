"""The ``conf.py`` values sphinx-spec reads."""

from __future__ import annotations

import datetime

from sphinx.application import Sphinx

from sphinx_spec.model import SPEC_STATUSES


def setup_config(app: Sphinx) -> None:
    app.add_config_value("spec_statuses", list(SPEC_STATUSES), "env", types=[list, tuple])
    app.add_config_value("spec_required", [], "env", types=[list, tuple])
    app.add_config_value("spec_json", True, "html", types=[bool])
    app.add_config_value("spec_import", [], "env", types=[list, tuple])
    app.add_config_value("spec_import_timeout", 10, "", types=[int, float])
    app.add_config_value("spec_today", "", "env", types=[str, datetime.date])
