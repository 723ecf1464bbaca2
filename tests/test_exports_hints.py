"""Citable exports (CSV, Markdown, JSON from the CLI and the site's /export) and the helpful dead ends
of a search that finds nothing (unknown filter values, misspelled words), on the demo's SAMPLE data.

Expected values come from the sample's sources, not from the index: the recorded Data API responses
(``archive/sample/youtube/recording.json``) for a video's channel, date and duration, and the sample
platform's case page for a case's title.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from archive.config import Settings
from archive.sample_server import sample_platform_dir
from archive.youtube import parse_duration
from index.cli import cli
from index.services import hints as hints_module
from index.services.demo import demo_settings, run_demo, sample_root
from index.services.export import clock_time
from index.services.library import search
from index.web import create_app
from index.web.downloads import COLUMNS as DUTCH_COLUMNS
from tests.test_export_nl import dutch_csv

SEED = "duurzaam-meedoen-in-de-metalektro"
ALFA = "ZhyiA4uoRgn"  # the sample's Alfa Laval video, whose captions say "taakroulatie"
MEETING = "tDDb-xHKas1"  # the sample's regional meeting: found by a passage, so its row needs the archive
QUERY = 'taakroulatie company:"Alfa Laval"'
CSV_COLUMNS = ["rank", "kind", "title", "url", "date", "channel", "duration", "moment", "link", "cases", "companies",
               "themes", "year", "score", "snippet", "moments", "case_ids", "embed", "ocr"]


@pytest.fixture(scope="module")
def demo() -> Iterator[Settings]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "demo-data"
        run_demo(data_dir)
        yield demo_settings(data_dir)


@pytest.fixture
def client(demo: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(demo)) as test_client:
        yield test_client


def run(settings: Settings, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--data", str(settings.data_dir), *args])
    return result.exit_code, result.output


def recorded_video(video_id: str) -> dict[str, Any]:
    """The video as the sample's recorded Data API response has it."""
    recording = json.loads((sample_root() / "youtube" / "recording.json").read_text(encoding="utf-8"))
    for response in recording["responses"]:
        for item in (response.get("body") or {}).get("items", []):
            if item.get("kind") == "youtube#video" and item.get("id") == video_id:
                return item
    raise AssertionError(f"{video_id} is not in the recording")


def case_title(slug: str) -> str:
    """A case's title as its page on the sample platform says it."""
    page = (sample_platform_dir() / "kennis" / slug / "index.html").read_text(encoding="utf-8")
    match = re.search(r'<h1 class="entry-title">([^<]+)</h1>', page)
    assert match
    return match.group(1)


def csv_rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """The ``#`` header lines and the rows of an exported CSV."""
    lines = text.splitlines(keepends=True)
    header = [line.rstrip("\n") for line in lines if line.startswith("# ")]
    return header, list(csv.DictReader(io.StringIO("".join(lines[len(header):]), newline="")))


# --- exports ----------------------------------------------------------------------------------------------


def test_the_csv_export_cites_date_channel_duration_moment_link_case_and_company(demo: Settings) -> None:
    code, out = run(demo, "search", QUERY, "--format", "csv")
    assert code == 0, out
    header, rows = csv_rows(out)
    built = search(demo, QUERY)["index_built_at"]
    assert header[:4] == [f"# query: {QUERY}", '# filters: company:"Alfa Laval"',
                          f"# results: {len(rows)} (this export: {len(rows)}, from 1; sorted by relevance)",
                          f"# index built at: {built}"]
    assert out.splitlines()[4] == ",".join(CSV_COLUMNS)
    video = recorded_video(ALFA)
    (row,) = [r for r in rows if r["url"] == f"https://www.youtube.com/watch?v={ALFA}"]
    assert row["date"] == video["snippet"]["publishedAt"][:10]  # ISO, the day of publication
    assert row["channel"] == video["snippet"]["channelTitle"]
    assert row["duration"] == clock_time(parse_duration(video["contentDetails"]["duration"])) == "5:12"
    assert row["cases"] == case_title(SEED) and row["case_ids"] == SEED
    assert row["companies"] == "Alfa Laval"
    # Each moment as m:ss and a link into the video at that very second.
    moments = row["moments"].split("; ")
    assert moments, "the captions say the word"
    for moment in moments:
        clock, link = moment.split(" ")
        seconds = int(re.fullmatch(rf"https://www\.youtube\.com/watch\?v={ALFA}&t=(\d+)s", link).group(1))  # type: ignore[union-attr]
        assert clock == clock_time(seconds)


def test_a_row_found_by_a_passage_still_carries_its_videos_channel_and_duration(demo: Settings) -> None:
    _, rows = csv_rows(run(demo, "search", QUERY, "--format", "csv")[1])
    (row,) = [r for r in rows if MEETING in r["url"]]
    video = recorded_video(MEETING)
    assert row["kind"] == "passage" and row["channel"] == video["snippet"]["channelTitle"]
    assert row["duration"] == clock_time(parse_duration(video["contentDetails"]["duration"]))
    seconds = int(re.search(r"&t=(\d+)s$", row["link"]).group(1))  # type: ignore[union-attr]
    assert row["moment"] == clock_time(seconds) and row["link"] == row["url"]


def test_the_markdown_export_has_the_cited_columns_and_links_at_the_second(demo: Settings) -> None:
    code, out = run(demo, "search", QUERY, "--format", "md")
    assert code == 0 and out.startswith(f"- query: {QUERY}\n- filters: company:\"Alfa Laval\"\n")
    assert "- index built at: 20" in out
    assert "| # | kind | title | date | channel | moment | duration | cases | companies | snippet |" in out
    row = next(line for line in out.splitlines() if f"watch?v={MEETING}" in line)
    cells = [c.strip() for c in row.strip("|").split(" | ")]
    assert cells[3] == recorded_video(MEETING)["snippet"]["publishedAt"][:10]
    assert re.fullmatch(rf"\[▶ (\d+:\d\d)\]\(https://www\.youtube\.com/watch\?v={re.escape(MEETING)}&t=(\d+)s\)",
                        cells[5])
    assert cells[7] == case_title(SEED)


