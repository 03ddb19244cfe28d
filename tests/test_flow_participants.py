"""``spec-flow``'s ``:participants:``: who takes part, and whose message each step is.

The project ``test-flow-participants`` draws flows with named participants in
reStructuredText (``services.rst``) and MyST (``services-md.md``), and the lists
an author can get wrong (``bad.rst``): empty names, repeats, only commas, names
full of Mermaid and HTML syntax, a list that names only the actor.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
from helpers import build, html, located
from test_incremental_fresh import fresh_build, output_of, replace

from sphinx_spec.specjson import SCHEMA_PATH

ROOT = Path(__file__).parent / "roots" / "test-flow-participants"
FRONT_MATTER = ["---", "config: {sequence: {useMaxWidth: false, wrap: true}}", "---"]

pytestmark = pytest.mark.sphinx("html", testroot="flow-participants")
shared = pytest.mark.test_params(shared_result="flow-participants-shared")

CAPTURE = [
    "sequenceDiagram",
    "participant A as nowrap:Shopper",
    "participant S as nowrap:Gateway",
    "participant S2 as nowrap:Payments",
    "participant S3 as nowrap:Payment provider",
    "A->>S: 1. Shopper sends the order to the Gateway.",
    "S->>S2: 2. Gateway asks Payments to charge the card.",
    "S2->>S2: 3. Payments: records the attempt.",
    "S3->>S2: 4. payment provider approves the charge and tells Payments.",
    "alt Card declined",
    "S-->>A: Refuse the order",
    "Note over A,S: Ask for another card",
    "end",
    "A->>S: 5. The browser polls for the receipt.",
    "S->>A: 6. Gateway returns the receipt to the shopper.",
]


def flow_diagram(app, docname: str, local_id: str) -> list[str]:
    """The Mermaid source of a flow's diagram, line by line, stripped."""
    page = html(app, docname)
    target = page.find("span", id=re.compile(rf"^flow-.*-{re.escape(local_id.lower())}$"))
    assert target is not None, f"no flow {local_id} on {docname}"
    diagram = target.parent.find("pre", class_="mermaid")
    assert diagram is not None, f"flow {local_id} on {docname} has no diagram"
    return [line.strip() for line in diagram.get_text().strip().splitlines()]


def body_of(lines: list[str]) -> list[str]:
    """The diagram without its front matter."""
    assert lines[:3] == FRONT_MATTER, lines[:3]
    return lines[3:]


@shared
@pytest.mark.parametrize("docname", ["services", "services-md"])
def test_each_step_is_the_message_of_the_participant_it_starts_with(app, docname):
    app.build()
    assert body_of(flow_diagram(app, docname, "capture")) == CAPTURE


@shared
def test_the_actor_keeps_its_place_in_the_participants(app):
    app.build()
    assert body_of(flow_diagram(app, "services", "middle")) == [
        "sequenceDiagram",
        "participant S as nowrap:Front desk",
        "participant A as nowrap:Clerk",
        "participant S2 as nowrap:Ledger",
        "S->>A: 1. Front desk hands the form to the Clerk.",
        "A->>S2: 2. Clerk books it in the Ledger.",
    ]


@shared
def test_bad_participant_lists_warn_where_written(app):
    app.build()
    warnings = located(app, "option")
    assert warnings == [
        "bad.rst:7: spec-flow: :participants: has an empty name in 'Gateway, , gateway, Ledger,'",
        "bad.rst:7: spec-flow: :participants: names 'gateway' twice; drawn once",
        "bad.rst:15: spec-flow: :participants: names no participant; the system is drawn",
        "services-md.md:28: spec-flow: :participants: names 'GATEWAY' twice; drawn once",
    ]


@shared
def test_empty_and_repeated_names_are_drawn_once(app):
    app.build()
    assert body_of(flow_diagram(app, "bad", "repeats")) == [
        "sequenceDiagram",
        "participant A as nowrap:Shopper",
        "participant S as nowrap:Gateway",
        "participant S2 as nowrap:Ledger",
        "S->>S2: 1. Gateway books it in the Ledger.",
    ]
    assert body_of(flow_diagram(app, "services-md", "repeated"))[1:3] == [
        "participant A as nowrap:Shopper",
        "participant S as nowrap:Gateway",
    ]


