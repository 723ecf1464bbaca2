"""Search the live index: ranked, collapsed per video with its best moments, with facets."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Literal, cast

from whoosh import query as wq

from index.engine import bounds
from index.engine.docsets import DocList, docs_having, matching_docs
from index.engine.expansion import Expansion, expand
from index.engine.hits import hit_of, said_terms
from index.engine.live import Generation, live_searcher
from index.engine.query import ParsedQuery, parse_query
from index.engine.shapes import GroupHit, Hit, SearchResult
from index.engine.table import SearchTable
from index.text.taxonomy import Taxonomy, load_taxonomy, merge_taxonomy, taxonomy_to_dict

MOMENTS = 3
Sort = Literal["relevance", "date"]


@dataclass
class SearchOptions:
    """How to search: paging, order, whether inactive videos show, HTML snippets."""

    limit: int = 10
    offset: int = 0
    sort: Sort = "relevance"
    include_inactive: bool = False
    html: bool = False
    deadline: float | None = None  # seconds; None: the default of index.engine.bounds (10 s); 0: none


_taxonomies: dict[tuple[Any, ...], Taxonomy] = {}


def _search_taxonomy(live: Path, manifest: dict[str, Any], given: Taxonomy | Path | None) -> Taxonomy:
    """The taxonomy the index was built with, plus a given one; merged once per generation and file."""
    if isinstance(given, Taxonomy):
        if not any(given.entries(kind) for kind in ("company", "theme", "sector")):
            given = None
        else:
            return merge_taxonomy(merge_taxonomy(Taxonomy(), manifest.get("taxonomy")), taxonomy_to_dict(given))
    path = Path(given).resolve() if given else None
    if path is not None and str(path) == manifest.get("taxonomy_path"):
        path = None  # the snapshot already holds that file
    stamp = path.stat().st_mtime_ns if path is not None and path.exists() else None
    key = (str(live), str(manifest.get("built_at")), str(path), stamp)
    merged = _taxonomies.get(key)
    if merged is None:  # the web server's threads may race here; the worst case is merging twice
        merged = merge_taxonomy(Taxonomy(), manifest.get("taxonomy"))
        if path is not None:
            merged = merge_taxonomy(merged, taxonomy_to_dict(load_taxonomy(path)))
        _taxonomies.clear()  # one generation is live at a time; older merges are waste
        _taxonomies[key] = merged
    return merged


def _group_result(searcher: Any, table: SearchTable, hits: list[tuple[int, float]], said: set[int], query: Any,
                  options: SearchOptions) -> GroupHit:
    """One result per video (or case): its best hit that has the words in its own text (``said``),
    and as moments the passages that say them. Only what is shown is read from the index."""
    own = [(d, s, table.kind_of(d) == "passage") for d, s in hits if d in said or table.kind_of(d) != "passage"]
    top, top_score, _ = own[0] if own else (*hits[0], False)
    passages = [(d, s) for d, s, is_passage in own if is_passage and d != top]
    moments: list[Hit] = [hit_of(searcher.stored_fields(d), s, query, options.html) for d, s in passages[:MOMENTS]]
    return cast(GroupHit, {**hit_of(searcher.stored_fields(top), top_score, query, options.html),
                           "moments": moments, "more_moments": max(0, len(passages) - MOMENTS)})


def _group_query(key: str) -> Any:
    """The documents of a group: a video and its passages, a case and its sections, or a note page."""
    if key.startswith("video:"):
        return wq.Term("parent", key)
    if key.startswith("case:"):
        return wq.AndNot(wq.Term("parent", key), wq.Term("kind", "note"))
    return wq.Term("id", key)


FEW = 5000  # up to this many matching documents are scored one by one, more through Whoosh's skipping
PRELOAD_OVER = 8  # an OR of more words than this (a prefix, a fuzzy word) is scored from arrays


def _ranking(query: Any, preload: bool = False) -> Any:
    """The query that scores the matching documents: the words that count, without what only
    excludes (the matching set does that) and with a phrase's words scored together, as Whoosh
    scores a phrase, so the positions are not checked a second time. ``preload``: a long OR is
    scored by reading its words' postings into arrays, not by Whoosh's tree of matchers (which
    spends its time re-balancing itself when it is asked for the best hits of the whole index)."""
    if isinstance(query, wq.AndNot):
        return _ranking(query.a, preload)
    if isinstance(query, wq.Phrase):
        return wq.And([wq.Term(query.fieldname, word) for word in query.words], boost=query.boost)
    if isinstance(query, wq.Not):  # only excludes: what it lets through scores nothing of its own
        return wq.Every()
    if isinstance(query, wq.And):
        kept = [_ranking(q, preload) for q in query.subqueries if not isinstance(q, wq.Not)]
        return wq.And(kept, boost=query.boost) if kept else wq.Every()
    if isinstance(query, wq.Or):
        ranked = wq.Or([_ranking(q, preload) for q in query.subqueries], boost=query.boost)
        if preload and len(ranked.subqueries) > PRELOAD_OVER:
            ranked.matcher_type = wq.Or.ARRAY_MATCHER
        return ranked
    return query


def _scored(searcher: Any, query: Any, **options: Any) -> Any:
    """``searcher.search`` with the deadline checked while it scores (every few hundred hits)."""
    collector = searcher.collector(**options)
    matches = collector.matches

    def checked() -> Iterator[int]:
        for n, docnum in enumerate(matches()):
            if not n % 256:
                bounds.check()
            yield docnum

    collector.matches = checked  # the collector's own loop (and its block skipping) calls this
    searcher.search_with_collector(query, collector)
    return collector.results()


def _shown_hits(searcher: Any, table: SearchTable, shown: list[int], ranking: Any, matched: set[int]
                ) -> dict[int, list[tuple[int, float]]]:
    """The matching documents of the shown groups with their scores (as in the whole search), best
    first, scored together; in document order when there is nothing to rank by (filters alone)."""
    docs = set().union(*(matching_docs(searcher, _group_query(table.groups[g].key)) for g in shown)) & matched
    hits: dict[int, list[tuple[int, float]]] = {group: [] for group in shown}
    if ranking is None or not docs:
        scored = [(docnum, 0.0) for docnum in sorted(docs)]
    else:
        scored = _scored(searcher, wq.Require(ranking, DocList(docs)), limit=None, optimize=False).items()
    for docnum, score in scored:
        group = table.group_of(docnum)
        assert group is not None  # matched holds live documents alone
        hits[group].append((docnum, score))
    return hits


def _top_groups(searcher: Any, table: SearchTable, ranking: Any, matched: set[int], wanted: int,
                groups: set[int]) -> list[int]:
    """The best ``wanted`` of ``groups`` by their best hit: only the top hits are scored, more until
    enough groups are seen."""
    limit = max(4 * wanted, 40)
    few = len(matched) <= FEW
    if few:  # score just these, not every document the words alone match
        ranking = wq.Require(ranking, DocList(matched))
    while True:
        hits = _scored(searcher, ranking, limit=limit, filter=matched, optimize=not few)
        order: dict[int, None] = {}
        for docnum, _score in hits.items():
            group = table.group_of(docnum)
            if group in groups:
                order.setdefault(group)
                if len(order) == wanted:
                    return list(order)
        if hits.scored_length() < limit:  # every hit was seen
            return list(order)
        limit *= 4


def run_search(data_dir: Path, text: str, taxonomy: Taxonomy | Path | None = None,
               options: SearchOptions | None = None) -> SearchResult:
    """Search the live index; the object ``search --format json`` prints. Within the
    bounds of ``index.engine.bounds``: a deadline, capped expansion, one costly search at a time."""
    options = options or SearchOptions()
    bounds.check_size(options.limit, options.offset)
    with bounds.deadline(options.deadline), live_searcher(data_dir) as (generation, searcher):
        return _search(generation, searcher, text, taxonomy, options)


def _search(generation: Generation, searcher: Any, text: str, taxonomy: Taxonomy | Path | None,
            options: SearchOptions) -> SearchResult:
    """Parse and expand the query, then match it, taking a slot of costly searches if it is one."""
    parsed: ParsedQuery = parse_query(text, searcher.schema,
                                      _search_taxonomy(generation.path, generation.manifest, taxonomy))
    seen = Expansion()
    words = expand(parsed.words, searcher.reader(), seen) if parsed.words is not None else None
    parsed.query = expand(parsed.query, searcher.reader(), seen)
    costly = seen.words > bounds.COSTLY_WORDS or options.offset + options.limit > bounds.COSTLY_RESULTS
    with bounds.costly_slot() if costly else nullcontext():
        result = _matched(generation, searcher, text, parsed, words, options)
    result["partial_reasons"] = [{"reason": "words", **cut} for cut in seen.cut] + result["partial_reasons"]
    result["partial"] = bool(result["partial_reasons"])
    return result


def _matched(generation: Generation, searcher: Any, text: str, parsed: ParsedQuery, words: Any,
             options: SearchOptions) -> SearchResult:
    """Match every document and count groups and facets, pick the page's groups, then show them."""
    table = generation.table
    # Every matching document, unscored: the groups (a video with its passages, a case with its
    # sections, a note page) and the facets count over all of them.
    matched = matching_docs(searcher, parsed.query) - generation.deleted
    if not options.include_inactive:
        matched -= generation.inactive
    groups, kinds, added = table.groups_of(matched)
    facets = table.facets(groups, kinds, added)
    bounds.check()
    # Filters alone have nothing to rank by: newest first, and their documents score alike.
    sort = options.sort if words is not None else "date"
    shown = _page(searcher, table, groups, matched, words, sort, options)
    results, reasons = _shown(searcher, table, shown, matched, parsed, words, options)
    return {
        "query": text,
        "parsed": parsed.describe(),
        "total": len(groups),
        "index_built_at": generation.manifest.get("built_at"),
        "sort": sort,
        "offset": options.offset,
        "results": results,
        "facets": {name: dict(counter.most_common()) for name, counter in facets.items()},
        "partial": False,
        "partial_reasons": reasons,
    }


