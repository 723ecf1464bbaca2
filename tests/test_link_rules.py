"""Linking as a list of rules: each rule makes its own links, the list runs in order, and a rule
added to it (the documented way to add one) is run with people's decisions applied to its links.

The world is the seed case of the sample platform (its real title, companies and channel id,
from /work/shared/reference/kennisbank/) with videos of the sample world (tests/sample_world.py)."""

from __future__ import annotations

import inspect

import pytest

from index.linking import links as linking
from index.linking import rules
from index.linking.links import CaseInfo, Evidence, VideoInfo, link_all
from index.text.taxonomy import Taxonomy, parse_taxonomy

CHANNEL = "UC6XpRSGS236lYZmcCjkBE4g"
SEED = CaseInfo(slug="duurzaam-meedoen-in-de-metalektro", title="Duurzaam meedoen in de Metalektro",
                companies=("Neways", "Alfa Laval", "Photonis"), themes=("Duurzame inzetbaarheid",),
                video_ids=("lHUvTCQCyEZ",), channels=(CHANNEL,),
                note_videos=(("U8po-799Nks", "https://kennisbank.example/notitie.pdf#page=2"),),
                url="https://kennisbank.example/kennis/duurzaam-meedoen-in-de-metalektro/")
OTHER = CaseInfo(slug="taakroulatie-bij-photonis", title="Taakroulatie bij Photonis", companies=("Photonis",),
                 themes=(), video_ids=(), channels=(CHANNEL,))
VIDEOS = [
    VideoInfo("lHUvTCQCyEZ", CHANNEL, "Medewerkers aan het woord: duurzame inzetbaarheid in de Metalektro",
              "Lees de case: https://kennisbank.example/kennis/duurzaam-meedoen-in-de-metalektro/"),
    VideoInfo("ZhyiA4uoRgn", CHANNEL, "Alfa Laval: taakroulatie en de competentiematrix",
              "Bij Alfa Laval rouleren medewerkers tussen taken."),
    VideoInfo("atmUdjAWtGS", CHANNEL, "Photonis: meer variatie in het werk door taakroulatie", "",
              "operators van photonis vertellen over inzetbaarheid"),
    VideoInfo("U8po-799Nks", CHANNEL, "Burgerhout: ergonomische maatregelen in de gieterij", ""),
]
TAXONOMY = """
[[company]]
name = "Alfa Laval"

[[company]]
name = "Photonis"

[[company]]
name = "Neways"

[[theme]]
name = "Duurzame inzetbaarheid"
synonyms = ["inzetbaarheid"]
"""


def taxonomy() -> Taxonomy:
    return parse_taxonomy(TAXONOMY, "taxonomy.toml")


def made(cases: tuple[CaseInfo, ...] = (SEED, OTHER),
         **kwargs: object) -> dict[tuple[str, str], tuple[float, list[str], str]]:
    """Each link of the world: its confidence, the rules of its evidence and its status."""
    return {(link.source, link.target): (round(link.confidence, 2), sorted({e.rule for e in link.evidence}),
                                         link.status)
            for link in link_all(list(cases), VIDEOS, taxonomy(), **kwargs)}  # type: ignore[arg-type]


def test_every_rule_says_its_evidence_and_confidence_and_runs_once() -> None:
    assert len(set(rules.RULES)) == len(rules.RULES) and linking.RULES is rules.RULES
    for rule in rules.RULES:
        doc = inspect.getdoc(rule) or ""
        assert "evidence" in doc.lower() and "confidence" in doc.lower(), rule.__name__


def test_each_rule_makes_the_links_of_its_own_evidence(monkeypatch: pytest.MonkeyPatch) -> None:
    everything = made()
    # The channel that two cases link suggests nothing; the seed's alone suggests its videos.
    seed_alone = made(cases=(SEED,))
    assert {rule for world in (everything, seed_alone) for _c, found, _s in world.values() for rule in found} >= {
        "case page", "case page links the video", "a note of the case links the video", "name mentioned",
        "theme mentioned", "description links the case", "case links the channel; video names its company",
        "case links the channel", "via the linked case"}
    assert everything[("video:ZhyiA4uoRgn", "company:Alfa Laval")] == (0.9, ["name mentioned"], "auto")
    # Said in the transcript (0.6 - 0.1), and shared with the seed case it is placed with (0.8 × 0.9).
    assert everything[("video:atmUdjAWtGS", "theme:Duurzame inzetbaarheid")] == (
        0.72, ["theme mentioned", "via the linked case"], "auto")
    without = [rule for rule in rules.RULES if rule is not rules.description_links_case]
    monkeypatch.setattr(rules, "RULES", without)
    monkeypatch.setattr(linking, "RULES", without)
    fewer = made()
    lost = {pair for pair in everything if pair not in fewer or fewer[pair] != everything[pair]}
    # The seed video is still linked to its case (the case page links it), one fact less.
    assert lost == {("video:lHUvTCQCyEZ", "case:duurzaam-meedoen-in-de-metalektro")}
    assert "description links the case" not in fewer[("video:lHUvTCQCyEZ", "case:duurzaam-meedoen-in-de-metalektro")][1]


def test_the_channel_rules_read_the_links_of_the_rules_before_them() -> None:
    everything = made()
    # The title says Photonis, a company of both cases on its channel: placed with both (0.8), so
    # suggested to none of them.
    for slug in ("duurzaam-meedoen-in-de-metalektro", "taakroulatie-bij-photonis"):
        assert everything[("video:atmUdjAWtGS", f"case:{slug}")] == (
            0.8, ["case links the channel; video names its company"], "auto")
    # Alfa Laval is the seed case's only: placed there; a channel two cases link suggests it to
    # neither, nor the Burgerhout video (its note places it with the seed case).
    assert ("video:ZhyiA4uoRgn", "case:taakroulatie-bij-photonis") not in everything
    assert ("video:U8po-799Nks", "case:taakroulatie-bij-photonis") not in everything
    # The seed's own channel (no other case links it) suggests each video to it, at 0.4, and one
    # naming its company places it there.
    alone = made(cases=(SEED,))
    assert alone[("video:ZhyiA4uoRgn", "case:duurzaam-meedoen-in-de-metalektro")] == (
        0.8, ["case links the channel", "case links the channel; video names its company"], "auto")


def test_a_rule_added_to_the_list_is_run_and_people_decide_on_its_links(monkeypatch: pytest.MonkeyPatch) -> None:
    def title_names_case(links: rules.Links, world: rules.World) -> None:
        """A video title that says a case's title: video → case, confidence 0.7 (evidence "title says the case")."""
        for video in world.videos:
            for case in world.cases:
                if case.title.lower() in video.title.lower():
                    links.add(f"video:{video.id}", f"case:{case.slug}", 0.7,
                              Evidence("title says the case", "title", case.title))

    added = [*rules.RULES, title_names_case]
    monkeypatch.setattr(linking, "RULES", added)
    pair = ("video:ZhyiA4uoRgn", "case:taakroulatie-bij-photonis")
    renamed = VideoInfo("ZhyiA4uoRgn", "UCother", "Taakroulatie bij Photonis: de film", "")
    found = {(link.source, link.target): link for link in link_all([SEED, OTHER], [renamed], taxonomy())}
    assert found[pair].confidence == 0.7 and found[pair].evidence[-1].rule == "title says the case"
    rejected = {pair: {"source": pair[0], "target": pair[1], "decision": "rejected"}}
    decided = {(link.source, link.target): link for link in link_all([SEED, OTHER], [renamed], taxonomy(), rejected)}
    assert decided[pair].status == "rejected" and not decided[pair].accepted
