"""Which documents match a query, without scoring them: set algebra over whole posting blocks.

Whoosh finds the matching documents of a query by moving its matchers one document at a time in
Python, scoring each. To count groups and facets a search needs only the set of document
numbers, so terms are read a posting block at a time and AND, OR and NOT become set operations;
a query of any other kind (phrases, numeric ranges…) is left to Whoosh's own unscored matching.
"""

from __future__ import annotations

from typing import Any

from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query.terms import MultiTerm


def _term_docs(searcher: Any, fieldname: str, texts: list[bytes]) -> set[int]:
    """The documents holding any of these terms of a field (deleted documents may be among them)."""
    found: set[int] = set()
    for reader, offset in searcher.reader().leaf_readers():
        for text in texts:
            if (fieldname, text) not in reader:
                continue
            matcher = reader.postings(fieldname, text)
            if isinstance(matcher, FilterMatcher):  # the segment's deletions: the caller drops those
                matcher = matcher.child
            if not hasattr(matcher, "_read_ids"):  # not a block matcher: one document at a time
                found.update(i + offset for i in matcher.all_ids())
                continue
            while matcher.is_active():
                # Whoosh's block matcher: read a whole block's ids, then jump to the next block.
                if matcher._ids is None:
                    matcher._read_ids()
                ids = matcher._ids
                found.update(ids if not offset else (i + offset for i in ids))
                matcher._next_block()
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
