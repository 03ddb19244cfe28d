"""Loading the environment pauses Python's cyclic garbage collector; the build freezes what
was loaded, and gives it back when it finishes. The records are pickled packed, and unpacked
only by a build that uses them."""

from __future__ import annotations

import copyreg
import gc
import os
import pickle
import shutil
import subprocess
import sys
from dataclasses import make_dataclass
from pathlib import Path

import pytest
from helpers import build, warnings_of
from sphinx.errors import SphinxError

from sphinx_spec import model
from sphinx_spec.store import SpecStore, layout


@pytest.fixture
def project(tmp_path, rootdir):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-views", src)
    return src


def add_extension(project, name: str, source: str) -> None:
    """Add the extension module *name* (*source*), next to ``conf.py``, to the project."""
    (project / f"{name}.py").write_text(source, encoding="utf-8")
    conf = project / "conf.py"
    conf.write_text(
        "import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\n"
        + conf.read_text(encoding="utf-8")
        + f"\nextensions.append({name!r})\n",
        encoding="utf-8",
    )


PROBE = """\
import gc

seen = []
frozen = []


def setup(app):
    # after sphinx-spec's pause, before Sphinx loads the environment; and after it
    app.connect("config-inited", lambda app, config: seen.append(gc.isenabled()), priority=1000)
    app.connect("builder-inited", lambda app: seen.append(gc.isenabled()), priority=1000)
    app.connect("env-updated", lambda app, env: frozen.append(gc.get_freeze_count() > 0))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
"""


def test_the_collector_is_paused_while_the_environment_loads_and_runs_after(project):
    add_extension(project, "gcprobe", PROBE)
    build(project)
    app = build(project)  # loads the pickled environment
    import gcprobe

    assert gcprobe.seen == [False, True, False, True]
    assert gc.isenabled()
    assert warnings_of(app) == []
    # what was on the heap when the build started is frozen while it runs, then given back
    assert gcprobe.frozen == [True, True]
    assert gc.get_freeze_count() == 0


WRITE_PROBE = """\
import gc
import weakref


class Node:
    pass


left = []  # weak references to the cyclic garbage each document's reading leaves
seen = []


def leave_garbage(app, doctree):
    node = Node()
    node.itself = node  # a cycle: garbage the collector alone can free
    left.append(weakref.ref(node))


def check(app, doctree, docname):  # while the pages are written
    read_frozen = not any(obj is app.env.titles for obj in gc.get_objects())
    seen.append((read_frozen, all(ref() is None for ref in left), gc.isenabled()))


def setup(app):
    app.connect("doctree-read", leave_garbage)
    app.connect("doctree-resolved", check)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
"""


def test_what_was_read_is_frozen_while_the_pages_are_written_and_its_garbage_freed(project):
    add_extension(project, "writeprobe", WRITE_PROBE)
    build(project)  # afresh: everything read in this build
    import writeprobe

    assert writeprobe.seen
    # the environment read in this build is frozen; the garbage reading left was freed first
    assert set(writeprobe.seen) == {(True, True, True)}
    assert gc.get_freeze_count() == 0


READ_PROBE = """\
import gc
import weakref


class Node:
    pass


left = []  # weak references to the cyclic garbage each document's reading leaves
seen = []  # at each document's source-read, after sphinx-spec's
writing = []  # the collector's full-pass threshold, at each page


def leave_garbage(app, doctree):
    node = Node()
    node.itself = node
    left.append(weakref.ref(node))


def before_reading(app, docname, source):
    freed = [ref() is None for ref in left]
    seen.append((gc.get_threshold()[2], gc.get_freeze_count(), freed))


def page(app, pagename, templatename, context, doctree):
    writing.append(gc.get_threshold()[2])


def setup(app):
    app.connect("doctree-read", leave_garbage)
    app.connect("source-read", before_reading, priority=900)
    app.connect("html-page-context", page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
"""


@pytest.fixture
def thresholds():
    """The collector's thresholds, set to values of this test's own and restored after it."""
    kept = gc.get_threshold()
    gc.set_threshold(701, 11, 9)
    yield (701, 11, 9)
    gc.set_threshold(*kept)


