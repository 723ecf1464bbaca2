"""Run summaries: one JSON file per run in ``<data>/runs/``, written atomically."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from archive.errors import storage_problem
from archive.store import atomic_write, utc_now

log = logging.getLogger(__name__)


def save_run(data_dir: Path, command: str, summary: dict[str, Any], started_at: str,
             exit_code: int) -> Path | None:
    """Persist one run's summary; the file written, or None when the disk refuses it (said in a warning)."""
    finished = utc_now()
    record = {"command": command, "started_at": started_at, "finished_at": finished,
              "exit_code": exit_code, **summary}
    # Microseconds in the name keep runs of the same second in order when sorted by name.
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    path = Path(data_dir) / "runs" / f"{stamp}-{command.replace(' ', '-')}.json"
    try:
        atomic_write(path, json.dumps(record, indent=2, ensure_ascii=False).encode())
    except OSError as exc:
        problem = storage_problem(exc)
        if problem is None:
            raise
        # The summary the command prints is then the only one: it must still be printed.
        log.warning("the run summary was not saved: %s", problem)
        return None
    return path


def list_runs(data_dir: Path) -> list[dict[str, Any]]:
    """Every saved run summary, oldest first (unreadable files are skipped)."""
    runs = []
    for path in sorted((Path(data_dir) / "runs").glob("*.json")):
        try:
            runs.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return runs


def last_run(data_dir: Path) -> dict[str, Any] | None:
    """The newest readable run summary, or None (reads from the newest file back, not every file)."""
    for path in sorted((Path(data_dir) / "runs").glob("*.json"), reverse=True):
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return None
