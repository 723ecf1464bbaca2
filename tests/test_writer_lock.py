"""Every writer takes the lock: concurrent curators keep every decision, a second `index` or
`harvest` waits for the first (or exits 3 naming it, never 70), and two writers never store one
new version twice."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests
import uvicorn

from archive.config import Settings, load_settings
from archive.errors import ConfigError
from archive.store import ArchiveStore, open_store
from index.engine.build import write_index
from index.services.demo import run_demo
from index.linking.links import LinkSet, load_decisions
from index.engine.schema import Unit
from index.web import create_app
from tests.update_world import World, world  # noqa: F401 (the fixture)

TOKEN = "curation-token-for-lock-tests-5678"
SEED_CHANNEL = "UC6XpRSGS236lYZmcCjkBE4g"
ROOT = Path(__file__).parent.parent

# A writer that, once inside (after the lock is taken, or at the point named), waits for a file:
# the second writer then meets it there for certain, whatever the machine's speed.
GATED = r"""
import sys, time
from pathlib import Path

import archive.store as store
import index.services.library as service
from index.cli import main

gate, where, args = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]


def wait_at_gate():
    (gate / "holding").touch()
    for _ in range(2400):
        if (gate / "release").exists():
            return
        time.sleep(0.05)


if where == "index":  # inside the build, before it writes the index
    real_write = service.write_index

    def gated_write(*a, **k):
        wait_at_gate()
        return real_write(*a, **k)

    service.write_index = gated_write
else:  # inside the archive's first write, after its "is it new?" check
    real_blob = store.ArchiveStore._write_blob

    def gated_blob(self, *a, **k):
        if not (gate / "holding").exists():
            wait_at_gate()
        return real_blob(self, *a, **k)

    store.ArchiveStore._write_blob = gated_blob
