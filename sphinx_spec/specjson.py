"""``spec.json``: the format, written, read and validated in one place.

The build writes it to the output directory once it has read the project (``spec_json``),
and again only when it changed:
every spec and object of this project, sorted and indented so that two builds
of the same sources give the same bytes. ``spec_import`` and ``sphinx-spec
query`` read it back through :func:`parse`, which checks the format version
and the JSON Schema shipped in ``schema/spec.schema.json``.
"""

from __future__ import annotations

import dataclasses
import filecmp
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from sphinx.application import Sphinx
from sphinx.builders import Builder

from sphinx_spec.config import config_location, digest_of
from sphinx_spec.index import ImportedSpecs, ProjectIndex
from sphinx_spec.links import link_url, patterns_of
from sphinx_spec.model import (
    KINDS,
    Approach,
    ErrorPath,
    Flow,
    Located,
    OpenQuestion,
    Reviewed,
    Spec,
    SpecLink,
    SpecObject,
)
from sphinx_spec.report import warn
from sphinx_spec.reviews import DECIDING, object_fingerprint
from sphinx_spec.store import store_of
from sphinx_spec.verification import TestCase, Verified

if TYPE_CHECKING:  # imported when a file is read: most builds never need them
    import jsonschema

#: The format's version; bumped when a field changes meaning or disappears.
FORMAT_VERSION = 1
SCHEMA_PATH = Path(__file__).parent / "schema" / "spec.schema.json"
#: Fields that describe the build machine rather than the spec: left out of the export.
PRIVATE_FIELDS = {"source", "id_explicit", "project", "href", "markup"}
#: Where a record was written in its own project: replaced for a record read back.
LOCATED_FIELDS = {field.name for field in dataclasses.fields(Located)}


class FormatProblem(Exception):
    """Why some bytes are not a ``spec.json`` this version of sphinx-spec reads."""


# -- writing -------------------------------------------------------------------------------


FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def field_names(cls: type) -> tuple[str, ...]:
    names = FIELD_NAMES.get(cls)
    if names is None:
        names = FIELD_NAMES[cls] = tuple(field.name for field in dataclasses.fields(cls))
    return names


def plain(value: Any) -> Any:
    """*value* as JSON writes it, as ``dataclasses.asdict`` gives it (without copying)."""
    if isinstance(value, (str, int, float, type(None))):
        return value
    if isinstance(value, (tuple, list)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: plain(getattr(value, name)) for name in field_names(type(value))}
    return value


def record_fields(record: Located) -> dict[str, Any]:
    fields = {
        name: plain(getattr(record, name))
        for name in field_names(type(record))
        if name not in PRIVATE_FIELDS
    }
    fields["line"] = fields.pop("lineno")
    if "fields" in fields:  # custom fields: an object of name → string or list of strings
        fields["fields"] = {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in record.fields  # type: ignore[attr-defined]
        }
    return fields


def url_of(builder: Builder, record: Located, pages: dict[str, str | None] | None = None) -> str:
    """The record's address relative to the output directory.

    Empty for builders whose output has no per-page web addresses (LaTeX,
    text, man, …). In ``singlehtml`` every record is on the one page.
    """
    if builder.format != "html":
        return ""
    pages = {} if pages is None else pages  # each document's page, as far as known
    if record.docname not in pages:
        pages[record.docname] = page_of(builder, record.docname)
    page = pages[record.docname]
    if page is None:
        return ""
    return f"{page}#{record.anchor}" if record.anchor else page


def page_of(builder: Builder, docname: str) -> str | None:
    """The page of *docname* relative to the output directory; None if it has none."""
    try:
        page: str | None = builder.get_target_uri(docname)
    except Exception:  # a document the builder does not write
        page = None
    if page is not None and page.startswith("#"):  # singlehtml: "#document-<docname>"
        page = f"{builder.config.root_doc}{getattr(builder, 'out_suffix', '.html')}"
    if page is not None:
        page = page or "./"  # dirhtml's root document is the output directory itself
    return page


