"""Web pages never parse archived material per request: the case page and the video page read
what the index build left in the parse cache, whatever the archive got since (a hostile note, a
huge caption file), so one request cannot hold the server."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from archive.config import Settings
from archive.parse_cache import cache_path
from archive.site import NS_ATTACHMENT, NS_PAGE
from archive.store import open_store
from archive.transcripts import NS_RAW
from index.services.demo import demo_settings, run_demo
from index.web import create_app

CASE = "duurzaam-meedoen-in-de-metalektro"
NOTE = "notitie-duurzaam-meedoen-metalektro.pdf"
VIDEO = "ZhyiA4uoRgn"


@pytest.fixture
def demo(tmp_path: Path) -> Settings:
    """A demo archive and index of the test's own, to change."""
    run_demo(tmp_path / "demo-data")
    return demo_settings(tmp_path / "demo-data")


def refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("a request parsed archived material")


def archive_again(settings: Settings, namespace: str, ending: str, body: bytes) -> None:
    """Archive ``body`` as the newest version of the item whose key ends with ``ending``."""
    with open_store(settings.data_dir) as store:
        key = next(k for k in store.keys(namespace) if k.rstrip("/").endswith(ending))
        latest = store.latest(namespace, key)
        store.put(namespace, key, body, url=latest.url, content_type=latest.content_type, meta=latest.meta)


def test_the_case_page_shows_what_the_index_read_and_parses_nothing(demo: Settings,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # Newer versions the index has not read yet: the page shows the versions it read.
    archive_again(demo, NS_PAGE, CASE, b"<html><body><h1>Nieuw</h1>" + b"<p>A+" * 5_000 + b"</body></html>")
    archive_again(demo, NS_ATTACHMENT, NOTE, b"%PDF-1.4 not really")
    monkeypatch.setattr("archive.site.parse_case", refuse)
    monkeypatch.setattr("archive.cases.parse_note", refuse)
    with TestClient(create_app(demo), raise_server_exceptions=False) as client:
        page = client.get(f"/api/cases/{CASE}")
        assert page.status_code == 200
        case = page.json()["case"]
        assert case["title"] == "Duurzaam meedoen in de Metalektro"
        assert [(n["status"], n["pages"]) for n in case["notes"] if n["url"].endswith(NOTE)] == [("ok", 3)]
        assert client.get(f"/casus/{CASE}").status_code == 200


def test_the_video_page_reads_its_transcripts_from_the_index_build(demo: Settings,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    with TestClient(create_app(demo)) as client:
        before = client.get(f"/api/videos/{VIDEO}").json()["transcripts"]
    assert before and before[0]["passages"]
    archive_again(demo, NS_RAW, f"{VIDEO}.nl.imported",
                  b"WEBVTT\n\n" + b"00:00:01.000 --> 00:00:02.000\nja\n\n" * 5_000)
    monkeypatch.setattr("archive.transcripts.read_cues", refuse)
    with TestClient(create_app(demo), raise_server_exceptions=False) as client:
        page = client.get(f"/api/videos/{VIDEO}")
        assert page.status_code == 200 and page.json()["transcripts"] == before
        assert client.get(f"/video/{VIDEO}").status_code == 200


def test_without_the_parse_cache_the_pages_say_so_and_parse_nothing(demo: Settings,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    cache_path(demo.data_dir).unlink()
    monkeypatch.setattr("archive.site.parse_case", refuse)
    monkeypatch.setattr("archive.transcripts.read_cues", refuse)
    with TestClient(create_app(demo), raise_server_exceptions=False) as client:
        page = client.get(f"/api/cases/{CASE}")
        assert page.status_code == 404 and "run `casearchive index`" in page.json()["error"]["message"]
        video = client.get(f"/api/videos/{VIDEO}")
        assert video.status_code == 200 and video.json()["transcripts"] == []
    assert not cache_path(demo.data_dir).exists()  # a page never creates the cache
