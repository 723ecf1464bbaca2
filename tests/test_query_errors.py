"""A broken query says what is wrong: one cause, one code, the English line in the CLI and the API's
``message``, a Dutch explanation on the page and in the API's ``message_nl``; bad parameters of a
page (``sort=foo``, ``format=xls``) too. The filters go by their Dutch names as well, and excluded
words alone are one error whether written ``-werkdruk`` or ``NOT werkdruk``. On the demo's SAMPLE data.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from archive.config import Settings
from index.cli import cli
from index.services.library import SearchOptions, search
from index.web import create_app
from index.web.explain import QUERY_ERRORS
from tests.test_exports_hints import demo  # noqa: F401 (the demo's data, built once per module)

GENERIC = "Er klopt iets niet aan de zoekvraag"
ENGINE = Path(__file__).parent.parent / "index" / "engine"
# (query, code, a piece of the Dutch explanation): every cause the query language refuses.
CASES = [
    ("taakroulatie NOT", "trailing_not", "Na NOT moet een woord komen"),
    ("-werkdruk", "only_excluded", "sluit alleen woorden uit"),
    ("NOT werkdruk", "only_excluded", "sluit alleen woorden uit"),
    ("de -werkdruk", "only_excluded", "sluit alleen woorden uit"),
    ("taakroulatie OR", "dangling_operator", "OR heeft aan beide kanten een woord nodig"),
    ("AND taakroulatie", "dangling_operator", "AND heeft aan beide kanten een woord nodig"),
    ('"duurzame inzetbaarheid', "unbalanced_quote", "Er ontbreekt een aanhalingsteken"),
    ("taak)", "closes_nothing", "zonder"),
    ("(taak OR rooster", "never_closed", "nergens wordt gesloten"),
    ("kanaal:Photonis", "unknown_field", "Het filter kanaal: bestaat niet"),
    ("bedrijff:Photonis", "unknown_field", "Bedoelde u bedrijf:?"),
    ("company:", "needs_value", "moet direct een waarde komen"),
    ("jaar:dertien", "bad_year", "‘dertien’ is geen jaar"),
    ("year:2016..2012", "empty_year_range", "lege reeks"),
    ("soort:podcast", "bad_kind", "‘podcast’ is geen soort"),
    ("caption:handmatig", "bad_caption", "geen soort ondertiteling"),
    ("*ing", "short_wildcard", "minstens twee letters"),
    ("taakroulatie~9", "fuzzy_edits", "hoogstens twee letters afwijken"),
    ("de het een", "stop_words_only", "alleen woorden die de index overslaat"),
    ("x" * 600, "too_long", "te lang"),
    ("https://kennisbank.example/kennis/x", "web_address", "webadres"),
]


@pytest.fixture(scope="module")
def client(demo: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(demo)) as test_client:
        yield test_client


def cli_search(settings: Settings, *words: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--data", str(settings.data_dir), "search", "--format", "json", "--", *words])
    return result.exit_code, result.output


def bare(text: str) -> str:
    """Text without quotes and colons (JSON quotes what a page marks as code)."""
    return re.sub("[‘’:]", "", text)


def shown(html: str) -> str:
    """The page's main text, tags and the folded-away technical message left out, code kept."""
    main = html[html.index("<main>"):html.index("</main>")]
    main = re.sub(r"<details.*?</details>", " ", main, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", "", main).split())


@pytest.mark.parametrize(("query", "code", "dutch"), CASES)
def test_each_query_error_is_the_same_cause_in_the_cli_the_api_and_the_page(demo: Settings, client: TestClient,
                                                                            query: str, code: str, dutch: str) -> None:
    exit_code, output = cli_search(demo, query)
    lines = output.strip().splitlines()
    assert exit_code == 2 and len(lines) == 1 and lines[0].startswith("Error: "), output
    api = client.get("/api/search", params={"q": query})
    assert api.status_code == 400
    error = api.json()["error"]
    assert error["message"] == lines[0].removeprefix("Error: ")  # the CLI's English line, unchanged
    assert error["code"] == code and bare(dutch) in bare(error["message_nl"])
    page = client.get("/", params={"q": query})
    assert page.status_code == 400
    text = shown(page.text)
    assert dutch in text and GENERIC not in text, text
    assert error["message"][:40] not in text  # the English line only under "Technische melding"


def test_every_code_the_engine_raises_has_a_dutch_text() -> None:
    raised = set()
    for source in ENGINE.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "QueryError":
                assert len(node.args) >= 2, f"{source.name}:{node.lineno}: a QueryError without a code"
                raised.add(ast.literal_eval(node.args[1]))
    assert raised and raised <= set(QUERY_ERRORS), raised - set(QUERY_ERRORS)
    assert {code for _q, code, _d in CASES} | {"too_deep", "costly", "no_words", "unreadable", "empty"} >= raised


@pytest.mark.parametrize(("path", "params", "dutch"), [
    ("/", {"q": "taakroulatie", "sort": "foo"}, "Sorteren kan op relevantie of op datum"),
    ("/export", {"q": "taakroulatie", "format": "xls"}, "Exporteren kan als CSV, JSON of Markdown"),
    ("/", {"q": "taakroulatie", "p": "0"}, "Er is geen pagina ‘0’"),
    ("/export", {"format": "csv"}, "Er is geen zoekvraag meegegeven"),
])
def test_a_bad_parameter_of_a_page_is_explained_in_dutch(client: TestClient, path: str, params: dict[str, str],
                                                         dutch: str) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 400
    text = shown(response.text)
    assert dutch in text and GENERIC not in text, text


def test_a_bad_parameter_of_the_api_keeps_its_fields_and_adds_the_dutch(client: TestClient) -> None:
    error = client.get("/api/search", params={"q": "x", "limit": "600"}).json()["error"]
    assert error["status"] == 400 and error["message"].startswith("limit:")
    assert error["code"] == "bad_limit" and "van 1 tot en met 100" in error["message_nl"]
    links = client.get("/api/links", params={"status": "auto"}).json()["error"]
    assert links["code"] == "bad_status" and "‘auto’ bestaat niet" in links["message_nl"]


@pytest.mark.parametrize(("dutch", "english"), [
    ("bedrijf:Photonis", "company:Photonis"), ("thema:Werkdruk", "theme:Werkdruk"), ("soort:video", "kind:video"),
    ("soort:casus", "kind:case"), ("soort:notitie", "kind:note"), ("soort:fragment", "kind:passage"),
    ("jaar:2012..2014", "year:2012..2014"),
    ("casus:duurzaam-meedoen-in-de-metalektro", "case:duurzaam-meedoen-in-de-metalektro"),
    ("taal:nl", "lang:nl"), ("Bedrijf:photonis -soort:notitie", "company:photonis -kind:note"),
])
def test_the_dutch_filter_names_find_what_the_english_ones_do(demo: Settings, client: TestClient, dutch: str,
                                                              english: str) -> None:
    def ids(result: dict) -> list[str]:  # type: ignore[type-arg]
        return [r["id"] for r in result["results"]]

    expected = search(demo, english, SearchOptions(limit=50))
    assert expected["total"] > 0, english
    found = search(demo, dutch, SearchOptions(limit=50))
    assert (found["total"], ids(found), found["facets"]) == (expected["total"], ids(expected), expected["facets"])
    exit_code, output = cli_search(demo, dutch)
    assert exit_code == 0 and json.loads(output)["total"] == expected["total"], output
    page = client.get("/", params={"q": dutch})
    assert page.status_code == 200 and f"<strong>{expected['total']}</strong>" in page.text


def test_an_unknown_name_in_a_dutch_filter_gets_the_nearest_known_names(demo: Settings, client: TestClient) -> None:
    (hint,) = search(demo, "bedrijf:Philips")["hints"]
    assert hint["kind"] == "company" and "Photonis" in hint["suggestions"]
    assert hint["queries"][0] == "bedrijf:Photonis"  # the query as the user wrote it, the name replaced
    assert "Er is geen bedrijf met de naam <q>Philips</q>" in client.get("/", params={"q": "bedrijf:Philips"}).text


def test_excluded_words_leave_them_out_of_a_filter_and_both_spellings_agree(demo: Settings) -> None:
    videos = search(demo, "kind:video", SearchOptions(limit=100))
    with_word = {r["id"] for r in search(demo, "kind:video werkdruk", SearchOptions(limit=100))["results"]}
    assert with_word, "the demo has videos that say werkdruk"
    for query in ("kind:video -werkdruk", "soort:video NOT werkdruk"):
        without = search(demo, query, SearchOptions(limit=100))
        assert without["total"] == videos["total"] - len(with_word), query
        assert not {r["id"] for r in without["results"]} & with_word
    assert [r["id"] for r in search(demo, "taakroulatie -werkdruk")["results"]] == \
        [r["id"] for r in search(demo, "taakroulatie NOT werkdruk")["results"]]


def test_a_filter_chip_written_in_dutch_is_not_added_twice(client: TestClient) -> None:
    page = client.get("/", params={"q": "taakroulatie bedrijf:Photonis"}).text
    assert "bedrijf%3APhotonis+company%3APhotonis" not in page  # a facet click on Photonis keeps one filter
