"""Loading many objects without Python's cyclic garbage collector watching.

:mod:`sphinx_spec.loading` freezes the heap for the duration of a build
(:func:`gc.freeze`); what is unpickled later in the build, such as the
records the store unpacks when first used, joins it.
"""

from __future__ import annotations

import gc
import pickle
from collections.abc import Iterable
from typing import Any

#: whether the heap is frozen by sphinx-spec (see :mod:`sphinx_spec.loading`)
frozen: list[bool] = [False]


def load_quietly(pickles: Iterable[bytes]) -> list[Any]:
    """Unpickle each of *pickles* with the collector paused; what they held joins the frozen
    heap when the build froze it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return [pickle.loads(data) for data in pickles]
    finally:
        if enabled:
            if frozen[0]:
                gc.freeze()
            gc.enable()
