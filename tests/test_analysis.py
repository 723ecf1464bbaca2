"""Dutch analysis: folding, stemming, stop words, compound parts, and search through Whoosh."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest
from whoosh import fields, index, qparser
from whoosh.lang.stopwords import stoplists
from whoosh.searching import Searcher

from index.text.analysis import STOP_WORDS, fold, split_compound
from index.engine.analyzers import exact_analyzer, stemmed_analyzer

# Lines of the seed case (shared/seed/case-duurzaam-meedoen-metalektro.txt), verbatim.
SEED = """De pilotbedrijven hebben de multi-inzetbaarheid van hun medewerkers verhoogd door:
 • het invoeren van functioneringsgesprekken in alle pilotbedrijven;
 • invoeren van taakroulatie (Alfa Laval, Photonis),
 • verbeteren van de communicatie met het personeel door een nieuwsbrief, en invoering van
werkoverleg in de vorm van 5-min. gesprekken tussen werkvoorbereiders en teamleiders en tussen
werkvoorbereiders en engineering (BSB Staalbouw).
 • Minder gezondheidsklachten, minder fysieke klachten,
 • Meer ontwikkeling, uitbreiding van competenties,"""
TAAKROULATIE = "invoeren van taakroulatie (Alfa Laval, Photonis),"


def stemmed(text: str) -> list[str]:
    return [t.text for t in stemmed_analyzer()(text)]


def exact(text: str) -> list[str]:
    return [t.text for t in exact_analyzer()(text)]


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ideeën", "ideeen"),
        ("Coöperatie", "cooperatie"),
        ("financiële", "financiele"),
        ("café", "cafe"),
        ("Thema’s", "thema's"),
        ("„zo”", '"zo"'),
        ("ĳzer", "ijzer"),
        ("ﬁnanciering", "financiering"),
        ("inzet\u00adbaarheid", "inzetbaarheid"),
    ],
)
def test_fold_normalises_case_accents_quotes_and_ligatures(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("inflected", "base"),
    [
        ("werknemers", "werknemer"),
        ("gesprekken", "gesprek"),
        ("medewerkers", "medewerker"),
        ("klachten", "klacht"),
        ("bedrijven", "bedrijf"),
        ("ideeën", "ideeen"),
    ],
)
def test_stemming_conflates_inflections(inflected: str, base: str) -> None:
    assert stemmed(inflected)[0] == stemmed(base)[0]


def test_tokeniser_keeps_digits_and_joined_words() -> None:
    assert exact("5-min. gesprekken, A+O Metalektro, Thema’s, HR-managers, e-mail in 2013") == [
        "5-min", "gesprekken", "a+o", "metalektro", "thema's", "hr-managers", "e-mail", "in", "2013",
    ]


def test_stop_words_dropped_when_stemmed_but_kept_when_exact() -> None:
    assert stemmed("het invoeren van de taakroulatie")[:2] == ["invoer", "taakroulatie"]
    assert exact("het invoeren van de taakroulatie") == ["het", "invoeren", "van", "de", "taakroulatie"]


def test_stop_words_are_the_snowball_list_whoosh_ships() -> None:
    # index.text.analysis holds its own copy (it does not import Whoosh): the same 101 words.
    assert STOP_WORDS == stoplists["nl"] and len(STOP_WORDS) == 101
    assert {"het", "van", "de", "zonder"} <= STOP_WORDS and "taakroulatie" not in STOP_WORDS


@pytest.mark.parametrize(
    ("compound", "part"),
    [
        ("taakroulatie", "roulatie"),
        ("functioneringsgesprekken", "gesprekken"),
        ("functioneringsgesprek", "gesprek"),
        ("gezondheidsklachten", "klachten"),
        ("multi-inzetbaarheid", "inzetbaarheid"),
        ("inzetbaarheidsmaatregelen", "inzetbaarheid"),
        ("doelstelling", "stelling"),
        ("bedrijfsintern", "intern"),
    ],
)
def test_split_compound_finds_parts(compound: str, part: str) -> None:
    assert part in split_compound(compound)


@pytest.mark.parametrize(
    "word",
    ["verbetering", "organisatie", "begeleiding", "combinatie", "gesprekken", "managers",
     "samenwerking", "vriendelijk", "wetenschap", "medewerkers"],
)
def test_split_compound_makes_no_nonsense_splits(word: str) -> None:
    assert split_compound(word) == []


def test_split_compound_drops_linking_morphemes_and_short_parts() -> None:
    assert split_compound("werknemerstevredenheidsonderzoek") == ["werknemer", "tevredenheid", "onderzoek"]
    assert split_compound("ideeënbus") == ["idee", "bus"]  # a 3-letter head of the chosen list
    assert split_compound("kinderopvang") == ["kinder", "opvang"]  # -er-, as common as "kind"
    assert all(len(part) >= 4 for part in split_compound("oplossingsrichting"))


def test_compound_parts_share_the_compound_position() -> None:
    tokens = [(t.text, t.pos) for t in stemmed_analyzer()("invoeren van taakroulatie", positions=True)]
    assert tokens == [("invoer", 0), ("taakroulatie", 1), ("tak", 1), ("roulatie", 1)]


def test_compound_parts_are_not_added_to_queries() -> None:
    tokens = [t.text for t in stemmed_analyzer()("taakroulatie", mode="query")]
    assert tokens == ["taakroulatie"]


def test_compound_parts_keep_the_compound_characters_for_highlighting() -> None:
    tokens = list(stemmed_analyzer()("de taakroulatie", chars=True, mode="index"))
    assert {(t.startchar, t.endchar) for t in tokens} == {(3, 15)}


def test_analyzers_survive_pickling_into_the_index_toc() -> None:
    schema = fields.Schema(body=fields.TEXT(analyzer=stemmed_analyzer()), phrase=fields.TEXT(analyzer=exact_analyzer()))
    restored = pickle.loads(pickle.dumps(schema))
    assert [t.text for t in restored["body"].analyzer("functioneringsgesprekken")] \
        == stemmed("functioneringsgesprekken")
    assert restored["phrase"].analyzer == schema["phrase"].analyzer


@pytest.fixture
def searcher(tmp_path: Path) -> Iterator[Searcher]:
    schema = fields.Schema(
        id=fields.ID(stored=True),
        body=fields.TEXT(analyzer=stemmed_analyzer()),
        exact=fields.TEXT(analyzer=exact_analyzer(), phrase=True),
    )
    ix = index.create_in(tmp_path, schema)
    docs = {
        "seed": SEED,
        "roulatie": TAAKROULATIE,
        "apart": "Taakroulatie is ingevoerd; van invoeren was lang geen sprake.",
        "inflected": "Zij voeren taakroulatie in van het begin af aan.",
        "ideeen": "Medewerkers kwamen met ideeën voor het werk.",
        "ideeen-plain": "Wij verzamelden ideeen in een bus.",
        "begeleid": "De pilotbedrijven werden begeleid door adviseurs; de begeleiding was goed.",
    }
    with ix.writer() as writer:
        for doc_id, text in docs.items():
            writer.add_document(id=doc_id, body=text, exact=text)
    with ix.searcher() as s:
        yield s


def hits(searcher: Searcher, field: str, query: str) -> set[str]:
    parsed = qparser.QueryParser(field, searcher.schema).parse(query)
    return {hit["id"] for hit in searcher.search(parsed, limit=None)}


def test_search_part_finds_compound(searcher: Searcher) -> None:
    assert {"seed", "roulatie", "apart", "inflected"} <= hits(searcher, "body", "roulatie")
    assert "seed" in hits(searcher, "body", "gesprek")  # functioneringsgesprekken
    assert "seed" in hits(searcher, "body", "klachten")  # gezondheidsklachten
    assert "seed" in hits(searcher, "body", "inzetbaarheid")  # multi-inzetbaarheid


def test_search_folds_accents_both_ways(searcher: Searcher) -> None:
    assert hits(searcher, "body", "ideeen") == {"ideeen", "ideeen-plain"}
    assert hits(searcher, "body", "ideeën") == {"ideeen", "ideeen-plain"}


def test_search_stemming_finds_plural(searcher: Searcher) -> None:
    assert hits(searcher, "body", "medewerker") == {"seed", "ideeen"}


def test_exact_phrase_matches_only_those_words_in_order(searcher: Searcher) -> None:
    assert hits(searcher, "exact", '"invoeren van taakroulatie"') == {"seed", "roulatie"}


def test_search_for_a_compound_part_does_not_hit_unrelated_words(searcher: Searcher) -> None:
    assert hits(searcher, "body", "ring") == set()  # not from "invoering" or "engineering"
    assert hits(searcher, "body", "leiding") == set()  # "begeleiding" is not "be + leiding"
