"""A local HTTP server for the SAMPLE platform (``archive/sample/platform``), for tests and demos.

It serves the files like a real site: ``/kennis/`` from ``kennis/index.html``, with ETag and
Last-Modified, and it answers conditional requests with 304. Tests can count requests per path
and make a path fail a few times first (e.g. a 500 with Retry-After that then recovers).

Run ``python -m archive.sample_server [--port 8000]`` to browse or harvest the sample by hand.
"""

from __future__ import annotations

import argparse
import hashlib
import mimetypes
import threading
from collections import Counter
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8",
                 ".pdf": "application/pdf",
                 ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def sample_platform_dir() -> Path:
    """Where the installed package keeps the sample platform's files."""
    return Path(str(resources.files("archive") / "sample" / "platform"))


class SamplePlatformServer:
    """Serve a directory as a website on 127.0.0.1 in a background thread."""

    def __init__(self, root: Path | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.root = Path(root) if root else sample_platform_dir()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._failures: dict[str, list[tuple[int, dict[str, str]]]] = {}
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((host, port), self._handler())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL, without a trailing slash."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def count(self, path: str) -> int:
        """How many requests a path received."""
        return Counter(p for p, _ in self.requests)[path]

    def fail(self, path: str, status: int = 500, times: int = 1, headers: dict[str, str] | None = None) -> None:
        """Answer the next ``times`` requests for ``path`` with ``status`` (then serve it normally)."""
        with self._lock:
            self._failures.setdefault(path, []).extend([(status, dict(headers or {}))] * times)

    def start(self) -> "SamplePlatformServer":
        """Start serving in a daemon thread."""
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="sample-platform", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> "SamplePlatformServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _file_for(self, path: str) -> Path | None:
        target = (self.root / unquote(path).lstrip("/")).resolve()
        if self.root.resolve() not in (target, *target.parents):
            return None
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once, no delayed-ACK stall

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                with server._lock:
                    server.requests.append((path, dict(self.headers.items())))
                    queued = server._failures.get(path)
                    failure = queued.pop(0) if queued else None
                if failure is not None:
                    status, headers = failure
                    self._send(status, b"<h1>Tijdelijke storing</h1>", {"Content-Type": "text/html", **headers})
                    return
                file = server._file_for(path)
                if file is None:
                    self._send(404, b"<h1>Pagina niet gevonden</h1>", {"Content-Type": "text/html; charset=utf-8"})
                    return
                body = file.read_bytes()
                etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
                mtime = int(file.stat().st_mtime)
                headers = {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True),
                           "Content-Type": CONTENT_TYPES.get(file.suffix, mimetypes.guess_type(file.name)[0]
                                                             or "application/octet-stream")}
                if self._not_modified(etag, mtime):
                    self._send(304, b"", {"ETag": etag, "Last-Modified": headers["Last-Modified"]})
                    return
                self._send(200, body, headers)

            do_HEAD = do_GET

            def _not_modified(self, etag: str, mtime: int) -> bool:
                match = self.headers.get("If-None-Match")
                if match is not None:
                    return etag in [m.strip() for m in match.split(",")] or match.strip() == "*"
                since = self.headers.get("If-Modified-Since")
                if since:
                    try:
                        return mtime <= parsedate_to_datetime(since).timestamp()
                    except (TypeError, ValueError):
                        return False
                return False

        return Handler


def main() -> None:
    """Serve the sample platform until interrupted."""
    parser = argparse.ArgumentParser(description="Serve the SAMPLE platform on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    server = SamplePlatformServer(port=args.port)
    print(f"Serving the sample platform at {server.url}/kennis/ (Ctrl-C stops)")
    try:
        server._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._httpd.server_close()


if __name__ == "__main__":
    main()
