"""One writer at a time: a lock file in the data directory naming its holder (pid, host, start).

Every command that writes the archive or the index (``update``, each ``harvest``, ``index``,
``import-archive``) holds a kernel ``flock`` on ``<data>/update.lock`` for its whole run. The
kernel drops it when the holder exits in any way, ``kill -9`` included, so a lock file left by a
dead process is simply free again: the next run takes it over and logs whose it was. That is
safer than a pid-liveness check on an ``O_EXCL`` file, which two runs could both judge stale at
once, and which a recycled pid would keep "alive" for ever. The file's content (JSON: pid, host,
started_at, command) is for people and for the message a second run prints.

A second writer waits up to ``lock_wait`` seconds (config, ``CASEARCHIVE_LOCK_WAIT``,
``--lock-wait``; default 120) for the lock, then gives up with LockHeld (exit code 3). The lock
is reentrant within a thread: ``update`` holds it and calls the harvesters and the index build,
which take it again and so only nest. Another thread of the same process opens its own file
description, so ``flock`` keeps it out as it keeps out another process.

Curation decisions are short read-modify-writes of one file: they take a lock of their own
(``curation.lock``) for those milliseconds, so curators are never kept out by a long run.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from archive.errors import LockHeld
from archive.store import utc_now

if TYPE_CHECKING:
    from archive.config import Settings

log = logging.getLogger(__name__)

LOCK_NAME = "update.lock"
CURATION_LOCK_NAME = "curation.lock"
# How long a curation decision waits for the others (each holds its lock for milliseconds).
CURATION_WAIT = 30.0
POLL_SECONDS = 0.2

_held = threading.local()  # resolved lock path -> the RunLock this thread holds


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


def _held_locks() -> dict[str, "RunLock"]:
    """The run locks this thread holds, by lock file path."""
    if not hasattr(_held, "locks"):
        _held.locks = {}
    return _held.locks  # type: ignore[no-any-return]


class RunLock:
    """The data directory's run lock; use ``with acquire_lock(data_dir): …``."""

    def __init__(self, path: Path, fd: int, info: LockInfo) -> None:
        self.path, self._fd, self.info = path, fd, info
        self._depth = 1

    def release(self) -> None:
        """Leave one nesting level; the outermost empties the file and drops the lock.

        The file stays: unlinking it would race a waiting run.
        """
        if self._fd < 0:
            return
        self._depth -= 1
        if self._depth > 0:
            return
        _held_locks().pop(str(self.path), None)
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


def _flock_within(fd: int, wait: float, on_wait: Any = None, poll: float = POLL_SECONDS) -> bool:
    """Take an exclusive flock on ``fd``, trying for up to ``wait`` seconds; whether it was taken."""
    deadline = time.monotonic() + max(0.0, wait)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if on_wait is not None:
                on_wait()
                on_wait = None
            time.sleep(min(poll, left))


def _holder(path: Path) -> str:
    """Who holds the lock at ``path``, for messages."""
    holder = read_lock_info(path)
    for _ in range(20):  # the holder may be between its flock and writing its name
        if holder is not None:
            break
        time.sleep(0.05)
        holder = read_lock_info(path)
    return holder.describe() if holder else "another process (it has not written its name yet)"


def acquire_lock(data_dir: Path, command: str = "update", wait: float = 0.0) -> RunLock:
    """Take the run lock of ``data_dir``, waiting up to ``wait`` seconds, or raise LockHeld naming the holder.

    A thread that holds the lock already gets it again (nested; released by the outermost).
    """
    path = Path(data_dir).resolve() / LOCK_NAME
    mine = _held_locks().get(str(path))
    if mine is not None:
        mine._depth += 1
        return mine
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)

    def say_waiting() -> None:
        log.warning("[lock] %s holds the lock %s; %s waits up to %g s for it", _holder(path), path, command, wait)

    if not _flock_within(fd, wait, say_waiting):
        os.close(fd)
        waited = f" (waited {wait:g} s; lock_wait or CASEARCHIVE_LOCK_WAIT sets how long)" if wait > 0 else ""
        raise LockHeld(f"another run holds the lock {path}: {_holder(path)}{waited}")
    previous = read_lock_info(path)
    if previous is not None:
        # A holder that released cleanly empties the file, so a name here is a run that died.
        state = "still running?" if previous.host == socket.gethostname() and pid_alive(previous.pid) else "not running"
        log.warning("[lock] taking over the lock left by %s (%s)", previous.describe(), state)
    info = LockInfo(os.getpid(), socket.gethostname(), utc_now(), command)
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(asdict(info)).encode(), 0)
    os.fsync(fd)
    lock = RunLock(path, fd, info)
    _held_locks()[str(path)] = lock
    return lock


def writer_lock(settings: "Settings", command: str) -> RunLock:
    """The run lock for a command that writes, waiting as long as the settings say (``lock_wait``)."""
    return acquire_lock(settings.data_dir, command, settings.lock_wait)


@contextmanager
def curation_lock(data_dir: Path, wait: float = CURATION_WAIT) -> Iterator[None]:
    """Hold the short lock of the curation decisions for one read-modify-write of them."""
    path = Path(data_dir) / CURATION_LOCK_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _flock_within(fd, wait, poll=0.005):
            raise LockHeld(f"the link decisions stayed locked for {wait:g} s ({path}); try again")
        yield
    finally:
        os.close(fd)  # closing the last descriptor drops the flock
