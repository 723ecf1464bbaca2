"""The raw archive: write-once, versioned items with content hashes.

Layout under ``<data>/archive/``:

- ``blobs/ab/<sha256>.gz``: the raw bytes of every fetched response, content-addressed, gzip'd,
  written to a temporary file and renamed into place, never rewritten.
- ``catalog.sqlite``: one row per item version (namespace, key, version, url or API method and
  parameters, fetched_at, status, content type, sha256), one row per fetch (including unchanged
  ones and 304s), and small pieces of harvester state. Rows are only ever inserted; versions are
  never updated or deleted. SQLite's journal makes each write all-or-nothing.

A blob is written before its catalog row, so a crash leaves at worst an unreferenced blob.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sqlite3
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Literal

from archive.errors import ArchiveCorrupt, storage_problem

PutStatus = Literal["new", "changed", "unchanged"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    namespace    TEXT NOT NULL,
    key          TEXT NOT NULL,
    version      INTEGER NOT NULL,
    fetched_at   TEXT NOT NULL,
    url          TEXT,
    method       TEXT,
    params       TEXT,
    status       INTEGER,
    content_type TEXT,
    sha256       TEXT NOT NULL,
    identity     TEXT NOT NULL,
    size         INTEGER NOT NULL,
    meta         TEXT NOT NULL DEFAULT '{}',
    UNIQUE (namespace, key, version)
);
CREATE INDEX IF NOT EXISTS versions_by_item ON versions (namespace, key, version DESC);
CREATE TABLE IF NOT EXISTS fetches (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    namespace  TEXT NOT NULL,
    key        TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    status     INTEGER,
    outcome    TEXT NOT NULL,
    detail     TEXT
);
CREATE INDEX IF NOT EXISTS fetches_by_item ON fetches (namespace, key, id DESC);
CREATE TABLE IF NOT EXISTS state (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS versions_write_once BEFORE UPDATE ON versions
BEGIN SELECT RAISE(ABORT, 'archive versions are write-once'); END;
CREATE TRIGGER IF NOT EXISTS versions_never_deleted BEFORE DELETE ON versions
BEGIN SELECT RAISE(ABORT, 'archive versions are never deleted'); END;
"""


def utc_now() -> str:
    """The current time as an ISO 8601 UTC string with seconds precision."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Version:
    """One stored version of an archived item; its bytes are read with ``ArchiveStore.read``."""

    seq: int
    namespace: str
    key: str
    version: int
    fetched_at: str
    url: str | None
    method: str | None
    params: dict[str, Any] | None
    status: int | None
    content_type: str | None
    sha256: str
    size: int
    meta: dict[str, Any]


@dataclass(frozen=True)
class PutResult:
    """What ``put`` did: stored a new item, a changed version, or found it unchanged."""

    status: PutStatus
    version: Version


def _row_to_version(row: sqlite3.Row) -> Version:
    return Version(
        seq=row["seq"],
        namespace=row["namespace"],
        key=row["key"],
        version=row["version"],
        fetched_at=row["fetched_at"],
        url=row["url"],
        method=row["method"],
        params=json.loads(row["params"]) if row["params"] else None,
        status=row["status"],
        content_type=row["content_type"],
        sha256=row["sha256"],
        size=row["size"],
        meta=json.loads(row["meta"]),
    )


def atomic_write(path: Path, data: bytes) -> None:
    """Write a file through a temporary file and a rename, so readers never see half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _open_readonly(path: Path) -> sqlite3.Connection:
    """The catalog opened for reading only; ``immutable`` where not even SQLite's lock file can be made."""
    for flags in ("mode=ro", "mode=ro&immutable=1"):
        db = sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True, timeout=30, isolation_level=None)
        try:
            db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
            return db
        except sqlite3.OperationalError:
            db.close()
            if "immutable" in flags:
                raise
    raise sqlite3.OperationalError(f"unable to open database file {path}")


