"""Which documents match a query, without scoring them: set algebra over whole posting blocks.

Whoosh finds the matching documents of a query by moving its matchers one document at a time in
Python, scoring each. To count groups and facets a search needs only the set of document
numbers, so terms are read a posting block at a time and AND, OR and NOT become set operations;
a query of any other kind (phrases, numeric ranges…) is left to Whoosh's own unscored matching.
"""

from __future__ import annotations

from typing import Any, Iterator

from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query.terms import MultiTerm
from whoosh.query.wrappers import WrappingQuery

from index.engine import bounds


def _postings(searcher: Any, fieldname: str, text: bytes) -> Iterator[tuple[int, Any]]:
    """Each segment's posting matcher of a term with the segment's document offset (deleted
    documents may be among its postings)."""
    for reader, offset in searcher.reader().leaf_readers():
        if (fieldname, text) in reader:
            matcher = reader.postings(fieldname, text)
            if isinstance(matcher, FilterMatcher):  # the segment's deletions: the caller drops those
                matcher = matcher.child
            yield offset, matcher


def _blocks(matcher: Any) -> Iterator[tuple[tuple[int, ...], Any]]:
    """A posting matcher's document ids a whole block at a time (Whoosh's block matcher), with a
    function giving that block's raw values; any other matcher as one block."""
    if not hasattr(matcher, "_read_ids"):
        items = list(matcher.all_items())
        yield tuple(i for i, _ in items), lambda: [v for _, v in items]
        return
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()

        def values(m: Any = matcher) -> Any:
            if m._values is None:
                m._read_values()
            return m._values

        yield matcher._ids, values
        matcher._next_block()


def _term_docs(searcher: Any, fieldname: str, texts: list[bytes]) -> set[int]:
    """The documents holding any of these terms of a field (deleted documents may be among them)."""
    found: set[int] = set()
    for text in texts:
        bounds.check()  # a search's deadline, between two terms' postings
        for offset, matcher in _postings(searcher, fieldname, text):
            for ids, _values in _blocks(matcher):
                found.update(ids if not offset else (i + offset for i in ids))
    return found


def _term_values(searcher: Any, fieldname: str, text: bytes, docs: set[int] | None) -> dict[int, bytes]:
    """A term's raw posting values (its encoded positions) in each document holding it, or only in
    ``docs``; read a block at a time."""
    found: dict[int, bytes] = {}
    for offset, matcher in _postings(searcher, fieldname, text):
        for ids, values in _blocks(matcher):
            if docs is None:
                found.update(zip((i + offset for i in ids), values()))
                continue
            wanted = [n for n, i in enumerate(ids) if i + offset in docs]
            if wanted:
                raw = values()
                found.update((ids[n] + offset, raw[n]) for n in wanted)
    return found


def _phrase_docs(searcher: Any, query: Any) -> set[int]:
    """Documents with the words of a phrase in order, at most ``slop`` positions apart. The rarest
    word's postings come first; each other word's are read only for the documents still in the
    running; positions are decoded only for those that have every word."""
    field = searcher.schema[query.fieldname]
    reader = searcher.reader()
    texts = [field.to_bytes(word) for word in query.words]
    if any((query.fieldname, text) not in reader for text in texts):
        return set()
    order = sorted(range(len(texts)), key=lambda n: reader.doc_frequency(query.fieldname, texts[n]))
    values: dict[int, dict[int, bytes]] = {}
    docs: set[int] | None = None
    for n in order:
        bounds.check()
        values[n] = _term_values(searcher, query.fieldname, texts[n], docs)
        docs = set(values[n]) if docs is None else docs & values[n].keys()
        if not docs:
            return set()
    assert docs is not None
    if len(texts) < 2:
        return docs
    decode = field.format.decode_positions
    found = set()
    for docnum in docs:
        reach = set(decode(values[0][docnum]))
        for n in range(1, len(texts)):
            reach = {p for p in decode(values[n][docnum]) if any(0 < p - r <= query.slop for r in reach)}
            if not reach:
                break
        if reach:
            found.add(docnum)
    return found


