"""Label lines as CMSs print them (tests/fixtures/labels/SOURCES.md says where each form is from):
Drupal's field template with the label above or inline, with or without a colon, one value or
several, and WordPress's category and tag lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.case_parser import parse_case

FIXTURES = Path(__file__).parent / "fixtures" / "labels"
URL = "https://platform.example/kennis/werkdruk-in-de-zorg/"


def page(fragment: str) -> str:
    """A case page around a fragment: title, lead with its year, the fragment, a body paragraph."""
    return (f"<html lang='nl'><body><article><h1>Werkdruk in de zorg</h1><p>2014 – Een zorginstelling pakt "
            f"werkdruk aan.</p>{fragment}<p>De teams roosteren zelf.</p></article></body></html>")


def expected() -> list[tuple[str, str, tuple[str, ...]]]:
    rows = []
    for line in (FIXTURES / "expected.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, key, values = line.split("\t")
            rows.append((name, key, tuple(values.split("|"))))
    return rows


@pytest.mark.parametrize(("name", "key", "values"), expected(), ids=lambda v: str(v)[:40])
def test_cms_label_markup_gives_its_values(name: str, key: str, values: tuple[str, ...]) -> None:
    case = parse_case(page((FIXTURES / name).read_text(encoding="utf-8")), URL)
    assert getattr(case, key) == values
    # The label line is metadata, not body text; the body around it stays.
    assert case.text == "Een zorginstelling pakt werkdruk aan.\n\nDe teams roosteren zelf."


def test_every_fixture_has_a_source_line() -> None:
    sources = (FIXTURES / "SOURCES.md").read_text(encoding="utf-8")
    assert {name for name, _, _ in expected()} == {p.name for p in FIXTURES.glob("*.html")}
    assert all(f"`{p.name}`" in sources for p in FIXTURES.glob("*.html"))


@pytest.mark.parametrize("fragment", [
    "<p>Sector</p><p>De zorg is een grote sector.</p>",  # a word alone in a paragraph is no label
    "<h2>Bron</h2><p>Het verhaal begon bij de bron van het probleem.</p>",
    '<div class="field__label">Sector van de toekomst</div><div class="field__item">Zorg</div>',
])
def test_a_label_word_without_a_label_element_or_colon_is_text(fragment: str) -> None:
    case = parse_case(page(fragment), URL)
    assert case.sectors == () and case.sources == ()
