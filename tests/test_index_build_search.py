"""Builds (incremental, atomic, schema-versioned) and the query language, on small known units."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from index.engine import build as build_module
from index.engine.build import IndexMissing, current_generation, write_index
from index.linking.links import LinkSet
from index.engine.query import QueryError
from index.engine.schema import Unit
from index.engine.search import SearchOptions, run_search
from index.text.taxonomy import Taxonomy

SEED_TEXT = ("Invoeren van taakroulatie bij Alfa Laval en Photonis. Functioneringsgesprekken in alle "
             "pilotbedrijven. Minder gezondheidsklachten en nieuwe ideeën over ergonomie.")


def units() -> list[Unit]:
    seed = Unit(id="case:duurzaam-meedoen", kind="case", parent="case:duurzaam-meedoen", source="site.case:a",
                title="Duurzaam meedoen in de Metalektro", content=SEED_TEXT, url="https://k.nl/kennis/duurzaam-meedoen/",
                case_ids=["duurzaam-meedoen"], companies=["Alfa Laval", "Photonis"],
                themes=["Duurzame inzetbaarheid"], sectors=["Metalektro (HTSM)"], year=2013, date="2013")
    other = Unit(id="case:zelfroosteren", kind="case", parent="case:zelfroosteren", source="site.case:b",
                 title="Zelfroosteren in de zorg", content="Medewerkers maken hun eigen rooster; de coöperatie groeit.",
                 url="https://k.nl/kennis/zelfroosteren/", case_ids=["zelfroosteren"], themes=["Werkdruk"],
                 sectors=["Zorg"], year=2016, date="2016-03-01")
    video = Unit(id="video:ZhyiA4uoRgn", kind="video", parent="video:ZhyiA4uoRgn", source="youtube.video:Z",
                 title="Alfa Laval: taakroulatie", content="Een lasser over roulatie.",
                 url="https://www.youtube.com/watch?v=ZhyiA4uoRgn", case_ids=["duurzaam-meedoen"],
                 companies=["Alfa Laval"], year=2013, date="2013-11-27", lang="nl",
                 extra={"video_id": "ZhyiA4uoRgn", "thumbnail": None, "duration": 312})
    cues = [[30.0, 34.0, "ik werk hier al twintig jaar als lasser"], [34.0, 38.5, "en door de taakroulatie heb ik"],
            [38.5, 42.0, "minder last van mijn rug"]]
    passage = Unit(id="passage:ZhyiA4uoRgn:nl:0", kind="passage", parent="video:ZhyiA4uoRgn",
                   source="transcript:Z", title="Alfa Laval: taakroulatie", content=" ".join(c[2] for c in cues),
                   url="https://www.youtube.com/watch?v=ZhyiA4uoRgn&t=30s", case_ids=["duurzaam-meedoen"],
                   companies=["Alfa Laval"], year=2013, date="2013-11-27", lang="nl", caption="manual",
                   extra={"video_id": "ZhyiA4uoRgn", "start": 30.0, "end": 42.0, "cues": cues})
    gone = Unit(id="video:goneGONE123", kind="video", parent="video:goneGONE123", source="youtube.video:g",
                title="Taakroulatie oud filmpje", content="", url="https://www.youtube.com/watch?v=goneGONE123",
                year=2012, active=False, extra={"video_id": "goneGONE123"})
    return [seed, other, video, passage, gone]


@pytest.fixture
def indexed(data_dir: Path) -> Path:
    write_index(data_dir, units(), LinkSet())
    return data_dir


def search(data_dir: Path, text: str, **options: object) -> dict:
    return run_search(data_dir, text, Taxonomy(), SearchOptions(**options))  # type: ignore[arg-type]


def ids(result: dict) -> list[str]:
    """Result ids, a video's results named by their video (its best hit may be a passage)."""
    return [f"video:{r['video_id']}" if r.get("video_id") else r["id"] for r in result["results"]]


def test_searching_before_any_build_says_how_to_build(data_dir: Path) -> None:
    with pytest.raises(IndexMissing, match="casearchive index"):
        search(data_dir, "taakroulatie")


