"""A request that cannot reach its host is one short line per URL ("cannot reach the host (DNS
lookup failed)"), not requests' text three exceptions deep that names the URL again and the pool."""

from __future__ import annotations

import socket
import ssl
from pathlib import Path

import pytest
import requests
import urllib3
from click.testing import CliRunner

from archive.errors import FetchError
from archive.net_errors import MAX_OTHER, describe_network_error
from archive.sample_server import SamplePlatformServer
from index.cli import cli
from tests.site_fixtures import FakeClock
from tests.test_http import client

HOST = "www.kennisbanksocialeinnovatie.nl"


def wrapped(reason: Exception, kind: type[requests.RequestException] = requests.exceptions.ConnectionError
            ) -> requests.RequestException:
    """An error as requests raises it: its own class around urllib3's MaxRetryError holding the reason."""
    pool = urllib3.HTTPSConnectionPool(HOST, 443)
    return kind(urllib3.exceptions.MaxRetryError(pool, "/robots.txt", reason=reason))


# The shapes requests 2.x / urllib3 2.x raise (the texts as the tester's offline run printed them).
CASES = [
    (wrapped(urllib3.exceptions.NameResolutionError(
        HOST, None, socket.gaierror(-2, "Name or service not known"))),  # type: ignore[arg-type]
     "cannot reach the host (DNS lookup failed)"),
    (wrapped(urllib3.exceptions.NewConnectionError(
        None, "Failed to establish a new connection: [Errno 111] Connection refused")),  # type: ignore[arg-type]
     "cannot reach the host (connection refused)"),
    (wrapped(urllib3.exceptions.SSLError(ssl.SSLCertVerificationError(
        1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate")),
        requests.exceptions.SSLError),
     "TLS error (the host's certificate is not trusted)"),
    (wrapped(urllib3.exceptions.SSLError(ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")),
             requests.exceptions.SSLError),
     "TLS error (the secure connection failed)"),
    (wrapped(urllib3.exceptions.ConnectTimeoutError(None, "Connection to host timed out. (connect timeout=30)"),
             requests.exceptions.ConnectTimeout),
     "cannot reach the host (connection timed out)"),
    (requests.exceptions.ReadTimeout("HTTPSConnectionPool(host='x', port=443): Read timed out. (read timeout=30)"),
     "no answer in time (read timed out)"),
    (requests.exceptions.ConnectionError(urllib3.exceptions.ProtocolError(
        "Connection aborted.", ConnectionResetError(104, "Connection reset by peer"))),
     "the host closed the connection"),
]


@pytest.mark.parametrize("error, phrase", CASES)
def test_each_kind_of_network_error_is_a_few_plain_words(error: Exception, phrase: str) -> None:
    assert describe_network_error(error) == phrase
    assert HOST not in phrase and "Pool" not in phrase


def test_an_error_without_words_of_ours_keeps_its_type_and_first_line_cut_short() -> None:
    text = describe_network_error(ValueError("x" * 1000 + "\nsecond line"))
    assert text.startswith("ValueError: xxx") and text.endswith("…") and len(text) < MAX_OTHER + 20
    assert "second line" not in text


def test_a_refused_connection_is_reported_in_plain_words() -> None:
    with SamplePlatformServer() as stopped:
        url = stopped.url  # nothing listens there any more
    http = client(FakeClock(), delay=0.0, retries=0, timeout=2.0)
    with pytest.raises(FetchError) as caught:
        http.get(url + "/kennis/")
    assert str(caught.value) == f"{url}/kennis/: cannot reach the host (connection refused) (gave up after 1 attempt)"
    http.close()


def test_harvest_site_says_in_one_short_line_that_the_host_cannot_be_reached(tmp_path: Path) -> None:
    with SamplePlatformServer() as stopped:
        base = stopped.url
    config = tmp_path / "casearchive.toml"
    config.write_text(f'data = "data"\n[site]\ndelay = 0.0\nretries = 0\nstart_urls = ["{base}/kennis/"]\n',
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "harvest", "site"])
    assert result.exit_code == 1, result.output
    [line] = [line for line in result.stderr.splitlines() if line.startswith("failed:")]
    assert line == (f"failed: {base}/robots.txt: robots.txt unreachable, so the host is not crawled: "
                    "cannot reach the host (connection refused) (gave up after 1 attempt)")
    assert line.count(base) == 1 and "Error" not in line
