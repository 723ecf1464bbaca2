"""A cache of what the parsers made of archived blobs, so an index update parses only what changed.

``<data>/cache/parse.sqlite`` maps a key to a pickled parse result (a ``Case``, a ``Note``, a
``Video``, a transcript's passages with their texts kept apart). The key is a hash of everything
the result depends on: the blob's sha256, the parser's other inputs (URL, content type, site
selectors, known company names, caption correction list…), ``PARSE_VERSION``, the fields of the
cached classes, and the versions of Python and of the parsing libraries. The archive itself is
never touched.

The cache is derived data: deleting it only makes the next build parse everything again. An
unreadable database is deleted and started afresh, an entry that fails its checksum or does not
unpickle is parsed again and replaced; neither is ever an error. Writes are batched into SQLite
transactions, so a crash loses at most the entries not yet written.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import pickle
import sqlite3
import sys
import zlib
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence, TypeVar

from archive.budget import limits
from archive.captions import Cue
from archive.case_parser import Attachment, Block, Case, Section, YouTubeLink
from archive.notes import Note, NotePage
from archive.ocr import engine as ocr_engine
from archive.passages import Passage
from archive.youtube import Video

log = logging.getLogger(__name__)

T = TypeVar("T")
V = TypeVar("V")

# Bump when a parser (case page, note, caption, passage, video) gives other output for the same input.
# 8: the finder keys names with the search's folding ("Møller" is "moller"; "+" and "&" kept). 7: dates off the
# calendar are no date; API items are checked; budgets per item, PDF pages that share their content read once,
# caption tags
# 9: scanned PDF pages are OCRed (the Tesseract version is part of the key).
# 10: case page text is NFC (composed accents).
PARSE_VERSION = 10
# Pickled into the cache; a field added or renamed in any of them invalidates every entry.
CACHED_TYPES = (Case, Section, Block, YouTubeLink, Attachment, Note, NotePage, Video, Passage, Cue)
LIBRARIES = ("beautifulsoup4", "pypdf")
FLUSH_EVERY = 500  # entries held in memory before they are written (bounds memory on a full build)


def cache_path(data_dir: str | Path) -> Path:
    """Where a data directory's parse cache lives (beside the archive, never inside it)."""
    return Path(data_dir) / "cache" / "parse.sqlite"


def _fields(cls: type) -> list[str]:
    if dataclasses.is_dataclass(cls):
        return [f.name for f in dataclasses.fields(cls)]
    return list(getattr(cls, "_fields", ()))