def docs_having(searcher: Any, terms: list[tuple[str, str]], docnums: set[int]) -> set[int]:
    """Which of these (few) documents hold at least one of these terms."""
    found: set[int] = set()
    for fieldname, text in terms:
        if fieldname not in searcher.schema:
            continue
        btext = searcher.schema[fieldname].to_bytes(text)
        for offset, matcher in _postings(searcher, fieldname, btext):
            for docnum in sorted(docnums - found):
                local = docnum - offset
                if local < 0:
                    continue
                if not matcher.is_active():
                    break
                matcher.skip_to(local)
                if matcher.is_active() and matcher.id() == local:
                    found.add(docnum)
    return found


def _texts(searcher: Any, query: Any) -> list[bytes]:
    field = searcher.schema[query.fieldname]
    text = query.text
    return [text if isinstance(text, bytes) else field.to_bytes(text)]


def matching_docs(searcher: Any, query: Any) -> set[int]:
    """The document numbers (of the top-level searcher) that match ``query``, unscored."""
    if isinstance(query, wq.Term):
        if query.fieldname not in searcher.schema:
            return set()
        return _term_docs(searcher, query.fieldname, _texts(searcher, query))
    if isinstance(query, MultiTerm) and query.fieldname in searcher.schema:  # prefix, wildcard, fuzzy
        return _term_docs(searcher, query.fieldname, [t for t in query._btexts(searcher.reader()) if t])
    if isinstance(query, (wq.Or, wq.DisjunctionMax)):
        return set().union(*(matching_docs(searcher, q) for q in query.subqueries))
    if isinstance(query, wq.And):
        positive = [q for q in query.subqueries if not isinstance(q, wq.Not)]
        negative = [q.query for q in query.subqueries if isinstance(q, wq.Not)]
        if not positive:
            return _fallback(searcher, query)
        found = _intersection(searcher, positive)
        for q in negative:
            found -= matching_docs(searcher, q)
        return found
    if isinstance(query, wq.AndNot):
        found = matching_docs(searcher, query.a)
        return found - matching_docs(searcher, query.b) if found else found
    if isinstance(query, wq.Require):
        return _intersection(searcher, [query.a, query.b])
    if isinstance(query, wq.AndMaybe):
        return matching_docs(searcher, query.a)
    if isinstance(query, wq.Phrase) and query.fieldname in searcher.schema:
        return _phrase_docs(searcher, query)
    if isinstance(query, wq.NumericRange):
        return matching_docs(searcher, query._compile_query(searcher.reader()))
    if isinstance(query, WrappingQuery):  # e.g. a constant score around a compiled numeric range
        return matching_docs(searcher, query.child)
    if isinstance(query, wq.Every) and not query.fieldname:
        reader = searcher.reader()
        return set(range(reader.doc_count_all()))
    return _fallback(searcher, query)


def _intersection(searcher: Any, queries: list[Any]) -> set[int]:
    # "Every document" adds nothing beside another condition (kind:video is Every AND kind).
    queries = [q for q in queries if not (isinstance(q, wq.Every) and not q.fieldname)] or queries
    # Evaluate the plain terms first: the smallest set narrows the others early.
    found: set[int] | None = None
    for q in sorted(queries, key=lambda q: 0 if isinstance(q, wq.Term) else 1):
        docs = matching_docs(searcher, q)
        found = docs if found is None else found & docs
        if not found:
            return set()
    return found or set()


def _fallback(searcher: Any, query: Any) -> set[int]:
    return set(searcher.docs_for_query(query))


class DocList(wq.Query):
    """Matches exactly these document numbers (of the top-level searcher) and scores nothing: the
    second half of a ``Require``, to score just these documents by the first half."""

    def __init__(self, docnums: set[int]) -> None:
        self.docnums = sorted(docnums)
        self.boost = 1.0

    def __repr__(self) -> str:
        return f"DocList({len(self.docnums)} documents)"

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        # Whoosh asks each segment's searcher in turn; its documents start at the segment's offset.
        parent = searcher.parent() if searcher.parent is not None else None  # a weak reference
        offset = parent._offset_for_subsearcher(searcher) if parent is not None else 0
        size = searcher.doc_count_all()
        local = [d - offset for d in self.docnums if offset <= d < offset + size]
        return ListMatcher(local, all_weights=0.0) if local else NullMatcher()
