"""The web's CSV and Markdown downloads speak Dutch and the CSV opens in Excel NL: UTF-8 with a BOM,
``;`` between cells, Dutch header lines, column names and kind words, the index's build time on the Dutch
clock, scores with a decimal comma and moments as h:mm:ss. Each download is compared with the search it
exports (``/api/search`` and the CLI's English export of the same query), not with written-down answers.
The CLI's exports stay English and comma-separated (tests/test_exports_hints.py)."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Any, Iterator
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_datetime
from click.testing import CliRunner
from fastapi.testclient import TestClient

from archive.config import Settings
from index.cli import cli
from index.services.export import COLUMNS, FORMULA_STARTS, rows, to_csv
from index.web import create_app
from index.web.downloads import COLUMNS as DUTCH_COLUMNS
from index.web.downloads import DUTCH
from index.web.dutch import KIND_LABELS
from tests.test_web import web_demo  # noqa: F401  (the demo's archive and index, built once)
from tests.test_web_status_ocr import SAMPLE_SCAN, scanned  # noqa: F401  (the demo with one note read from a scan)

BOM = "\ufeff"
QUERIES = ["taakroulatie", 'taakroulatie company:"Alfa Laval"', "kind:note", "ergonomie year:2013..2014"]


def dutch_csv(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """The ``#`` header lines and the rows (by Dutch column name) of the site's CSV, read as Excel NL reads it:
    the BOM taken off, ``;`` between cells."""
    assert text.startswith(BOM), "Excel reads a CSV as UTF-8 only after a BOM"
    table = list(csv.reader(io.StringIO(text.removeprefix(BOM), newline=""), delimiter=";"))
    header = [cells[0] for cells in table if len(cells) == 1 and cells[0].startswith("# ")]
    names, *body = table[len(header):]
    return header, [dict(zip(names, cells, strict=True)) for cells in body]


@pytest.fixture(scope="module")
def client(web_demo: Settings) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(web_demo)) as test_client:
        yield test_client


def english_rows(settings: Settings, query: str) -> list[dict[str, str]]:
    """The CLI's English CSV of the same search (its ``#`` lines skipped)."""
    result = CliRunner().invoke(cli, ["--data", str(settings.data_dir), "search", query, "--format", "csv",
                                      "--limit", "500"])
    assert result.exit_code == 0, result.output
    body = "".join(line for line in result.output.splitlines(keepends=True) if not line.startswith("# "))
    return list(csv.DictReader(io.StringIO(body, newline="")))


def dutch_time(iso: str) -> str:
    """A UTC time on the Dutch clock, as "5 december 2026 om 02:39" (Babel's Dutch data, not ours)."""
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(ZoneInfo("Europe/Amsterdam"))
    return f"{format_datetime(moment, 'd MMMM y', locale='nl_NL')} om {moment:%H:%M}"


def seconds(clock: str) -> int:
    """``m:ss`` or ``h:mm:ss`` in seconds."""
    total = 0
    for part in clock.split(":"):
        total = total * 60 + int(part)
    return total


