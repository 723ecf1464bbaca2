"""The SAMPLE YouTube world behind the demo: two channels of invented but realistic uploads.

``scripts/record_sample_youtube.py`` harvests this world from the fake Data API and writes the
raw responses to ``archive/sample/youtube/recording.json``; the demo replays that recording
through the real harvester. Channel 1 is the seed case's real channel id with invented uploads
that follow what the case page says ("filmpjes met impressies van managers, HR managers en
medewerkers van de 5 pilotbedrijven en van de regionale bijeenkomst").
"""

from __future__ import annotations

from tests.fake_youtube import FakeChannel, FakeVideo, FakeYouTube

# The demo serves the sample platform under this clearly invented host (see index/services/demo.py).
CASE_URL = "https://kennisbank.example/kennis/{slug}/"
SEED_SLUG = "duurzaam-meedoen-in-de-metalektro"


def seed_channel() -> FakeChannel:
    """The seed case's channel: the five pilot companies and the regional meeting."""
    seed_url = CASE_URL.format(slug=SEED_SLUG)
    channel = FakeChannel(
        "UC6XpRSGS236lYZmcCjkBE4g", "Duurzaam meedoen Metalektro", handle="@duurzaammeedoen",
        description="Impressies van het project Duurzaam meedoen van de sociale partners in de Metalektro.")
    uploads = [
        FakeVideo("Dz_TddJ8HyS", "Interne versie (niet openbaar)", state="private",
                  published_at="2013-12-10T09:00:00Z"),
        FakeVideo(
            "lHUvTCQCyEZ", "Medewerkers aan het woord: duurzame inzetbaarheid in de Metalektro",
            "Medewerkers van de vijf pilotbedrijven vertellen wat duurzame inzetbaarheid voor hen betekent: "
            "meer variatie in het werk, minder gezondheidsklachten en betere sfeer.\n\n"
            f"Lees de case: {seed_url}",
            published_at="2013-12-05T14:30:00Z", duration="PT4M48S", caption=True,
            tags=["duurzame inzetbaarheid", "Metalektro", "medewerkers"]),
        FakeVideo(
            "nRH9ucAUsdM", "BSB Staalbouw: vijf minuten werkoverleg tussen werkvoorbereiders en teamleiders",
            "Bij BSB Staalbouw is de communicatie met het personeel verbeterd met een nieuwsbrief en korte "
            "gesprekken van 5 minuten tussen werkvoorbereiders, teamleiders en engineering.",
            published_at="2013-12-02T10:00:00Z", duration="PT3M05S", caption=True,
            tags=["werkoverleg", "communicatie", "BSB Staalbouw"]),
        FakeVideo(
            "U8po-799Nks", "Burgerhout: ergonomische maatregelen in de gieterij",
            "Tilhulpen, aangepaste werkplekken en afwisseling: bij Burgerhout leidden ergonomische "
            "maatregelen tot minder fysieke klachten en lager verzuim.",
            published_at="2013-11-29T11:15:00Z", duration="PT3M41S", caption=True,
            tags=["ergonomie", "Burgerhout", "gieterij"]),
        FakeVideo(
            "atmUdjAWtGS", "Photonis: meer variatie in het werk door taakroulatie",
            "Operators van Photonis leggen uit hoe taakroulatie werkt in de cleanroom en waarom het werk "
            "er afwisselender door is geworden.",
            published_at="2013-11-28T16:00:00Z", duration="PT2M58S", language="nl",
            tags=["taakroulatie", "Photonis"]),
        FakeVideo(
            "ZhyiA4uoRgn", "Alfa Laval: taakroulatie en de competentiematrix",
            "Bij Alfa Laval rouleren medewerkers tussen taken. Met een competentiematrix ziet de "
            "leidinggevende wie wat kan en wie wat wil leren. HR-manager en een lasser vertellen.",
            published_at="2013-11-27T13:45:00Z", duration="PT5M12S", caption=True,
            tags=["taakroulatie", "competentiematrix", "Alfa Laval"]),
        FakeVideo(
            "VOqg6YYZYn9", "Neways: functioneringsgesprekken en training voor leidinggevenden",
            "Neways voerde in alle afdelingen functioneringsgesprekken in, ondersteund door een training "
            "in gespreksvoering voor leidinggevenden. Medewerkers worden breder opgeleid voor andere taken.",
            published_at="2013-11-26T09:30:00Z", duration="PT4M20S", caption=True,
            tags=["functioneringsgesprek", "opleiden", "Neways"]),
        FakeVideo(
            "tDDb-xHKas1", "Duurzaam meedoen in de Metalektro – regionale bijeenkomst november 2013",
            "Op een regionale bijeenkomst in november 2013 presenteerden Neways, Alfa Laval, Photonis, "
            "Burgerhout en BSB Staalbouw de resultaten van hun pilot Duurzaam meedoen.\n\n"
            f"Meer over het project: {seed_url}",
            published_at="2013-11-21T17:00:00Z", duration="PT6M33S", caption=True,
            tags=["Duurzaam meedoen", "Metalektro", "A+O Metalektro", "Berenschot"]),
    ]
    channel.videos = uploads
    return channel


