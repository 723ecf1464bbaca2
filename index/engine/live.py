"""The live generation as a search reads it: opened once per process and kept until another is
live, with a pool of idle searchers (Whoosh searchers are not shared by threads; each search borrows one)."""

from __future__ import annotations

import atexit
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from whoosh import query as wq

from index.engine.build import IndexCorrupt, current_generation, open_live
from index.engine.docsets import matching_docs
from index.engine.schema import SCHEMA_VERSION
from index.engine.table import DELETED, SearchTable, TableMissing, load_table


@dataclass
class Generation:
    """An open generation: what a search reads besides Whoosh's segments (loaded once per process),
    and its idle searchers (Whoosh searchers are not shared by threads; each search borrows one)."""

    stamp: tuple[Any, ...]
    path: Path
    manifest: dict[str, Any]
    table: SearchTable
    inactive: set[int]
    deleted: set[int]  # documents an update replaced or removed, still in their segments
    ix: Any
    idle: list[Any]


_open: dict[tuple[Any, ...], Generation] = {}  # one generation is live at a time
_lock = threading.Lock()


@atexit.register
def close_searchers() -> None:
    """Close the idle searchers of the open generation (at exit, or to release the index's files)."""
    with _lock:
        for generation in _open.values():
            for searcher in generation.idle:
                searcher.close()
        _open.clear()


def _stamp(live: Path) -> tuple[Any, ...]:
    """What identifies a generation's files as they are now (a damaged or replaced file changes it)."""
    return (str(live), *sorted((p.name, st.st_ino, st.st_size, st.st_mtime_ns)
                               for p in live.iterdir() if (st := p.stat())))


def _load(data_dir: Path) -> Generation:
    """Open the live generation: its index, manifest, search table and the documents a search leaves out."""
    ix, manifest, path = open_live(data_dir, units=False)
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise IndexCorrupt(f"the index was built by another version of casearchive (schema "
                           f"{manifest.get('schema_version')}; this one reads {SCHEMA_VERSION}): run "
                           "`casearchive index` to rebuild it from the archive")
    searcher = ix.searcher()
    try:
        table = load_table(path, searcher.reader().doc_count_all())
        inactive = matching_docs(searcher, wq.Term("active", "false"))
        deleted = {docnum for docnum, value in enumerate(table.docs) if value == DELETED}
    except TableMissing as exc:
        raise IndexCorrupt(f"{exc}: run `casearchive index` to bring the index up to date") from None
    finally:
        searcher.close()
    return Generation(stamp=_stamp(path), path=path, manifest=manifest, table=table, inactive=inactive,
                       deleted=deleted, ix=ix, idle=[])


def _borrow(data_dir: Path) -> tuple[Generation, Any]:
    """The live generation (opened if it is not yet) and an idle searcher of it, or None for a new one."""
    path = current_generation(data_dir)
    stamp = _stamp(path) if path is not None else None
    with _lock:
        generation = _open.get(stamp) if stamp is not None else None
        searcher = generation.idle.pop() if generation is not None and generation.idle else None
    if generation is None:
        generation = _load(data_dir)
        close_searchers()
        with _lock:
            _open[generation.stamp] = generation
    return generation, searcher or generation.ix.searcher()


@contextmanager
def live_searcher(data_dir: Path) -> Iterator[tuple[Generation, Any]]:
    """The live generation and a searcher on it: opened once, reused until another generation is live."""
    try:
        generation, searcher = _borrow(data_dir)
    except FileNotFoundError:  # the generation was cleaned up as it was opened: a newer one is live
        generation, searcher = _borrow(data_dir)
    try:
        yield generation, searcher
    finally:
        with _lock:
            if _open.get(generation.stamp) is generation:
                generation.idle.append(searcher)
            else:
                searcher.close()
