"""Prefix, wildcard and fuzzy words replaced by the index words they stand for, within caps.

``ver*`` stands for about two thousand words of a mid-sized index, and a search scores every one
of them: so each such word keeps at most ``MAX_WORDS_PER_TERM`` of its words, the ones most
documents hold (the search then says it is partial), a query's words together may stand for at
most ``MAX_WORDS_PER_QUERY`` (more is refused with a message saying how to narrow it), and a word
that would run through more than ``MAX_SCAN`` words of the index is refused before it is scored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq
from whoosh.query.terms import MultiTerm

from index.engine import bounds
from index.engine.bounds import SearchTooCostly

MAX_WORDS_PER_TERM = 50
MAX_WORDS_PER_QUERY = 200
MAX_SCAN = 10_000
_CHECK_EVERY = 1000  # index words read between two deadline checks


@dataclass
class Expansion:
    """What the expansion of one query found: its words in all, and the words it cut short."""

    words: int = 0
    cut: list[dict[str, Any]] = field(default_factory=list)  # {"term", "words", "kept"} per capped word
    done: dict[int, Any] = field(default_factory=dict)  # the queries expanded, by id (each expanded once)


def typed(query: Any) -> str:
    """A prefix, wildcard or fuzzy word as the query language writes it (``ver*``, ``verzuim~``)."""
    if isinstance(query, wq.Prefix):
        return f"{query.text}*"
    if isinstance(query, wq.FuzzyTerm):
        return f"{query.text}~{query.maxdist if query.maxdist != 1 else ''}"
    if isinstance(query, wq.TermRange):
        return f"[{query.start or ''} TO {query.end or ''}]"
    return str(getattr(query, "text", query))


def expand(query: Any, reader: Any, seen: Expansion) -> Any:
    """The query with each prefix, wildcard and fuzzy word replaced by the words of the index it
    stands for: expanded once per search (``seen``), and scored like words (Whoosh scores them flat)."""
    if id(query) in seen.done:
        return seen.done[id(query)]
    seen.done[id(query)] = expanded = _expand_one(query, reader, seen)
    return expanded


def _swapped(text: str, keep: int) -> set[str]:
    """The text with two neighbouring letters swapped, each way it can be (not within ``keep``)."""
    return {text[:i] + text[i + 1] + text[i] + text[i + 2:] for i in range(keep, len(text) - 1)
            if text[i] != text[i + 1]}


def near_words(leaf: Any, fieldname: str, text: str, maxdist: int, prefix: int) -> set[str]:
    """The words of one segment within ``maxdist`` edits of ``text`` that share its first ``prefix``
    letters, found with the segment's automaton; the automaton does not count a swap of two
    neighbouring letters as one edit, so the swapped spellings are looked up too (and, for two
    edits, the words one edit from those)."""
    near = set(leaf.terms_within(fieldname, text, maxdist, prefix=prefix))
    for variant in _swapped(text, prefix):
        if maxdist > 1:
            near.update(leaf.terms_within(fieldname, variant, maxdist - 1, prefix=prefix))
        elif (fieldname, variant) in leaf:
            near.add(variant)
    return near


def _listed(query: Any, leaf: Any, found: dict[str, int]) -> None:
    """Add the index words of one segment a prefix or wildcard stands for to ``found``, with the
    number of documents holding each (read with the word, not looked up); refuse a word that
    would run through more than ``MAX_SCAN`` words of the index."""
    field_ = leaf.schema[query.fieldname]
    pattern = re.compile(query._get_pattern()) if isinstance(query, wq.Wildcard) else None
    if isinstance(query, (wq.Prefix, wq.Wildcard)):
        start = query.text if pattern is None else query._find_prefix(query.text)
        items: Any = leaf.iter_prefix(query.fieldname, start)
    else:  # a range of words ([a TO b]) or another kind: frequencies looked up
        items = ((word, None) for word in query._btexts(leaf))
    for n, (raw, info) in enumerate(items, start=1):
        word = raw if isinstance(raw, str) else field_.from_bytes(raw)
        if pattern is None or pattern.match(word):
            count = info.doc_frequency() if info is not None else leaf.doc_frequency(query.fieldname, raw)
            found[word] = found.get(word, 0) + count
        if n % _CHECK_EVERY == 0:
            bounds.check()
        if n > MAX_SCAN:
            narrow = "narrow the range" if isinstance(query, wq.TermRange) else "type more letters before the * or ?"
            raise SearchTooCostly(f"{typed(query)} stands for more than {MAX_SCAN} words of the index: {narrow}")


def _words_of(query: Any, reader: Any) -> dict[str, int]:
    """The words of the index a prefix, wildcard or fuzzy word stands for, with the number of
    documents holding each, segment by segment: a segment finds the words near a fuzzy word with
    its automaton (``near_words``), where a reader of several segments compares it with every word
    of the index; a swap of neighbouring letters counts as one edit (``verzium~`` finds verzuim)."""
    found: dict[str, int] = {}
    for leaf, _offset in reader.leaf_readers():
        bounds.check()
        if not isinstance(query, wq.FuzzyTerm):
            _listed(query, leaf, found)
            continue
        for word in near_words(leaf, query.fieldname, query.text, query.maxdist, query.prefixlength):
            found[word] = found.get(word, 0) + leaf.doc_frequency(query.fieldname, word)
    found.pop("", None)
    return found


def _capped(query: Any, words: dict[str, int], seen: Expansion) -> list[str]:
    """At most ``MAX_WORDS_PER_TERM`` of a word's index words, those most documents hold; the
    query's words together at most ``MAX_WORDS_PER_QUERY``."""
    seen.words += min(len(words), MAX_WORDS_PER_TERM)
    if seen.words > MAX_WORDS_PER_QUERY:
        raise SearchTooCostly(f"the query's words with * ? or ~ stand for more than {MAX_WORDS_PER_QUERY} words "
                              f"of the index together (each counts up to {MAX_WORDS_PER_TERM}): use fewer of them, "
                              "or more letters before the * or ?")
    if len(words) <= MAX_WORDS_PER_TERM:
        return sorted(words)
    kept = sorted(sorted(words, key=lambda w: (-words[w], w))[:MAX_WORDS_PER_TERM])
    seen.cut.append({"term": typed(query), "words": len(words), "kept": len(kept)})
    return kept


def _expand_one(query: Any, reader: Any, seen: Expansion) -> Any:
    """One query node expanded: a prefix, wildcard, fuzzy word or range as an OR of index words."""
    if isinstance(query, MultiTerm):
        if query.fieldname not in reader.schema:
            return wq.NullQuery
        words = _capped(query, _words_of(query, reader), seen)
        terms = [wq.Term(query.fieldname, word, boost=query.boost) for word in words]
        return wq.Or(terms) if len(terms) > 1 else terms[0] if terms else wq.NullQuery
    return query.apply(lambda child: expand(child, reader, seen))
