"""Every page of the demo, error pages included, in Dutch: no English word of the pages' own text, no ISO
time and no ungrouped number where a Dutch reader looks (text, hover titles, labels, placeholders),
and a bad query or address said in Dutch, not only in the folded-away technical message.

What the archive holds (titles, case text, snippets, tags, the platform's own labels such as its
sources "cases, multimedia") is shown as it is: each page's text pieces that are the data of its
JSON twins are left out of the scan, so the scan reads what the pages themselves say."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any, Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from archive.config import Settings
from index.web import create_app
from index.web.dutch import query_problem
from tests.test_export_nl import dutch_csv
from tests.test_web import web_demo  # noqa: F401  (the demo's archive and index, built once)

# English words a page's own text could slip in; none is also a Dutch word ("video", "status", "filter",
# "moment", "items" and "tags" are both, and "of" is Dutch for "or").
ENGLISH = re.compile(
    r"\b(the|and|runs?|failed|errors?|found|results?|click|next|previous|unknown|available|accepted|suggested|"
    r"confirmed|rejected|pending|fetched|skipped|loading|none|null|true|false|exit ?code|pages?|download|yes|ok|"
    r"partial|private|deleted|manual|imported|built|cases|notes|transcripts|channel|duration|score|snippet|query|"
    r"search|home|back|copy|play|show|hide|sorted|relevance|newest|date|embed|links?|evidence|sources?|"
    r"finished|started|unavailable|not found|is not)\b", re.I)
ISO = re.compile(r"\b\d{4}-\d\d-\d\d(?:T\d\d:\d\d)?\b")
UNGROUPED = re.compile(r"(?<![\d.,:/-])\d{5,}(?![\d.,])")  # 12345 where a Dutch page says 12.345
SKIPPED_TAGS = {"script", "style", "code", "details"}  # commands, query syntax, the technical message
READ_ATTRIBUTES = {"title", "aria-label", "alt", "placeholder"}


class _Reader(HTMLParser):
    """The pieces of text a reader meets: text nodes and the attributes read out or shown on hover."""

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            self.skip += 1
        if not self.skip:
            self.pieces += [value for name, value in attrs if name in READ_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS:
            self.skip = max(0, self.skip - 1)

    def handle_data(self, data: str) -> None:
        if not self.skip and data.strip():
            self.pieces.append(" ".join(data.split()))


def strings_of(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included, on one line with the snippets' marks taken out."""
    if isinstance(value, str):
        yield " ".join(value.replace("«", "").replace("»", "").split())
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings_of(item)
    elif isinstance(value, list):
        if value and all(isinstance(item, str) for item in value):
            yield ", ".join(value)  # a list as a page shows it ("cases, multimedia")
        for item in value:
            yield from strings_of(item)


def own_words(html: str, data: str, query: str = "") -> list[str]:
    """A page's own text pieces: those that are not the archive's data (nor the reader's query), with
    the web addresses they show taken out."""
    reader = _Reader()
    reader.feed(html)
    pieces = [piece.replace(query, " ") if query else piece for piece in reader.pieces]
    return [re.sub(r"https?://\S+", " ", piece) for piece in pieces if piece not in data]


def giveaways(pieces: list[str]) -> list[str]:
    """The English words, ISO times and ungrouped numbers among a page's own text pieces."""
    found = []
    for piece in pieces:
        found += [f"{m.group(0)!r} in {piece!r}" for pattern in (ENGLISH, ISO, UNGROUPED)
                  for m in pattern.finditer(piece)]
    return found


