"""A video description links a case by the case page's own address, wherever the site keeps its
cases (``/praktijk/…`` as well as ``/kennis/…``), and no part of an address is read as a company."""

from __future__ import annotations

import shutil

import pytest

from index.engine.build import read_links
from index.linking.links import CaseInfo, VideoInfo, address_key, link_all, name_finder
from index.text.taxonomy import Taxonomy
from tests.fake_youtube import FakeVideo
from tests.update_world import World, world  # noqa: F401 (the fixture)

PAGE = "https://www.zorgplatform.example/praktijk/zorgteam-oost/"


def zorg_taxonomy() -> Taxonomy:
    taxonomy = Taxonomy()
    taxonomy.add("company", "Zorgteam Oost", curated=True)
    return taxonomy


def zorg_case() -> CaseInfo:
    return CaseInfo("zorgteam-oost", "Zelfroosteren", ("Zorgteam Oost",), (), ("ZhyiA4uoRgn",), (), url=PAGE)


@pytest.mark.parametrize("written", [
    "http://zorgplatform.example/praktijk/zorgteam-oost/", "https://www.zorgplatform.example/praktijk/zorgteam-oost",
    "HTTPS://ZORGPLATFORM.EXAMPLE/praktijk/zorgteam-oost/?utm_source=youtube#verhaal",
    "www.zorgplatform.example/praktijk/zorgteam-oost/."])
def test_a_description_links_the_case_by_its_address_in_any_form(written: str) -> None:
    video = VideoInfo("ZhyiA4uoRgn", "UCx", "Roosteren in de wijk",
                      f"Lees het hele verhaal: {written} Veel kijkplezier.")
    links = link_all([zorg_case()], [video], zorg_taxonomy())
    evidence = links.get("video:ZhyiA4uoRgn", "case:zorgteam-oost").evidence  # type: ignore[union-attr]
    assert {e.rule for e in evidence} == {"case page links the video", "description links the case"}
    assert [e.text for e in evidence if e.rule == "case page links the video"] == [PAGE]  # its real address
    assert links.targets("video:ZhyiA4uoRgn", "company:") == []  # the address's slug is no company


def test_an_address_of_another_site_or_page_links_no_case() -> None:
    for written in ("https://andere-site.example/praktijk/zorgteam-oost/",
                    "https://zorgplatform.example/praktijk/zorgteam-oost-2/"):
        video = VideoInfo("U8po-799Nks", "UCx", "Roosteren", f"Zie {written}")
        assert link_all([zorg_case()], [video], zorg_taxonomy()).targets("video:U8po-799Nks", "case:") == []


def test_address_key_ignores_scheme_www_query_fragment_and_trailing_slash() -> None:
    assert {address_key(a) for a in ("http://www.k.nl/praktijk/x/?a=1#b", "https://k.nl/praktijk/x",
                                     "K.NL/praktijk/x/")} \
        == {"k.nl/praktijk/x"}


@pytest.mark.parametrize("text", [
    "Meer op https://zorgplatform.example/praktijk/zorgteam-oost/ en in de nieuwsbrief.",
    "Mail naar planning@zorgteam-oost.example voor het rooster.",
    "Bron: zorgplatform.example/zorgteam-oost/rooster.pdf", "Lees (/praktijk/zorgteam-oost/) op de site."])
def test_no_part_of_an_address_is_a_company_mention_in_any_text(text: str) -> None:
    finder = name_finder(zorg_taxonomy(), "company")
    assert finder.find(text) == []
    assert [e for e, _ in finder.find(f"{text} Bij Zorgteam Oost rooster je zelf.")] == ["Zorgteam Oost"]


def test_a_real_build_links_the_video_to_a_praktijk_case_and_makes_no_company_of_its_address(world: World) -> None:  # noqa: F811
    """The site keeps one case under /praktijk/; a new upload's description links it by address."""
    listing = world.platform / "praktijk"
    (listing / "zorgteam-oost").mkdir(parents=True)
    html = (world.platform / "kennis" / "index.html").read_text(encoding="utf-8")
    (listing / "index.html").write_text(
        html.replace("/kennis/duurzaam-meedoen-in-de-metalektro/", "/praktijk/zorgteam-oost/"), encoding="utf-8")
    shutil.copyfile(world.platform / "kennis" / "zelfroosteren-in-het-ziekenhuis" / "index.html",
                    listing / "zorgteam-oost" / "index.html")
    page = listing / "zorgteam-oost" / "index.html"
    text = page.read_text(encoding="utf-8")
    at = text.index("</h2>", text.index("<article")) + len("</h2>")
    page.write_text(f"{text[:at]}\n<p>Bij Zorgteam Oost roosteren de wijkverpleegkundigen zelf.</p>{text[at:]}",
                    encoding="utf-8")
    config = world.config.read_text(encoding="utf-8")
    world.config.write_text(config.replace('start_urls = [', f'start_urls = ["{world.server.url}/praktijk/", '),
                            encoding="utf-8")
    world.youtube.channels["UCPtYgjmUhBel31iEl2hpChY"].upload(FakeVideo(
        "pR4kT1jkZo2", "Zelf roosteren in de wijk",
        f"Wijkverpleegkundigen vertellen hoe zij hun eigen rooster maken.\n\n"
        f"Lees de case: {world.server.url}/praktijk/zorgteam-oost?utm_source=youtube",
        published_at="2026-11-02T10:00:00Z"))
    world.update()
    links = {(row["source"], row["target"]): row for row in read_links(world.data_dir)}
    link = links[("video:pR4kT1jkZo2", "case:zorgteam-oost")]
    assert "description links the case" in {e["rule"] for e in link["evidence"]}
    assert ("case:zorgteam-oost", "company:Zorgteam Oost") in links  # the page names the company …
    assert not [t for s, t in links if s == "video:pR4kT1jkZo2" and t.startswith("company:")]  # … the address does not
