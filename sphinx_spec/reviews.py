"""What a spec decides, as a fingerprint; approvals of one version; links reviewed against one.

A spec's *decision fingerprint* is a digest of exactly what it decides
(:data:`DECIDING`): its status's lifecycle role, its approaches' status and
decision, its goals' metric and target, its non-goals, its flows' steps and
its error paths' condition, action and feedback. Whitespace does not count,
prose does not count, the order of the objects does not count: the digest is
taken over the normalised text, keyed by id, so the same sources give the same
fingerprint on every machine, builder and Sphinx version.

Where a fingerprint is *recorded* (``spec-approval :fingerprint:``, a spec's
``:reviewed:``) it is written as the digest followed by its parts, one short
digest per deciding field of each object::

    5c1f0e9a2b7d status=9a1c approach:storage=3c4d.a1b2 goal:latency=1f3c.0b2e

The digest alone decides whether a record is current; the parts only say what
changed since ("approach `storage` decision changed"). Pure Python: nothing
here imports Sphinx.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from sphinx_spec.model import (
    KINDS,
    Approach,
    Approval,
    ErrorPath,
    Flow,
    Goal,
    NonGoal,
    Spec,
    SpecObject,
)

DIGEST_CHARS = 12
PART_CHARS = 4
#: the part that holds the spec's own status role
STATUS_PART = "status"

Getter = Callable[[SpecObject], str]

#: per kind, the fields that count, in order: (the name messages use, how to read it)
DECIDING: dict[str, tuple[tuple[str, Getter], ...]] = {
    Approach.kind: (
        ("status", lambda obj: obj.status),  # type: ignore[attr-defined]
        ("decision", lambda obj: obj.decision),  # type: ignore[attr-defined]
    ),
    Goal.kind: (
        ("metric", lambda obj: obj.metric),  # type: ignore[attr-defined]
        ("target", lambda obj: obj.target),  # type: ignore[attr-defined]
    ),
    NonGoal.kind: (("statement", lambda obj: obj.title),),
    Flow.kind: (("steps", lambda obj: "\n".join(normal(step) for step in obj.steps)),),  # type: ignore[attr-defined]
    ErrorPath.kind: (
        ("condition", lambda obj: obj.title),
        ("action", lambda obj: obj.action),  # type: ignore[attr-defined]
        ("feedback", lambda obj: obj.feedback),  # type: ignore[attr-defined]
    ),
}

DIGEST = re.compile(rf"[0-9a-f]{{{DIGEST_CHARS}}}\Z")
#: ``kind:local-id=hhhh.hhhh`` (or ``status=hhhh``)
PART = re.compile(
    rf"([a-z-]+(?::[A-Za-z][A-Za-z0-9_.-]*)?)=([0-9a-f]{{{PART_CHARS}}}"
    rf"(?:\.[0-9a-f]{{{PART_CHARS}}})*)\Z"
)


def normal(text: str) -> str:
    """*text* with its whitespace runs made one space: reflowing a line changes nothing."""
    return " ".join(text.split())


def digest(values: object, chars: int = DIGEST_CHARS) -> str:
    data = json.dumps(values, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:chars]


def deciding_values(obj: SpecObject) -> tuple[str, ...] | None:
    """The normalised text of *obj*'s deciding fields; ``None``: its kind decides nothing."""
    fields = DECIDING.get(obj.kind)
    if fields is None:
        return None
    return tuple(normal(read(obj)) if name != "steps" else read(obj) for name, read in fields)


def object_fingerprint(obj: SpecObject) -> str:
    """One object's fingerprint (``spec.json``); ``""`` for a kind that decides nothing."""
    values = deciding_values(obj)
    return "" if values is None else digest([obj.kind, list(values)])


@dataclass(frozen=True)
class Fingerprint:
    """A spec's decision fingerprint: the digest, and per part its fields' short digests.

    A part is :data:`STATUS_PART` or ``kind:local-id``. A fingerprint read from a
    record may lack its parts (then what changed cannot be said).
    """

    digest: str
    parts: Mapping[str, tuple[str, ...]]

    def recorded(self) -> str:
        """How ``sphinx-spec approve`` and ``review`` write it."""
        parts = [f"{key}={'.'.join(self.parts[key])}" for key in sorted(self.parts)]
        return " ".join([self.digest, *parts])


def spec_fingerprint(spec: Spec, objects: Iterable[SpecObject]) -> Fingerprint:
    """What *spec* decides, from its record and its objects."""
    values: dict[str, tuple[str, ...]] = {STATUS_PART: (spec.status_role,)}
    for obj in objects:
        found = deciding_values(obj)
        if found is not None:
            values.setdefault(f"{obj.kind}:{obj.local_id}", found)
    whole = digest(sorted([key, list(found)] for key, found in values.items()))
    parts = {
        key: tuple(digest(value, PART_CHARS) for value in found) for key, found in values.items()
    }
    return Fingerprint(whole, parts)


def parse_fingerprint(text: str) -> Fingerprint | None:
    """A recorded fingerprint read back; ``None`` when *text* is not one."""
    tokens = text.split()
    if not tokens or not DIGEST.match(tokens[0]):
        return None
    parts: dict[str, tuple[str, ...]] = {}
    for token in tokens[1:]:
        match = PART.match(token)
        if match is None:
            return None
        parts[match[1]] = tuple(match[2].split("."))
    return Fingerprint(tokens[0], parts)


