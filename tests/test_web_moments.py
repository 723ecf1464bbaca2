"""Second new-user pass over the pages, on the demo's SAMPLE data: an unknown case's page names the
nearest case by its title, a case filter reads by its title in the results heading, the video page
plays from a moment (``?t=``) in the page, and a few small Dutch slips.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from index.engine.hits import one_line
from tests.test_exports_hints import demo  # noqa: F401 (the data behind client)
from tests.test_web_slips import ALFA, SEED, client, text_of  # noqa: F401 (client: the demo's pages)

SEED_TITLE = "Duurzaam meedoen in de Metalektro"


def test_an_unknown_case_page_names_the_nearest_case_by_its_title(client: TestClient) -> None:
    page = client.get("/casus/duurzaam-meedoen-metalektro")
    assert page.status_code == 404
    text = text_of(page.text)
    assert f"Bedoelde u: {SEED_TITLE}?" in text, text
    assert f'<a href="/casus/{SEED}">{SEED_TITLE}</a>' in page.text
    assert client.get(f"/casus/{SEED}").status_code == 200  # the suggestion is a page that exists
    far = client.get("/casus/qqzzxyq-vvww")
    assert far.status_code == 404 and "Bedoelde u" not in text_of(far.text)


@pytest.mark.parametrize("name", ["case", "casus"])
def test_the_results_heading_names_a_case_filter_by_its_title(client: TestClient, name: str) -> None:
    query = f"taakroulatie {name}:{SEED}"
    page = client.get("/", params={"q": query})
    heading = re.search(r"resultaten? voor <q>(.*?)</q>", page.text).group(1)  # type: ignore[union-attr]
    assert heading == f"taakroulatie casus: {SEED_TITLE}", heading
    assert f'value="{query}"' in page.text  # the query box keeps what was typed


def test_the_heading_keeps_an_unknown_case_and_other_filters_as_typed(client: TestClient) -> None:
    query = 'taakroulatie case:bestaat-niet bedrijf:"Alfa Laval"'
    heading = re.search(r"voor <q>(.*?)</q>", client.get("/", params={"q": query}).text).group(1)  # type: ignore[union-attr]
    assert heading == "taakroulatie case:bestaat-niet bedrijf:&#34;Alfa Laval&#34;", heading


def _player_button(html: str) -> tuple[str, str]:
    """The video page's player button: its data-player URL and its label."""
    match = re.search(r'<div id="speler">.*?data-player="([^"]+)"[^>]*>([^<]*)</button>', html, re.S)
    assert match, html
    return match.group(1), match.group(2)


def test_a_video_page_with_t_plays_from_that_second(client: TestClient) -> None:
    page = client.get(f"/video/{ALFA}", params={"t": "71"})
    assert page.status_code == 200
    src, label = _player_button(page.text)
    assert label == "▶ Afspelen vanaf 1:11" and "start=71" in src, (label, src)
    assert "Insluiten vanaf 1:11" in text_of(page.text)


@pytest.mark.parametrize("t", ["", "abc", "-5", "1.5", "7e1", "٧١", " 71", "71s"])
def test_a_bad_t_plays_from_the_start_without_an_error(client: TestClient, t: str) -> None:
    page = client.get(f"/video/{ALFA}", params={"t": t})
    assert page.status_code == 200
    src, label = _player_button(page.text)
    assert label == "▶ Afspelen" and "start=0" in src, (label, src)


def test_a_t_past_the_end_is_capped_at_the_videos_duration(client: TestClient) -> None:
    duration = client.get(f"/api/videos/{ALFA}").json()["video"]["duration"]
    for t in (str(10 ** 12), "9" * 5000):
        page = client.get(f"/video/{ALFA}", params={"t": t})
        assert page.status_code == 200 and f"start={duration}" in _player_button(page.text)[0], duration


