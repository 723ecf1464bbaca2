"""Postings gathered per term while a segment is written, and written a term at a time.

Whoosh's writer puts every posting, a ``(field, term, docnum, weight, value)`` tuple, in a
sorting pool: it sorts them, pickles each one to a temporary run file, reads each one back and
merges the runs one posting at a time, then hands them one at a time to the postings writer.
At the benchmark's L scale that is 38 million postings and about a third of a full build.

Documents arrive in docnum order, so each term's postings are already in order: the pool here
keeps them per term, in arrays (docnums, weights, value lengths, the values' bytes), spills
the terms in sorted order to a run file when it holds ``limitmb``, and at the end merges the
runs term by term, not posting by posting. The field writer then writes each term's posting
blocks from the arrays. The files written are the same, byte for byte, as Whoosh's own
(``tests/test_postings.py`` compares them).
"""

from __future__ import annotations

import heapq
import itertools
import marshal
from array import array
from typing import Any, Iterator

from whoosh.codec.whoosh3 import W3FieldWriter
from whoosh.util import random_name

# What a new term costs in memory beyond its postings: its key, the four arrays and a dict slot.
_TERM_COST = 480
# What each posting costs: docnum, weight (a double, as Whoosh computes it), value length.
_POSTING_COST = 4 + 8 + 4

_Term = tuple[str, bytes, array, array, array, bytes]  # field, term, docnums, weights, value lengths, values


class TermPool:
    """A stand-in for Whoosh's ``PostingPool`` (``add``, ``iter_postings``, ``cleanup``)."""

    def __init__(self, tempstore: Any, limitmb: int = 128) -> None:
        self._store = tempstore
        self._limit = limitmb * 1024 * 1024
        self._size = 0
        self._fields: dict[str, dict[bytes, list[Any]]] = {}
        self._runs: list[str] = []

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
        entry = terms.get(tbytes)
        if entry is None:
            # docnums, weights, value lengths, values, whether the docnums came out of order
            entry = terms[tbytes] = [array("I"), array("d"), array("I"), bytearray(), False]
            self._size += _TERM_COST + len(tbytes)
        docs = entry[0]
        if docs and docnum <= docs[-1]:
            entry[4] = True
        docs.append(docnum)
        entry[1].append(weight)
        if vbytes:
            entry[2].append(len(vbytes))
            entry[3] += vbytes
            self._size += _POSTING_COST + len(vbytes)
        else:
            entry[2].append(0)
            self._size += _POSTING_COST
        if self._size > self._limit:
            self._save()

    def _sorted_terms(self) -> Iterator[tuple[tuple[str, bytes], list[Any]]]:
        for fieldname in sorted(self._fields):
            terms = self._fields[fieldname]
            for tbytes in sorted(terms):
                yield (fieldname, tbytes), terms[tbytes]

    def _save(self) -> None:
        """Spill the terms held, in order, to a run file."""
        name = f"{random_name()}.terms"
        handle = self._store.create_file(name)
        try:
            for (fieldname, tbytes), (docs, weights, lengths, values, unordered) in self._sorted_terms():
                handle.write(marshal.dumps((fieldname, tbytes, docs.tobytes(), weights.tobytes(),
                                            lengths.tobytes(), bytes(values), unordered)))
        finally:
            handle.close()
        self._runs.append(name)
        self._fields = {}
        self._size = 0

    def _read_run(self, name: str) -> Iterator[tuple[tuple[str, bytes], list[Any]]]:
        with self._store.open_file(name).raw_file() as handle:
            while True:
                try:
                    fieldname, tbytes, docs, weights, lengths, values, unordered = marshal.load(handle)
                except EOFError:
                    break
                yield (fieldname, tbytes), [array("I", docs), array("d", weights), array("I", lengths),
                                            values, unordered]
        self._store.delete_file(name)

    def iter_postings(self) -> "TermStream":
        return TermStream(self)

    def terms(self) -> Iterator[_Term]:
        """Every term in order with all its postings in docnum order."""
        sources = [self._read_run(name) for name in self._runs] + [self._sorted_terms()]
        self._runs = []
        # heapq.merge keeps equal keys in the order of the sources: the runs, oldest first, then
        # what is still in memory, so each term's parts come in docnum order.
        merged = heapq.merge(*sources, key=lambda pair: pair[0])
        # One pass over each group: its first run, then the rest of the same iterator.
        for (fieldname, tbytes), parts in itertools.groupby(merged, key=lambda pair: pair[0]):
            docs, weights, lengths, values, unordered = next(parts)[1]
            chunks = [values]
            for _key, (more_docs, more_weights, more_lengths, more_values, more_unordered) in parts:  # noqa: B031
                # A term in several runs: extended in place, so joining n runs costs their size.
                unordered = unordered or more_unordered or more_docs[0] <= docs[-1]
                docs.extend(more_docs)
                weights.extend(more_weights)
                lengths.extend(more_lengths)
                chunks.append(more_values)
            values = b"".join(chunks) if len(chunks) > 1 else bytes(values)
            if unordered:
                docs, weights, lengths, values = _in_order(docs, weights, lengths, bytes(values))
            yield fieldname, tbytes, docs, weights, lengths, bytes(values)
        self._fields = {}

    def cleanup(self) -> None:
        for name in self._runs:
            try:
                self._store.delete_file(name)
            except OSError:
                pass
        self._runs = []


