"""Bounded queries: prefix, wildcard and fuzzy words stand for a capped number of index words, a
search has a deadline, costly searches take turns, the web answers a too costly query with a clear
4xx (Dutch on the pages) or a result marked partial, and every query error is one readable line.

The index here is small: cases whose words share two-letter prefixes (``va0000``…), as Dutch
words share ``ve`` or ``be`` by the thousand in a real index (invented: a synthetic vocabulary)."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings as hsettings, strategies as st

from archive.config import Settings
from archive.errors import CaseArchiveError
from index.engine import bounds, expansion
from index.engine import search as search_module
from index.engine.build import write_index
from index.linking.links import LinkSet
from index.engine.query import QueryError
from index.engine.schema import Unit
from index.engine.live import close_searchers
from index.engine.search import SearchOptions, run_search
from index.text.taxonomy import Taxonomy
from index.web import create_app

PREFIXES = ("va", "vb", "vc", "vd", "ve")
WORDS_EACH = 60  # index words per prefix: over the per-word cap (50); five prefixes pass the query's cap (200)


def case(n: int, text: str) -> Unit:
    slug = f"case-{n}"
    return Unit(id=f"case:{slug}", kind="case", parent=f"case:{slug}", source=f"site.case:{slug}", title=f"Case {n}",
                content=text, url=f"https://k.nl/kennis/{slug}/", case_ids=[slug], year=2015, date="2015-05-05")


@pytest.fixture
def wide(data_dir: Path) -> Iterator[Path]:
    """Cases 0..59 each hold word n of every prefix; case 60 the common word of each prefix, and
    ``vaaaaa`` (the most frequent ``va`` word) is in every case."""
    units = [case(n, " ".join(f"{p}{n:04d}" for p in PREFIXES) + " vaaaaa") for n in range(WORDS_EACH)]
    units.append(case(WORDS_EACH, "vaaaaa werkdruk rooster"))
    write_index(data_dir, units, LinkSet())
    yield data_dir
    close_searchers()


def search(data_dir: Path, text: str, **options: Any) -> dict[str, Any]:
    return run_search(data_dir, text, Taxonomy(), SearchOptions(**options))


def test_a_prefix_keeps_its_most_frequent_words_and_says_the_result_is_partial(wide: Path) -> None:
    result = search(wide, "va*", limit=100)
    assert result["partial"] is True
    assert result["partial_reasons"] == [{"reason": "words", "term": "va*", "words": WORDS_EACH + 1, "kept": 50}]
    assert result["total"] == WORDS_EACH + 1  # vaaaaa, kept for being in every case, finds them all
    assert search(wide, "werkdruk")["partial"] is False


def test_prefixes_together_over_the_query_cap_are_refused_in_one_line(wide: Path) -> None:
    text = " OR ".join(f"{p}*" for p in PREFIXES)  # 5 × 50 words kept > 200
    with pytest.raises(QueryError) as caught:
        search(wide, text)
    message = str(caught.value)
    assert "more than 200 words" in message and "\n" not in message
    assert search(wide, " OR ".join(f"{p}*" for p in PREFIXES[:4]))["partial"] is True  # 4 × 50: within


def test_a_prefix_over_the_scan_cap_is_refused_before_it_is_scored(wide: Path, monkeypatch: pytest.MonkeyPatch
                                                                    ) -> None:
    monkeypatch.setattr(expansion, "MAX_SCAN", 40)
    with pytest.raises(QueryError, match=r"^vb\* stands for more than 40 words of the index: type more letters"):
        search(wide, "vb*")


def test_fuzzy_words_are_capped_too(wide: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(expansion, "MAX_WORDS_PER_TERM", 3)
    result = search(wide, "va0010~2")  # va0000…va0099 within two edits: more than three
    assert result["partial_reasons"][0]["term"] == "va0010~2" and result["partial_reasons"][0]["kept"] == 3


def test_a_search_past_its_deadline_stops_with_a_clear_message(wide: Path) -> None:
    with pytest.raises(QueryError, match=r"^the search took longer than 1e-09 s and was stopped: use longer"):
        search(wide, "va* OR vb*", deadline=1e-9)


def test_results_made_before_the_deadline_are_returned_marked_partial(wide: Path, monkeypatch: pytest.MonkeyPatch
                                                                      ) -> None:
    made = search_module._group_result

    def then_time_is_up(*args: Any) -> Any:
        bounds._current.get().at = 0.0  # the deadline passes once the first result is made
        return made(*args)

    monkeypatch.setattr(search_module, "_group_result", then_time_is_up)
    result = search(wide, "werkdruk OR va0001 OR va0002", deadline=30)
    assert len(result["results"]) == 1 and result["total"] == 3 and result["partial"] is True
    assert result["partial_reasons"] == [{"reason": "deadline", "seconds": 30, "shown": 1}]


def test_costly_searches_take_turns_and_cheap_ones_pass(wide: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "GATE_WAIT", 0.01)
    with bounds.costly_slot():  # another costly search runs
        assert search(wide, "werkdruk")["total"] == 1  # a cheap search does not wait
        with pytest.raises(bounds.SearchBusy, match="busy with other costly searches"):
            search(wide, "va*")  # 50 words: costly
        with pytest.raises(bounds.SearchBusy):
            search(wide, "werkdruk", limit=150, offset=100)  # many results: costly
    assert search(wide, "va*")["total"] == WORDS_EACH + 1


def test_paging_deeper_than_the_cap_is_refused(wide: Path) -> None:
    with pytest.raises(QueryError, match="at most 10000 results can be paged through"):
        search(wide, "werkdruk", limit=10, offset=9995)


def test_a_stopping_server_ends_running_searches(wide: Path) -> None:
    bounds.stop_all()
    try:
        with pytest.raises(bounds.SearchStopped, match="the server is stopping"):
            search(wide, "werkdruk")
    finally:
        bounds._stopping.clear()


# --- the web ------------------------------------------------------------------------------------


@pytest.fixture
def client(wide: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(data_dir=wide))) as test_client:
        yield test_client


def test_the_api_caps_limit_and_depth_with_a_json_error(client: TestClient) -> None:
    for path in ("/api/search?q=werkdruk&limit=1000", "/api/search?q=werkdruk&offset=20000"):
        response = client.get(path)
        assert response.status_code == 400, path
        error = response.json()["error"]  # the English message, and the cause's code with its Dutch text
        assert set(error) == {"status", "message", "code", "message_nl"}
        assert error["code"] in ("bad_limit", "bad_offset")
    assert client.get("/api/search?q=werkdruk&limit=100").status_code == 200


def test_the_api_marks_a_capped_prefix_partial(client: TestClient) -> None:
    body = client.get("/api/search?q=va*").json()
    assert body["partial"] is True and body["partial_reasons"][0]["term"] == "va*"


def test_a_too_costly_query_is_a_400_in_json_and_dutch_on_the_page(client: TestClient) -> None:
    wide = " OR ".join(f"{p}*" for p in PREFIXES)
    api = client.get("/api/search", params={"q": wide})
    assert api.status_code == 400 and "more than 200 words" in api.json()["error"]["message"]
    page = client.get("/", params={"q": wide})
    assert page.status_code == 400 and "Deze zoekvraag kost te veel" in page.text
    export = client.get("/export", params={"q": wide})
    assert export.status_code == 400


def test_a_partial_result_says_so_in_dutch_on_the_search_page(client: TestClient) -> None:
    page = client.get("/", params={"q": "va*"})
    assert page.status_code == 200
    assert "Onvolledig resultaat" in page.text and "gezocht is op de 50 die het vaakst voorkomen" in page.text


def test_a_busy_server_answers_429_with_retry_after(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "GATE_WAIT", 0.01)
    with bounds.costly_slot():
        api = client.get("/api/search?q=va*")
        page = client.get("/?q=va*")
        assert client.get("/api/search?q=werkdruk").status_code == 200
    assert api.status_code == 429 and api.headers["Retry-After"] == "5"
    assert page.status_code == 429 and "Het is even druk" in page.text


def test_the_export_holds_at_most_500_results(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []
    real = search_module.run_search

    def spy(data_dir: Path, text: str, taxonomy: Any = None, options: Any = None) -> dict[str, Any]:
        asked.append(options.limit)
        return real(data_dir, text, taxonomy, options)

    monkeypatch.setattr("index.services.library.run_search", spy)
    response = client.get("/export", params={"q": "va*", "format": "csv"})
    assert response.status_code == 200 and asked == [500]
    assert "# onvolledig: va* staat voor 61 woorden; gezocht is op de 50 die het vaakst voorkomen" in response.text


# --- one readable line per query error ------------------------------------------------------------


RAW = re.compile(r"index out of range|NotImplemented|NoneType|object has no|unexpected|Traceback|"
                 r"(?:^|: )(?:Minus|Plus|Not|And|Or)$")


@pytest.mark.parametrize("text", ["x (a -b)", "werkdruk (rooster -vaaaaa)", "(werkdruk +rooster)"])
def test_signs_inside_brackets_work(wide: Path, text: str) -> None:
    assert "total" in search(wide, text)


def test_a_minus_inside_brackets_excludes(wide: Path) -> None:
    assert search(wide, "vaaaaa (werkdruk -rooster)")["total"] == 0
    assert search(wide, "vaaaaa (werkdruk -va0001)")["total"] == 1


@pytest.mark.parametrize("text", ["NOT AND x", "NOT OR werkdruk", "x AND (NOT)"])
def test_dangling_operators_are_one_readable_line(wide: Path, text: str) -> None:
    try:
        search(wide, text)
    except QueryError as exc:
        assert not RAW.search(str(exc)) and "\n" not in str(exc)


PIECES = ["werkdruk", "x", "va*", "(", ")", "-", "+", "-x", "OR", "AND", "NOT", '"', "~2", "^2", ":", "title:",
          "kind:video", "year:", "\\", "[", "TO", "]", "}", "é"]


@hsettings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=6), st.booleans())
def test_any_query_runs_or_fails_with_one_readable_line(wide_once: Path, pieces: list[str], spaced: bool) -> None:
    text = (" " if spaced else "").join(pieces)
    try:
        search(wide_once, text)
    except CaseArchiveError as exc:  # anything else (a raw library error) fails the test
        message = str(exc)
        assert isinstance(exc, QueryError) and "\n" not in message and not RAW.search(message), (text, message)


@pytest.fixture(scope="module")
def wide_once(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The same index, built once for the property test (read-only)."""
    data_dir = tmp_path_factory.mktemp("wide")
    units = [case(n, " ".join(f"{p}{n:04d}" for p in PREFIXES) + " vaaaaa") for n in range(WORDS_EACH)]
    write_index(data_dir, units + [case(WORDS_EACH, "vaaaaa werkdruk rooster")], LinkSet())
    yield data_dir
    close_searchers()


