"""A generation's search table: each document's group and kind, and each group's facet values.

A build writes it beside the Whoosh index once the segments are committed; a search loads it
with the generation. With it a search counts the groups (videos, cases, note pages) and the
facets of *every* matching document from document numbers alone, without scoring the hits or
reading their stored fields; only the groups it shows are scored and read.

Facet values are the same for every document of a group (passages carry their video's cases,
themes, sector and year, sections their case's), except the companies a passage names beyond its
video's: those are kept per document, so a group counts for a company when one of its *matching*
documents carries it, which is what clicking that facet then finds.

An update's table is the previous generation's with only the groups that gained or lost documents
worked out again, as long as the update merged none of the previous segments (the table keeps
their ids); otherwise, and after a rebuild, it is made from the whole index.
"""

from __future__ import annotations

import json
from array import array
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, Iterator

from archive.store import atomic_write
from index.engine.schema import FACETS

TABLE_FILE = "search-table.json"
DOCS_FILE = "search-docs.u32"
TABLE_VERSION = 1
KINDS = ("case", "note", "video", "passage")
LISTS = (("case", "case_ids"), ("company", "companies"), ("theme", "themes"), ("sector", "sectors"))
DELETED = 0xFFFFFFFF


class TableMissing(Exception):
    """The generation has no (readable) search table."""


@dataclass
class Group:
    """One group of a search: a video with its passages, a case with its sections, or a note page."""

    key: str  # video:<id>, case:<slug>, or a note page's id
    date: str | None
    year: int | None
    labels: tuple[tuple[str, str], ...]  # (facet, value) pairs every document of the group carries


@dataclass
class SearchTable:
    """The table of one generation (see the module's docstring)."""

    docs: array  # per document number: group << 2 | kind, or DELETED
    groups: list[Group]
    extra: dict[int, tuple[tuple[str, str], ...]]  # document number → its own labels beyond its group's

    def group_of(self, docnum: int) -> int | None:
        """The group index of a (live) document."""
        value = self.docs[docnum]
        return None if value == DELETED else value >> 2

    def kind_of(self, docnum: int) -> str:
        """The kind of a (live) document: case, note, video or passage."""
        return KINDS[self.docs[docnum] & 3]

    def groups_of(self, docnums: set[int]) -> tuple[set[int], Counter[str], dict[int, set[tuple[str, str]]]]:
        """The groups of these documents, how many groups have a document of each kind, and the labels
        some matching documents add to their groups."""
        docs = self.docs
        pairs = {docs[d] for d in docnums}
        pairs.discard(DELETED)
        groups = {p >> 2 for p in pairs}
        kinds = Counter(KINDS[p & 3] for p in pairs)
        added: dict[int, set[tuple[str, str]]] = {}
        extra = self.extra
        for docnum in extra.keys() & docnums:
            group = docs[docnum] >> 2
            added.setdefault(group, set()).update(extra[docnum])
        return groups, kinds, added

    def facets(self, groups: set[int], kinds: Counter[str], added: dict[int, set[tuple[str, str]]]
               ) -> dict[str, Counter[str]]:
        """Facet counts over groups: a group counts once for each value it carries."""
        table = self.groups
        counts: Counter[tuple[str, str]] = Counter(chain.from_iterable(table[g].labels for g in groups))
        for group, labels in added.items():
            counts.update(labels.difference(table[group].labels))
        facets: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
        for (name, value), n in counts.items():
            facets[name][value] = n
        facets["kind"] = kinds
        return facets


def _labels(values: dict[str, Any]) -> set[tuple[str, str]]:
    labels = {(name, str(v)) for name, key in LISTS for v in values.get(key) or ()}
    if values.get("year") is not None:
        labels.add(("year", str(values["year"])))
    return labels


def _segment_ids(segments: list[tuple[Any, int]]) -> list[list[Any]]:
    """Each segment's id and size ([] for an index without segments: the next table is made whole)."""
    if not all(getattr(segment, "segment", lambda: None)() is not None for segment, _offset in segments):
        return []  # an empty index's reader has no segment at all
    return [[segment.segment().segment_id(), segment.doc_count_all()] for segment, _offset in segments]


def _columns(segment: Any) -> tuple[Any, Any]:
    return segment.column_reader("group", translate=False), segment.column_reader("facets", translate=False)


def _live_columns(segments: list[tuple[Any, int]]) -> Iterator[tuple[int, str, bytes]]:
    """(document number, group, facet values) of each live document, segment by segment: the
    segments' own column readers, untranslated, cost half of the whole index's per document."""
    for segment, offset in segments:
        if not segment.doc_count_all():
            continue
        group_col, facet_col = _columns(segment)
        deleted = segment.deleted_docs_set  # a cached property (frozenset)
        for local in range(segment.doc_count_all()):
            if local not in deleted:
                yield offset + local, group_col[local].decode(), facet_col[local]


class _Facets:
    """Facet values parsed once per distinct stored value (a video's passages mostly share one)."""

    def __init__(self) -> None:
        self._parsed: dict[bytes, tuple[dict[str, Any], frozenset[tuple[str, str]]]] = {}

    def __call__(self, raw: bytes) -> tuple[dict[str, Any], frozenset[tuple[str, str]]]:
        known = self._parsed.get(raw)
        if known is None:
            values = json.loads(raw)
            known = self._parsed[raw] = (values, frozenset(_labels(values)))
        return known


