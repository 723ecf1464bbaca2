"""A deterministic synthetic Dutch archive for the benchmark, written the way the harvesters write.

Case pages go to ``site.page`` (raw HTML like the sample platform's, meta kind "case"), videos are
harvested from the local fake Data API (``tests/fake_youtube.py``) by the real harvester, and
WebVTT captions are imported from a folder by the real ``harvest_local``. Words are drawn from
``index/lexicon/nl_freq.txt`` with Zipf weights (10^zipf), plus theme words, compounds and company
names; a set of recall queries is planted in known documents, whose roots are kept out of the
background vocabulary, so the relevant documents of each recall query are known exactly.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import random
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from archive.config import Settings
from archive.site import NS_PAGE
from archive.store import ArchiveStore, open_store
from archive.transcripts import LocalFileProvider, TranscriptSummary, harvest_local
from archive.youtube_urls import channel_url, embed_url

SITE = "https://www.kennisbanksocialeinnovatie.nl"
FREQ_FILE = Path(__file__).resolve().parent.parent / "index" / "lexicon" / "nl_freq.txt"
PASSAGE_WORDS = 80  # about 32 s of speech per passage, 8 cues of 4 s
CUE_WORDS = 10
CUE_SECONDS = 4.0
VIDEOS_PER_CHANNEL = 500


@dataclass(frozen=True)
class Scale:
    """How big a benchmark archive is: cases, videos, transcript passages."""

    name: str
    cases: int
    videos: int
    passages: int


SCALES = {
    "T": Scale("T", 4, 12, 120),  # the smoke test's
    "XS": Scale("XS", 20, 100, 2_000),
    "S": Scale("S", 200, 1_000, 20_000),
    "M": Scale("M", 1_000, 5_000, 100_000),
    "L": Scale("L", 2_000, 10_000, 200_000),
}

THEMES: dict[str, list[str]] = {
    "Duurzame inzetbaarheid": ["inzetbaarheid", "loopbaanontwikkeling", "vitaliteit", "werkvermogen",
                               "levensfasebewust", "employability"],
    "Werkdruk en werkstress": ["werkdruk", "werkdrukvermindering", "werkstress", "burn-out", "herstelmoment",
                               "werkplezier"],
    "Talentontwikkeling": ["talentontwikkeling", "opleidingsbudget", "vakmanschap", "leerlijn", "mentor",
                           "competenties"],
    "Arbeidsorganisatie": ["arbeidsorganisatie", "teamindeling", "werkprocessen", "productiviteit",
                           "afstemming", "kwaliteitskringen"],
    "Zelforganisatie": ["zelfsturing", "zelfsturende", "teamverantwoordelijkheid", "eigenaarschap",
                        "regelruimte", "teamcoach"],
    "Leiderschap": ["leidinggevende", "leiderschapsstijl", "coachend", "vertrouwen", "feedback",
                    "middenmanagement"],
    "Gezond werken": ["gezondheid", "ergonomie", "tilhulpmiddelen", "beeldschermwerk", "bedrijfsarts",
                      "preventiemedewerker"],
    "Medezeggenschap": ["ondernemingsraad", "medezeggenschap", "personeelsvertegenwoordiging", "achterban",
                        "instemmingsrecht", "vakbond"],
    "Innovatie": ["innovatie", "procesinnovatie", "digitalisering", "robotisering", "werkplaats",
                  "verbetervoorstellen"],
    "Diversiteit": ["diversiteit", "inclusie", "statushouders", "taalcoach", "werkervaringsplaats",
                    "arbeidsbeperking"],
    "Generatiebeleid": ["generatiepact", "seniorenregeling", "kennisoverdracht", "oudere", "jongere",
                        "werktijdverkorting"],
    "Flexibel werken": ["thuiswerken", "werktijden", "deeltijd", "flexwerkers", "hybride", "jaarurenmodel"],
}
THEME_SYNONYMS = {"Duurzame inzetbaarheid": ["inzetbaarheid", "employability"],
                  "Werkdruk en werkstress": ["werkdruk", "werkstress"],
                  "Talentontwikkeling": ["opleiden", "competentieontwikkeling"]}
SECTORS = ["Industrie", "Zorg en welzijn", "Bouw", "Logistiek", "Onderwijs", "Overheid", "Detailhandel",
           "Metalektro (HTSM)", "Financiële dienstverlening", "Agrarisch"]
SURNAMES = ["Kuipers", "Veenstra", "Hendriks", "Smit", "Van Wijk", "Oostwold", "Brouwer", "De Vries", "Bakker",
            "Visser", "Mulder", "De Boer", "Dekker", "Jansen", "Meijer", "Bos", "Vos", "Peters", "Hermans",
            "Van Dijk", "Kok", "Jacobs", "Willems", "Van Leeuwen", "Schouten", "Prins", "Huisman", "Postma",
            "Kramer", "Van der Meer", "Groen", "Koster", "Verhoeven", "Wolters", "Evers", "Timmermans",
            "Maas", "Van Beek", "Verbeek", "Boersma", "Hoekstra", "Dijkstra", "Kroon", "Scholten", "Sanders",
            "Hofman", "Molenaar", "Martens", "Gerritsen", "Blom", "Lammers", "Kuijpers", "Roos", "Wouters",
            "Zwart", "Brinkman", "Haan", "Post", "Jonker", "Van Vliet"]
TRADES = ["Verpakkingen", "Drukkerij", "Bouwbedrijf", "Transport", "Metaalbewerking", "Zorggroep", "Techniek",
          "Installaties", "Logistiek", "Kunststoffen", "Machinebouw", "Thuiszorg", "Staalbouw", "Elektro",
          "Voedingsmiddelen", "Houtbewerking", "Bakkerij", "Schoonmaak", "Groep", "Precisietechniek",
          "Gieterij", "Meubelfabriek", "Kwekerij", "Automatisering", "Ziekenhuis", "Woonzorg", "Vloeren",
          "Glastuinbouw", "Kinderopvang", "Garage"]
HEADINGS = ["Aanleiding", "Wat hebben ze gedaan?", "Aanpak", "Resultaten", "Lessen", "Hoe verder?"]


@dataclass(frozen=True)
class RecallQuery:
    """A query with the word forms planted in its relevant documents (ground truth by construction)."""

    query: str
    category: str  # inflection | compound | accent | phrase
    forms: tuple[str, ...]


# Roots kept out of the background vocabulary, so only planted documents can match.
RECALL_QUERIES = (
    RecallQuery("gesprek", "compound", ("gesprekken", "functioneringsgesprekken", "sollicitatiegesprek",
                                        "Gesprekken", "gesprek")),
    RecallQuery("roulatie", "compound", ("taakroulatie", "functieroulatie", "Taakroulatie", "roulatie")),
    RecallQuery("klacht", "compound", ("gezondheidsklachten", "klachten", "rugklachten", "klacht")),
    RecallQuery("verzuim", "compound", ("verzuimcijfers", "ziekteverzuim", "verzuimbeleid", "verzuim")),
    RecallQuery("scholing", "compound", ("scholingsplan", "bijscholing", "scholingsmatrix", "scholing")),
    RecallQuery("ploeg", "compound", ("ploegendiensten", "ploegen", "ploegleider", "ploeg")),
    RecallQuery("rooster", "inflection", ("roosters", "zelfroosteren", "rooster", "Roosters")),
    RecallQuery("leerling", "inflection", ("leerlingen", "Leerlingen", "leerling")),
    RecallQuery("stagiair", "inflection", ("stagiairs", "stagiaires", "stagiair")),
    RecallQuery("vakbekwaam", "inflection", ("vakbekwame", "vakbekwaamheid", "vakbekwaam")),
    RecallQuery("ideeen", "accent", ("ideeën", "Ideeën", "ideeen")),
    RecallQuery("cooperatie", "accent", ("coöperatie", "coöperaties", "Coöperatie")),
    RecallQuery("coordinator", "accent", ("coördinator", "coördinatoren", "Coördinator")),
    RecallQuery("reintegratie", "accent", ("re-integratie", "reïntegratie", "reintegratie")),
    RecallQuery("\"vitale leerroute\"", "phrase", ("vitale leerroute", "Vitale leerroute")),
    RecallQuery("\"gezonde koffiepauze\"", "phrase", ("gezonde koffiepauze", "Gezonde koffiepauze")),
)
RESERVED_ROOTS = ("gesprek", "roulatie", "klacht", "verzuim", "scholing", "ploeg", "rooster", "leerling",
                  "stagiai", "vakbekwa", "idee", "cooperati", "cooperati", "coordinat", "integrati",
                  "leerroute", "koffiepauze")
PLANTED_PER_QUERY = 6


def _fold(word: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


class Words:
    """Background Dutch words with Zipf weights, drawn deterministically."""

    def __init__(self, rng: random.Random) -> None:
        words, weights = [], []
        for line in FREQ_FILE.read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or " " not in line:
                continue
            word, zipf = line.rsplit(" ", 1)
            if not word.isalpha() or any(root in _fold(word) for root in RESERVED_ROOTS):
                continue
            words.append(word)
            weights.append(10 ** float(zipf))
        self.words = words
        self.cum = list(itertools.accumulate(weights))
        self.rng = rng

    def draw(self, n: int) -> list[str]:
        """``n`` words with Zipf-like frequencies."""
        return self.rng.choices(self.words, cum_weights=self.cum, k=n)

    def band(self, low_rank: int, high_rank: int, n: int) -> list[str]:
        """``n`` words of five letters or more between two frequency ranks (mid-frequency query words)."""
        order = sorted(range(len(self.words)), key=lambda i: -(self.cum[i] - (self.cum[i - 1] if i else 0)))
        from index.text.analysis import STOP_WORDS

        pool = [self.words[i] for i in order if len(self.words[i]) >= 5 and self.words[i] not in STOP_WORDS]
        pool = pool[low_rank:high_rank]
        return random.Random(len(pool)).sample(pool, n)


@dataclass
class CaseSpec:
    """One generated case: slug, title, company, theme, sector, year and the videos it embeds."""

    slug: str
    title: str
    company: str
    theme: str
    sector: str
    year: int
    videos: list[str]
    channel: str


@dataclass
class Corpus:
    """What was generated, with the ground truth of the recall queries and the query material."""

    scale: Scale
    cases: list[CaseSpec] = field(default_factory=list)
    videos: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → title, description, channel…
    companies: list[str] = field(default_factory=list)
    relevant: dict[str, set[str]] = field(default_factory=dict)  # recall query → parents (video:ID/case:slug)
    phrases: list[str] = field(default_factory=list)  # bigrams said in transcripts
    passages_written: int = 0
    harvest: Any = None


def video_id(n: int, salt: str = "") -> str:
    """A stable 11-character YouTube-like id."""
    digest = hashlib.sha256(f"video-{n}{salt}".encode()).digest()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "".join(alphabet[b % 64] for b in digest[:11]).replace("-", "x")


def channel_id(n: int) -> str:
    """A stable ``UC…`` channel id of 24 characters."""
    return "UC" + hashlib.sha256(f"channel-{n}".encode()).hexdigest()[:22]


def _sentence(words: Words, rng: random.Random, pool: list[str], n: int) -> str:
    tokens = words.draw(n)
    if pool and rng.random() < 0.5:
        tokens[rng.randrange(n)] = rng.choice(pool)
    return " ".join(tokens)


def _paragraph(words: Words, rng: random.Random, pool: list[str], n_words: int) -> str:
    out = []
    while n_words > 0:
        n = min(n_words, rng.randint(8, 16))
        sentence = _sentence(words, rng, pool, n)
        out.append(sentence[0].upper() + sentence[1:] + ".")
        n_words -= n
    return " ".join(out)


def _company_names(rng: random.Random, n: int) -> list[str]:
    names = [f"{s} {t}" for s in SURNAMES for t in TRADES]
    rng.shuffle(names)
    while len(names) < n:  # beyond 1,800 companies, number the branches
        names.append(f"{rng.choice(SURNAMES)} {rng.choice(TRADES)} {len(names)}")
    return names[:n]


def _slugify(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in _fold(text)).split())


def case_html(case: CaseSpec, sections: list[tuple[str, str]], intro: str) -> bytes:
    """A case page in the sample platform's markup (WordPress theme, taxonomy list, embeds)."""
    body = [f"<p><strong>{html.escape(intro)}</strong></p>"]
    for heading, text in sections:
        body.append(f"<h2>{html.escape(heading)}</h2>\n<p>{html.escape(text)}</p>")
    for vid in case.videos:
        body.append(f'<div class="video-embed"><iframe width="560" height="315" '
                    f'src="{embed_url(vid)}" title="{html.escape(case.title)}" '
                    f'frameborder="0" allowfullscreen></iframe></div>')
    body.append(f'<p>Meer films op <a href="{channel_url(case.channel)}">ons kanaal</a>.</p>')
    theme_slug = _slugify(case.theme)
    return f"""<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>{html.escape(case.title)} | Kennisbank Sociale Innovatie</title>
</head>
<body class="case-template-default single single-case">
<div id="cookie-notice" class="cookie-notice" role="dialog"><p>Wij gebruiken cookies.</p></div>
<header class="site-header"><nav class="main-navigation"><ul><li><a href="/kennis/">Kennis</a></li></ul></nav></header>
<div id="content" class="site-content"><main id="main" class="site-main">
<article class="case type-case hentry">
  <header class="entry-header">
    <h1 class="entry-title">{html.escape(case.title)}</h1>
    <div class="entry-meta"><time class="case-date" datetime="{case.year}-03-18">{case.year}</time></div>
  </header>
  <div class="entry-content">
    {chr(10).join(body)}
  </div>
  <dl class="case-taxonomy">
    <dt>Thema’s</dt>
    <dd><a href="/kennis/thema/{theme_slug}/">{html.escape(case.theme)}</a></dd>
    <dt>Sector</dt>
    <dd><a href="/kennis/sector/{_slugify(case.sector)}/">{html.escape(case.sector)}</a></dd>
    <dt>Bron</dt>
    <dd><a href="/kennis/bron/cases/">cases</a> <a href="/kennis/bron/multimedia/">multimedia</a></dd>
  </dl>
</article>
</main></div>
<footer class="site-footer"><p>© 2024 Kennisbank Sociale Innovatie</p></footer>
</body>
</html>
""".encode()