class ArchiveStore:
    """The on-disk archive of raw fetched items (see the module docstring for the layout)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.blobs = self.root / "blobs"
        self.readonly = False
        try:
            self.blobs.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.root / "catalog.sqlite", timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.OperationalError) as exc:
            # A read-only data directory (a mounted backup, a server without write rights) still
            # reads: pages and searches work, and a write fails with a clear storage error.
            if storage_problem(exc) is None or not (self.root / "catalog.sqlite").is_file():
                raise
            self._db = _open_readonly(self.root / "catalog.sqlite")
            self.readonly = True
        self._db.row_factory = sqlite3.Row

    def close(self) -> None:
        """Close the catalog."""
        self._db.close()

    def __enter__(self) -> "ArchiveStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- blobs -----------------------------------------------------------------------------

    def _blob_path(self, sha256: str) -> Path:
        return self.blobs / sha256[:2] / f"{sha256}.gz"

    def _write_blob(self, body: bytes, sha256: str) -> None:
        path = self._blob_path(sha256)
        if not path.exists():
            # mtime=0 keeps the gzip bytes a pure function of the content.
            atomic_write(path, gzip.compress(body, mtime=0))

    def read(self, version: Version) -> bytes:
        """The raw bytes of a version, checked against its sha256."""
        path = self._blob_path(version.sha256)
        try:
            body = gzip.decompress(path.read_bytes())
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise ArchiveCorrupt(f"archive blob {path.name} is unreadable: {exc}") from None
        if hashlib.sha256(body).hexdigest() != version.sha256:
            raise ArchiveCorrupt(f"archive blob {path.name} does not match its hash")
        return body

    def read_json(self, version: Version) -> Any:
        """The bytes of a version decoded as JSON."""
        return json.loads(self.read(version))

    # -- items -----------------------------------------------------------------------------

    def put(
        self,
        namespace: str,
        key: str,
        body: bytes,
        *,
        url: str | None = None,
        method: str | None = None,
        params: dict[str, Any] | None = None,
        status: int | None = 200,
        content_type: str | None = None,
        meta: dict[str, Any] | None = None,
        identity: bytes | None = None,
        fetched_at: str | None = None,
    ) -> PutResult:
        """Store ``body`` as the newest version of an item, unless it equals the latest one.

        ``identity`` (default: the body) decides sameness, so volatile parts such as view counts
        can be left out of it; a body whose identity is unchanged adds no version. The sameness
        check and the write are one transaction, so two writers never both store one new version.
        """
        sha256 = hashlib.sha256(body).hexdigest()
        ident = hashlib.sha256(identity).hexdigest() if identity is not None else sha256
        fetched_at = fetched_at or utc_now()
        with self._transaction() as db:
            latest = self.latest(namespace, key)
            if latest is not None and self._identity_of(latest) == ident:
                self.record_fetch(namespace, key, status=status, outcome="unchanged", at=fetched_at)
                return PutResult("unchanged", latest)
            self._write_blob(body, sha256)  # before its row (a crash leaves at worst an unused blob)
            row = db.execute(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM versions WHERE namespace=? AND key=?",
                (namespace, key),
            ).fetchone()
            cursor = db.execute(
                "INSERT INTO versions (namespace, key, version, fetched_at, url, method, params,"
                " status, content_type, sha256, identity, size, meta)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    namespace, key, row[0], fetched_at, url, method,
                    json.dumps(params, sort_keys=True) if params is not None else None,
                    status, content_type, sha256, ident, len(body),
                    json.dumps(meta or {}, sort_keys=True),
                ),
            )
            outcome: Literal["new", "changed"] = "new" if latest is None else "changed"
            db.execute(
                "INSERT INTO fetches (namespace, key, fetched_at, status, outcome) VALUES (?,?,?,?,?)",
                (namespace, key, fetched_at, status, outcome),
            )
            stored = db.execute("SELECT * FROM versions WHERE seq=?", (cursor.lastrowid,)).fetchone()
        return PutResult(outcome, _row_to_version(stored))

    def _identity_of(self, version: Version) -> str:
        row = self._db.execute("SELECT identity FROM versions WHERE seq=?", (version.seq,)).fetchone()
        return row[0]

    def record_fetch(
        self,
        namespace: str,
        key: str,
        *,
        status: int | None,
        outcome: str,
        detail: str | None = None,
        at: str | None = None,
    ) -> None:
        """Log a fetch that stored no new version: unchanged, 304, gone, failed."""
        self._db.execute(
            "INSERT INTO fetches (namespace, key, fetched_at, status, outcome, detail) VALUES (?,?,?,?,?,?)",
            (namespace, key, at or utc_now(), status, outcome, detail),
        )

    def last_fetch(self, namespace: str, key: str) -> dict[str, Any] | None:
        """The newest fetch log entry of an item, whatever its outcome."""
        row = self._db.execute(
            "SELECT fetched_at, status, outcome, detail FROM fetches WHERE namespace=? AND key=?"
            " ORDER BY id DESC LIMIT 1",
            (namespace, key),
        ).fetchone()
        return dict(row) if row else None

    def latest(self, namespace: str, key: str) -> Version | None:
        """The newest version of one item, or None."""
        row = self._db.execute(
            "SELECT * FROM versions WHERE namespace=? AND key=? ORDER BY version DESC LIMIT 1",
            (namespace, key),
        ).fetchone()
        return _row_to_version(row) if row else None

    def history(self, namespace: str, key: str) -> list[Version]:
        """Every version of one item, oldest first."""
        rows = self._db.execute(
            "SELECT * FROM versions WHERE namespace=? AND key=? ORDER BY version",
            (namespace, key),
        ).fetchall()
        return [_row_to_version(r) for r in rows]

    def iter_latest(self, namespace: str, since_seq: int = 0) -> Iterator[Version]:
        """The newest version of every item in a namespace (only items changed after ``since_seq``)."""
        rows = self._db.execute(
            "SELECT v.* FROM versions v JOIN (SELECT namespace, key, MAX(version) AS version"
            " FROM versions WHERE namespace=? GROUP BY key) m"
            " ON v.namespace=m.namespace AND v.key=m.key AND v.version=m.version"
            " WHERE v.seq > ? ORDER BY v.key",
            (namespace, since_seq),
        )
        for row in rows:
            yield _row_to_version(row)

    def keys(self, namespace: str) -> list[str]:
        """Every item key in a namespace."""
        rows = self._db.execute(
            "SELECT DISTINCT key FROM versions WHERE namespace=? ORDER BY key", (namespace,)
        )
        return [r[0] for r in rows]

    def count(self, namespace: str) -> int:
        """How many distinct items a namespace holds."""
        row = self._db.execute(
            "SELECT COUNT(DISTINCT key) FROM versions WHERE namespace=?", (namespace,)
        ).fetchone()
        return int(row[0])

    def max_seq(self) -> int:
        """The sequence number of the newest version in the whole archive (0 when empty)."""
        return int(self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM versions").fetchone()[0])

    # -- state -----------------------------------------------------------------------------

    def get_state(self, name: str, default: Any = None) -> Any:
        """A piece of harvester state (JSON), or ``default``."""
        row = self._db.execute("SELECT value FROM state WHERE name=?", (name,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_state(self, name: str, value: Any) -> None:
        """Replace a piece of harvester state atomically."""
        self._db.execute(
            "INSERT INTO state (name, value, updated_at) VALUES (?,?,?)"
            " ON CONFLICT(name) DO UPDATE SET value=excluded.value, updated_at=excluded.updated_at",
            (name, json.dumps(value, sort_keys=True), utc_now()),
        )

    def state_names(self, prefix: str) -> list[str]:
        """Names of the state entries that start with ``prefix``."""
        rows = self._db.execute(
            "SELECT name FROM state WHERE name >= ? AND name < ? ORDER BY name", (prefix, prefix + "\uffff")
        )
        return [r[0] for r in rows]


def open_store(data_dir: str | os.PathLike[str]) -> ArchiveStore:
    """Open (creating if needed) the archive of a data directory."""
    return ArchiveStore(Path(data_dir) / "archive")