def spec_entry(index: ProjectIndex, builder: Builder, spec: Spec) -> dict[str, Any]:
    return {**record_fields(spec), **spec_derived(index, builder, spec)}


def spec_derived(
    index: ProjectIndex, builder: Builder, spec: Spec, pages: dict[str, str | None] | None = None
) -> dict[str, Any]:
    """What a spec's entry says beyond its record: where it is, what the project says of it
    (*pages*: each document's page, as far as known)."""
    entry: dict[str, Any] = {"url": url_of(builder, spec, pages)}
    entry["superseded_by"] = index.relations.superseded_by.get(spec.id, [])
    entry["depended_on_by"] = index.relations.depended_on_by.get(spec.id, [])
    entry["counts"] = dict(vars(index.counts_for(spec.id)))  # a flat record of numbers
    patterns = patterns_of(builder.config)
    entry["links"] = [
        {
            "title": link.title,
            "target": link.target,
            "url": link_url(link, index, patterns, lambda target: url_of(builder, target, pages)),
        }
        for link in spec.links
    ]
    entry.update(review_fields(index, spec))
    summary = verification_summary(index, spec.id)
    if summary:
        entry["verification"] = summary
    return entry


def verification_summary(index: ProjectIndex, spec_id: str) -> dict[str, Any]:
    """Per tracked kind with objects in the spec: how many pass, of how many, how many fail."""
    summary = {}
    for kind in sorted(index.tracked):
        count = index.verification_count(spec_id, kind)
        if count.total:
            summary[kind] = count._asdict()
    return summary


def verification_entry(found: Verified) -> dict[str, Any]:
    """An object's state and its tests, each ``(name, outcome)`` once, in report order.

    Where the reports are on this machine is left out: the export describes the spec.
    """
    tests = dict.fromkeys((case.name, case.outcome) for case in found.tests)
    return {
        "state": found.state,
        "tests": [{"name": name, "outcome": outcome} for name, outcome in tests],
    }


def review_fields(index: ProjectIndex, spec: Spec) -> dict[str, Any]:
    """What the spec decides (its fingerprint), who approved which version, its links' reviews."""
    return {
        "fingerprint": index.recorded_fingerprint(spec.id),
        "approvers": list(spec.approvers),
        "approvals": [
            {
                "approver": state.approver,
                "state": state.state,
                "verdict": state.verdict,
                "date": state.approval.date if state.approval else "",
                "listed": state.listed,
                "changed": list(state.changed),
            }
            for state in index.approver_states(spec.id)
        ],
        "reviewed": [
            {"target": entry.target, "fingerprint": entry.fingerprint} for entry in spec.reviewed
        ],
        "link_reviews": [
            {
                "target": link.target,
                "relation": link.relation,
                "state": link.state,
                "changed": list(link.changed),
            }
            for link in index.link_reviews(spec.id)
        ],
    }


def object_entry(index: ProjectIndex, builder: Builder, obj: SpecObject) -> dict[str, Any]:
    return {**object_fields(obj), **object_derived(index, builder, obj)}


def object_fields(obj: SpecObject) -> dict[str, Any]:
    """What an object's entry takes from its record alone."""
    entry = record_fields(obj)
    entry.update(kind=obj.kind, full_id=obj.full_id)
    if obj.kind in DECIDING:  # an approval's own `fingerprint` is the version it approved
        entry["fingerprint"] = object_fingerprint(obj)
    return entry


def object_derived(
    index: ProjectIndex,
    builder: Builder,
    obj: SpecObject,
    pages: dict[str, str | None] | None = None,
) -> dict[str, Any]:
    """What an object's entry says beyond its record: where it is, how it is verified."""
    entry: dict[str, Any] = {"url": url_of(builder, obj, pages)}
    found = index.verification(obj)
    if found is not None:  # a tracked kind (untested without a test), or one a test names
        entry["verification"] = verification_entry(found)
    return entry