def _vtt(cues: list[str]) -> bytes:
    def ts(seconds: float) -> str:
        ms = int(round(seconds * 1000))
        return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"

    out = ["WEBVTT", ""]
    for i, text in enumerate(cues):
        out += [f"{ts(i * CUE_SECONDS)} --> {ts(i * CUE_SECONDS + CUE_SECONDS - 0.2)}", text, ""]
    return "\n".join(out).encode()


def taxonomy_toml(corpus: Corpus) -> str:
    """The curated taxonomy of the corpus: some companies with aliases, theme synonyms, sectors."""
    lines = ["# Benchmark taxonomy (generated)", ""]
    for name in corpus.companies[::4]:
        lines += ["[[company]]", f'name = "{name}"', f'aliases = ["{name.upper()}", "{name} BV"]', ""]
    for theme, synonyms in THEME_SYNONYMS.items():
        lines += ["[[theme]]", f'name = "{theme}"', "synonyms = [" + ", ".join(f'"{s}"' for s in synonyms) + "]", ""]
    for sector in SECTORS:
        lines += ["[[sector]]", f'name = "{sector}"', ""]
    return "\n".join(lines)


def _plan_planted(corpus: Corpus, rng: random.Random) -> dict[str, list[tuple[str, str, str]]]:
    """Where each recall query's forms go: target (video id or case slug), kind, form."""
    plan: dict[str, list[tuple[str, str, str]]] = {}
    video_ids = list(corpus.videos)
    for rq in RECALL_QUERIES:
        targets = []
        for n in range(PLANTED_PER_QUERY):
            form = rq.forms[n % len(rq.forms)]
            if n % 3 == 2:  # a third in case pages, the rest in what videos say
                case = rng.choice(corpus.cases)
                targets.append((case.slug, "case", form))
            else:
                targets.append((rng.choice(video_ids), "video", form))
        plan[rq.query] = targets
        corpus.relevant[rq.query] = {f"{kind}:{t}" for t, kind, _f in targets}
    return plan


