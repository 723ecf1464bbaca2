"""Remembered mentions: a build that reuses them links exactly as one that searches every text."""

from __future__ import annotations

import logging
import random
from pathlib import Path

import pytest

from index.linking.links import CaseInfo, VideoInfo, link_all
from index.linking.mentions import MentionCache, mentions_path
from index.text.taxonomy import Taxonomy

WERKVLOER_VIDEO = "tDDb-xHKas1"  # the sample video whose captions say "werkvloer"
WORDS = "werkdruk rooster ploeg overleg zorg team lasser pauze gesprek scholing de het een en met".split()


def taxonomy(companies: dict[str, list[str]]) -> Taxonomy:
    tax = Taxonomy()
    for name, aliases in companies.items():
        tax.add("company", name, aliases)
    for theme in ("Werkdruk", "Scholing", "Teamleren"):
        tax.add("theme", theme)
    return tax


def videos(seed: int, names: list[str], count: int = 60) -> list[VideoInfo]:
    """Videos whose titles, descriptions and transcripts mention names now and then."""
    rng = random.Random(seed)

    def text(n: int) -> str:
        words = [rng.choice(WORDS) for _ in range(n)]
        for _ in range(rng.randrange(3)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(names))
        return " ".join(words)

    return [VideoInfo(f"vid{n:08d}", "UCchannel", text(6), text(30), text(200)) for n in range(count)]


BEFORE = {"Kuipers Verpakkingen": ["Kuipers"], "Van Dijk Drukkerij": [], "Coöperatie Noord": ["Coop Noord"],
          "Smit Garage": [], "Alfa Laval": ["Alfa-Laval"]}
# An alias added, an entry gone, a new entry whose name the old texts already mention, one unchanged.
AFTER = {"Kuipers Verpakkingen": ["Kuipers", "KV Groep"], "Van Dijk Drukkerij": [], "Coöperatie Noord": ["Coop Noord"],
         "Alfa Laval": ["Alfa-Laval"], "Hendriks Bouw": [], "Brüning Techniek": []}
SPOKEN = ["Kuipers", "KV Groep", "Van Dijk Drukkerij", "Cooperatie Noord", "Smit Garage", "Alfa-Laval",
          "Hendriks Bouw", "Werkdruk", "Scholing", "Brüning Techniek", "BRUNING techniek"]
CASES = [CaseInfo("case-a", "Case A", ("Kuipers Verpakkingen",), ("Werkdruk",), (), ("UCchannel",))]


def links_of(links) -> list[dict]:  # type: ignore[no-untyped-def]
    return [link.to_dict() for link in links]


def test_remembered_mentions_give_the_links_a_full_search_gives(tmp_path: Path) -> None:
    path = mentions_path(tmp_path)
    old = videos(1, SPOKEN)
    first = MentionCache(path)
    link_all(CASES, old, taxonomy(BEFORE), mentions=first)
    first.save()
    assert first.summary()["company"] == (0, 3 * len(old))  # nothing remembered yet

    # A few texts change, most do not; the names change as above.
    new = old[:50] + videos(2, SPOKEN, count=10)
    second = MentionCache(path)
    remembered = link_all(CASES, new, taxonomy(AFTER), mentions=second)
    searched_fresh = link_all(CASES, new, taxonomy(AFTER))
    assert links_of(remembered) == links_of(searched_fresh)
    assert any(row.target == "company:Hendriks Bouw" for row in remembered)
    assert any(row.target == "company:Brüning Techniek" for row in remembered)
    assert not any(row.target == "company:Smit Garage" for row in remembered)
    reused, searched = second.summary()["company"]
    assert reused == 3 * 50 and searched <= 3 * 10  # the old texts were not searched in full
    second.save()

    # Unchanged names and texts: nothing is searched, the links are the same.
    third = MentionCache(path)
    again = link_all(CASES, new, taxonomy(AFTER), mentions=third)
    assert links_of(again) == links_of(searched_fresh)
    assert third.summary()["company"][1] == 0 and third.summary()["theme"][1] == 0


