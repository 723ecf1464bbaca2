"""The charts say their counts in Dutch form (``1.234``, Babel's Dutch grouping), on the bars and in
their hover titles, while a year stays a year (``2013``, never ``2.013``)."""

from __future__ import annotations

import re
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient

from archive.config import Settings
from index.web import create_app, pages
from index.web.charts import year_histogram
from tests.test_web import web_demo  # noqa: F401  (the demo's index, built once)


def test_the_year_histograms_titles_group_thousands_the_dutch_way() -> None:
    chart = year_histogram({"2013": 1234, "2015": 1, "1999x": 7}, lambda year: f"/?year={year}")
    titles = {bar.label: bar.title for bar in chart.bars}
    assert titles == {"2013": "2013: 1.234 resultaten", "2014": "2014: 0 resultaten", "2015": "2015: 1 resultaat"}
    assert [bar.value for bar in chart.bars] == [1234, 0, 1]  # the geometry keeps the numbers


@pytest.fixture
def big_years(web_demo: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:  # noqa: F811
    """The search page over the demo, its year facet counting 12.345 results in 2013 (the demo is small)."""
    real = pages.search

    def more(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        result["facets"]["year"] = {"2013": 12345, "2014": 987}
        return result

    monkeypatch.setattr(pages, "search", more)
    with TestClient(create_app(web_demo)) as client:
        yield client


def test_the_search_pages_histogram_shows_dutch_counts(big_years: TestClient) -> None:
    page = big_years.get("/", params={"q": "taakroulatie"}).text
    svg = page[page.index('<figure class="histogram">'):page.index("</figure>")]
    assert re.findall(r'class="count">([^<]+)</text>', svg) == ["12.345", "987"]
    assert re.findall(r"<title>([^<]+)</title>", svg) == ["2013: 12.345 resultaten", "2014: 987 resultaten"]
    assert re.findall(r'class="label">([^<]+)</text>', svg) == ["2013", "2014"]
    assert "12345" not in svg
