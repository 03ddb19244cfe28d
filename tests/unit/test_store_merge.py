"""What a parallel reader sends back: every document's records, packed. The main process
unpacks only those of the reader's documents, and keeps their packed bytes for the next
reader, forked from it, to send back as they are."""

from __future__ import annotations

import pickle

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


def test_the_next_reader_sends_the_merged_records_back_without_pickling_them_again(
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
    main.add_document("c-3", owner, [], [], [])  # what the next reader reads
    sent = pickle.loads(pickle.dumps(main))
    records = [value for value in made if isinstance(value, tuple) and len(value) == 2]
    assert [value[0].id for value in records if isinstance(value[0], type(owner))] == ["C-3"]
    assert sorted(s.id for s in sent.specs.values()) == ["A-1", "B-2", "C-3"]
    assert [o.local_id for o in sent.objects["a-1"]] == ["a"]
