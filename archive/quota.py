"""The YouTube Data API quota ledger: units per method, per run and per Pacific day."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from archive.store import ArchiveStore

# The Data API's daily quota resets at midnight Pacific time.
PACIFIC = ZoneInfo("America/Los_Angeles")
STATE_NAME = "quota/days"

# Costs from the Data API's quota table; every method this tool calls costs 1 unit.
UNIT_COSTS = {"channels.list": 1, "playlistItems.list": 1, "videos.list": 1}


def pacific_day(now: datetime | None = None) -> str:
    """Today's date in the quota's own time zone (YYYY-MM-DD)."""
    return (now or datetime.now(PACIFIC)).astimezone(PACIFIC).date().isoformat()


class QuotaLedger:
    """Counts the units a run spends, and persists them per Pacific day in the archive state."""

    def __init__(self, store: ArchiveStore) -> None:
        self._store = store
        self.run: Counter[str] = Counter()

    def charge(self, method: str, units: int | None = None) -> None:
        """Record one call of ``method`` (its documented cost unless ``units`` is given)."""
        units = UNIT_COSTS.get(method, 1) if units is None else units
        self.run[method] += units
        days = self._store.get_state(STATE_NAME, {})
        today = days.setdefault(pacific_day(), {})
        today[method] = today.get(method, 0) + units
        self._store.set_state(STATE_NAME, days)

    @property
    def total(self) -> int:
        """Units spent by this run."""
        return sum(self.run.values())


def units_per_day(store: ArchiveStore) -> dict[str, dict[str, int]]:
    """Every Pacific day's units per method, as persisted."""
    return store.get_state(STATE_NAME, {})
