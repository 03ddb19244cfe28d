"""The fixed words of cards, objects and views come from the shipped message catalog."""

from __future__ import annotations

import pytest
from helpers import html, text_of

pytestmark = [
    pytest.mark.sphinx("html", testroot="locale"),
    pytest.mark.test_params(shared_result="locale-shared"),
]


def test_view_column_headers_are_translated(app):
    app.build()
    headers = [text_of(th) for th in html(app, "index").select("table.spec-view-spec-tradeoffs th")]
    assert headers == [
        "Ansatz",
        "Entscheidung",
        "Begründung",
        "Auswirkung",
        "Status",
        "Spezifikation",
    ]


def test_no_match_note_is_translated(app):
    app.build()
    note = html(app, "index").select_one("p.spec-view-empty")
    assert text_of(note) == "Keine passenden Zugeständnisse."


def test_open_questions_summary_is_translated(app):
    app.build()
    summary = html(app, "index").select_one("p.spec-view-summary")
    assert text_of(summary) == "1 offen · 0 beantwortet · 0 zurückgestellt · 1 blockierend"


def test_card_and_object_labels_are_translated(app):
    app.build()
    page = html(app, "index")
    card_fields = [dt.get_text().strip() for dt in page.select("div.spec-card dt")]
    assert "Verantwortliche:" in card_fields
    assert "Offene Fragen:" in card_fields
    card_values = [text_of(dd) for dd in page.select("div.spec-card dd")]
    assert "1 offen von 1, 1 blockierend" in card_values
    assert text_of(page.select_one("div.spec-approach .spec-label")) == "Ansatz"
