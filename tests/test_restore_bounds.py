"""Safe restores: an export is untrusted input. A member is never copied past its listed size, an
oversized manifest is refused unread, an export that does not fit on the disk is refused before
anything is unpacked, and a failed import leaves the data directory as it was."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tracemalloc
from pathlib import Path
from typing import Any, Callable

import pytest

import archive.backup as backup
from archive.backup import FORMAT, FORMAT_VERSION, MANIFEST, MANIFEST_CAP, export_archive, import_archive
from archive.errors import InputError
from archive.store import open_store
from index.linking.links import decide


class Zeros(io.RawIOBase):
    """``size`` zero bytes, made as they are read (a bomb's content, never held in memory)."""

    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = min(len(buffer), self.left)
        buffer[:n] = bytes(n)
        self.left -= n
        return n


def _manifest(files: dict[str, dict[str, Any]], **extra: Any) -> bytes:
    return json.dumps({"format": FORMAT, "version": FORMAT_VERSION, "created_at": "2026-12-04T20:00:00Z",
                       "versions": 1, "files": files, **extra}).encode()


def _craft(path: Path, manifest: bytes, members: list[tuple[str, int, Any]]) -> Path:
    """A .tar.gz: the manifest first, then each (name, size in the tar header, stream)."""
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        head = tarfile.TarInfo(MANIFEST)
        head.size = len(manifest)
        tar.addfile(head, io.BytesIO(manifest))
        for name, size, stream in members:
            info = tarfile.TarInfo(name)
            info.size = size
            tar.addfile(info, stream)
    return path


@pytest.fixture
def staged(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, int]]:
    """What each import left in its staging folder when it was cleaned up: file name -> bytes."""
    seen: list[dict[str, int]] = []
    real = shutil.rmtree

    def observe(path: Any, *args: Any, **kwargs: Any) -> None:
        if Path(path).name.startswith(".import-"):
            seen.append({str(p.relative_to(path)): p.stat().st_size for p in Path(path).rglob("*") if p.is_file()})
        real(path, *args, **kwargs)

    monkeypatch.setattr(backup.shutil, "rmtree", observe)
    return seen


