"""The engine's contract: what any backend of ``index.engine.SearchEngine`` must do, tested through the
protocol alone (no Whoosh, no engine module), so a second backend is held to the same tests by adding
it to ``BACKENDS``.

The texts are sentences of a real case page of the knowledge platform (kennisbank "Duurzaam meedoen in
de Metalektro", /work/shared/reference/kennisbank/01_…metalektro.excerpt.txt); the video ids, dates and
the split into videos and passages are invented (units of the shapes the linking makes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from index.engine import (IndexCorrupt, IndexMissing, QueryError, SearchEngine, SearchOptions, SearchResult, Unit,
                          WhooshEngine)
from index.text.taxonomy import Taxonomy

BACKENDS: dict[str, Callable[[Path], SearchEngine]] = {"whoosh": WhooshEngine}

SAID = [  # what is said in the videos, one passage per line (from the case page's text)
    "het invoeren van functioneringsgesprekken in alle pilotbedrijven",
    "invoeren van taakroulatie bij Alfa Laval en Photonis",
    "ergonomische maatregelen bij Burgerhout",
    "meer opleiden van medewerkers voor andere taken en functies",
    "de knelpunten op het gebied van duurzame inzetbaarheid vastgesteld",
    "mensen zijn beter inzetbaar op plekken waar ze nodig zijn",
]


class Row:
    """A link row as the linking hands it to a write (``LinkRow``)."""

    def __init__(self, source: str, target: str) -> None:
        self.source, self.target = source, target

    def to_dict(self) -> dict[str, Any]:
        """The stored row."""
        return {"source": self.source, "target": self.target, "confidence": 0.9, "status": "auto",
                "evidence": [{"rule": "case embeds the video", "field": "body", "text": self.source, "position": 0}]}


def video(n: int, company: str, said: list[str], active: bool = True) -> list[Unit]:
    """A video and its passages (one per line said), all naming ``company``."""
    vid = f"vidMetalek{n}"
    head = Unit(id=f"video:{vid}", kind="video", parent=f"video:{vid}", source=f"youtube.video:{vid}",
                title=f"Duurzaam meedoen bij {company}", content="Pilotbedrijven uit de Metalektro vertellen.",
                url=f"https://www.youtube.com/watch?v={vid}", companies=[company], themes=["Inzetbaarheid"],
                year=2013, date=f"2013-11-0{n}", lang="nl", active=active,
                extra={"video_id": vid, "thumbnail": None, "duration": 300})
    passages = [Unit(id=f"passage:{vid}:nl:{p}", kind="passage", parent=head.id, source=f"transcript:{vid}",
                     title=head.title, content=text, url=f"{head.url}&t={p * 30}s", companies=[company],
                     themes=head.themes, year=2013, date=head.date, lang="nl", caption="manual", active=active,
                     extra={"video_id": vid, "start": p * 30.0, "end": p * 30.0 + 30,
                            "cues": [[p * 30.0, p * 30.0 + 30, text]]})
                for p, text in enumerate(said)]
    return [head, *passages]


def case(slug: str, company: str, sections: list[str]) -> list[Unit]:
    """A case page and its sections (one unit each, grouped under the case)."""
    head = Unit(id=f"case:{slug}", kind="case", parent=f"case:{slug}", source=f"site.case:{slug}",
                title="Duurzaam meedoen in de Metalektro", content=sections[0],
                url=f"https://www.kennisbanksocialeinnovatie.nl/kennis/{slug}/", case_ids=[slug],
                companies=[company], themes=["Inzetbaarheid"], sectors=["Metalektro"], year=2013, date="2013-12-01")
    return [head, *(Unit(**{**head.__dict__, "id": f"{head.id}#{i}", "content": text,
                            "extra": {"section": f"Deel {i}", "section_index": i}})
                    for i, text in enumerate(sections[1:], 1))]


def world() -> list[Unit]:
    """Three videos (one gone private) and two cases."""
    return [*video(1, "Alfa Laval", SAID[:3]), *video(2, "Photonis", SAID[1:4]),
            *video(3, "Neways", SAID[3:], active=False),
            *case("duurzaam-meedoen", "Alfa Laval", ["De pilotbedrijven werden begeleid door Berenschot.",
                                                      "invoeren van taakroulatie en werkoverleg",
                                                      "rust in de productie"]),
            *case("doorgeven", "Burgerhout", ["ergonomische maatregelen en werkoverleg"])]


@pytest.fixture(params=sorted(BACKENDS))
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchEngine]:
    """A backend over an empty data directory."""
    made = BACKENDS[request.param](tmp_path / "data")
    yield made
    made.close()


@pytest.fixture
def filled(engine: SearchEngine) -> SearchEngine:
    """A backend holding ``world()``."""
    engine.write(world(), [Row("video:vidMetalek1", "case:duurzaam-meedoen")])
    return engine


def find(engine: SearchEngine, text: str, **options: Any) -> SearchResult:
    """Search with no taxonomy."""
    return engine.search(text, Taxonomy(), SearchOptions(**options))


def ids(result: SearchResult) -> list[str]:
    """The results' groups, in order: ``video:<id>`` (shown by the video or one of its passages) or
    ``case:<slug>`` (by the case or a section)."""
    return [f"video:{r['video_id']}" if "video_id" in r else r["id"] for r in result["results"]]


# --- writing and reading -------------------------------------------------------------------------


def test_written_units_are_found_by_their_words(filled: SearchEngine) -> None:
    result = find(filled, "taakroulatie")
    assert sorted(ids(result)) == ["case:duurzaam-meedoen", "video:vidMetalek1", "video:vidMetalek2"]
    assert result["total"] == 3 and result["query"] == "taakroulatie" and not result["partial"]
    # Said in a passage of videos 1 and 2; the doorgeven case names the company but never writes it.
    assert sorted(ids(find(filled, "burgerhout"))) == ["video:vidMetalek1", "video:vidMetalek2"]
    assert find(filled, "zeppelin")["total"] == 0


def test_the_live_manifest_and_links_are_what_was_written(filled: SearchEngine) -> None:
    manifest = filled.manifest()
    assert set(manifest["units"]) == {u.id for u in world()}
    assert manifest["built_at"] and "units" not in filled.manifest(units=False)
    assert [(link["source"], link["target"]) for link in filled.links()] \
        == [("video:vidMetalek1", "case:duurzaam-meedoen")]
    assert filled.live_generation() is not None


def test_an_incremental_write_replaces_changed_units_and_deletes_missing_ones(filled: SearchEngine) -> None:
    units = world()
    gone = [u for u in units if u.id.startswith("case:doorgeven")]
    kept = [u for u in units if u not in gone]
    changed = next(u for u in kept if u.id == "passage:vidMetalek1:nl:0")
    changed.content = "een nieuwsbrief voor het personeel"
    report = filled.write(kept, [])
    assert (report.added, report.updated, report.deleted, report.rebuilt) == (0, 1, len(gone), False)
    assert "video:vidMetalek1" in ids(find(filled, "nieuwsbrief"))
    assert "video:vidMetalek1" not in ids(find(filled, "functioneringsgesprekken"))
    assert "case:doorgeven" not in ids(find(filled, "werkoverleg")) \
        and "case:duurzaam-meedoen" in ids(find(filled, "werkoverleg"))
    assert set(filled.manifest()["units"]) == {u.id for u in kept} and filled.links() == []


def test_a_rebuild_holds_exactly_the_units_given(filled: SearchEngine) -> None:
    report = filled.write(video(4, "Vitens", ["taakroulatie in de ploeg"]), [], rebuild=True)
    assert report.rebuilt and report.total == 2
    assert ids(find(filled, "taakroulatie")) == ["video:vidMetalek4"]


def test_a_generation_is_published_at_once(filled: SearchEngine) -> None:
    """While a write adds its units the old generation answers; after it, the new one; a write that
    fails leaves the old one live."""
    seen: list[int] = []

    def during(step: str, done: int, total: int | None) -> None:
        seen.append(find(filled, "nieuwsbrief")["total"])

    units = world() + case("nieuw", "Vitens", ["een nieuwsbrief voor het personeel"])
    filled.write(units, [], progress=during)
    assert seen and set(seen) == {0}
    assert find(filled, "nieuwsbrief")["total"] == 1

    def broken(step: str, done: int, total: int | None) -> None:
        raise OSError("disk full")

    before = filled.live_generation()
    with pytest.raises(OSError):
        filled.write(world() + case("kapot", "Vitens", ["een tweede nieuwsbrief"]), [], progress=broken)
    assert filled.live_generation() == before and find(filled, "nieuwsbrief")["total"] == 1


# --- groups, facets, filters ---------------------------------------------------------------------


def test_a_video_and_its_passages_are_one_result_with_its_moments(filled: SearchEngine) -> None:
    result = find(filled, "invoeren", include_inactive=True)  # said in video 1 (twice) and video 2 (once)
    by_id = dict(zip(ids(result), result["results"]))
    assert sorted(by_id) == ["case:duurzaam-meedoen", "video:vidMetalek1", "video:vidMetalek2"]
    one = by_id["video:vidMetalek1"]
    moments = one["moments"]
    assert len(moments) + one["more_moments"] + (one["kind"] == "passage") == 2
    assert all(m["kind"] == "passage" and m["video_id"] == "vidMetalek1" for m in moments)
    assert all("«" in m["snippet"] for m in moments)


def test_a_case_and_its_sections_are_one_result(filled: SearchEngine) -> None:
    result = find(filled, "werkoverleg OR pilotbedrijven")
    assert sorted(ids(result)) == ["case:doorgeven", "case:duurzaam-meedoen", "video:vidMetalek1", "video:vidMetalek2"]
    assert result["total"] == 4


def test_facets_count_groups_not_documents(filled: SearchEngine) -> None:
    facets = find(filled, "invoeren OR ergonomische OR taakroulatie")["facets"]
    # Matched: two passages of video 1 (Alfa Laval), one of video 2 (Photonis), two sections of the
    # duurzaam-meedoen case (Alfa Laval) and the doorgeven case (Burgerhout): each group counts once.
    assert facets["company"] == {"Alfa Laval": 2, "Photonis": 1, "Burgerhout": 1}
    assert facets["case"] == {"duurzaam-meedoen": 1, "doorgeven": 1}
    assert facets["theme"] == {"Inzetbaarheid": 4} and sum(facets["kind"].values()) == 4
    assert next(iter(facets["company"])) == "Alfa Laval"  # most first


def test_filters_narrow_and_exclude(filled: SearchEngine) -> None:
    assert sorted(ids(find(filled, "taakroulatie company:Photonis"))) == ["video:vidMetalek2"]
    assert sorted(ids(find(filled, "taakroulatie -company:Photonis"))) == ["case:duurzaam-meedoen", "video:vidMetalek1"]
    assert ids(find(filled, "kind:case werkoverleg", sort="date")) == ["case:duurzaam-meedoen", "case:doorgeven"]
    everything = find(filled, "kind:video", include_inactive=True)  # filters alone: newest first
    assert everything["sort"] == "date" and ids(everything) == [f"video:vidMetalek{n}" for n in (3, 2, 1)]


def test_inactive_videos_are_left_out_unless_asked_for(filled: SearchEngine) -> None:
    assert "video:vidMetalek3" not in ids(find(filled, "inzetbaar"))
    assert "video:vidMetalek3" in ids(find(filled, "inzetbaar", include_inactive=True))


@pytest.mark.parametrize("text", ['"taakroulatie', "(taakroulatie", "taakroulatie)", "year:dertien",
                                  "kind:podcast", "company:"])
def test_a_query_the_engine_cannot_run_raises_query_error(filled: SearchEngine, text: str) -> None:
    with pytest.raises(QueryError):
        find(filled, text)


def test_the_limit_caps_the_results_and_pages_do_not_overlap(filled: SearchEngine) -> None:
    query = "werkoverleg OR pilotbedrijven OR taakroulatie OR ergonomische"
    whole = ids(find(filled, query, limit=10))
    pages = [ids(find(filled, query, limit=2, offset=offset)) for offset in (0, 2)]
    assert len(whole) == 4 and [len(p) for p in pages] == [2, 2]
    assert pages[0] + pages[1] == whole
    assert find(filled, query, limit=1)["total"] == 4
    with pytest.raises(QueryError):
        find(filled, query, limit=10, offset=10_000)


# --- titles, suggestions, health -----------------------------------------------------------------


def test_titles_per_kind_are_the_group_heads(filled: SearchEngine) -> None:
    videos = filled.titles("video")
    assert set(videos) == {"video:vidMetalek1", "video:vidMetalek2", "video:vidMetalek3"}
    assert videos["video:vidMetalek1"] == {"title": "Duurzaam meedoen bij Alfa Laval", "active": True}
    assert videos["video:vidMetalek3"]["active"] is False
    assert set(filled.titles("case")) == {"case:duurzaam-meedoen", "case:doorgeven"}


@pytest.mark.parametrize("typed, meant", [("taakroulatei", "taakroulatie"), ("takroulatie", "taakroulatie"),
                                          ("ergonomishce", "ergonomische"), ("Burgerhoud", "burgerhout"),
                                          ("werkoverlag", "werkoverleg")])
def test_suggest_gives_the_index_word_a_misspelling_is_close_to(filled: SearchEngine, typed: str,
                                                                meant: str) -> None:
    assert filled.suggest(typed)[0] == meant


@pytest.mark.parametrize("typed", ["qzxwvk", "zeppelinhaven", "ta", "x" * 500, "", "twee woorden"])
def test_suggest_gives_nothing_for_what_is_like_no_word(filled: SearchEngine, typed: str) -> None:
    assert filled.suggest(typed) == []


def test_suggest_is_bounded_and_never_offers_the_word_itself_or_a_removed_one(filled: SearchEngine) -> None:
    assert "taakroulatie" not in filled.suggest("taakroulatie")
    assert len(filled.suggest("invoeren", limit=1)) <= 1 and filled.suggest("taakroulatei", limit=0) == []
    assert len(filled.suggest("invoeren", limit=10_000)) <= 20
    filled.write([u for u in world() if not u.id.startswith("case:doorgeven")], [])
    assert "ergonomische" in filled.suggest("ergonomishce")  # video 1 still says it
    filled.write([u for u in world() if "Burgerhout" not in u.content and not u.id.startswith("case:doorgeven")], [])
    assert "burgerhout" not in filled.suggest("burgerhoud")


def test_health_says_when_the_live_generation_was_built(filled: SearchEngine) -> None:
    health = filled.health()
    assert health == {"status": "ok", "index_built_at": filled.manifest(units=False)["built_at"]}


def test_health_and_search_on_no_index_raise_index_missing(engine: SearchEngine) -> None:
    assert engine.live_generation() is None
    for call in (engine.health, lambda: find(engine, "taakroulatie"), engine.manifest, engine.links,
                 lambda: engine.titles("case"), lambda: engine.suggest("taakroulatei")):
        with pytest.raises(IndexMissing):
            call()


def test_health_on_a_damaged_index_raises_index_corrupt(filled: SearchEngine) -> None:
    live = filled.live_generation()
    assert live is not None
    filled.close()
    for path in live.iterdir():
        if path.is_file():
            path.write_bytes(b"\x00garbage\x00" * 3)
    with pytest.raises(IndexCorrupt):
        filled.health()
    with pytest.raises(IndexCorrupt):
        find(filled, "taakroulatie")
