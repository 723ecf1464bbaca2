"""Backup and restore: the archive, curated decisions, the build's setup and run summaries as one verified tarball.

``export_archive`` copies the catalog with SQLite's online backup API (a consistent snapshot even
while a harvest writes), then adds exactly the blobs that snapshot references (blobs are written
before their catalog rows, so all of them exist), ``curation/``, ``runs/`` and the ``setup/`` files
the caller gives (``archive.backup_setup``: taxonomy, corrections, configuration). The first member,
``manifest.json``, lists every other member with its size and sha256. ``import_archive``
unpacks into a staging folder, checks every member against the manifest (nothing missing,
nothing extra, no path outside the folder, every byte as listed) and the catalog's integrity,
and only then moves the result into place, moving back what it moved if a rename fails.

An export is untrusted input, so the restore is bounded: the manifest is read only up to
MANIFEST_CAP bytes; the listed sizes must fit on the disk (with a margin) before anything is
unpacked; a member whose tar header disagrees with its listed size is refused before a byte is
written, and no member is copied past its listed size. The index is not exported: it is rebuilt
from the archive with ``casearchive index`` and the restored setup.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import os
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from archive.backup_setup import SETUP, check_setup, restored_lines
from archive.errors import ArchiveCorrupt, InputError, NotFoundError
from archive.lock import acquire_lock
from archive.store import utc_now

log = logging.getLogger(__name__)

FORMAT = "casearchive-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
EXTRA_FOLDERS = ("curation", "runs")
# Every top folder an export may hold; a member anywhere else is refused.
FOLDERS = ("archive", *EXTRA_FOLDERS, SETUP)
# A real manifest takes about 170 bytes a file: 64 MiB is some 390,000 files, far more than an
# archive of this platform holds (the benchmark's largest has about 30,000), and its JSON parses
# in a few hundred MB at most.
MANIFEST_CAP = 64 << 20
CHUNK = 1 << 20
SHA256_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class BackupReport:
    """What an export or import moved."""

    path: Path
    files: int
    bytes: int
    versions: int
    restored: tuple[str, ...] = ()  # what besides the archive an export holds, one line each for people


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _snapshot_catalog(catalog: Path, target: Path) -> None:
    """A consistent single-file copy of the live catalog through SQLite's backup API."""
    source = sqlite3.connect(catalog, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        copy.close()
        source.close()


def _referenced_blobs(catalog: Path) -> list[str]:
    db = sqlite3.connect(catalog)
    try:
        return [row[0] for row in db.execute("SELECT DISTINCT sha256 FROM versions ORDER BY sha256")]
    finally:
        db.close()


def _count_versions(catalog: Path) -> int:
    db = sqlite3.connect(catalog)
    try:
        return int(db.execute("SELECT COUNT(*) FROM versions").fetchone()[0])
    finally:
        db.close()


def export_archive(data_dir: Path, target: Path, setup: dict[str, bytes] | None = None) -> BackupReport:
    """Write the archive, ``curation/`` and ``runs/`` of ``data_dir`` and the ``setup/`` files given
    (name -> bytes) to a .tar.gz at ``target``."""
    data_dir, target = Path(data_dir), Path(target)
    catalog = data_dir / "archive" / "catalog.sqlite"
    if not catalog.exists():
        raise NotFoundError(f"no archive in {data_dir} to export")
    target.parent.mkdir(parents=True, exist_ok=True)
    # The work folder sits beside the target, so the finished tarball arrives by one rename.
    with tempfile.TemporaryDirectory(prefix=".export-", dir=target.parent) as tmp:
        snapshot = Path(tmp) / "catalog.sqlite"
        _snapshot_catalog(catalog, snapshot)
        members: dict[str, Path] = {"archive/catalog.sqlite": snapshot}
        for sha in _referenced_blobs(snapshot):
            blob = data_dir / "archive" / "blobs" / sha[:2] / f"{sha}.gz"
            if not blob.is_file():
                raise ArchiveCorrupt(f"archive blob {blob.name} is missing; the archive is damaged, not exported")
            members[f"archive/blobs/{sha[:2]}/{sha}.gz"] = blob
        for folder in EXTRA_FOLDERS:
            for path in sorted((data_dir / folder).rglob("*")):
                if path.is_file() and not path.name.startswith(".tmp-"):
                    members[path.relative_to(data_dir).as_posix()] = path
        for name, data in (setup or {}).items():
            if PurePosixPath(_safe_name(name)).parts[0] != SETUP:
                raise ValueError(f"a setup file must be under {SETUP}/: {name!r}")
            written = Path(tmp) / name
            written.parent.mkdir(parents=True, exist_ok=True)
            written.write_bytes(data)
            members[name] = written
        files = {name: {"sha256": _sha256_file(path), "size": path.stat().st_size} for name, path in members.items()}
        manifest = {"format": FORMAT, "version": FORMAT_VERSION, "created_at": utc_now(),
                    "versions": _count_versions(snapshot), "files": files}
        partial = Path(tmp) / "export.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
            for name, path in members.items():
                with path.open("rb") as handle:
                    info = tar.gettarinfo(fileobj=handle, arcname=name)
                    info.uid = info.gid = 0
                    info.uname = info.gname = ""
                    info.mode = 0o644
                    tar.addfile(info, handle)
        os.replace(partial, target)  # never a half tarball under the target's name
    return BackupReport(target, len(files), target.stat().st_size, manifest["versions"],
                        tuple(restored_lines(list(files))))


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), 0o644
    tar.addfile(info, io.BytesIO(data))


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise InputError(f"refusing a member outside the data directory: {name!r}")
    if len(path.parts) < 2 or path.parts[0] not in FOLDERS:
        raise InputError(f"refusing a member outside the folders of an export ({', '.join(FOLDERS)}): {name!r}")
    return path.as_posix()


