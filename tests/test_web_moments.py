"""Second new-user pass over the pages, on the demo's SAMPLE data: an unknown case's page names the
nearest case by its title, a case filter reads by its title in the results heading, the video page
plays from a moment (``?t=``) in the page, and a few small Dutch slips.
"""

from __future__ import annotations

import re
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from archive.config import Settings
from index.web import create_app
from tests.test_exports_hints import demo  # noqa: F401 (the demo's data, built once per module)
from tests.test_web_slips import SEED, text_of

SEED_TITLE = "Duurzaam meedoen in de Metalektro"


@pytest.fixture(scope="module")
def client(demo: Settings) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(demo)) as test_client:
        yield test_client


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
