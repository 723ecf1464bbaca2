"""Curly and straight apostrophes and quotes match each other, both ways, in search and in linking.

The curly forms are the platform's own (/work/shared/reference/kennisbank/: "kaderprogramma’s", "MKB’s",
the question “Heeft sociale innovatie de ambities …”, the project ‘Mijn bedrijf 2.0’); "Kids’ Club" and
"zo’n" are invented (no public example of those two at hand), as are ʼ (U+02BC) and ′ (U+2032), which
OCR and some keyboards write for an apostrophe.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from archive.folding import APOSTROPHES, DOUBLE_QUOTES, fold, fold_name
from index.engine.build import write_index
from index.engine.schema import Unit
from index.engine.search import SearchOptions, run_search
from index.linking.links import LinkSet
from index.linking.names import name_finder
from index.text.taxonomy import Taxonomy

CURLY = ("Zo’n tachtig MKB’s deden mee aan de Kids’ Club; ook de kaderprogramma’s hielpen. "
         "De centrale vraag: “Heeft sociale innovatie de ambities waargemaakt?” In het project ‘Mijn bedrijf 2.0’.")
STRAIGHT = ("Zo'n twintig bedrijven uit de zorg en de Kids' Club. De vraag: \"Werkt zelfroosteren in de zorg?\" "
            "Zie de thema's en kaderprogramma's.")
OTHERS = "Zoʼn dertig teams in de sportclub, zo′n veertig trainers in de Kids′ Club."


def unit(slug: str, text: str) -> Unit:
    return Unit(id=f"case:{slug}", kind="case", parent=f"case:{slug}", source=f"site.case:{slug}", title=slug,
                content=text, url=f"https://k.nl/kennis/{slug}/", case_ids=[slug], year=2015, date="2015")


@pytest.fixture
def indexed(data_dir: Path) -> Path:
    write_index(data_dir, [unit("curly", CURLY), unit("straight", STRAIGHT), unit("others", OTHERS)], LinkSet())
    return data_dir


def found(data_dir: Path, text: str) -> set[str]:
    result = run_search(data_dir, text, Taxonomy(), SearchOptions())  # type: ignore[arg-type]
    return {r["id"].removeprefix("case:") for r in result["results"]}


@pytest.mark.parametrize("query, expected", [
    ('"Kids\' Club"', {"curly", "straight", "others"}),   # straight finds curly, ′ and itself
    ('"Kids’ Club"', {"curly", "straight", "others"}),    # curly finds straight
    ('"Kidsʼ Club"', {"curly", "straight", "others"}),
    ("zo'n tachtig", {"curly"}),
    ("zo’n twintig", {"straight"}),
    ('"zo′n veertig"', {"others"}),
    ('"zo\'n dertig"', {"others"}),                        # ʼ in the text
    ('"zo\'n veertig"', {"others"}),                       # ′ in the text
    ("zo‘n veertig", {"others"}),
    ("MKB's", {"curly"}),
    ("kaderprogramma’s", {"curly", "straight"}),
    ("thema’s", {"straight"}),
])
def test_apostrophes_match_each_other_in_search(indexed: Path, query: str, expected: set[str]) -> None:
    assert found(indexed, query) == expected


@pytest.mark.parametrize("query, expected", [
    ('"heeft sociale innovatie"', {"curly"}),              # straight quotes find a phrase in curly ones
    ('“heeft sociale innovatie”', {"curly"}),              # curly quotes are a phrase too
    ('„werkt zelfroosteren”', {"straight"}),               # Dutch low-high quotes
    ('„sociale zelfroosteren”', set()),                    # a phrase, not two words anywhere
    ('“innovatie heeft”', set()),                          # both words are in "curly", not in this order
    ('innovatie heeft', {"curly"}),
    ('"mijn bedrijf 2.0"', {"curly"}),
])
def test_double_quotes_of_any_kind_make_a_phrase(indexed: Path, query: str, expected: set[str]) -> None:
    assert found(indexed, query) == expected


@pytest.mark.parametrize("name, text", [
    ("Kids’ Club", "Vrijwilligers van de Kids' Club trainen op zaterdag."),
    ("Kids' Club", "Vrijwilligers van de Kids’ Club trainen op zaterdag."),
    ("Kids' Club", "Vrijwilligers van de Kidsʼ Club trainen op zaterdag."),
    ("Kidsʼ Club", "Vrijwilligers van de Kids′ Club trainen op zaterdag."),
])
def test_a_company_name_is_found_whatever_apostrophe_either_side_writes(name: str, text: str) -> None:
    taxonomy = Taxonomy()
    taxonomy.add("company", name)
    assert [entry for entry, _ in name_finder(taxonomy, "company").find(text)] == [name]
    assert taxonomy.canonical("company", text.split(" van de ")[1].split(" trainen")[0]) == name


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20),
       st.sampled_from(APOSTROPHES), st.sampled_from(DOUBLE_QUOTES))
def test_every_quote_mark_folds_to_the_plain_one(word: str, apostrophe: str, quote: str) -> None:
    assert fold(f"{word}{apostrophe}s {quote}x{quote}") == fold(f"{word}'s \"x\"")
    assert fold_name(f"Kids{apostrophe} Club") == "kids' club"
