"""Library entry points of the index side: build, search, show. The CLI and the web call these."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archive.config import Settings
from index.build import BuildReport, Progress, read_links, write_index
from index.linking import load_decisions
from index.search import SearchOptions, run_search
from index.sources import load_sources
from index.taxonomy import Taxonomy, load_taxonomy
from index.units import make_units


def taxonomy_for(settings: Settings, path: Path | None = None) -> Taxonomy:
    """The curated taxonomy (flag > config/env), merged later with what the cases say."""
    return load_taxonomy(path or settings.taxonomy)


def build(settings: Settings, *, rebuild: bool = False, taxonomy_path: Path | None = None,
          progress: Progress | None = None) -> BuildReport:
    """Build or update the index from the archive."""
    taxonomy = taxonomy_for(settings, taxonomy_path)
    sources = load_sources(settings)
    units, links = make_units(sources, taxonomy, load_decisions(settings.data_dir))
    return write_index(settings.data_dir, units, links, rebuild=rebuild, progress=progress)


def search(settings: Settings, text: str, options: SearchOptions | None = None,
           taxonomy_path: Path | None = None) -> dict[str, Any]:
    """Search the live index with the query language."""
    taxonomy = taxonomy_for(settings, taxonomy_path)
    return run_search(settings.data_dir, text, taxonomy, options)


def list_links(settings: Settings, status: str = "all", source: str | None = None) -> list[dict[str, Any]]:
    """The live index's links, filtered by status (suggested = automatic) and source."""
    wanted = {"suggested": "auto"}.get(status, status)
    return [row for row in read_links(settings.data_dir)
            if (status == "all" or row["status"] == wanted) and (source is None or row["source"] == source)]
