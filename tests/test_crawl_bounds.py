"""The crawl stays bounded: redirects only within scope, a total time per response, a page cap."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from archive.cases import harvest_site
from archive.config import Settings, SiteSettings
from archive.errors import FetchError
from archive.http import PoliteClient
from archive.sample_server import SamplePlatformServer
from archive.site import NS_PAGE
from archive.store import open_store
from tests.site_fixtures import FakeClock, HostileSiteServer, hostile_server, server  # noqa: F401 (fixtures)

MOVED = "/kennis/zelfroosteren-in-het-ziekenhuis/"
SEED = "/kennis/duurzaam-meedoen-in-de-metalektro/"
NOTE = "/media/bijlagen/2013/11/notitie-duurzaam-meedoen-metalektro.pdf"


def crawl(tmp_path: Path, site: HostileSiteServer, *starts: str, **options: Any):
    """Harvest ``starts`` (default: /kennis/) from the hostile server with no waiting."""
    settings = replace(Settings(data_dir=tmp_path / "data"), site=SiteSettings(
        start_urls=tuple(site.url + s for s in starts or ("/kennis/",)), delay=0.0, retries=0, **options))
    clock = FakeClock()
    return harvest_site(settings, sleep=clock.sleep, clock=clock)


def failures_about(summary: Any, site: HostileSiteServer, path: str) -> list[str]:
    return [f.replace(site.url, "") for f in summary.failures if f.startswith(site.url + path)]


def test_a_redirect_to_another_port_is_refused_and_never_requested(
        tmp_path: Path, hostile_server: HostileSiteServer, server: SamplePlatformServer) -> None:
    hostile_server.redirect(MOVED, server.url + SEED)  # an "internal" host: same address, other port
    summary = crawl(tmp_path, hostile_server)
    assert server.requests == []
    assert failures_about(summary, hostile_server, MOVED) == [
        f"{MOVED}: redirect to {server.url}{SEED} refused: outside the start URLs' hosts and paths "
        "(linked from /kennis/)"]
    with open_store(tmp_path / "data") as store:
        assert store.latest(NS_PAGE, hostile_server.url + MOVED) is None
        assert all(server.url not in str(v.meta) for k in store.keys(NS_PAGE) for v in [store.latest(NS_PAGE, k)])


def test_a_redirect_within_scope_is_followed_and_its_final_address_kept(
        tmp_path: Path, hostile_server: HostileSiteServer) -> None:
    hostile_server.redirect(MOVED, SEED, status=301)
    summary = crawl(tmp_path, hostile_server)
    assert failures_about(summary, hostile_server, MOVED) == []
    with open_store(tmp_path / "data") as store:
        moved = store.latest(NS_PAGE, hostile_server.url + MOVED)
        assert moved is not None and moved.meta["final_url"] == hostile_server.url + SEED


def test_a_redirect_out_of_the_path_prefix_or_into_robots_disallow_is_refused(
        tmp_path: Path, hostile_server: HostileSiteServer) -> None:
    hostile_server.redirect(MOVED, "/over-ons/")
    hostile_server.redirect(SEED, "/kennis/concept-werkgeluk-in-de-zorg/")  # robots.txt: Disallow
    summary = crawl(tmp_path, hostile_server)
    assert [f.split(" (linked")[0] for f in failures_about(summary, hostile_server, MOVED)] == [
        f"{MOVED}: redirect to /over-ons/ refused: outside the start URLs' hosts and paths"]
    assert [f.split(" (linked")[0] for f in failures_about(summary, hostile_server, SEED)] == [
        f"{SEED}: redirect to /kennis/concept-werkgeluk-in-de-zorg/ refused: "
        "disallowed by robots.txt"]
    assert hostile_server.count("/over-ons/") == 0
    assert hostile_server.count("/kennis/concept-werkgeluk-in-de-zorg/") == 0


def test_an_attachment_redirected_to_another_host_is_refused(
        tmp_path: Path, hostile_server: HostileSiteServer, server: SamplePlatformServer) -> None:
    hostile_server.redirect(NOTE, server.url + NOTE)
    summary = crawl(tmp_path, hostile_server)
    assert server.requests == []
    assert [f.split(" (linked")[0] for f in failures_about(summary, hostile_server, NOTE)] == [
        f"{NOTE}: redirect to {server.url}{NOTE} refused: another host"]


def test_a_redirect_loop_stops_after_five_hops() -> None:
    with HostileSiteServer() as site:
        site.redirect("/a/", "/b/")
        site.redirect("/b/", "/a/")
        clock = FakeClock()
        http = PoliteClient("test", delay=0.0, sleep=clock.sleep, clock=clock)
        with pytest.raises(FetchError, match="more than 5 redirects"):
            http.get(site.url + "/a/")
        assert site.count("/a/") + site.count("/b/") == 6
        http.close()


# Dripping the headers holds http.client in one call that no per-read timeout ends while bytes
# keep coming (260 bytes at one per 0.05 s: 13 s); dripping the body, one read after another.
@pytest.mark.parametrize("head, reason", [(False, "not complete"), (True, "no answer")], ids=["body", "headers"])
def test_a_server_dripping_bytes_is_cut_off_at_the_total_time(
        tmp_path: Path, hostile_server: HostileSiteServer, head: bool, reason: str) -> None:
    hostile_server.drip(MOVED, b"<html><body>" + b"x" * 40 + b"</body></html>", every=0.05, head=head)
    summary = crawl(tmp_path, hostile_server, timeout=5.0, total_timeout=0.3)
    assert [f.split(" (linked")[0] for f in failures_about(summary, hostile_server, MOVED)] == [
        f"{MOVED}: {reason} within 0.3s (site.total_timeout), not archived"]
    assert summary.counts["case"]["new"] == 11  # the rest of the crawl went on
    with open_store(tmp_path / "data") as store:
        assert store.latest(NS_PAGE, hostile_server.url + MOVED) is None


def test_a_response_over_the_size_cap_is_refused(hostile_server: HostileSiteServer) -> None:
    clock = FakeClock()
    http = PoliteClient("test", delay=0.0, sleep=clock.sleep, clock=clock, max_bytes=1000)
    with pytest.raises(FetchError, match="larger than 1,000 bytes"):
        http.get(hostile_server.url + SEED)
    http.close()


def test_a_pagination_trap_stops_at_the_default_page_cap(
        tmp_path: Path, hostile_server: HostileSiteServer) -> None:
    summary = crawl(tmp_path, hostile_server, "/kalender/")
    assert summary.counts["listing"]["new"] == 100
    assert hostile_server.count("/kalender/page/101/") == 0
    assert [f.replace(hostile_server.url, "") for f in summary.failures] == [
        "/kalender/page/101/: not followed: 100 listing pages read from /kalender/ already (site.max_pages); "
        "1 more linked"]
    assert summary.exit_code == 1


def test_the_page_cap_is_configurable_and_counts_per_start_url(
        tmp_path: Path, hostile_server: HostileSiteServer) -> None:
    summary = crawl(tmp_path, hostile_server, "/kalender/", "/kennis/", max_pages=2)
    assert hostile_server.count("/kalender/page/2/") == 1 and hostile_server.count("/kalender/page/3/") == 0
    assert summary.counts["listing"]["new"] == 2 + 2  # /kennis/ has three listing pages: one refused
    assert hostile_server.count("/kennis/page/3/") == 0
    assert sorted(f.replace(hostile_server.url, "").split(":")[0] for f in summary.failures
                  if "site.max_pages" in f) == ["/kalender/page/3/", "/kennis/page/3/"]


def test_the_client_follows_a_redirect_on_its_host_by_default_and_refuses_another_port(
        server: SamplePlatformServer) -> None:
    with HostileSiteServer() as site:
        site.redirect("/robots.txt", "/kennis/", status=301)
        site.redirect("/elders/", server.url + "/kennis/")
        clock = FakeClock()
        http = PoliteClient("test", delay=0.0, sleep=clock.sleep, clock=clock)
        moved = http.get(site.url + "/robots.txt")
        assert (moved.status, moved.url) == (200, site.url + "/kennis/")
        with pytest.raises(FetchError, match="refused: another host"):
            http.get(site.url + "/elders/")
        assert server.requests == []
        http.close()
