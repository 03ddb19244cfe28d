"""The project index: layers, id contests, lookups and term precedence."""

from __future__ import annotations

from factories import imported, obj, spec, store

from sphinx_spec.index import ImportedSpecs, ProjectIndex
from sphinx_spec.model import Approach, Flow, Goal, NonGoal, OpenQuestion, Term

ALPHA = spec("ALPHA-1", "alpha")
BETA = spec("BETA-2", "beta", supersedes=("ALPHA-1",))


def test_the_first_document_by_name_wins_a_spec_id_and_keeps_its_objects():
    first, second = spec("SAME", "a-first"), spec("SAME", "b-second")
    index = store(
        (second, [obj(Approach, second, "lost")]), (first, [obj(Approach, first, "kept")])
    ).index
    assert index.specs["SAME"] is first
    assert index.local.duplicate_specs == [(first, second)]
    assert index.resolve("approach", "SAME.kept", None) is not None
    assert index.resolve("approach", "SAME.lost", None) is None
    assert index.spec_of_doc == {"a-first": first}


def test_imported_specs_form_their_own_layer():
    other = imported("LED-1")
    term = obj(Term, other, "journal", title="Journal")
    index = store((ALPHA, []), imports=[ImportedSpecs((other,), (term,))]).index
    assert set(index.local.specs) == {"ALPHA-1"}
    assert set(index.imported.specs) == {"LED-1"}
    assert set(index.specs) == {"ALPHA-1", "LED-1"}
    assert index.resolve("term", "Journal", "alpha") is term
    assert index.local.objects == {}


def test_an_imported_spec_with_a_local_id_is_left_out_with_its_objects():
    clash = imported("ALPHA-1")
    index = store(
        (ALPHA, []), imports=[ImportedSpecs((clash,), (obj(Approach, clash, "theirs"),))]
    ).index
    assert index.specs["ALPHA-1"] is ALPHA
    assert index.shadowed == [clash]
    assert index.resolve("approach", "ALPHA-1.theirs", None) is None


def test_the_first_import_wins_an_id_two_imports_share():
    first, second = imported("LED-1", "First"), imported("LED-1", "Second")
    index = store(imports=[ImportedSpecs((first,), ()), ImportedSpecs((second,), ())]).index
    assert index.specs["LED-1"] is first
    assert index.imported.duplicate_specs == [(first, second)]


def test_reverse_links_are_this_projects_only():
    successor = imported("NEXT-1", supersedes=("ALPHA-1",))
    index = store((ALPHA, []), (BETA, []), imports=[ImportedSpecs((successor,), ())]).index
    assert index.relations.superseded_by == {"ALPHA-1": ["BETA-2"]}


def test_dotted_ids_that_reach_one_full_id_keep_the_first_documents_object():
    outer, inner = spec("A"), spec("A.B")
    first = obj(Approach, outer, "B.c")
    again = obj(Approach, inner, "c")
    index = store((inner, [again]), (outer, [first])).index
    assert index.local.duplicate_objects == [(first, again)]
    assert index.resolve("approach", "A.B.c", None) is first


def test_a_local_id_resolves_in_its_own_spec_before_a_full_id_elsewhere():
    mine = obj(Approach, ALPHA, "storage")
    theirs = obj(Approach, BETA, "storage")
    index = store((ALPHA, [mine]), (BETA, [theirs])).index
    assert index.resolve("approach", "storage", "beta") is theirs
    assert index.resolve("approach", "ALPHA-1.storage", "beta") is mine
    assert index.resolve("approach", "storage", "elsewhere") is None


def test_goal_role_finds_non_goals_too():
    goal, non_goal = obj(Goal, ALPHA, "fast"), obj(NonGoal, ALPHA, "cheap")
    index = store((ALPHA, [goal, non_goal])).index
    assert index.resolve("goal", "ALPHA-1.fast", None) is goal
    assert index.resolve("goal", "cheap", "alpha") is non_goal


def test_terms_by_name_prefer_the_referring_spec_then_the_first_spec_id():
    zeta = spec("ZETA-9", "aaa")  # its document sorts first, its id last
    alpha_widget = obj(Term, ALPHA, "widget", title="Widget")
    zeta_widget = obj(Term, zeta, "widget", title="Widget", aliases=("gadget",))
    index = store((zeta, [zeta_widget]), (ALPHA, [alpha_widget])).index
    assert index.term_by_name("widget", None) is alpha_widget
    assert index.term_by_name("WIDGET", "aaa") is zeta_widget
    assert index.term_by_name("Gadget", "alpha") is zeta_widget
    assert index.resolve("term", "Widget", None, by_name=False) is None


def test_this_projects_definitions_come_before_imported_ones():
    other = imported("AAA-0")
    theirs = obj(Term, other, "widget", title="Widget")
    ours = obj(Term, ALPHA, "widget", title="Widget")
    index = store((ALPHA, [ours]), imports=[ImportedSpecs((other,), (theirs,))]).index
    assert index.definitions("widget") == [ours, theirs]


def test_any_finds_each_object_whose_id_is_the_target_once():
    flow = obj(Flow, ALPHA, "checkout")
    approach = obj(Approach, ALPHA, "checkout")
    index = store((ALPHA, [flow, approach])).index
    assert index.resolve_any("ALPHA-1.checkout", None) == [approach, flow]
    assert index.resolve_any("ALPHA-1", None) == [ALPHA]


def test_counts_cover_both_layers_and_unknown_specs_count_nothing():
    other = imported("LED-1")
    question = obj(OpenQuestion, other, "q", blocking=True)
    index = store((ALPHA, []), imports=[ImportedSpecs((other,), (question,))]).index
    assert index.counts_for("LED-1").questions_blocking == 1
    assert index.counts_for("NOPE").questions == 0


def test_the_store_rebuilds_the_index_after_any_change():
    records = store((ALPHA, []))
    before = records.index
    assert records.index is before
    records.purge("alpha")
    assert records.index is not before
    assert records.index.specs == {}


def test_merge_takes_the_other_readers_documents_only():
    mine, theirs = store((ALPHA, [])), store((BETA, []), (spec("GAMMA-3"), []))
    mine.merge({"beta"}, theirs)
    assert set(mine.index.specs) == {"ALPHA-1", "BETA-2"}


def test_an_index_of_nothing_answers_nothing():
    index = ProjectIndex({}, {})
    assert index.resolve("spec", "A", None) is None
    assert index.term_by_name("x", None) is None
