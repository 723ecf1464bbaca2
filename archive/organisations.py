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

# A name token: capitalised word, acronym (A+O, BSB, 3M) or a legal form.
_TOKEN = r"(?:[A-ZÀ-Þ][\w'’+&.-]*|[0-9]+[A-Z][\w+&-]*)"
# Words that may join the tokens of one name ("Centrum voor Sociale Innovatie", "Jansen & Zn.").
_CONNECTOR = r"(?:van(?:\s+(?:de|der|den|het))?|de|der|den|voor|'t|&|en)"
NAME = rf"{_TOKEN}(?:\s+(?:{_CONNECTOR}\s+)?{_TOKEN})*"
_CONNECTORS = {"van", "de", "der", "den", "het", "en", "&", "'t", "voor"}

_PAREN = re.compile(r"\(([^()]{2,120})\)")
_AFTER_BIJ = re.compile(rf"\b(?:bij|at)\s+({NAME})")
_LEGAL_FORM = re.compile(r"B\.V\.?|N\.V\.?|BV|NV|Ltd\.?|GmbH")
_LEGAL = re.compile(rf"({NAME})\s+(?:B\.V\.|N\.V\.|BV|NV|Ltd\.?|GmbH)(?!\w)")
_SUPPORT = re.compile(
    rf"(?:(?:begeleid|ondersteund|geadviseerd|gefinancierd|uitgevoerd|onderzocht|gesubsidieerd|supported|"
    rf"advised|funded|guided|conducted)\s+(?:door|by)\s+(?:(?:de|het|the)\s+)?"
    rf"|(?:adviseurs?|consultants?|onderzoekers?|researchers?|adviesbureau)\s+(?:van|from|of)\s+(?:(?:het|de|the)\s+)?)"
    rf"({NAME})"
)
_MULTI = re.compile(rf"(?<![\w‘“'\"])({_TOKEN}(?:\s+(?:{_CONNECTOR}\s+)?{_TOKEN})+)")
_PREFIXES = re.compile(
    r"^(?:bijvoorbeeld|bv\.|o\.a\.|onder andere|zoals|waaronder|bij|e\.g\.|such as|including|at)\s+", re.I
)
_SPLIT = re.compile(r"\s*(?:,|;|\s+en\s+|\s+and\s+)\s*")
_ACRONYM = re.compile(r"^[A-Z]{2,6}$")

# Words that open a Dutch (or English) sentence or label, never a name by themselves.
STOPWORDS = frozenset(
    """de het een en in op bij van voor met door om tot uit over naar na als dat die dit deze zij
    ze hij wij we men er daarna vervolgens ook maar meer minder beter prettiger resultaten
    resultaat aanpak referentie verwijzing thema thema's thema’s sector bron bronnen zie
    steekwoorden kenmerken downloads auteur datum januari februari maart april mei juni juli
    augustus september oktober november december maandag dinsdag woensdag donderdag vrijdag
    zaterdag zondag nederland nederlands nederlandse engels engelse europa europese eu hr ict
    mkb cao the a an of and in at for with by this these from themes source keywords results
    approach sector pdf word excel powerpoint video film youtube""".split()
)
# A name holding one of these is an organisation (fund, institute, government), not a company.
ORG_WORDS = re.compile(
    r"fonds|stichting|vereniging|centrum|instituut|universiteit|hogeschool|ministerie|gemeente|"
    r"provincie|overheid|\braad\b|\btno\b|\bfnv\b|\bcnv\b|\bvno|\bser\b|\buwv\b|\bncsi\b|a\+o|"
    r"kenniscentrum|consortium|university|institute|foundation|association|council|ministry|commission|agency",
    re.I,
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;•–—]\s+|\n)$")


def _clean(name: str) -> str:
    words = " ".join(name.split()).strip(" ,;:’'").split()
    while words and (words[-1].lower() in _CONNECTORS or words[-1].lower() in STOPWORDS
                     or _LEGAL_FORM.fullmatch(words[-1])):
        words.pop()
    return " ".join(words).rstrip(".")


def _looks_like_name(name: str) -> bool:
    words = name.split()
    if not words or len(words) > 6 or not re.match(_TOKEN, words[0]):
        return False
    if all(w.lower() in STOPWORDS or w.lower() in _CONNECTORS for w in words):
        return False
    return all(re.fullmatch(_TOKEN, w) or w.lower() in _CONNECTORS for w in words)


class _Found:
    """Names in order of first mention, each marked company or organisation."""

    def __init__(self, exclude: Iterable[str]) -> None:
        self.kinds: dict[str, str] = {}
        self.spelling: dict[str, str] = {}
        self.exclude = {e.lower() for e in exclude}

    def add(self, name: str, kind: str) -> None:
        name = _clean(name)
        key = name.lower()
        if not _looks_like_name(name) or key in self.exclude:
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
    return re.compile(rf"(?<!\w){re.escape(alias)}(?!\w)")


@lru_cache(maxsize=8)
def _known_patterns(known: tuple[tuple[str, tuple[str, ...]], ...]) -> list[tuple[re.Pattern[str], str, str]]:
    # Built once per set of known names (a build passes the same names for every page and text).
    patterns = []
    for name, aliases in known:
        for alias in (name, *aliases):
            if alias.strip():
                patterns.append((_alias_pattern(alias.strip()), name, alias.strip()))
    return patterns


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
    patterns = _known_patterns(tuple(normalise_known(known).items()))
    found = _Found(exclude)
    for text in texts:
        for pattern, name, alias in patterns:
            # The substring test first: the regex scan per alias per text dominated large builds.
            if alias in text and pattern.search(text):
                found.spelling[name.lower()] = name
                found.kinds[name.lower()] = "known"
        _scan(text, found)
    names = [(found.spelling[k], kind) for k, kind in found.kinds.items()]
    names = [(n, kind) for n, kind in names
             if kind == "known" or not any(n != other and re.search(rf"(?<!\w){re.escape(n)}(?!\w)", other)
                                           for other, _ in names)]
    companies = [n for n, kind in names if kind in ("company", "known")]
    organisations = [n for n, kind in names if kind == "organisation"]
    return companies, organisations


def _scan(text: str, found: _Found) -> None:
    for match in _SUPPORT.finditer(text):
        found.add(match.group(1), "organisation")
    for match in _PAREN.finditer(text):
        inner = _PREFIXES.sub("", match.group(1).strip())
        before = text[: match.start()].rstrip()
        for part in _SPLIT.split(inner):
            part = _PREFIXES.sub("", part.strip())
            # "(HTSM)" after "Metalektro", "(NCSI)" after its full name: an abbreviation, not a new name.
            if _ACRONYM.match(part) and re.search(r"[A-Z][\w)]*$", before):
                continue
            found.add(part, "company")
    for pattern in (_AFTER_BIJ, _LEGAL):
        for match in pattern.finditer(text):
            found.add(match.group(1), "company")
    for match in _MULTI.finditer(text):
        name = match.group(1)
        if _SENTENCE_START.search(text[: match.start()]):
            # A capital at the start of a sentence says nothing: "Notitie Duurzaam …", "De Metalektro".
            name = " ".join(name.split()[1:])
        if len(_clean(name).split()) >= 2:
            found.add(name, "company")