def export(index: ProjectIndex, builder: Builder, project: str) -> dict[str, Any]:
    """This project's specs by id and objects by kind and full id."""
    local = index.local
    specs = [spec_entry(index, builder, local.specs[key]) for key in sorted(local.specs)]
    objects = [object_entry(index, builder, local.objects[key]) for key in sorted(local.objects)]
    return {"version": FORMAT_VERSION, "project": project, "specs": specs, "objects": objects}


#: The keys of an export: a file with other keys was written by someone else.
EXPORT_KEYS = {"version", "project", "specs", "objects"}


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


#: What the export keeps of a record's entry between builds: the document and the stamp of
#: the record it was made of (the store's, the same while the document is not read again),
#: a digest of what the project says of it, and where its text is in the file.
Entry = tuple[str, int, bytes, int, int]

#: what separates two entries of a list in the export
SEPARATOR = b",\n    "


def derived_digest(derived: dict[str, Any]) -> bytes:
    return hashlib.blake2b(repr(derived).encode("utf-8", "replace"), digest_size=12).digest()


def entry_bytes(record: Located, fields: Callable[[Any], dict[str, Any]], derived: dict) -> bytes:
    """A record's entry as :func:`dumps` writes it inside the export's lists."""
    text = json.dumps({**fields(record), **derived}, indent=2, sort_keys=True, ensure_ascii=False)
    return text.replace("\n", "\n    ").encode("utf-8", "replace")


