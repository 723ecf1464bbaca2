"""The pages in Dutch as Chromium renders them (what people read), with screenshots kept in test-artifacts/."""

from __future__ import annotations

import re
from typing import Any

from babel import Locale

from tests.test_web_browser import ARTIFACTS, browser, page, pytestmark, site, web_demo  # noqa: F401
from tests.test_web_dutch import ENGLISH, ISO_TIME, SEED_TITLE

# Babel's (CLDR's) Dutch month names: the test does not write its own.
MONTHS = "|".join(Locale.parse("nl_NL").months["format"]["wide"].values())


def test_a_date_sorted_search_reads_dutch(page: Any) -> None:
    page.goto("/?q=taakroulatie&sort=date")
    tools = page.locator("p.tools .sort").inner_text()
    assert tools.startswith("Gesorteerd op datum, nieuwste eerst") and "relevantie" not in tools
    summary = page.locator(".summary").first.inner_text()
    assert re.search(rf"index gebouwd op \d{{1,2}} ({MONTHS}) \d{{4}} om \d\d:\d\d", summary), summary
    assert SEED_TITLE in page.locator('section[data-facet="case"]').inner_text()
    results = page.locator("section.results").inner_text()
    assert not ISO_TIME.search(results) and not ENGLISH.search(results), results
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-page-dutch.png"), full_page=True)


def test_the_status_page_reads_dutch(page: Any) -> None:
    page.goto("/status")
    text = page.locator("main").inner_text()
    assert re.search(rf"klaar op \d{{1,2}} ({MONTHS}) \d{{4}} om \d\d:\d\d", text), text
    assert "gelukt" in text and "casussen" in text
    shown = page.evaluate("() => { const m = document.querySelector('main').cloneNode(true);"
                          " m.querySelectorAll('code').forEach(c => c.remove()); return m.innerText; }")
    assert not ISO_TIME.search(shown) and not ENGLISH.search(shown), shown
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "status-page-dutch.png"), full_page=True)


def test_an_error_page_reads_dutch_with_the_detail_folded_away(page: Any) -> None:
    page.goto("/casus/geen-casus-met-deze-naam")
    assert "Deze casus staat niet in het archief" in page.locator("section.error").inner_text()
    detail = page.locator("details.detail code")
    assert not detail.is_visible()  # the technical message waits behind "Technische melding"
    page.click("details.detail summary")
    assert detail.is_visible() and "no archived case" in detail.inner_text()
