"""One bad item never stops a run: a page the server fails, a channel link that names no channel and
a corrupt caption file are each listed with why and where, and everything else (a page nested
thousands deep too) is harvested and indexed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.case_parser import parse_case
from archive.harvest import SITE_CHANNELS_STATE, UNRESOLVED_STATE, harvest_youtube
from archive.runs import last_run
from archive.store import open_store
from index.cli import cli
from index.services.demo import sample_root
from index.services.library import taxonomy_for
from index.linking.sources import load_sources
from tests.fake_youtube import FakeYouTube
from tests.update_world import World, add_sentence, answers, world  # noqa: F401 (the fixture)

BROKEN = "kennis/generatiepact-bij-transportbedrijf-van-wijk"
DEEP = "kennis/teamleren-in-de-kinderopvang"
UNKNOWN_LINK = "kennis/zelfroosteren-in-het-ziekenhuis"
USER_LINK = "kennis/werkdrukvermindering-in-de-thuiszorg"
CORRUPT = "lHUvTCQCyEZ.nl.vtt"


def break_things(world: World) -> Path:
    """A page the server fails, a page nested thousands deep (which parses), an unknown /c/ channel,
    a /user/ link, a corrupt caption file."""
    world.server.fail(f"/{BROKEN}/", 500, times=2)  # both tries of the first run (retries = 1)
    page = world.platform / DEEP / "index.html"
    html = page.read_text(encoding="utf-8")
    at = html.index("</h2>", html.index("<article")) + len("</h2>")
    # Tags nested 5000 deep (unclosed <div>s or <font>s of generated pages nest like this).
    page.write_text(html[:at] + "<div>" * 5000 + "<p>diep genest</p>" + "</div>" * 5000 + html[at:],
                    encoding="utf-8")
    add_sentence(world, UNKNOWN_LINK.split("/")[1],
                 'Zie ook <a href="https://www.youtube.com/c/OnbekendKanaal/videos">ons kanaal</a>.')
    add_sentence(world, USER_LINK.split("/")[1],
                 'Alle video\'s: <a href="HTTP://M.YOUTUBE.COM/user/KennisbankSI?feature=watch">YouTube</a>.')
    world.youtube.channels["UCPtYgjmUhBel31iEl2hpChY"].username = "KennisbankSI"
    captions = world.root / "captions"
    shutil.copytree(sample_root() / "captions", captions)
    (captions / CORRUPT).write_bytes(b"\x00\x01 this is no WebVTT \xff")
    config = world.config.read_text(encoding="utf-8")
    world.config.write_text(config.replace(str(sample_root() / "captions"), str(captions)), encoding="utf-8")
    return captions


def test_a_clean_update_lists_each_bad_item_and_harvests_the_rest(world: World) -> None:
    break_things(world)
    report = world.update()
    assert report.exit_code == 1
    failures = report.to_dict()["failures"]
    broken_url, unknown_url = f"{world.server.url}/{BROKEN}/", f"{world.server.url}/{UNKNOWN_LINK}/"
    assert len(failures) == 3, failures
    site, youtube, transcripts = failures
    assert site.startswith(f"site: {broken_url}: ") and "HTTP 500" in site
    assert youtube.startswith("youtube: ") and "c/OnbekendKanaal" in youtube and unknown_url in youtube
    assert transcripts.startswith("transcripts: ") and CORRUPT in transcripts and "malformed" in transcripts
    steps = {s.name: s for s in report.steps}
    # Every listed failure is counted as failed, and nowhere else: 18 pages, one of them answering 500.
    for name in ("site", "notes", "youtube", "transcripts", "index"):
        listed = sum(f.startswith(f"{name}: ") for f in failures)
        assert steps[name].counts["failed"] == listed, (name, steps[name].counts)
    assert steps["site"].counts["new"] == 17 and steps["site"].counts["failed"] == 1
    assert steps["notes"].counts["new"] == 9 and steps["notes"].exit_code == 0
    # Both channels in full; the /user/ link resolved to one of them (forUsername, 1 unit); the
    # unknown /c/ name was asked as a handle, then as a user name (2 units), never searched for.
    assert steps["youtube"].counts["new"] == 17
    assert steps["youtube"].units == {"channels.list": 5, "playlistItems.list": 2, "videos.list": 2}
    assert {("channels.list", "forUsername", "KennisbankSI"), ("channels.list", "forHandle", "@OnbekendKanaal"),
            ("channels.list", "forUsername", "OnbekendKanaal")} <= _lookups(world.youtube)
    assert steps["transcripts"].counts["new"] == 4
    assert steps["index"].exit_code == 0 and steps["index"].counts["added"] > 50  # the broken page listed once
    assert all(answers(world).values())
    summary = json.loads(report.summary_path.read_text(encoding="utf-8"))  # type: ignore[union-attr]
    assert summary["exit_code"] == 1 and summary["failures"] == failures
    unresolved = summary["sources"]["youtube"]["detail"]["unresolved"]
    assert unresolved == [{"item": "c/OnbekendKanaal", "reason": "YouTube channel not found: c/OnbekendKanaal",
                           "sources": [unknown_url]}]
    # The case page that links the channel as /user/ links it for the index, as a handle would.
    sources = load_sources(world.settings, taxonomy_for(world.settings))
    user_case = next(c for c in sources.cases if c.url.endswith(f"/{USER_LINK}/"))
    assert "user/KennisbankSI" in user_case.channels
    assert sources.channel_of_case_link["user/kennisbanksi"] == "UCPtYgjmUhBel31iEl2hpChY"
    assert not any(c.url.endswith(f"/{BROKEN}/") for c in sources.cases)
    deep = next(c for c in sources.cases if c.url.endswith(f"/{DEEP}/"))
    assert "diep genest" in deep.text and deep.themes  # the labels after the deep part are read too


def test_report_lists_unresolved_channel_links_with_their_pages(world: World) -> None:
    break_things(world)
    done = world.cli("update")
    assert done.returncode == 1, done.stderr
    unknown_url, broken_url = f"{world.server.url}/{UNKNOWN_LINK}/", f"{world.server.url}/{BROKEN}/"
    # Each problem is printed once: a line of the run's summary (the library only logs it with -v).
    for item in (broken_url + ":", "c/OnbekendKanaal", CORRUPT):
        assert done.stderr.count(item) == 0, (item, done.stderr)
        assert sum(item in line for line in done.stdout.splitlines()) == 1, done.stdout
        assert sum(item in line for line in done.stdout.splitlines() if "failed:" in line) == 1, done.stdout
    # The step lines count them: one failed page, one failed channel link, one failed caption file.
    counted = {line.split()[0]: line for line in done.stdout.splitlines() if line.startswith("  ")}
    assert all(", 1 failed," in counted[name] for name in ("site", "youtube", "transcripts")), done.stdout
    table = world.cli("report")
    assert table.returncode == 0, table.stderr
    section = table.stdout.split("Channel links that name no channel", 1)[1]
    assert section.splitlines()[0].endswith(": 1")
    row = next(line for line in section.splitlines() if line.startswith("c/OnbekendKanaal"))
    assert "not found" in row and unknown_url in row
    data = json.loads(world.cli("report", "--format", "json").stdout)
    assert [(u["reference"], u["pages"]) for u in data["unresolved_channels"]] == [("c/OnbekendKanaal", [unknown_url])]
    # Once the page no longer links it, the next run forgets it.
    page = world.platform / UNKNOWN_LINK / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("/c/OnbekendKanaal/videos", "/@duurzaammeedoen"),
                    encoding="utf-8")
    world.update()
    assert json.loads(world.cli("report", "--format", "json").stdout)["unresolved_channels"] == []


def test_the_plain_list_of_an_older_archive_still_loads_and_a_bad_entry_is_a_failure(
        world: World) -> None:
    """The state an older version wrote (``user/NAME`` it could not read back) harvests, exit 1 not 2."""
    world.youtube.channels["UCPtYgjmUhBel31iEl2hpChY"].username = "KennisbankSI"
    with open_store(world.data_dir) as store:
        store.set_state(SITE_CHANNELS_STATE, ["user/KennisbankSI", "user/OnbekendeGebruiker", "not a channel!",
                                              "UC6XpRSGS236lYZmcCjkBE4g"])
    summary = harvest_youtube(world.settings, sleep=lambda seconds: None)
    assert summary.exit_code == 1
    assert sorted(c.channel for c in summary.channels) == ["UC6XpRSGS236lYZmcCjkBE4g", "UCPtYgjmUhBel31iEl2hpChY"]
    assert all(c.completed for c in summary.channels)
    assert [u["item"] for u in summary.unresolved] == ["user/OnbekendeGebruiker", "not a channel!"]
    assert len(summary.failures) == 2
    run = last_run(world.data_dir)
    assert run is not None and run["exit_code"] == 1 and len(run["unresolved"]) == 2
    with open_store(world.data_dir) as store:
        assert set(store.get_state(UNRESOLVED_STATE)) == {"user/OnbekendeGebruiker", "not a channel!"}


def test_a_channel_the_user_typed_is_still_a_usage_error(world: World) -> None:
    done = world.cli("harvest", "youtube", "--channel", "https://www.youtube.com/user/OnbekendeGebruiker")
    assert done.returncode == 2 and "not found" in done.stderr
    done = world.cli("harvest", "youtube", "--channel", "https://www.youtube.com/watch?v=lHUvTCQCyEZ")
    assert done.returncode == 2 and "not a YouTube channel" in done.stderr


def test_index_lists_an_archived_page_it_cannot_parse_and_exits_1(world: World,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    break_things(world)
    world.update()
    world.update()  # the server answers the failed page now: it is archived
    broken_url = f"{world.server.url}/{BROKEN}/"

    def parser_gives_up(html: object, url: str, *args: object, **kwargs: object) -> object:
        """No page the parser meets on the platform fails it any more (it is stand-in for the next bug)."""
        if url == broken_url:
            raise ValueError("the parser gave up")
        return parse_case(html, url, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("archive.site.parse_case", parser_gives_up)
    done = CliRunner().invoke(cli, ["index", "--rebuild"], env=world.env, catch_exceptions=False)
    assert done.exit_code == 1, done.stderr
    assert broken_url in done.stderr and "the parser gave up" in done.stderr
    run = last_run(world.data_dir)
    assert run is not None and run["command"] == "index" and run["exit_code"] == 1
    assert [f.split(": ", 1)[0] for f in run["failures"]] == [f"{world.server.url}/{BROKEN}/"]


def _lookups(fake: FakeYouTube) -> set[tuple[str, str, str]]:
    return {(method, key, value) for method, params in fake.requests for key, value in params.items()
            if key in ("forUsername", "forHandle")}
