"""The records, their id rules and the kind table: pure Python, no Sphinx."""

from __future__ import annotations

import dataclasses
import datetime
import json
from pathlib import Path

import pytest
from factories import obj, spec

from sphinx_spec import model
from sphinx_spec.model import (
    KINDS,
    KINDS_BY_DIRECTIVE,
    OBJECT_KINDS,
    Approach,
    ErrorPath,
    OpenQuestion,
    SpecCounts,
    SpecObject,
    Term,
    count_objects,
    is_valid_id,
    parse_date,
    reverse_relations,
    slugify,
    split_list,
)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Clock skew (EU)", "clock-skew-eu"),
        ("  Retry   storage ", "retry-storage"),
        ("Ünïcödé words", "unicode-words"),
        ("42 answers", "n42-answers"),
        ("", "item"),
    ],
)
def test_slugify_gives_a_readable_id(title, slug):
    assert slugify(title) == slug
    assert is_valid_id(slug)


def test_slugify_of_a_title_without_letters_depends_on_the_title_only():
    assert slugify("日本語") == slugify("日本語")
    assert slugify("日本語") != slugify("中文")
    assert slugify("日本語").startswith("item-")


@pytest.mark.parametrize(
    ("value", "valid"),
    [("PAY-001", True), ("a.b_c-d", True), ("1abc", False), ("", False), ("a b", False)],
)
def test_ids_start_with_a_letter(value, valid):
    assert is_valid_id(value) is valid


def test_split_list_trims_and_drops_empty_items():
    assert split_list(" a, b ,, c ") == ("a", "b", "c")
    assert split_list(None) == ()


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2026-02-28", datetime.date(2026, 2, 28)),
        (" 2026-02-28 ", datetime.date(2026, 2, 28)),
        ("2026-02-30", None),
        ("next week", None),
        ("2026-2-3", None),
    ],
)
def test_parse_date_accepts_real_calendar_dates_only(text, date):
    assert parse_date(text) == date


def test_term_names_are_title_and_aliases_each_once_ignoring_case():
    term = obj(Term, spec("A-1"), "w", title="Widget", aliases=("widget", "Gadget", "", "gadget"))
    assert term.names == ("Widget", "Gadget")


def test_full_id_joins_spec_and_local_id():
    assert obj(Approach, spec("PAY-001"), "storage").full_id == "PAY-001.storage"


def test_every_record_class_has_exactly_one_kind_declaration():
    classes = {
        cls
        for cls in vars(model).values()
        if isinstance(cls, type) and issubclass(cls, SpecObject) and cls is not SpecObject
    }
    assert {kind.record for kind in OBJECT_KINDS} == classes
    assert len(KINDS) == len(OBJECT_KINDS) == len(KINDS_BY_DIRECTIVE)


def test_the_schema_knows_exactly_the_kinds_of_the_kind_table():
    schema = json.loads(
        Path(model.__file__).with_name("schema").joinpath("spec.schema.json").read_text()
    )
    kinds = schema["$defs"]["object"]["properties"]["kind"]["enum"]
    assert kinds == list(KINDS)


def test_every_count_field_of_the_kind_table_is_a_card_count():
    counted = {kind.count for kind in OBJECT_KINDS if kind.count}
    assert counted <= {field.name for field in dataclasses.fields(SpecCounts)}


def test_labels_come_from_the_kind_table():
    assert obj(ErrorPath, spec("A-1"), "E1").label == "Error path"
    assert obj(OpenQuestion, spec("A-1"), "q").label == "Open question"


def test_count_objects_counts_what_the_card_shows():
    owner = spec("A-1")
    objects = [
        obj(Approach, owner, "one"),
        obj(Approach, owner, "two"),
        obj(ErrorPath, owner, "E1"),
        obj(OpenQuestion, owner, "open", blocking=True),
        obj(OpenQuestion, owner, "open-too"),
        obj(OpenQuestion, owner, "done", status="answered", blocking=True),
        obj(Term, owner, "t"),
    ]
    assert count_objects(objects) == SpecCounts(
        approaches=2, error_paths=1, questions=3, questions_open=2, questions_blocking=1, terms=1
    )


def test_reverse_relations_invert_supersedes_and_depends_on_but_not_self_links():
    specs = [
        spec("NEW", supersedes=("OLD", "NEW")),
        spec("USER", depends_on=("OLD",)),
        spec("OLD"),
    ]
    relations = reverse_relations(specs)
    assert relations.superseded_by == {"OLD": ["NEW"]}
    assert relations.depended_on_by == {"OLD": ["USER"]}
