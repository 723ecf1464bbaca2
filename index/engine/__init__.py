"""The search engine: everything that knows Whoosh, and the only package that imports it.

It keeps searchable units in generations and finds them again. Inside: the schema and its
analyzers (``schema``, ``analyzers``), the codec and memory-mapped storage (``storage``), the
term pool that writes postings (``postings``), document-set algebra (``docsets``), the search
table of groups and facets (``table``), fuzzy and prefix expansion (``expansion``), the bounds
on a search's cost (``bounds``), the query language on Whoosh's parser (``query``), the writing
and publishing of generations (``build``) and the search over the live one (``search``).

What the rest of the code may call (its interface, until a typed façade replaces it):

- write and publish: ``build.write_index`` (units in, a ``BuildReport`` out), with
  ``schema.Unit`` (what a unit is), ``schema.fingerprint`` and ``schema.SCHEMA_VERSION``;
- read a generation: ``build.current_generation``, ``build.read_manifest``, ``build.read_links``,
  ``build.open_live``, and the errors ``IndexMissing``, ``IndexCorrupt``, ``KeptUnitsGone``;
- search: ``search.run_search`` with ``search.SearchOptions`` (hits, groups, facets);
  ``query.QueryError`` and ``query.FILTER`` (the query language's filter syntax);
  ``bounds.SearchBusy``, ``SearchStopped``, ``SearchTooCostly`` and the limits ``MAX_*``.

The engine takes its Dutch word analysis (stems, compound parts, stop words) from
``index.analysis`` and company names and the taxonomy from ``index.companies`` and
``index.taxonomy``; it imports nothing else of ``index`` (the import rules hold it so).
"""
