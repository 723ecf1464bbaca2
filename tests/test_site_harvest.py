"""Harvest the sample platform for real over local HTTP, and check what the archive holds."""

from __future__ import annotations

from pathlib import Path

import pytest

import archive.cases
from archive.cases import describe_case, harvest_notes, harvest_site, iter_cases, iter_notes
from archive.errors import ConfigError, InputError, NotFoundError
from archive.harvest import channel_targets, read_site_channels
from archive.ocr import engine as ocr_engine
from archive.sample_server import SamplePlatformServer
from archive.site import NS_ATTACHMENT, NS_PAGE, STATE_GONE
from archive.store import open_store
from tests.site_fixtures import (  # noqa: F401  (fixtures)
    OLD_PATH, SEED_ID, FakeClock, copy_server, platform_copy, server, site_settings,
)

CONCEPT = "/kennis/concept-werkgeluk-in-de-zorg/"
DEAD = "/kennis/vitaliteitsprogramma-bij-bakkerij-de-korenschoof/"


def harvest(tmp_path: Path, server: SamplePlatformServer, clock: FakeClock | None = None, **kwargs: object):
    clock = clock or FakeClock()
    return harvest_site(site_settings(tmp_path / "data", server), sleep=clock.sleep, clock=clock, **kwargs)


def test_harvest_archives_every_case_and_note_and_parses_the_seed_case(
        tmp_path: Path, server: SamplePlatformServer) -> None:
    summary = harvest(tmp_path, server)
    assert {kind: dict(c) for kind, c in summary.counts.items()} == {
        "listing": {"new": 4}, "case": {"new": 13, "failed": 1, "skipped": 1}, "attachment": {"new": 7, "failed": 2}}
    # An encrypted and a corrupt PDF count as failed; the scan is read by OCR, or (no Tesseract here) not
    # read, but then a warning (tested in test_demo.py), not a failed item.
    assert (summary.notes_read, summary.notes_failed) == ((7, 2) if ocr_engine() else (6, 3))
    assert summary.exit_code == 1
    with open_store(tmp_path / "data") as store:
        cases = {case.id: case for _, case in iter_cases(store)}
        seed = cases[SEED_ID]
        assert seed.companies == ("Neways", "Alfa Laval", "Photonis", "Burgerhout", "BSB Staalbouw")
        assert seed.themes == ("Duurzame inzetbaarheid", "Talentontwikkeling")
        assert seed.sectors == ("Metalektro (HTSM)",) and seed.sources == ("cases", "multimedia")
        assert seed.channels == ("UC6XpRSGS236lYZmcCjkBE4g",) and seed.year == 2013
        assert [a.url for a in seed.attachments] == [
            server.url + "/media/bijlagen/2013/11/notitie-duurzaam-meedoen-metalektro.pdf"]
        assert len(cases) == 13 and "werkoverleg-nieuwe-stijl-bij-installatiebedrijf-de-groot" in cases
        notes = {version.key.rsplit("/", 1)[1]: note for version, note in iter_notes(store)}
        assert notes["notitie-duurzaam-meedoen-metalektro.pdf"].status == "ok"
        assert len(notes["notitie-duurzaam-meedoen-metalektro.pdf"].pages) == 3
        raw = store.latest(NS_PAGE, server.url + f"/kennis/{SEED_ID}/")
        assert raw.content_type == "text/html" and raw.meta["kind"] == "case" and raw.meta["etag"]


def test_every_failure_is_a_warning_with_its_reason_and_loses_nothing_else(
        tmp_path: Path, server: SamplePlatformServer) -> None:
    summary = harvest(tmp_path, server)
    failures = sorted(f.replace(server.url, "") for f in summary.failures)
    assert failures == [
        DEAD + ": HTTP 404: dead link (linked from /kennis/page/3/)",
        "/media/bijlagen/evaluatie-noordhaven.pdf: note not read: corrupt PDF: PdfStreamError: "
        "Stream has ended unexpectedly (linked from /kennis/slimmer-werken-in-het-distributiecentrum/)",
        "/media/bijlagen/teamleren-speelkwartier.pdf: note not read: encrypted PDF: a password is needed to read it "
        "(linked from /kennis/teamleren-in-de-kinderopvang/)",
    ]
    # The scanned note is read by OCR; without Tesseract it is not, and that is a warning: the note is fine.
    no_ocr = [] if ocr_engine() else [
        "/media/bijlagen/ergonomie-oostwold-scan.pdf: note not read: no text layer in 1 page(s) (a scan?); "
        "install tesseract-ocr and tesseract-ocr-nld to read it "
        "(linked from /kennis/minder-gezondheidsklachten-door-ergonomie-bij-vloerenfabriek-oostwold/)"]
    assert sorted(w.replace(server.url, "") for w in summary.warnings) == sorted([
        "/kennis/kwaliteitskringen-bij-garage-smit/: missing Thema's, Sector, Bron",
        "/kennis/kwaliteitskringen-bij-garage-smit/: mentions an attachment but links none", *no_ocr])
    with open_store(tmp_path / "data") as store:
        # The broken page and the unreadable notes are archived raw all the same.
        assert store.latest(NS_PAGE, server.url + "/kennis/kwaliteitskringen-bij-garage-smit/") is not None
        assert store.count(NS_ATTACHMENT) == 9
        assert store.last_fetch(NS_PAGE, server.url + DEAD)["outcome"] == "gone"


