"""The pickled environment is loaded without Python's cyclic garbage collector.

The environment of a thousand specs holds some twenty-five thousand records;
unpickling them with the collector on makes it scan the growing heap again
and again, which doubles the time a build with nothing to do takes to start.
Nothing unpickled is garbage: the collector is paused from ``config-inited``
(the last event before Sphinx loads the environment) until ``builder-inited``
(the first after), and left as it was found.
"""

from __future__ import annotations

import gc

from sphinx.application import Sphinx
from sphinx.config import Config

#: whether the collector ran before it was paused; None while it is not paused by us. (If
#: Sphinx stops between the two events, the next build in the process resumes it.)
_was_enabled: list[bool | None] = [None]


def pause_collector(app: Sphinx, config: Config) -> None:
    if _was_enabled[0] is None:
        _was_enabled[0] = gc.isenabled()
    gc.disable()


def resume_collector(app: Sphinx) -> None:
    if _was_enabled[0]:
        gc.enable()
    _was_enabled[0] = None


def setup_loading(app: Sphinx) -> None:
    app.connect("config-inited", pause_collector, priority=999)
    app.connect("builder-inited", resume_collector, priority=0)
