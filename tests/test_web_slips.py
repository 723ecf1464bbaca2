"""Small slips a new Dutch user met on the pages, on the demo's SAMPLE data: a space before "Bedoelde
u:", "1 video" (not "1 video’s"), a page past the last one that says so and links back, link text
without spaces inside its brackets, no raw character offsets in the evidence, an unknown company's
or theme's page that names the nearest known ones, and a local favicon.
"""

from __future__ import annotations

import re
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from archive.config import Settings
from index.web import create_app
from tests.test_exports_hints import demo  # noqa: F401 (the demo's data, built once per module)

OOSTWOLD = "minder-gezondheidsklachten-door-ergonomie-bij-vloerenfabriek-oostwold"  # its page links a pdf in brackets
SEED = "duurzaam-meedoen-in-de-metalektro"
ALFA = "ZhyiA4uoRgn"


@pytest.fixture(scope="module")
def client(demo: Settings) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(demo)) as test_client:
        yield test_client


def text_of(html: str) -> str:
    main = html[html.index("<main>"):html.index("</main>")]
    return " ".join(re.sub(r"<[^>]+>", "", re.sub(r"<details.*?</details>", " ", main, flags=re.S)).split())


def test_a_hint_has_a_space_before_did_you_mean(client: TestClient) -> None:
    text = text_of(client.get("/", params={"q": "company:Philips taakroulatei"}).text)
    assert "Er is geen bedrijf met de naam Philips. Bedoelde u: Photonis" in text, text
    assert "komt niet voor in de index. Bedoelde u: taakroulatie" in text, text


@pytest.mark.parametrize("theme", ["Werkdruk", "Duurzame inzetbaarheid"])
def test_an_entity_page_counts_its_videos_in_the_right_number(client: TestClient, theme: str) -> None:
    text = text_of(client.get(f"/thema/{theme}").text)
    count, noun = re.search(r"(\d+) (video’s|video)\b", text).groups()  # type: ignore[union-attr]
    assert noun == ("video" if count == "1" else "video’s"), text[:200]


def test_the_werkdruk_theme_has_one_video_so_the_singular_is_exercised(client: TestClient) -> None:
    assert "1 video ·" in text_of(client.get("/thema/Werkdruk").text)


def test_a_page_past_the_last_says_so_and_links_to_the_last(client: TestClient) -> None:
    page = client.get("/", params={"q": "taakroulatie", "p": "999"})
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Pagina 999 bestaat niet" in text and "Niets gevonden" not in text, text
    assert 'href="/?q=taakroulatie">Naar de laatste pagina' in page.text
    assert "Niets gevonden" in text_of(client.get("/", params={"q": "qqzzxyq"}).text)  # a real nothing still says so


def test_a_link_inside_brackets_reads_without_spaces_inside_them(client: TestClient) -> None:
    text = text_of(client.get(f"/casus/{OOSTWOLD}").text)
    assert "als bijlage (werkplekscan Oostwold, pdf)." in text, text
    assert "( " not in text and " )" not in text


@pytest.mark.parametrize("path", [f"/casus/{SEED}", f"/video/{ALFA}", f"/casus/{OOSTWOLD}"])
def test_evidence_shows_no_character_offsets(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200 and 'class="evidence"' in page.text
    assert "positie" not in text_of(page.text)


@pytest.mark.parametrize(("path", "near"), [("/bedrijf/Philips", "/bedrijf/Photonis"),
                                            ("/thema/Werkdrukk", "/thema/Werkdruk%20en%20werkstress")])
def test_an_unknown_company_or_theme_page_names_the_nearest_known(client: TestClient, path: str, near: str) -> None:
    page = client.get(path)
    assert page.status_code == 404
    assert "Bedoelde u:" in text_of(page.text) and f'href="{near}"' in page.text, text_of(page.text)
    assert client.get(near).status_code == 200  # the suggestion is a page that exists


def test_every_page_has_a_local_favicon_the_csp_allows(client: TestClient) -> None:
    page = client.get("/")
    assert '<link rel="icon" href="/static/favicon.svg"' in page.text
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    img_src = re.search(r"img-src ([^;]*)", page.headers["content-security-policy"]).group(1)  # type: ignore[union-attr]
    assert "'self'" in img_src.split()
    old_path = client.get("/favicon.ico", follow_redirects=False)
    assert old_path.status_code == 301 and old_path.headers["location"] == "/static/favicon.svg"
    error_page = client.get("/nergens")
    assert error_page.status_code == 404 and 'rel="icon"' in error_page.text
