"""The polite HTTP client against a local server: spacing, retries, Retry-After, conditional GET."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from archive.errors import FetchError
from archive.http import PoliteClient, parse_retry_after, parse_robots
from archive.sample_server import SamplePlatformServer
from tests.site_fixtures import FakeClock, server  # noqa: F401  (fixture)

UA = "casearchive-test/1.0 (+https://example.org/bot)"


def client(clock: FakeClock, **kwargs: object) -> PoliteClient:
    return PoliteClient(UA, sleep=clock.sleep, clock=clock, **kwargs)  # type: ignore[arg-type]


def test_requests_to_one_host_are_spaced_by_the_larger_of_our_delay_and_crawl_delay(
        server: SamplePlatformServer) -> None:
    clock = FakeClock()
    http = client(clock, delay=0.5)
    http.get(server.url + "/robots.txt")
    http.get(server.url + "/kennis/")
    assert clock.sleeps == [0.5]
    http.set_crawl_delay(server.url, 2.0)
    http.get(server.url + "/kennis/page/2/")
    http.get(server.url + "/kennis/page/3/")
    assert clock.sleeps == [0.5, 2.0, 2.0]
    http.set_crawl_delay(server.url, 0.1)  # our own delay is the floor
    clock.now += 10
    http.get(server.url + "/kennis/")
    http.get(server.url + "/kennis/")
    assert clock.sleeps[-1] == 0.5
    http.close()


def test_a_500_with_retry_after_is_retried_after_the_time_the_server_asks(server: SamplePlatformServer) -> None:
    clock = FakeClock()
    http = client(clock, delay=0.0, retries=3)
    server.fail("/kennis/", 503, times=2, headers={"Retry-After": "7"})
    response = http.get(server.url + "/kennis/")
    assert response.status == 200 and b"Kennis" in response.body
    assert clock.sleeps == [7.0, 7.0]
    assert server.count("/kennis/") == 3
    http.close()


def test_retries_back_off_exponentially_and_then_give_up(server: SamplePlatformServer) -> None:
    clock = FakeClock()
    http = client(clock, delay=0.0, retries=2)
    server.fail("/kennis/", 500, times=5)
    with pytest.raises(FetchError, match=r"HTTP 500 \(gave up after 3 attempts\)"):
        http.get(server.url + "/kennis/")
    assert clock.sleeps == [1.0, 2.0]
    http.close()


def test_a_retry_after_beyond_the_limit_is_not_waited_for(server: SamplePlatformServer) -> None:
    clock = FakeClock()
    http = client(clock, delay=0.0)
    server.fail("/kennis/", 429, headers={"Retry-After": "86400"})
    with pytest.raises(FetchError, match="too long"):
        http.get(server.url + "/kennis/")
    assert clock.sleeps == []
    http.close()


def test_404_comes_back_as_a_response_and_the_user_agent_is_sent(server: SamplePlatformServer) -> None:
    http = client(FakeClock(), delay=0.0)
    assert http.get(server.url + "/kennis/bestaat-niet/").status == 404
    assert server.requests[-1][1]["User-Agent"] == UA
    http.close()


def test_conditional_get_with_the_etag_or_last_modified_gets_a_304(server: SamplePlatformServer) -> None:
    http = client(FakeClock(), delay=0.0)
    first = http.get(server.url + "/kennis/")
    assert first.validators.keys() == {"etag", "last_modified"}
    assert http.get(server.url + "/kennis/", etag=first.validators["etag"]).status == 304
    assert http.get(server.url + "/kennis/", last_modified=first.validators["last_modified"]).status == 304
    assert http.get(server.url + "/kennis/", etag='"iets anders"').status == 200
    http.close()


def test_connection_errors_are_retried_then_reported() -> None:
    clock = FakeClock()
    with SamplePlatformServer() as stopped:
        url = stopped.url
    http = client(clock, delay=0.0, retries=1, timeout=2.0)
    with pytest.raises(FetchError, match=r"cannot reach the host \(connection refused\)"):
        http.get(url + "/kennis/")
    assert clock.sleeps == [1.0]
    http.close()


def test_retry_after_as_seconds_or_http_date() -> None:
    now = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 01 May 2024 12:01:30 GMT", now) == 90.0
    assert parse_retry_after("Wed, 01 May 2024 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("morgen") is None and parse_retry_after(None) is None


def test_robots_rules_and_crawl_delay() -> None:
    policy = parse_robots("User-agent: *\nCrawl-delay: 2\nDisallow: /kennis/concept-\n", UA)
    assert policy.crawl_delay == 2.0
    assert policy.allowed("https://example.org/kennis/taakroulatie/")
    assert not policy.allowed("https://example.org/kennis/concept-werkgeluk/")
    assert parse_robots(None, UA).allowed("https://example.org/anything")
    assert parse_robots(None, UA).crawl_delay is None


def test_a_response_larger_than_the_limit_is_refused(server: SamplePlatformServer) -> None:
    http = client(FakeClock(), delay=0.0, max_bytes=1000)
    with pytest.raises(FetchError, match="larger than"):
        http.get(server.url + "/kennis/")
    assert http.get(server.url + "/robots.txt").status == 200
    http.close()