def _page(searcher: Any, table: SearchTable, groups: set[int], matched: set[int], words: Any, sort: str,
          options: SearchOptions) -> list[int]:
    """The groups of the asked page: newest first, or the best by their best hit (only the top hits scored)."""
    wanted = options.offset + options.limit
    if not groups:
        return []
    if sort == "date":
        return sorted(groups, key=lambda g: (table.groups[g].date or "", -g), reverse=True)[options.offset:wanted]
    return _top_groups(searcher, table, _ranking(words, preload=True), matched, wanted, groups)[options.offset:wanted]


def _shown(searcher: Any, table: SearchTable, shown: list[int], matched: set[int], parsed: ParsedQuery, words: Any,
           options: SearchOptions) -> tuple[list[GroupHit], list[dict[str, Any]]]:
    """The page's groups as results, and why they are partial: those made before the deadline when it passes."""
    hits = _shown_hits(searcher, table, shown, _ranking(words) if words is not None else None, matched)
    passages = {d for group in shown for d, _ in hits[group] if table.kind_of(d) == "passage"}
    said = docs_having(searcher, said_terms(parsed.query), passages) if passages else set()
    results: list[GroupHit] = []
    reasons: list[dict[str, Any]] = []
    for group in (g for g in shown if hits[g]):
        if bounds.expired():  # the results made so far, said to be partial
            reasons.append({"reason": "deadline", "seconds": bounds.current_seconds(), "shown": len(results)})
            break
        results.append(_group_result(searcher, table, hits[group], said, parsed.query, options))
    return results, reasons
