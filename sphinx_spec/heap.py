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

The collector's full passes are paced by the build's phases; its young
generations are collected as before.

- While documents are read, a full pass is made every
  :data:`READ_BETWEEN_PASSES` documents, before the next is read, rather than
  whenever the heap has grown by a quarter: each pass frees the garbage the
  parsers left and freezes what the documents added (Sphinx keeps every
  doctree read until its page is written), so that no later pass scans it
  again. Left to itself, the collector scanned each surviving object four or
  five times; at a thousand specs, that took two fifths of the time spent
  reading.
- While pages are written, the collector makes none of its own (those of
  :func:`quietly` are made). A serial build keeps every doctree it read until
  its page is written, frozen: the collector does not free them after. With
  ``-j 2``, the main process loads each doctree from disk, and freeing them
  took a third of its writing time and kept the build from being faster than
  a serial one: what it keeps is now what a serial build keeps. The collector
  gets its thresholds back when the build finishes.
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

#: while the collector's full passes are paced: its thresholds to restore, and the steps
_paced: list[tuple[tuple[int, ...], int] | None] = [None]


def pace(every: int | None) -> None:
    """One step of a phase of the build: the first time, the collector's full passes are
    left to this function; every *every* steps (never with None), one pass, and what
    survived joins the frozen heap. Only while the build froze the heap and the collector
    runs."""
    paced = _paced[0]
    if paced is None:
        if not (frozen[0] and gc.isenabled()):
            return
        paced = (gc.get_threshold(), 0)
        gc.set_threshold(paced[0][0], paced[0][1], 1 << 30)
    thresholds, steps = paced[0], paced[1] + 1
    _paced[0] = (thresholds, steps)
    if every is not None and steps % every == 0 and gc.isenabled():
        gc.collect()
        gc.freeze()


def reading_document() -> None:
    """Before a document is read (no doctree of an earlier one is alive but those Sphinx
    keeps until their pages are written)."""
    pace(READ_BETWEEN_PASSES)


def writing_page() -> None:
    """When a page's doctree is resolved: no full passes until the build finishes."""
    pace(None)


def unpaced() -> None:
    """After a phase (or when the build stops): the collector's own full passes again."""
    if _paced[0] is not None:
        gc.set_threshold(*_paced[0][0])
        _paced[0] = None


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
