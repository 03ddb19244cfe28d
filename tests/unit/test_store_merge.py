"""What a parallel reader sends back: the records it filed, packed. The main process unpacks
only those of the reader's documents, and keeps their packed bytes for its own pickle."""

from __future__ import annotations

import os
import pickle

import pytest
from factories import obj, spec

from sphinx_spec import store as store_module
from sphinx_spec.model import Approach
from sphinx_spec.store import SpecStore


def reader_store(*ids: str) -> SpecStore:
    """A store that filed one spec per id, with an approach, pickled and loaded again, as a
    parallel reader sends it back."""
    reader = SpecStore()
    for spec_id in ids:
        owner = spec(spec_id)
        reader.add_document(owner.docname, owner, [obj(Approach, owner, "a")], [], [])
    return pickle.loads(pickle.dumps(reader))


def test_the_main_process_unpacks_only_the_readers_documents(monkeypatch):
    other = reader_store("A-1", "B-2", "C-3")
    loaded = []
    real_loads = store_module.pickle.loads
    monkeypatch.setattr(
        store_module.pickle, "loads", lambda data: loaded.append(data) or real_loads(data)
    )
    main = SpecStore()
    main.merge({"b-2"}, other)
    assert [s.id for s in main.specs.values()] == ["B-2"]
    assert [o.local_id for o in main.objects["b-2"]] == ["a"]
    assert len(loaded) == 1  # B-2's records: the others stay packed
    assert "_packed" in other.__dict__


def test_the_main_process_pickles_the_merged_records_without_pickling_them_again(
    monkeypatch,
):
    main = SpecStore()
    main.merge({"a-1", "b-2"}, reader_store("A-1", "B-2"))
    made = []
    real_dumps = store_module.pickle.dumps
    monkeypatch.setattr(
        store_module.pickle,
        "dumps",
        lambda value, *args: made.append(value) or real_dumps(value, *args),
    )
    owner = spec("C-3")
    main.add_document("c-3", owner, [], [], [])  # read in this process
    sent = pickle.loads(pickle.dumps(main))
    records = [value for value in made if isinstance(value, tuple) and len(value) == 2]
    assert [value[0].id for value in records if isinstance(value[0], type(owner))] == ["C-3"]
    assert sorted(s.id for s in sent.specs.values()) == ["A-1", "B-2", "C-3"]
    assert [o.local_id for o in sent.objects["a-1"]] == ["a"]


def forked_reader(main: SpecStore, *ids: str) -> bytes:
    """What a reader forked from *main* while it reads sends back, having read one spec per
    id: its store, pickled (as Sphinx pickles a reader's environment)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the reader
        try:
            for spec_id in ids:
                owner = spec(spec_id)
                main.add_document(owner.docname, owner, [obj(Approach, owner, "a")], [], [])
            os.write(write, pickle.dumps(main))
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        sent = pipe.read()
    os.waitpid(pid, 0)
    return sent


forking = pytest.mark.skipif(not hasattr(os, "fork"), reason="readers are forked processes")


@forking
def test_a_forked_reader_sends_back_only_what_it_filed():
    main = SpecStore()
    main.merge({"a-1"}, reader_store("A-1"))  # read by an earlier reader
    main.start_reading()
    sent = forked_reader(main, "B-2", "C-3")
    other = pickle.loads(sent)
    assert sorted(other.references) == ["b-2", "c-3"]
    assert sorted(other.__dict__["_packed"][0]) == ["b-2", "c-3"]
    main.merge({"b-2", "c-3"}, other)
    assert sorted(s.id for s in main.specs.values()) == ["A-1", "B-2", "C-3"]
    assert [o.local_id for o in main.objects["c-3"]] == ["a"]
    # taken for a whole store, what a reader sent makes the next build read every document
    assert other.reread
    # the main process pickles everything, also while reading
    whole = pickle.loads(pickle.dumps(main))
    assert sorted(s.id for s in whole.specs.values()) == ["A-1", "B-2", "C-3"]
    assert not whole.reread


@forking
def test_a_process_forked_when_nothing_is_read_pickles_the_whole_store():
    main = SpecStore()
    main.merge({"a-1"}, reader_store("A-1"))
    main.start_reading()
    main.stop_reading()
    whole = pickle.loads(forked_reader(main, "B-2"))
    assert sorted(s.id for s in whole.specs.values()) == ["A-1", "B-2"]
    assert not whole.reread
