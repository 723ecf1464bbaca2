"""Counts that add up and problems printed once: every listed failure is counted as failed; a page
gone from the platform is deactivated (not a failure) and takes its channel links and its case out
of the index; one channel linked in two letter cases is one reference."""

from __future__ import annotations

import json
import shutil

from archive.cases import harvest_site
from archive.harvest import SITE_CHANNELS_STATE
from archive.runs import last_run
from archive.store import open_store
from index.services.library import taxonomy_for
from index.linking.sources import load_sources
from tests.test_bad_items import BROKEN, CORRUPT, UNKNOWN_LINK, break_things
from tests.update_world import World, add_sentence, result_ids, world  # noqa: F401 (the fixture)

GONE_CHANNEL = "@BestaatNietMeer2023"
NOTE = "media/bijlagen/werkdruk-thuiszorg-rapport.pdf"


def _lookups(world: World, value: str) -> int:
    """How many channels.list lookups asked for ``value`` (any letter case)."""
    return sum(1 for _, params in world.youtube.requests for key, asked in params.items()
               if key in ("forHandle", "forUsername") and asked.lower() == value.lower())


def _case_urls(world: World) -> set[str]:
    return {case.url for case in load_sources(world.settings, taxonomy_for(world.settings)).cases}


def test_each_cli_harvest_prints_each_problem_once_and_counts_it_as_failed(world: World) -> None:
    break_things(world)
    (world.platform / NOTE).write_bytes(b"%PDF-1.4\n this is no PDF at all")
    broken_url = f"{world.server.url}/{BROKEN}/"
    site = world.cli("harvest", "site")
    assert site.returncode == 1, site.stderr
    for item in (broken_url + ":", NOTE + ":"):
        assert (site.stdout + site.stderr).count(item) == 1, (item, site.stdout, site.stderr)
    rows = {line.split()[0]: line.split()[1:] for line in site.stdout.splitlines() if line[:1].isalpha()}
    header = rows["items"]
    case, note = dict(zip(header, map(int, rows["case"]))), dict(zip(header, map(int, rows["attachment"])))
    assert case["failed"] == 1 and note["failed"] == 1, site.stdout
    run = last_run(world.data_dir)
    assert run is not None and len(run["failures"]) == 2
    assert run["counts"]["case"]["failed"] + run["counts"]["attachment"]["failed"] == len(run["failures"])
    youtube = world.cli("harvest", "youtube")
    assert youtube.returncode == 1, youtube.stderr
    assert (youtube.stdout + youtube.stderr).count("c/OnbekendKanaal") == 1, (youtube.stdout, youtube.stderr)
    transcripts = world.cli("harvest", "transcripts")
    assert transcripts.returncode == 1, transcripts.stderr
    assert (transcripts.stdout + transcripts.stderr).count(CORRUPT) == 1, (transcripts.stdout, transcripts.stderr)
    files = dict(zip(*[line.split() for line in transcripts.stdout.splitlines()[:3:2]]))
    assert files["failed"] == "1", transcripts.stdout


def test_the_update_counts_a_note_it_cannot_read_as_failed(world: World) -> None:
    (world.platform / NOTE).write_bytes(b"%PDF-1.4\n this is no PDF at all")
    report = world.update()
    notes = report.step("notes")
    assert notes is not None and len(notes.failures) == 1 and NOTE in notes.failures[0]
    assert notes.counts["failed"] == 1
    summary = json.loads(report.summary_path.read_text(encoding="utf-8"))  # type: ignore[union-attr]
    assert summary["sources"]["notes"]["counts"]["failed"] == len(summary["sources"]["notes"]["failures"]) == 1


def test_a_gone_page_is_deactivated_and_takes_its_channel_links_and_case_along(world: World) -> None:
    add_sentence(world, UNKNOWN_LINK.split("/")[1],
                 f'Ons kanaal: <a href="https://www.youtube.com/{GONE_CHANNEL}">YouTube</a>.')
    page_url = f"{world.server.url}/{UNKNOWN_LINK}/"
    first = world.update()
    assert first.exit_code == 1 and any(GONE_CHANNEL in f and page_url in f for f in first.to_dict()["failures"])
    assert _lookups(world, GONE_CHANNEL) == 1 and page_url in _case_urls(world)
    slug = UNKNOWN_LINK.split("/")[1]
    assert any(slug in hit for hit in result_ids(world, "zelfroosteren"))
    shutil.rmtree(world.platform / UNKNOWN_LINK)  # taken down: the server answers 404
    for _ in range(2):  # the run that finds it gone, and the next: neither is a failure
        report = world.update()
        assert report.exit_code == 0, report.to_dict()["failures"]
        site = report.step("site")
        assert site is not None and site.counts["deactivated"] == 1 and site.counts["failed"] == 0
    assert _lookups(world, GONE_CHANNEL) == 1  # not looked up again
    report_json = json.loads(world.cli("report", "--format", "json").stdout)
    assert report_json["unresolved_channels"] == []
    with open_store(world.data_dir) as store:
        assert not any(GONE_CHANNEL.lower() in text.lower() for text in store.get_state(SITE_CHANNELS_STATE))
    assert page_url not in _case_urls(world)  # out of the index…
    assert not any(slug in hit for hit in result_ids(world, "zelfroosteren"))
    shown = world.cli("show", slug)  # …but its archived versions stay
    assert shown.returncode == 0 and "HTTP 404" in shown.stdout, shown.stderr


def test_one_channel_linked_in_two_letter_cases_is_one_reference(world: World) -> None:
    first, second = "zelfroosteren-in-het-ziekenhuis", "werkdrukvermindering-in-de-thuiszorg"
    add_sentence(world, first, '<a href="https://www.youtube.com/user/WerkgeverTV">kanaal</a>')
    add_sentence(world, second, '<a href="http://youtube.com/user/werkgevertv/videos">kanaal</a>')
    world.youtube.channels["UCPtYgjmUhBel31iEl2hpChY"].username = "WerkgeverTV"
    before = harvest_site(world.settings, sleep=lambda seconds: None)
    with open_store(world.data_dir) as store:
        channels = store.get_state(SITE_CHANNELS_STATE)
    spellings = [text for text in channels if text.lower() == "user/werkgevertv"]
    urls = sorted(f"{world.server.url}/kennis/{slug}/" for slug in (first, second))
    assert len(spellings) == 1 and channels[spellings[0]] == urls
    # Stored as first seen: the pages are read in URL order.
    assert spellings[0] == ("user/WerkgeverTV" if urls[0].endswith(f"/{first}/") else "user/werkgevertv")
    assert len(before.channels) == len({text.lower() if not text.startswith("UC") else text
                                        for text in before.channels})
    report = world.update()
    assert report.exit_code == 0, report.to_dict()["failures"]
    assert _lookups(world, "WerkgeverTV") == 1