sys.exit(main(args))
"""
CLI = "import sys; from index.cli import main; sys.exit(main())"


def _wait_for(condition: Any, what: str) -> None:
    for _ in range(2400):  # a generous bound, not a timing assertion
        if condition():
            return
        threading.Event().wait(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEARCHIVE_") and k != "YOUTUBE_API_KEY"}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


def _popen(args: list[str], env: dict[str, str], cwd: Path, stderr: Path) -> subprocess.Popen[str]:
    """A command with its stderr in a file (read while it runs: does it say it waits?)."""
    with stderr.open("w") as err:
        return subprocess.Popen([sys.executable, "-c", *args], env=env, cwd=cwd, text=True,
                                stdout=subprocess.PIPE, stderr=err)


def _finish(run: subprocess.Popen[str], stderr: Path) -> tuple[int, str, str]:
    out, _ = run.communicate(timeout=300)
    return run.returncode, out, stderr.read_text()


def _kill(*runs: subprocess.Popen[str]) -> None:
    for run in runs:
        if run.poll() is None:
            run.kill()
            run.wait()


# -- curation: N decisions at once keep N -------------------------------------------------------


@pytest.fixture
def curation_server(tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    """A live server (uvicorn on loopback) over a small index of 6 videos and 5 cases."""
    units = [Unit(id=f"case:case-{c}", kind="case", parent=f"case:case-{c}", source=f"test:case-{c}",
                  title=f"Case {c}", content="taakroulatie", url=f"https://example.org/case-{c}") for c in range(5)]
    units += [Unit(id=f"video:Video{v:07d}", kind="video", parent=f"video:Video{v:07d}", source="test:video",
                   title=f"Video {v}", content="taakroulatie", url=f"https://www.youtube.com/watch?v=Video{v:07d}")
              for v in range(6)]
    settings = Settings(data_dir=tmp_path / "data")
    write_index(settings.data_dir, units, LinkSet())
    server = uvicorn.Server(uvicorn.Config(create_app(settings, curation_token=TOKEN), host="127.0.0.1", port=0,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run)
    thread.start()
    try:
        _wait_for(lambda: server.started, "the server to start")
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}", settings
    finally:
        server.should_exit = True
        thread.join()


def test_thirty_decisions_posted_at_once_are_all_kept(curation_server: tuple[str, Settings]) -> None:
    url, settings = curation_server
    pairs = [(f"video:Video{v:07d}", f"case:case-{c}") for v in range(6) for c in range(5)]
    start = threading.Barrier(len(pairs))
    answers: dict[tuple[str, str], int] = {}

    def post(source: str, target: str) -> None:
        start.wait()
        answer = requests.post(f"{url}/api/links/decisions", headers={"Authorization": f"Bearer {TOKEN}"},
                               json={"source": source, "target": target, "decision": "confirmed",
                                     "note": f"{source} hoort bij {target}"}, timeout=120)
        answers[(source, target)] = answer.status_code

    threads = [threading.Thread(target=post, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(answers.values()) == {200}
    kept = load_decisions(settings.data_dir)
    assert sorted(kept) == sorted(pairs)  # 30 of 30, none overwritten by another's stale copy
    assert all(kept[pair]["note"] == f"{pair[0]} hoort bij {pair[1]}" for pair in pairs)


# -- a second long writer waits, or exits 3 naming the first -------------------------------------


@pytest.fixture(scope="module")
def demo_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("lock-demo") / "data"
    run_demo(data_dir)
    return data_dir


def _index_pair(demo_archive: Path, tmp_path: Path,
                wait: str) -> tuple[tuple[int, str, str], tuple[int, str, str], int]:
    """A gated `index --rebuild`, and a second one started while the first holds the lock."""
    data_dir = tmp_path / "data"
    shutil.copytree(demo_archive, data_dir, symlinks=True)  # index/current is a relative link
    gate = tmp_path / "gate"
    gate.mkdir()
    env = _env(CASEARCHIVE_DATA=str(data_dir), CASEARCHIVE_LOCK_WAIT=wait)
    first = _popen([GATED, str(gate), "index", "index", "--rebuild"], env, tmp_path, tmp_path / "first.err")
    second = None
    try:
        _wait_for(lambda: (gate / "holding").exists(), "the first build to reach its gate")
        second = _popen([CLI, "index", "--rebuild"], env, tmp_path, tmp_path / "second.err")
        # The second either says it waits or gives up; only then does the first go on.
        _wait_for(lambda: second.poll() is not None or "waits up to" in (tmp_path / "second.err").read_text(),
                  "the second build to wait or give up")
        (gate / "release").touch()
        return _finish(first, tmp_path / "first.err"), _finish(second, tmp_path / "second.err"), first.pid
    finally:
        _kill(first, *([second] if second else []))


def test_a_second_index_rebuild_waits_for_the_first_then_succeeds(demo_archive: Path, tmp_path: Path) -> None:
    (code1, out1, err1), (code2, out2, err2), first_pid = _index_pair(demo_archive, tmp_path, "600")
    assert code1 == 0, out1 + err1
    assert code2 == 0, out2 + err2
    assert f"pid {first_pid} " in err2 and "(index) holds the lock" in err2 and "waits up to 600 s" in err2
    assert "Rebuilt the index" in out2


def test_a_second_index_rebuild_that_may_not_wait_exits_3_naming_the_first(demo_archive: Path,
                                                                           tmp_path: Path) -> None:
    (code1, out1, err1), (code2, out2, err2), first_pid = _index_pair(demo_archive, tmp_path, "0")
    assert code1 == 0, out1 + err1
    assert code2 == 3, out2 + err2
    assert "Error: another run holds the lock" in err2 and f"pid {first_pid} " in err2 and "(index)" in err2
    assert "Traceback" not in err2 and not out2


# -- two harvests at once store no version twice ----------------------------------------------


def _duplicates(data_dir: Path) -> list[str]:
    """Items with two versions in a row of the same identity (write-once: never undone)."""
    with open_store(data_dir) as store:
        rows = store._db.execute("SELECT namespace, key, identity FROM versions ORDER BY namespace, key, version")
        previous: tuple[str, str, str] | None = None
        found = []
        for row in rows:
            current = (row[0], row[1], row[2])
            if current == previous:
                found.append(f"{row[0]}:{row[1]}")
            previous = current
    return found


def test_a_harvest_started_while_another_writes_stores_no_version_twice(world: World, tmp_path: Path) -> None:
    gate = tmp_path / "gate"
    gate.mkdir()
    env = {**world.env, "CASEARCHIVE_LOCK_WAIT": "600"}
    args = ["harvest", "youtube", "--channel", SEED_CHANNEL]
    first = _popen([GATED, str(gate), "archive", *args], env, world.root, tmp_path / "first.err")
    second = None
    try:
        # The first stops inside its first archive write, after deciding the item is new.
        _wait_for(lambda: (gate / "holding").exists(), "the first harvest to reach its first write")
        second = _popen([CLI, *args], env, world.root, tmp_path / "second.err")
        _wait_for(lambda: second.poll() is not None or "waits up to" in (tmp_path / "second.err").read_text(),
                  "the second harvest to wait or finish")
        (gate / "release").touch()
        code1, out1, err1 = _finish(first, tmp_path / "first.err")
        code2, out2, err2 = _finish(second, tmp_path / "second.err")
    finally:
        _kill(first, *([second] if second else []))
    assert _duplicates(world.data_dir) == []
    assert code1 == 0, out1 + err1
    assert code2 == 0, out2 + err2
    assert "(harvest youtube) holds the lock" in err2


def test_two_stores_writing_one_new_item_at_once_keep_one_version(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The other writer (its own connection, as another process) writes between this one's check and write."""
    first = ArchiveStore(tmp_path / "archive")
    outcomes: list[str] = []
    real_blob = ArchiveStore._write_blob

    def other_put() -> None:
        with ArchiveStore(tmp_path / "archive") as second:
            outcomes.append(second.put("youtube/video", "abc", b"{}").status)

    def other_writes_meanwhile(self: ArchiveStore, body: bytes, sha256: str) -> None:
        if self is first and not outcomes:
            other = threading.Thread(target=other_put)
            other.start()
            other.join(1)  # the other finishes now (no lock), or is kept waiting by this write's transaction
            outcomes.append("first-writes")
            self._other = other  # type: ignore[attr-defined]
        real_blob(self, body, sha256)

    monkeypatch.setattr(ArchiveStore, "_write_blob", other_writes_meanwhile)
    try:
        mine = first.put("youtube/video", "abc", b"{}")
        first._other.join()  # type: ignore[attr-defined]
        assert mine.status == "new"
        assert outcomes == ["first-writes", "unchanged"]  # the other waited, then saw this version
        assert len(first.history("youtube/video", "abc")) == 1
    finally:
        first.close()


# -- the wait is configurable -------------------------------------------------------------------


def test_lock_wait_comes_from_the_config_the_environment_and_the_flag(tmp_path: Path) -> None:
    config = tmp_path / "casearchive.toml"
    config.write_text("lock_wait = 5\n", encoding="utf-8")
    assert load_settings(config, env={}).lock_wait == 5.0
    assert load_settings(config, env={"CASEARCHIVE_LOCK_WAIT": "0"}).lock_wait == 0.0
    assert load_settings(None, env={}).lock_wait == 120.0
    for bad in ("-1", "soon", "nan", "inf"):
        with pytest.raises(ConfigError, match="CASEARCHIVE_LOCK_WAIT must be a number of seconds"):
            load_settings(None, env={"CASEARCHIVE_LOCK_WAIT": bad})
    config.write_text('lock_wait = "5"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="lock_wait must be a number of seconds"):
        load_settings(config, env={})