@pytest.mark.parametrize("query, expected", [
    ("roulatie", {"case:duurzaam-meedoen", "video:ZhyiA4uoRgn"}),  # compound part
    ("gesprek", {"case:duurzaam-meedoen"}),  # functioneringsgesprekken
    ("klachten", {"case:duurzaam-meedoen"}),  # gezondheidsklachten
    ("ideeen", {"case:duurzaam-meedoen"}),  # accent folding
    ("cooperatie", {"case:zelfroosteren"}),
    ("medewerker", {"case:zelfroosteren"}),  # stemming
    ("taakroulatie photonis", {"case:duurzaam-meedoen"}),  # AND
    ("photonis OR rooster", {"case:duurzaam-meedoen", "case:zelfroosteren"}),
    ("taakroulatie -photonis", {"video:ZhyiA4uoRgn"}),
    ("taakroulatie NOT photonis", {"video:ZhyiA4uoRgn"}),
    ("ergonom*", {"case:duurzaam-meedoen"}),
    ("functionerings*", {"case:duurzaam-meedoen"}),  # a prefix is the letters as typed, not a stem
    ("coopera*", {"case:zelfroosteren"}),
    ("ergonmie~", {"case:duurzaam-meedoen"}),
    ('"invoeren van taakroulatie"', {"case:duurzaam-meedoen"}),
    ('"van invoeren taakroulatie"', set()),  # a phrase keeps its order
    ('"invoeren taakroulatie"', set()),  # and its words: no stop word is skipped
])
def test_query_language_finds_what_it_should(indexed: Path, query: str, expected: set[str]) -> None:
    assert set(ids(search(indexed, query))) == expected


@pytest.mark.parametrize("query, expected", [
    ("company:alfa-laval", {"case:duurzaam-meedoen", "video:ZhyiA4uoRgn"}),
    ('theme:"Duurzame inzetbaarheid"', {"case:duurzaam-meedoen"}),
    ("case:zelfroosteren", {"case:zelfroosteren"}),
    ('sector:"metalektro (htsm)"', {"case:duurzaam-meedoen"}),
    ("kind:video", {"video:ZhyiA4uoRgn"}),
    ("year:2016", {"case:zelfroosteren"}),
    ("year:2012..2014 kind:case", {"case:duurzaam-meedoen"}),
    ("lang:nl caption:manual", {"video:ZhyiA4uoRgn"}),
    ("kind:case kind:note", {"case:duurzaam-meedoen", "case:zelfroosteren"}),  # one filter's values: either
    ("taakroulatie -company:photonis", {"video:ZhyiA4uoRgn"}),
])
def test_field_filters(indexed: Path, query: str, expected: set[str]) -> None:
    assert set(ids(search(indexed, query))) == expected


def test_a_video_collapses_with_its_moments_and_the_link_lands_on_the_cue(indexed: Path) -> None:
    result = search(indexed, "rug")
    (hit,) = result["results"]
    assert hit["kind"] == "passage" and hit["video_id"] == "ZhyiA4uoRgn"
    assert hit["start"] == 38 and hit["url"] == "https://www.youtube.com/watch?v=ZhyiA4uoRgn&t=38s"
    grouped = search(indexed, "taakroulatie kind:video OR kind:passage")
    assert ids(grouped) == ["video:ZhyiA4uoRgn"]
    both = search(indexed, "roulatie company:alfa-laval")
    video_groups = [r for r in both["results"] if r.get("video_id") == "ZhyiA4uoRgn"]
    assert len(video_groups) == 1
    assert len(video_groups[0]["moments"]) == 1 and video_groups[0]["moments"][0]["start"] == 34


def test_inactive_videos_are_hidden_unless_asked_for(indexed: Path) -> None:
    assert "video:goneGONE123" not in ids(search(indexed, "taakroulatie"))
    shown = search(indexed, "taakroulatie", include_inactive=True)
    gone = next(r for r in shown["results"] if r["id"] == "video:goneGONE123")
    assert gone["active"] is False


def test_facets_count_results_per_value(indexed: Path) -> None:
    facets = search(indexed, "roulatie OR rooster")["facets"]
    assert facets["company"] == {"Alfa Laval": 2, "Photonis": 1}
    assert facets["year"] == {"2013": 2, "2016": 1}
    # Per kind: the results with a matching document of that kind (a video whose passage says it too).
    assert facets["kind"] == {"case": 2, "video": 1, "passage": 1}
    assert facets["case"]["duurzaam-meedoen"] == 2


@pytest.mark.parametrize("text", ["roulatie OR rooster", "gesprek", "werk*", "rooster -taakroulatie"])
def test_a_facet_count_is_what_clicking_it_finds(indexed: Path, text: str) -> None:
    out = search(indexed, text)
    assert out["total"] > 0
    for name, field in (("kind", "kind"), ("company", "company"), ("theme", "theme"), ("year", "year")):
        for value, count in out["facets"][name].items():
            narrowed = search(indexed, f'{text} {field}:"{value}"', limit=50)
            assert narrowed["total"] == count, (name, value)


def test_snippets_mark_the_matched_words_including_compound_parts(indexed: Path) -> None:
    (hit,) = search(indexed, "gesprek")["results"]
    assert "«Functioneringsgesprekken»" in hit["snippet"]


