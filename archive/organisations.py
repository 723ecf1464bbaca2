"""Find the companies and other organisations a case names, from the structure of its sentences.

Dutch case texts name their companies in a few telling ways: in parentheses after a measure
("invoeren van taakroulatie (Alfa Laval, Photonis)"), after "bij" ("bij Neways"), with a legal
form ("Veenstra B.V."), or as a capitalised multi-word name mid-sentence ("BSB Staalbouw").
Advisers, funds and institutes ("begeleid door adviseurs van Berenschot", "A+O Metalektro") are
organisations, not the case's companies. A list of known names (the taxonomy) always wins.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

from archive.budget import checkpoint
from archive.company_names import GROUP_AFTER, name_key, spellings
from archive.function_words import FUNCTION_WORDS

# A name token: capitalised word, acronym (A+O, BSB, 3M) or a legal form.
_TOKEN = r"(?:[A-ZÀ-Þ][\w'’+&.-]*|[0-9]+[A-Z][\w+&-]*)"
# Words that may join the tokens of one name ("Centrum voor Sociale Innovatie", "Jansen & Zn.").
# Not "en": "KPMG en ABN AMRO" is two names far more often than "X en Y" is one.
_CONNECTOR = r"(?:van(?:[^\S\n]+(?:de|der|den|het))?|de|der|den|voor|'t|&)"
# The words of one name stay on one line ("Kennisbank Sociale Innovatie\n\nBest practices" is not one).
_GAP = r"[^\S\n]+"
NAME = rf"{_TOKEN}(?:{_GAP}(?:{_CONNECTOR}{_GAP})?{_TOKEN})*"
_CONNECTORS = {"van", "de", "der", "den", "het", "en", "&", "'t", "voor"}

_PAREN = re.compile(r"\(([^()]{2,120})\)")
_AFTER_BIJ = re.compile(rf"\b(?:bij|at)\s+({NAME})")
_LEGAL_FORM = re.compile(r"B\.V\.?|N\.V\.?|BV|NV|Ltd\.?|GmbH")
# A legal form after a name; the name is read backwards from it (``_legal_names``): a pattern
# with the name first tried every start in a run of capitalised words, quadratic in its length.
_LEGAL_AT = re.compile(r"(?<=\S)[^\S\n]+(?:B\.V\.|N\.V\.|BV|NV|Ltd\.?|GmbH)(?!\w)")
_NAME_BEFORE = 120  # characters before a legal form that may hold its name
MAX_NAME_WORDS = 6
_SUPPORT = re.compile(
    rf"(?:(?:begeleid|ondersteund|geadviseerd|gefinancierd|uitgevoerd|onderzocht|gesubsidieerd|supported|"
    rf"advised|funded|guided|conducted)\s+(?:door|by)\s+(?:(?:de|het|the)\s+)?"
    rf"|(?:adviseurs?|consultants?|onderzoekers?|researchers?|adviesbureau)\s+(?:van|from|of)\s+(?:(?:het|de|the)\s+)?)"
    rf"({NAME})"
)
# A run starts only where no token character is before it: tried inside a run of token characters
# ("A+A+A+…", "Aa.Aa.…"), every start read the rest of the run again (40 KB: 12 s).
_MULTI = re.compile(rf"(?<![\w‘“'’\"=/&?#%.+-])({_TOKEN}(?:{_GAP}(?:{_CONNECTOR}{_GAP})?{_TOKEN})+)")
# Web and mail addresses: their parts ("?si=AbCdEf", "&feature=Share", "ab_channel=CityNews")
# are never names; they are blanked before the text is read.
# Each alternative starts only where a run of its characters starts (linear on long runs).
_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
                      r"|(?<![\w.-])[\w-]+(?:\.[\w-]+)+/\S*")
# Titles of works and projects in quotes ("‘Investing in Workplace Innovation Pays Off’").
_QUOTED = re.compile(r"‘[^’\n]{1,200}’|“[^”\n]{1,200}”|\"[^\"\n]{1,200}\"")
# Who wrote a text is a person ("geschreven door Margreet Xavier en Frank Pot").
_AUTHORS = re.compile(r"(?:geschreven|opgesteld|samengesteld|written|authored|edited)\s+(?:door|by)\s+[^.;\n]{1,120}")
# A bibliographic reference line ("In: International Journal of …, Volume 4, pp. 86-106").
_CITATION = re.compile(r"\bIn:\s|\bpp?\.\s*\d|\bVol(?:ume|\.)\s*\d|\bJaargang\s*\d")
_WORDS = re.compile(r"[^\W\d_][\w'’-]*")
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-zà-ÿ][\w'’-]*")
# A heading: at least this many words, this share of them capitalised, no closing punctuation.
HEADING_WORDS, HEADING_SHARE = 4, 0.7
_PREFIXES = re.compile(
    r"^(?:bijvoorbeeld|bv\.|o\.a\.|onder andere|zoals|waaronder|bij|e\.g\.|such as|including|at)\s+", re.I
)
# Read from the start of a run of spaces only: "\s*(?:,|;|\s+en\s+)\s*" tried every split of the
# run from every space in it (cubic in its length).
_SPLIT = re.compile(r"(?<!\s)(?:\s*[,;]\s*|\s+(?:en|and)\s+)")
_ACRONYM = re.compile(r"^[A-Z]{2,6}s?$")  # "(HTSM)", "(SMEs)"

# Words that open a Dutch (or English) sentence or label, never a name by themselves.
STOPWORDS = frozenset(
    """de het een en in op bij van voor met door om tot uit over naar na als dat die dit deze zij
    ze hij wij we men er daarna vervolgens ook maar meer minder beter prettiger resultaten
    resultaat aanpak referentie verwijzing thema thema's thema’s sector bron bronnen zie
    steekwoorden kenmerken downloads auteur datum januari februari maart april mei juni juli
    augustus september oktober november december maandag dinsdag woensdag donderdag vrijdag
    zaterdag zondag nederland nederlands nederlandse engels engelse europa europese eu hr ict
    mkb cao the a an of and in at for with by this these from themes source keywords results
    approach sector pdf word excel powerpoint video film youtube
    daarnaast daarbij daarom daardoor daarmee hierbij hierdoor hiermee bovendien tevens echter
    toch wel nu toen zo eerst tenslotte uiteindelijk inmiddels sinds tijdens volgens samen zowel
    alle elke iedere veel enkele sommige andere ander heeft hebben had hadden is zijn was waren
    wordt worden werd werden kan kunnen moet moeten zal zullen gaat gaan komt komen maakt maken
    werkt werken wil willen laat laten geeft geven staat staan meer minder hoe wat wie waar
    waarom wanneer welke ons onze hun haar zijn mijn jouw uw geen niet wel al nog
    moreover however furthermore therefore also then thus while when after before during since
    our their its his her we they you it there here what which who how why where all each
    every some many most other""".split()
) | FUNCTION_WORDS
# Abbreviations that end in a dot inside a name ("Joh. Mourik & Co.", "Van der Heijden & Zn.",
# "Gebr. Jansen"): their dot ends no sentence. Initials ("A.P. Møller") are dotted letters.
ABBREVIATIONS = frozenset("joh gebr zn co cie fa wed kon st dr mr ir ing drs prof dhr mevr mw jr sr mij "
                          "int ned nr inc ltd corp bros".split())
# A sentence's end: ".", "!" or "?" and a space before a capital (the space becomes a line break,
# so no name spans it; ``_sentence_ends``).
_SENTENCE_END = re.compile(r"(?<=[.!?])[^\S\n](?=[^\S\n]*[\"'‘“(]?[A-ZÀ-Þ0-9])")
_WORD_BEFORE = re.compile(r"(\S+)[.!?]$")
_INITIALS = re.compile(r"(?:[A-Za-zÀ-ÿ]\.)*[A-Za-zÀ-ÿ]")
# A capitalised surname particle opens a name ("Transportbedrijf Van Wijk", "Bij De Groot B.V.").
_PARTICLES = frozenset({"Van", "De", "Den", "Ter", "Ten"})
# Blanks a known name's span: no name is read across or inside it.
_KNOWN_BLANK = "\x00"
# A name holding one of these is an organisation (fund, institute, government), not a company.
ORG_WORDS = re.compile(
    r"fonds|stichting|vereniging|centrum|instituut|universiteit|hogeschool|ministerie|gemeente|"
    r"provincie|overheid|\braad\b|\btno\b|\besf\b|\bfnv\b|\bcnv\b|\bvno|\bser\b|\buwv\b|\bncsi\b|a\+o|"
    r"kenniscentrum|consortium|university|institute|foundation|association|council|ministry|commission|agency",
    re.I,
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;•–—]\s+|\n)$")
_SENTENCE_WINDOW = 16  # characters before a name looked at for a sentence's end
_TOKEN_RE = re.compile(_TOKEN)
_ACRONYM_WORD = re.compile(r"[A-Z0-9][A-Z0-9+&]{1,5}")  # VDL, BSB, A+O, 3M: a name even first in a sentence


def _clean(name: str) -> str:
    words = re.sub(r"['’]s$", "", " ".join(name.split())).strip(" ,;:’'").split()
    while words and (words[-1].lower() in _CONNECTORS or words[-1].lower() in STOPWORDS
                     or _LEGAL_FORM.fullmatch(words[-1])):
        words.pop()
    name = " ".join(words)
    # An abbreviation keeps its dot ("Van der Heijden & Zn."); a sentence's dot goes.
    return name if words and words[-1].rstrip(".").lower() in ABBREVIATIONS else name.rstrip(".")


def _looks_like_name(name: str) -> bool:
    words = name.split()
    if not words or len(words) > MAX_NAME_WORDS or not re.match(_TOKEN, words[0]):
        return False
    if all(w.lower() in STOPWORDS or w.lower() in _CONNECTORS for w in words):
        return False
    return all(re.fullmatch(_TOKEN, w) or w.lower() in _CONNECTORS for w in words)


class _Found:
    """Names in order of first mention, each marked company or organisation."""

    def __init__(self, exclude: Iterable[str], known_keys: Mapping[str, str] | None = None) -> None:
        self.kinds: dict[str, str] = {}
        self.spelling: dict[str, str] = {}
        self.exclude = {e.lower() for e in exclude}
        self.known_keys = known_keys or {}  # name_key of each known form → canonical name

    def add_known(self, name: str) -> None:
        """Record a known (taxonomy) company by its canonical name; one whose name says it is a fund,
        institute or the like ("A+O Metalektro") is an organisation beside the case, as when unknown."""
        key = name_key(name)
        self.spelling[key] = name
        self.kinds[key] = "organisation" if ORG_WORDS.search(name) else "known"

    def add(self, name: str, kind: str) -> None:
        name = _clean(name)
        if not _looks_like_name(name) or name.lower() in self.exclude:
            return
        key = name_key(name)
        if key in self.known_keys:  # a known company with its legal form or in other letters
            self.add_known(self.known_keys[key])
            return
        if ORG_WORDS.search(name) and kind == "company":
            kind = "organisation"
        if key in self.kinds:
            if self.kinds[key] == "company" and kind != "known":
                return
        else:
            self.spelling[key] = name
        self.kinds[key] = kind


@lru_cache(maxsize=None)
def _alias_pattern(alias: str) -> re.Pattern[str]:
    # Compiled once per process: with more aliases than re's own cache holds (512), every case
    # page recompiled every alias's pattern for every text.
    return re.compile(rf"(?<!\w){re.escape(alias)}(?!\w)", re.I)


@lru_cache(maxsize=8)
def _known_patterns(known: tuple[tuple[str, tuple[str, ...]], ...]) -> list[tuple[re.Pattern[str], str, str, str]]:
    """Each known name and alias in each of its spellings ("Alfa Laval", "Alfa-Laval", "AlfaLaval"),
    matched in any case: (pattern, canonical name, the spelling, it in lower case for a substring test).
    Built once per set of known names (a build passes the same names for every page and text)."""
    patterns = []
    for name, aliases in known:
        for alias in (name, *aliases):
            for form in spellings(alias) if alias.strip() else ():
                patterns.append((_alias_pattern(form), name, form, form.lower()))
    return patterns


def _naming(pattern: re.Pattern[str], text: str, spelled: str) -> list[tuple[int, int]]:
    """Where the text writes the name as a name: capitalised, in capitals, or as it is spelled
    ("Alfa-Laval", "ALFA LAVAL", "de Vries Metaaltechniek"; not "neways" for Neways), each span
    with the legal form and group words after it ("… Holding B.V.")."""
    return [(m.start(), GROUP_AFTER.match(text, m.end()).end())  # type: ignore[union-attr]
            for m in pattern.finditer(text) if not m.group(0).islower() or m.group(0) == spelled]


@lru_cache(maxsize=8)
def _known_keys(known: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, str]:
    """The ``name_key`` of every form of every known name → its canonical name."""
    keys: dict[str, str] = {}
    for name, aliases in known:
        for alias in (name, *aliases):
            for form in spellings(alias) if alias.strip() else ():
                keys.setdefault(name_key(form), name)
    keys.pop("", None)
    return keys


def normalise_known(known: Mapping[str, Sequence[str]] | Iterable[str] | None) -> dict[str, tuple[str, ...]]:
    """Known names as ``{name: aliases}``, from a mapping or a plain list of names."""
    if not known:
        return {}
    if isinstance(known, Mapping):
        return {str(k): tuple(v) for k, v in known.items()}
    return {str(k): () for k in known}


def find_organisations(
    texts: Iterable[str],
    known: Mapping[str, Sequence[str]] | Iterable[str] | None = None,
    exclude: Iterable[str] = (),
) -> tuple[list[str], list[str]]:
    """The companies and the other organisations named in ``texts``, in order of first mention."""
    known_items = tuple(normalise_known(known).items())
    patterns = _known_patterns(known_items)
    found = _Found(exclude, _known_keys(known_items))
    texts = list(texts)
    # Words the texts also write in lower case are ordinary words, not parts of a name, when
    # capitalised at a name's edge ("Daarnaast Heeft", "Research en Innovatie").
    ordinary = STOPWORDS | set(_LOWER_WORD.findall("\n".join(texts)))
    for text in texts:
        checkpoint("find the companies")
        lowered = text.lower()
        spans: list[tuple[int, int, str]] = []
        for pattern, name, spelled, spelled_lower in patterns:
            # The substring test first: the regex scan per alias per text dominated large builds.
            if spelled_lower in lowered:
                spans.extend((start, end, name) for start, end in _naming(pattern, text, spelled))
        for _start, _end, name in sorted(spans):  # in order of mention, whatever the taxonomy's order
            found.add_known(name)
        _scan(_blank(text, [(start, end) for start, end, _name in spans]), found, ordinary)
    names = [(found.spelling[k], kind) for k, kind in found.kinds.items()]
    # A name inside a longer one found too is part of it ("Alfa Laval" in "Alfa Laval Benelux").
    spaced = [f" {n} " for n, _kind in names]
    names = [(n, kind) for n, kind in names
             if kind == "known" or not any(f" {n} " in other and other != f" {n} " for other in spaced)]
    companies = [n for n, kind in names if kind in ("company", "known")]
    organisations = [n for n, kind in names if kind == "organisation"]
    return companies, organisations


def _blank(text: str, known: Iterable[tuple[int, int]] = ()) -> str:
    """The text as the scan reads it, at the same length (positions hold): web and mail addresses
    and authors' names blanked (nothing in them is a company), the spans of known names marked (not
    read again), and the space after each sentence's end a line break (no name spans it)."""
    if known:  # one pass over the text, however many spans (they may overlap)
        pieces, at = [], 0
        for start, end in sorted(known):
            start = max(start, at)
            if end > start:
                pieces += [text[at:start], _KNOWN_BLANK * (end - start)]
                at = end
        text = "".join(pieces) + text[at:]
    for pattern in (_ADDRESS, _AUTHORS):
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return _SENTENCE_END.sub(_sentence_end, text)


