"""The run lock: one run at a time, a clear message naming the holder, stale locks taken over."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

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


def test_a_second_lock_is_refused_naming_the_holder(data_dir: Path) -> None:
    with acquire_lock(data_dir) as held:
        assert read_lock_info(data_dir / LOCK_NAME) == held.info
        with pytest.raises(LockHeld, match=f"pid {os.getpid()} on host {socket.gethostname()}") as refused:
            acquire_lock(data_dir)
        assert refused.value.exit_code == 3
    with acquire_lock(data_dir):  # released: free again
        pass


def test_a_lock_left_by_a_dead_process_is_taken_over(data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    data_dir.mkdir()
    dead = _dead_pid()
    (data_dir / LOCK_NAME).write_text(json.dumps({"pid": dead, "host": socket.gethostname(),
                                                  "started_at": "2026-01-01T03:00:00Z", "command": "update"}))
    with caplog.at_level(logging.WARNING), acquire_lock(data_dir) as held:
        assert held.info.pid == os.getpid()
    assert f"taking over the lock left by pid {dead}" in caplog.text


def test_update_exits_3_while_another_run_holds_the_lock(world: World) -> None:
    with acquire_lock(world.data_dir):
        result = CliRunner().invoke(cli, ["--config", str(world.config), "update"])
    assert result.exit_code == 3
    assert "another run holds the lock" in result.output and f"pid {os.getpid()}" in result.output
    assert not (world.data_dir / "runs").exists()  # the refused run touched nothing