def _group_entry(key: str, members: list[tuple[int, dict[str, Any], frozenset[tuple[str, str]]]],
                 extra: dict[str, list[Any]]) -> list[Any]:
    """A group's row from its live documents in document order, and their own labels into ``extra``."""
    if not members:
        return [key, None, None, []]
    common = frozenset.intersection(*(labels for _d, _v, labels in members))
    # A group's date and year are its head's (the video or the whole case), else its first document's.
    head = next((values for _d, values, _l in members if values["kind"] in ("video", "case")), members[0][1])
    for docnum, _values, labels in members:
        if own := labels - common:
            extra[str(docnum)] = sorted(own)
    return [key, head.get("date"), head.get("year"), sorted(common)]


def write_table(generation: Path, reader: Any, previous: Path | None = None) -> None:
    """Write the table of the committed index ``reader`` into its generation folder.

    ``previous``: the generation this one was updated from. When its segments are still the first
    ones of ``reader`` (the update added segments and deleted documents, but merged none of them),
    only the groups that gained or lost documents are worked out again; else the whole table is.
    """
    segments = list(reader.leaf_readers())  # (segment, the number of its first document)
    table = _updated(previous, reader, segments) if previous is not None else None
    if table is None:
        table = _whole(reader, segments)
    docs, groups, extra = table
    atomic_write(generation / DOCS_FILE, docs.tobytes())
    data = {"version": TABLE_VERSION, "doc_count": len(docs), "segments": _segment_ids(segments),
            "groups": groups, "extra": extra}
    atomic_write(generation / TABLE_FILE, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


Table = tuple[array, list[list[Any]], dict[str, list[Any]]]


def _whole(reader: Any, segments: list[tuple[Any, int]]) -> Table:
    docs = array("I", [DELETED]) * reader.doc_count_all()
    index_of: dict[str, int] = {}
    members: list[list[tuple[int, dict[str, Any], frozenset[tuple[str, str]]]]] = []
    facets = _Facets()
    for docnum, key, raw in _live_columns(segments):
        values, labels = facets(raw)
        group = index_of.setdefault(key, len(index_of))
        if group == len(members):
            members.append([])
        members[group].append((docnum, values, labels))
        docs[docnum] = group << 2 | KINDS.index(values["kind"])
    extra: dict[str, list[Any]] = {}
    groups = [_group_entry(key, rows, extra) for key, rows in zip(index_of, members)]
    return docs, groups, extra


def _updated(previous: Path, reader: Any, segments: list[tuple[Any, int]]) -> Table | None:
    """The previous generation's table with the groups an update touched worked out again; None
    when it cannot be (no table, or the update merged segments)."""
    try:
        data = json.loads((previous / TABLE_FILE).read_text(encoding="utf-8"))
        old_docs = array("I")
        old_docs.frombytes((previous / DOCS_FILE).read_bytes())
    except (OSError, ValueError):
        return None
    before = data.get("segments")
    ids = _segment_ids(segments)
    if (data.get("version") != TABLE_VERSION or not before or ids[:len(before)] != before
            or len(old_docs) != data.get("doc_count") or len(old_docs) != sum(n for _id, n in before)):
        return None
    count = reader.doc_count_all()
    docs = old_docs + array("I", [DELETED]) * (count - len(old_docs))
    groups: list[list[Any]] = data["groups"]
    extra: dict[str, list[Any]] = data["extra"]
    index_of = {row[0]: n for n, row in enumerate(groups)}
    touched: set[int] = set()
    for segment, offset in segments[:len(before)]:  # documents the update deleted
        for local in segment.deleted_docs_set:
            value = docs[offset + local]
            if value != DELETED:
                touched.add(value >> 2)
                docs[offset + local] = DELETED
                extra.pop(str(offset + local), None)
    added: list[tuple[int, str]] = []
    for docnum, key, _raw in _live_columns(segments[len(before):]):  # documents it added
        added.append((docnum, key))
        touched.add(index_of.setdefault(key, len(index_of)))
    groups.extend([key, None, None, []] for key in list(index_of)[len(groups):])
    # Every live document of a touched group, read again: its group's row and its own labels.
    members: dict[int, list[int]] = {group: [] for group in touched}
    for docnum, value in enumerate(old_docs):
        if value != DELETED and docs[docnum] != DELETED and (value >> 2) in members:
            members[value >> 2].append(docnum)
    for docnum, key in added:
        members[index_of[key]].append(docnum)
    facets = _Facets()
    starts = [offset for _segment, offset in segments]
    columns = [_columns(segment) for segment, _offset in segments]
    for group, docnums in members.items():
        rows = []
        for docnum in sorted(docnums):
            at = bisect_right(starts, docnum) - 1
            values, labels = facets(columns[at][1][docnum - starts[at]])
            docs[docnum] = group << 2 | KINDS.index(values["kind"])
            extra.pop(str(docnum), None)
            rows.append((docnum, values, labels))
        groups[group] = _group_entry(groups[group][0], rows, extra)
    return docs, groups, extra


def load_table(generation: Path, doc_count: int) -> SearchTable:
    """The table of a generation whose index holds ``doc_count`` documents (deleted ones included)."""
    try:
        data = json.loads((generation / TABLE_FILE).read_text(encoding="utf-8"))
        docs = array("I")
        docs.frombytes((generation / DOCS_FILE).read_bytes())
    except (OSError, ValueError) as exc:
        raise TableMissing(f"{generation.name} has no readable search table ({exc})") from None
    if data.get("version") != TABLE_VERSION or data.get("doc_count") != doc_count or len(docs) != doc_count:
        raise TableMissing(f"the search table of {generation.name} does not match its index")
    groups = [Group(key, date, year, tuple((name, value) for name, value in labels))
              for key, date, year, labels in data["groups"]]
    extra = {int(d): tuple((name, value) for name, value in labels) for d, labels in data["extra"].items()}
    return SearchTable(docs=docs, groups=groups, extra=extra)
