"""The platform commands end to end: harvest site, harvest notes and show, with their exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner, Result

from archive.ocr import engine as ocr_engine
from archive.sample_server import SamplePlatformServer
from index.cli import cli
from tests.site_fixtures import SEED_ID, platform_copy  # noqa: F401  (fixture)


@pytest.fixture
def fast_server(platform_copy: Path) -> Iterator[SamplePlatformServer]:
    """The sample platform with a zero Crawl-delay, so the real (unmocked) CLI runs fast."""
    robots = platform_copy / "robots.txt"
    robots.write_text(robots.read_text().replace("Crawl-delay: 2", "Crawl-delay: 0"))
    with SamplePlatformServer(platform_copy) as running:
        yield running


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "casearchive.toml"
    path.write_text('data = "data"\n[site]\ndelay = 0.0\nretries = 1\n', encoding="utf-8")
    return path


def run(config: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), *args])


def harvest(config: Path, server: SamplePlatformServer, *extra: str) -> Result:
    return run(config, "harvest", "site", "--start", f"{server.url}/kennis/",
               "--start", f"{server.url}/nl/kennis/kennisbank/", *extra)


def test_harvest_site_prints_the_summary_and_exits_1_when_items_failed(
        config: Path, fast_server: SamplePlatformServer) -> None:
    result = harvest(config, fast_server)
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["items", "new", "changed", "unchanged", "failed", "gone", "skipped"]
    assert lines[2].split() == ["listing", "4", "0", "0", "0", "0", "0"]
    assert lines[3].split() == ["case", "13", "0", "0", "1", "0", "1"]
    # The 2 notes that cannot be read (encrypted, corrupt) count as failed attachments (9 fetched: 7 new,
    # 2 failed); the scan is read by OCR, or without Tesseract not read, a warning (not a failed item).
    assert lines[4].split() == ["attachment", "7", "0", "0", "2", "0", "0"]
    assert ("Notes: 7 read, 2 failed." if ocr_engine() else "Notes: 6 read, 3 failed.") in result.stdout
    assert "Channels linked from case pages: @kennisbanksocialeinnovatie, UC6XpRSGS236lYZmcCjkBE4g" in result.stdout
    assert f"failed: {fast_server.url}/kennis/vitaliteitsprogramma-bij-bakkerij-de-korenschoof/: HTTP 404" \
        in result.stderr
    assert result.stderr.count("encrypted PDF: a password is needed to read it") == 1  # printed once
    assert "missing Thema's, Sector, Bron" in result.stderr
    runs = list((config.parent / "data" / "runs").glob("*-harvest-site.json"))
    assert json.loads(runs[0].read_text())["exit_code"] == 1


def test_harvest_site_exits_0_when_every_item_worked(config: Path, fast_server: SamplePlatformServer) -> None:
    result = run(config, "harvest", "site", "--start", f"{fast_server.url}/nl/kennis/kennisbank/",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["counts"] == {"listing": {"new": 1}, "case": {"new": 1}, "attachment": {"new": 1}}
    assert summary["notes"] == {"read": 1, "failed": 0} and summary["failures"] == []


def test_a_bad_start_url_is_a_usage_error_exit_2(config: Path) -> None:
    result = run(config, "harvest", "site", "--start", "www.example.org/kennis/")
    assert result.exit_code == 2
    assert "Error: not a start URL: 'www.example.org/kennis/'" in result.stderr


def test_no_start_urls_anywhere_is_a_configuration_error_exit_2(config: Path) -> None:
    result = run(config, "harvest", "site")
    assert result.exit_code == 2
    assert "no start URLs" in result.stderr


def test_harvest_notes_rereads_the_notes_and_exits_1_for_the_unreadable_ones(
        config: Path, fast_server: SamplePlatformServer) -> None:
    harvest(config, fast_server)
    result = run(config, "harvest", "notes")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[2].split() == ["attachment", "0", "0", "7", "2", "0", "0"]
    assert ("Notes: 7 read, 2 failed." if ocr_engine() else "Notes: 6 read, 3 failed.") in result.stdout
    assert "encrypted PDF" in result.stderr and "corrupt PDF" in result.stderr


def test_show_prints_the_parsed_case_as_json(config: Path, fast_server: SamplePlatformServer) -> None:
    harvest(config, fast_server)
    result = run(config, "show", SEED_ID, "--format", "json")
    assert result.exit_code == 0, result.output
    case = json.loads(result.stdout)
    assert case["kind"] == "case" and case["id"] == SEED_ID and case["year"] == 2013
    assert case["companies"] == ["Neways", "Alfa Laval", "Photonis", "Burgerhout", "BSB Staalbouw"]
    assert case["themes"] == ["Duurzame inzetbaarheid", "Talentontwikkeling"]
    assert case["youtube"][0]["id"] == "UC6XpRSGS236lYZmcCjkBE4g"
    assert case["notes"][0]["status"] == "ok" and case["notes"][0]["pages"] == 3
    assert case["archive"]["versions"] == 1


def test_show_prints_a_table_and_the_body_for_people(config: Path, fast_server: SamplePlatformServer) -> None:
    harvest(config, fast_server)
    result = run(config, "show", "kwaliteitskringen-bij-garage-smit")
    assert result.exit_code == 0
    assert "companies      Garage Smit" in result.stdout
    assert "Monteurs van Garage Smit in Zutphen" in result.stdout
    assert "warning: missing Thema's, Sector, Bron" in result.stderr


def test_show_of_an_unknown_case_exits_2(config: Path, fast_server: SamplePlatformServer) -> None:
    harvest(config, fast_server)
    result = run(config, "show", "bestaat-niet")
    assert result.exit_code == 2
    assert "Error: no archived case with id 'bestaat-niet'" in result.stderr
    # The archive has cases: not "harvest first", but how to list them, or the nearest slugs.
    assert "harvest site" not in result.stderr and "13 cases are archived (list them: casearchive search kind:case)" \
        in result.stderr
    for wanted, near in [("oostwold", "minder-gezondheidsklachten-door-ergonomie-bij-vloerenfabriek-oostwold"),
                         ("Bouwbedrijf Hendriks", "leren-op-de-werkvloer-bij-bouwbedrijf-hendriks"),
                         ("teamleren-in-de-kinderopfang", "teamleren-in-de-kinderopvang")]:
        result = run(config, "show", wanted)
        assert result.exit_code == 2 and f"; did you mean: {near}?" in result.stderr, result.stderr
    empty = run(config, "--data", str(config.parent / "leeg"), "show", SEED_ID)
    assert empty.exit_code == 2 and "harvest site` first" in empty.stderr