def part_label(key: str) -> str:
    """``approach `storage```, ``error path `timeout```, or ``status``."""
    kind, _sep, local_id = key.partition(":")
    if not local_id or kind not in KINDS:
        return key
    return f"{KINDS[kind].label.lower()} `{local_id}`"


def changes(old: Fingerprint | None, new: Fingerprint) -> tuple[str, ...]:
    """What changed from *old* to *new*, for readers: ``approach `storage` decision changed``.

    Empty when nothing did. Without *old*'s parts, one general phrase.
    """
    if old is not None and old.digest == new.digest:
        return ()
    if old is None or not old.parts:
        return ("its decisions changed",)
    said: list[str] = []
    for key in sorted(set(old.parts) | set(new.parts), key=part_order):
        before, after = old.parts.get(key), new.parts.get(key)
        if before == after:
            continue
        if key == STATUS_PART:
            said.append("status changed")
        elif before is None:
            said.append(f"{part_label(key)} added")
        elif after is None:
            said.append(f"{part_label(key)} removed")
        else:
            said.append(f"{part_label(key)} {field_changes(key, before, after)}")
    return tuple(said) or ("its decisions changed",)


def part_order(key: str) -> tuple[int, str]:
    """The status first, then objects in the order :data:`DECIDING` lists their kinds."""
    kinds = [STATUS_PART, *DECIDING]
    kind = key.partition(":")[0]
    return (kinds.index(kind) if kind in kinds else len(kinds), key)


def field_changes(key: str, before: tuple[str, ...], after: tuple[str, ...]) -> str:
    names = [name for name, _read in DECIDING.get(key.partition(":")[0], ())]
    if len(before) != len(after) or len(names) != len(after):
        return "changed"
    changed = [name for name, was, now in zip(names, before, after, strict=True) if was != now]
    if not changed:
        return "changed"
    return f"{' and '.join(changed)} changed"


def summary(found: tuple[str, ...]) -> str:
    """Changes as one phrase: ``a, b and c``."""
    if len(found) <= 1:
        return "".join(found)
    return f"{', '.join(found[:-1])} and {found[-1]}"


@dataclass(frozen=True)
class ApproverState:
    """Where one approver stands on the current version of a spec.

    *state* is one of :data:`~sphinx_spec.model.APPROVAL_STATES`; *approval* is
    the verdict it rests on (``None``: pending); *changed* says what changed since
    a stale verdict's version; *listed* says whether ``:approvers:`` names them.
    """

    approver: str
    state: str
    approval: Approval | None = None
    changed: tuple[str, ...] = ()
    listed: bool = True

    @property
    def verdict(self) -> str:
        return self.approval.verdict if self.approval else ""


def approver_states(
    spec: Spec, approvals: Iterable[Approval], current: Fingerprint
) -> list[ApproverState]:
    """Each listed approver's state, in ``:approvers:`` order, then anyone else who gave one.

    An approver's latest verdict counts (by date, then by place in the document).
    """
    latest: dict[str, Approval] = {}
    for approval in sorted(approvals, key=lambda a: (a.date, a.docname, a.lineno)):
        latest[approval.approver.casefold()] = approval
    listed = {name.casefold(): name for name in spec.approvers}
    states = []
    for folded, name in listed.items():
        states.append(state_of(name, latest.get(folded), current, listed=True))
    for folded, approval in latest.items():
        if folded not in listed:
            states.append(state_of(approval.approver, approval, current, listed=False))
    return states


def state_of(
    name: str, approval: Approval | None, current: Fingerprint, *, listed: bool
) -> ApproverState:
    if approval is None:
        return ApproverState(name, "pending", listed=listed)
    recorded = parse_fingerprint(approval.fingerprint)
    if recorded is None or recorded.digest != current.digest:
        return ApproverState(name, "stale", approval, changes(recorded, current), listed)
    return ApproverState(name, approval.verdict, approval, (), listed)


@dataclass(frozen=True)
class LinkReview:
    """One link from a spec to a spec it depends on or supersedes, against its review.

    *state* is ``reviewed`` (unchanged since), ``suspect`` (changed since: *changed*
    says how) or ``unreviewed`` (no review recorded). *relation* is
    ``depends-on`` or ``supersedes``.
    """

    source: str
    target: str
    relation: str
    state: str
    changed: tuple[str, ...] = ()


def link_reviews(
    spec: Spec, fingerprint_of: Callable[[str], Fingerprint | None]
) -> list[LinkReview]:
    """The review state of each link *spec* makes to a spec that exists (local or imported)."""
    recorded = {entry.target: entry.fingerprint for entry in spec.reviewed}
    reviews = []
    links = [(target, "depends-on") for target in spec.depends_on]
    links += [(target, "supersedes") for target in spec.supersedes]
    seen = set()
    for target, relation in links:
        current = fingerprint_of(target)
        if current is None or target == spec.id or target in seen:
            continue
        seen.add(target)
        if target not in recorded:
            reviews.append(LinkReview(spec.id, target, relation, "unreviewed"))
            continue
        found = changes(parse_fingerprint(recorded[target]), current)
        state = "suspect" if found else "reviewed"
        reviews.append(LinkReview(spec.id, target, relation, state, found))
    return reviews