def test_a_refresh_or_a_damaged_file_searches_every_text(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = mentions_path(tmp_path)
    items = videos(3, SPOKEN, count=10)
    cache = MentionCache(path)
    expected = links_of(link_all(CASES, items, taxonomy(BEFORE), mentions=cache))
    cache.save()
    refreshed = MentionCache(path, refresh=True)
    assert links_of(link_all(CASES, items, taxonomy(BEFORE), mentions=refreshed)) == expected
    assert refreshed.summary()["company"] == (0, 30)

    path.write_bytes(b"\x80\x05not a pickle")
    with caplog.at_level(logging.WARNING):
        damaged = MentionCache(path)
    assert "do not load" in caplog.text
    assert links_of(link_all(CASES, items, taxonomy(BEFORE), mentions=damaged)) == expected
    assert damaged.summary()["company"] == (0, 30)


def test_an_update_with_changed_names_indexes_what_a_rebuild_does(tmp_path: Path,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    """The sample archive, built; then the taxonomy gains names said in the transcripts and a new
    alias. An update (mentions remembered, only the changes looked for, passages of transcripts
    without them not looked at) writes the very units and links that a rebuild writes."""
    import json
    import shutil

    from click.testing import CliRunner

    from archive.config import Settings
    from index.engine.build import current_generation, read_manifest
    from index.cli import cli
    from index.services.demo import sample_root
    from index.linking.links import decide
    from index.engine.search import SearchOptions, run_search
    from index.services.library import build

    demo = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["--data", str(demo), "demo"])
    assert result.exit_code == 0, result.output
    taxonomy_file = tmp_path / "taxonomy.toml"
    taxonomy_file.write_text((sample_root() / "taxonomy.toml").read_text(encoding="utf-8").replace(
        'aliases = ["Neways Electronics"]', 'aliases = ["Neways Electronics", "Metalektro"]') + """
[[company]]
name = "Duurzaam Meedoen Groep"
aliases = ["Duurzaam meedoen"]

[[company]]
name = "Werkvloer BV"
aliases = ["werkvloer"]
""", encoding="utf-8")
    # A person rejected the link of the video that says "werkvloer" to that company: neither the
    # video nor the passage that says it carries it (the passage's own look finds it and leaves it).
    decide(demo, f"video:{WERKVLOER_VIDEO}", "company:Werkvloer BV", "rejected", check=False)
    updated, rebuilt = tmp_path / "updated", tmp_path / "rebuilt"
    shutil.copytree(demo, updated, symlinks=True)
    shutil.copytree(demo, rebuilt, symlinks=True)
    with caplog.at_level(logging.INFO):
        build(Settings(data_dir=updated, taxonomy=taxonomy_file))
    assert "texts remembered" in caplog.text and "company 0 texts remembered" not in caplog.text
    build(Settings(data_dir=rebuilt, taxonomy=taxonomy_file), rebuild=True)

    def written(data_dir: Path) -> tuple[dict, list]:  # type: ignore[type-arg]
        live = current_generation(data_dir)
        return read_manifest(live)["units"], json.loads((live / "links.json").read_text(encoding="utf-8"))

    units, links = written(updated)
    assert units == written(rebuilt)[0]
    assert links == written(rebuilt)[1]
    named = {row["target"] for row in links if row["source"].startswith("video:")}
    assert {"company:Duurzaam Meedoen Groep", "company:Werkvloer BV"} <= named
    said = run_search(updated, "company:Werkvloer", Taxonomy(), SearchOptions(limit=50))
    assert [r["kind"] for r in said["results"] if WERKVLOER_VIDEO in r["id"]] == []
    said = run_search(updated, "werkvloer", Taxonomy(), SearchOptions(limit=50))
    assert "passage" in [r["kind"] for r in said["results"] if WERKVLOER_VIDEO in r["id"]]


def test_many_new_names_are_found_through_the_word_pre_test(tmp_path: Path) -> None:
    """More new entries than a finder tries name by name (``FEW``): remembered texts are first
    tested for every word of a new name; the links are still those of a full search."""
    from index.linking.links import FEW

    new = {f"Bouwbedrijf Nummer{n}": [f"BN{n} Groep"] for n in range(FEW + 16)}
    spoken = SPOKEN + ["Bouwbedrijf Nummer3", "BN70 Groep", "bouwbedrijf nummer77", "Bouwbedrijf", "Nummer5"]
    items = videos(4, spoken)
    path = mentions_path(tmp_path)
    first = MentionCache(path)
    link_all(CASES, items, taxonomy(BEFORE), mentions=first)
    first.save()
    second = MentionCache(path)
    remembered = link_all(CASES, items, taxonomy({**BEFORE, **new}), mentions=second)
    assert links_of(remembered) == links_of(link_all(CASES, items, taxonomy({**BEFORE, **new})))
    named = {row.target for row in remembered}
    assert {"company:Bouwbedrijf Nummer3", "company:Bouwbedrijf Nummer70", "company:Bouwbedrijf Nummer77"} <= named
    assert "company:Bouwbedrijf Nummer5" not in named  # its words, not its name
    assert second.summary()["company"][1] == 0  # every text remembered, only the new names looked for
