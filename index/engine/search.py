"""Search the live index: ranked, collapsed per video with its best moments, with facets."""

from __future__ import annotations

import atexit
import html
import threading
from contextlib import contextmanager, nullcontext
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Literal

from whoosh import highlight
from whoosh import query as wq

from archive.youtube_urls import embed_url, watch_url
from index.engine import bounds
from index.engine.analyzers import exact_analyzer, stemmed_analyzer
from index.engine.build import IndexCorrupt, current_generation, open_live
from index.engine.docsets import DocList, docs_having, matching_docs
from index.engine.expansion import Expansion, expand
from index.engine.query import ParsedQuery, parse_query
from index.engine.schema import SCHEMA_VERSION, cue_texts
from index.engine.table import DELETED, SearchTable, TableMissing, load_table
from index.text.taxonomy import Taxonomy, load_taxonomy, merge_taxonomy, taxonomy_to_dict

MOMENTS = 3
Sort = Literal["relevance", "date"]


class _Marks(highlight.Formatter):
    """Wrap matched words in a pair of markers (plain text) or <mark> (HTML, escaped)."""

    def __init__(self, html_out: bool) -> None:
        self.html_out = html_out
        self.between = " … "

    def _text(self, text: str) -> str:
        return html.escape(text) if self.html_out else text

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        word = self._text(highlight.get_text(text, token, replace))
        return f"<mark>{word}</mark>" if self.html_out else f"«{word}»"

    def format_fragment(self, fragment: Any, replace: bool = False) -> str:
        out, index = [], fragment.startchar
        for token in fragment.matches:
            if token.startchar < index:
                continue
            out.append(self._text(fragment.text[index:token.startchar]))
            out.append(self.format_token(fragment.text, token, replace))
            index = token.endchar
        out.append(self._text(fragment.text[index:fragment.endchar]))
        return "".join(out)


def _terms(query: Any, fieldname: str) -> set[str]:
    found = set()
    for name, text in query.iter_all_terms():
        if name == fieldname:
            found.add(text.decode() if isinstance(text, bytes) else text)
    return found


def _spoken(query: Any) -> tuple[set[str], set[str]]:
    """The query's words as a text that says them holds them: stems (of the stemmed fields, title
    and content analyse alike) and exact words, to match with ``_analyzers()`` in that order."""
    return _terms(query, "content") | _terms(query, "title"), _terms(query, "exact")


@lru_cache(maxsize=1)
def _analyzers() -> tuple[Any, Any]:
    """The stemmed and the exact analyzer, built once (each call makes its own tokens)."""
    return stemmed_analyzer(), exact_analyzer()


def make_snippet(text: str, query: Any, html_out: bool = False) -> str:
    """The best fragments of ``text`` with the query's words marked (stemmed or exact)."""
    fragmenter = highlight.ContextFragmenter(maxchars=220, surround=60)
    for terms, analyzer in zip(_spoken(query), _analyzers()):
        if terms:
            # mode="index" makes the analyzer emit compound parts, so "roulatie" marks "taakroulatie".
            marked = highlight.highlight(text, frozenset(terms), analyzer, fragmenter, _Marks(html_out), top=2,
                                         mode="index")
            if marked:
                return " ".join(marked.split())
    text = " ".join(text.split())
    plain = text[:200] + ("…" if len(text) > 200 else "")
    return html.escape(plain) if html_out else plain


def cue_start(cues: list[list[Any]], query: Any) -> float | None:
    """The start of the cue in which the query's words are said (the most of them; first on ties)."""
    stems, words = _spoken(query)
    best, best_hits = None, 0
    stem_an, exact_an = _analyzers()
    for i, (start, _end, text) in enumerate(cues):
        tokens = {t.text for t in stem_an(text, mode="index")}
        exact = [t.text for t in exact_an(text)]
        hits = len(stems & tokens) + len(words & set(exact))
        if words and exact and i + 1 < len(cues) and exact[-1] in words:
            hits += 1  # a phrase that begins at the end of this cue and runs into the next
        if hits > best_hits:
            best, best_hits = float(start), hits
    return best


@dataclass
class SearchOptions:
    """How to search: paging, order, whether inactive videos show, HTML snippets."""

    limit: int = 10
    offset: int = 0
    sort: Sort = "relevance"
    include_inactive: bool = False
    html: bool = False
    deadline: float | None = None  # seconds; None: the default of index.engine.bounds (10 s); 0: none