@pytest.fixture(scope="module")
def demo_pages(web_demo: Settings) -> Iterator[tuple[TestClient, str, list[str]]]:  # noqa: F811
    """A client, the demo's data as one text (every string of the JSON twins), and every page's URL."""
    with TestClient(create_app(web_demo)) as client:
        cases = client.get("/api/search", params={"q": "kind:case", "limit": 100}).json()
        videos = client.get("/api/search", params={"q": "kind:video", "limit": 100, "inactive": "true"}).json()
        slugs = [r["id"].removeprefix("case:") for r in cases["results"]]
        video_ids = [r["video_id"] for r in videos["results"]] + ["Dz_TddJ8HyS"]  # the video that went private
        companies, themes = list(cases["facets"]["company"]), list(cases["facets"]["theme"])
        twins = [cases, videos, client.get("/api/status").json(), client.get("/api/links").json()]
        twins += [client.get(f"/api/cases/{slug}").json() for slug in slugs]
        twins += [client.get(f"/api/videos/{video_id}").json() for video_id in video_ids]
        twins += [client.get(f"/api/companies/{quote(name)}").json() for name in companies[:3]]
        twins += [client.get(f"/api/themes/{quote(name)}").json() for name in themes[:3]]
        for query in SEARCHES:
            twins.append(client.get("/api/search", params={"q": query, "limit": 50}).json())
        data = "\x00".join(s for twin in twins for s in strings_of(twin))
        urls = ["/", "/status"] + [f"/casus/{slug}" for slug in slugs] + [f"/video/{v}" for v in video_ids]
        urls += [f"/bedrijf/{quote(name)}" for name in companies[:3]] + [f"/thema/{quote(name)}" for name in themes[:3]]
        yield client, data, urls


# Dutch searches: words, a phrase, filters alone, a date sort, nothing found, a misspelling, an unknown company.
SEARCHES = ["taakroulatie", '"duurzame inzetbaarheid"', "kind:note", "kind:passage gesprek", "theme:Werkdruk",
            "ergonomie year:2013..2014", "xyzzyqq", "taakroulatei", "company:Philips"]


def test_every_page_says_its_own_words_in_dutch(demo_pages: tuple[TestClient, str, list[str]]) -> None:
    client, data, urls = demo_pages
    assert len(urls) > 30
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not giveaways(own_words(response.text, data)), (url, giveaways(own_words(response.text, data)))


@pytest.mark.parametrize("query", SEARCHES)
@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_every_search_page_says_its_own_words_in_dutch(demo_pages: tuple[TestClient, str, list[str]], query: str,
                                                       sort: str) -> None:
    client, data, _urls = demo_pages
    page = client.get("/", params={"q": query, "sort": sort}).text
    assert not giveaways(own_words(page, data, query))


@pytest.mark.parametrize(("url", "params", "dutch"), [
    ("/casus/geen-casus-met-deze-naam", {}, "Deze casus staat niet in het archief"),
    ("/casus/NIET_GELDIG", {}, "Deze casus staat niet in het archief"),
    ("/video/AAAAAAAAAAA", {}, "Deze video staat niet in het archief"),
    ("/video/kort", {}, "Deze video staat niet in het archief"),
    ("/bedrijf/Philips", {}, "Geen casus of video in het archief is aan dit bedrijf gekoppeld"),
    ("/thema/Nergens", {}, "Geen casus of video in het archief is aan dit thema gekoppeld"),
    ("/links", {}, "Deze pagina bestaat niet"),
    ("/", {"q": '"duurzame'}, "Er ontbreekt een aanhalingsteken"),
    ("/", {"q": "taakroulatie NOT"}, "Na NOT moet een woord komen"),
    ("/", {"q": "foo:bar"}, "bestaat niet. Filters zijn"),
    ("/", {"q": "year:20x"}, "‘20x’ is geen jaar"),
    ("/", {"q": "kind:boek"}, "‘boek’ is geen soort"),
    ("/", {"q": "k*"}, "zet minstens twee letters voor een"),
    ("/", {"q": "(werkdruk"}, "die nergens wordt gesloten met"),
    ("/", {"q": "https://example.org"}, "Een webadres kunt u niet doorzoeken"),
    ("/", {"q": "x", "p": "0"}, "Er is geen pagina ‘0’"),
    ("/export", {"q": "x", "format": "pdf"}, "Exporteren kan als CSV, JSON of Markdown"),
    ("/bedrijf/a%22b", {}, "Een naam heeft 1 tot 120 tekens"),
])
def test_error_pages_say_what_is_wrong_in_dutch(demo_pages: tuple[TestClient, str, list[str]], url: str,
                                                params: dict[str, str], dutch: str) -> None:
    client, _data, _urls = demo_pages
    response = client.get(url, params=params)
    assert response.status_code in (400, 404), response.status_code
    pieces = own_words(response.text, "")
    assert any(dutch in piece for piece in pieces), pieces
    assert not giveaways(pieces)
    assert response.text.index(dutch.split(":")[0]) < response.text.index("Technische melding")


