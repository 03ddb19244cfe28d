"""Decision fingerprints in real builds: the same on every builder, ``-j`` and Sphinx version,
exported in ``spec.json`` and carried across ``spec_import``.

``tests/roots/test-fingerprint-stable`` writes one decision twice, in RST (FPR-1)
and in MyST (FPM-1). Each spec has two approvals: alice's holds the golden
fingerprint below literally, carol's an older one. A build that computed any
other digest would call alice's approval stale; every build must call carol's
stale, which shows that the builder checked the approvals at all.

``tests/roots/test-fingerprint-import-b`` (project "Ledger", LED-1) is imported
by ``tests/roots/test-fingerprint-import-a`` (project "Payments": PAY-1 in RST
and PAY-2 in MyST depend on LED-1 and record it as reviewed).
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import sphinx
from helpers import build, located, warnings_of
from sphinx.testing.util import SphinxTestApp
from test_exchange import schema
from test_incremental import copy_project

from sphinx_spec.store import store_of

ROOTS = Path(__file__).parent / "roots"
STABLE = ROOTS / "test-fingerprint-stable"

#: The golden fingerprint of the decision in test-fingerprint-stable, computed once and
#: committed (it is written literally in alice's approvals there). It guards stability across
#: machines, builders, -j, markups and Sphinx/docutils/MyST versions: the suite runs on the
#: oldest supported Sphinx (8.1) and the newest (9.0), and a digest that moved on either
#: would make alice's approvals stale and fail these tests.
GOLDEN = (
    "7f1ef3e2ff08 approach:storage=0388.fd8a error:declined=8c5e.78c9.88dd flow:retry=a2c0 "
    "goal:latency=b783.4d5d non-goal:offline=b81f status=d288"
)
#: what carol's approvals say changed since the version she approved
CAROL_CHANGED = "approach `storage` decision changed and error path `declined` added"
CAROL = [
    f"{source}: the approval by carol is for an earlier version of {spec} ({CAROL_CHANGED}); "
    f"it does not count until `sphinx-spec approve {spec} --by carol` is run again"
    for source, spec in (("decision-md.md:67", "FPM-1"), ("decision.rst:61", "FPR-1"))
]


def exported(app: SphinxTestApp) -> dict:
    return json.loads((Path(app.outdir) / "spec.json").read_text(encoding="utf-8"))


def specs_of(app: SphinxTestApp) -> dict[str, dict]:
    return {spec["id"]: spec for spec in exported(app)["specs"]}


# -- the same fingerprint everywhere --------------------------------------------------------

BUILDS = [("html", 1), ("html", 2), ("latex", 1), ("text", 1), ("singlehtml", 1)]


@pytest.fixture(scope="module")
def stable_builds(tmp_path_factory) -> dict[tuple[str, int], SphinxTestApp]:
    """The stable root built once per builder and ``-j``, each from its own fresh copy."""
    apps = {}
    for builder, jobs in BUILDS:
        base = tmp_path_factory.mktemp(f"stable-{builder}-j{jobs}")
        apps[builder, jobs] = build(copy_project(STABLE, base / "src"), builder, parallel=jobs)
    return apps


@pytest.mark.parametrize(("builder", "jobs"), BUILDS, ids=[f"{b}-j{j}" for b, j in BUILDS])
def test_every_builder_and_j_computes_the_golden_fingerprint(stable_builds, builder, jobs):
    app = stable_builds[builder, jobs]
    # alice's approvals (golden) count; carol's (earlier version) are stale: nothing else warns
    assert len(warnings_of(app)) == len(CAROL)
    assert located(app, "review") == CAROL
    specs = specs_of(app)
    assert specs["FPR-1"]["fingerprint"] == specs["FPM-1"]["fingerprint"] == GOLDEN
    states = {s["approver"]: s["state"] for s in specs["FPM-1"]["approvals"]}
    assert states == {"alice": "approved", "carol": "stale"}
    assert specs["FPM-1"]["link_reviews"] == [
        {"target": "FPR-1", "relation": "depends-on", "state": "reviewed", "changed": []}
    ]


def test_the_parallel_build_read_in_parallel_and_exported_the_same_bytes(stable_builds):
    serial, parallel = stable_builds["html", 1], stable_builds["html", 2]
    assert parallel.parallel == 2 and parallel.is_parallel_allowed("read")
    one = (Path(serial.outdir) / "spec.json").read_bytes()
    assert (Path(parallel.outdir) / "spec.json").read_bytes() == one


def test_builders_without_web_pages_export_the_same_records_without_urls(stable_builds):
    def without_urls(app: SphinxTestApp) -> dict:
        data = exported(app)
        for record in data["specs"] + data["objects"]:
            record.pop("url")
            for link in record.get("links", []):
                link.pop("url")
        return data

    html = without_urls(stable_builds["html", 1])
    for builder in ("latex", "text", "singlehtml"):
        assert without_urls(stable_builds[builder, 1]) == html, builder


def test_the_golden_fingerprint_holds_on_this_sphinx_version(stable_builds):
    """Run by both the oldest and the newest supported Sphinx: the digest did not move."""
    app = stable_builds["html", 1]
    assert specs_of(app)["FPR-1"]["fingerprint"] == GOLDEN, f"Sphinx {sphinx.__display_version__}"
    assert not [line for line in warnings_of(app) if "alice" in line]


# -- spec.json carries it all ---------------------------------------------------------------


def test_spec_json_carries_fingerprints_approvals_and_reviews(stable_builds):
    data = exported(stable_builds["html", 1])
    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
    fpr = specs_of(stable_builds["html", 1])["FPR-1"]
    assert fpr["approvers"] == ["alice"]
    assert fpr["approvals"] == [
        {"approver": "alice", "state": "approved", "verdict": "approved", "date": "2026-11-27",
         "listed": True, "changed": []},
        {"approver": "carol", "state": "stale", "verdict": "approved", "date": "2026-11-20",
         "listed": False, "changed": ["approach `storage` decision changed",
                                      "error path `declined` added"]},
    ]  # fmt: skip
    assert fpr["reviewed"] == [] and fpr["link_reviews"] == []
    fpm = specs_of(stable_builds["html", 1])["FPM-1"]
    assert fpm["reviewed"] == [{"target": "FPR-1", "fingerprint": GOLDEN}]
    objects = {(obj["kind"], obj["full_id"]): obj for obj in data["objects"]}
    # each deciding object's digest, and the short form the spec's fingerprint records for it
    parts = dict(part.split("=") for part in GOLDEN.split()[1:])
    for kind in ("approach", "goal", "non-goal", "flow", "error"):
        found = [obj for (k, full_id), obj in objects.items() if k == kind and "FPR-1" in full_id]
        assert len(found) == 1 and len(found[0]["fingerprint"]) == 12
        twin = objects[kind, found[0]["full_id"].replace("FPR-1", "FPM-1")]
        assert twin["fingerprint"] == found[0]["fingerprint"]
        assert f"{kind}:{found[0]['local_id']}" in parts
    alice = objects["approval", "FPR-1.alice"]
    assert (alice["date"], alice["verdict"], alice["fingerprint"]) == (
        "2026-11-27",
        "approved",
        GOLDEN,
    )


# -- across spec_import ---------------------------------------------------------------------

IMPORT_A, IMPORT_B = ROOTS / "test-fingerprint-import-a", ROOTS / "test-fingerprint-import-b"
SUSPECT = [
    f"{source}: spec {spec} depends on LED-1, which changed since it was reviewed: "
    f"approach `storage` decision changed; review the change, then run "
    f"`sphinx-spec review {spec}`"
    for source, spec in (("refunds.rst:4", "PAY-1"), ("payouts.md:3", "PAY-2"))
]


def two_projects(base: Path) -> tuple[Path, Path]:
    """Copies of the Payments (a) and Ledger (b) roots; Ledger built to b/_build/html."""
    a_src = copy_project(IMPORT_A, base / "a" / "src")
    b_src = copy_project(IMPORT_B, base / "b" / "src")
    ledger = build(b_src)
    assert warnings_of(ledger) == []
    return a_src, b_src


def change_ledger_decision(b_src: Path) -> None:
    page = b_src / "index.rst"
    text = page.read_text(encoding="utf-8")
    assert ":decision: Append-only table" in text
    page.write_text(text.replace("Append-only table", "Rows in a Kafka topic"), encoding="utf-8")


def test_an_imported_spec_keeps_the_fingerprint_its_project_exported(tmp_path):
    a_src, b_src = two_projects(tmp_path)
    ledger_export = json.loads((b_src.parent / "_build" / "html" / "spec.json").read_bytes())
    jsonschema.validate(ledger_export, schema(), cls=jsonschema.Draft202012Validator)
    exported_fingerprint = ledger_export["specs"][0]["fingerprint"]
    payments = build(a_src)
    assert warnings_of(payments) == []
    index = store_of(payments.env).index
    led = index.specs["LED-1"]
    assert led.external and led.fingerprint == exported_fingerprint
    assert index.fingerprint("LED-1").recorded() == exported_fingerprint
    reviews = specs_of(payments)
    for spec_id in ("PAY-1", "PAY-2"):
        assert reviews[spec_id]["link_reviews"] == [
            {"target": "LED-1", "relation": "depends-on", "state": "reviewed", "changed": []}
        ]
    # the imported approval reads back, and counts for the version Ledger exported
    [bob] = index.approvals_of("LED-1")
    assert (bob.approver, bob.verdict, bob.date) == ("bob", "approved", "2026-11-26")
    assert [(s.approver, s.state) for s in index.approver_states("LED-1")] == [("bob", "approved")]


@pytest.mark.parametrize("builder", ["html", "latex", "text"])
def test_a_changed_decision_in_the_other_project_makes_the_links_suspect(tmp_path, builder):
    a_src, b_src = two_projects(tmp_path)
    assert warnings_of(build(a_src, builder)) == []
    change_ledger_decision(b_src)
    ledger = build(b_src)
    assert [line.split(" WARNING")[0] for line in warnings_of(ledger)] == [
        "index.rst:19:",  # bob's approval is stale in Ledger itself
        "index.rst:4:",  # and LED-1 is accepted without a current approval
    ]
    payments = build(a_src, builder)  # incremental: only the import changed
    assert located(payments, "review") == SUSPECT
    assert len(warnings_of(payments)) == 2
    for spec_id in ("PAY-1", "PAY-2"):
        assert specs_of(payments)[spec_id]["link_reviews"] == [
            {"target": "LED-1", "relation": "depends-on", "state": "suspect",
             "changed": ["approach `storage` decision changed"]}
        ]  # fmt: skip
    # the imported approval was given on the earlier version: stale, and it says why
    [bob] = store_of(payments.env).index.approver_states("LED-1")
    assert (bob.state, bob.changed) == ("stale", ("approach `storage` decision changed",))


def test_an_export_without_fingerprints_is_fingerprinted_from_its_records(tmp_path):
    """A spec.json written before fingerprints existed: the importer computes the same one."""
    a_src, b_src = two_projects(tmp_path)
    path = b_src.parent / "_build" / "html" / "spec.json"
    data = json.loads(path.read_bytes())
    for spec in data["specs"]:
        for key in ("fingerprint", "approvers", "approvals", "reviewed", "link_reviews"):
            del spec[key]
    for obj in data["objects"]:
        obj.pop("fingerprint", None)
    data["objects"] = [obj for obj in data["objects"] if obj["kind"] != "approval"]
    path.write_text(json.dumps(data), encoding="utf-8")
    payments = build(a_src)
    assert warnings_of(payments) == []
    assert specs_of(payments)["PAY-1"]["link_reviews"][0]["state"] == "reviewed"