@shared
@pytest.mark.parametrize("local_id", ["commas", "lonely"])
def test_a_list_without_another_participant_draws_the_system(app, local_id):
    app.build()
    lines = body_of(flow_diagram(app, "bad", local_id))
    assert lines[1:3] == ["participant A as nowrap:Shopper", "participant S as nowrap:System"]
    assert lines[3] == "A->>S: 1. Shopper pays."


@shared
def test_mermaid_and_html_syntax_in_names_stays_text(app):
    """Keywords are only names (each participant has its own Mermaid id); syntax is escaped."""
    app.build()
    lines = body_of(flow_diagram(app, "bad", "syntax"))
    assert lines[1:7] == [
        "participant A as nowrap:Shopper#59; #34;admin#34; #35;1",
        "participant S as nowrap:end",
        "participant S2 as nowrap:alt",
        "participant S3 as nowrap:participant",
        "participant S4 as nowrap:Ops #40;on-call#41; #60;team#62; #35;2#59; 50#37; "
        "#123;x#125; #91;y#93; #124; #96;z#96; #38; #34;q#34;",
        "participant S5 as nowrap:A-#62;#62;B: hi",
    ]
    assert lines[7:] == [
        'A->>S: 1. Shopper#59; "admin" #35;1 asks end to start.',
        "S->>S2: 2. end tells alt to loop.",
        "S5->>S: 3. A->>B: hi answers end.",
    ]


@shared
def test_participants_are_in_spec_json_and_it_validates(app):
    app.build()
    exported = json.loads((Path(app.outdir) / "spec.json").read_text(encoding="utf-8"))
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.validate(exported, schema, cls=jsonschema.Draft202012Validator)
    flows = {obj["full_id"]: obj for obj in exported["objects"] if obj["kind"] == "flow"}
    assert flows["SVC-001.capture"]["participants"] == ["Gateway", "Payments", "Payment provider"]
    assert flows["SVC-001.middle"]["participants"] == ["Front desk", "Clerk", "Ledger"]
    assert flows["SVC-001.plain"]["participants"] == ["Gateway"]
    assert flows["SVC-002.capture"]["participants"] == ["Gateway", "Payments", "Payment provider"]
    assert flows["BAD-001.repeats"]["participants"] == ["Gateway", "Ledger"]
    assert flows["BAD-001.commas"]["participants"] == []
    flows["SVC-001.capture"]["participants"] = "Gateway, Payments"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(exported, schema, cls=jsonschema.Draft202012Validator)


@pytest.mark.sphinx("text", testroot="flow-participants")
def test_other_builders_show_the_source_without_the_web_layout(app):
    """The e-book, PDF or text reader sees the diagram source as written: no front matter."""
    app.build()
    text = (Path(app.outdir) / "services.txt").read_text(encoding="utf-8")
    assert "participant S as Gateway" in text
    assert "S->>S2: 2. Gateway asks Payments to charge the card." in text
    assert "config:" not in text
    assert "nowrap:" not in text


@pytest.mark.parametrize("jobs", [1, 2], ids=["j1", "j2"])
def test_editing_participants_redraws_like_a_fresh_build(tmp_path, jobs):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    build(src, parallel=jobs)
    services = src / "services.rst"

    replace(services, ", Payments, Payment provider\n", "\n")
    second = build(src, parallel=jobs)
    lines = body_of(flow_diagram(second, "services", "capture"))
    assert "S->>S: 2. Gateway asks Payments to charge the card." in lines
    assert output_of(second) == fresh_build(src, tmp_path / "fresh-1")

    replace(services, "   :participants: Gateway\n", "")
    third = build(src, parallel=jobs)
    lines = body_of(flow_diagram(third, "services", "capture"))
    assert lines[1:3] == ["participant A as nowrap:Shopper", "participant S as nowrap:System"]
    assert output_of(third) == fresh_build(src, tmp_path / "fresh-2")
