"""The CLI refuses what it does not understand, and names link statuses as it takes them.

An unknown option before, between or after the query words is click's "No such option" with
its suggestion (exit 2), never a query; words that start with - go after --; NOT with nothing
after it is one line, the same from the CLI and the web API; `links list` and `show` show the
statuses `links list --status` takes.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from archive.config import Settings
from index.cli import cli
from index.services.library import SearchOptions, search
from index.web import create_app

SEED = "duurzaam-meedoen-in-de-metalektro"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("strict") / "demo-data"
    result = CliRunner().invoke(cli, ["--data", str(target), "demo"])
    assert result.exit_code == 0, result.output
    return target


def run(data: Path, *args: str) -> click.testing.Result:
    return CliRunner().invoke(cli, ["--data", str(data), *args])


@pytest.mark.parametrize("args, suggested", [
    (["search", "--formt", "json", "taakroulatie"], "'--format'"),  # the two typos
    (["search", "taakroulatie", "--lmit", "2"], "'--limit'"),
    (["search", "taakroulatie", "--formt=json", "werkdruk"], "'--format'"),  # between the words
    (["search", "taakroulatie", "-lmit", "2"], "'--limit'"),  # one dash: named whole, still suggested
    (["search", "--ofset", "10", "taakroulatie"], "'--offset'"),
    (["show", "--formt", "json", SEED], "'--format'"),
    (["show", SEED, "--formt", "json"], "'--format'"),
    (["status", "--formt", "json"], "'--format'"),
    (["report", "--fromat", "json"], "'--format'"),
    (["links", "list", "--stauts", "suggested"], "'--status'"),
    (["index", "--rebuld"], "'--rebuild'"),
    (["harvest", "youtube", "--chanel", "@x"], "'--channel'"),
])
def test_an_unknown_option_anywhere_is_a_usage_error_with_a_suggestion(tmp_path: Path, args: list[str],
                                                                       suggested: str) -> None:
    data = tmp_path / "data"
    result = run(data, *args)
    assert result.exit_code == 2, result.output
    assert "No such option" in result.output and f"Did you mean {suggested}" in result.output \
        or f"Did you mean one of: {suggested}" in result.output, result.output
    assert "results for" not in result.output and not data.exists()  # nothing was searched or written


@pytest.mark.parametrize("verb, meant", [("accept", "confirm"), ("approve", "confirm"), ("deny", "reject"),
                                         ("ls", "list")])
def test_a_links_verb_by_another_name_says_which_one_to_use(tmp_path: Path, verb: str, meant: str) -> None:
    """`links accept …` was "No such command" with no hint that the verb is confirm."""
    data = tmp_path / "data"
    result = run(data, "links", verb, "video:ZhyiA4uoRgn", "company:Photonis")
    assert result.exit_code == 2 and f"No such command '{verb}'. Did you mean '{meant}'?" in result.output
    assert not data.exists()  # nothing was decided or written
    assert "Did you mean" not in run(data, "links", "frobnicate").output  # no synonym: click's own answer


def test_a_word_that_starts_with_a_dash_is_named_whole_and_told_to_go_after_the_double_dash(tmp_path: Path) -> None:
    result = run(tmp_path / "data", "search", "taakroulatie", "-werkdruk")
    assert result.exit_code == 2
    assert "No such option '-werkdruk'." in result.output
    assert "casearchive search -- -werkdruk" in result.output
    shown = run(tmp_path / "data", "show", "-abc")
    assert shown.exit_code == 2 and "No such option '-abc'." in shown.output
    assert "casearchive show -- -abc" in shown.output


def test_the_help_says_how_to_search_for_a_word_that_starts_with_a_dash() -> None:
    result = CliRunner().invoke(cli, ["search", "--help"])
    assert result.exit_code == 0 and "go after --" in result.output
    assert "casearchive search --limit 5 -- -kind:note taakroulatie -werkdruk" in result.output


def test_words_after_the_double_dash_are_the_query(demo: Path) -> None:
    settings = Settings(data_dir=demo)  # as the CLI reads it
    for words in (["-kind:note", "taakroulatie"], ["taakroulatie", "-werkdruk"], ["taakroulatie", "--limit"]):
        result = run(demo, "search", "--format", "json", "--limit", "50", "--", *words)
        assert result.exit_code == 0, result.output
        found = json.loads(result.output)
        expected = search(settings, " ".join(words), SearchOptions(limit=50))
        assert found["query"] == " ".join(words)
        assert [r["id"] for r in found["results"]] == [r["id"] for r in expected["results"]]
    negated = json.loads(run(demo, "search", "--format", "json", "--", "-kind:case", "taakroulatie").output)
    assert negated["total"] and all(r["kind"] != "case" for r in negated["results"])


@pytest.mark.parametrize("query", ["NOT", "werkdruk NOT", "werkdruk AND NOT", "taakroulatie NOT kind:video"])
def test_not_with_nothing_after_it_is_one_line_the_same_in_the_cli_and_the_web(demo: Path, query: str) -> None:
    result = run(demo, "search", query)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: NOT needs a word after it"), result.output
    with TestClient(create_app(Settings(data_dir=demo))) as client:
        answer = client.get("/api/search", params={"q": query})
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == lines[0].removeprefix("Error: ")


def test_not_between_words_and_a_quoted_not_still_search(demo: Path) -> None:
    assert run(demo, "search", "werkdruk NOT stress").exit_code == 0
    assert run(demo, "search", '"werkdruk NOT"').exit_code == 0


def test_link_statuses_are_the_names_links_list_status_takes(demo: Path) -> None:
    command = cli.commands["links"].commands["list"]  # type: ignore[attr-defined]
    choices = set(next(p for p in command.params if p.name == "status_").type.choices) - {"all"}
    rows = json.loads(run(demo, "links", "list", "--format", "json").output)
    assert rows and {r["status"] for r in rows} <= choices
    for status in {r["status"] for r in rows}:  # each status shown lists its rows when asked for
        listed = json.loads(run(demo, "links", "list", "--status", status, "--format", "json").output)
        assert {(r["source"], r["target"]) for r in rows if r["status"] == status} <= \
            {(r["source"], r["target"]) for r in listed}
    table = run(demo, "links", "list").output
    assert " auto " not in table and " accepted " in table
    shown = json.loads(run(demo, "show", SEED, "--format", "json").output)
    assert {link["status"] for link in shown["links"] + shown.get("linked_from", [])} <= choices
    assert " auto " not in run(demo, "show", "ZhyiA4uoRgn").output


def test_a_decision_shows_as_its_status_and_the_stored_file_keeps_its_names(demo: Path, tmp_path: Path) -> None:
    assert run(demo, "links", "reject", "video:tDDb-xHKas1", "company:Photonis").exit_code == 0
    assert run(demo, "index").exit_code in (0, 1)
    rows = json.loads(run(demo, "links", "list", "--status", "rejected", "--format", "json").output)
    assert [(r["source"], r["target"], r["status"]) for r in rows] == [
        ("video:tDDb-xHKas1", "company:Photonis", "rejected")]
    stored = json.loads((demo / "curation" / "links.json").read_text(encoding="utf-8"))
    assert "rejected" in json.dumps(stored) and "suggested" not in json.dumps(stored)
