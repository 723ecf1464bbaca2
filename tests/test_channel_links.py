"""Links through a channel: a channel one case links is that case's; one several cases link
links a video to the cases whose companies it names and suggests it to the rest."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from index.linking.links import ACCEPT, FEW_CHANNEL_CASES, CaseInfo, VideoInfo, decide, link_all, load_decisions
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


def test_every_video_of_a_channel_one_case_links_is_linked_to_it_with_the_channel_as_evidence() -> None:
    seed = case(1, ("Alfa Laval",), (CHANNELS[0],))
    videos = [video(1, CHANNELS[0], ("Alfa Laval",)), video(2, CHANNELS[0]), video(3, CHANNELS[0], ("Neways",))]
    links = link_all([seed], videos, taxonomy())
    for v in videos:
        link = links.get(f"video:{v.id}", "case:case-1")
        assert link is not None and link.accepted and link.confidence >= ACCEPT
        assert any(e.rule == "case links the channel" and e.text == CHANNELS[0] for e in link.evidence)
        # Through the case, the video shares its themes.
        assert links.targets(f"video:{v.id}", "theme:") == ["Duurzame inzetbaarheid"]
    named = links.get("video:video000001", "case:case-1")
    assert named.confidence == 0.8 and {e.rule for e in named.evidence} == {
        "case links the channel", "case links the channel; video names its company"}


def test_a_page_linking_its_channel_twice_is_still_the_one_case_of_that_channel() -> None:
    seed = case(1, (), (CHANNELS[0], CHANNELS[0]))
    links = link_all([seed], [video(1, CHANNELS[0])], taxonomy())
    assert links.get("video:video000001", "case:case-1").accepted


def test_a_channel_several_cases_link_links_by_company_and_suggests_the_rest() -> None:
    cases = [case(1, ("Alfa Laval",), (CHANNELS[1],)), case(2, ("Neways",), (CHANNELS[1],)),
             case(3, ("Photonis",), (CHANNELS[1],), videos=("video000004",))]
    videos = [video(1, CHANNELS[1], ("Alfa Laval",)), video(2, CHANNELS[1]),
              video(3, CHANNELS[1], ("Burgerhout",)), video(4, CHANNELS[1])]
    links = link_all(cases, videos, taxonomy())
    assert links.targets("video:video000001", "case:") == ["case-1"]
    for rest in ("case-2", "case-3"):  # placed with case-1, suggested to the channel's other cases
        suggestion = links.get("video:video000001", f"case:{rest}")
        assert suggestion is not None and not suggestion.accepted
        assert [e.rule for e in suggestion.evidence] == ["case links the channel"]
    for unplaced in ("video:video000002", "video:video000003"):
        assert links.targets(unplaced, "case:") == []
        for c in cases:
            suggestion = links.get(unplaced, f"case:{c.slug}")
            assert suggestion is not None and not suggestion.accepted
            assert suggestion.evidence[0].rule == "case links the channel"
            assert suggestion.evidence[0].text == CHANNELS[1]
        assert links.targets(unplaced, "theme:") == []  # no themes through a mere suggestion
    assert links.targets("video:video000004", "case:") == ["case-3"]  # the case page links it
    assert not links.get("video:video000004", "case:case-1").accepted
    assert links.get("video:video000004", "case:case-3").confidence == 1.0


def test_a_channel_many_cases_link_suggests_only_the_videos_nothing_places() -> None:
    cases = [case(n, ("Alfa Laval",) if n == 1 else (), (CHANNELS[1],)) for n in range(1, FEW_CHANNEL_CASES + 2)]
    links = link_all(cases, [video(1, CHANNELS[1], ("Alfa Laval",)), video(2, CHANNELS[1])], taxonomy())
    assert [row.target for row in links if row.source == "video:video000001" and row.target.startswith("case:")] == [
        "case:case-1"]
    suggested = [row for row in links if row.source == "video:video000002" and row.target.startswith("case:")]
    assert len(suggested) == len(cases) and not any(row.accepted for row in suggested)


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
    assert not links.get("video:video000002", "case:case-2").accepted


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
        if len(on_channel) == 1:
            expected = {on_channel[0].slug}
        else:
            expected = {c.slug for c in on_channel if named & set(c.companies)}
        assert set(links.targets(source, "case:")) == expected
        suggested = {row.target[5:] for row in links if row.source == source and row.target.startswith("case:")
                     and not row.accepted}
        assert suggested == ({c.slug for c in on_channel} - expected if len(on_channel) > 1 else set())