def generate(data_dir: Path, scale: Scale, harvest: Callable[[list[Any]], Any], *, seed: int = 9,
             channels_out: list[Any] | None = None) -> Corpus:
    """Write a synthetic archive: case pages, then ``harvest(channels)`` the videos, then captions.

    Videos are stored by the caller's ``harvest`` of the fake channels against the fake API (that
    is part of what the benchmark measures), before the captions are imported, as in real use;
    its result is kept in ``corpus.harvest``. ``channels_out`` receives the fake channels.
    """
    from tests.fake_youtube import FakeChannel, FakeVideo

    rng = random.Random(seed)
    words = Words(rng)
    corpus = Corpus(scale)
    corpus.companies = _company_names(rng, max(1, scale.cases * 3 // 4))
    n_channels = max(1, -(-scale.videos // VIDEOS_PER_CHANNEL))
    channels = [FakeChannel(id=channel_id(c), title=f"Kanaal {c}", handle=f"@kanaal{c}") for c in range(n_channels)]
    theme_names = list(THEMES)
    for i in range(scale.cases):
        company = corpus.companies[i % len(corpus.companies)]
        theme = theme_names[i % len(theme_names)]
        topic = rng.choice(THEMES[theme])
        title = f"{topic.capitalize()} bij {company}"
        first = i * scale.videos // scale.cases
        vids = [video_id(first + k) for k in range(min(2, scale.videos // scale.cases or 1))]
        corpus.cases.append(CaseSpec(slug=f"{_slugify(title)}-{i}", title=title, company=company, theme=theme,
                                     sector=SECTORS[i % len(SECTORS)], year=2006 + i % 18, videos=vids,
                                     channel=channels[(first // VIDEOS_PER_CHANNEL) % n_channels].id))
    case_of_video = {v: c for c in corpus.cases for v in c.videos}
    for n in range(scale.videos):
        vid = video_id(n)
        case = case_of_video.get(vid) or corpus.cases[n * scale.cases // scale.videos]
        pool = THEMES[case.theme]
        title = f"{rng.choice(pool).capitalize()} bij {case.company}: {' '.join(words.draw(3))}"
        description = _paragraph(words, rng, pool, 40)
        if n % 3 == 0:
            description += f"\nLees de case: {SITE}/kennis/{case.slug}/"
        year = case.year + rng.randint(0, 2)
        corpus.videos[vid] = {"title": title, "description": description, "case": case.slug, "theme": case.theme,
                              "company": case.company,
                              "published_at": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00Z",
                              "channel": n // VIDEOS_PER_CHANNEL % n_channels}
    plan = _plan_planted(corpus, rng)
    planted_cases: dict[str, list[str]] = {}
    planted_videos: dict[str, list[str]] = {}
    for targets in plan.values():
        for target, kind, form in targets:
            (planted_cases if kind == "case" else planted_videos).setdefault(target, []).append(form)
    with open_store(data_dir) as store:
        _write_cases(store, corpus, words, rng, planted_cases)
    for vid, info in corpus.videos.items():
        channels[info["channel"]].videos.append(FakeVideo(
            id=vid, title=info["title"], description=info["description"], published_at=info["published_at"],
            tags=[info["theme"].lower()], duration="PT12M", caption=True))
    if channels_out is not None:
        channels_out.extend(channels)
    corpus.harvest = harvest(channels)
    corpus.passages_written = _import_transcripts(data_dir, corpus, words, rng, planted_videos)
    return corpus


def case_page(corpus: Corpus, case: CaseSpec, words: Words, rng: random.Random,
              planted: list[str] | None = None) -> bytes:
    """One case page's HTML: intro, three or four headed sections naming the company, planted forms."""
    pool = THEMES[case.theme]
    intro = f"{case.company} {_paragraph(words, rng, pool, 40)}"
    sections = [(h, _paragraph(words, rng, pool, 70)) for h in rng.sample(HEADINGS, rng.randint(3, 4))]
    for n, form in enumerate(planted or ()):
        heading, text = sections[n % len(sections)]
        sections[n % len(sections)] = (heading, f"{text} Het gaat hier om {form} op de werkvloer.")
    return case_html(case, sections, intro)


def _write_cases(store: ArchiveStore, corpus: Corpus, words: Words, rng: random.Random,
                 planted: dict[str, list[str]]) -> None:
    for case in corpus.cases:
        url = f"{SITE}/kennis/{case.slug}/"
        store.put(NS_PAGE, url, case_page(corpus, case, words, rng, planted.get(case.slug)), url=url,
                  content_type="text/html; charset=utf-8", meta={"kind": "case"})


def transcript_cues(corpus: Corpus, vid: str, n_passages: int, words: Words, rng: random.Random,
                    planted: list[str] | None = None) -> list[str]:
    """The cue texts of one video: sentences of two cues, about ``n_passages`` passages' worth."""
    pool = THEMES[corpus.videos[vid]["theme"]]
    company = corpus.videos[vid]["company"]
    n_cues = n_passages * PASSAGE_WORDS // CUE_WORDS
    cues = []
    for i in range(n_cues):
        text = _sentence(words, rng, pool, CUE_WORDS)
        if i % 40 == 5:
            text = f"{text} bij {company}"
        cues.append(text + ("." if i % 2 else ""))
    for form in planted or ():
        at = rng.randrange(len(cues))
        cues[at] = f"{cues[at]} over {form}"
    return cues


def _import_transcripts(data_dir: Path, corpus: Corpus, words: Words, rng: random.Random,
                        planted: dict[str, list[str]]) -> int:
    """Write one .nl.vtt per video into a folder and import it with the real harvester."""
    total, videos = corpus.scale.passages, list(corpus.videos)
    with tempfile.TemporaryDirectory(prefix="bench-captions-") as folder:
        written = 0
        for n, vid in enumerate(videos):
            share = total * (n + 1) // len(videos) - total * n // len(videos)
            count = max(1, share + rng.randint(-share // 2, share // 2))
            cues = transcript_cues(corpus, vid, count, words, rng, planted.get(vid))
            written += count
            if n < 5:  # remember some bigrams the videos really say, for phrase queries
                corpus.phrases.append(" ".join(cues[3].split()[2:4]))
            (Path(folder) / f"{vid}.nl.vtt").write_bytes(_vtt(cues))
        with open_store(data_dir) as store:
            summary = TranscriptSummary()
            harvest_local(store, LocalFileProvider(Path(folder)), ("nl",), summary)
        if summary.failures:
            raise RuntimeError(f"caption import failed: {summary.failures[:3]}")
    return written


def harvest_videos(settings: Settings, channels: list[Any], *, full: bool = False) -> dict[str, Any]:
    """Harvest the fake channels with the real harvester; quota units, the minimum, wall time."""
    from archive.harvest import harvest_youtube
    from tests.fake_youtube import FakeYouTube

    fake = FakeYouTube()
    for channel in channels:
        fake.add_channel(channel)
    with fake:
        # The fake is the thumbnails' image host too: the harvest's time includes storing them, as a real one does.
        settings = replace(settings, youtube=replace(settings.youtube, api_url=fake.url, thumbnail_url=fake.url))
        started = time.perf_counter()
        summary = harvest_youtube(settings, [c.id for c in channels], full=full, api_key=fake.api_key)
        seconds = time.perf_counter() - started
    if summary.exit_code != 0:
        raise RuntimeError(f"harvest failed: {summary.failures[:3]}")
    n_videos = sum(len(c.videos) for c in channels)
    minimum = sum(1 + 2 * -(-len(c.videos) // 50) for c in channels)
    return {"videos": n_videos, "channels": len(channels), "units": fake.total_units,
            "units_by_method": dict(fake.units), "minimum": minimum, "seconds": round(seconds, 2),
            "seconds_per_1000": round(seconds * 1000 / max(1, n_videos), 2)}


def change_one_percent(data_dir: Path, corpus: Corpus, channels: list[Any], seed: int = 10) -> dict[str, int]:
    """Change 1% of the cases, videos and transcripts as a harvest would store them; return counts."""
    rng = random.Random(seed)
    words = Words(rng)
    n_cases, n_videos = max(1, len(corpus.cases) // 100), max(1, len(corpus.videos) // 100)
    with open_store(data_dir) as store:
        for case in rng.sample(corpus.cases, n_cases):
            url = f"{SITE}/kennis/{case.slug}/"
            store.put(NS_PAGE, url, case_page(corpus, case, words, rng), url=url,
                      content_type="text/html; charset=utf-8", meta={"kind": "case"})
    changed = rng.sample(list(corpus.videos), n_videos)
    by_id = {v.id: v for c in channels for v in c.videos}
    for vid in changed:
        by_id[vid].title = f"{by_id[vid].title} (nieuwe versie)"
    changed_transcripts = rng.sample(list(corpus.videos), n_videos)
    with tempfile.TemporaryDirectory(prefix="bench-captions-") as folder:
        share = max(1, corpus.scale.passages // len(corpus.videos))
        for vid in changed_transcripts:
            (Path(folder) / f"{vid}.nl.vtt").write_bytes(_vtt(transcript_cues(corpus, vid, share, words, rng)))
        with open_store(data_dir) as store:
            harvest_local(store, LocalFileProvider(Path(folder)), ("nl",), TranscriptSummary())
    return {"cases": n_cases, "videos": n_videos, "transcripts": n_videos}