def _sentence_end(match: re.Match[str]) -> str:
    """A line break for the space after a sentence's end; the space after an abbreviation or an
    initial stays ("Joh. Mourik", "Zn. B.V.", "A.P. Møller")."""
    before = _WORD_BEFORE.search(match.string, max(0, match.start() - 24), match.start())
    word = before.group(1) if before else ""
    if match.string[match.start() - 1] == "." and (
            word.lower() in ABBREVIATIONS or _INITIALS.fullmatch(word) and not _LEGAL_FORM.fullmatch(word + ".")):
        return match.group(0)
    return "\n"


def _legal_names(text: str) -> Iterable[str]:
    """The name before each legal form ("Vanderlande Industries B.V."), read backwards word by
    word from the form, so a long run of capitalised words costs its length once."""
    for match in _LEGAL_AT.finditer(text):
        before = text[max(0, match.start() - _NAME_BEFORE):match.start()]
        name: list[str] = []
        after_known = False
        sentence_start = match.start() < _NAME_BEFORE  # the text's start, unless a word stops the name
        for word in reversed(before.split(" ")):
            if len(name) == MAX_NAME_WORDS:
                sentence_start = False
                break
            # "Van Wijk en Zonen": "en" joins a family word; elsewhere it joins two names.
            joins = word.lower() in _CONNECTORS - {"en"} or word == "en" and name[:1] in (["Zonen"], ["Zn."], ["Co"])
            if _TOKEN_RE.fullmatch(word) or (name and joins):
                name.insert(0, word)
                continue
            after_known = _KNOWN_BLANK in word
            sentence_start = not word or "\n" in word
            break
        if not after_known:  # the words after a known name are its description ("Jumbo Supermarkten")
            yield " ".join(_opening(name, sentence_start))


