"""The pages in Dutch: dates and numbers in Dutch form, Dutch status words and error texts, case
titles instead of slugs (pages and ``show``), a sort label that names the order in force."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from archive.config import Settings
from index.cli import cli
from index.services import browse, titles
from index.web import create_app
from index.web.dutch import exit_word, language_name, nl_date, nl_datetime, nl_number, status_word
from tests.test_web import ALFA, SEED, web_demo  # noqa: F401  (web_demo is a fixture used here)

SEED_TITLE = "Duurzaam meedoen in de Metalektro"
PRIVATE = "Dz_TddJ8HyS"  # the sample's video that went private
# English words of the archive and the index a Dutch reader must not meet in a page's text ("cases" is
# not among them: the platform itself labels its sources "cases, multimedia", shown as it says).
ENGLISH = re.compile(r"\b(ok|failed|partial|skipped|units|transcripts|private|deleted|unavailable|"
                     r"auto|confirmed|rejected|manual|not found|exit code|relevance|finished)\b", re.I)
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def visible_text(html: str) -> str:
    """What a reader sees first: the page's text without tags, commands (``<code>``) and the folded-away
    technical message (``<details>``)."""
    main = html[html.index("<main>"):html.index("</main>")]
    main = re.sub(r"<details.*?</details>|<code>.*?</code>|<title>.*?</title>", " ", main, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


@pytest.fixture
def client(web_demo: Settings) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(web_demo)) as test_client:
        yield test_client


@pytest.fixture
def with_a_big_run(web_demo: Settings, tmp_path: Path) -> Iterator[TestClient]:  # noqa: F811
    """The demo with one more run, the newest: 1234 items, some failed, finished 2026-12-04 16:15:55 UTC."""
    data_dir = tmp_path / "data"
    shutil.copytree(web_demo.data_dir, data_dir)
    run = {"command": "harvest youtube", "started_at": "2026-12-04T16:01:00Z", "finished_at": "2026-12-04T16:15:55Z",
           "exit_code": 1, "fetched": 1234, "failures": ["UCxyz: HTTP 500: backend error"]}
    (data_dir / "runs" / "29991231T000000.000000Z-harvest-youtube.json").write_text(json.dumps(run), encoding="utf-8")
    settings = replace(web_demo, data_dir=data_dir)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_dates_and_times_are_dutch_on_the_dutch_clock() -> None:
    assert nl_datetime("2026-12-04T16:15:55Z") == "4 december 2026 om 17:15"  # winter: UTC+1
    assert nl_datetime("2026-07-01T10:00:00Z") == "1 juli 2026 om 12:00"  # summer: UTC+2
    assert nl_date("2013-11-27T13:45:00Z") == "27 november 2013" and nl_date("2014-03-18") == "18 maart 2014"
    assert nl_date("2026-12-31T23:30:00Z") == "1 januari 2027"  # already the next day in the Netherlands
    assert nl_datetime("2014-02-30T10:00:00Z") == "2014-02-30T10:00:00Z" and nl_date("2013") == "2013"
    assert nl_datetime(None) == "" and nl_date("") == ""


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_numbers_are_grouped_by_dots_and_read_back_the_same(n: int) -> None:
    shown = nl_number(n)
    assert int(shown.replace(".", "")) == n
    assert all(len(group) == 3 for group in shown.lstrip("-").split(".")[1:])


def test_status_words_exit_codes_and_languages_are_dutch() -> None:
    assert [status_word(w) for w in ("ok", "failed", "private", "suggested", "confirmed")] == \
        ["gelezen", "mislukt", "privé", "voorgesteld", "bevestigd"]
    assert status_word("brand-new status") == "brand-new status"  # unknown: as it is, never dropped
    assert [exit_word(c) for c in (0, 1, 3, 4)] == ["gelukt", "deels gelukt", "niet gestart (een andere opdracht "
                                                     "liep nog)", "gestopt (YouTube-quotum op)"]
    assert exit_word(None) == "onbekend" and exit_word(9) == "mislukt (code 9)"
    assert language_name("nl") == "Nederlands" and language_name("en-GB") == "Engels"
    assert language_name("xx") == "xx"


def test_the_status_page_says_the_last_run_in_dutch(with_a_big_run: TestClient) -> None:
    page = with_a_big_run.get("/status").text
    text = visible_text(page)
    assert "klaar op 4 december 2026 om 17:15" in text and "deels gelukt" in text
    assert "1.234" in text and "YouTube-gegevens ophalen" in text and "casussen" in text
    assert not ISO_TIME.search(text), ISO_TIME.search(text)
    assert not ENGLISH.search(text) and not re.search(r"\b(cases|notes)\b", text), text
    assert '<time datetime="2026-12-04T16:15:55Z">' in page  # the exact time stays in the markup


def test_a_date_sorted_list_does_not_say_relevantie(client: TestClient) -> None:
    by_date = visible_text(client.get("/", params={"q": "taakroulatie", "sort": "date"}).text)
    assert "Gesorteerd op datum, nieuwste eerst" in by_date and "relevantie" not in by_date
    by_relevance = visible_text(client.get("/", params={"q": "taakroulatie"}).text)
    assert "Gesorteerd op relevantie" in by_relevance and "nieuwste eerst" in by_relevance


def test_facets_and_cards_name_cases_by_title_and_link_by_slug(client: TestClient) -> None:
    page = client.get("/", params={"q": "taakroulatie"}).text
    facet = page[page.index('data-facet="case"'):]
    facet = facet[:facet.index("</section>")]
    assert re.search(rf'href="[^"]*casus%3A{SEED}[^"]*">{SEED_TITLE}</a>', facet)
    assert f">{SEED}<" not in page  # the slug is a link target only, never the text
    assert f'casus <a href="/casus/{SEED}">{SEED_TITLE}</a>' in page
    company = client.get("/bedrijf/Alfa%20Laval").text
    assert f'<a href="/casus/{SEED}">{SEED_TITLE}</a>' in company and f">{SEED}<" not in company


def test_the_search_summary_says_when_the_index_was_built_in_dutch(client: TestClient) -> None:
    text = visible_text(client.get("/", params={"q": "taakroulatie"}).text)
    assert re.search(r"index gebouwd op \d{1,2} [a-z]+ \d{4} om \d\d:\d\d", text)
    assert not ISO_TIME.search(text) and not ENGLISH.search(text), text


def test_video_and_case_pages_have_no_english_status_words(client: TestClient) -> None:
    video = visible_text(client.get(f"/video/{ALFA}").text)
    assert "Taal: Nederlands" in video and "geaccepteerd" in video and SEED_TITLE in video
    gone = visible_text(client.get(f"/video/{PRIVATE}").text)
    assert "niet meer beschikbaar (privé, sinds" in gone
    for text in (video, gone, visible_text(client.get(f"/casus/{SEED}").text)):
        assert not ENGLISH.search(text), ENGLISH.search(text)
        assert not ISO_TIME.search(text)


@pytest.mark.parametrize(("url", "params", "status", "dutch"), [
    ("/casus/geen-casus-met-deze-naam", {}, 404, "Deze casus staat niet in het archief"),
    ("/video/AAAAAAAAAAA", {}, 404, "Deze video staat niet in het archief"),
    ("/bedrijf/Philips", {}, 404, "Geen casus of video in het archief is aan dit bedrijf gekoppeld"),
    ("/nergens", {}, 404, "Deze pagina bestaat niet"),
    ("/", {"q": '"duurzame'}, 400, "Er ontbreekt een aanhalingsteken"),
    ("/", {"q": "x", "p": "0"}, 400, "Er is geen pagina ‘0’"),
])
def test_error_pages_say_what_happened_in_dutch_and_the_detail_second(client: TestClient, url: str,
                                                                      params: dict[str, str], status: int,
                                                                      dutch: str) -> None:
    response = client.get(url, params=params)
    assert response.status_code == status
    text = visible_text(response.text)
    assert dutch in text and not ENGLISH.search(text), text
    page = response.text
    assert page.index(dutch) < page.index("<details") < page.index("Technische melding")


def test_show_names_linked_cases_and_videos_by_title(web_demo: Settings) -> None:  # noqa: F811
    run = CliRunner().invoke(cli, ["--data", str(web_demo.data_dir), "show", ALFA])
    assert run.exit_code == 0, run.output
    assert f"{SEED_TITLE} (case:{SEED})" in run.output
    case = CliRunner().invoke(cli, ["--data", str(web_demo.data_dir), "show", SEED])
    assert case.exit_code == 0, case.output
    assert f"Alfa Laval: taakroulatie en de competentiematrix (video:{ALFA})" in case.output
    data = json.loads(CliRunner().invoke(cli, ["--data", str(web_demo.data_dir), "show", "--format", "json",
                                               ALFA]).output)
    assert data["titles"][f"case:{SEED}"] == SEED_TITLE


def test_case_titles_are_read_once_per_index_generation(web_demo: Settings, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
                                                        tmp_path: Path) -> None:
    reads: list[str] = []
    real = titles.document_titles
    monkeypatch.setattr(titles, "document_titles", lambda data_dir, kind: reads.append(kind) or real(data_dir, kind))
    monkeypatch.setattr(titles, "_TITLES", {})
    first = browse.case_titles(web_demo)
    assert first[SEED] == SEED_TITLE and browse.case_titles(web_demo) == first and reads == ["case"]
    assert browse.case_titles(replace(web_demo, data_dir=tmp_path)) == {} and reads == ["case"]  # no index yet
    # A new generation (an index build) is read anew.
    monkeypatch.setattr(titles, "current_generation", lambda data_dir: Path(data_dir) / "index" / "gen-newer")
    assert browse.case_titles(web_demo) == first and reads == ["case", "case"]
