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
- Once the documents are read, and while pages are written, it makes none:
  neither of its own nor in :func:`quietly`. A serial build keeps every
  doctree it read until its page is written, frozen: the collector does not
  free them after. With ``-j 2``, the main process loads each doctree from
  disk, and freeing them took a third of its writing time and kept the build
  from being faster than a serial one: what it keeps is now what a serial
  build keeps (a pass before each page with a view scanned them all: at ten
  thousand specs, a minute). The collector gets its thresholds back when the
  build finishes.
- With ``-j 2``, the main process merges what each reader sends back: the
  reader's whole environment, unpickled. Its full passes wait until the next
  reader is forked (:func:`before_fork`): one pass then frees the last
  reader's environment, and what was merged joins the frozen heap. Left to
  itself, the collector let the readers' environments pile up (at ten
  thousand specs, 7 GiB), and each reader, forked from that heap, scanned it
  and so copied every page of it. A forked process now freezes what it
  inherits (:func:`in_forked_child`).
"""

from __future__ import annotations

import gc
import os
import pickle
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

#: whether the heap is frozen by sphinx-spec (see :mod:`sphinx_spec.loading`)
frozen: list[bool] = [False]

#: documents read between two of the collector's full passes while documents are read
READ_BETWEEN_PASSES = 20

#: while the collector's full passes are paced: its thresholds to restore, the steps, and
#: the phase's steps between two passes (None while pages are written: no passes)
_paced: list[tuple[tuple[int, ...], int, int | None] | None] = [None]


def pace(every: int | None, *, step: bool = True) -> None:
    """One step of a phase of the build (or, without *step*, its start): the first time,
    the collector's full passes are left to this function; every *every* steps (never with
    None), one pass, and what survived joins the frozen heap. Only while the build froze
    the heap and the collector runs."""
    paced = _paced[0]
    if paced is None:
        if not (frozen[0] and gc.isenabled()):
            return
        paced = (gc.get_threshold(), 0, every)
        gc.set_threshold(paced[0][0], paced[0][1], 1 << 30)
    thresholds, steps = paced[0], paced[1] + step
    _paced[0] = (thresholds, steps, every)
    if step and every is not None and steps % every == 0 and gc.isenabled():
        gc.collect()
        gc.freeze()


def reading_documents() -> None:
    """Before the documents are read: in a parallel build, the main process merges what
    each reader sent back, and makes no full passes of its own while it does (see
    :func:`before_fork`)."""
    pace(READ_BETWEEN_PASSES, step=False)


def reading_document() -> None:
    """Before a document is read (no doctree of an earlier one is alive but those Sphinx
    keeps until their pages are written)."""
    pace(READ_BETWEEN_PASSES)


def writing() -> bool:
    """Whether pages are being written (no full passes until the build finishes)."""
    paced = _paced[0]
    return paced is not None and paced[2] is None


def writing_pages() -> None:
    """Once the documents are read: no full passes until the build finishes."""
    pace(None, step=False)


def unpaced() -> None:
    """After a phase (or when the build stops): the collector's own full passes again."""
    if _paced[0] is not None:
        gc.set_threshold(*_paced[0][0])
        _paced[0] = None


@contextmanager
def quietly(keep: bool = True) -> Iterator[None]:
    """The collector paused; afterwards, with *keep*, what was made joins the frozen heap
    (when the build froze it). With *keep*, one pass of the collector first frees the garbage
    among what is not frozen yet, so that none is kept (unless pages are being written: then
    the garbage is kept until the build finishes anyway): what is made here is acyclic,
    freed as soon as it is no longer used. A collector that was stopped stays stopped."""
    enabled = gc.isenabled()
    freeze = enabled and keep and frozen[0]
    if freeze and not writing():  # while pages are written, the garbage is kept anyway
        gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if freeze:
                gc.freeze()
            gc.enable()


def before_fork() -> None:
    """Before a parallel reader is forked: the garbage the last reader's results left is
    freed, and what was merged from them joins the frozen heap, so that neither this
    process nor the reader scans it again."""
    paced = _paced[0]
    if paced is not None and paced[2] is not None and gc.isenabled():
        gc.collect()
        gc.freeze()


def in_forked_child() -> None:
    """In a process forked while the build froze the heap (a parallel reader or writer):
    what it inherited is its parent's to free, and joins its frozen heap. Scanned by the
    child's collector, each page of it would be copied."""
    if frozen[0]:
        gc.freeze()


if hasattr(os, "register_at_fork"):  # (not on Windows, where Sphinx does not fork)
    os.register_at_fork(before=before_fork, after_in_child=in_forked_child)


def load_quietly(pickles: Iterable[bytes]) -> list[Any]:
    """Unpickle each of *pickles* with the collector paused, into the frozen heap."""
    with quietly():
        return [pickle.loads(data) for data in pickles]