def _opening(name: list[str], sentence_start: bool) -> list[str]:
    """A name read back from its legal form without the words before it that open a sentence: a
    function word ("Ook Jumbo Supermarkten", "Bij Van der Heijden"), or at a sentence's start a
    description before a surname ("Transportbedrijf Van Wijk en Zonen")."""
    while name and name[0] not in _PARTICLES and (name[0].lower() in _CONNECTORS or name[0].lower() in STOPWORDS):
        name = name[1:]
    if sentence_start and len(name) > 2 and name[1] in _PARTICLES:
        name = name[1:]
    return name


def _scan(text: str, found: _Found, ordinary: frozenset[str] | set[str]) -> None:
    for match in _SUPPORT.finditer(text):
        found.add(match.group(1), "organisation")
    for match in _PAREN.finditer(text):
        inner = _PREFIXES.sub("", match.group(1).strip())
        before = text[max(0, match.start() - 80):match.start()].rstrip()
        for part in _SPLIT.split(inner):
            part = _PREFIXES.sub("", part.strip())
            # "(HTSM)" after "Metalektro", "(NCSI)" after its full name, "(SMEs)" after "small and
            # medium-sized enterprises": an abbreviation, not a new name.
            if _ACRONYM.match(part) and (re.search(r"[A-Z][\w)]*$", before) or _spelled_out(part, before)):
                continue
            if all(word.lower() in ordinary for word in part.split()):
                continue  # "(… voor Research en Innovatie)": words the text also writes in lower case
            found.add(part, "company")
    for match in _AFTER_BIJ.finditer(text):
        found.add(match.group(1), "company")
    for name in _legal_names(text):
        found.add(name, "company")
    checkpoint("find the companies")
    _scan_capitalised(text, found, ordinary)


