"""How the index's files are read and written: memory maps for reading, a tuned codec for writing.

Whoosh reads a posting block, a stored document or a column value with a seek and a read call
each on a plain file; a search or a table build makes hundreds of thousands of them. Mapped, a
read is a slice of the map, and the operating system keeps the pages in its cache for every
process that searches. (Whoosh's own mapping, for compound segments, copies each part of the
segment into memory when it is opened.)
"""

from __future__ import annotations

import mmap
import os
from pathlib import Path
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, _lenfield
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.util.numeric import byte_to_length

from index.engine.postings import TermFieldWriter, TermPool


class _MappedFile(StructFile):
    """A read-only index file seen through a memory map."""

    def __init__(self, mapped: mmap.mmap, name: str) -> None:
        super().__init__(mapped, name=name)
        self._map = mapped

    def get(self, position: int, length: int) -> bytes:
        return self._map[position:position + length]


class MappedStorage(FileStorage):
    """A generation's folder whose files are opened as memory maps (empty files as files)."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path), readonly=True)

    def open_file(self, name: str, **kwargs: Any) -> Any:
        with open(self._fpath(name), "rb") as handle:
            if os.fstat(handle.fileno()).st_size == 0:
                return super().open_file(name, **kwargs)
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        return _MappedFile(mapped, name)


def open_writer(ix: Any, limitmb: int = 128) -> Any:
    """A writer of a new segment in ``ix`` with this module's codec and the term pool."""
    # Segments stay separate files: Whoosh reads a compound segment by copying each of its parts
    # into memory (the whole postings file, for one search); separate files are mapped.
    writer = ix.writer(limitmb=limitmb, codec=WritingCodec(), compound=False)
    # Whoosh adds a separate spelling field's words with an integer weight, which the pool's
    # arrays would write as a float: such a schema keeps Whoosh's pool (ours has none).
    if not any(field.separate_spelling() for _name, field in ix.schema.items()):
        writer.pool = TermPool(writer._tempstorage, limitmb=limitmb)
    return writer


def open_generation(path: Path) -> Any:
    """The Whoosh index of a generation folder, for reading."""
    return MappedStorage(path).open_index()


class _LengthsInMemory:
    """A new segment's per-document reader whose field lengths are read once per field: Whoosh
    looks one up for every posting it writes (a seek and a read each, about a quarter of a commit)."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._lengths: dict[str, list[int | None] | None] = {}

    def field_lengths(self, fieldname: str) -> list[int | None] | None:
        """Every document's length in a field (None where it has none), or None for an unscored field."""
        if fieldname not in self._lengths:
            column = self._reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            self._lengths[fieldname] = None if column is None else [
                byte_to_length(b) if b else None for b in column.load()]
        return self._lengths[fieldname]

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        lengths = self.field_lengths(fieldname)
        return default if lengths is None else lengths[docnum]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)


class WritingCodec(W3Codec):
    """Whoosh's codec, writing posting blocks uncompressed (faster to write and to read, at about
    1.3× the size), keeping a new segment's field lengths in memory while its postings are
    written, and writing them a term at a time (``index.engine.postings``). Its segments record the
    plain codec, so reading never depends on this class."""

    def __init__(self) -> None:
        super().__init__(compression=0)

    def field_writer(self, storage: Any, segment: Any) -> Any:
        return TermFieldWriter(self, storage, segment)

    def per_document_reader(self, storage: Any, segment: Any) -> Any:
        return _LengthsInMemory(super().per_document_reader(storage, segment))

    def __reduce__(self) -> tuple[Any, ...]:
        return W3Codec, (self._blocklimit, self._compression, self._inlinelimit)
