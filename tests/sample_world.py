"""The SAMPLE YouTube world behind the demo: two channels of invented but realistic uploads.

``scripts/record_sample_youtube.py`` harvests this world from the fake Data API and writes the
raw responses to ``archive/sample/youtube/recording.json``; the demo replays that recording
through the real harvester. Channel 1 is the seed case's real channel id with invented uploads
that follow what the case page says ("filmpjes met impressies van managers, HR managers en
medewerkers van de 5 pilotbedrijven en van de regionale bijeenkomst").
"""

from __future__ import annotations

from tests.fake_youtube import FakeChannel, FakeVideo, FakeYouTube

CASE_URL = "https://www.kennisbanksocialeinnovatie.nl/kennis/{slug}/"
SEED_SLUG = "duurzaam-meedoen-in-de-metalektro"


def seed_channel() -> FakeChannel:
    """The seed case's channel: the five pilot companies and the regional meeting."""
    seed_url = CASE_URL.format(slug=SEED_SLUG)
    channel = FakeChannel(
        "UC6XpRSGS236lYZmcCjkBE4g", "Duurzaam meedoen Metalektro", handle="@duurzaammeedoen",
        description="Impressies van het project Duurzaam meedoen van de sociale partners in de Metalektro.")
    uploads = [
        FakeVideo("Dz_TddJ8HyS", "Interne versie (niet openbaar)", state="private", published_at="2013-12-10T09:00:00Z"),
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
    channel.videos = []
    return channel


def sample_world() -> FakeYouTube:
    """A fake Data API holding the sample channels (not started)."""
    fake = FakeYouTube(api_key="sample-recording-key")
    fake.add_channel(seed_channel())
    fake.add_channel(platform_channel())
    return fake


SAMPLE_CHANNELS = ("UC6XpRSGS236lYZmcCjkBE4g", "@kennisbanksocialeinnovatie")
