"""``spec_import``: other projects' specs in this project's views and references.

Each entry of ``spec_import`` names another project's ``spec.json``, by path
(relative to ``conf.py``) or http(s) URL, with an optional base URL for links.
The files are read again at the start of every build, validated against the
shipped JSON Schema, and turned into records marked as external. Nothing in
them is executed; their text reaches pages as docutils text only, and their
links must be relative URLs, joined to the entry's base.

A problem with an entry is a ``spec.import`` warning at its line in ``conf.py``;
the build goes on without that entry.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urljoin, urlsplit

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from sphinx_spec.checks import config_location
from sphinx_spec.exchange import FORMAT_VERSION, SCHEMA_PATH
from sphinx_spec.model import (
    OBJECT_CLASSES,
    ErrorPath,
    Located,
    OpenQuestion,
    Spec,
    SpecObject,
)
from sphinx_spec.report import warn
from sphinx_spec.store import ImportedSpecs, get_store

if TYPE_CHECKING:  # imported when a project imports something: most builds never need them
    import jsonschema

#: A larger file is refused rather than read into memory.
MAX_BYTES = 64 * 1024 * 1024
LINK_SCHEMES = ("http", "https")
#: Characters a browser drops from URLs, which could hide a scheme.
UNSAFE_URL_CHARACTERS = {chr(n) for n in range(0x21)} | {"\x7f"}


class ImportProblem(Exception):
    """Why an entry of ``spec_import`` could not be used."""


class ImportEntry(NamedTuple):
    """One entry of ``spec_import``, as written, and where ``conf.py`` writes it."""

    source: str
    base: str
    location: str


def is_url(source: str) -> bool:
    return urlsplit(source).scheme.lower() in LINK_SCHEMES


def safe_link(url: str) -> bool:
    """Whether *url* is an http(s) URL or a relative one, with nothing a browser would drop."""
    if any(char in UNSAFE_URL_CHARACTERS - {" "} for char in url) or url[:1] == " ":
        return False
    scheme = urlsplit(url).scheme.lower()
    return scheme in LINK_SCHEMES or (not scheme and ":" not in url.split("/", 1)[0])


def read_entries(app: Sphinx) -> Iterator[ImportEntry]:
    """The well-formed entries of ``spec_import``; the others warn."""
    value = app.config.spec_import
    if isinstance(value, str):  # a single path written without a list
        value = [value]
    for item in value:
        if isinstance(item, str):
            source, base = item, ""
        elif (
            isinstance(item, (list, tuple))
            and len(item) == 2
            and all(isinstance(part, str) for part in item)
        ):
            source, base = item
        else:
            warn(
                f"spec_import: entry {item!r} is neither a path or URL nor a "
                "(path or URL, base URL) pair; it is ignored",
                "import",
                config_location(app, "spec_import"),
            )
            continue
        location = config_location(app, "spec_import", source)
        if not source.strip():
            warn("spec_import: an entry is empty; it is ignored", "import", location)
        elif base and not safe_link(base):
            warn(
                f"spec_import: base {base!r} of {source!r} is neither an http(s) URL nor a "
                "relative path; the entry is ignored",
                "import",
                location,
            )
        else:
            yield ImportEntry(source.strip(), base.strip(), location)


def fetch(url: str, timeout: float) -> bytes:
    """The body at *url*, within *timeout* seconds for the whole download."""
    import requests

    deadline = time.monotonic() + timeout
    try:
        with requests.get(url, timeout=timeout, stream=True) as response:
            response.raise_for_status()
            data = bytearray()
            for chunk in response.iter_content(chunk_size=1 << 16):
                data += chunk
                if len(data) > MAX_BYTES:
                    raise ImportProblem(f"is larger than {MAX_BYTES >> 20} MiB")
                if time.monotonic() > deadline:
                    raise requests.Timeout()
            return bytes(data)
    except requests.HTTPError as exc:
        answer = exc.response
        status = f"{answer.status_code} {answer.reason}" if answer is not None else "error"
        raise ImportProblem(f"could not be fetched (HTTP {status})") from exc
    except requests.Timeout as exc:
        raise ImportProblem(f"could not be fetched (no answer within {timeout:g} s)") from exc
    except requests.ConnectionError as exc:
        host = urlsplit(url).netloc
        raise ImportProblem(f"could not be fetched (no connection to {host})") from exc
    except requests.RequestException as exc:
        raise ImportProblem(f"could not be fetched ({type(exc).__name__})") from exc


def read_file(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ImportProblem(f"is larger than {MAX_BYTES >> 20} MiB")
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise ImportProblem(f"does not exist (looked for {path})") from exc
    except IsADirectoryError as exc:
        raise ImportProblem("is a directory, not a spec.json file") from exc
    except OSError as exc:
        raise ImportProblem(f"could not be read ({exc.strerror or exc})") from exc


def relevance(error: jsonschema.ValidationError) -> tuple[Any, ...]:
    """The most telling schema error first; "unevaluated properties" only echoes another one."""
    from jsonschema.exceptions import by_relevance

    return (error.validator != "unevaluatedProperties", *by_relevance()(error))


def schema_problem(error: jsonschema.ValidationError) -> ImportProblem:
    where = "/".join(str(part) for part in error.absolute_path) or "top level"
    described = isinstance(error.schema, dict) and error.schema.get("description")
    if error.validator == "pattern" and described:
        message = f"{str(error.instance)[:80]!r} is not {described}"
    else:
        message = error.message[:200]
    return ImportProblem(f"does not match the spec.json schema at {where}: {message}")


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
        raise ImportProblem("is not UTF-8 text") from exc
    except (ValueError, RecursionError) as exc:
        raise ImportProblem(f"is not valid JSON ({str(exc)[:200]})") from exc
    if not isinstance(content, dict) or "specs" not in content:
        raise ImportProblem("is not a spec.json file (no 'specs' in a JSON object)")
    version = content.get("version")
    if version is None:
        raise ImportProblem("has no 'version' field")
    if version != FORMAT_VERSION:
        raise ImportProblem(
            f"has format version {version!r}; this sphinx-spec reads version {FORMAT_VERSION}"
        )
    from jsonschema.exceptions import best_match

    try:
        error = best_match(validator().iter_errors(content), key=relevance)
        if error is not None:
            raise schema_problem(error)
    except RecursionError as exc:  # a value nested too deeply to describe
        raise ImportProblem("does not match the spec.json schema (nested too deeply)") from exc
    return content


def link_base(entry: ImportEntry, confdir: Path, outdir: Path) -> str:
    """What the records' ``url`` fields are relative to, ending with ``/``.

    The entry's base if given; for a URL, its directory; for a file, the
    file's directory, relative to this project's output directory.
    """
    if entry.base:
        return entry.base if entry.base.endswith("/") else f"{entry.base}/"
    if is_url(entry.source):
        return urljoin(entry.source, ".")
    directory = (confdir / entry.source).resolve().parent
    relative = Path(os.path.relpath(directory, outdir.resolve())).as_posix()
    return "" if relative == "." else f"{relative}/"


def join(base: str, url: str) -> str:
    """*url* (relative, as ``spec.json`` writes it) joined to *base*; "" if unsafe or no url.

    A ``spec.json`` written by a builder without web pages (LaTeX, text) has no
    urls: its records are shown without links.
    """
    if not url:
        return ""
    if is_url(base):
        href = urljoin(base, url)
    else:
        href = f"{base}{url}"
    return href if safe_link(href) else ""


#: where a record was written in its own project: replaced for an imported record
LOCATED_FIELDS = {field.name for field in dataclasses.fields(Located)}


def record_values(cls: type[Spec | SpecObject], entry: dict[str, Any]) -> dict[str, Any]:
    names = {field.name for field in dataclasses.fields(cls)} - LOCATED_FIELDS - {"id_explicit"}
    return {
        name: tuple(entry[name]) if isinstance(entry[name], list) else entry[name]
        for name in names
        if name in entry
    }


def full_id_in_spec(value: str, spec_id: str, known: set[str]) -> str:
    """A local id written in an imported object, as the full id it means there."""
    return f"{spec_id}.{value}" if value and f"{spec_id}.{value}" in known else value


def imported_records(content: dict[str, Any], entry: ImportEntry, base: str) -> ImportedSpecs:
    conf_file, _, line = entry.location.rpartition(":")
    project = content.get("project") or entry.source
    located: dict[str, Any] = {
        "docname": "",
        "source": conf_file,
        "lineno": int(line),
        "project": project,
    }
    specs = tuple(
        Spec(
            **record_values(Spec, item),
            **located,
            anchor=item["anchor"],
            href=join(base, item["url"]),
        )
        for item in content["specs"]
    )
    full_ids = {
        (item["kind"], f"{item['spec_id']}.{item['local_id']}") for item in content["objects"]
    }
    flows = {full_id for kind, full_id in full_ids if kind == "flow"}
    approaches = {full_id for kind, full_id in full_ids if kind == "approach"}
    objects: list[SpecObject] = []
    for item in content["objects"]:
        cls = OBJECT_CLASSES[item["kind"]]
        values = record_values(cls, item)
        if cls is ErrorPath:
            values["flow"] = full_id_in_spec(values.get("flow", ""), item["spec_id"], flows)
            if values.get("step") is not None:  # JSON Schema counts 2.0 as an integer
                values["step"] = int(values["step"])
        if cls is OpenQuestion:
            values["resolved_by"] = full_id_in_spec(
                values.get("resolved_by", ""), item["spec_id"], approaches
            )
        objects.append(
            cls(**values, **located, anchor=item["anchor"], href=join(base, item["url"]))
        )
    return ImportedSpecs(specs, tuple(objects))


def load(app: Sphinx, entry: ImportEntry) -> ImportedSpecs:
    confdir = Path(app.confdir)
    if is_url(entry.source):
        data = fetch(entry.source, float(app.config.spec_import_timeout))
    elif len(urlsplit(entry.source).scheme) > 1:  # one letter: a Windows drive
        raise ImportProblem("is neither a file path nor an http(s) URL")
    else:
        data = read_file(confdir / entry.source)
    content = parse(data)
    base = link_base(entry, confdir, Path(app.outdir))
    try:
        return imported_records(content, entry, base)
    except (TypeError, ValueError, KeyError, OverflowError) as exc:  # valid, yet unusable
        raise ImportProblem(f"holds a record that cannot be used ({type(exc).__name__})") from exc


def import_specs(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Read every ``spec_import`` entry again, before the documents are read."""
    imported = []
    for entry in read_entries(app):
        try:
            imported.append(load(app, entry))
        except ImportProblem as problem:
            warn(
                f"spec_import: {entry.source} {problem}; its specs are left out",
                "import",
                entry.location,
            )
    get_store(env).set_imported(imported)


def setup_federation(app: Sphinx) -> None:
    app.connect("env-before-read-docs", import_specs)