class Exported:
    """What the export last wrote to one file, and where each record's entry is in it.

    An entry whose record and derived values are unchanged is copied from the file as
    it was written, not made again; the new text streams to a temporary file, which
    replaces the export only if it differs.
    """

    def __init__(self) -> None:
        #: the store's version and the settings the file was written under, and its stat
        self.key: tuple[Any, ...] = ()
        self.stat: tuple[int, int] = (-1, -1)
        self.digest = ""
        self.entries: dict[tuple[str, str], Entry] = {}
        self.context: tuple[Any, ...] = ()

    def write(
        self,
        target: Path,
        index: ProjectIndex,
        builder: Builder,
        project: str,
        ours: bool,
        context: tuple[Any, ...],
    ) -> None:
        """Write the export to *target* if its text changed (*ours*: *target* is as written)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with open(handle, "wb") as out, open_if(target, ours) as old:
                digest = self.stream(out, old, index, builder, project, context)
            if (ours and digest == self.digest) or (not ours and same_bytes(temporary, target)):
                self.digest = digest
                return  # the same text: the file is left as it is
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)  # as a file written in place would be
            os.replace(temporary, target)
            self.digest = digest
        finally:
            Path(temporary).unlink(missing_ok=True)

    def stream(
        self,
        out: BinaryIO,
        old: BinaryIO | None,
        index: ProjectIndex,
        builder: Builder,
        project: str,
        context: tuple[Any, ...],
    ) -> str:
        """Write the text to *out*, each unchanged entry copied from *old*; its digest.

        *context* is what an object's entry derives from besides its record (the builder
        and its settings, the test reports): while it is the same, an unchanged object's
        entry is copied as it is.
        """
        hasher, fresh = hashlib.sha1(), dict[tuple[str, str], Entry]()
        position = 0

        def emit(data: bytes) -> None:
            nonlocal position
            out.write(data)
            hasher.update(data)
            position += len(data)

        def array(
            entries: Iterator[tuple[tuple[str, str], Located]],
            fields: Callable[[Any], dict[str, Any]],
            derive: Callable[[Any], dict[str, Any]],
            settled: bool,
        ) -> None:
            """The entries; with *settled*, what is derived for a record cannot have changed
            unless the record did (its page, its verification), and is not derived again.

            Unchanged entries that follow each other in the old file are copied as one span,
            with the separators between them."""
            first = True
            span: list[int] = []  # the old file's span being copied: start, end, new start

            def copy_span() -> None:
                if span:
                    old.seek(span[0])  # type: ignore[union-attr]
                    emit(old.read(span[1] - span[0]))  # type: ignore[union-attr]
                    span.clear()

            for key, record in entries:
                separator = b"[\n    " if first else SEPARATOR
                first = False
                docname = record.docname
                stamp = stamps.get(docname, -1)
                kept = self.entries.get(key) if old is not None else None
                same = kept is not None and kept[0] == docname and kept[1] == stamp != -1
                if same and settled:
                    digest = kept[2]  # type: ignore[index]
                else:
                    derived = derive(record)
                    digest = derived_digest(derived)
                if same and kept[2] == digest:  # type: ignore[index]
                    start, length = kept[3], kept[4]  # type: ignore[index]
                    if span and separator == SEPARATOR and start == span[1] + len(SEPARATOR):
                        span[1] = start + length  # it follows the span in the old file too
                    else:
                        copy_span()
                        emit(separator)
                        span[:] = [start, start + length, position]
                    fresh[key] = (docname, stamp, digest, span[2] + start - span[0], length)
                    continue
                copy_span()
                emit(separator)
                data = entry_bytes(record, fields, derived)
                fresh[key] = (docname, stamp, digest, position, len(data))
                emit(data)
            copy_span()
            emit(b"[]" if first else b"\n  ]")

        local, pages, stamps = index.local, dict[str, str | None](), index.stamps
        emit(b'{\n  "objects": ')
        array(
            iter(local.sorted_objects()),
            object_fields,
            lambda obj: object_derived(index, builder, obj, pages),
            context == self.context,
        )
        name = json.dumps(project, ensure_ascii=False).encode("utf-8", "replace")
        emit(b',\n  "project": ' + name + b',\n  "specs": ')
        array(  # a spec's entry says what other documents say of it: always derived
            ((("", key), spec) for key, spec in sorted(local.specs.items())),
            record_fields,
            lambda spec: spec_derived(index, builder, spec, pages),
            False,
        )
        emit(b',\n  "version": %d\n}\n' % FORMAT_VERSION)
        self.entries = fresh  # records gone from the project are forgotten
        self.context = context
        return hasher.hexdigest()


def same_bytes(path: str, other: Path) -> bool:
    try:
        return filecmp.cmp(path, other, shallow=False)
    except OSError:
        return False


@contextmanager
def open_if(path: Path, wanted: bool) -> Iterator[BinaryIO | None]:
    """*path* opened for reading if *wanted* and it can be, else None."""
    try:
        stream = path.open("rb") if wanted else None
    except OSError:
        stream = None
    try:
        yield stream
    finally:
        if stream is not None:
            stream.close()


def file_stat(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)
    return (stat.st_size, stat.st_mtime_ns)


def export_key(app: Sphinx) -> tuple[Any, ...]:
    """What the export's text depends on besides the records: the store's version (any change
    of a document, an import, a report) and the settings the entries read."""
    config = app.config
    names = ("project", "root_doc", "html_file_suffix", "html_link_suffix", "spec_link_patterns")
    return (
        store_of(app.env).version,
        app.builder.name,
        digest_of([getattr(config, name, None) for name in names]),
    )


def write_spec_json(app: Sphinx) -> None:
    """Write the export (``spec_json_file``) next to the pages, for builders that write files.

    A file of that name that the export did not write (an OpenAPI document in
    ``html_extra_path``, say) is left alone, with a warning at ``conf.py``. The file is
    written again only when its text changed, and its text is made again only when
    something changed since it was written (a document, an import, a test report, a
    setting the entries read), each unchanged record's entry kept from the last time.
    """
    if not app.config.spec_json or app.builder.name == "dummy":
        return
    name = app.config.spec_json_file
    target = Path(app.outdir) / name
    store = store_of(app.env)
    exported = store.exported.setdefault(str(target), Exported())
    key, ours = export_key(app), file_stat(target) == exported.stat
    if ours and key == exported.key:
        return  # nothing changed since the export wrote this file
    provider = extra_file(app, name)
    if provider or (target.exists() and not ours and not written_by_export(target)):
        why = f"html_extra_path provides {provider}" if provider else "it is not a spec.json export"
        warn(
            f"spec_json_file: {name} is a file of the project ({why}); it is kept and the export "
            "is not written: set spec_json_file to another name",
            "option",
            config_location(app, "html_extra_path" if provider else "spec_json_file"),
        )
        return
    context = (*key[1:], store.inputs.get("reports"))  # all but the store's version
    exported.write(target, store.index, app.builder, app.config.project, ours, context)
    exported.key, exported.stat = key, file_stat(target)


def extra_file(app: Sphinx, name: str) -> str:
    """The ``html_extra_path`` file that is copied to *name* in the output, or ""."""
    confdir = Path(app.confdir or app.srcdir)
    for entry in getattr(app.config, "html_extra_path", None) or []:
        path = confdir / entry
        if path.is_dir() and (path / name).exists():
            return (Path(entry) / name).as_posix()
        if path.is_file() and path.name == name:
            return Path(entry).as_posix()
    return ""


def written_by_export(path: Path) -> bool:
    """Whether *path* holds what :func:`dumps` writes: a JSON object with exactly its keys."""
    try:
        with path.open("rb") as stream:
            if stream.read(1) != b"{":
                return False
        content = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(content, dict) and set(content) == EXPORT_KEYS


# -- reading -------------------------------------------------------------------------------


def relevance(error: jsonschema.ValidationError) -> tuple[Any, ...]:
    """The most telling schema error first; "unevaluated properties" only echoes another one."""
    from jsonschema.exceptions import by_relevance

    return (error.validator != "unevaluatedProperties", *by_relevance()(error))


def schema_problem(error: jsonschema.ValidationError) -> FormatProblem:
    where = "/".join(str(part) for part in error.absolute_path) or "top level"
    described = isinstance(error.schema, dict) and error.schema.get("description")
    if error.validator == "pattern" and described:
        message = f"{str(error.instance)[:80]!r} is not {described}"
    else:
        message = error.message[:200]
    return FormatProblem(f"does not match the spec.json schema at {where}: {message}")


@cache
def validator() -> jsonschema.protocols.Validator:
    from jsonschema.validators import validator_for

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = validator_for(schema)
    return cls(schema)  # type: ignore[no-any-return]


def parse(data: bytes) -> dict[str, Any]:
    """The file's content, if it is a ``spec.json`` this version of sphinx-spec reads."""
    try:
        content = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FormatProblem("is not UTF-8 text") from exc
    except (ValueError, RecursionError) as exc:
        raise FormatProblem(f"is not valid JSON ({str(exc)[:200]})") from exc
    if not isinstance(content, dict) or "specs" not in content:
        raise FormatProblem("is not a spec.json file (no 'specs' in a JSON object)")
    version = content.get("version")
    if version is None:
        raise FormatProblem("has no 'version' field")
    if version != FORMAT_VERSION:
        raise FormatProblem(
            f"has format version {version!r}; this sphinx-spec reads version {FORMAT_VERSION}"
        )
    from jsonschema.exceptions import best_match

    try:
        error = best_match(validator().iter_errors(content), key=relevance)
        if error is not None:
            raise schema_problem(error)
    except RecursionError as exc:  # a value nested too deeply to describe
        raise FormatProblem("does not match the spec.json schema (nested too deeply)") from exc
    return content


