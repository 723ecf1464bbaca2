"""A full disk while writing: the archive keeps its previous version intact, and the next run,
with space again, completes."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from archive.site import NS_PAGE
from archive.store import open_store
from tests.update_world import World, add_sentence, world  # noqa: F401 (the fixture)

SLUG = "teamleren-in-de-kinderopvang"


def _enospc(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("call", ["fsync", "replace"])
def test_a_full_disk_never_damages_the_stored_version(data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                      call: str) -> None:
    with open_store(data_dir) as store:
        first = store.put("site.page", "https://example.org/kennis/a/", b"<p>versie een</p>")
        with monkeypatch.context() as patch:
            patch.setattr(os, call, _enospc)  # where a real disk reports it: on flush/fsync, or the rename
            with pytest.raises(OSError, match="No space left"):
                store.put("site.page", "https://example.org/kennis/a/", b"<p>versie twee</p>")
        latest = store.latest("site.page", "https://example.org/kennis/a/")
        assert latest == first.version and store.read(latest) == b"<p>versie een</p>"
        assert [p.name for p in store.blobs.rglob(".tmp-*")] == []  # no half file left behind
        second = store.put("site.page", "https://example.org/kennis/a/", b"<p>versie twee</p>")
        assert second.status == "changed" and second.version.version == 2


def test_a_full_disk_during_an_update_keeps_the_archive_and_the_next_run_completes(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    assert world.update().exit_code == 0
    url = f"{world.server.url}/kennis/{SLUG}/"
    with open_store(world.data_dir) as store:
        old = store.latest(NS_PAGE, url)
        assert old is not None
        old_body = store.read(old)
    add_sentence(world, SLUG, "Een nieuwe alinea die niet meer op de schijf past.")
    real_replace = os.replace

    def blobs_full(src: object, dst: object) -> None:
        if "blobs" in str(dst):
            _enospc()
        real_replace(src, dst)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", blobs_full)
        report = world.update()
    assert report.exit_code == 1
    assert report.step("site").status == "error"  # type: ignore[union-attr]
    assert any("No space left on device" in f for f in report.to_dict()["failures"])
    assert report.step("index").status == "done"  # type: ignore[union-attr]
    with open_store(world.data_dir) as store:
        assert store.history(NS_PAGE, url) == [old] and store.read(old) == old_body

    assert world.update().exit_code == 0
    with open_store(world.data_dir) as store:
        assert b"niet meer op de schijf" in store.read(store.latest(NS_PAGE, url))  # type: ignore[arg-type]
        assert store.read(old) == old_body


def test_a_disk_full_from_the_start_gives_one_line_per_step_and_a_summary_without_tracebacks(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from click.testing import CliRunner

    from archive.store import ArchiveStore
    from index.cli import cli

    assert world.update().exit_code == 0
    real_replace, data = os.replace, str(world.data_dir)

    def full(src: object, dst: object) -> None:
        if str(dst).startswith(data):
            _enospc()
        real_replace(src, dst)  # type: ignore[arg-type]

    def sqlite_full(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    add_sentence(world, SLUG, "Een alinea die niet meer op de schijf past.")
    monkeypatch.setattr(os, "replace", full)
    for method in ("set_state", "record_fetch"):
        monkeypatch.setattr(ArchiveStore, method, sqlite_full)
    done = CliRunner().invoke(cli, ["update"], env=world.env)
    assert done.exit_code == 1, done.output
    assert "Traceback" not in done.output
    lines = done.stdout.splitlines()
    assert lines[0].startswith("update ") and "done, some items failed (exit code 1)" in lines[0]
    assert any(line.startswith("  failed: ") and "cannot write to the data directory: the disk is full" in line
               for line in lines)
    assert "the run summary was not saved: cannot write to the data directory: the disk is full" in done.stderr
    assert "unexpected error" not in done.output