def test_sort_by_date_puts_the_newest_first(indexed: Path) -> None:
    result = search(indexed, "roulatie OR rooster", sort="date")
    assert ids(result)[0] == "case:zelfroosteren"


@pytest.mark.parametrize("query, message", [
    ("", "empty"), ('"taakroulatie', "unbalanced quote"), ("(taak OR rooster", "never closed"),
    ("taak)", "closes nothing"), ("kanaal:Neways", "unknown field 'kanaal:'"), ("year:dertien", "not a year"),
    ("year:2016..2012", "empty range"), ("kind:podcast", "not a kind"), ("caption:handmatig", "not a caption kind"),
    ("*ing", "wildcard needs at least two letters"), ("x" * 600, "too long"), ("de het een", "no searchable words"),
    ("company:", "company: needs a value"), ("company: neways", "company: needs a value"),
    ("taakroulatie~9", "at most 2 edits"),
])
def test_a_malformed_query_gets_a_clear_message(indexed: Path, query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        search(indexed, query)


def test_an_unchanged_archive_touches_nothing_and_one_change_touches_one_unit(data_dir: Path) -> None:
    first = write_index(data_dir, units(), LinkSet())
    assert first.rebuilt and first.added == 5
    again = write_index(data_dir, units(), LinkSet())
    assert (again.touched, again.unchanged, again.rebuilt) == (0, 5, False)
    changed = units()
    changed[1].content += " Nieuw: een generatiepact."
    del changed[4]
    third = write_index(data_dir, changed, LinkSet())
    assert (third.updated, third.deleted, third.added) == (1, 1, 0)
    assert sorted(third.touched_ids) == ["case:zelfroosteren", "video:goneGONE123"]
    assert ids(search(data_dir, "generatiepact")) == ["case:zelfroosteren"]
    assert "video:goneGONE123" not in ids(search(data_dir, "taakroulatie", include_inactive=True))


def test_a_schema_change_forces_a_rebuild(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_index(data_dir, units(), LinkSet())
    monkeypatch.setattr(build_module, "SCHEMA_VERSION", 999)
    report = write_index(data_dir, units(), LinkSet())
    assert report.rebuilt and "schema" in report.reason


def test_a_crash_during_a_build_leaves_the_old_index_answering(data_dir: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    write_index(data_dir, units(), LinkSet())
    before = current_generation(data_dir)
    changed = units()
    changed[0].content = "Alles is anders."

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(build_module, "_swap", crash)
    with pytest.raises(RuntimeError):
        write_index(data_dir, changed, LinkSet())
    monkeypatch.undo()
    assert current_generation(data_dir) == before
    assert ids(search(data_dir, "gesprek")) == ["case:duurzaam-meedoen"]
    report = write_index(data_dir, changed, LinkSet())  # the next build completes and cleans up
    assert report.updated == 1
    assert len([p for p in (data_dir / "index").glob("gen-*")]) <= 3


def test_an_unreadable_index_is_rebuilt(data_dir: Path) -> None:
    write_index(data_dir, units(), LinkSet())
    live = current_generation(data_dir)
    for toc in live.glob("*.toc"):
        toc.write_bytes(b"garbage")
    report = write_index(data_dir, units(), LinkSet())
    assert report.rebuilt and "unreadable" in report.reason
    assert ids(search(data_dir, "gesprek")) == ["case:duurzaam-meedoen"]


def test_the_manifest_records_build_time_and_schema(indexed: Path) -> None:
    manifest = json.loads((current_generation(indexed) / "manifest.json").read_text())
    assert manifest["schema_version"] >= 1 and manifest["built_at"].endswith("Z")
    assert search(indexed, "gesprek")["index_built_at"] == manifest["built_at"]
    assert os.path.islink(indexed / "index" / "current")


def test_a_temporary_link_left_by_a_killed_build_is_removed(data_dir: Path) -> None:
    write_index(data_dir, units(), LinkSet())
    dead = data_dir / "index" / ".current-999999999"
    os.symlink("gen-none", dead)
    mine = data_dir / "index" / f".current-{os.getpid()}-other"
    os.symlink("gen-none", mine)
    write_index(data_dir, units(), LinkSet())
    assert not dead.is_symlink()
    assert mine.is_symlink()  # not a pid name: left alone


def test_a_pasted_web_address_gets_a_hint_not_a_field_error(indexed: Path) -> None:
    with pytest.raises(QueryError, match="a web address is not searchable text"):
        search(indexed, "https://www.kennisbanksocialeinnovatie.nl/kennis/duurzaam-meedoen/")
