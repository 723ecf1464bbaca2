"""Checks for values that come from outside (API items, parsed pages, caption files).

A value that enters the archive or the index is checked once, here: its type, its range, and a
date's calendar. A bad one raises ``InvalidValue`` naming the field and what is wrong; the caller
lists the item as failed and goes on. Nothing past this edge has to guard against a title that is
a number, a count of 5000 digits or a 99th of the 13th month.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

# The Data API sends counts as strings of an unsigned 64-bit integer ("uint64" in its reference).
MAX_COUNT = 2 ** 64 - 1
MAX_TEXT = 1_000_000  # characters in one text field: far above any title or description
_RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2}))?")


class InvalidValue(ValueError):
    """A value from outside that the archive or the index cannot use (the message says which)."""


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def part(resource: dict[str, Any], name: str) -> dict[str, Any]:
    """One part of an API resource (``snippet``…) as a dict; missing is empty, another type invalid."""
    value = resource.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidValue(f"{name} is not an object")
    return value


def text(value: Any, name: str, *, default: str | None = "", limit: int = MAX_TEXT) -> str | None:
    """A string field: missing gives ``default``; another type or more than ``limit`` characters is invalid."""
    if value is None:
        return default
    if not isinstance(value, str):
        raise InvalidValue(f"{name} is not text ({_kind(value)})")
    if len(value) > limit:
        raise InvalidValue(f"{name} is {len(value):,} characters long (at most {limit:,})")
    return value


def texts(value: Any, name: str) -> tuple[str, ...]:
    """A list of strings (tags, languages); missing gives an empty tuple."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InvalidValue(f"{name} is not a list ({_kind(value)})")
    return tuple(text(item, f"{name}[{n}]") or "" for n, item in enumerate(value))


def count(value: Any, name: str) -> int | None:
    """A count as the API writes it (a decimal string, or a number); missing gives None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidValue(f"{name} is not a count ({_kind(value)})")
    digits = value if isinstance(value, str) else str(value)
    # Checked before int(): Python refuses to convert more than 4300 digits at all.
    if not digits.isascii() or not digits.isdigit() or len(digits) > len(str(MAX_COUNT)) \
            or int(digits) > MAX_COUNT:
        shown = digits if len(digits) <= 30 else f"{digits[:20]}… ({len(digits):,} characters)"
        raise InvalidValue(f"{name} is not a count from 0 to {MAX_COUNT}: {shown!r}")
    return int(digits)


def timestamp(value: Any, name: str) -> str | None:
    """An ISO 8601 / RFC 3339 date or date-time on a real calendar day; missing gives None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidValue(f"{name} is not a date ({_kind(value)})")
    match = _RFC3339.fullmatch(value.strip())
    if not match or not calendar_date(*(int(g) for g in match.groups()[:3])) or (
            match.group(4) is not None and (int(match.group(4)) > 23 or int(match.group(5)) > 59
                                            or int(match.group(6)) > 60)):
        raise InvalidValue(f"{name} is not a date: {value[:40]!r}")
    return value.strip()


def calendar_date(year: int, month: int, day: int) -> bool:
    """Whether year-month-day is a day on the calendar (``2014-13-99`` is not)."""
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True
