"""The pickled environment is loaded without Python's cyclic garbage collector,
and the collector leaves what was loaded alone for the rest of the build.

The environment of a thousand specs holds some twenty-five thousand records;
unpickling them with the collector on makes it scan the growing heap again
and again, which doubles the time a build with nothing to do takes to start.
Nothing unpickled is garbage: the collector is paused from ``config-inited``
(the last event before Sphinx loads the environment) until ``builder-inited``
(the first after). Then what is on the heap is frozen (:func:`gc.freeze`):
the collector's full passes during the build skip it, as they skip what was
imported; what the build read joins it before the pages are written (see the
collector's ``settle_project``). It is unfrozen when the build finishes, or
when the next application in the same process starts; in ``sphinx-build``,
which exits with the build, it stays frozen, with what the build made since,
so that Python's last pass of the collector on the way out skips it. The
collector is left as it was found: one that was stopped stays stopped, and
nothing is frozen or unfrozen in a process that froze objects itself.

The store pickles its records packed (:mod:`sphinx_spec.store`): a build
with nothing changed never unpickles them, and one that does unpacks them
with the collector paused, into the frozen heap (:mod:`sphinx_spec.heap`).
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

from sphinx_spec.heap import frozen, unpaced

#: whether the collector ran before it was paused; None while it is not paused by us. (If
#: Sphinx stops between the two events, the next build in the process resumes it.)
_was_enabled: list[bool | None] = [None]


def pause_collector(app: Sphinx, config: Config) -> None:
    unpaced()
    thaw()
    if _was_enabled[0] is None:
        _was_enabled[0] = gc.isenabled()
    gc.disable()


def resume_collector(app: Sphinx) -> None:
    if _was_enabled[0]:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            frozen[0] = True
        gc.enable()
    _was_enabled[0] = None


def thaw(*args: object) -> None:
    """Give what the build froze back to the collector."""
    if frozen[0]:
        gc.unfreeze()
        frozen[0] = False


def finish(app: Sphinx, exception: BaseException | None) -> None:
    """When the build finishes: in ``sphinx-build``, which exits with the build, what the
    build made joins the frozen heap too, so that the collector does not scan the project
    again on the way out (at 10,000 specs, four seconds); in any other process, what the
    build froze is given back to the collector."""
    unpaced()
    if frozen[0] and exits_with_build():
        gc.freeze()
    else:
        thaw()


def exits_with_build() -> bool:
    """Whether this process is ``sphinx-build`` (or ``python -m sphinx``)."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    if spec is not None and spec.name in ("sphinx", "sphinx.__main__"):
        return True
    return Path(sys.argv[0] if sys.argv else "").stem == "sphinx-build"


def setup_loading(app: Sphinx) -> None:
    app.connect("config-inited", pause_collector, priority=999)
    app.connect("builder-inited", resume_collector, priority=0)
    app.connect("build-finished", finish, priority=999)
