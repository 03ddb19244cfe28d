"""``spec_import`` within its limits: a deadline for the whole download, a cap on bytes read.

Servers that misbehave run on 127.0.0.1, started by the tests: one that sends
its headers a byte at a time, one that trickles its body, one that never
answers, one that sends more than the cap. Each entry warns ``spec.import``
at its line in ``conf.py`` and the build goes on without it.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import build, html, text_of, warnings_of

import sphinx_spec.federation

TIMEOUT = 1
#: Generous: a hang would never end; a deadline that holds ends within a second or two.
HANG = 30

DOCUMENT = """\
Plans
=====

.. spec:: Local spec
   :id: LOC-1
   :status: draft

After the spec.
"""


@contextmanager
def serve(answer: Callable[[socket.socket, threading.Event], None]) -> Iterator[str]:
    """A server on 127.0.0.1 that answers every connection with *answer*; yields its URL."""
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=respond, args=(conn,), daemon=True).start()

    def respond(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                answer(conn, stop)
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/spec.json"
    finally:
        stop.set()
        thread.join()
        listener.close()


def slow_headers(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    while not stop.wait(0.2):
        conn.sendall(b"X")  # a header line that never ends


def trickled_body(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    conn.sendall(b"Content-Length: 100000\r\n\r\n{")
    while not stop.wait(0.05):
        conn.sendall(b" ")


def silence(conn: socket.socket, stop: threading.Event) -> None:
    stop.wait()


def endless_body(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n")
    while not stop.is_set():
        conn.sendall(b" " * 65536)


def project(root: Path, entry: str) -> Path:
    src = root / "src"
    src.mkdir(parents=True)
    (src / "conf.py").write_text(
        'extensions = ["sphinx_spec"]\n'
        f"spec_import_timeout = {TIMEOUT}\n"
        "spec_import = [\n"
        f"    {entry!r},\n"
        "]\n",
        encoding="utf-8",
    )
    (src / "index.rst").write_text(DOCUMENT, encoding="utf-8")
    return src


def build_timed(src: Path) -> tuple[list[str], float]:
    start = time.monotonic()
    app = build(src)
    elapsed = time.monotonic() - start
    assert "After the spec." in text_of(html(app, "index").body)
    return warnings_of(app), elapsed


@pytest.mark.parametrize(
    "answer",
    [slow_headers, trickled_body, silence],
    ids=["headers a byte at a time", "body a byte at a time", "no answer"],
)
def test_the_timeout_is_a_deadline_for_the_whole_download(tmp_path, answer):
    with serve(answer) as url:
        warnings, elapsed = build_timed(project(tmp_path, url))
    assert warnings == [
        f"conf.py:4: WARNING: spec_import: {url} could not be fetched (no complete answer "
        f"within {TIMEOUT} s); its specs are left out [spec.import]"
    ]
    assert elapsed < HANG


def test_a_body_beyond_the_cap_is_cut_off(tmp_path, monkeypatch):
    monkeypatch.setattr(sphinx_spec.federation, "MAX_BYTES", 1 << 20)
    with serve(endless_body) as url:
        warnings, elapsed = build_timed(project(tmp_path, url))
    assert warnings == [
        f"conf.py:4: WARNING: spec_import: {url} is larger than 1 MiB; its specs are left out "
        "[spec.import]"
    ]
    assert elapsed < HANG


def test_a_device_that_never_ends_is_cut_off(tmp_path):
    warnings, _elapsed = build_timed(project(tmp_path, "/dev/zero"))
    assert warnings == [
        "conf.py:4: WARNING: spec_import: /dev/zero is larger than 64 MiB; its specs are left "
        "out [spec.import]"
    ]


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    src = project(tmp_path, "specs.pipe")
    os.mkfifo(src / "specs.pipe")
    warnings, elapsed = build_timed(src)
    assert warnings == [
        "conf.py:4: WARNING: spec_import: specs.pipe is a pipe or socket, not a spec.json file; "
        "its specs are left out [spec.import]"
    ]
    assert elapsed < HANG
