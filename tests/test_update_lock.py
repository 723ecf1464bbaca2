"""The run lock: one run at a time, a clear message naming the holder, stale locks taken over."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner

from archive.errors import LockHeld
from archive.lock import LOCK_NAME, acquire_lock, read_lock_info
from index.cli import cli
from tests.update_world import World, world  # noqa: F401 (the fixture)


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@contextmanager
def held_by_another_thread(data_dir: Path, command: str = "update") -> Iterator[None]:
    """The run lock held by another thread of this process, as another run would hold it."""
    taken, done = threading.Event(), threading.Event()

    def hold() -> None:
        with acquire_lock(data_dir, command):
            taken.set()
            done.wait(60)

    holder = threading.Thread(target=hold)
    holder.start()
    assert taken.wait(60)
    try:
        yield
    finally:
        done.set()
        holder.join()


def test_a_second_lock_is_refused_naming_the_holder(data_dir: Path) -> None:
    with held_by_another_thread(data_dir):
        with pytest.raises(LockHeld, match=f"pid {os.getpid()} on host {socket.gethostname()}") as refused:
            acquire_lock(data_dir)
        assert refused.value.exit_code == 3
    with acquire_lock(data_dir):  # released: free again
        pass


def test_the_holder_nests_and_only_the_outermost_release_frees_the_lock(data_dir: Path) -> None:
    with acquire_lock(data_dir, "update") as held:
        with acquire_lock(data_dir, "index") as nested:  # update runs the index build: no deadlock
            assert nested is held
        assert read_lock_info(data_dir / LOCK_NAME) == held.info  # still held, still named update
        refused: list[BaseException] = []
        other = threading.Thread(target=lambda: _try(data_dir, refused))
        other.start()
        other.join()
        assert refused and isinstance(refused[0], LockHeld)
    assert read_lock_info(data_dir / LOCK_NAME) is None  # released: emptied
    _try(data_dir, refused)
    assert len(refused) == 1  # free for another thread now


def _try(data_dir: Path, errors: list[BaseException]) -> None:
    try:
        acquire_lock(data_dir).release()
    except LockHeld as exc:
        errors.append(exc)


def test_a_lock_left_by_a_dead_process_is_taken_over(data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    data_dir.mkdir()
    dead = _dead_pid()
    (data_dir / LOCK_NAME).write_text(json.dumps({"pid": dead, "host": socket.gethostname(),
                                                  "started_at": "2026-01-01T03:00:00Z", "command": "update"}))
    with caplog.at_level(logging.WARNING), acquire_lock(data_dir) as held:
        assert held.info.pid == os.getpid()
    assert f"taking over the lock left by pid {dead}" in caplog.text


def test_update_exits_3_while_another_run_holds_the_lock(world: World) -> None:
    with held_by_another_thread(world.data_dir):
        result = CliRunner().invoke(cli, ["--config", str(world.config), "--lock-wait", "0", "update"])
    assert result.exit_code == 3
    assert "another run holds the lock" in result.output and f"pid {os.getpid()}" in result.output
    assert not (world.data_dir / "runs").exists()  # the refused run touched nothing
