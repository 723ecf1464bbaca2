"""Running the site under uvicorn: searches bounded, and a stop (SIGTERM, Ctrl+C) that never waits
for a search: running ones end at their next deadline check, open requests get ``GRACE`` seconds."""

from __future__ import annotations

from types import FrameType
from typing import Any

import uvicorn

from index.services.library import set_costly_at_once, set_default_deadline, stop_all

GRACE = 3  # seconds open requests get to finish once the server is told to stop


class _Server(uvicorn.Server):
    """uvicorn's server, which also tells running searches to stop when it is told to."""

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        stop_all()
        super().handle_exit(sig, frame)


def run_server(app: Any, host: str, port: int, log_level: str, deadline: float, costly_at_once: int) -> None:
    """Serve ``app`` until stopped, with this search deadline and this many costly searches at once."""
    set_default_deadline(deadline)
    set_costly_at_once(costly_at_once)
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=GRACE)
    _Server(config).run()
