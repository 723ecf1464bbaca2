"""One run at a time: a lock file in the data directory naming its holder (pid, host, start).

The lock is a kernel ``flock`` on ``<data>/update.lock``, held for the whole run. The kernel
drops it when the holder exits in any way, ``kill -9`` included, so a lock file left by a dead
process is simply free again: the next run takes it over and logs whose it was. That is safer
than a pid-liveness check on an ``O_EXCL`` file, which two runs could both judge stale at once,
and which a recycled pid would keep "alive" for ever. The file's content (JSON: pid, host,
started_at, command) is for people and for the message a second run prints.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from archive.errors import LockHeld
from archive.store import utc_now

log = logging.getLogger(__name__)

LOCK_NAME = "update.lock"


@dataclass(frozen=True)
class LockInfo:
    """Who holds (or last held) the lock."""

    pid: int
    host: str
    started_at: str
    command: str

    def describe(self) -> str:
        """A phrase for messages: ``pid 123 on host h since 2026-01-01T00:00:00Z (update)``."""
        return f"pid {self.pid} on host {self.host} since {self.started_at} ({self.command})"


def read_lock_info(path: Path) -> LockInfo | None:
    """The holder named in a lock file, or None when it is missing, empty or unreadable."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        return LockInfo(int(data["pid"]), str(data["host"]), str(data["started_at"]), str(data.get("command", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


class RunLock:
    """The data directory's run lock; use ``with acquire_lock(data_dir): …``."""

    def __init__(self, path: Path, fd: int, info: LockInfo) -> None:
        self.path, self._fd, self.info = path, fd, info

    def release(self) -> None:
        """Empty the file and drop the lock (the file stays: unlinking it would race a waiting run)."""
        if self._fd < 0:
            return
        try:
            os.ftruncate(self._fd, 0)
        except OSError:
            pass  # the kernel lock is what matters; a stale text is harmless
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = -1

    def __enter__(self) -> "RunLock":
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def acquire_lock(data_dir: Path, command: str = "update") -> RunLock:
    """Take the run lock of ``data_dir`` or raise LockHeld naming the holder."""
    path = Path(data_dir) / LOCK_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        holder = read_lock_info(path)
        for _ in range(20):  # the holder may be between its flock and writing its name
            if holder is not None:
                break
            time.sleep(0.05)
            holder = read_lock_info(path)
        who = holder.describe() if holder else "another process (it has not written its name yet)"
        raise LockHeld(f"another run holds the lock {path}: {who}") from None
    previous = read_lock_info(path)
    if previous is not None:
        # A holder that released cleanly empties the file, so a name here is a run that died.
        state = "still running?" if previous.host == socket.gethostname() and pid_alive(previous.pid) else "not running"
        log.warning("[lock] taking over the lock left by %s (%s)", previous.describe(), state)
    info = LockInfo(os.getpid(), socket.gethostname(), utc_now(), command)
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(asdict(info)).encode(), 0)
    os.fsync(fd)
    return RunLock(path, fd, info)