def _result(hit_fields: dict[str, Any], score: float, query: Any, options: SearchOptions) -> dict[str, Any]:
    meta = hit_fields["meta"]
    result: dict[str, Any] = {
        "id": hit_fields["id"], "kind": hit_fields["kind"], "title": hit_fields.get("title", ""),
        "snippet": make_snippet(hit_fields.get("content", ""), query, options.html), "url": meta["url"],
        "score": round(score, 4), "case_ids": meta["case_ids"], "companies": meta["companies"],
        "themes": meta["themes"], "sectors": meta["sectors"], "year": meta["year"], "date": meta.get("date"),
        "active": meta["active"],
    }
    if "video_id" in meta:
        result["video_id"] = meta["video_id"]
        result["thumbnail"] = meta.get("thumbnail")
        result["embed"] = embed_url(meta["video_id"], 0)
    if hit_fields["kind"] == "passage":
        start = cue_start(cue_texts(hit_fields.get("content", ""), meta.get("cues") or ""), query)
        start = int(meta["start"] if start is None else start)
        result.update(start=start, end=meta.get("end"), caption=meta.get("caption"),
                      url=watch_url(meta["video_id"], start),
                      embed=embed_url(meta["video_id"], start))
    if hit_fields["kind"] == "note":
        result["page"] = meta.get("page")
    if hit_fields["kind"] == "case":
        result["id"] = hit_fields["parent"]
        if meta.get("section"):
            result["section"] = meta["section"]
    if hit_fields["kind"] == "video":
        result.update(duration=meta.get("duration"), channel_title=meta.get("channel_title"))
        if not meta["active"]:
            result["inactive_reason"] = meta.get("inactive_reason")
    return result


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


def _said_terms(query: Any) -> list[tuple[str, str]]:
    """The terms that show a document has the query's words in its own text: a passage indexes its
    video's title (so a search for the title finds it) but only what is said in ``content`` and
    ``exact``."""
    stems, words = _spoken(query)
    return [("content", t) for t in sorted(stems)] + [("exact", w) for w in sorted(words)]


def _group_result(searcher: Any, table: SearchTable, hits: list[tuple[int, float]], said: set[int], query: Any,
                  options: SearchOptions) -> dict[str, Any]:
    """One result per video (or case): its best hit that has the words in its own text (``said``),
    and as moments the passages that say them. Only what is shown is read from the index."""
    own = [(d, s, table.kind_of(d) == "passage") for d, s in hits if d in said or table.kind_of(d) != "passage"]
    top, top_score, _ = own[0] if own else (*hits[0], False)
    result = _result(searcher.stored_fields(top), top_score, query, options)
    passages = [(d, s) for d, s, is_passage in own if is_passage and d != top]
    result["moments"] = [_result(searcher.stored_fields(d), s, query, options) for d, s in passages[:MOMENTS]]
    result["more_moments"] = max(0, len(passages) - MOMENTS)
    return result


@dataclass
class _Generation:
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


_open: dict[tuple[Any, ...], _Generation] = {}  # one generation is live at a time
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


def _load(data_dir: Path) -> _Generation:
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
    return _Generation(stamp=_stamp(path), path=path, manifest=manifest, table=table, inactive=inactive,
                       deleted=deleted, ix=ix, idle=[])


def _borrow(data_dir: Path) -> tuple[_Generation, Any]:
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
def _live_searcher(data_dir: Path) -> Iterator[tuple[_Generation, Any]]:
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
        hits[table.group_of(docnum)].append((docnum, score))
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
               options: SearchOptions | None = None) -> dict[str, Any]:
    """Search the live index; the object ``search --format json`` prints. Within the
    bounds of ``index.engine.bounds``: a deadline, capped expansion, one costly search at a time."""
    options = options or SearchOptions()
    bounds.check_size(options.limit, options.offset)
    with bounds.deadline(options.deadline), _live_searcher(data_dir) as (generation, searcher):
        return _search(generation, searcher, text, taxonomy, options)


def _search(generation: _Generation, searcher: Any, text: str, taxonomy: Taxonomy | Path | None,
            options: SearchOptions) -> dict[str, Any]:
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


def _matched(generation: _Generation, searcher: Any, text: str, parsed: ParsedQuery, words: Any,
             options: SearchOptions) -> dict[str, Any]:
    """Match, count, rank and show; the results made before the deadline when it passes meanwhile."""
    table = generation.table
    # Every matching document, unscored: the groups (a video with its passages, a case with its
    # sections, a note page) and the facets count over all of them.
    matched = matching_docs(searcher, parsed.query) - generation.deleted
    if not options.include_inactive:
        matched -= generation.inactive
    groups, kinds, added = table.groups_of(matched)
    facets = table.facets(groups, kinds, added)
    bounds.check()
    wanted = options.offset + options.limit
    # Filters alone have nothing to rank by: newest first, and their documents score alike.
    ranking = _ranking(words) if words is not None else None
    sort = options.sort if words is not None else "date"
    if not groups:
        shown = []
    elif sort == "date":
        shown = sorted(groups, key=lambda g: (table.groups[g].date or "", -g), reverse=True)[options.offset:wanted]
    else:
        shown = _top_groups(searcher, table, _ranking(words, preload=True), matched, wanted, groups)[options.offset:wanted]
    hits = _shown_hits(searcher, table, shown, ranking, matched)
    passages = {d for group in shown for d, _ in hits[group] if table.kind_of(d) == "passage"}
    said = docs_having(searcher, _said_terms(parsed.query), passages) if passages else set()
    results, reasons = [], []
    for group in (g for g in shown if hits[g]):
        if bounds.expired():  # the results made so far, said to be partial
            reasons.append({"reason": "deadline", "seconds": bounds.current_seconds(), "shown": len(results)})
            break
        results.append(_group_result(searcher, table, hits[group], said, parsed.query, options))
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
