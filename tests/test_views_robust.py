"""What a user can reach never crashes: a page nested thousands deep parses to what it can, a page
that cannot be parsed is an error in words (exit 1, a Dutch page or a JSON error, never a 500),
views read what the index build parsed, a link's evidence says each fact once, and a video never
fetched has a title."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from archive.case_parser import parse_case
from archive.config import Settings
from archive.site import NS_PAGE
from archive.store import open_store
from index.cli import cli
from index.services.demo import demo_settings, run_demo
from index.linking.links import said_once
from index.web import create_app
from tests.test_web import client, web_demo  # noqa: F401 (the shared read-only demo and its web client)

DEEP = "generatiepact-bij-transportbedrijf-van-wijk"
OTHER = "leren-op-de-werkvloer-bij-bouwbedrijf-hendriks"
PRIVATE = "Dz_TddJ8HyS"  # the sample channel's private upload: on record, never fetched


def nested(depth: int, tag: str, inner: str) -> str:
    """A page whose body nests ``tag`` ``depth`` deep around ``inner`` (as generated pages do)."""
    return ("<html lang='nl'><body><article><h1>Diep genest</h1><p>2011 – Een casus.</p>"
            + f"<{tag}>" * depth + inner + f"</{tag}>" * depth
            + "<p><strong>Sector:</strong> Zorg</p></article></body></html>")


@pytest.mark.parametrize(("depth", "tag"), [(5000, "div"), (5000, "font"), (5000, "span"), (300, "section")])
def test_a_page_nested_thousands_deep_parses_to_what_it_can(depth: int, tag: str) -> None:
    inner = ("<p>Eerste alinea.</p><p>Tweede <a href='https://youtu.be/lHUvTCQCyEZ?t=42'>video</a>.</p>"
             "<iframe src='https://www.youtube-nocookie.com/embed/ZhyiA4uoRgn'></iframe>")
    case = parse_case(nested(depth, tag, inner), f"https://platform.example/kennis/{DEEP}/")
    assert case.title == "Diep genest" and case.year == 2011 and case.sectors == ("Zorg",)
    assert "Eerste alinea." in case.text and "Tweede video ." in case.text
    # The paragraphs deep down stay apart, and the link and the player deep down are still found.
    assert "Eerste alinea. Tweede" not in case.text
    assert {(y.id, y.start) for y in case.youtube} == {("lHUvTCQCyEZ", 42), ("ZhyiA4uoRgn", None)}


def test_a_shallow_page_is_parsed_as_before() -> None:
    html = nested(40, "div", "<h2>Aanpak</h2><p>Eerst dit.</p><ul><li>een</li><li>twee</li></ul>")
    case = parse_case(html, f"https://platform.example/kennis/{DEEP}/")
    assert [s.heading for s in case.sections] == ["Aanpak"]
    assert [b.kind for b in case.sections[0].blocks] == ["paragraph", "list"]


@pytest.fixture
def fresh_demo(tmp_path: Path) -> Settings:
    """A demo archive and index of the test's own, to change."""
    run_demo(tmp_path / "demo-data")
    return demo_settings(tmp_path / "demo-data")


def show(settings: Settings, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--data", str(settings.data_dir), "show", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def replace_page(settings: Settings, slug: str, body: str) -> str:
    """Archive ``body`` as the newest version of the case page ``slug``; return its URL."""
    with open_store(settings.data_dir) as store:
        url = next(key for key in store.keys(NS_PAGE) if key.rstrip("/").endswith(slug))
        meta = store.latest(NS_PAGE, url).meta  # type: ignore[union-attr]
        store.put(NS_PAGE, url, body.encode(), url=url, content_type="text/html", meta=meta)
    return url


def test_show_and_the_web_read_a_deep_page(fresh_demo: Settings) -> None:
    settings = fresh_demo
    replace_page(settings, DEEP, nested(5000, "div", "<p>Onderaan de diepte.</p>"))
    code, out, _ = show(settings, DEEP, "--format", "json")
    assert code == 0 and "Onderaan de diepte." in json.loads(out)["text"]
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        page = client.get(f"/casus/{DEEP}")
        assert page.status_code == 200 and "Onderaan de diepte." in page.text
        assert client.get(f"/api/cases/{DEEP}").status_code == 200


def test_a_page_that_cannot_be_parsed_is_an_error_in_words(fresh_demo: Settings,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    settings = fresh_demo
    replace_page(settings, DEEP, "<html><body><h1>Kapot</h1></body></html>")

    def broken(html: object, url: str, *args: object, **kwargs: object) -> object:
        if DEEP in url:
            raise ValueError("the parser gave up")
        return parse_case(html, url, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("archive.site.parse_case", broken)
    for args in ((DEEP,), (DEEP, "--format", "json")):
        code, out, err = show(settings, *args)
        assert code == 1 and "cannot be parsed" in err and "the parser gave up" in err and "Traceback" not in err
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        # A page never parses: it shows the version the index build read, not the newer broken one.
        page = client.get(f"/casus/{DEEP}")
        assert page.status_code == 200 and "Kapot" not in page.text and "Van Wijk" in page.text
        api = client.get(f"/api/cases/{DEEP}")
        assert api.status_code == 200 and api.json()["case"]["title"] != "Kapot"
        assert client.get(f"/casus/{OTHER}").status_code == 200  # the other pages are unaffected


def test_views_read_the_cases_the_index_build_parsed(web_demo: Settings, client: TestClient,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a view parsed an archived page again")

    monkeypatch.setattr("archive.site.parse_case", refuse)
    monkeypatch.setattr("archive.cases.parse_note", refuse)
    code, out, _ = show(web_demo, OTHER, "--format", "json")
    assert code == 0 and json.loads(out)["id"] == OTHER
    assert client.get(f"/casus/{OTHER}").status_code == 200


def test_each_piece_of_evidence_is_said_once(web_demo: Settings) -> None:
    code, out, _ = show(web_demo, "ZhyiA4uoRgn")
    assert code == 0
    # show names the linked case by its title, its id after it
    row = next(line for line in out.splitlines()
               if line.startswith("Duurzaam meedoen in de Metalektro (case:duurzaam-meedoen-in-de-metalektro)"))
    assert row.count("case links the channel") == 1 and "UC6XpRSGS236lYZmcCjkBE4g" in row and "Alfa Laval" in row


def test_said_once_keeps_distinct_facts_and_drops_repeats() -> None:
    plain = {"rule": "case links the channel", "field": "channel", "text": "UC1", "position": None}
    both = {"rule": "case links the channel; video names its company", "field": "title", "text": "Acme",
            "position": None}
    mention = {"rule": "name mentioned", "field": "title", "text": "Acme", "position": 3}
    shown = said_once([both, plain, mention, dict(mention), plain])
    assert [e["rule"] for e in shown] == [both["rule"], "name mentioned"]
    assert shown[0]["also"] == [{"field": "channel", "text": "UC1", "position": None}]
    assert said_once([plain]) == [{**plain, "also": []}]


def test_a_video_never_fetched_has_a_title(web_demo: Settings, client: TestClient) -> None:
    page = client.get(f"/video/{PRIVATE}")
    assert page.status_code == 200
    title = page.text.split("<title>", 1)[1].split("</title>", 1)[0]
    assert f"Video {PRIVATE} (niet beschikbaar)" in title and not title.strip().startswith("·")
    assert f"<h1>Video {PRIVATE} (niet beschikbaar)</h1>" in page.text
    code, out, _ = show(web_demo, PRIVATE)
    assert code == 0 and "never archived" in out
