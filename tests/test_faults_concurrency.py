"""Two ``update`` runs started together: exactly one runs, the other exits 3 naming it; a lock left
by a run killed with SIGKILL is recovered by the next run."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.update_world import World, world  # noqa: F401 (the fixture)

# ``casearchive update`` that, once it holds the lock, waits for a file before crawling, so
# the two runs overlap for certain, whatever the machine's speed.
GATED = r"""
import sys, time
from pathlib import Path

import archive.cases as cases
from index.cli import main

gate = Path(sys.argv[1])
crawl = cases.harvest_site  # the site harvester calls it when it runs


def gated(*args, **kwargs):
    (gate / "holding").touch()
    for _ in range(2400):
        if (gate / "release").exists():
            break
        time.sleep(0.05)
    return crawl(*args, **kwargs)


cases.harvest_site = gated
sys.exit(main(["update"]))
"""


def _start(world: World, gate: Path) -> subprocess.Popen[str]:
    # No waiting for the lock: the second run gives up at once (waiting is tested in test_writer_lock).
    return subprocess.Popen([sys.executable, "-c", GATED, str(gate)], env={**world.env, "CASEARCHIVE_LOCK_WAIT": "0"},
                            cwd=world.root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(condition: object, what: str) -> None:
    for _ in range(1200):  # a generous bound, not a timing assertion
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def test_two_updates_started_together_exactly_one_runs(world: World, tmp_path: Path) -> None:
    gate = tmp_path / "gate"
    gate.mkdir()
    runs = [_start(world, gate), _start(world, gate)]
    try:
        _wait_for(lambda: any(r.poll() is not None for r in runs), "one run to give up")
        loser = next(r for r in runs if r.poll() is not None)
        winner = next(r for r in runs if r is not loser)
        out, err = loser.communicate()
        assert loser.returncode == 3, out + err
        assert "another run holds the lock" in err and f"pid {winner.pid} " in err
        assert winner.poll() is None  # still holding the lock, waiting at the gate
        (gate / "release").touch()
        out, err = winner.communicate(timeout=120)
        assert winner.returncode == 0, out + err
        assert "exit code 0" in out
    finally:
        for run in runs:
            if run.poll() is None:
                run.kill()
                run.wait()


def test_a_lock_left_by_a_killed_run_is_recovered(world: World, tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    gate = tmp_path / "gate"
    gate.mkdir()
    run = _start(world, gate)
    try:
        _wait_for(lambda: (gate / "holding").exists(), "the run to take the lock")
        os.kill(run.pid, signal.SIGKILL)
        run.communicate()
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    assert run.returncode == -signal.SIGKILL
    assert f'"pid": {run.pid}' in (world.data_dir / "update.lock").read_text()  # its name is still there

    with caplog.at_level(logging.WARNING):
        report = world.update()
    assert report.exit_code == 0
    assert f"taking over the lock left by pid {run.pid}" in caplog.text
    assert "did not finish" in caplog.text  # its journal says so; nothing it did is lost
