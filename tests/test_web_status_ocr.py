"""The pages and the API name link statuses as the CLI does (accepted, suggested, confirmed, rejected),
and a note page read from a scan says so on its card and in the JSON (``ocr``)."""

from __future__ import annotations

from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from archive.config import Settings
from index.services import browse
from index.linking import links
from index.web import create_app
from tests.test_web import ALFA, SEED, web_demo  # noqa: F401  (web_demo is a fixture used here)

FOUR = set(browse.LINK_STATUSES)


@pytest.fixture
def client(web_demo: Settings) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(web_demo)) as test_client:
        yield test_client


def test_the_api_names_link_statuses_as_the_cli_does(client: TestClient) -> None:
    rows = client.get("/api/links").json()
    assert rows and {row["status"] for row in rows} <= FOUR
    for status in sorted(FOUR):
        assert {row["status"] for row in client.get("/api/links", params={"status": status}).json()} <= {status}
    assert client.get("/api/links", params={"status": "auto"}).status_code == 400
    for path in (f"/api/cases/{SEED}", f"/api/videos/{ALFA}", "/api/links"):
        assert '"auto"' not in client.get(path).text, path


def test_a_suggested_link_shows_its_dutch_label(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every found link of the demo is sure enough to count; with the bar above 100% each is a suggestion."""
    assert 'status-accepted">geaccepteerd<' in client.get(f"/video/{ALFA}").text
    monkeypatch.setattr(links, "ACCEPT", 1.01)
    page = client.get(f"/video/{ALFA}").text
    assert 'status-suggested">voorgesteld<' in page and "geaccepteerd" not in page and "automatisch" not in page
    assert {row["status"] for row in client.get("/api/links").json()} <= {"suggested", "confirmed", "rejected"}