def _spelled_out(acronym: str, before: str) -> bool:
    """Whether the words before an acronym start with its letters, in order, the last word with
    its last letter ("small and medium-sized enterprises (SMEs)")."""
    letters = acronym.lower().removesuffix("s") if acronym[-1] == "s" else acronym.lower()
    words = [w for w in re.split(r"[\s-]+", before)[-2 * len(letters):] if w]
    if not words or not letters or words[-1][0].lower() != letters[-1]:
        return False
    pending = len(letters) - 1
    for word in reversed(words[:-1]):
        if pending and word[0].lower() == letters[pending - 1]:
            pending -= 1
    return pending == 0


def _scan_capitalised(text: str, found: _Found, ordinary: frozenset[str] | set[str]) -> None:
    """Runs of capitalised words mid-sentence, not in headings, references or quoted titles."""
    offset = 0
    for line in text.split("\n"):
        if not _is_heading(line) and not _CITATION.search(line):
            quoted = _QUOTED.sub(lambda m: " " * len(m.group(0)), line)
            for match in _MULTI.finditer(quoted):
                start = offset + match.start()
                sentence_start = start == 0 or bool(
                    _SENTENCE_START.search(text, max(0, start - _SENTENCE_WINDOW), start))
                name = _trim(match.group(1).split(), ordinary, sentence_start)
                if len(_clean(name).split()) >= 2:
                    found.add(name, "company")
        offset += len(line) + 1


