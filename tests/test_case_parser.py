"""The case parser on the stored sample pages: every field, and the boilerplate that must stay out."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from archive.case_parser import check_selectors, parse_case
from archive.errors import ConfigError
from archive.organisations import find_organisations
from tests.site_fixtures import SEED_ID, page_path, read_page

BASE = "https://www.kennisbanksocialeinnovatie.nl"
SEED_TEXT = Path(__file__).resolve().parents[2] / "shared" / "seed" / "case-duurzaam-meedoen-metalektro.txt"


def parse(case_id: str, **kwargs: object):
    return parse_case(read_page(case_id), BASE + page_path(case_id), **kwargs)  # type: ignore[arg-type]


def test_seed_case_fields_are_parsed_from_the_page() -> None:
    case = parse(SEED_ID)
    assert case.id == SEED_ID
    assert case.url == BASE + "/kennis/duurzaam-meedoen-in-de-metalektro/"
    assert case.title == "Duurzaam meedoen in de Metalektro"
    assert case.year == 2013
    assert case.date is None
    assert case.language == "nl" and case.layout == "modern"
    assert case.intro.startswith("Op een regionale bijeenkomst in november 2013 presenteerden 5 bedrijven")
    assert case.companies == ("Neways", "Alfa Laval", "Photonis", "Burgerhout", "BSB Staalbouw")
    assert case.organisations == ("Berenschot", "A+O Metalektro")
    assert case.themes == ("Duurzame inzetbaarheid", "Talentontwikkeling")
    assert case.sectors == ("Metalektro (HTSM)",)
    assert case.sources == ("cases", "multimedia")
    assert case.keywords == ()
    assert [(y.kind, y.id, y.start) for y in case.youtube] == [("channel", "UC6XpRSGS236lYZmcCjkBE4g", None)]
    assert case.channels == ("UC6XpRSGS236lYZmcCjkBE4g",)
    [attachment] = case.attachments
    assert attachment.url == BASE + "/media/bijlagen/2013/11/notitie-duurzaam-meedoen-metalektro.pdf"
    assert attachment.type == "pdf" and attachment.same_host
    assert attachment.text.startswith("Notitie Duurzaam meedoen in de Metalektro")
    assert case.mentions_attachment
    assert case.warnings == ()


def test_seed_case_keeps_sections_and_bullet_lists_as_structure() -> None:
    case = parse(SEED_ID)
    assert [s.heading for s in case.sections] == ["De sociale innovaties", "Aanpak", "Resultaten", "Referentie",
                                                  "Bijlage"]
    innovations = case.sections[0]
    assert [b.kind for b in innovations.blocks] == ["paragraph", "list"]
    assert len(innovations.blocks[1].items) == 5
    assert innovations.blocks[1].items[2] == "invoeren van taakroulatie (Alfa Laval, Photonis),"
    results = case.sections[2]
    assert [len(b.items) for b in results.blocks if b.kind == "list"] == [3, 5]


@pytest.mark.skipif(not SEED_TEXT.exists(), reason="the shared seed text is not beside the repository")
def test_seed_case_body_holds_every_line_of_the_real_page_text() -> None:
    text = " ".join(parse(SEED_ID).text.split())
    body = SEED_TEXT.read_text(encoding="utf-8").split("Thema’s:")[0]
    for line in body.splitlines()[1:]:
        line = " ".join(line.replace("•", "").split())
        line = re.sub(r"^2013 – ", "", line)
        assert line in text


def test_boilerplate_is_not_part_of_the_body() -> None:
    case = parse(SEED_ID)
    text = case.text
    for chrome in ("cookies", "Accepteren", "Hoofdmenu", "Over ons", "Zoeken", "Gerelateerde cases",
                   "Taakroulatie bij Kuipers Verpakkingen", "Nieuwsbrief", "Deel deze case", "LinkedIn",
                   "Postbus", "Volg ons", "Thema’s:", "Sector:", "Bron:", "Naar de inhoud", "Kennis ›"):
        assert chrome not in text, chrome
    # The site footer links the platform's own channel; that is not a reference of this case.
    assert all(y.id != "@kennisbanksocialeinnovatie" for y in case.youtube)
    # The related-cases sidebar has "Thema’s:" lines of other cases; they are not this case's.
    assert "Arbeidsorganisatie" not in case.themes


EXPECTED = {
    # id: (year, themes, sectors, sources, companies, youtube, attachment types)
    "taakroulatie-bij-kuipers-verpakkingen": (
        2014, ("Arbeidsorganisatie", "Duurzame inzetbaarheid"), ("Industrie",), ("cases", "multimedia"),
        ("Kuipers Verpakkingen",), [("video", "gCfrL1spNxn", 42)], ["pdf"]),
    "werkdrukvermindering-in-de-thuiszorg": (
        2015, ("Werkdruk en werkstress", "Zelforganisatie"), ("Zorg en welzijn",), ("cases", "onderzoek"),
        ("Zorggroep Lindenhove",), [("video", "yVmihA_2O76", 90)], ["pdf"]),
    "zelfroosteren-in-het-ziekenhuis": (
        2016, ("Flexibel organiseren", "Zeggenschap"), ("Zorg en welzijn",), ("cases", "multimedia"),
        ("Ziekenhuis Oostervaart",), [("video", "UMFxFkM_R5K", None)], ["html"]),
    "generatiepact-bij-transportbedrijf-van-wijk": (
        2014, ("Duurzame inzetbaarheid", "Generatiebeleid"), ("Transport en logistiek",), ("cases",),
        ("Transportbedrijf Van Wijk",), [("playlist", "PLk3Sx9v0Qb2nL7Yd1cRw4Tg8mZp5HjEaF", None)], []),
    "leren-op-de-werkvloer-bij-bouwbedrijf-hendriks": (
        2012, ("Talentontwikkeling", "Leren en ontwikkelen"), ("Bouw",), ("cases", "multimedia"),
        ("Bouwbedrijf Hendriks",),
        [("video", "jp1vRt-1fjO", None), ("channel", "@kennisbanksocialeinnovatie", None)], []),
    "functioneringsgesprekken-nieuwe-stijl-bij-drukkerij-veenstra": (
        2013, ("Leiderschap", "Talentontwikkeling"), ("Grafische industrie",), ("cases", "multimedia"),
        ("Drukkerij Veenstra",), [("video", "RS_6ilI8ihN", 95)], ["docx"]),
    "minder-gezondheidsklachten-door-ergonomie-bij-vloerenfabriek-oostwold": (
        2014, ("Gezond werken", "Duurzame inzetbaarheid"), ("Industrie",), ("cases", "multimedia"),
        ("Vloerenfabriek Oostwold",), [("video", "5KXSc7Tvo_h", None)], ["pdf"]),
    "teamleren-in-de-kinderopvang": (
        2017, ("Leren en ontwikkelen", "Teamontwikkeling"), ("Kinderopvang",), ("cases", "multimedia"),
        ("Kinderopvang Het Speelkwartier",), [("video", "BKqFYY_kv5Z", None)], ["pdf"]),
    "slimmer-werken-in-het-distributiecentrum": (
        2015, ("Slimmer werken", "Zelforganisatie"), ("Transport en logistiek",), ("cases", "multimedia"),
        ("Noordhaven Logistiek",), [("video", "Jr3J1TWDtkw", None)], ["pdf"]),
    "self-managing-teams-at-brouwer-precision-parts": (
        2016, ("Self-management", "Workplace innovation"), ("Metal and electrical engineering",), ("cases",),
        ("Brouwer Precision Parts",), [], []),
}


@pytest.mark.parametrize("case_id", sorted(EXPECTED))
def test_every_sample_case_is_parsed_whatever_markup_holds_its_labels(case_id: str) -> None:
    year, themes, sectors, sources, companies, youtube, types = EXPECTED[case_id]
    case = parse(case_id)
    assert case.id == case_id
    assert case.year == year
    assert (case.themes, case.sectors, case.sources) == (themes, sectors, sources)
    assert case.companies == companies
    assert [(y.kind, y.id, y.start) for y in case.youtube] == youtube
    assert [a.type for a in case.attachments] == types
    assert case.warnings == ()
    assert case.intro and not re.match(r"\d{4}", case.intro)
    assert "Thema" not in case.text and "Sector:" not in case.text


def test_year_run_straight_into_the_lead_text_is_split_off() -> None:
    case = parse("zelfroosteren-in-het-ziekenhuis")
    assert case.year == 2016
    assert case.intro.startswith("‘Zelf je rooster maken geeft rust in je hoofd.’")


def test_time_element_gives_the_date() -> None:
    assert parse("taakroulatie-bij-kuipers-verpakkingen").date == "2014-03-18"


def test_english_page_reads_themes_source_and_keywords() -> None:
    case = parse("self-managing-teams-at-brouwer-precision-parts")
    assert case.language == "en"
    assert case.keywords == ("self-managing teams", "SME")
    assert [s.heading for s in case.sections] == ["Approach", "Results", "Reference"]


def test_old_layout_reads_kenmerken_downloads_and_steekwoorden_without_its_chrome() -> None:
    case = parse("werkoverleg-nieuwe-stijl-bij-installatiebedrijf-de-groot")
    assert case.id == "werkoverleg-nieuwe-stijl-bij-installatiebedrijf-de-groot"
    assert case.aliases == ("1187",)
    assert case.layout == "old"
    assert (case.year, case.date, case.author) == (2011, "2011-03-14", "Redactie NCSI")
    assert case.keywords == ("Werkoverleg", "Sociale innovatie")
    assert case.themes == () and case.warnings == ()
    assert [a.url for a in case.attachments] == [BASE + "/media/bijlagen/werkoverleg-de-groot.pdf"]
    assert case.companies == ("Installatiebedrijf De Groot",)
    assert case.intro.startswith("Bij Installatiebedrijf De Groot in Apeldoorn")
    for chrome in ("Kenmerken", "Downloads", "Delen", "Acties", "Waardering", "Terug naar overzicht",
                   "NCSI stopt", "nederlands", "english", "Best practices en andere informatie", "Steekwoorden"):
        assert chrome not in case.text, chrome


def test_broken_page_is_still_parsed_as_text_with_a_warning_naming_what_is_missing() -> None:
    case = parse("kwaliteitskringen-bij-garage-smit")
    assert case.title == "Kwaliteitskringen bij Garage Smit"
    assert case.year == 2011
    assert "Monteurs van Garage Smit in Zutphen" in case.text
    assert "het aantal herhaalreparaties daalde met een kwart" in case.text
    assert case.companies == ("Garage Smit",)
    assert case.warnings == ("missing Thema's, Sector, Bron", "mentions an attachment but links none")


def test_empty_page_gives_warnings_not_an_exception() -> None:
    case = parse_case(b"", "https://example.org/kennis/leeg/")
    assert case.id == "leeg" and case.title == "" and case.text == ""
    assert case.warnings == ("missing title, body text, year, Thema's, Sector, Bron",)


def test_configured_selectors_override_the_default_guesses() -> None:
    html = """<html><body><div class="kop">Zelfroosteren bij Bakkerij Jansen</div>
      <div class="menu-top">Home Over ons</div>
      <section class="tekst"><p>2019 – Bakkers van Bakkerij Jansen maken hun eigen rooster.</p>
      <h3>Aanpak</h3><p>Elke bakker geeft zijn wensen op.</p></section>
      <div class="tags">Thema’s: Zeggenschap</div><div class="tags">Sector: Voeding</div>
      <div class="tags">Bron: cases</div></body></html>"""
    case = parse_case(html.encode(), "https://example.org/cases/bakkerij-jansen",
                      selectors={"title": ".kop", "body": "section.tekst", "boilerplate": ".menu-top"})
    assert case.title == "Zelfroosteren bij Bakkerij Jansen"
    assert case.year == 2019
    assert case.intro == "Bakkers van Bakkerij Jansen maken hun eigen rooster."
    assert [s.heading for s in case.sections] == ["Aanpak"]
    assert (case.themes, case.sectors, case.sources) == (("Zeggenschap",), ("Voeding",), ("cases",))
    assert "Home" not in case.text


def test_unknown_or_invalid_selectors_are_configuration_errors() -> None:
    check_selectors({"title": "h1.case-title", "body": "article .content"})
    with pytest.raises(ConfigError, match="unknown site selector 'titel'"):
        check_selectors({"titel": "h1"})
    with pytest.raises(ConfigError, match="not valid CSS"):
        check_selectors({"body": "div[["})


def test_youtube_references_in_plain_text_and_every_url_form_are_normalised() -> None:
    html = """<html><body><h1>Films</h1><article><p>2020 – Kijk op https://www.youtube.com/@duurzaammeedoen.</p>
      <p><a href="https://youtu.be/gCfrL1spNxn?t=2m5s">film</a>
      <a href="https://www.youtube.com/embed/videoseries?list=PLk3Sx9v0Qb2nL7Yd1cRw4Tg8mZp5HjEaF">lijst</a>
      <a href="https://www.youtube.com/shorts/yVmihA_2O76">kort</a></p></article></body></html>"""
    case = parse_case(html.encode(), "https://example.org/kennis/films/")
    assert [(y.kind, y.id, y.start) for y in case.youtube] == [
        ("video", "gCfrL1spNxn", 125), ("playlist", "PLk3Sx9v0Qb2nL7Yd1cRw4Tg8mZp5HjEaF", None),
        ("video", "yVmihA_2O76", None), ("channel", "@duurzaammeedoen", None)]


def test_company_detection_ignores_capitalised_common_words() -> None:
    texts = ["De Resultaten van het Thema werden besproken.", "Resultaten: minder verzuim (levertijd).",
             "Zie ook (Resultaten, Thema) en (pdf).", "In Nederland werkt men bij Veenstra Druk B.V. aan taakroulatie."]
    companies, organisations = find_organisations(texts)
    assert companies == ["Veenstra Druk"]
    assert organisations == []


def test_known_company_names_and_aliases_are_found_under_their_canonical_name() -> None:
    companies, _ = find_organisations(["De medewerkers van AlfaLaval en van neways rouleren."],
                                      known={"Alfa Laval": ["AlfaLaval"], "Neways": []})
    assert companies == ["Alfa Laval"]
    companies, _ = find_organisations(["Het project liep bij Photonis."], known=["Photonis", "Neways"])
    assert companies == ["Photonis"]


def test_only_documents_are_attachments_not_images_or_pages() -> None:
    html = ("""<html><body><h1>Bijlagen</h1><article><p>2020 – Zie de bijlagen.</p>
      <a href="/wp-content/uploads/2020/foto.jpg">foto</a> <a href="/media/film.mp4">film</a>
      <a href="/media/bijlagen/verslag.pdf#page=2">verslag</a> """
            """<a href="/media/bijlagen/samenvatting.html">samenvatting</a>
      <a href="/kennis/andere-case/">andere case</a> <a href="https://elders.example/rapport.docx">rapport</a>
      </article></body></html>""")
    case = parse_case(html.encode(), "https://example.org/kennis/bijlagen/")
    assert [(a.url, a.type, a.same_host) for a in case.attachments] == [
        ("https://example.org/media/bijlagen/verslag.pdf", "pdf", True),
        ("https://example.org/media/bijlagen/samenvatting.html", "html", True),
        ("https://elders.example/rapport.docx", "docx", False)]


def test_a_page_saved_with_decomposed_accents_reads_as_the_composed_one() -> None:
    """The Oostwold sample page written as an editor pasting from macOS may save it: every accent
    a separate combining mark (NFD). Its text, title and sections read as the composed page's, so
    "vacuümtillers" is one word in the index and on the page."""
    case_id = "minder-gezondheidsklachten-door-ergonomie-bij-vloerenfabriek-oostwold"
    html = read_page(case_id).decode("utf-8")
    decomposed = unicodedata.normalize("NFD", html)
    assert decomposed != html  # the page has accents to decompose
    composed, pasted = parse_case(html, "https://kennisbank.example/" + case_id), \
        parse_case(decomposed, "https://kennisbank.example/" + case_id)
    assert pasted.text == composed.text and pasted.title == composed.title and pasted.intro == composed.intro
    assert "Vacuümtillers" in pasted.text or "vacuümtillers" in pasted.text
