"""Prefix, wildcard and fuzzy words replaced by the index words they stand for, within caps.

``ver*`` stands for about two thousand words of a mid-sized index, and a search scores every one
of them: so each such word keeps at most ``MAX_WORDS_PER_TERM`` of its words, the ones most
documents hold (the search then says it is partial), a query's words together may stand for at
most ``MAX_WORDS_PER_QUERY`` (more is refused with a message saying how to narrow it), and a word
that would run through more than ``MAX_SCAN`` words of the index is refused before it is scored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq
from whoosh.query.terms import MultiTerm

from index import bounds
from index.bounds import SearchTooCostly

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
    return str(query.text)


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


def _listed(query: Any, words: Any, field_: Any, found: set[str]) -> None:
    """Add a prefix's or wildcard's index words to ``found``, refusing one that stands for too many."""
    for n, word in enumerate(words, start=1):
        found.add(word if isinstance(word, str) else field_.from_bytes(word))
        if n % _CHECK_EVERY == 0:
            bounds.check()
        if len(found) > MAX_SCAN:
            raise SearchTooCostly(f"{typed(query)} stands for more than {MAX_SCAN} words of the index: "
                                  "type more letters before the * or ?")


def _words_of(query: Any, reader: Any) -> set[str]:
    """The words of the index a prefix, wildcard or fuzzy word stands for, segment by segment: a
    segment finds the words near a fuzzy word with its automaton, where a reader of several
    segments compares it with every word of the index. The automaton does not count a swap of two
    neighbouring letters as one edit, as a fuzzy word does (``verzium~`` finds verzuim), so the
    swapped spellings are looked up too (and, for two edits, the words one edit from those)."""
    field_ = reader.schema[query.fieldname]
    found: set[str] = set()
    for leaf, _offset in reader.leaf_readers():
        bounds.check()
        if not isinstance(query, wq.FuzzyTerm):
            _listed(query, query._btexts(leaf), field_, found)
            continue
        found.update(leaf.terms_within(query.fieldname, query.text, query.maxdist, prefix=query.prefixlength))
        for variant in _swapped(query.text, query.prefixlength):
            if query.maxdist > 1:
                found.update(leaf.terms_within(query.fieldname, variant, query.maxdist - 1, prefix=query.prefixlength))
            elif (query.fieldname, variant) in leaf:
                found.add(variant)
    found.discard("")
    return found


def _capped(query: Any, words: set[str], reader: Any, seen: Expansion) -> list[str]:
    """At most ``MAX_WORDS_PER_TERM`` of a word's index words, those most documents hold; the
    query's words together at most ``MAX_WORDS_PER_QUERY``."""
    kept = sorted(words)
    if len(kept) > MAX_WORDS_PER_TERM:
        frequency = {word: reader.doc_frequency(query.fieldname, word) for word in kept}
        kept = sorted(sorted(kept, key=lambda w: -frequency[w])[:MAX_WORDS_PER_TERM])
        seen.cut.append({"term": typed(query), "words": len(words), "kept": len(kept)})
    seen.words += len(kept)
    if seen.words > MAX_WORDS_PER_QUERY:
        raise SearchTooCostly(f"the query's words with * ? or ~ stand for more than {MAX_WORDS_PER_QUERY} words "
                              f"of the index together (each counts up to {MAX_WORDS_PER_TERM}): use fewer of them, "
                              "or more letters before the * or ?")
    return kept


def _expand_one(query: Any, reader: Any, seen: Expansion) -> Any:
    if isinstance(query, MultiTerm):
        if query.fieldname not in reader.schema:
            return wq.NullQuery
        words = _capped(query, _words_of(query, reader), reader, seen)
        terms = [wq.Term(query.fieldname, word, boost=query.boost) for word in words]
        return wq.Or(terms) if len(terms) > 1 else terms[0] if terms else wq.NullQuery
    return query.apply(lambda child: expand(child, reader, seen))
