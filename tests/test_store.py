"""The raw archive: versions, write-once rows, atomic blobs, state."""

from __future__ import annotations

import gzip
import hashlib
import sqlite3
from pathlib import Path

import pytest

from archive.errors import ArchiveCorrupt
from archive.store import ArchiveStore


@pytest.fixture
def store(tmp_path: Path) -> ArchiveStore:
    with ArchiveStore(tmp_path / "archive") as store:
        yield store


def test_put_stores_a_new_item_with_its_metadata_and_hash(store: ArchiveStore) -> None:
    result = store.put("site.page", "https://example.org/kennis/a/", b"<html>a</html>",
                       url="https://example.org/kennis/a/", status=200, content_type="text/html")
    assert result.status == "new"
    version = store.latest("site.page", "https://example.org/kennis/a/")
    assert version is not None and version.version == 1
    assert version.url == "https://example.org/kennis/a/" and version.status == 200
    assert version.sha256 == hashlib.sha256(b"<html>a</html>").hexdigest()
    assert store.read(version) == b"<html>a</html>"


def test_same_body_adds_no_version_but_logs_the_fetch(store: ArchiveStore) -> None:
    store.put("ns", "k", b"one")
    again = store.put("ns", "k", b"one")
    assert again.status == "unchanged"
    assert [v.version for v in store.history("ns", "k")] == [1]
    assert store.last_fetch("ns", "k")["outcome"] == "unchanged"


def test_changed_body_keeps_the_old_version(store: ArchiveStore) -> None:
    store.put("ns", "k", b"old title")
    result = store.put("ns", "k", b"new title")
    assert result.status == "changed" and result.version.version == 2
    history = store.history("ns", "k")
    assert [store.read(v) for v in history] == [b"old title", b"new title"]


def test_identity_ignores_volatile_parts(store: ArchiveStore) -> None:
    store.put("ns", "k", b'{"title": "x", "views": 1}', identity=b"x")
    result = store.put("ns", "k", b'{"title": "x", "views": 2}', identity=b"x")
    assert result.status == "unchanged"
    assert store.read(store.latest("ns", "k")) == b'{"title": "x", "views": 1}'


def test_versions_cannot_be_updated_or_deleted(store: ArchiveStore, tmp_path: Path) -> None:
    store.put("ns", "k", b"body")
    db = sqlite3.connect(tmp_path / "archive" / "catalog.sqlite")
    with pytest.raises(sqlite3.DatabaseError, match="write-once"):
        db.execute("UPDATE versions SET key='x'")
    with pytest.raises(sqlite3.DatabaseError, match="never deleted"):
        db.execute("DELETE FROM versions")
    db.close()


def test_iter_latest_returns_the_newest_version_of_each_item_and_can_start_after_a_seq(store: ArchiveStore) -> None:
    store.put("ns", "a", b"a1")
    mark = store.max_seq()
    store.put("ns", "a", b"a2")
    store.put("ns", "b", b"b1")
    store.put("other", "c", b"c1")
    assert {v.key: store.read(v) for v in store.iter_latest("ns")} == {"a": b"a2", "b": b"b1"}
    assert [v.key for v in store.iter_latest("ns", since_seq=mark)] == ["a", "b"]
    store.put("ns", "b", b"b1")  # unchanged: not a change after the mark
    later = store.max_seq()
    assert list(store.iter_latest("ns", since_seq=later)) == []
    assert store.count("ns") == 2 and store.keys("ns") == ["a", "b"]


def test_a_damaged_blob_is_detected_not_returned(store: ArchiveStore) -> None:
    version = store.put("ns", "k", b"original").version
    blob = store.blobs / version.sha256[:2] / f"{version.sha256}.gz"
    blob.write_bytes(gzip.compress(b"tampered"))
    with pytest.raises(ArchiveCorrupt, match="does not match"):
        store.read(version)
    blob.write_bytes(b"not gzip")
    with pytest.raises(ArchiveCorrupt, match="unreadable"):
        store.read(version)


def test_blob_writes_leave_no_temporary_files(store: ArchiveStore) -> None:
    for n in range(20):
        store.put("ns", f"k{n}", f"body {n}".encode())
    leftovers = [p for p in store.blobs.rglob("*") if p.name.startswith(".tmp-")]
    assert leftovers == []


def test_a_failed_write_keeps_the_previous_version_intact(store: ArchiveStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store.put("ns", "k", b"version one")

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("archive.store.os.replace", disk_full)
    with pytest.raises(OSError, match="No space"):
        store.put("ns", "k", b"version two")
    monkeypatch.undo()
    assert [store.read(v) for v in store.history("ns", "k")] == [b"version one"]
    assert [p for p in store.blobs.rglob(".tmp-*")] == []


def test_state_round_trips_and_lists_by_prefix(store: ArchiveStore) -> None:
    assert store.get_state("youtube/channel/UCx", {}) == {}
    store.set_state("youtube/channel/UCx", {"pass": {"page_token": "EAAa"}})
    store.set_state("youtube/channel/UCy", {})
    store.set_state("site/channels", [])
    assert store.get_state("youtube/channel/UCx") == {"pass": {"page_token": "EAAa"}}
    assert store.state_names("youtube/channel/") == ["youtube/channel/UCx", "youtube/channel/UCy"]
