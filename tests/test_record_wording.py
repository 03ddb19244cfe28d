"""What the page shows is what the records hold: after substitutions and translation.

Record text reaches the views, the glossary, the sequence diagram and
``spec.json``; each must show the words of the page, not the source's.
"""

from __future__ import annotations

import json
from pathlib import Path

from helpers import build, html, text_of, warnings_of
from test_views_incremental import column, rows, view

DOCUMENT = """\
Plans
=====

.. spec:: Retries in |product|
   :id: PAY-1
   :status: draft

   Make |product| retry failed charges.

   .. spec-approach:: Let |product| retry
      :id: retry
      :status: chosen
      :decision: |product| retries, from |version| on.
      :rationale: Banks answer |late|.

   .. spec-flow:: Checkout in |product|
      :id: checkout
      :diagram: sequence

      1. The shopper opens |product|.
      2. |product| charges the card.

   .. spec-term:: Desk

      The |product| front end.

   Not a substitution: a \\|product\\| here.

.. spec-tradeoffs:: Trade-offs

.. spec-glossary:: Glossary

.. |late| replace:: slowly
"""

CONF = """\
extensions = ["sphinx_spec"]
project = "Wording"
version = "2.1"
rst_prolog = ".. |product| replace:: Paydesk\\n"
"""


def project(root: Path, document: str = DOCUMENT, conf: str = CONF) -> Path:
    src = root / "src"
    src.mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(conf, encoding="utf-8")
    (src / "index.rst").write_text(document, encoding="utf-8")
    return src


def exported(app) -> dict[str, dict]:
    data = json.loads((Path(app.outdir) / "spec.json").read_text(encoding="utf-8"))
    found = {spec["id"]: spec for spec in data["specs"]}
    found.update({obj["full_id"]: obj for obj in data["objects"]})
    return found


def diagram_source(app) -> str:
    return text_of(html(app, "index").select_one("pre.mermaid"))


def test_substitutions_reach_titles_options_and_records(tmp_path):
    app = build(project(tmp_path))
    assert warnings_of(app) == []
    page = html(app, "index")
    shown = [text_of(fields) for fields in page.select("dl.spec-fields")]
    assert any("Paydesk retries, from 2.1 on." in text for text in shown), shown
    assert not [text for text in shown if "|" in text], shown
    assert text_of(page.select_one(".spec-card-title .spec-title")) == "Retries in Paydesk"
    titles = [text_of(t) for t in page.select(".spec-object-title .spec-title")]
    assert titles[:2] == ["Let Paydesk retry", "Checkout in Paydesk"]
    records = exported(app)
    assert records["PAY-1"]["title"] == "Retries in Paydesk"
    assert records["PAY-1.retry"]["title"] == "Let Paydesk retry"
    # an option's text, with a definition from rst_epilog's place (the end of the document)
    assert records["PAY-1.retry"]["decision"] == "Paydesk retries, from 2.1 on."
    assert records["PAY-1.retry"]["rationale"] == "Banks answer slowly."
    assert records["PAY-1.checkout"]["steps"] == [
        "The shopper opens Paydesk.",
        "Paydesk charges the card.",
    ]
    assert records["PAY-1.desk"]["text"] == "The Paydesk front end."


def test_views_and_the_sequence_diagram_show_the_substituted_words(tmp_path):
    app = build(project(tmp_path))
    page = html(app, "index")
    trade_offs = view(page, "Trade-offs")
    assert [cell for cell in column(trade_offs, "Approach") if "Let Paydesk retry" in cell]
    assert column(trade_offs, "Decision") == ["Paydesk retries, from 2.1 on."]
    glossary = rows(view(page, "Glossary"))
    assert any("The Paydesk front end." in " ".join(row.values()) for row in glossary), glossary
    source = diagram_source(app)
    assert "1. The shopper opens Paydesk." in source
    assert "2. Paydesk charges the card." in source
    assert "|product|" not in source


def test_text_that_is_not_a_substitution_stays_as_written(tmp_path):
    app = build(project(tmp_path))
    assert "Not a substitution: a |product| here." in text_of(html(app, "index").body)


def test_an_unknown_name_between_bars_stays_in_titles(tmp_path):
    document = DOCUMENT.replace("Retries in |product|", "Retries | in |nothing|")
    app = build(project(tmp_path, document))
    assert exported(app)["PAY-1"]["title"] == "Retries | in |nothing|"
    title = html(app, "index").select_one(".spec-card-title .spec-title")
    assert text_of(title) == "Retries | in |nothing|"


TRANSLATED = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "The shopper opens |product|."
msgstr "Die Kundin öffnet |product|."

msgid "|product| charges the card."
msgstr "|product| belastet die Karte."

msgid "The |product| front end."
msgstr "Die Oberfläche von |product|."
"""


def test_translated_steps_and_definitions_reach_the_records(tmp_path):
    src = project(
        tmp_path,
        conf=CONF + 'language = "de"\nlocale_dirs = ["locales"]\ngettext_compact = False\n',
    )
    catalog = src / "locales" / "de" / "LC_MESSAGES"
    catalog.mkdir(parents=True)
    (catalog / "index.po").write_text(TRANSLATED, encoding="utf-8")
    app = build(src)
    page = html(app, "index")
    assert "Die Kundin öffnet Paydesk." in text_of(page.body)
    records = exported(app)
    assert records["PAY-1.checkout"]["steps"] == [
        "Die Kundin öffnet Paydesk.",
        "Paydesk belastet die Karte.",
    ]
    assert records["PAY-1.desk"]["text"] == "Die Oberfläche von Paydesk."
    assert "1. Die Kundin öffnet Paydesk." in diagram_source(app)
    glossary = rows(view(page, "Glossary"))
    assert any("Die Oberfläche von Paydesk." in " ".join(row.values()) for row in glossary)
