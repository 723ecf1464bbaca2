"""Links through a channel: a case page pointing at a channel ("more films on our channel") is
no evidence that each video there is about the case. A channel one case alone links suggests its
videos to that case (not accepted); a video there naming the case's company is placed with it; a
shared channel (several cases link it, other cases link its videos, the platform's own) suggests
nothing. The sample's case "Leren op de werkvloer bij Bouwbedrijf Hendriks" links the platform's
channel @kennisbanksocialeinnovatie this way (archive/sample/platform/kennis/…/index.html)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.linking.links import ACCEPT, CaseInfo, VideoInfo, decide, link_all, load_decisions
from index.text.taxonomy import Taxonomy

COMPANIES = ("Alfa Laval", "Neways", "Photonis", "Burgerhout", "Kuipers Verpakkingen")
CHANNELS = ("UC6XpRSGS236lYZmcCjkBE4g", "UCPtYgjmUhBel31iEl2hpChY", "UCxxxxxxxxxxxxxxxxxxxxxx")


def taxonomy() -> Taxonomy:
    tax = Taxonomy()
    for name in COMPANIES:
        tax.add("company", name)
    tax.add("theme", "Duurzame inzetbaarheid")
    return tax


def case(n: int, companies: tuple[str, ...], channels: tuple[str, ...], videos: tuple[str, ...] = ()) -> CaseInfo:
    return CaseInfo(f"case-{n}", f"Case {n}", companies, ("Duurzame inzetbaarheid",), videos, channels)


def video(n: int, channel: str, named: tuple[str, ...] = (), description: str = "") -> VideoInfo:
    title = f"Film {n}" + (" over " + " en ".join(named) if named else "")
    return VideoInfo(f"video{n:06d}", channel, title, description)


def case_links(links, source: str) -> dict[str, tuple[float, bool]]:  # type: ignore[no-untyped-def]
    """Every video → case link of a source, accepted or not: slug → (confidence, accepted)."""
    return {row.target[5:]: (row.confidence, row.accepted) for row in links
            if row.source == source and row.target.startswith("case:")}


def test_a_channel_one_case_links_only_suggests_its_videos_unless_they_name_the_company() -> None:
    seed = case(1, ("Alfa Laval",), (CHANNELS[0],))
    videos = [video(1, CHANNELS[0], ("Alfa Laval",)), video(2, CHANNELS[0]), video(3, CHANNELS[0], ("Neways",))]
    links = link_all([seed], videos, taxonomy())
    named = links.get("video:video000001", "case:case-1")
    assert named.accepted and named.confidence == 0.8 and {e.rule for e in named.evidence} == {
        "case links the channel", "case links the channel; video names its company"}
    assert links.targets("video:video000001", "theme:") == ["Duurzame inzetbaarheid"]
    for bare in ("video:video000002", "video:video000003"):  # the channel alone: a suggestion
        link = links.get(bare, "case:case-1")
        assert link is not None and not link.accepted and link.confidence < ACCEPT
        assert [(e.rule, e.text) for e in link.evidence] == [("case links the channel", CHANNELS[0])]
        # A suggestion gives the video none of the case's themes.
        assert links.targets(bare, "case:") == [] and links.targets(bare, "theme:") == []


def test_a_page_linking_its_channel_twice_is_still_the_one_case_of_that_channel() -> None:
    seed = case(1, (), (CHANNELS[0], CHANNELS[0]))
    link = link_all([seed], [video(1, CHANNELS[0])], taxonomy()).get("video:video000001", "case:case-1")
    assert link is not None and not link.accepted


def test_a_channel_whose_videos_other_cases_link_is_shared_and_suggests_nothing() -> None:
    # As the sample: one case says "more films on @kennisbanksocialeinnovatie", the other cases
    # embed their own film of that channel.
    pointing = case(1, ("Alfa Laval",), (CHANNELS[1],), videos=("video000001",))
    others = [case(n, (), (), videos=(f"video{n:06d}",)) for n in (2, 3)]
    videos = [video(1, CHANNELS[1], ("Alfa Laval",)), video(2, CHANNELS[1]), video(3, CHANNELS[1]),
              video(4, CHANNELS[1])]
    links = link_all([pointing, *others], videos, taxonomy())
    assert case_links(links, "video:video000001") == {"case-1": (1.0, True)}
    assert case_links(links, "video:video000002") == {"case-2": (1.0, True)}
    assert case_links(links, "video:video000004") == {}  # nothing places it, and no suggestion either
    assert links.targets("video:video000004", "theme:") == []


def test_the_platforms_own_channel_suggests_nothing() -> None:
    seed = case(1, ("Alfa Laval",), (CHANNELS[1],))
    videos = [video(1, CHANNELS[1], ("Alfa Laval",)), video(2, CHANNELS[1])]
    links = link_all([seed], videos, taxonomy(), own_channels=[CHANNELS[1]])
    assert case_links(links, "video:video000002") == {}
    # Naming the case's company still places a video of it with the case.
    assert case_links(links, "video:video000001") == {"case-1": (0.8, True)}
    assert case_links(link_all([seed], videos, taxonomy()), "video:video000002") == {"case-1": (0.4, False)}


def test_a_channel_several_cases_link_links_by_company_and_suggests_nothing() -> None:
    cases = [case(1, ("Alfa Laval",), (CHANNELS[1],)), case(2, ("Neways",), (CHANNELS[1],)),
             case(3, ("Photonis",), (CHANNELS[1],), videos=("video000004",))]
    videos = [video(1, CHANNELS[1], ("Alfa Laval",)), video(2, CHANNELS[1]),
              video(3, CHANNELS[1], ("Burgerhout",)), video(4, CHANNELS[1])]
    links = link_all(cases, videos, taxonomy())
    assert case_links(links, "video:video000001") == {"case-1": (0.8, True)}
    assert case_links(links, "video:video000002") == {}
    assert case_links(links, "video:video000003") == {}
    assert case_links(links, "video:video000004") == {"case-3": (1.0, True)}  # the case page links it


def test_a_channel_no_case_links_links_its_videos_to_no_case() -> None:
    links = link_all([case(1, ("Alfa Laval",), (CHANNELS[0],))], [video(1, CHANNELS[2], ("Alfa Laval",))],
                     taxonomy())
    assert links.get("video:video000001", "case:case-1") is None
    assert links.targets("video:video000001", "company:") == ["Alfa Laval"]


def test_decisions_override_the_channel_rule(data_dir: Path) -> None:
    cases = [case(1, (), (CHANNELS[0],)), case(2, (), (CHANNELS[1],)), case(3, (), (CHANNELS[1],))]
    videos = [video(1, CHANNELS[0]), video(2, CHANNELS[1])]
    decide(data_dir, "video:video000001", "case:case-1", "rejected", check=False)
    decide(data_dir, "video:video000002", "case:case-3", "confirmed", check=False)
    links = link_all(cases, videos, taxonomy(), load_decisions(data_dir))
    assert links.get("video:video000001", "case:case-1").status == "rejected"
    assert links.targets("video:video000001", "case:") == []
    assert links.targets("video:video000001", "theme:") == []
    assert links.targets("video:video000002", "case:") == ["case-3"]
    assert links.get("video:video000002", "case:case-2") is None


def test_a_person_confirming_a_channel_suggestion_places_the_video(data_dir: Path) -> None:
    decide(data_dir, "video:video000002", "case:case-1", "confirmed", check=False)
    links = link_all([case(1, (), (CHANNELS[0],))], [video(1, CHANNELS[0]), video(2, CHANNELS[0])], taxonomy(),
                     load_decisions(data_dir))
    assert links.targets("video:video000002", "case:") == ["case-1"]
    assert links.targets("video:video000002", "theme:") == ["Duurzame inzetbaarheid"]
    assert links.targets("video:video000001", "case:") == []


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[CaseInfo], list[VideoInfo]]:
    """Cases each naming some companies and linking some channels; videos naming some companies."""
    companies = st.lists(st.sampled_from(COMPANIES), max_size=2, unique=True).map(tuple)
    channels = st.lists(st.sampled_from(CHANNELS), max_size=2, unique=True).map(tuple)
    cases = [case(n, draw(companies), draw(channels)) for n in range(draw(st.integers(0, 5)))]
    videos = [video(n, draw(st.sampled_from(CHANNELS)), draw(companies)) for n in range(draw(st.integers(1, 6)))]
    return cases, videos


@settings(max_examples=150, deadline=None)
@given(worlds())
def test_channel_links_follow_the_rule_in_any_world(world: tuple[list[CaseInfo], list[VideoInfo]]) -> None:
    cases, videos = world
    links = link_all(cases, videos, taxonomy())
    for v in videos:
        source = f"video:{v.id}"
        named = {name for name in COMPANIES if name in v.title}
        on_channel = [c for c in cases if v.channel_id in c.channels]
        expected = {c.slug for c in on_channel if named & set(c.companies)}
        assert set(links.targets(source, "case:")) == expected
        suggested = {row.target[5:] for row in links if row.source == source and row.target.startswith("case:")
                     and not row.accepted}
        assert suggested == ({on_channel[0].slug} - expected if len(on_channel) == 1 else set())
        if not expected:
            assert links.targets(source, "theme:") == []


def test_the_configured_own_channels_are_read_as_ids(caplog: pytest.LogCaptureFixture) -> None:
    from archive.config import parse_config
    from index.linking.sources import _own_channels

    settings = parse_config('[youtube]\nown_channels = ["@KennisbankSocialeInnovatie", '
                            '"https://www.youtube.com/channel/UC6XpRSGS236lYZmcCjkBE4g", "@nooitgezien", "!!"]\n',
                            Path("casearchive.toml"))
    # Handles as the YouTube harvester resolved them (its state keys: the stored form, lower case).
    resolved = {"@kennisbanksocialeinnovatie": CHANNELS[1]}
    with caplog.at_level("WARNING"):
        assert _own_channels(settings.youtube.own_channels, resolved) == (CHANNELS[1], CHANNELS[0])
    said = caplog.text
    assert "@nooitgezien is not resolved yet" in said and "'!!'" in said
