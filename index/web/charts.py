"""Small bar charts as geometry for server-rendered SVG (the template draws, and escapes, them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from index.web.dutch import nl_number

WIDTH = 600
HEIGHT = 120
LABEL_SPACE = 18  # room under the bars for their labels
MAX_YEARS = 60  # wider spans show only the years that occur, not every year between
MAX_SLOT = 64  # a few bars stay slim instead of filling the width


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value, box, an optional link and a hover title."""

    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    href: str | None = None
    title: str = ""


@dataclass(frozen=True)
class Chart:
    """A bar chart's size and bars; ``label_every`` thins out labels that would collide."""

    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    label_every: int = 1

    @property
    def baseline(self) -> int:
        """The y of the bars' bottom edge."""
        return self.height - LABEL_SPACE


def bar_chart(points: list[tuple[str, int, str | None, str]], width: int = WIDTH, height: int = HEIGHT) -> Chart:
    """Lay out (label, value, href, title) points as bars scaled to the largest value."""
    if not points:
        return Chart(width, height)
    top = max(value for _, value, _, _ in points) or 1
    slot = min(width / len(points), MAX_SLOT)
    room = height - LABEL_SPACE - 14  # keep space above the tallest bar for its count
    bars = []
    for i, (label, value, href, title) in enumerate(points):
        bar_height = max(1.0, room * value / top) if value else 0.0
        bars.append(Bar(label, value, round(i * slot + slot * 0.1, 2), round(height - LABEL_SPACE - bar_height, 2),
                        round(slot * 0.8, 2), round(bar_height, 2), href, title))
    # A label needs about 34 px; skip labels between so they never overlap.
    return Chart(width, height, bars, label_every=max(1, round(34 / slot + 0.49)))


def year_histogram(year_counts: dict[str, int], href: Callable[[str], str]) -> Chart:
    """Results per year, empty years between included, each bar linking to ``href(year)``; the hover
    title says the count in Dutch form (``2013: 1.234 resultaten``)."""
    years = sorted(int(y) for y in year_counts if str(y).isdigit())
    if not years:
        return Chart(WIDTH, HEIGHT)
    span = range(years[0], years[-1] + 1) if years[-1] - years[0] < MAX_YEARS else years
    points: list[tuple[str, int, str | None, str]] = []
    for year in span:
        count = int(year_counts.get(str(year), 0))
        noun = "resultaat" if count == 1 else "resultaten"
        points.append((str(year), count, href(str(year)) if count else None, f"{year}: {nl_number(count)} {noun}"))
    return bar_chart(points)

