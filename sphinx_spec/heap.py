"""Making many long-lived objects without Python's cyclic garbage collector watching.

:mod:`sphinx_spec.loading` freezes the heap for the duration of a build
(:func:`gc.freeze`). What sphinx-spec derives later in the build and keeps
until it ends (the records the store unpacks when first used, the project
index, the checks' findings, the page digests, the export's bookkeeping) is
made with the collector paused and joins the frozen heap: made with the
collector on, each of the collector's full passes would scan it again, and at
ten thousand specs those passes took a fifth of a build after an edit.
Before the collector is paused, one pass of it frees the garbage among what is
not frozen yet (such as the doctrees the readers left), so that none is frozen.
"""

from __future__ import annotations

import gc
import pickle
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

#: whether the heap is frozen by sphinx-spec (see :mod:`sphinx_spec.loading`)
frozen: list[bool] = [False]


@contextmanager
def quietly(keep: bool = True) -> Iterator[None]:
    """The collector paused; afterwards, with *keep*, what was made joins the frozen heap
    (when the build froze it). With *keep*, one pass of the collector first frees the garbage
    among what is not frozen yet, so that none is kept: what is made here is acyclic, freed
    as soon as it is no longer used. A collector that was stopped stays stopped."""
    enabled = gc.isenabled()
    freeze = enabled and keep and frozen[0]
    if freeze:
        gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if freeze:
                gc.freeze()
            gc.enable()


def load_quietly(pickles: Iterable[bytes]) -> list[Any]:
    """Unpickle each of *pickles* with the collector paused, into the frozen heap."""
    with quietly():
        return [pickle.loads(data) for data in pickles]