def _trim(words: list[str], ordinary: frozenset[str] | set[str], sentence_start: bool) -> str:
    """A run of capitalised words without the ordinary words at its edges; at a sentence's start
    the first word says nothing by its capital ("Notitie Duurzaam …", "De Metalektro")."""
    if sentence_start and words and words[0] != "Van" and (
            words[0].lower() in ordinary or not _ACRONYM_WORD.fullmatch(words[0])):
        words = words[1:]
    # A capitalised "Van" before a name begins a surname ("Van Duijn Groep"), not a phrase; a word
    # the text writes in lower case may begin one ("Kinderopvang Het Speelkwartier").
    while words and words[0] != "Van" and (words[0].lower() in STOPWORDS or words[0].lower() in _CONNECTORS):
        words = words[1:]
    while words and words[-1].lower().rstrip(".") in ordinary and not _ACRONYM_WORD.fullmatch(words[-1]):
        words = words[:-1]
    return " ".join(words)


def _is_heading(line: str) -> bool:
    """Whether a line (a sentence, once ends are line breaks) is a heading or title in title case
    ("Meer Variatie In Het Werk")."""
    words = _WORDS.findall(line)
    if line.rstrip()[-1:] in ".!?" and len(words) >= 3 and all(w[0].isupper() for w in words):
        return True  # a sentence in title case ("Werkroulatie Helpt Echt."): a slogan or a title
    if len(words) < HEADING_WORDS or line.rstrip()[-1:] in ".!?;:,":
        return False
    return sum(w[0].isupper() for w in words) >= HEADING_SHARE * len(words)
