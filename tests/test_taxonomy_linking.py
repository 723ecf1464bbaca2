"""The taxonomy file, and links with their evidence and people's decisions."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.errors import ConfigError, InputError
from index.linking.links import CaseInfo, VideoInfo, decide, link_all, load_decisions
from index.text.taxonomy import Taxonomy, add_case_labels, load_taxonomy, parse_taxonomy

TAXONOMY = """
[[company]]
name = "Alfa Laval"
aliases = ["Alfa-Laval", "AlfaLaval"]
sector = "Metalektro (HTSM)"

[[company]]
name = "Neways"

[[theme]]
name = "Duurzame inzetbaarheid"
synonyms = ["inzetbaarheid", "employability"]

[[sector]]
name = "Metalektro (HTSM)"
aliases = ["Metalektro", "HTSM"]
"""

SEED = CaseInfo(slug="duurzaam-meedoen-in-de-metalektro", title="Duurzaam meedoen in de Metalektro",
                companies=("Neways", "Alfa Laval", "Photonis"), themes=("Duurzame inzetbaarheid",),
                video_ids=(), channels=("UC6XpRSGS236lYZmcCjkBE4g",))


def taxonomy() -> Taxonomy:
    return parse_taxonomy(TAXONOMY, "taxonomy.toml")


def test_names_and_aliases_find_the_same_entry_regardless_of_case_and_accents() -> None:
    tax = taxonomy()
    assert tax.canonical("company", "alfa-laval") == "Alfa Laval"
    assert tax.canonical("company", "ALFALAVAL") == "Alfa Laval"
    assert tax.canonical("theme", "Employability") == "Duurzame inzetbaarheid"
    assert tax.canonical("sector", "htsm") == "Metalektro (HTSM)"
    assert tax.lookup("company", "Alfa Laval").sector == "Metalektro (HTSM)"
    assert tax.canonical("company", "Onbekend BV") == "Onbekend BV"


def test_case_labels_merge_into_the_curated_taxonomy_without_duplicates() -> None:
    tax = taxonomy()
    add_case_labels(tax, ["Duurzame inzetbaarheid", "Talentontwikkeling"], ["Metalektro (HTSM)"],
                    ["Neways", "Photonis"])
    assert [e.name for e in tax.entries("theme")] == ["Duurzame inzetbaarheid", "Talentontwikkeling"]
    assert [e.name for e in tax.entries("company")] == ["Alfa Laval", "Neways", "Photonis"]
    assert tax.lookup("company", "Photonis").sector == "Metalektro (HTSM)"


@pytest.mark.parametrize("text, message", [
    ("[[company]]\naliases = ['x']", "needs a name"),
    ("[[company]]\nname = 'A'\nsynonyms = ['x']", "unknown key 'synonyms'"),
    ("[[bedrijf]]\nname = 'A'", "unknown table"),
    ("[[theme]]\nname = 'A'\nsynonyms = 'x'", "must be a list of strings"),
    ("[[theme", "not valid TOML"),
])
def test_a_bad_taxonomy_names_the_problem(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_taxonomy(text, "taxonomy.toml")


def test_a_missing_taxonomy_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the taxonomy"):
        load_taxonomy(tmp_path / "nope.toml")
    assert load_taxonomy(None).entries("company") == []


def test_a_video_on_a_case_channel_naming_a_case_company_is_linked_with_evidence() -> None:
    video = VideoInfo("ZhyiA4uoRgn", "UC6XpRSGS236lYZmcCjkBE4g", "Alfa-Laval: taakroulatie", "Een lasser vertelt.")
    links = link_all([SEED], [video], taxonomy())
    link = links.get("video:ZhyiA4uoRgn", "case:duurzaam-meedoen-in-de-metalektro")
    assert link is not None and link.accepted and link.confidence == 0.8
    assert link.evidence[0].rule == "case links the channel; video names its company"
    assert link.evidence[0].text == "Alfa Laval"
    company = links.get("video:ZhyiA4uoRgn", "company:Alfa Laval")
    assert company.evidence[0].field == "title" and company.evidence[0].text == "Alfa-Laval"
    assert links.targets("video:ZhyiA4uoRgn", "theme:") == ["Duurzame inzetbaarheid"]  # via the case


def test_explicit_urls_link_both_ways() -> None:
    case = CaseInfo("werkdruk-omlaag", "Werkdruk omlaag", (), (), video_ids=("gCfrL1spNxn",), channels=())
    videos = [VideoInfo("gCfrL1spNxn", "UCother0000000000000000", "Webinar", ""),
              VideoInfo("yVmihA_2O76", "UCother0000000000000000", "Interview",
                        "Lees de case: https://www.kennisbanksocialeinnovatie.nl/kennis/werkdruk-omlaag/")]
    links = link_all([case], videos, Taxonomy())
    assert links.get("video:gCfrL1spNxn", "case:werkdruk-omlaag").evidence[0].rule == "case page links the video"
    described = links.get("video:yVmihA_2O76", "case:werkdruk-omlaag")
    assert described.confidence == 1.0 and described.evidence[0].field == "description"


def test_company_names_match_whole_words_only() -> None:
    tax = Taxonomy()
    tax.add("company", "Stork")
    links = link_all([], [VideoInfo("abcdefghijk", "UCx", "Storks en ooievaars", "")], tax)
    assert links.get("video:abcdefghijk", "company:Stork") is None


def test_rejected_links_stay_rejected_and_confirmed_ones_are_added(data_dir: Path) -> None:
    video = VideoInfo("ZhyiA4uoRgn", "UC6XpRSGS236lYZmcCjkBE4g", "Alfa Laval: taakroulatie", "")
    decide(data_dir, "video:ZhyiA4uoRgn", "case:duurzaam-meedoen-in-de-metalektro", "rejected", "andere case",
           check=False)
    decide(data_dir, "video:ZhyiA4uoRgn", "theme:Talentontwikkeling", "confirmed", check=False)
    decisions = load_decisions(data_dir)
    links = link_all([SEED], [video], taxonomy(), decisions)
    rejected = links.get("video:ZhyiA4uoRgn", "case:duurzaam-meedoen-in-de-metalektro")
    assert rejected.status == "rejected" and not rejected.accepted
    assert "Duurzame inzetbaarheid" not in links.targets("video:ZhyiA4uoRgn", "theme:")  # no theme via a rejected case
    added = links.get("video:ZhyiA4uoRgn", "theme:Talentontwikkeling")
    assert added.status == "confirmed" and added.evidence[0].rule == "curated"


def test_decisions_need_well_formed_link_ends(data_dir: Path) -> None:
    with pytest.raises(InputError, match="not a link end"):
        decide(data_dir, "ZhyiA4uoRgn", "case:x", "confirmed")
    with pytest.raises(InputError, match="not a link end"):
        decide(data_dir, "video:ZhyiA4uoRgn", "person:Jan", "confirmed")


def test_evidence_is_written_with_every_field() -> None:
    """links.json holds each piece of evidence whole (its hand-written dict keeps up with the class)."""
    from dataclasses import asdict

    from index.linking.links import Evidence

    evidence = Evidence("name mentioned", "transcript", "Alfa-Laval", 120)
    assert evidence.to_dict() == asdict(evidence)