def platform_channel() -> FakeChannel:
    """The platform's own channel: testimonials that other sample cases link or embed."""
    channel = FakeChannel(
        "UCPtYgjmUhBel31iEl2hpChY", "Kennisbank Sociale Innovatie", handle="@kennisbanksocialeinnovatie",
        description="Video's bij de cases van de Kennisbank Sociale Innovatie.")
    def case(slug: str) -> str:
        return f"\n\nLees de case op de Kennisbank: {CASE_URL.format(slug=slug)}"

    channel.videos = [
        FakeVideo("wL9dK3sF7hB", "Webinar: zelforganisatie in het mkb (live)", live="upcoming",
                  published_at="2026-12-10T15:00:00Z", description="Binnenkort live: ervaringen met zelforganisatie."),
        FakeVideo("BKqFYY_kv5Z", "Kinderopvang Het Speelkwartier: samen leren in het team",
                  "Pedagogisch medewerkers van Kinderopvang Het Speelkwartier bespreken elke maand een lastige "
                  "situatie uit de groep: teamleren op de werkvloer." + case("teamleren-in-de-kinderopvang"),
                  published_at="2017-05-16T10:00:00Z", duration="PT3M40S", tags=["teamleren", "kinderopvang"]),
        FakeVideo("UMFxFkM_R5K", "Ziekenhuis Oostervaart: verpleegkundigen roosteren zelf",
                  "Op de afdeling interne geneeskunde van Ziekenhuis Oostervaart maken verpleegkundigen hun eigen "
                  "rooster. Minder ruilen, meer zeggenschap.", published_at="2016-09-08T12:00:00Z",
                  duration="PT4M05S", tags=["zelfroosteren", "zorg"]),
        FakeVideo("Jr3J1TWDtkw", "Noordhaven Logistiek: slimmer werken in het distributiecentrum",
                  "Orderpickers van Noordhaven Logistiek verdelen het werk zelf per zone. De teamleider coacht.",
                  published_at="2015-10-01T09:00:00Z", duration="PT5M30S", tags=["slimmer werken", "logistiek"]),
        FakeVideo("yVmihA_2O76", "Zorggroep Lindenhove: werkdruk omlaag in de thuiszorg",
                  "Wijkteams van Zorggroep Lindenhove plannen hun eigen cliëntbezoeken. Minder werkdruk, minder "
                  "verzuim." + case("werkdrukvermindering-in-de-thuiszorg"), published_at="2015-03-19T11:00:00Z",
                  duration="PT6M12S", tags=["werkdruk", "thuiszorg"]),
        FakeVideo("5KXSc7Tvo_h", "Vloerenfabriek Oostwold: minder klachten door ergonomie",
                  "Tilhulpen en werkplekaanpassingen bij Vloerenfabriek Oostwold: het verzuim door rugklachten "
                  "halveerde.", published_at="2014-06-25T14:00:00Z", duration="PT3M15S", language=None),
        FakeVideo("gCfrL1spNxn", "Kuipers Verpakkingen: taakroulatie op de productielijn",
                  "Operators van Kuipers Verpakkingen wisselen elke twee uur van taak. Zo blijft het werk "
                  "afwisselend en worden eenzijdige belasting en klachten voorkomen.",
                  published_at="2014-02-11T10:30:00Z", duration="PT4M44S", tags=["taakroulatie", "verpakkingen"]),
        FakeVideo("RS_6ilI8ihN", "Drukkerij Veenstra: het nieuwe functioneringsgesprek",
                  "Geen jaarlijks afrekengesprek meer: bij Drukkerij Veenstra voeren leidinggevende en medewerker "
                  "elk kwartaal een kort ontwikkelgesprek."
                  + case("functioneringsgesprekken-nieuwe-stijl-bij-drukkerij-veenstra"),
                  published_at="2013-10-03T13:00:00Z", duration="PT3M58S", tags=["functioneringsgesprek"]),
        FakeVideo("jp1vRt-1fjO", "Bouwbedrijf Hendriks: leren op de bouwplaats",
                  "Leerlingen en ervaren timmerlieden van Bouwbedrijf Hendriks werken in duo's: leren op de "
                  "werkvloer.", published_at="2012-04-12T08:45:00Z", duration="PT2M50S", tags=["leren", "bouw"]),
        FakeVideo("pX4nV8cQ2tA", "Wat is sociale innovatie? Een korte uitleg",
                  "Sociale innovatie is vernieuwing in de arbeidsorganisatie en het beter benutten van talent.",
                  published_at="2012-01-20T10:00:00Z", duration="PT1M55S", tags=["sociale innovatie"]),
    ]
    return channel


def sample_world() -> FakeYouTube:
    """A fake Data API holding the sample channels (not started)."""
    fake = FakeYouTube(api_key="sample-recording-key")
    fake.add_channel(seed_channel())
    fake.add_channel(platform_channel())
    return fake


SAMPLE_CHANNELS = ("UC6XpRSGS236lYZmcCjkBE4g", "@kennisbanksocialeinnovatie")
