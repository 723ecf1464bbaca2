"""What one search may cost: results asked for, time, and how many costly searches run at once.

A search runs under a deadline (``DEFAULT_DEADLINE`` seconds unless the caller gives another):
the steps of a search call ``check()`` between their units of work (a term's postings, a batch of
scored hits, a result), and past the deadline the search stops with ``SearchTooCostly``, or, once
its results are being made, returns those made so far marked partial. A search that stands for
many index words or asks for many results is *costly*: only ``COSTLY_AT_ONCE`` of those run at
the same time in one process, so that cheap searches (and ``/healthz``) still get the interpreter;
one that waits longer than ``GATE_WAIT`` for its turn is refused with ``SearchBusy``. When the
server stops, ``stop_all()`` makes every running search stop at its next check.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Iterator

from archive.errors import CaseArchiveError
from index.engine.query import QueryError

DEFAULT_DEADLINE = 10.0  # seconds a search may run (CLI `search --deadline`, `serve --search-deadline`)
MAX_LIMIT = 100  # results per request of the JSON API
MAX_EXPORT = 500  # results in one export (the site's /export, the CLI's --limit)
MAX_DEPTH = 10_000  # offset + limit: how deep a result list may be paged
COSTLY_WORDS = 20  # a search whose prefixes, wildcards and fuzzy words stand for more words is costly
COSTLY_RESULTS = 200  # as is one that asks for more results (offset + limit)
COSTLY_AT_ONCE = 1  # costly searches that run at once (`serve --costly-searches`)
GATE_WAIT = 2.0  # seconds a costly search waits for its turn before it is refused


class SearchTooCostly(QueryError):
    """A search that would take more words or time than it may; the message says how to narrow it."""

    reason = "costly"
    code = "costly"


class SearchBusy(CaseArchiveError):
    """Other costly searches hold every slot; try again in a moment."""

    reason = "busy"


class SearchStopped(CaseArchiveError):
    """The server is stopping: the search was ended."""

    reason = "stopping"


@dataclass
class Deadline:
    """When the current search must be done (``None``: never)."""

    seconds: float | None
    at: float | None

    def expired(self) -> bool:
        """Whether the search has had its time (or the server is stopping)."""
        return _stopping.is_set() or (self.at is not None and time.monotonic() > self.at)

    def check(self) -> None:
        """Raise when the search must stop now."""
        if _stopping.is_set():
            raise SearchStopped("the server is stopping")
        if self.at is not None and time.monotonic() > self.at:
            raise SearchTooCostly(f"the search took longer than {self.seconds:g} s and was stopped: use longer "
                                  "or fewer words with * or ~, fewer OR alternatives, or a filter")


_current: ContextVar[Deadline | None] = ContextVar("search_deadline", default=None)
_default_seconds = DEFAULT_DEADLINE
_stopping = threading.Event()
_slots = threading.BoundedSemaphore(COSTLY_AT_ONCE)


def set_default_deadline(seconds: float) -> None:
    """The deadline of searches that name none (0: none); the server sets it at start."""
    global _default_seconds
    _default_seconds = seconds


@contextmanager
def deadline(seconds: float | None) -> Iterator[Deadline]:
    """Run the enclosed search under a deadline of ``seconds`` (None: the default; 0: none)."""
    seconds = _default_seconds if seconds is None else seconds
    limit = Deadline(seconds or None, time.monotonic() + seconds if seconds else None)
    token = _current.set(limit)
    try:
        yield limit
    finally:
        _current.reset(token)


def check() -> None:
    """Stop the current search if it is past its deadline (a no-op outside a search)."""
    limit = _current.get()
    if limit is not None:
        limit.check()
    elif _stopping.is_set():
        raise SearchStopped("the server is stopping")


def expired() -> bool:
    """Whether the current search is past its deadline (False outside a search)."""
    limit = _current.get()
    return limit.expired() if limit is not None else _stopping.is_set()


def current_seconds() -> float | None:
    """The current search's deadline in seconds (None: none)."""
    limit = _current.get()
    return limit.seconds if limit is not None else None


def stop_all() -> None:
    """Make every running and later search stop (the server is shutting down)."""
    _stopping.set()


def set_costly_at_once(count: int) -> None:
    """How many costly searches may run at once in this process (the server sets it at start)."""
    global _slots
    _slots = threading.BoundedSemaphore(max(1, count))


@contextmanager
def costly_slot() -> Iterator[None]:
    """Hold one of the slots of costly searches while the enclosed search runs."""
    slots = _slots
    if not slots.acquire(timeout=GATE_WAIT):
        raise SearchBusy("the server is busy with other costly searches: try again in a moment, or narrow "
                         "the query (longer words before * or ~, fewer results)")
    try:
        yield
    finally:
        slots.release()


def check_size(limit: int, offset: int) -> None:
    """Refuse a result list deeper than ``MAX_DEPTH``."""
    if offset + limit > MAX_DEPTH:
        raise QueryError(f"offset + limit is {offset + limit}; at most {MAX_DEPTH} results can be paged through "
                         "(narrow the query or add a filter)", "too_deep", depth=offset + limit, limit=MAX_DEPTH)
