"""The search engine: everything that knows Whoosh, and the only package that imports it.

It keeps searchable units in generations and finds them again. Inside: the schema and its
analyzers (``schema``, ``analyzers``), the codec and memory-mapped storage (``storage``), the
term pool that writes postings (``postings``), document-set algebra (``docsets``), the search
table of groups and facets (``table``), fuzzy and prefix expansion (``expansion``), the bounds
on a search's cost (``bounds``), the query language on Whoosh's parser (``query``), the writing
and publishing of generations (``build``), the live generation and its searchers (``live``), the
search over it (``search``) and what a hit shows (``hits``).

The rest of the code imports the engine's interface from this package alone, never from a
submodule (the import rules hold it so); the names below are that interface. Its heart is the
protocol ``SearchEngine`` (``interface``), answering in the shapes of ``shapes``; ``WhooshEngine``
(``backend``) implements it, and the functions beside it are thin wrappers over one call of it.

The engine takes its Dutch word analysis (stems, compound parts, stop words) from
``index.text.analysis`` and company names and the taxonomy from ``index.text.companies`` and
``index.text.taxonomy``; it imports nothing else of ``index`` (the import rules hold it so).
"""

from index.engine.backend import (MAX_SUGGESTIONS, WhooshEngine, document_titles, engine_for, index_health,
                                  live_manifest, suggest_words)
from index.engine.bounds import (MAX_DEPTH, MAX_EXPORT, MAX_LIMIT, SearchBusy, SearchStopped, SearchTooCostly,
                                 set_costly_at_once, set_default_deadline, stop_all)
from index.engine.build import (REUSE_FILE, BuildReport, IndexCorrupt, IndexMissing, KeptUnitsGone, LinkRow, Progress,
                                current_generation, read_links, read_manifest, write_index)
from index.engine.hits import clipped
from index.engine.interface import SearchEngine
from index.engine.live import close_searchers
from index.engine.query import FIELD_ALIASES, FILTER, KIND_ALIASES, QueryError, field_name
from index.engine.schema import SCHEMA_VERSION, Unit, fingerprint, pack_cues
from index.engine.search import SearchOptions, run_search
from index.engine.shapes import DocTitle, GroupHit, Health, Hit, Kind, LinkDict, Manifest, ParsedText, SearchResult

__all__ = [
    # the interface and its backend
    "SearchEngine", "WhooshEngine", "engine_for",
    # what it answers in
    "SearchResult", "GroupHit", "Hit", "ParsedText", "Manifest", "LinkDict", "DocTitle", "Health", "Kind",
    # write and publish a generation
    "Unit", "pack_cues", "fingerprint", "SCHEMA_VERSION", "LinkRow", "Progress", "BuildReport", "write_index",
    "REUSE_FILE", "KeptUnitsGone",
    # read the live generation
    "current_generation", "read_manifest", "live_manifest", "read_links", "document_titles", "index_health",
    "IndexMissing", "IndexCorrupt",
    # search it
    "SearchOptions", "run_search", "suggest_words", "MAX_SUGGESTIONS", "close_searchers", "QueryError", "FILTER",
    "FIELD_ALIASES", "KIND_ALIASES", "field_name",
    # what a hit shows: a text's start cut after a whole word
    "clipped",
    # the bounds on a search's cost
    "MAX_LIMIT", "MAX_EXPORT", "MAX_DEPTH", "SearchBusy", "SearchStopped", "SearchTooCostly",
    "set_default_deadline", "set_costly_at_once", "stop_all",
]