@pytest.mark.parametrize("query", QUERIES)
def test_the_csv_is_for_excel_nl_with_dutch_words_and_the_searchs_rows(
        web_demo: Settings, client: TestClient, query: str) -> None:  # noqa: F811
    response = client.get("/export", params={"q": query, "format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf") and b"\r\n" in response.content
    header, table = dutch_csv(response.text)
    api = client.get("/export", params={"q": query, "format": "json"}).json()  # the same search, English keys
    filters = ", ".join(api["parsed"]["filters"]) or "geen"
    sort = "relevantie" if api["sort"] == "relevance" else "datum, nieuwste eerst"  # a filter alone sorts by date
    assert header[:4] == [f"# zoekvraag: {query}", f"# filters: {filters}",
                          f"# resultaten: {api['total']} (in deze export: {len(api['results'])}, vanaf 1; "
                          f"gesorteerd op {sort})",
                          f"# index gebouwd op {dutch_time(api['index_built_at'])}"]
    names = response.text.removeprefix(BOM).splitlines()[4].split(";")
    assert names == [DUTCH_COLUMNS[c] for c in COLUMNS] and {"datum", "kanaal", "duur", "moment", "link", "casussen",
                                                            "bedrijven", "soort", "titel", "fragment"} <= set(names)
    assert [r["adres"] for r in table] == [r["url"] for r in api["results"]] and table
    english = english_rows(web_demo, query)
    for dutch, result, eng in zip(table, api["results"], english, strict=True):
        assert dutch["soort"] == KIND_LABELS[result["kind"]] and dutch["soort"] in {"video", "casus", "notitie",
                                                                                  "fragment"}
        assert dutch["titel"] == result["title"] == eng["title"] and dutch["datum"] == (result.get("date") or "")
        assert re.fullmatch(r"(\d{4}(-\d\d-\d\d)?)?", dutch["datum"])  # ISO (or a year): sortable as text
        for name in ("channel", "link", "cases", "companies", "themes", "year", "snippet", "case_ids", "embed"):
            assert dutch[DUTCH_COLUMNS[name]] == eng[name], name
        # Excel NL reads a decimal comma; a time span as h:mm:ss (it reads "5:12" as five hours).
        assert float(dutch["relevantie"].replace(",", ".")) == pytest.approx(result["score"], rel=1e-4)
        assert "." not in dutch["relevantie"]
        for name in ("duration", "moment"):
            cell = dutch[DUTCH_COLUMNS[name]]
            assert (cell == "") == (eng[name] == "")
            assert not cell or (re.fullmatch(r"\d+:\d\d:\d\d", cell) and seconds(cell) == seconds(eng[name]))
        assert dutch["ocr"] in ("", "ja")


def test_the_markdown_is_dutch_with_the_index_time_on_the_dutch_clock(client: TestClient) -> None:
    query = 'taakroulatie company:"Alfa Laval"'
    text = client.get("/export", params={"q": query, "format": "md"}).text
    api = client.get("/export", params={"q": query, "format": "json"}).json()  # the same search, English keys
    lines = text.splitlines()
    assert lines[:4] == [f"- zoekvraag: {query}", '- filters: company:"Alfa Laval"',
                         f"- resultaten: {api['total']} (in deze export: {api['total']}, vanaf 1; "
                         "gesorteerd op relevantie)", f"- index gebouwd op {dutch_time(api['index_built_at'])}"]
    assert "| # | soort | titel | datum | kanaal | moment | duur | casussen | bedrijven | fragment |" in lines
    table = [line for line in lines if line.startswith("| ") and "](" in line]
    assert len(table) == len(api["results"])
    for line, result in zip(table, api["results"]):
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        assert cells[1] == KIND_LABELS[result["kind"]] and cells[3] == (result.get("date") or "")
        assert "[open](" not in cells[5] and ("[▶ " in cells[5] or "[openen](" in cells[5])


def test_a_date_sorted_export_says_so_and_an_empty_one_says_what_was_maybe_meant(client: TestClient) -> None:
    header, table = dutch_csv(client.get("/export", params={"q": "taakroulatie", "sort": "date"}).text)
    assert "gesorteerd op datum, nieuwste eerst)" in header[2]
    dates = [r["datum"] for r in table if r["datum"]]
    assert dates == sorted(dates, reverse=True)  # ISO dates sort as text
    header, table = dutch_csv(client.get("/export", params={"q": "company:Philips"}).text)
    assert not table and header[2].startswith("# resultaten: 0 (in deze export: 0, vanaf 0;")
    assert header[4].startswith("# tip: er is geen bedrijf met de naam „Philips”; bedoelde u: ")
    markdown = client.get("/export", params={"q": "taakroulatei", "format": "md"}).text
    assert "- tip: het woord „taakroulatei” komt niet voor in de index; bedoelde u: taakroulatie" in markdown


def test_a_page_read_by_ocr_says_so_in_dutch_in_both_downloads(scanned: tuple[Settings, str]) -> None:  # noqa: F811
    """The scanned note's rows: ``ocr`` is ``ja`` in the CSV, and Markdown says it as the search page does."""
    settings, url = scanned
    with TestClient(create_app(settings)) as client:
        table = dutch_csv(client.get("/export", params={"q": "kind:note", "format": "csv"}).text)[1]
        markdown = client.get("/export", params={"q": "kind:note", "format": "md"}).text.splitlines()
    assert {row["ocr"] for row in table if row["adres"].startswith(url)} == {"ja"}
    others = [row for row in table if not row["adres"].startswith(url) and SAMPLE_SCAN not in row["adres"]]
    assert others and {row["ocr"] for row in others} == {""}
    marked = [line for line in markdown if "| notitie (tekst uit scan, OCR) |" in line]
    assert any(url in line for line in marked) and all(url in line or SAMPLE_SCAN in line for line in marked)
    assert len(marked) == sum(row["ocr"] == "ja" for row in table)


def test_the_json_export_keeps_its_english_keys(client: TestClient) -> None:
    site = client.get("/export", params={"q": "taakroulatie", "format": "json"}).json()
    assert not site["index_built_at"].startswith(BOM) and {"query", "results", "rows", "total"} <= set(site)
    assert {"date", "channel", "duration", "moment", "link", "cases", "companies", "kind"} <= set(site["rows"][0])


def hostile(cell: str) -> dict[str, Any]:
    """A search with one result whose title and snippet are ``cell`` (a harvested page can say anything)."""
    return {"query": cell, "total": 1, "results": [{"kind": "case", "title": cell, "url": "https://k.nl/x",
                                                    "snippet": cell, "score": 1.5, "case_ids": []}]}


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x.example";"klik")', "+1;2", "-2+3", "@SUM(A1)",
                                  "\tvoor", 'een "citaat"; en meer\r\nregels', "één «taak»"])
def test_cells_with_separators_quotes_or_formula_starts_stay_one_harmless_cell(cell: str) -> None:
    header, table = dutch_csv(to_csv({**hostile(cell), "rows": rows(hostile(cell))}, DUTCH))
    (row,) = table
    expected = ("'" if cell.startswith(FORMULA_STARTS) else "") + cell.replace("\r\n", "\n")
    assert row["titel"] == row["fragment"] == expected and row["relevantie"] == "1,5"
    assert header[0] == "# zoekvraag: " + " ".join(cell.splitlines())
