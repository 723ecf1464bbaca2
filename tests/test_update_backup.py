"""Backup and restore: export-archive / import-archive, verified by checksums; the index rebuilds from it."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.backup import export_archive, import_archive
from archive.errors import InputError
from archive.store import open_store
from index.cli import cli
from index.linking.links import decide
from tests.update_world import World, answers, world  # noqa: F401 (the fixture)


def _invoke(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def exported(world: World, tmp_path: Path) -> Path:
    world.update()
    decide(world.data_dir, "video:atmUdjAWtGS", "company:Photonis", "confirmed", "gezien in de video")
    target = tmp_path / "backup" / "archive.tar.gz"
    result = _invoke("--data", str(world.data_dir), "export-archive", str(target))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return target


def test_export_import_rebuild_answers_the_same(world: World, exported: Path, tmp_path: Path) -> None:
    world.update()  # the curated decision now applies
    expected = answers(world)
    restored = tmp_path / "restored"
    result = _invoke("--data", str(restored), "import-archive", str(exported))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "checksums verified" in result.output  # type: ignore[attr-defined]
    assert json.loads((restored / "curation" / "links.json").read_text(encoding="utf-8"))
    taxonomy = str(world.settings.taxonomy)
    result = _invoke("--data", str(restored), "index", "--rebuild", "--taxonomy", taxonomy)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    world.data_dir = restored
    world.config.write_text(world.config.read_text(encoding="utf-8").replace(
        str(tmp_path / "data"), str(restored)), encoding="utf-8")
    assert answers(world) == expected
    with open_store(restored) as store:
        assert store.count("site.page") > 10 and store.get_state("update/journal")["finished"]


def _rewrite(source: Path, target: Path, change: object) -> None:
    """Copy a tarball member by member, letting ``change(name, data)`` alter or drop members."""
    with tarfile.open(source, "r:gz") as tar_in, tarfile.open(target, "w:gz") as tar_out:
        for member in tar_in:
            data = tar_in.extractfile(member).read()  # type: ignore[union-attr]
            data = change(member.name, data)  # type: ignore[operator]
            if data is None:
                continue
            member.size = len(data)
            tar_out.addfile(member, io.BytesIO(data))


def test_a_tampered_blob_is_refused(exported: Path, tmp_path: Path) -> None:
    tampered = tmp_path / "tampered.tar.gz"

    def change(name: str, data: bytes) -> bytes:
        if name.startswith("archive/blobs/"):
            return gzip.compress(gzip.decompress(data).replace(b"a", b"o"), mtime=0)
        return data

    _rewrite(exported, tampered, change)
    result = _invoke("--data", str(tmp_path / "restored"), "import-archive", str(tampered))
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "does not match its checksum" in result.output  # type: ignore[attr-defined]
    assert not (tmp_path / "restored" / "archive").exists()


def test_a_truncated_or_shortened_export_is_refused(exported: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(exported.read_bytes()[: exported.stat().st_size // 2])
    result = _invoke("--data", str(tmp_path / "a"), "import-archive", str(truncated))
    assert result.exit_code == 2 and "truncated" in result.output  # type: ignore[attr-defined]
    assert not (tmp_path / "a" / "archive").exists()

    shortened = tmp_path / "shortened.tar.gz"
    _rewrite(exported, shortened, lambda name, data: None if name.startswith("curation/") else data)
    with pytest.raises(InputError, match="files of the manifest are missing"):
        import_archive(tmp_path / "b", shortened)


def test_members_outside_the_manifest_or_the_folder_are_refused(exported: Path, tmp_path: Path) -> None:
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as out, tarfile.open(exported, "r:gz") as original:
        for member in original:
            out.addfile(member, original.extractfile(member))
        extra = tarfile.TarInfo("../escape.txt")
        extra.size = 2
        out.addfile(extra, io.BytesIO(b"hi"))
    with pytest.raises(InputError, match="outside the data directory"):
        import_archive(tmp_path / "c", evil)
    assert not (tmp_path / "escape.txt").exists() and not (tmp_path / "c" / "archive").exists()


def test_import_refuses_a_directory_that_holds_an_archive(world: World, exported: Path) -> None:
    with pytest.raises(InputError, match="already holds an archive"):
        import_archive(world.data_dir, exported)


def test_export_of_no_archive_is_a_clear_error(tmp_path: Path) -> None:
    result = _invoke("--data", str(tmp_path / "empty"), "export-archive", str(tmp_path / "x.tar.gz"))
    assert result.exit_code == 2 and "no archive" in result.output  # type: ignore[attr-defined]
    with pytest.raises(InputError, match="no archive"):
        export_archive(tmp_path / "empty", tmp_path / "x.tar.gz")