def test_the_collector_passes_every_few_documents_read_and_never_while_pages_are_written(
    project, monkeypatch, thresholds
):
    from sphinx_spec import heap

    monkeypatch.setattr(heap, "READ_BETWEEN_PASSES", 3)
    for n in range(8):
        (project / f"extra-{n}.rst").write_text(f":orphan:\n\nExtra {n}\n=======\n", "utf-8")
    add_extension(project, "readprobe", READ_PROBE)
    build(project)
    import readprobe

    seen = readprobe.seen
    assert len(seen) == 15  # 7 documents of the project and 8 extra
    # the collector's own full passes are off while documents are read, and back after
    assert {threshold for threshold, _, _ in seen} == {1 << 30}
    assert gc.get_threshold() == thresholds
    # before every third document: one full pass frees what the documents read left, and
    # what they added is frozen; in between, nothing more is frozen
    for number, (_, frozen, freed) in enumerate(seen, start=1):
        if number % 3 == 0:
            assert freed == [True] * (number - 1), number
            assert frozen > seen[number - 2][1], number
        elif number > 1:
            assert frozen <= seen[number - 2][1], number  # (frozen objects can be freed)
    assert gc.get_freeze_count() == 0
    # while the pages are written, the collector makes no full pass of its own
    assert len(readprobe.writing) == 17  # 15 pages, the index and the search page
    assert set(readprobe.writing) == {1 << 30}


PARALLEL_PROBE = """\
import gc
import os
import weakref

main = os.getpid()
phase = ["loading"]
passes = []  # in the main process: the phase of each of the collector's full passes
made = []  # a cyclic object the main process made before the readers were forked
merged = []  # weak references to each reader's environment, as it is merged
freed = []  # at each merge: which of the earlier readers' environments are freed
told = []  # the readers that told whether what they inherited is frozen
sent = []  # each reader's documents, and those whose spec data it sent back


def full_pass(stage, info):
    if stage == "start" and info["generation"] == 2 and os.getpid() == main:
        passes.append(phase[0])


def before_reading(app, env, docnames):
    phase[0] = "reading"
    thing = []
    thing.append(thing)
    made.append(thing)


def reading(app, docname, source):
    pid = os.getpid()
    if pid != main and pid not in told:  # a reader, at its first document
        told.append(pid)
        inherited = any(thing is made[0] for thing in gc.get_objects())
        with open(os.environ["PARALLEL_PROBE"], "a", encoding="utf-8") as out:
            out.write(f"{not inherited}\\n")


def merging(app, env, docnames, other):
    freed.append([ref() is None for ref in merged])
    sent.append((sorted(docnames), sorted(other.spec_store.references)))
    merged.append(weakref.ref(other))


def writing(app, env):
    phase[0] = "writing"


def setup(app):
    gc.callbacks.append(full_pass)
    app.connect("env-before-read-docs", before_reading)
    app.connect("source-read", reading)
    app.connect("env-merge-info", merging, priority=999)
    app.connect("env-updated", writing, priority=999)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
"""


def test_parallel_readers_leave_the_main_process_heap_alone_and_it_frees_their_results(
    project, tmp_path, monkeypatch
):
    told = tmp_path / "readers.txt"
    monkeypatch.setenv("PARALLEL_PROBE", str(told))
    for n in range(40):
        (project / f"extra-{n}.rst").write_text(f":orphan:\n\nExtra {n}\n{'=' * 8}\n", "utf-8")
    add_extension(project, "parallelprobe", PARALLEL_PROBE)
    try:
        app = build(project, parallel=2)
    finally:
        import parallelprobe

        gc.callbacks.remove(parallelprobe.full_pass)
    assert warnings_of(app) == []
    # each reader froze what it inherited from the main process: its collector does not
    # scan it (and so copy its pages)
    assert told.read_text(encoding="utf-8").split() == ["True"] * len(parallelprobe.merged)
    # each reader sent back the spec data of its own documents only
    for docnames, sent in parallelprobe.sent:
        assert sent == docnames
    freed = parallelprobe.freed
    assert len(freed) >= 4  # (47 documents: 4 readers)
    # before the next reader is forked, the main process frees the results of those merged:
    # each merge but the last two finds every earlier reader's environment freed
    for number, found in enumerate(freed[:-1]):
        assert found == [True] * number, number
    # its full passes: none while pages are written, views included
    assert "reading" in parallelprobe.passes
    assert "writing" not in parallelprobe.passes
    assert gc.get_freeze_count() == 0


FAILING_READER = """\
def fail(app, doctree):
    raise RuntimeError("a reader that fails")


def setup(app):
    app.connect("doctree-read", fail)
"""


