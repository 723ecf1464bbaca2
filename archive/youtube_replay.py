"""Answer the Google API client from recorded Data API responses (the offline demo's YouTube).

A recording holds a list ``responses`` of ``{"method", "params", "status", "body"}`` in call order, as the
archive stores raw responses. The replay checks that every request is the one recorded (same
method, same parameters but the key), so a harvester that asks something else fails loudly
instead of silently getting the wrong answer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httplib2

from archive.errors import CaseArchiveError


class ReplayMismatch(CaseArchiveError):
    """The harvester asked for something the recording does not hold."""

    expected = False


class ReplayHttp:
    """An ``httplib2.Http`` stand-in that serves a recording in order."""

    def __init__(self, recording: list[dict[str, Any]]) -> None:
        self._recording = list(recording)
        self.served = 0

    @classmethod
    def from_file(cls, path: Path) -> "ReplayHttp":
        """Load a recording written by ``scripts/record_sample_youtube.py``."""
        return cls(json.loads(path.read_text(encoding="utf-8"))["responses"])

    @property
    def remaining(self) -> int:
        """How many recorded responses were not asked for."""
        return len(self._recording)

    def request(self, uri: str, method: str = "GET", body: Any = None, headers: Any = None,
                redirections: int = 5, connection_type: Any = None) -> tuple[httplib2.Response, bytes]:
        """Serve the next recorded response if it answers this request."""
        parts = urlsplit(uri)
        api_method = parts.path.rstrip("/").rsplit("/", 1)[-1] + ".list"
        params = {k: v for k, v in parse_qsl(parts.query) if k not in ("key", "alt")}
        if not self._recording:
            raise ReplayMismatch(f"the recording has no answer for {api_method} {params}")
        expected = self._recording.pop(0)
        wanted = {k: str(v) for k, v in expected["params"].items()}
        if expected["method"] != api_method or wanted != params:
            raise ReplayMismatch(f"the recording expected {expected['method']} {wanted}, got {api_method} {params}")
        self.served += 1
        response = httplib2.Response({"status": str(expected["status"]),
                                      "content-type": "application/json; charset=UTF-8"})
        return response, json.dumps(expected["body"]).encode()