def _tree(root: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every folder (None) under ``root``."""
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))}


@pytest.fixture
def used_target(tmp_path: Path) -> Path:
    """A data directory in use, with no archive yet: its lock file, a run summary, a config, an empty curation/."""
    target = tmp_path / "target"
    (target / "runs").mkdir(parents=True)
    (target / "curation").mkdir()
    (target / "update.lock").write_bytes(b"")
    (target / "runs" / "2026-12-01T00-30-00Z-harvest-site.json").write_text('{"exit_code": 0}', encoding="utf-8")
    (target / "casearchive.toml").write_text('[site]\nstart_urls = ["https://example.org/"]\n', encoding="utf-8")
    return target


@pytest.fixture
def small_export(tmp_path: Path) -> Path:
    """A real export of a small archive: three pages, a decision, a run summary."""
    data = tmp_path / "source"
    with open_store(data) as store:
        for n in range(3):
            store.put("site.page", f"https://example.org/case-{n}", f"<h1>Case {n}</h1>".encode(),
                      url=f"https://example.org/case-{n}")
    decide(data, "video:ZhyiA4uoRgn", "case:case-1", "confirmed", "in beeld", check=False)
    (data / "runs").mkdir()
    (data / "runs" / "2026-12-02T00-30-00Z-update.json").write_text('{"exit_code": 0}', encoding="utf-8")
    return export_archive(data, tmp_path / "export.tar.gz").path


def test_a_bomb_member_is_refused_before_more_than_its_listed_size_is_written(
        tmp_path: Path, used_target: Path, staged: list[dict[str, int]]) -> None:
    listed = b'[{"source": "video:x", "target": "case:y", "decision": "confirmed"}]'.ljust(298)
    bomb_size = 64 << 20  # 64 MiB of zeros: about 64 KB compressed
    files = {"curation/links.json": {"size": len(listed), "sha256": hashlib.sha256(listed).hexdigest()}}
    bomb = _craft(tmp_path / "bomb.tar.gz", _manifest(files), [("curation/links.json", bomb_size, Zeros(bomb_size))])
    assert bomb.stat().st_size < 1 << 20
    before = _tree(used_target)
    with pytest.raises(InputError, match="curation/links.json does not match"):
        import_archive(used_target, bomb)
    assert staged and sum(staged[-1].values()) <= len(listed)  # at most its listed 298 bytes (here none)
    assert _tree(used_target) == before


def test_an_oversized_manifest_is_refused_unread(tmp_path: Path, used_target: Path) -> None:
    padding = MANIFEST_CAP + 1024
    # Valid JSON a little over the cap: the old reader read all of it and parsed it.
    manifest = _manifest({}, padding=" " * padding)
    hostile = _craft(tmp_path / "manifest.tar.gz", manifest, [])
    del manifest
    before = _tree(used_target)
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="the manifest is [0-9,]+ bytes, more than the 64 MiB"):
            import_archive(used_target, hostile)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20  # never read into memory (the manifest is over 64 MiB)
    assert _tree(used_target) == before


@pytest.mark.parametrize("entry", [{"size": -1, "sha256": "0" * 64}, {"size": "12", "sha256": "0" * 64},
                                   {"size": 12, "sha256": "not a hash"}, ["a list"]])
def test_a_manifest_entry_that_is_not_a_size_and_a_hash_is_refused(tmp_path: Path, entry: Any) -> None:
    hostile = _craft(tmp_path / "entry.tar.gz", _manifest({"runs/a.json": entry}), [])
    with pytest.raises(InputError, match="entry for 'runs/a.json' is not a size and a sha256"):
        import_archive(tmp_path / "target", hostile)


def test_an_export_that_does_not_fit_on_the_disk_is_refused_before_unpacking(
        small_export: Path, used_target: Path, staged: list[dict[str, int]], monkeypatch: pytest.MonkeyPatch) -> None:
    real = shutil.disk_usage
    asked: list[Path] = []

    def almost_full(path: Any) -> Any:
        asked.append(Path(path))
        return real(path)._replace(free=4096)

    monkeypatch.setattr(backup.shutil, "disk_usage", almost_full)
    before = _tree(used_target)
    with pytest.raises(InputError, match="not enough free space in .*target to import .* MB are free"):
        import_archive(used_target, small_export)
    assert asked == [used_target]
    assert staged == [{}]  # nothing was unpacked
    assert _tree(used_target) == before


def test_an_import_that_fails_while_moving_into_place_leaves_the_target_as_it_was(
        small_export: Path, used_target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _tree(used_target)
    renames: list[str] = []

    def failing(real: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
        def rename(src: Any, dst: Any) -> None:
            if ".import-" in str(src):  # a move out of the staging folder into place
                renames.append(str(dst))
                if len(renames) == 2:
                    raise OSError(28, "No space left on device")
            real(src, dst)
        return rename

    monkeypatch.setattr(os, "rename", failing(os.rename))
    monkeypatch.setattr(os, "replace", failing(os.replace))
    with pytest.raises(OSError, match="No space left"):
        import_archive(used_target, small_export)
    assert len(renames) == 2  # the archive had been moved into place when the second move failed
    assert _tree(used_target) == before
    monkeypatch.undo()
    import_archive(used_target, small_export)  # and the same import goes through afterwards
    assert (used_target / "archive" / "catalog.sqlite").is_file()
    assert json.loads((used_target / "curation" / "links.json").read_text(encoding="utf-8"))[0]["note"] == "in beeld"
    assert {p.name for p in (used_target / "runs").iterdir()} == {"2026-12-01T00-30-00Z-harvest-site.json",
                                                                  "2026-12-02T00-30-00Z-update.json"}



def _with_member(source: Path, target: Path, name: str, data: bytes) -> Path:
    """A copy of an export with one more member, listed in its manifest with its true size and sha256."""
    with tarfile.open(source, "r:gz") as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar]  # type: ignore[union-attr]
    manifest = json.loads(members[0][1])
    manifest["files"][name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    streams = [(n, len(d), io.BytesIO(d)) for n, d in [*members[1:], (name, data)]]
    return _craft(target, json.dumps(manifest).encode(), streams)


@pytest.mark.parametrize(("config", "refusal"), [
    ('data = "/"\n', "points outside the restored data directory"),
    ('data = ".."\ntaxonomy = "../../../etc/taxonomy.toml"\n', "points outside the restored data directory"),
    ('data = ".."\n[transcripts]\ncorrections = "/etc/hosts"\n', "points outside the restored data directory"),
    ('data = ".."\n[youtube]\nkey_file = "/home/me/youtube.key"\n', "names a YouTube key file"),
    ('data = ".."\n[site]\nspeed = 3\n', "the exported configuration is not valid"),
])
def test_a_restored_configuration_must_stay_inside_the_data_directory(
        small_export: Path, used_target: Path, tmp_path: Path, config: str, refusal: str) -> None:
    hostile = _with_member(small_export, tmp_path / "setup.tar.gz", "setup/casearchive.toml", config.encode())
    before = _tree(used_target)
    with pytest.raises(InputError, match=refusal):
        import_archive(used_target, hostile)
    assert _tree(used_target) == before


@pytest.mark.parametrize("name", ["casearchive.toml", "index/gen-1/manifest.json", "setup"])
def test_a_member_outside_the_folders_of_an_export_is_refused(
        small_export: Path, used_target: Path, tmp_path: Path, name: str) -> None:
    hostile = _with_member(small_export, tmp_path / "outside.tar.gz", name, b"data = '/'\n")
    before = _tree(used_target)
    with pytest.raises(InputError, match="outside the folders of an export"):
        import_archive(used_target, hostile)
    assert _tree(used_target) == before


def test_an_import_keeps_a_restored_setup_it_would_otherwise_overwrite(small_export: Path, used_target: Path) -> None:
    (used_target / "setup").mkdir()
    (used_target / "setup" / "taxonomy.toml").write_text("# mine\n", encoding="utf-8")
    with pytest.raises(InputError, match="setup is not empty"):
        import_archive(used_target, small_export)
    assert (used_target / "setup" / "taxonomy.toml").read_text(encoding="utf-8") == "# mine\n"


def test_a_backup_without_setup_says_the_index_may_differ(small_export: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from index.cli import cli

    result = CliRunner().invoke(cli, ["--data", str(tmp_path / "new"), "import-archive", str(small_export)])
    assert result.exit_code == 0, result.output
    assert "Restored the link decisions (curation/)." in result.output
    assert "holds no taxonomy, correction list or settings" in result.output
    assert not (tmp_path / "new" / "setup").exists()