def test_a_build_that_stops_while_reading_gives_the_collector_its_thresholds_back(
    project, thresholds
):
    add_extension(project, "failingreader", FAILING_READER)
    with pytest.raises(SphinxError):
        build(project)
    assert gc.get_threshold() == thresholds
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_process_that_froze_objects_keeps_them_frozen(project):
    gc.freeze()
    try:
        build(project)
        build(project)
        assert gc.get_freeze_count() > 0  # not given back: the process froze them
    finally:
        gc.unfreeze()


def test_a_collector_the_caller_stopped_stays_stopped(project):
    gc.disable()
    try:
        build(project)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_broken_environment_pickle_is_read_afresh_with_the_collector_running(project):
    first = build(project)
    pickled = first.doctreedir / "environment.pickle"
    pickled.write_bytes(pickled.read_bytes()[:100])
    app = build(project)
    assert gc.isenabled()
    assert 'class="spec-view ' in (app.outdir / "views.html").read_text(encoding="utf-8")


def test_a_builder_sphinx_does_not_know_leaves_the_next_build_its_collector(project):
    with pytest.raises(SphinxError):
        build(project, "no-such-builder")
    build(project)
    assert gc.isenabled()


RECORDS_PROBE = """\
import gc

unpacked = []
frozen = []


def check(app, env):
    store = env.spec_store
    unpacked.append("_packed" not in vars(store))
    if unpacked[-1]:  # is a record left alone by the collector (frozen)?
        spec = next(iter(store.specs.values()))
        frozen.append(not any(obj is spec for obj in gc.get_objects()))


def setup(app):
    app.connect("env-updated", check)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
"""


