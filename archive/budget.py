"""Size and time budgets per archived item: one hostile page, note or caption file is one failed
item with its reason, never a stalled run.

The limits come from the ``[limits]`` section of the config (``archive.config.LimitSettings``);
``use_limits`` makes them the ones the parsers check (the CLI and the web app call it once).
A time budget is a deadline checked between a parser's steps (per page of a PDF, per PDF
operator, per block of captions), not a signal: ``with time_budget(seconds, what):`` around the
parse, ``checkpoint(where)`` inside it.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Iterator

from archive.config import LimitSettings
from archive.errors import CaseArchiveError

_limits = LimitSettings()


@dataclass(frozen=True)
class _Deadline:
    ends: float
    seconds: float
    what: str


# Per thread (the web server parses in worker threads), so one request's budget is its own.
_deadline: ContextVar[_Deadline | None] = ContextVar("casearchive_deadline", default=None)


class OverBudget(CaseArchiveError):
    """An item over its size or time budget; the message says which, and how to raise it."""


def use_limits(limits: LimitSettings) -> None:
    """Make ``limits`` the budgets every parser checks from now on (in this process)."""
    global _limits
    _limits = limits


def limits() -> LimitSettings:
    """The budgets in force."""
    return _limits


def check_size(size: int, limit: int, what: str, key: str) -> None:
    """OverBudget when ``size`` (bytes or characters, as ``what`` says) is over ``limit``."""
    if limit and size > limit:
        raise OverBudget(f"{what} is {size:,}, over the budget of {limit:,} (limits.{key})")


@contextmanager
def time_budget(what: str, seconds: float | None = None) -> Iterator[None]:
    """Give the code inside ``seconds`` (default: ``limits.parse_seconds``); ``checkpoint`` raises
    OverBudget after that. A budget inside another ends no later than the outer one."""
    seconds = _limits.parse_seconds if seconds is None else seconds
    outer = _deadline.get()
    ends = time.monotonic() + seconds if seconds else float("inf")
    token = _deadline.set(outer if outer is not None and outer.ends <= ends else _Deadline(ends, seconds, what))
    try:
        yield
    finally:
        _deadline.reset(token)


def checkpoint(where: str = "") -> None:
    """OverBudget when the time budget around this call has run out."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline.ends:
        at = f" ({where})" if where else ""
        raise OverBudget(f"{deadline.what} took longer than its budget of {deadline.seconds:g} s{at} "
                         "(limits.parse_seconds)")