def test_every_query_error_has_a_dutch_sentence(demo_pages: tuple[TestClient, str, list[str]]) -> None:
    """Each of the query language's errors, made by a query, reads in Dutch on the page (none falls back
    to the English message alone), and a message without a Dutch sentence gets none."""
    client, _data, _urls = demo_pages
    queries = ['"open', "a)", "(a", "foo:bar", "year:20x", "year:2014..2012", "kind:boek", "caption:x", "theme:",
               "k*", "woord~5", " ", "https://example.org", "werkdruk NOT", "OR", "de het een",
               "AND OR"]
    codes = set()
    for query in queries:
        response = client.get("/api/search", params={"q": query})
        assert response.status_code == 400, query
        error = response.json()["error"]
        assert error["message_nl"] and error["message_nl"] != error["message"], query
        codes.add(error["code"])
    assert len(codes) >= 12
    assert query_problem("something else went wrong") == ""


def test_the_curation_pages_say_their_own_words_in_dutch(web_demo: Settings,  # noqa: F811
                                                         demo_pages: tuple[TestClient, str, list[str]]) -> None:
    """With curation on: the buttons, the form, the "saved" notice, and the page of a refused decision."""
    _client, data, urls = demo_pages
    with TestClient(create_app(web_demo, curation_token="curation-token-for-tests-1234")) as client:
        for url in [u for u in urls if u.startswith(("/casus/", "/video/"))][:6]:
            page = client.get(url, params={"opgeslagen": "1"}).text
            assert "Besluit opgeslagen" in page and ("Bevestigen" in page or "Nog niet gekoppeld" in page), url
            assert not giveaways(own_words(page, data)), (url, giveaways(own_words(page, data)))
        refused = client.post("/curatie", data={"token": "wrong", "action": "confirmed|a|b"},
                              headers={"accept": "text/html"})
    assert refused.status_code == 403
    pieces = own_words(refused.text, "")
    assert any("Geen toestemming" in piece for piece in pieces) and not giveaways(pieces)


@pytest.mark.parametrize("query", SEARCHES)
@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_the_csv_and_markdown_downloads_say_their_own_words_in_dutch(
        demo_pages: tuple[TestClient, str, list[str]], query: str, sort: str) -> None:
    """The header lines of each download (query, filters, count, index time, why partial, hints) and the
    Markdown's column names; the CSV's columns and kind words are checked in tests/test_export_nl.py."""
    client, data, _urls = demo_pages
    header = dutch_csv(client.get("/export", params={"q": query, "sort": sort, "format": "csv"}).text)[0]
    markdown = client.get("/export", params={"q": query, "sort": sort, "format": "md"}).text.splitlines()
    lines = [line.removeprefix("# ") for line in header] + [line.removeprefix("- ") for line in markdown
                                                           if line.startswith("- ")]
    assert len(lines) >= 8 and markdown.index("") == len(header)  # Markdown has the same header lines
    pieces = [piece.replace(query, " ") for piece in lines + [markdown[len(header) + 1]]]
    assert not giveaways([piece for piece in pieces if piece not in data]), giveaways(pieces)
