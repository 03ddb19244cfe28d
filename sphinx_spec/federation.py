"""``spec_import``: fetch other projects' ``spec.json`` files and link their records.

Each entry of ``spec_import`` names another project's ``spec.json``, by path
(relative to ``conf.py``) or http(s) URL, with an optional base URL for links.
This module fetches the files and works out where their records link to;
:mod:`sphinx_spec.specjson` validates them and turns them into records of
the imported layer. Nothing in them is executed; their text reaches pages as
docutils text only, and their links must be relative URLs, joined to the
entry's base.

A problem with an entry is a ``spec.import`` warning at its line in ``conf.py``;
the build goes on without that entry.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

from sphinx.application import Sphinx

from sphinx_spec.config import config_location
from sphinx_spec.index import ImportedSpecs
from sphinx_spec.report import warn
from sphinx_spec.specjson import FormatProblem, parse, records

#: A larger file is refused rather than read into memory.
MAX_BYTES = 64 * 1024 * 1024
#: Bytes asked for per read of a download: small, so that a stop is noticed soon.
READ_SIZE = 1 << 14
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
    for item in app.config.spec_import:  # a list: see config.import_value
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
    """The body at *url*, within *timeout* seconds for the whole download.

    The download runs in a worker thread, so that the deadline holds however
    the server answers: headers sent slowly, a body trickled a byte at a time,
    a connection that never closes. At the deadline the build goes on without
    the entry; the worker stops at its next read.
    """
    outcome: list[bytes | BaseException] = []
    stop = threading.Event()

    def work() -> None:
        try:
            outcome.append(download(url, timeout, stop))
        except BaseException as exc:  # handed to the waiting thread
            outcome.append(exc)

    worker = threading.Thread(target=work, name=f"sphinx-spec import {url}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive() or not outcome:
        stop.set()
        raise ImportProblem(f"could not be fetched (no complete answer within {timeout:g} s)")
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


def download(url: str, timeout: float, stop: threading.Event) -> bytes:
    """The body at *url*, at most :data:`MAX_BYTES`; gives up when *stop* is set."""
    import requests

    try:
        with requests.get(url, timeout=timeout, stream=True) as response:
            response.raise_for_status()
            data = bytearray()
            for chunk in response.iter_content(chunk_size=READ_SIZE):
                if stop.is_set():
                    raise ImportProblem("was abandoned at the deadline")
                data += chunk
                if len(data) > MAX_BYTES:
                    raise ImportProblem(f"is larger than {MAX_BYTES >> 20} MiB")
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
    """The file's bytes, at most :data:`MAX_BYTES` of them, counted as they are read.

    A device file reports no size (``/dev/zero`` never ends): what counts is
    what was read. A named pipe or socket is refused, since opening one waits
    for a writer.
    """
    try:
        if stat.S_ISFIFO(path.stat().st_mode) or stat.S_ISSOCK(path.stat().st_mode):
            raise ImportProblem("is a pipe or socket, not a spec.json file")
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except FileNotFoundError as exc:
        raise ImportProblem(f"does not exist (looked for {path})") from exc
    except IsADirectoryError as exc:
        raise ImportProblem("is a directory, not a spec.json file") from exc
    except OSError as exc:
        raise ImportProblem(f"could not be read ({exc.strerror or exc})") from exc
    if len(data) > MAX_BYTES:
        raise ImportProblem(f"is larger than {MAX_BYTES >> 20} MiB")
    return data


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


def imported_records(content: dict[str, Any], entry: ImportEntry, base: str) -> ImportedSpecs:
    """The entry's records, placed at its line in ``conf.py``, linked from *base*."""
    conf_file, _, line = entry.location.rpartition(":")
    located = {
        "docname": "",
        "source": conf_file,
        "lineno": int(line),
        "project": content.get("project") or entry.source,
    }
    return records(content, located, lambda url: join(base, url), entry.source)


def load(app: Sphinx, entry: ImportEntry) -> ImportedSpecs:
    confdir = Path(app.confdir)
    if is_url(entry.source):
        data = fetch(entry.source, float(app.config.spec_import_timeout))
    elif len(urlsplit(entry.source).scheme) > 1:  # one letter: a Windows drive
        raise ImportProblem("is neither a file path nor an http(s) URL")
    else:
        data = read_file(confdir / entry.source)
    content = parse(data)
    return imported_records(content, entry, link_base(entry, confdir, Path(app.outdir)))


def import_specs(app: Sphinx) -> list[ImportedSpecs]:
    """Read every ``spec_import`` entry; an unusable one warns and is left out."""
    imported = []
    for entry in read_entries(app):
        try:
            imported.append(load(app, entry))
        except (ImportProblem, FormatProblem) as problem:
            warn(
                f"spec_import: {entry.source} {problem}; its specs are left out",
                "import",
                entry.location,
            )
    return imported
