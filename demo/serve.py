"""Serve the built demo on http://127.0.0.1:8000/ (``make serve``), Mermaid included.

Browsers run Mermaid's ES module only from a web server, never from a page opened as a
file, and only when the server calls ``.mjs`` JavaScript; this server does both, for
this machine only (127.0.0.1).

Usage: python demo/serve.py [--port 8000] [DIRECTORY]
"""

from __future__ import annotations

import argparse
import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOST = "127.0.0.1"
DEFAULT_DIR = Path(__file__).parent / "_build" / "html"


class Handler(SimpleHTTPRequestHandler):
    """Static files, with ES modules served as JavaScript, and no request log on stderr."""

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".map": "application/json",
    }

    def do_GET(self):
        # Browsers ask every host for /favicon.ico by themselves, and the demo has none:
        # answer "no content" rather than 404, which a browser reports as a console error.
        if self.path == "/favicon.ico":
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, format, *args):
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args()
    if not (args.directory / "index.html").is_file():
        parser.error(f"no index.html in {args.directory}: build the demo first (make demo)")
    handler = functools.partial(Handler, directory=str(args.directory))
    try:
        httpd = ThreadingHTTPServer((HOST, args.port), handler)
    except OSError as error:
        parser.error(f"cannot serve on {HOST}:{args.port} ({error}); try --port")
    print(f"Serving {args.directory} at http://{HOST}:{httpd.server_address[1]}/ (Ctrl-C stops)")
    with httpd:
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            print()


if __name__ == "__main__":
    main()
