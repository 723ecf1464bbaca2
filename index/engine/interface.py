"""The engine's interface: what the rest of the code may ask of a search engine.

``SearchEngine`` is the protocol a backend implements (``index.engine.backend.WhooshEngine`` is the
one there is); ``tests/test_engine_contract.py`` holds every backend to it. It answers in the
shapes of ``index.engine.shapes``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Protocol, Sequence

from index.engine.build import BuildReport, LinkRow, Progress
from index.engine.schema import Unit
from index.engine.search import SearchOptions
from index.engine.shapes import DocTitle, Health, Kind, LinkDict, Manifest, SearchResult
from index.text.taxonomy import Taxonomy


class SearchEngine(Protocol):
    """A search engine over one data directory's generations. Errors: ``IndexMissing`` (never
    published), ``IndexCorrupt`` (unreadable), ``QueryError`` (a query it cannot run, or too costly),
    ``SearchBusy``/``SearchStopped`` (the bounds of a search's cost)."""

    def write(self, units: list[Unit], links: Iterable[LinkRow], *, rebuild: bool = False,
              progress: Progress | None = None, extra_manifest: dict[str, Any] | None = None,
              kept: Sequence[str] = (), kept_from: Path | None = None,
              files: dict[str, bytes] | None = None) -> BuildReport:
        """Write a generation holding exactly ``units`` (and the ``kept`` units of ``kept_from``) with its
        links, incrementally unless ``rebuild``, and publish it atomically: a search sees the old
        generation or the new one, never part of one."""
        ...

    def live_generation(self) -> Path | None:
        """The live generation's folder; None before the first write."""
        ...

    def manifest(self, units: bool = True) -> Manifest:
        """The live generation's manifest (without the unit fingerprints unless ``units``)."""
        ...

    def links(self) -> list[LinkDict]:
        """Every link of the live generation."""
        ...

    def search(self, text: str, taxonomy: Taxonomy | Path | None = None,
               options: SearchOptions | None = None) -> SearchResult:
        """Search the live generation with the query language: groups ranked (or by date), their best
        hits and moments, facets counted over every matching group."""
        ...

    def titles(self, kind: Kind) -> dict[str, DocTitle]:
        """The title and state of each unit of this kind that heads its group (a case, a video), by id."""
        ...

    def health(self) -> Health:
        """Check that the live generation opens and is this version's; raises IndexMissing/IndexCorrupt."""
        ...

    def suggest(self, word: str, limit: int = 5) -> list[str]:
        """Words of the index's own vocabulary close to a (misspelled) word, closest and most used
        first; at most ``limit`` (capped), none for a word too short, too long or like nothing."""
        ...

    def close(self) -> None:
        """Release what the engine holds open (searchers, files)."""
        ...