def test_a_page_disallowed_by_robots_txt_is_never_requested(tmp_path: Path, server: SamplePlatformServer) -> None:
    summary = harvest(tmp_path, server)
    assert server.count(CONCEPT) == 0
    assert summary.robots_skipped == [server.url + CONCEPT]
    assert server.count("/robots.txt") == 1


def test_crawl_delay_from_robots_txt_spaces_every_request(tmp_path: Path, server: SamplePlatformServer) -> None:
    clock = FakeClock()
    harvest(tmp_path, server, clock)
    # The clock moves only when the crawler sleeps: each request after robots.txt waited 2 s.
    assert clock.sleeps == [2.0] * (len(server.requests) - 1)


def test_a_500_that_recovers_is_retried_after_retry_after_and_archived(
        tmp_path: Path, server: SamplePlatformServer) -> None:
    path = "/kennis/taakroulatie-bij-kuipers-verpakkingen/"
    server.fail(path, 500, times=1, headers={"Retry-After": "5"})
    clock = FakeClock()
    summary = harvest(tmp_path, server, clock)
    assert server.count(path) == 2
    assert 5.0 in clock.sleeps
    assert not any(path in f for f in summary.failures)
    assert summary.counts["case"]["new"] == 13


def test_second_run_against_an_unchanged_site_makes_only_conditional_requests(
        tmp_path: Path, server: SamplePlatformServer) -> None:
    harvest(tmp_path, server)
    with open_store(tmp_path / "data") as store:
        before = store.max_seq()
    first_run = len(server.requests)
    summary = harvest(tmp_path, server)
    again = server.requests[first_run:]
    assert len(again) == first_run
    # Everything archived is asked for conditionally; only the dead link has nothing to condition on.
    assert [path for path, headers in again if "If-None-Match" not in headers] == [DEAD]
    assert all("If-Modified-Since" in headers for path, headers in again if path != DEAD)
    assert {kind: dict(c) for kind, c in summary.counts.items()} == {
        "listing": {"unchanged": 4}, "case": {"unchanged": 13, "failed": 1, "skipped": 1},
        "attachment": {"unchanged": 7, "failed": 2}}
    with open_store(tmp_path / "data") as store:
        assert store.max_seq() == before


def test_a_changed_page_gets_a_new_version_and_the_old_one_is_kept(
        tmp_path: Path, platform_copy: Path, copy_server: SamplePlatformServer) -> None:
    harvest(tmp_path, copy_server)
    page = platform_copy / "kennis" / SEED_ID / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Talentontwikkeling</a></p>",
                                                             "Talentontwikkeling</a>, <a>Vakmanschap</a></p>"),
                    encoding="utf-8")
    summary = harvest(tmp_path, copy_server)
    assert summary.counts["case"]["changed"] == 1 and summary.counts["case"]["unchanged"] == 12
    with open_store(tmp_path / "data") as store:
        history = store.history(NS_PAGE, copy_server.url + f"/kennis/{SEED_ID}/")
        assert [v.version for v in history] == [1, 2]
        assert b"Vakmanschap" not in store.read(history[0]) and b"Vakmanschap" in store.read(history[1])
        seed = next(case for _, case in iter_cases(store) if case.id == SEED_ID)
        assert seed.themes == ("Duurzame inzetbaarheid", "Talentontwikkeling", "Vakmanschap")


