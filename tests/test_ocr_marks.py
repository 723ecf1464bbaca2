"""A note page read from a scan by OCR says so in every export (CSV column ``ocr``, JSON key ``ocr``, a
marker in Markdown and the terminal), and the case page marks it from the note as the index build
read it, without a search of its own.

The demo is rebuilt with its first note's pages marked as OCR text (the ``scanned`` fixture of
test_web_status_ocr: the note reader gives them as archive.notes gives a scan Tesseract read)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from archive.config import Settings
from index.cli import cli
from index.services import library
from index.services.export import COLUMNS
from index.web import create_app
from tests.test_export_nl import dutch_csv
from tests.test_web import web_demo  # noqa: F401  (a fixture the scanned one uses)
from tests.test_web_status_ocr import SAMPLE_SCAN, scanned  # noqa: F401  (the demo with one note read from a scan)

QUERY = "kind:note"


def cli_search(settings: Settings, fmt: str) -> str:
    """``casearchive search kind:note --format FMT`` on the scanned demo."""
    result = CliRunner().invoke(cli, ["--data", str(settings.data_dir), "search", QUERY, "--limit", "100",
                                      "--format", fmt])
    assert result.exit_code == 0, result.output
    return result.output


def csv_rows(text: str) -> list[dict[str, str]]:
    """The rows of an exported CSV (after its ``#`` header lines)."""
    body = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("# "))
    return list(csv.DictReader(io.StringIO(body, newline="")))


def scanned_url(row: dict[str, Any]) -> str:
    """The note a row's page belongs to."""
    return str(row["url"]).split("#")[0]


def test_the_csv_export_adds_an_ocr_column_after_the_citable_ones(scanned: tuple[Settings, str]) -> None:  # noqa: F811
    settings, url = scanned
    text = cli_search(settings, "csv")
    header = next(line for line in text.splitlines() if not line.startswith("# "))
    assert header.split(",") == COLUMNS and COLUMNS[-1] == "ocr"
    assert COLUMNS.index("ocr") > COLUMNS.index("embed")  # added after the columns citers already read
    rows = csv_rows(text)
    assert {row["ocr"] for row in rows if scanned_url(row) == url} == {"yes"}
    others = [row for row in rows if scanned_url(row) != url and SAMPLE_SCAN not in row["url"]]
    assert others and {row["ocr"] for row in others} == {""}


def test_the_json_export_says_ocr_per_row_from_the_cli_and_the_site(scanned: tuple[Settings, str]) -> None:  # noqa: F811
    settings, url = scanned
    data = json.loads(cli_search(settings, "json"))
    marks = {scanned_url(row): row["ocr"] for row in data["rows"]}
    assert marks[url] is True and [u for u, ocr in marks.items() if ocr and SAMPLE_SCAN not in u] == [url]
    with TestClient(create_app(settings)) as client:
        site = client.get("/export", params={"q": QUERY, "format": "json"}).json()
        site_csv = dutch_csv(client.get("/export", params={"q": QUERY, "format": "csv"}).text)[1]
    assert {scanned_url(row): row["ocr"] for row in site["rows"]} == marks
    assert {scanned_url({"url": row["adres"]}): row["ocr"] == "ja" for row in site_csv} == marks


def test_markdown_and_the_terminal_mark_the_ocr_rows_visibly(scanned: tuple[Settings, str]) -> None:  # noqa: F811
    settings, url = scanned
    table = [line for line in cli_search(settings, "md").splitlines() if line.startswith("| ") and "note" in line]
    marked = [line for line in table if "note (OCR text)" in line]
    assert any(url in line for line in marked) and all(url in line or SAMPLE_SCAN in line for line in marked)
    assert all(url not in line for line in table if line not in marked)
    text = cli_search(settings, "table")
    blocks = text.split("\n\n")
    assert any(url in block for block in blocks if "[OCR text]" in block) and \
        all(url in block or SAMPLE_SCAN in block for block in blocks if "[OCR text]" in block)
    assert all("[OCR text]" in block for block in blocks if f"{url}#page=" in block)


def test_the_case_page_marks_scanned_pages_without_running_a_search(scanned: tuple[Settings, str],  # noqa: F811
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    settings, url = scanned
    with TestClient(create_app(settings)) as client:
        found = client.get("/api/search", params={"q": QUERY, "limit": 50}).json()["results"]
        slug = next(r["case_ids"][0] for r in found if r["url"].startswith(url + "#") and r["case_ids"])
        searches: list[str] = []
        # Every search of the services goes through the engine's run_search (library imports it).
        real = library.run_search

        def spy(data_dir: Any, text: str, *args: Any, **kwargs: Any) -> Any:
            searches.append(text)
            return real(data_dir, text, *args, **kwargs)

        monkeypatch.setattr(library, "run_search", spy)
        assert client.get("/api/search", params={"q": QUERY}).status_code == 200 and searches == [QUERY]  # it counts
        searches.clear()
        page = client.get(f"/casus/{slug}").text
        notes = client.get(f"/api/cases/{slug}").json()["case"]["notes"]
    assert searches == []
    [scan] = [note for note in notes if note["url"] == url]
    assert scan["ocr"] is True and scan["ocr_pages"] == list(range(1, scan["pages"] + 1))
    [block] = [b for b in page.split('<div class="note">')[1:] if "tekst uit scan (OCR)" in b]
    assert url in block
