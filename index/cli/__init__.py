"""The ``casearchive`` command: thin click adapters over the services (``index/services/``).

The group and its global flags are in ``base``; the commands, by group, in ``harvest`` (the
harvesters and ``update``), ``search`` (search, show, report), ``links``, ``admin`` (init,
status, index, export and import of the archive) and ``serve`` (the web site, the demo).
Importing this package registers them all; ``main`` is the console script.

Exit codes: 0 done; 1 done but some items failed; 2 usage or configuration error;
3 another run holds the lock; 4 stopped by the YouTube quota (the next run resumes).
"""

from __future__ import annotations

from index.cli import admin, harvest, links, search, serve  # noqa: F401  (they register their commands)
from index.cli.base import Context, cli, main, pass_ctx

__all__ = ["Context", "cli", "main", "pass_ctx"]
