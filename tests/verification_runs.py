"""Running an example project's pytest tests into a JUnit XML report, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import sphinx_spec

REPOSITORY = Path(sphinx_spec.__file__).parent.parent


def plugin_options() -> list[str]:
    """``-p sphinx_spec.pytest_plugin`` where the ``pytest11`` entry point is not installed."""
    installed = {entry.value for entry in metadata.entry_points(group="pytest11")}
    return [] if "sphinx_spec.pytest_plugin" in installed else ["-p", "sphinx_spec.pytest_plugin"]


def run_pytest(cwd: Path, report: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m pytest <args> --junitxml <report>`` in *cwd*, with this checkout's plugin."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPOSITORY), env.get("PYTHONPATH")]))
    env.pop("PYTEST_ADDOPTS", None)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *plugin_options()]
    command += ["--rootdir", str(cwd), f"--junitxml={report}", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
