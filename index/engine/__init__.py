"""The search engine: everything that knows Whoosh, and the only package that imports it.

It keeps searchable units in generations and finds them again. Inside: the schema and its
analyzers (``schema``, ``analyzers``), the codec and memory-mapped storage (``storage``), the
term pool that writes postings (``postings``), document-set algebra (``docsets``), the search
table of groups and facets (``table``), fuzzy and prefix expansion (``expansion``), the bounds
on a search's cost (``bounds``), the query language on Whoosh's parser (``query``), the writing
and publishing of generations (``build``) and the search over the live one (``search``).

The rest of the code imports the engine's interface from this package alone, never from a
submodule (the import rules hold it so); the names below are that interface.

The engine takes its Dutch word analysis (stems, compound parts, stop words) from
``index.text.analysis`` and company names and the taxonomy from ``index.text.companies`` and
``index.text.taxonomy``; it imports nothing else of ``index`` (the import rules hold it so).
"""

from index.engine.bounds import (MAX_DEPTH, MAX_EXPORT, MAX_LIMIT, SearchBusy, SearchStopped, SearchTooCostly,
                                 set_costly_at_once, set_default_deadline, stop_all)
from index.engine.build import (REUSE_FILE, BuildReport, IndexCorrupt, IndexMissing, KeptUnitsGone, LinkRow, Progress,
                                current_generation, open_live, read_links, read_manifest, write_index)
from index.engine.query import FILTER, QueryError
from index.engine.schema import SCHEMA_VERSION, Unit, fingerprint, pack_cues
from index.engine.search import SearchOptions, close_searchers, run_search

__all__ = [
    # write and publish a generation
    "Unit", "pack_cues", "fingerprint", "SCHEMA_VERSION", "LinkRow", "Progress", "BuildReport", "write_index",
    "REUSE_FILE", "KeptUnitsGone",
    # read the live generation
    "current_generation", "read_manifest", "read_links", "open_live", "IndexMissing", "IndexCorrupt",
    # search it
    "SearchOptions", "run_search", "close_searchers", "QueryError", "FILTER",
    # the bounds on a search's cost
    "MAX_LIMIT", "MAX_EXPORT", "MAX_DEPTH", "SearchBusy", "SearchStopped", "SearchTooCostly",
    "set_default_deadline", "set_costly_at_once", "stop_all",
]