def _library_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _plain(value: Any) -> Any:
    """Mappings and sequences of the parsers' arguments as JSON can write them (order kept)."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, Sequence):
        return list(value)
    raise TypeError(f"a parse cache key cannot hold {type(value).__name__}")


def cache_key(*parts: Any) -> str:
    """A hash of the parts (JSON values, mappings, sequences), in their order."""
    text = json.dumps(parts, ensure_ascii=False, default=_plain, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class NotCached(LookupError):
    """What a cache opened ``cached_only`` does not hold (a page asked; nothing is parsed)."""


class ParseCache:
    """Parse results by key in one SQLite file; ``refresh`` parses everything again (and stores it);
    ``cached_only`` never parses: a miss raises NotCached (the web pages read only what the index
    build parsed, so one request never parses an archived item)."""

    def __init__(self, path: Path, *, refresh: bool = False, cached_only: bool = False) -> None:
        self.path = path
        self.refresh = refresh
        self.cached_only = cached_only
        self.hits = 0
        self.misses = 0
        self._pending: list[tuple[str, int, bytes]] = []
        self._used: set[str] = set()
        # An item over a budget is cached as failed: other limits read it again.
        self._environment = cache_key(PARSE_VERSION, sys.version_info[:2], dataclasses.asdict(limits()),
                                      [_library_version(name) for name in LIBRARIES], ocr_engine(),
                                      [[cls.__qualname__, _fields(cls)] for cls in CACHED_TYPES])
        self._db = self._open()

    def __enter__(self) -> "ParseCache":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _open(self) -> sqlite3.Connection | None:
        """The database, created if needed; a broken one is deleted and made again, else no cache."""
        for attempt in (1, 2):
            db = None
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=30)
                db.text_factory = bytes  # a damaged value that reads as text must not fail to decode
                db.execute("CREATE TABLE IF NOT EXISTS parsed (key TEXT PRIMARY KEY, crc INTEGER NOT NULL,"
                           " value BLOB NOT NULL)")
                db.execute("SELECT key FROM parsed LIMIT 1").fetchall()
                return db
            except (sqlite3.Error, OSError) as exc:
                if db is not None:
                    db.close()
                log.warning("[cache] the parse cache %s is unusable (%s); %s", self.path, exc,
                            "starting a new one" if attempt == 1 else "parsing without it")
                self._delete()
        return None

    def _delete(self) -> None:
        for path in (self.path, self.path.with_name(self.path.name + "-journal")):
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass

    def _broken(self, exc: Exception) -> None:
        """A database error mid-run: drop the cache (the next run starts a new one), go on without it."""
        log.warning("[cache] the parse cache %s failed (%s); it is deleted and parsing goes on", self.path, exc)
        if self._db is not None:
            self._db.close()
        self._db = None
        self._pending.clear()
        self._delete()

    def key(self, *parts: Any) -> str:
        """The key of a parse result: a hash of its inputs and of this code's environment."""
        return cache_key(self._environment, *parts)

    def get_or_parse(self, key: str, parse: Callable[[], T]) -> T:
        """The result cached under ``key``, else ``parse()``'s (stored for the next run)."""
        self._used.add(key)
        if not self.refresh:
            found, value = self._load(key)
            if found:
                self.hits += 1
                return value  # type: ignore[no-any-return]
        self.misses += 1
        if self.cached_only:
            raise NotCached(key)
        result = parse()
        if self._db is not None:
            data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            self._pending.append((key, zlib.crc32(data), data))
            if len(self._pending) >= FLUSH_EVERY:
                self.flush()
        return result

    def keep(self, key: str) -> None:
        """Keep an entry this run did not read (``forget_unused`` deletes only what nobody asked for)."""
        self._used.add(key)

    def _load(self, key: str) -> tuple[bool, Any]:
        if self._db is None:
            return False, None
        try:
            row = self._db.execute("SELECT crc, value FROM parsed WHERE key=?", (key,)).fetchone()
        except sqlite3.Error as exc:
            self._broken(exc)
            return False, None
        if row is None:
            return False, None
        crc, data = row
        if not isinstance(data, bytes) or zlib.crc32(data) != crc:
            log.warning("[cache] a parse cache entry is damaged; parsing that item again")
            return False, None
        try:
            return True, pickle.loads(data)
        except Exception as exc:  # whatever a damaged pickle raises; the item is parsed again
            log.warning("[cache] a parse cache entry does not load (%s); parsing that item again", exc)
            return False, None

    def flush(self) -> None:
        """Write the entries parsed since the last flush, in one transaction."""
        if self._db is None or not self._pending:
            return
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO parsed (key, crc, value) VALUES (?,?,?)",
                                     self._pending)
        except sqlite3.Error as exc:
            self._broken(exc)
        self._pending.clear()

    def forget_unused(self) -> None:
        """Delete every entry this run did not ask for (old versions, old settings), after a full read."""
        self.flush()
        if self._db is None:
            return
        try:
            with self._db:
                self._db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
                self._db.execute("DELETE FROM used")
                self._db.executemany("INSERT INTO used (key) VALUES (?)", ((key,) for key in self._used))
                self._db.execute("DELETE FROM parsed WHERE key NOT IN (SELECT key FROM used)")
        except sqlite3.Error as exc:
            self._broken(exc)

    def close(self) -> None:
        """Write what is pending and close the database."""
        self.flush()
        if self._db is not None:
            self._db.close()
            self._db = None


def parse_with(cache: ParseCache | None, key_parts: Sequence[Any], parse: Callable[[], T]) -> T:
    """``parse()`` through the cache when there is one (``key_parts`` name every input of the parse)."""
    if cache is None:
        return parse()
    return cache.get_or_parse(cache.key(*key_parts), parse)


def newest_cached(cache: ParseCache | None, versions: Sequence[V],
                  parts: Callable[[V], Sequence[Any]]) -> tuple[V, Any] | None:
    """Of an item's ``versions`` (oldest first), the newest whose parse the cache holds, with that
    parse; nothing is parsed (a page shows the version the index read, not a newer one)."""
    for version in reversed(versions) if cache is not None else ():
        try:
            return version, cache.get_or_parse(cache.key(*parts(version)), _not_parsed)  # type: ignore[union-attr]
        except NotCached:
            continue
    return None


def _not_parsed() -> Any:
    raise NotCached("parsing is off here")
