"""Search the live index: ranked, collapsed per video with its best moments, with facets."""

from __future__ import annotations

import html
from functools import lru_cache
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Literal

from whoosh import highlight
from whoosh import query as wq

from index.analysis import exact_analyzer, stemmed_analyzer
from index.build import open_live
from index.query import ParsedQuery, parse_query
from index.schema import FACETS
from index.taxonomy import Taxonomy, load_taxonomy, merge_taxonomy, taxonomy_to_dict

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


@lru_cache(maxsize=1)
def _analyzers() -> tuple[Any, Any]:
    """The stemmed and the exact analyzer, built once (each call makes its own tokens)."""
    return stemmed_analyzer(), exact_analyzer()


def make_snippet(text: str, query: Any, html_out: bool = False) -> str:
    """The best fragments of ``text`` with the query's words marked (stemmed or exact)."""
    fragmenter = highlight.ContextFragmenter(maxchars=220, surround=60)
    for fieldname, analyzer in zip(("content", "exact"), _analyzers()):
        terms = _terms(query, fieldname) | (_terms(query, "title") if fieldname == "content" else set())
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
    stems, words = _terms(query, "content") | _terms(query, "title"), _terms(query, "exact")
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
        result["embed"] = f"https://www.youtube.com/embed/{meta['video_id']}?start=0"
    if hit_fields["kind"] == "passage":
        start = cue_start(meta.get("cues") or [], query)
        start = int(meta["start"] if start is None else start)
        result.update(start=start, end=meta.get("end"), caption=meta.get("caption"),
                      url=f"https://www.youtube.com/watch?v={meta['video_id']}&t={start}s",
                      embed=f"https://www.youtube.com/embed/{meta['video_id']}?start={start}")
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


def _said(fields: dict[str, Any], query: Any) -> bool:
    """Whether a passage hit has the matched words in its own text (not only in its video's title)."""
    if fields["kind"] != "passage":
        return True
    text = fields.get("content", "")
    stems = _terms(query, "content") | _terms(query, "title")
    stem_an, exact_an = _analyzers()
    if stems and stems & {t.text for t in stem_an(text, mode="index")}:
        return True
    words = _terms(query, "exact")
    return bool(words and words & {t.text for t in exact_an(text)})


def _group_result(searcher: Any, group: list[tuple[int, float]], values_of: Callable[[int], dict[str, Any]],
                  query: Any, options: SearchOptions) -> dict[str, Any]:
    """One result per video (or case): its best hit, and as moments the passages where the words are said."""
    hits = [(searcher.stored_fields(d), s) for d, s in group]
    said = [(f, s) for f, s in hits if _said(f, query)]
    top_fields, top_score = said[0] if said else hits[0]
    result = _result(top_fields, top_score, query, options)
    passages = [(f, s) for f, s in said if f["kind"] == "passage" and f is not top_fields]
    result["moments"] = [_result(f, s, query, options) for f, s in passages[:MOMENTS]]
    result["more_moments"] = max(0, len(passages) - MOMENTS)
    return result


def _hit_readers(searcher: Any) -> tuple[Callable[[int], str], Callable[[int], dict[str, Any]]]:
    """Per-docnum readers of a hit's group key and facet values: the index's columns, or (in an
    index built before the columns existed) the stored fields."""
    reader = searcher.reader()
    if all(name in searcher.schema and reader.has_column(name) for name in ("group", "facets")):
        groups, values = reader.column_reader("group"), reader.column_reader("facets")
        return (lambda d: groups[d].decode()), (lambda d: json.loads(values[d]))

    def stored(docnum: int) -> dict[str, Any]:
        fields = searcher.stored_fields(docnum)
        return {**fields["meta"], "kind": fields["kind"], "id": fields["id"], "parent": fields["parent"]}

    def group(docnum: int) -> str:
        fields = stored(docnum)
        return fields["parent"] if fields["kind"] != "note" else fields["id"]

    return group, stored


def run_search(data_dir: Path, text: str, taxonomy: Taxonomy | Path | None = None,
               options: SearchOptions | None = None) -> dict[str, Any]:
    """Search the live index; the object ``search --format json`` prints (SPEC §8)."""
    options = options or SearchOptions()
    ix, manifest, live = open_live(data_dir, units=False)
    taxonomy = _search_taxonomy(live, manifest, taxonomy)
    parsed: ParsedQuery = parse_query(text, ix.schema, taxonomy)
    mask = None if options.include_inactive else wq.Term("active", "false")
    with ix.searcher() as searcher:
        # terms=True is not for the matched terms: it keeps Whoosh scoring prefix and wildcard
        # words per term (without it they are scored flat, and the ranking changes).
        hits = searcher.search(parsed.query, limit=None, mask=mask, terms=True)
        group_of, values_of = _hit_readers(searcher)
        groups: dict[str, list[tuple[int, float]]] = {}
        for docnum, score in hits.items():
            # A video collapses with its passages, a case with its sections; note pages stand alone.
            groups.setdefault(group_of(docnum), []).append((docnum, score))
        ordered = [(group, values_of(group[0][0])) for group in groups.values()]
        if options.sort == "date":
            ordered.sort(key=lambda g: (g[1].get("date") or ""), reverse=True)
        facets: dict[str, Counter[Any]] = {name: Counter() for name in FACETS}
        for _group, meta in ordered:
            for name, key in (("theme", "themes"), ("company", "companies"), ("case", "case_ids"),
                              ("sector", "sectors")):
                facets[name].update(set(meta[key]))
            if meta.get("year") is not None:
                facets["year"][str(meta["year"])] += 1
            facets["kind"][meta["kind"]] += 1
        results = []
        for group, _meta in ordered[options.offset:options.offset + options.limit]:
            results.append(_group_result(searcher, group, values_of, parsed.query, options))
    return {
        "query": text,
        "parsed": parsed.describe(),
        "total": len(ordered),
        "index_built_at": manifest.get("built_at"),
        "sort": options.sort,
        "offset": options.offset,
        "results": results,
        "facets": {name: dict(counter.most_common()) for name, counter in facets.items()},
    }