def _read_manifest(tar: tarfile.TarFile, source: Path) -> tuple[dict[str, Any], tarfile.TarInfo]:
    first = tar.next()
    if first is None or first.name != MANIFEST or not first.isfile():
        raise InputError(f"{source} is not a casearchive export (it does not start with {MANIFEST})")
    if first.size > MANIFEST_CAP:  # refused on its header, before a byte is read
        raise InputError(f"{source}: the manifest is {first.size:,} bytes, more than the {MANIFEST_CAP >> 20} MiB "
                         "a real export's manifest needs; refused as damaged or hostile")
    handle = tar.extractfile(first)
    assert handle is not None
    try:
        manifest = json.loads(handle.read(MANIFEST_CAP))
    except (ValueError, RecursionError):
        raise InputError(f"{source}: the manifest is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT \
            or not isinstance(manifest.get("files"), dict):
        raise InputError(f"{source} is not a casearchive export (format "
                         f"{manifest.get('format') if isinstance(manifest, dict) else None!r})")
    if manifest.get("version") != FORMAT_VERSION:
        raise InputError(f"{source}: export format version {manifest.get('version')} is not supported")
    for name, entry in manifest["files"].items():
        _check_entry(source, name, entry)
    return manifest, first


def _check_entry(source: Path, name: str, entry: Any) -> None:
    """A manifest line: a safe name, a size in bytes, a sha256 (the copy trusts nothing else)."""
    _safe_name(name)
    size = entry.get("size") if isinstance(entry, dict) else None
    sha = entry.get("sha256") if isinstance(entry, dict) else None
    if type(size) is not int or size < 0 or not isinstance(sha, str) or len(sha) != 64 or not set(sha) <= SHA256_HEX:
        raise InputError(f"{source}: the manifest's entry for {name!r} is not a size and a sha256")


def _check_space(data_dir: Path, files: dict[str, dict[str, Any]], source: Path) -> None:
    """Refuse an export whose listed sizes do not fit on the disk of ``data_dir`` (with a margin)."""
    total = sum(entry["size"] for entry in files.values())
    needed = total + max(total // 10, 16 << 20)  # the catalog's journal, the filesystem's own overhead
    free = shutil.disk_usage(data_dir).free
    if needed > free:
        raise InputError(f"not enough free space in {data_dir} to import {source}: its files take "
                         f"{total / 1e6:,.1f} MB, with a margin {needed / 1e6:,.1f} MB, "
                         f"and {free / 1e6:,.1f} MB are free")


def _copy_checked(handle: BinaryIO, target: Path, expected: dict[str, Any], name: str) -> None:
    """Copy one member, never past its listed size, and check its sha256."""
    listed = expected["size"]
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with target.open("wb") as out:
        while chunk := handle.read(min(CHUNK, listed - size + 1)):
            if size + len(chunk) > listed:  # stop here: a bomb never gets past its listed size
                raise InputError(f"{name} is longer than the {listed:,} bytes its manifest lists: "
                                 "the export was changed or damaged")
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    if size != listed or digest.hexdigest() != expected["sha256"]:
        raise InputError(f"{name} does not match its checksum in the manifest: the export was changed or damaged")


def _unpack(source: Path, staging: Path, data_dir: Path) -> dict[str, Any]:
    """Unpack and verify every member into ``staging``; the manifest, or InputError."""
    try:
        with tarfile.open(source, "r:gz") as tar:
            manifest, first = _read_manifest(tar, source)
            expected: dict[str, dict[str, Any]] = manifest["files"]
            _check_space(data_dir, expected, source)
            seen: set[str] = set()
            for member in tar:
                if member is first:
                    continue
                name = _safe_name(member.name)
                if name not in expected or name in seen:
                    raise InputError(f"{source}: unexpected member {name!r} (not in the manifest)")
                if not member.isfile() or member.issparse():
                    raise InputError(f"{source}: member {name!r} is not a regular file")
                if member.size != expected[name]["size"]:
                    raise InputError(f"{name} does not match its checksum in the manifest: it holds "
                                     f"{member.size:,} bytes, the manifest lists {expected[name]['size']:,}")
                handle = tar.extractfile(member)
                assert handle is not None
                _copy_checked(handle, staging / name, expected[name], name)
                seen.add(name)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise InputError(f"{source} is truncated or not a casearchive export ({type(exc).__name__}: {exc})") from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise InputError(f"{source} is truncated: {len(missing)} files of the manifest are missing "
                         f"(first: {missing[0]})")
    return manifest


def _check_catalog(staging: Path) -> None:
    catalog = staging / "archive" / "catalog.sqlite"
    try:
        db = sqlite3.connect(catalog)
        try:
            status = db.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise InputError(f"the exported catalog is not a readable database: {exc}") from None
    if status != "ok":
        raise InputError(f"the exported catalog fails its integrity check: {status}")
    for sha in _referenced_blobs(catalog):
        if not (staging / "archive" / "blobs" / sha[:2] / f"{sha}.gz").is_file():
            raise InputError(f"the export lacks blob {sha[:12]}… that its catalog references")


def _move_into_place(staging: Path, data_dir: Path) -> None:
    """Rename the verified folders into ``data_dir``; if a rename fails, move back what was moved."""
    moved: list[tuple[Path, Path]] = []  # (where it went, where it came from)
    emptied: list[Path] = []  # empty folders of the target that a moved folder replaced
    try:
        for name in FOLDERS:
            unpacked, final = staging / name, data_dir / name
            if not unpacked.exists():
                continue
            if final.is_dir() and not any(final.iterdir()):
                final.rmdir()
                emptied.append(final)
            if not final.exists():
                os.rename(unpacked, final)
                moved.append((final, unpacked))
                continue
            for path in sorted(unpacked.rglob("*")):  # runs/ may already hold files: add, never replace
                dest = final / path.relative_to(unpacked)
                if path.is_file() and not dest.exists():
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    os.rename(path, dest)
                    moved.append((dest, path))
    except BaseException:
        for done, back in reversed(moved):
            os.rename(done, back)
        for folder in emptied:
            folder.mkdir(exist_ok=True)
        raise


def import_archive(data_dir: Path, source: Path, lock_wait: float = 0.0) -> BackupReport:
    """Restore an export into ``data_dir``, which must not hold an archive yet; on failure it is left as it was."""
    data_dir, source = Path(data_dir), Path(source)
    if not source.is_file():
        raise NotFoundError(f"no export file {source}")
    if (data_dir / "archive" / "catalog.sqlite").exists():
        raise InputError(f"{data_dir} already holds an archive; import into a new or empty data directory")
    for folder in ("curation", SETUP):
        if (data_dir / folder).exists() and any((data_dir / folder).iterdir()):
            raise InputError(f"{data_dir / folder} is not empty; import into a new or empty data directory")
    with acquire_lock(data_dir, "import-archive", lock_wait):
        staging = Path(tempfile.mkdtemp(prefix=".import-", dir=data_dir))
        try:
            manifest = _unpack(source, staging, data_dir)
            _check_catalog(staging)
            check_setup(staging)
            _move_into_place(staging, data_dir)  # verified: renames within the data directory
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    files = manifest["files"]
    log.info("[backup] imported %d files from %s", len(files), source)
    return BackupReport(source, len(files), sum(f["size"] for f in files.values()), int(manifest.get("versions", 0)),
                        tuple(restored_lines(list(files))))