def record_values(cls: type[Spec | SpecObject], entry: dict[str, Any]) -> dict[str, Any]:
    names = {field.name for field in dataclasses.fields(cls)} - LOCATED_FIELDS - {"id_explicit"}
    values = {
        name: tuple(entry[name]) if isinstance(entry[name], list) else entry[name]
        for name in names - {"fields"}
        if name in entry
    }
    values["fields"] = field_values(entry.get("fields"))
    return values


def field_values(written: Any) -> tuple[tuple[str, str | tuple[str, ...]], ...]:
    """Custom fields read back: strings and lists of strings by name; other shapes dropped."""
    if not isinstance(written, dict):
        return ()
    return tuple(
        (name, tuple(value) if isinstance(value, list) else value)
        for name, value in written.items()
        if isinstance(name, str)
        and (
            isinstance(value, str)
            or (isinstance(value, list) and all(isinstance(v, str) for v in value))
        )
    )


def full_id_in_spec(value: str, spec_id: str, kind: str, known: set[tuple[str, str]]) -> str:
    """A local id written in a read-back object, as the full id of the *kind* it means there."""
    return f"{spec_id}.{value}" if value and (kind, f"{spec_id}.{value}") in known else value


def object_values(item: dict[str, Any], known: set[tuple[str, str]]) -> dict[str, Any]:
    """An object's fields; its links to other objects of its spec become full ids.

    *known* holds every ``(kind, full id)`` of the file.
    """
    values = record_values(KINDS[item["kind"]].record, item)
    spec_id = item["spec_id"]
    if item["kind"] == ErrorPath.kind:
        values["flow"] = full_id_in_spec(values.get("flow", ""), spec_id, Flow.kind, known)
        if values.get("step") is not None:  # JSON Schema counts 2.0 as an integer
            values["step"] = int(values["step"])
    if item["kind"] == OpenQuestion.kind:
        values["resolved_by"] = full_id_in_spec(
            values.get("resolved_by", ""), spec_id, Approach.kind, known
        )
    return values