def test_records_are_unpacked_only_by_a_build_that_reads_a_document(project):
    add_extension(project, "recordprobe", RECORDS_PROBE)
    build(project)
    unchanged = build(project)
    page = (unchanged.outdir / "views.html").read_text(encoding="utf-8")
    spec = project / "specs" / "retries.rst"
    spec.write_text(spec.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    edited = build(project)
    import recordprobe

    # built afresh (nothing packed yet), with nothing changed (nothing unpacked), after an edit
    assert recordprobe.unpacked == [True, False, True]
    # records read afresh join the frozen heap with the index derived from them, once read;
    # records unpacked join it as they are unpacked
    assert recordprobe.frozen == [True, True]
    assert (edited.outdir / "views.html").read_text(encoding="utf-8") == page
    assert warnings_of(unchanged) == warnings_of(edited) == []
    assert gc.get_freeze_count() == 0


def test_records_that_cannot_be_unpacked_warn_and_the_next_build_reads_every_document(project):
    fresh = build(project)
    views = (fresh.outdir / "views.html").read_text(encoding="utf-8")
    pickled = fresh.doctreedir / "environment.pickle"
    env = pickle.loads(pickled.read_bytes())
    env.spec_store._packed = b"\x80\x05 not the records"  # damaged
    pickled.write_bytes(pickle.dumps(env, pickle.HIGHEST_PROTOCOL))
    spec = project / "specs" / "retries.rst"
    spec.write_text(spec.read_text(encoding="utf-8") + "\n", encoding="utf-8")

    damaged = build(project)  # reads the edited document, and cannot unpack the others
    [warning] = [line for line in warnings_of(damaged) if "[spec.environment]" in line]
    assert "environment.pickle:1: WARNING: the records kept from the last build" in warning
    assert "the next build reads every document again" in warning

    again = build(project)
    assert warnings_of(again) == []
    assert (again.outdir / "views.html").read_text(encoding="utf-8") == views


class Pickled:
    """Pickles as a store with the given *state*, as another version of sphinx-spec left it."""

    def __init__(self, state: dict) -> None:
        self.state = state

    def __reduce__(self):
        return (copyreg._reconstructor, (SpecStore, object, None), self.state)


def older(state: dict) -> dict:  # before the layout was pickled, with a table since dropped
    state = {name: value for name, value in state.items() if name != "_layout"}
    return {**state, "dropped_table": {}}


def other_records(state: dict) -> dict:  # the layout of records with other fields
    return {**state, "_layout": "0" * 40}


def without_a_table(state: dict) -> dict:  # a table added since
    return {name: value for name, value in state.items() if name not in ("_layout", "reread")}


@pytest.mark.parametrize("kept_by", [older, other_records, without_a_table])
def test_a_store_another_version_kept_is_read_afresh_without_a_warning(project, kept_by):
    fresh = build(project)
    views = (fresh.outdir / "views.html").read_text(encoding="utf-8")
    pickled = fresh.doctreedir / "environment.pickle"
    env = pickle.loads(pickled.read_bytes())
    env.spec_store = Pickled(kept_by(env.spec_store.__getstate__()))
    pickled.write_bytes(pickle.dumps(env, pickle.HIGHEST_PROTOCOL))
    spec = project / "specs" / "retries.rst"
    spec.write_text(spec.read_text(encoding="utf-8") + "\n", encoding="utf-8")

    again = build(project)  # every document is read again, not only the edited one
    assert warnings_of(again) == []
    assert (again.outdir / "views.html").read_text(encoding="utf-8") == views
    assert build(project).env.spec_store.reread is False


def test_the_layout_changes_with_the_fields_of_a_record_class(monkeypatch):
    before = layout.__wrapped__()
    assert layout.__wrapped__() == before
    shape = make_dataclass("Spec", [("new_field", str, "")], bases=(model.Spec,), frozen=True)
    monkeypatch.setattr(model, "Spec", shape)
    assert layout.__wrapped__() != before


def test_an_edit_makes_again_only_what_the_edited_document_holds(project, monkeypatch):
    """What is kept of unchanged records between builds (their packed pickle, their entry in
    ``spec.json``, their spec's decision fingerprint) is used again, not made again."""
    import sphinx_spec.index as index_module
    import sphinx_spec.specjson as specjson_module
    import sphinx_spec.store as store_module

    made: dict[str, list[str]] = {"pickled": [], "exported": [], "decided": []}

    def counted(name, function, what):
        def wrapper(*args, **kwargs):
            made[name].append(what(*args))
            return function(*args, **kwargs)

        return wrapper

    real_pickle = store_module.pickle

    class Pickle:  # the store's pickle module, its records' pickles noted
        HIGHEST_PROTOCOL = real_pickle.HIGHEST_PROTOCOL

        @staticmethod
        def dumps(value, *args, **kwargs):
            if isinstance(value, tuple) and hasattr(value[0], "docname"):
                made["pickled"].append(value[0].docname)
            return real_pickle.dumps(value, *args, **kwargs)

    monkeypatch.setattr(store_module, "pickle", Pickle)
    entry_bytes = specjson_module.entry_bytes
    monkeypatch.setattr(
        specjson_module, "entry_bytes", counted("exported", entry_bytes, lambda r, *a: r.docname)
    )
    fingerprint = index_module.spec_fingerprint
    monkeypatch.setattr(
        index_module, "spec_fingerprint", counted("decided", fingerprint, lambda s, *a: s.docname)
    )
    first = build(project)
    fresh = {name: sorted(set(docs)) for name, docs in made.items()}
    assert (
        fresh["pickled"]
        == fresh["exported"]
        == sorted(["specs/audit", "specs/legacy", "specs/retries", "specs/sessions"])
    )
    for name in made:
        made[name].clear()
    spec = project / "specs" / "retries.rst"
    spec.write_text(spec.read_text(encoding="utf-8").replace("Retries", "Retrying", 1), "utf-8")
    edited = build(project)
    assert {name: sorted(set(docs)) for name, docs in made.items()} == {
        "pickled": ["specs/retries"],
        "exported": ["specs/retries"],
        "decided": ["specs/retries"],
    }
    exported = (edited.outdir / "spec.json").read_text(encoding="utf-8")
    assert "Retrying" in exported
    assert warnings_of(first) == warnings_of(edited) == []


EXIT_PROBE = """\
import atexit
import gc
import os


def setup(app):
    @atexit.register  # runs after the build, before Python's last pass of the collector
    def note():
        if "EXIT_PROBE" in os.environ:  # in sphinx-build (not when the tests build in-process)
            with open(os.environ["EXIT_PROBE"], "w", encoding="utf-8") as out:
                out.write(f"{gc.get_freeze_count() > 0} {gc.isenabled()}")

    return {"parallel_read_safe": True, "parallel_write_safe": True}
"""


def test_sphinx_build_keeps_the_heap_frozen_on_its_way_out(project, tmp_path):
    add_extension(project, "exitprobe", EXIT_PROBE)
    noted = tmp_path / "exit.txt"
    environ = {**os.environ, "EXIT_PROBE": str(noted), "PYTHONPATH": str(Path.cwd())}
    for _build in range(2):  # afresh, then on the kept environment
        done = subprocess.run(
            [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(project), str(tmp_path / "o")],
            env=environ,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert noted.read_text(encoding="utf-8") == "True True"
    # a process that goes on after the build (here, the tests') gets the heap back
    build(project)
    assert gc.get_freeze_count() == 0
