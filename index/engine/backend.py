"""The Whoosh backend of the engine's interface (``index.engine.interface.SearchEngine``): it delegates
to the build, the generation pool and the search, and answers titles, health and word suggestions."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Sequence, cast

from whoosh.support.levenshtein import damerau_levenshtein

from index.engine.analyzers import exact_analyzer
from index.engine.build import (BuildReport, IndexMissing, LinkRow, Progress, current_generation, read_links,
                                read_manifest, write_index)
from index.engine.expansion import near_words
from index.engine.live import close_searchers, live_searcher
from index.engine.schema import Unit
from index.engine.search import SearchOptions, run_search
from index.engine.shapes import DocTitle, Health, Kind, LinkDict, Manifest, SearchResult
from index.text.taxonomy import Taxonomy

SUGGEST_FIELD = "exact"  # the words as written (folded), not stems: a suggestion is a word to type
MAX_SUGGESTIONS = 20
SUGGEST_LETTERS = (3, 40)  # shorter words are too near everything, longer ones are no word


class WhooshEngine:
    """The engine over one data directory's Whoosh generations (see ``SearchEngine`` for each call)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)

    def write(self, units: list[Unit], links: Iterable[LinkRow], *, rebuild: bool = False,
              progress: Progress | None = None, extra_manifest: dict[str, Any] | None = None,
              kept: Sequence[str] = (), kept_from: Path | None = None,
              files: dict[str, bytes] | None = None) -> BuildReport:
        """Write and publish a generation (``index.engine.build.write_index``)."""
        return write_index(self.data_dir, units, links, rebuild=rebuild, progress=progress,
                           extra_manifest=extra_manifest, kept=kept, kept_from=kept_from, files=files)

    def live_generation(self) -> Path | None:
        """The live generation's folder, or None."""
        return current_generation(self.data_dir)

    def manifest(self, units: bool = True) -> Manifest:
        """The live generation's manifest; IndexMissing before the first write."""
        return cast(Manifest, read_manifest(self._live(), units))

    def links(self) -> list[LinkDict]:
        """Every link of the live generation."""
        return cast(list[LinkDict], read_links(self.data_dir))

    def search(self, text: str, taxonomy: Taxonomy | Path | None = None,
               options: SearchOptions | None = None) -> SearchResult:
        """Search the live generation (``index.engine.search.run_search``)."""
        return run_search(self.data_dir, text, taxonomy, options)

    def titles(self, kind: Kind) -> dict[str, DocTitle]:
        """Title and state of each case or video (the unit that heads its group) the live generation holds."""
        with live_searcher(self.data_dir) as (_generation, searcher):
            return {doc["id"]: {"title": doc.get("title", ""), "active": doc["meta"].get("active", True)}
                    for doc in searcher.documents(kind=kind) if doc["id"] == doc["parent"]}

    def health(self) -> Health:
        """Open the live generation as a search does (schema version, search table); its build time."""
        with live_searcher(self.data_dir) as (generation, _searcher):
            return {"status": "ok", "index_built_at": generation.manifest.get("built_at")}

    def suggest(self, word: str, limit: int = 5) -> list[str]:
        """Index words within one edit (two for words of six letters or more) of ``word``, a swap of
        neighbouring letters counting as one, sharing its first letter: fewest edits, then most
        documents first. The word itself is no suggestion; nor is a word only removed documents hold."""
        folded = [token.text for token in exact_analyzer()(word)]
        low, high = SUGGEST_LETTERS
        if len(folded) != 1 or not low <= len(folded[0]) <= high or limit < 1:
            return []
        typed = folded[0]
        maxdist = 2 if len(typed) >= 6 else 1
        with live_searcher(self.data_dir) as (generation, searcher):
            found: dict[str, int] = {}
            for leaf, offset in searcher.reader().leaf_readers():
                for near in near_words(leaf, SUGGEST_FIELD, typed, maxdist, prefix=1):
                    found[near] = found.get(near, 0) + _live_count(leaf, near, offset, generation.deleted)
        ranked = sorted((w for w, n in found.items() if n and w != typed),
                        key=lambda w: (damerau_levenshtein(typed, w), -found[w], w))
        return ranked[:min(limit, MAX_SUGGESTIONS)]

    def close(self) -> None:
        """Close the pooled searchers."""
        close_searchers()

    def _live(self) -> Path:
        """The live generation's folder; IndexMissing when there is none."""
        live = current_generation(self.data_dir)
        if live is None:
            raise IndexMissing(f"no index in {self.data_dir}: run `casearchive index` (or `casearchive demo`)")
        return live


def _live_count(leaf: Any, word: str, offset: int, deleted: set[int]) -> int:
    """How many documents of a segment hold the word, or 0 when only documents an update removed do."""
    count = int(leaf.doc_frequency(SUGGEST_FIELD, word))
    if not deleted:
        return count
    postings = leaf.postings(SUGGEST_FIELD, word)
    return count if any(offset + docnum not in deleted for docnum in postings.all_ids()) else 0


def engine_for(data_dir: Path) -> WhooshEngine:
    """The engine over a data directory (the one backend there is)."""
    return WhooshEngine(data_dir)


def document_titles(data_dir: Path, kind: Kind) -> dict[str, DocTitle]:
    """``WhooshEngine(data_dir).titles(kind)``: title and state of each case or video of the live index."""
    return engine_for(data_dir).titles(kind)


def index_health(data_dir: Path) -> Health:
    """``WhooshEngine(data_dir).health()``: ``{"status": "ok", "index_built_at": …}``, or IndexMissing/IndexCorrupt."""
    return engine_for(data_dir).health()


def suggest_words(data_dir: Path, word: str, limit: int = 5) -> list[str]:
    """``WhooshEngine(data_dir).suggest(word, limit)``: index words close to a misspelled one."""
    return engine_for(data_dir).suggest(word, limit)


def live_manifest(data_dir: Path, units: bool = True) -> Manifest:
    """``WhooshEngine(data_dir).manifest(units)``: the live generation's manifest, or IndexMissing."""
    return engine_for(data_dir).manifest(units)