def spec_reviewed(item: dict[str, Any]) -> tuple[Reviewed, ...]:
    """A read-back spec's ``reviewed`` entries (absent in files of earlier versions)."""
    written = item.get("reviewed", ())
    return tuple(Reviewed(entry["target"], entry["fingerprint"]) for entry in written)


def spec_links(item: dict[str, Any]) -> tuple[SpecLink, ...]:
    """A read-back spec's ``links`` (absent in files of earlier versions)."""
    return tuple(SpecLink(link["title"], link["target"]) for link in item.get("links", ()))


def object_verification(
    content: dict[str, Any], origin: str
) -> tuple[tuple[tuple[str, str], Verified], ...]:
    """Each read-back object's exported verification, its tests located at *origin*.

    The schema has checked the states and outcomes; objects without one (files
    of earlier versions, kinds no test named) have none.
    """
    found = []
    for item in content["objects"]:
        written = item.get("verification")
        if written is None:
            continue
        key = (item["kind"], item["full_id"])
        tests = tuple(
            TestCase(test["name"], test["outcome"], (item["full_id"],), origin, 0)
            for test in written["tests"]
        )
        found.append((key, Verified(written["state"], tests)))
    return tuple(found)


def records(
    content: dict[str, Any],
    located: dict[str, Any],
    href: Callable[[str], str],
    origin: str = "",
) -> ImportedSpecs:
    """The records of a parsed ``spec.json``, placed at *located*, linked through *href*.

    Their verification's tests are located at *origin* (the file's path or URL).
    Raises :class:`FormatProblem` when a record valid against the schema
    still cannot be used.
    """
    try:
        specs = tuple(
            Spec(
                **{
                    **record_values(Spec, item),
                    "links": spec_links(item),
                    "reviewed": spec_reviewed(item),
                },
                **located,
                anchor=item["anchor"],
                href=href(item["url"]),
            )
            for item in content["specs"]
        )
        known = {
            (item["kind"], f"{item['spec_id']}.{item['local_id']}") for item in content["objects"]
        }
        objects = tuple(
            KINDS[item["kind"]].record(
                **object_values(item, known),
                **located,
                anchor=item["anchor"],
                href=href(item["url"]),
            )
            for item in content["objects"]
        )
        verification = object_verification(content, origin)
    except (TypeError, ValueError, KeyError, OverflowError) as exc:  # valid, yet unusable
        raise FormatProblem(f"holds a record that cannot be used ({type(exc).__name__})") from exc
    return ImportedSpecs(specs, objects, verification)
