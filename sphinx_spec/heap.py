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

While documents are read, the collector's full passes are made every
:data:`READ_BETWEEN_PASSES` documents, before the next is read, rather than
whenever the heap has grown by a quarter: each pass frees the garbage the
parsers left and freezes what the documents added (Sphinx keeps every doctree
read until its page is written), so that no later pass scans it again. Left to
itself, the collector scans each surviving object some four or five times
while ten thousand documents are read; it took some two fifths of the time
spent reading. The young generations are collected as before.
"""

from __future__ import annotations

import gc
import pickle
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

#: whether the heap is frozen by sphinx-spec (see :mod:`sphinx_spec.loading`)
frozen: list[bool] = [False]

#: documents read between two of the collector's full passes while documents are read
READ_BETWEEN_PASSES = 20

#: while documents are read: the collector's thresholds to restore, and the documents read
_reading: list[tuple[tuple[int, ...], int] | None] = [None]


def reading_document() -> None:
    """Before a document is read: the first time, the collector's full passes are left to
    this function; every :data:`READ_BETWEEN_PASSES` documents, one pass, and what survived
    joins the frozen heap. Only while the build froze the heap and the collector runs."""
    reading = _reading[0]
    if reading is None:
        if not (frozen[0] and gc.isenabled()):
            return
        reading = (gc.get_threshold(), 0)
        gc.set_threshold(reading[0][0], reading[0][1], 1 << 30)
    thresholds, read = reading[0], reading[1] + 1
    _reading[0] = (thresholds, read)
    if read % READ_BETWEEN_PASSES == 0 and gc.isenabled():
        gc.collect()
        gc.freeze()


def done_reading() -> None:
    """After reading (or when the build stops): the collector's own full passes again."""
    if _reading[0] is not None:
        gc.set_threshold(*_reading[0][0])
        _reading[0] = None


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