def test_the_json_export_is_the_search_with_cited_rows_from_the_cli_and_the_site(
        demo: Settings, client: TestClient) -> None:
    code, out = run(demo, "search", QUERY, "--format", "json", "--limit", "50")
    data = json.loads(out)
    assert data["query"] == QUERY and data["parsed"]["filters"] == ['company:"Alfa Laval"'] and data["index_built_at"]
    (row,) = [r for r in data["rows"] if r["url"] == f"https://www.youtube.com/watch?v={ALFA}"]
    assert {"date", "channel", "duration", "moment", "link", "cases", "companies"} <= set(row)
    assert row["cases"] == [case_title(SEED)] and row["channel"] == "Duurzaam meedoen Metalektro"
    assert all(m["link"].endswith(f"&t={m['start']}s") and m["moment"] == clock_time(m["start"])
               for m in row["moments"])
    site = client.get("/export", params={"q": QUERY, "format": "json"}).json()
    assert site["rows"] == data["rows"] and site["index_built_at"] == data["index_built_at"]


def test_the_sites_csv_export_has_the_same_rows_as_the_cli(demo: Settings, client: TestClient) -> None:
    site = client.get("/export", params={"q": QUERY, "format": "csv"})
    assert site.status_code == 200
    cli_rows = csv_rows(run(demo, "search", QUERY, "--format", "csv", "--limit", "500")[1])[1]
    same = ["title", "url", "date", "channel", "link", "cases", "companies", "snippet"]  # the site's CSV is Dutch
    assert [[r[DUTCH_COLUMNS[c]] for c in same] for r in dutch_csv(site.text)[1]] \
        == [[r[c] for c in same] for r in cli_rows]


# --- helpful dead ends ------------------------------------------------------------------------------------


def test_an_unknown_company_says_so_and_suggests_the_nearest_known_names(demo: Settings) -> None:
    result = search(demo, "company:Philips")
    assert result["total"] == 0
    (hint,) = result["hints"]
    assert hint["kind"] == "company" and hint["value"] == "Philips" and "Photonis" in hint["suggestions"]
    assert hint["text"].startswith("no company named Philips; did you mean: Photonis")
    # Each suggestion comes with the query that uses it, and that query finds something.
    assert search(demo, hint["queries"][hint["suggestions"].index("Photonis")])["total"] > 0
    code, out = run(demo, "search", "company:Philips")
    assert code == 0 and "no company named Philips; did you mean: Photonis" in out


def test_a_misspelled_word_gets_did_you_mean_from_the_index(demo: Settings) -> None:
    result = search(demo, "taakroulatei")
    assert result["total"] == 0
    (hint,) = result["hints"]
    assert (hint["kind"], hint["suggestions"], hint["queries"]) == ("word", ["taakroulatie"], ["taakroulatie"])
    code, out = run(demo, "search", "taakroulatei")
    assert "no word taakroulatei in the index; did you mean: taakroulatie?" in out


def test_a_search_with_results_has_no_hints_and_looks_nothing_up(demo: Settings,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    looked: list[str] = []
    monkeypatch.setattr(hints_module, "suggest_words", lambda *a, **k: looked.append("suggest") or [])
    monkeypatch.setattr(hints_module, "case_titles", lambda *a, **k: looked.append("titles") or {})
    for query in ("taakroulatie", "taakroulatie -company:Philips", QUERY):
        result = search(demo, query)
        assert result["total"] > 0 and result["hints"] == [], query
    assert looked == []


def test_a_known_filter_value_is_not_called_unknown_when_the_words_find_nothing(demo: Settings) -> None:
    result = search(demo, "company:Neways taakroulatei")
    assert result["total"] == 0 and [h["kind"] for h in result["hints"]] == ["word"]


def test_an_unknown_case_theme_and_sector_name_their_nearest(demo: Settings) -> None:
    for query, kind, near in [("case:duurzaam-meedoen", "case", SEED), ("theme:Werkdrukk", "theme", None),
                              ("sector:Bouww", "sector", "Bouw")]:
        (hint,) = search(demo, query)["hints"]
        assert hint["kind"] == kind and hint["suggestions"], query
        if near:
            assert near in hint["suggestions"], (query, hint)
        assert all(search(demo, q)["total"] > 0 for q in hint["queries"]), hint


def test_a_query_of_many_unknown_words_looks_up_a_bounded_number(demo: Settings,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real = hints_module.suggest_words
    monkeypatch.setattr(hints_module, "suggest_words", lambda d, w, n: asked.append(w) or real(d, w, n))
    words = " OR ".join(f"qqzz{n}" for n in range(40))
    result = search(demo, words)
    assert result["total"] == 0 and len(result["hints"]) == len(asked) == hints_module.MAX_WORDS


def test_the_search_page_says_it_in_dutch_with_links(client: TestClient) -> None:
    page = client.get("/", params={"q": "company:Philips taakroulatei"}).text
    assert "Er is geen bedrijf met de naam <q>Philips</q>" in page
    assert "Het woord <q>taakroulatei</q> komt niet voor in de index" in page
    assert page.count("Bedoelde u:") == 2
    assert 'href="/?q=company%3APhotonis+taakroulatei' in page
    assert 'href="/?q=company%3APhilips+taakroulatie' in page
    assert "Bedoelde u" not in client.get("/", params={"q": "taakroulatie"}).text
