"""The pages and the API name link statuses as the CLI does (accepted, suggested, confirmed, rejected),
and a note page read from a scan says so on its card and in the JSON (``ocr``)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient

from archive.config import Settings
from archive.ocr import engine as ocr_engine
from index.services import browse
from index.services.library import build
from index.linking import links
from index.web import create_app
from tests.test_web import ALFA, SEED, web_demo  # noqa: F401  (web_demo is a fixture used here)

FOUR = set(browse.LINK_STATUSES)

# The demo's own sample scan: read by OCR wherever Tesseract is installed, so beside the note the
# `scanned` fixture marks, it may carry the OCR mark too.
SAMPLE_SCAN = "ergonomie-oostwold-scan.pdf"


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


@pytest.fixture(scope="module")
def scanned(web_demo: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, str]]:  # noqa: F811
    """The demo rebuilt as if its first note's pages were scans read by OCR (no Tesseract needed): the
    note reader gives that note with each page's ``ocr`` flag set, as archive.notes sets it, so the
    parse cache and the index both hold it, as after a real OCR read."""
    from archive import cases
    from archive.parse_cache import cache_path

    data_dir = tmp_path_factory.mktemp("scanned") / "demo-data"
    shutil.copytree(web_demo.data_dir, data_dir, symlinks=True)
    cache_path(data_dir).unlink()  # the notes are read afresh, through the patched reader
    settings = replace(web_demo, data_dir=data_dir)
    real = cases.parse_note
    first: list[str] = []

    def as_scanned(*args: Any, **kwargs: Any) -> Any:
        note = real(*args, **kwargs)
        if note.status == "ok" and not any(p.ocr for p in note.pages) and (not first or first[0] == note.url):
            first[:] = [note.url]
            note = replace(note, pages=tuple(replace(page, ocr=True) for page in note.pages))
        return note

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cases, "parse_note", as_scanned)
        build(settings, rebuild=True)
    assert first, "the demo has a note"
    yield settings, first[0]


def test_a_note_read_from_a_scan_is_marked_on_its_card_and_in_the_json(scanned: tuple[Settings, str]) -> None:
    settings, url = scanned
    with TestClient(create_app(settings)) as client:
        found = client.get("/api/search", params={"q": "kind:note", "limit": 50}).json()["results"]
        notes = {r["url"].split("#")[0]: r for r in found if r["kind"] == "note"}
        # Only the scanned notes say so: this one, and the sample's real scan when Tesseract read it.
        scans = {url, *(u for u in notes if u.endswith("/ergonomie-oostwold-scan.pdf") and ocr_engine())}
        assert {u for u, r in notes.items() if r["ocr"]} == scans
        page = client.get("/", params={"q": "kind:note"}).text
    cards = page.split('<article class="card')[1:]
    marked = [card for card in cards if "tekst uit scan (OCR)" in card]
    assert marked and all(any(u in card for u in scans) for card in marked)
    assert len(marked) < len(cards) or len(notes) == 1



def test_the_case_page_marks_the_scanned_note_and_its_pages(scanned: tuple[Settings, str]) -> None:
    settings, url = scanned
    with TestClient(create_app(settings)) as client:
        found = client.get("/api/search", params={"q": "kind:note", "limit": 50}).json()["results"]
        slug = next(r["case_ids"][0] for r in found if r["url"].startswith(url + "#") and r["case_ids"])
        notes = client.get(f"/api/cases/{slug}").json()["case"]["notes"]
        page = client.get(f"/casus/{slug}").text
    [scan] = [note for note in notes if note["url"] == url]
    assert scan["ocr"] is True and scan["ocr_pages"] == list(range(1, scan["pages"] + 1))
    assert all(note["ocr"] is False and note["ocr_pages"] == [] for note in notes if note["url"] != url)
    [block] = [b for b in page.split('<div class="note">')[1:] if "tekst uit scan (OCR)" in b]
    assert url in block
