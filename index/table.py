"""A generation's search table: each document's group and kind, and each group's facet values.

A build writes it beside the Whoosh index once the segments are committed; a search loads it
with the generation. With it a search counts the groups (videos, cases, note pages) and the
facets of *every* matching document from document numbers alone, without scoring the hits or
reading their stored fields; only the groups it shows are scored and read.

Facet values are the same for every document of a group (passages carry their video's cases,
themes, sector and year, sections their case's), except the companies a passage names beyond its
video's: those are kept per document, so a group counts for a company when one of its *matching*
documents carries it, which is what clicking that facet then finds.
"""

from __future__ import annotations

import json
from array import array
from collections import Counter
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, Iterator

from archive.store import atomic_write
from index.schema import FACETS

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


def _live_columns(reader: Any) -> Iterator[tuple[int, str, bytes]]:
    """(document number, group, facet values) of each live document, segment by segment: the
    segments' own column readers, untranslated, cost half of the whole index's per document."""
    for segment, offset in reader.leaf_readers():
        group_col = segment.column_reader("group", translate=False)
        facet_col = segment.column_reader("facets", translate=False)
        deleted = segment.deleted_docs_set  # a cached property (frozenset)
        for local in range(segment.doc_count_all()):
            if local not in deleted:
                yield offset + local, group_col[local].decode(), facet_col[local]


def write_table(generation: Path, reader: Any) -> None:
    """Write the table of the committed index ``reader`` into its generation folder."""
    count = reader.doc_count_all()
    docs = array("I", [DELETED]) * count
    label_sets: dict[frozenset[tuple[str, str]], int] = {}  # documents of a group mostly share one
    doc_labels = array("i", [-1]) * count
    index_of: dict[str, int] = {}
    common: list[frozenset[tuple[str, str]]] = []
    heads: list[tuple[dict[str, Any], bool]] = []  # the values dating a group, and whether its head's
    # The passages of a video mostly carry the same facet values: each distinct value is read once.
    parsed: dict[bytes, tuple[dict[str, Any], frozenset[tuple[str, str]]]] = {}
    for docnum, key, raw in _live_columns(reader):
        known = parsed.get(raw)
        if known is None:
            values = json.loads(raw)
            known = parsed[raw] = (values, frozenset(_labels(values)))
        values, labels = known
        doc_labels[docnum] = label_sets.setdefault(labels, len(label_sets))
        group = index_of.setdefault(key, len(index_of))
        is_head = values["kind"] in ("video", "case")
        if group == len(common):
            common.append(labels)
            heads.append((values, is_head))
        else:
            common[group] &= labels
            if is_head and not heads[group][1]:
                heads[group] = (values, True)
        docs[docnum] = group << 2 | KINDS.index(values["kind"])
    by_index = list(label_sets)
    extra = {}
    for docnum in range(count):
        if doc_labels[docnum] >= 0:
            labels = by_index[doc_labels[docnum]]
            own = labels - common[docs[docnum] >> 2]
            if own:
                extra[str(docnum)] = sorted(own)
    # A group's date and year are its head's (the video or the whole case), else its first document's.
    groups = [[key, head.get("date"), head.get("year"), sorted(labels)]
              for key, (head, _), labels in zip(index_of, heads, common)]
    atomic_write(generation / DOCS_FILE, docs.tobytes())
    table = {"version": TABLE_VERSION, "doc_count": count, "groups": groups, "extra": extra}
    atomic_write(generation / TABLE_FILE, json.dumps(table, ensure_ascii=False, separators=(",", ":")).encode())


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