def test_an_inactive_videos_page_takes_a_t_and_has_no_player(client: TestClient) -> None:
    page = client.get("/video/Dz_TddJ8HyS", params={"t": "30"})  # the demo's video that went private
    assert page.status_code == 200 and 'id="speler"' not in page.text


def test_the_transcripts_times_play_in_the_page(client: TestClient) -> None:
    html = client.get(f"/video/{ALFA}").text
    transcript = html[html.index('<section class="transcript">'):]
    times = re.findall(r'<a class="ts" href="([^"]+)">(\d+:\d\d)</a>', transcript)
    assert times, transcript[:500]
    for href, shown in times:
        minutes, seconds = shown.split(":")
        assert href == f"/video/{ALFA}?t={int(minutes) * 60 + int(seconds)}#speler", href
    assert "youtube.com" not in "".join(href for href, _ in times)
    assert ">op YouTube</a>" in transcript  # YouTube stays one small link away
    second = int(times[-1][0].split("t=")[1].split("#")[0])
    assert f"start={second}" in _player_button(client.get(times[-1][0]).text)[0]


def test_an_inactive_videos_status_line_has_no_stray_separator(client: TestClient) -> None:
    html = client.get("/video/Dz_TddJ8HyS").text
    meta = " ".join(re.sub(r"<[^>]+>", "", re.search(r'<p class="meta">(.*?)</p>', html, re.S).group(1)).split())  # type: ignore[union-attr]
    assert meta.startswith("niet meer beschikbaar (privé"), meta
    alfa = client.get(f"/video/{ALFA}").text
    assert re.search(r'<p class="meta">Duurzaam meedoen Metalektro · 27 november 2013 · 5:12\s', alfa)


def test_a_list_items_comma_is_not_left_before_the_block_separator(client: TestClient) -> None:
    results = client.get("/api/search", params={"q": "taakroulatie", "limit": 50}).json()["results"]
    snippets = " ".join(r["snippet"] for r in results)
    assert "(bijvoorbeeld bij Neways) · invoeren van" in snippets, snippets
    assert not re.search(r"[,;] ·", snippets), re.search(r".{40}[,;] ·.{20}", snippets)
    assert one_line("bij Neways),\ninvoeren;\n,\nlaatste,", blocks=True) == "bij Neways) · invoeren · laatste,"


def test_a_query_that_only_excludes_says_so_plainly(client: TestClient) -> None:
    text = text_of(client.get("/", params={"q": "-werkdruk"}).text)
    assert "Deze zoekvraag sluit alleen woorden uit, maar zoekt nergens naar. Voeg een woord toe" in text, text
    assert "weg te laten" not in text


@pytest.mark.parametrize(("query", "tip"), [
    ("company:Philips", "Niets gevonden. Probeer het met een filter minder."),
    ("qqzzxyq", "Niets gevonden. Probeer het met het begin van een woord en een sterretje (qqzz*)."),
    ("taakroulatie qqzzxyqvv kind:video", "Niets gevonden. Probeer het met minder woorden, het begin van een woord "
                                          "en een sterretje (taakro*) of een filter minder."),
])
def test_the_empty_result_tips_name_only_what_was_typed(client: TestClient, query: str, tip: str) -> None:
    text = text_of(client.get("/", params={"q": query}).text)
    assert tip in text, text
    if "roulatie" not in query:
        assert "roulatie" not in text, text  # the old tip's example word


def test_an_unknown_video_page_names_the_nearest_video_by_its_title(client: TestClient) -> None:
    page = client.get(f"/video/{ALFA[:-1]}m")  # one letter off
    assert page.status_code == 404
    assert f'Bedoelde u: <a href="/video/{ALFA}">Alfa Laval: taakroulatie en de competentiematrix</a>?' in page.text
    assert client.get(f"/video/{ALFA}").status_code == 200
    far = client.get("/video/QQQQQQQQQQQ")
    assert far.status_code == 404 and "Bedoelde u" not in text_of(far.text)
