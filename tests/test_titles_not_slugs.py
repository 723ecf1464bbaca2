"""Cases by title where people read them: the demo's example searches, the facet line of the
terminal, the evidence of `show` and the web's filter chip (the query itself keeps the slug)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from archive.config import Settings
from index.cli import cli
from index.web import create_app

SLUG = "duurzaam-meedoen-in-de-metalektro"
TITLE = "Duurzaam meedoen in de Metalektro"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    target = tmp_path_factory.mktemp("titles") / "demo-data"
    result = CliRunner().invoke(cli, ["--data", str(target), "demo"])
    assert result.exit_code == 0, result.output
    return target, result.output


def run(data: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--data", str(data), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_demos_example_searches_name_cases_by_title(demo: tuple[Path, str]) -> None:
    _data, output = demo
    lines = [line.strip() for line in output.splitlines() if line.strip().startswith("cases:")]
    assert lines and all(SLUG not in line for line in lines), lines
    assert f"cases: {TITLE}; companies: Photonis" in lines


def test_the_terminal_facet_line_names_cases_by_title(demo: tuple[Path, str]) -> None:
    out = run(demo[0], "search", "taakroulatie")
    facet = next(line for line in out.splitlines() if line.startswith("case: "))
    assert facet.startswith(f"case: {TITLE} (") and SLUG not in facet
    assert "Taakroulatie bij Kuipers Verpakkingen (" in facet


def test_show_names_the_case_of_via_the_linked_case_by_title(demo: tuple[Path, str]) -> None:
    out = run(demo[0], "show", "tDDb-xHKas1")
    evidence = [line for line in out.splitlines() if "via the linked case" in line]
    assert evidence and all(f"via the linked case (case: {TITLE})" in line for line in evidence)


def test_the_web_filter_chip_says_the_case_title_and_the_link_keeps_the_slug(demo: tuple[Path, str]) -> None:
    with TestClient(create_app(Settings(data_dir=demo[0]))) as client:
        page = client.get("/", params={"q": f"taakroulatie case:{SLUG}"}).text
        unknown = client.get("/", params={"q": "taakroulatie company:Photonis"}).text
    chip = page.split('class="chip"', 1)[1].split("</a>", 1)[0]
    assert f"casus: {TITLE} ✕" in chip and "q=taakroulatie" in chip and SLUG not in chip.split(">", 1)[1]
    assert "company:Photonis ✕" in unknown  # other filters read as written