def _in_order(docs: array, weights: array, lengths: array, values: bytes) -> tuple[array, array, array, bytes]:
    """A term's postings sorted by docnum (when a merge of old segments added them out of order)."""
    rows = []
    at = 0
    for doc, weight, length in zip(docs, weights, lengths):
        rows.append((doc, weight, values[at:at + length]))
        at += length
    rows.sort()
    return (array("I", (r[0] for r in rows)), array("d", (r[1] for r in rows)),
            array("I", (len(r[2]) for r in rows)), b"".join(r[2] for r in rows))


class TermStream:
    """The pool's postings: a term at a time for ``TermFieldWriter``, or one posting at a time as
    Whoosh's pool gives them (for any other field writer)."""

    def __init__(self, pool: TermPool) -> None:
        self.pool = pool

    def terms(self) -> Iterator[_Term]:
        return self.pool.terms()

    def __iter__(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        for fieldname, tbytes, docs, weights, lengths, values in self.terms():
            at = 0
            for doc, weight, length in zip(docs, weights, lengths):
                yield fieldname, tbytes, doc, weight, values[at:at + length]
                at += length


class TermFieldWriter(W3FieldWriter):
    """Whoosh's field writer, writing a term's posting blocks straight from the pool's arrays."""

    def add_postings(self, schema: Any, lengths: Any, items: Any) -> None:
        if not isinstance(items, TermStream):
            super().add_postings(schema, lengths, items)
            return
        field_lengths = getattr(lengths, "field_lengths", None)
        if lengths is not None and field_lengths is None:  # a reader without lengths in memory
            super().add_postings(schema, lengths, iter(items))
            return
        current = None
        for fieldname, tbytes, docs, weights, value_lengths, values in items.terms():
            if fieldname != current:
                if current is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                current = fieldname
                doc_lengths = field_lengths(fieldname) if field_lengths else None
                fixed = schema[fieldname].format.fixed_value_size()
            self.start_term(tbytes)
            self._write_term(docs, weights, value_lengths, values, doc_lengths, fixed)
            self.finish_term()
        if current is not None:
            self.finish_field()

    def _write_term(self, docs: array, weights: array, value_lengths: array, values: bytes,
                    doc_lengths: list[int | None] | None, fixed: int | None) -> None:
        """Fill the postings writer's block buffer a block at a time, as ``add_posting`` would."""
        writer = self._postwriter
        size = writer._blocklimit
        total = len(docs)
        at = 0
        for start in range(0, total, size):
            end = min(start + size, total)
            ids = docs[start:end]
            block_weights = weights[start:end]
            writer._ids = ids
            writer._weights = array("f", block_weights)
            writer._maxweight = max(0, max(block_weights))
            if fixed is None or fixed < 0:
                block_values = []
                for length in value_lengths[start:end]:
                    if length:
                        block_values.append(values[at:at + length])
                        at += length
            else:
                span = sum(value_lengths[start:end])
                # Whoosh joins a block's values of a fixed size into one string (or drops them).
                block_values = [values[at:at + span]] if span else []
                at += span
            writer._values = block_values
            known = [n for n in map(doc_lengths.__getitem__, ids) if n] if doc_lengths else ()
            writer._minlength = min(known) if known else None
            writer._maxlength = max(known) if known else 0
            if end < total:
                writer._write_block()