def test_a_case_page_that_disappears_is_recorded_as_gone_and_its_versions_stay(
        tmp_path: Path, platform_copy: Path, copy_server: SamplePlatformServer) -> None:
    harvest(tmp_path, copy_server)
    (platform_copy / "kennis" / SEED_ID / "index.html").unlink()
    summary = harvest(tmp_path, copy_server)
    url = copy_server.url + f"/kennis/{SEED_ID}/"
    # Gone, not failed: the nightly job must not exit 1 for a page taken down.
    assert not any(f.startswith(url) for f in summary.failures)
    assert [w for w in summary.warnings if w.startswith(url)] == [
        f"{url}: HTTP 404: gone from the platform (its archived versions are kept; it leaves the index)"]
    assert summary.counts["case"]["gone"] == 1
    assert summary.counts["case"]["failed"] == sum(f.startswith(copy_server.url + DEAD) for f in summary.failures) == 1
    with open_store(tmp_path / "data") as store:
        assert store.get_state(STATE_GONE)[url]["status"] == 404
        assert len(store.history(NS_PAGE, url)) == 1
    described = describe_case(site_settings(tmp_path / "data", copy_server), SEED_ID)
    assert described["archive"]["gone"]["status"] == 404


def test_channels_linked_from_case_pages_are_handed_to_the_youtube_harvest(
        tmp_path: Path, server: SamplePlatformServer) -> None:
    summary = harvest(tmp_path, server)
    assert summary.channels == ["@kennisbanksocialeinnovatie", "UC6XpRSGS236lYZmcCjkBE4g"]
    settings = site_settings(tmp_path / "data", server)
    with open_store(tmp_path / "data") as store:
        discovered = read_site_channels(store)
    assert list(discovered) == summary.channels
    assert all(pages and all(page.startswith(server.url) for page in pages) for pages in discovered.values())
    assert [str(ref) for ref in channel_targets(settings, [], discovered).refs] == summary.channels


def test_harvest_notes_refetches_conditionally_and_reads_the_notes(
        tmp_path: Path, server: SamplePlatformServer) -> None:
    harvest(tmp_path, server)
    before = len(server.requests)
    clock = FakeClock()
    summary = harvest_notes(site_settings(tmp_path / "data", server), sleep=clock.sleep, clock=clock)
    paths = [path for path, _ in server.requests[before:]]
    assert paths[0] == "/robots.txt" and all(p.startswith("/media/bijlagen/") for p in paths[1:])
    assert summary.counts == {"attachment": {"unchanged": 7, "failed": 2}}  # an encrypted and a corrupt PDF
    assert (summary.notes_read, summary.notes_failed) == ((7, 2) if ocr_engine() else (6, 3))
    assert summary.exit_code == 1


def test_old_layout_case_is_found_by_its_slug_or_its_numeric_id(tmp_path: Path, server: SamplePlatformServer) -> None:
    harvest(tmp_path, server)
    settings = site_settings(tmp_path / "data", server)
    by_slug = describe_case(settings, "werkoverleg-nieuwe-stijl-bij-installatiebedrijf-de-groot")
    assert describe_case(settings, "1187") == by_slug
    assert by_slug["url"] == server.url + OLD_PATH
    assert by_slug["notes"] == [{"url": server.url + "/media/bijlagen/werkoverleg-de-groot.pdf",
                                 "text": "Werkoverleg De Groot (pdf)", "type": "pdf", "archived": True,
                                 "status": "ok", "reason": None, "pages": 1, "ocr_pages": []}]
    with pytest.raises(NotFoundError):
        describe_case(settings, "bestaat-niet")


def test_start_urls_are_checked_before_anything_is_fetched(tmp_path: Path, server: SamplePlatformServer) -> None:
    with pytest.raises(InputError, match="not a start URL"):
        harvest(tmp_path, server, start_urls=["kennis/"])
    settings = site_settings(tmp_path / "data", server)
    with pytest.raises(ConfigError, match="no start URLs"):
        harvest_site(settings.__class__(data_dir=tmp_path / "data"))
    assert server.requests == []


def test_archived_pages_a_crawl_does_not_reach_give_their_channels_from_the_parse_cache(
        tmp_path: Path, server: SamplePlatformServer, monkeypatch: pytest.MonkeyPatch) -> None:
    first = harvest(tmp_path, server)
    parsed: list[str] = []
    real = archive.cases.parse_case_safely

    def counting(body: bytes, url: str, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        parsed.append(url)
        return real(body, url, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(archive.cases, "parse_case_safely", counting)
    # A crawl of the new layout alone: the old layout's archived pages still link their channels.
    new_layout = [f"{server.url}/kennis/"]
    second = harvest(tmp_path, server, start_urls=new_layout)
    assert second.channels == first.channels
    assert parsed == []  # read from the parse cache the first crawl's channel list filled
    # Without the cache those pages are parsed again, and give the same channels.
    (tmp_path / "data" / "cache" / "parse.sqlite").unlink()
    third = harvest(tmp_path, server, start_urls=new_layout)
    assert third.channels == first.channels
    assert parsed and all(OLD_PATH in url for url in parsed)