# --- SIGTERM ------------------------------------------------------------------------------------

LAUNCH = """
import sys, time
import index.engine.search
def stuck(*args):
    open(sys.argv[1], "w").close()  # the search has begun making its results
    {body}
index.engine.search._group_result = stuck
from index.cli import main
sys.exit(main(sys.argv[2:]))
"""
STUCK = "time.sleep(3600)  # a step that never checks its deadline"
CHECKING = "from index.engine import bounds\n    while True:\n        bounds.check(); time.sleep(0.05)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("body", [STUCK, CHECKING], ids=["stuck", "checking"])
def test_sigterm_stops_the_server_while_a_costly_search_runs(wide: Path, tmp_path: Path, body: str) -> None:
    marker, port = tmp_path / "began", free_port()
    server = subprocess.Popen([sys.executable, "-c", LAUNCH.format(body=body), str(marker), "--data", str(wide),
                               "serve", "--port", str(port), "--search-deadline", "0"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        threading.Thread(target=lambda: _quietly(f"http://127.0.0.1:{port}/api/search?q=werkdruk"), daemon=True).start()
        for _ in range(300):
            if marker.exists():
                break
            time.sleep(0.1)
        assert marker.exists(), "the search never began"
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)  # generous: the server gives open requests 3 s, a search stops at its next check
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
            pytest.fail("the server did not exit on SIGTERM while a search ran")


def _quietly(url: str) -> None:
    try:
        urllib.request.urlopen(url, timeout=60).read()
    except OSError:
        pass
