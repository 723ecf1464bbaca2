"""The network failing in the middle of a harvest: what was fetched is kept, failures are listed
(exit 1), and the next run completes."""

from __future__ import annotations

from archive.site import NS_ATTACHMENT, NS_PAGE
from archive.store import open_store
from archive.youtube import NS_VIDEO
from tests.update_world import World, world  # noqa: F401 (the fixture)

CLOSED = "/kennis/generatiepact-bij-transportbedrijf-van-wijk/"
FAILING = "/kennis/teamleren-in-de-kinderopvang/"
HANGING = "/kennis/zelfroosteren-in-het-ziekenhuis/"
NOTE = "/media/bijlagen/werkdruk-thuiszorg-rapport.pdf"


def test_platform_failures_mid_crawl_are_kept_listed_and_recovered(world: World) -> None:
    server = world.server
    server.fault(CLOSED, "close", 2)  # the connection is closed without an answer, twice (retries = 1)
    server.fail(FAILING, 500, 2)
    server.fault(HANGING, "hang", 2)  # no answer before the client's timeout
    server.fault(NOTE, "close", 2)
    report = world.update()
    assert report.exit_code == 1
    site, notes = report.step("site"), report.step("notes")
    assert site is not None and notes is not None
    assert site.counts["failed"] == 3 and notes.counts["failed"] == 1
    failures = "\n".join(report.to_dict()["failures"])
    for path in (CLOSED, FAILING, HANGING, NOTE):
        assert server.url + path in failures
    assert "HTTP 500" in failures and "no answer in time (read timed out)" in failures
    assert "the host closed the connection" in failures
    with open_store(world.data_dir) as store:
        cases = [key for key in store.keys(NS_PAGE) if store.latest(NS_PAGE, key).meta.get("kind") == "case"]
        assert len(cases) == 11  # every page that answered is archived
        # The notes of the two unread cases are not known yet; the failed note is not archived.
        assert store.count(NS_ATTACHMENT) == 9 - 2 - 1
    assert report.step("index").status == "done"  # type: ignore[union-attr]
    assert report.step("youtube").status == "done"  # type: ignore[union-attr]

    again = world.update()
    assert again.exit_code == 0 and again.to_dict()["failures"] == []
    assert again.step("site").counts["new"] == 3  # type: ignore[union-attr]
    with open_store(world.data_dir) as store:
        for path in (CLOSED, FAILING, HANGING):
            assert store.latest(NS_PAGE, server.url + path) is not None
        assert store.latest(NS_ATTACHMENT, server.url + NOTE) is not None


def test_youtube_server_errors_mid_harvest_resume_without_paying_twice(world: World) -> None:
    world.youtube.fail_next(500, times=6, method="videos.list")  # more than the 5 retries
    report = world.update()
    assert report.exit_code == 1
    youtube = report.step("youtube")
    # The first channel's batch failed after its retries; the second channel was harvested.
    assert youtube is not None and youtube.status == "failed" and youtube.counts["new"] == 7
    assert youtube.failures == ["UCPtYgjmUhBel31iEl2hpChY: YouTube API videos.list: HTTP 500 backendError: "
                                "Internal error encountered."]
    paged = len(world.youtube.calls("playlistItems.list"))

    again = world.update()
    assert again.exit_code == 0
    assert again.step("youtube").counts["new"] == 10  # type: ignore[union-attr]
    # The pending ids were saved: the resumed pass fetched them without listing the uploads again
    # (only the finished channel's incremental check is a new playlistItems call).
    assert len(world.youtube.calls("playlistItems.list")) - paged <= 1
    with open_store(world.data_dir) as store:
        assert store.count(NS_VIDEO) == 17
