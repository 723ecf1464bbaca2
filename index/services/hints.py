"""Helpful dead ends: why a search found nothing, and what the user may have meant.

A filter naming a company, theme, sector or case the index does not know gets the nearest known
names (``difflib`` over the names and aliases of the taxonomy the index was built with, or the
case slugs and titles); a word the index does not hold gets the index's own near words
(``index.engine.suggest_words``). Computed only for a search that found nothing.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import TypedDict

from index.engine import (FIELD_ALIASES, FILTER, QueryError, SearchOptions, current_generation, document_titles,
                          field_name, live_manifest, run_search, suggest_words)
from index.services.titles import case_titles
from index.text.taxonomy import Taxonomy, load_taxonomy, merge_taxonomy, taxonomy_to_dict

# field_name: the faces read filter names as the query language does; DUTCH_FIELDS: and write them in Dutch
__all__ = ["Hint", "search_hints", "nearest_videos", "typed_words", "field_name", "DUTCH_FIELDS"]
DUTCH_FIELDS = {english: dutch for dutch, english in FIELD_ALIASES.items()}  # company → bedrijf
SUGGESTIONS = 3
MAX_WORDS = 5  # the most query words looked up (each costs one small search)
NAMED = {"company": "company", "theme": "theme", "sector": "sector", "case": "case"}
_OPERATORS = {"AND", "OR", "NOT"}
_WORD = re.compile(r"\w+")


class Hint(TypedDict):
    """One helpful line: what was not found (``kind`` is a filter name or ``word``) and what is near."""

    kind: str
    value: str
    text: str
    suggestions: list[str]
    queries: list[str]  # the query with the value replaced by each suggestion, in the same order


def search_hints(data_dir: Path, text: str, taxonomy_path: Path | None) -> list[Hint]:
    """The hints for a query that found nothing: unknown filter values first, then unknown words."""
    text = " ".join(text.split())
    hints: list[Hint] = []
    taxonomy: Taxonomy | None = None
    for match in FILTER.finditer(text):
        negated, name, value = match.group(1) == "-", field_name(match.group(2)), match.group(3).strip('"').strip()
        if negated or name not in NAMED or not value:  # bedrijf: is company: (the query language's Dutch names)
            continue
        if name != "case" and taxonomy is None:
            taxonomy = _taxonomy(data_dir, taxonomy_path)
        near = _unknown_filter(data_dir, name, value, taxonomy)
        if near is not None:
            hints.append(_hint(name, value, f"no {name} named {value}", near, text, match.span()))
    for span, word in _plain_words(FILTER.sub(lambda m: " " * len(m.group(0)), text))[:MAX_WORDS]:
        if not _found(data_dir, word):
            hints.append(_hint("word", word, f"no word {word} in the index", suggest_words(data_dir, word, SUGGESTIONS),
                               text, span))
    return hints


def _hint(kind: str, value: str, text: str, near: list[str], query: str, span: tuple[int, int]) -> Hint:
    """A hint with each suggestion also as the whole query with it in place of what was typed."""
    start, end = span
    typed = query[start:end]
    replace = (lambda s: typed[:typed.index(":") + 1] + _quoted(s)) if kind != "word" else (lambda s: s)
    said = f"{text}; did you mean: {', '.join(near)}?" if near else text
    return {"kind": kind, "value": value, "text": said, "suggestions": near,
            "queries": [query[:start] + replace(s) + query[end:] for s in near]}


def _quoted(value: str) -> str:
    return f'"{value}"' if re.search(r'[\s()":]', value) else value


def _taxonomy(data_dir: Path, taxonomy_path: Path | None) -> Taxonomy:
    """The taxonomy the live index was built with, plus a given file (as a search merges them)."""
    merged = merge_taxonomy(Taxonomy(), live_manifest(data_dir, units=False).get("taxonomy"))
    return merge_taxonomy(merged, taxonomy_to_dict(load_taxonomy(taxonomy_path))) if taxonomy_path else merged


def _unknown_filter(data_dir: Path, name: str, value: str, taxonomy: Taxonomy | None) -> list[str] | None:
    """None when the index knows this value; else the nearest known values (maybe none)."""
    if name == "case":
        titles = case_titles(data_dir)
        if value.lower() in titles:
            return None
        return _nearest(value, {**{slug: slug for slug in titles}, **{t: s for s, t in titles.items() if t}})
    assert taxonomy is not None
    if taxonomy.lookup(name, value) is not None or _found(data_dir, f"{name}:{_quoted(value)}"):
        return None
    return _nearest(value, {n: e.name for e in taxonomy.entries(name) for n in e.names()})


def nearest_videos(data_dir: Path, value: str) -> dict[str, str]:
    """The indexed videos whose id or title is nearest to ``value`` (an id the archive does not hold): each
    one's title (its id when it has none) by id; read only for that dead end, so not cached."""
    if current_generation(data_dir) is None:
        return {}
    titles = {unit.removeprefix("video:"): doc["title"] for unit, doc in document_titles(data_dir, "video").items()}
    near = _nearest(value, {**{video: video for video in titles}, **{t: video for video, t in titles.items() if t}})
    return {video: titles[video] or video for video in near}


def _nearest(value: str, names: dict[str, str]) -> list[str]:
    """The values whose names (any of them) are closest to ``value``, case-insensitive, each once."""
    by_folded = {n.casefold(): v for n, v in names.items()}
    near = difflib.get_close_matches(value.casefold(), list(by_folded), n=4 * SUGGESTIONS, cutoff=0.5)
    return list(dict.fromkeys(by_folded[n] for n in near))[:SUGGESTIONS]


def typed_words(text: str) -> list[str]:
    """The plain words of a query as typed: no filter, operator, negation, prefix* or fuzzy~."""
    return [word for _, word in _plain_words(FILTER.sub(lambda m: " " * len(m.group(0)), text))]


def _plain_words(rest: str) -> list[tuple[tuple[int, int], str]]:
    """The plain words of the query text (no operator, negation, prefix*, fuzzy~), with their places."""
    found = []
    for token in re.finditer(r'[^\s()"]+', rest):
        word = token.group(0)
        if word in _OPERATORS or word.startswith(("-", "+")) or not _WORD.fullmatch(word):
            continue
        found.append((token.span(), word))
    return found


def _found(data_dir: Path, query: str) -> bool:
    """Whether the query alone finds anything (inactive videos included); a query that cannot run finds nothing
    new to say, so it counts as found."""
    try:
        return run_search(data_dir, query, None, SearchOptions(limit=1, include_inactive=True))["total"] > 0
    except QueryError:
        return True

