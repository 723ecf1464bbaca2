"""Dutch text analysis for the Whoosh index: folding, stemming, stop words and compound parts.

Two analyzers share one tokenizer and one folding step:

- ``stemmed_analyzer()`` for ranked full-text fields: folded, stop words removed, Snowball
  Dutch stems, and the parts of compounds indexed at the compound's own position, so
  "roulatie" finds "taakroulatie" and "gesprek" finds "functioneringsgesprekken".
- ``exact_analyzer()`` for phrase fields: folded words only, nothing removed or added, so a
  quoted phrase matches those words in that order.

Compound parts are emitted only when indexing (``mode != "query"``): a query word is looked up
as written, and the parts already sit in the index under every compound that contains them.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources

import Stemmer
from whoosh.analysis import Analyzer, Filter, RegexTokenizer, StopFilter, Token
from whoosh.lang.stopwords import stoplists

__all__ = [
    "MIN_PART",
    "STOP_WORDS",
    "exact_analyzer",
    "fold",
    "split_compound",
    "stem",
    "stemmed_analyzer",
]

# Parts shorter than this are mostly prefixes or accidents ("ver", "mee", "ing").
MIN_PART = 4
# Snowball's Dutch list (Whoosh ships it); folded forms, since tokens are folded first.
STOP_WORDS: frozenset[str] = frozenset(stoplists["nl"])
STEMMER_ALGORITHM = "dutch_porter"

# Word characters, joined by apostrophes, hyphens (also U+2010/2011 and the soft hyphen PDFs
# leave behind), "+", "&", dots, and commas between digits: "5-min", "A+O", "Thema’s",
# "HR-managers", "e-mail", "R&D", "www.neways.nl", "1,5".
_JOINER_CHARS = "'’‘\\-\u2010\u2011\u00ad+&."
TOKEN_PATTERN = rf"\w+(?:(?:[{_JOINER_CHARS}]|(?<=\d),(?=\d))\w+)*"
# After folding only ASCII joiners remain (curly apostrophes and odd hyphens are normalised).
_FOLDED_JOINERS = re.compile(r"[-'+&.,]")

_QUOTES = str.maketrans(
    {
        "’": "'", "‘": "'", "‛": "'", "ʼ": "'", "′": "'", "´": "'",
        "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
        "\u2010": "-", "\u2011": "-",
        # Invisible characters that split or glue words in pasted and extracted text.
        "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None,
        "\ufeff": None,
    }
)
# Letters that Unicode does not decompose into a base letter plus an accent.
_UNDECOMPOSABLE = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)

# Verb particles and prefix-like words: "samenwerking", "medewerker", "overleg" and
# "evenwicht" are derivations, not "samen + werking" etc.
_BANNED_MODIFIERS = frozenset(
    """
    aaneen achter binnen bijeen boven buiten door even mede onder over rond samen tegen
    terug uiteen voor vooruit weder
    """.split()
)
# Heads that are words but in practice suffixes: "wetenschap", "inzetbaar", "vriendelijk",
# "medewerkster", "gezondheden".
_BANNED_HEADS = frozenset("schap baar lijk ster heden loos loze zaam eren".split())
# Rare words that end or start common ones by accident: mana|gers (managers).
_BANNED_PARTS = frozenset("gers mana".split())
_DIMINUTIVES = ("tjes", "pjes", "etjes", "jes", "tje", "pje", "etje", "je")
_VOWELS = frozenset("aeiou")


def fold(text: str) -> str:
    """Return text NFKC-normalised, lower-cased, without accents and with plain quotes."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text.translate(_QUOTES)).casefold()
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    # NFKC again: it maps "ĳ" to "ij" and recomposes what accent stripping left.
    return unicodedata.normalize("NFKC", bare).translate(_UNDECOMPOSABLE).translate(_QUOTES)


# PyStemmer objects are not thread-safe (the web server searches from several threads).
_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        # Our own lru_cache sits in front, so PyStemmer's cache would only cost memory.
        stemmer = _local.stemmer = Stemmer.Stemmer(STEMMER_ALGORITHM, 0)
    return stemmer


@lru_cache(maxsize=262_144)
def stem(word: str) -> str:
    """Return the Snowball Dutch (Porter variant) stem of a folded word."""
    stemmed: str = _stemmer().stemWord(word)
    # The Porter variant leaves "bedrijven" -> "bedrijv" beside "bedrijf", "huizen" -> "huiz"
    # beside "huis"; a Dutch word never ends in v or z, so restoring f and s conflates them.
    if len(stemmed) > 2 and stemmed[-1] in "vz" and stemmed[-2] not in "vz":
        stemmed = stemmed[:-1] + ("f" if stemmed[-1] == "v" else "s")
    # Adjectives in -isch(e) belong with their noun in -ie: ergonomische maatregelen are about
    # ergonomie, economische groei about economie (Snowball leaves "ergonomisch" beside "ergonomie").
    if len(stemmed) > 6 and stemmed.endswith("isch"):
        stemmed = stemmed[:-4] + "ie"
    return stemmed


def _data_words(name: str) -> list[str]:
    """The whitespace-separated fields of a shipped word list, after its header of # lines
    (split in one go: a search process loads both lists, so they must load fast)."""
    text = resources.files("index").joinpath(f"lexicon/{name}").read_text(encoding="utf-8")
    while text.startswith("#"):
        text = text.partition("\n")[2]
    return text.split()


@lru_cache(maxsize=1)
def frequencies() -> dict[str, float]:
    """Return the shipped Zipf frequencies of Dutch words (wordfreq, see docs/analysis.md)."""
    fields = iter(_data_words("nl_freq.txt"))  # word zipf word zipf …
    return dict(zip(fields, map(float, fields)))


@lru_cache(maxsize=1)
def lexicon() -> frozenset[str]:
    """Return the shipped Dutch word list (folded base forms, see docs/analysis.md)."""
    return frozenset(_data_words("nl_words.txt"))


def _lemmas(form: str) -> Iterator[str]:
    """Yield the base forms an inflected noun or adjective may come from (plural, -e, -je)."""
    yield form
    for ending in ("en", "eren", "s", "e", "n"):
        if form.endswith(ending) and len(form) - len(ending) >= MIN_PART:
            yield from _respell(form[: -len(ending)])
    for ending in _DIMINUTIVES:
        if form.endswith(ending) and len(form) - len(ending) >= MIN_PART:
            yield from _respell(form[: -len(ending)])


def _respell(base: str) -> Iterator[str]:
    """Yield a stripped stem and its Dutch spelling repairs: gesprekk, resultat, bedrijv."""
    yield base
    if base[-1] == base[-2] and base[-1] not in _VOWELS:
        yield base[:-1]  # gesprekken -> gesprek
    elif base[-1] not in _VOWELS and base[-2] in _VOWELS and base[-3] not in _VOWELS:
        yield base[:-2] + base[-2] + base[-2:]  # resultaten -> resultaat, taken -> taak
    if base[-1] == "v":
        yield base[:-1] + "f"  # bedrijven -> bedrijf
    elif base[-1] == "z":
        yield base[:-1] + "s"  # huizen -> huis


def _is_head(form: str) -> bool:
    """Tell whether form can end a compound: a (possibly inflected) lexicon word."""
    # "-ing" and "-atie" words end in short words by accident: verbete|ring, combi|natie.
    if form.endswith("ing") and len(form) < 6 or form.endswith("atie") and len(form) < 7:
        return False
    words = lexicon()
    return any(
        lemma in words and lemma not in _BANNED_HEADS and lemma not in _BANNED_PARTS
        for lemma in _lemmas(form)
    )


def _modifiers(left: str) -> Iterator[str]:
    """Yield what the left part may be once a linking morpheme (-s-, -e-, -en-, -er-) is removed."""
    yield left
    # -er- only when the left part is no word itself: kind|er|opvang, but meester|stuk.
    links = ("s", "e", "en") if left in lexicon() else ("s", "e", "en", "er")
    for link in links:
        if left.endswith(link):
            yield left[: -len(link)]


def _split_at(word: str, start: int, depth: int) -> tuple[str, ...]:
    """Return the split of word with its head at start, () if that is no valid split."""
    head, left = word[start:], word[:start]
    if left in _BANNED_MODIFIERS or not _is_head(head):
        return ()
    words = lexicon()
    candidates = [
        m for m in _modifiers(left)
        if len(m) >= MIN_PART and m not in _BANNED_MODIFIERS and m not in _BANNED_PARTS
    ]
    # A plain word before a compound of words: "beschikkings" is "beschikking" + -s-, not
    # "beschik|kings"; of several readings the most frequent word wins (personeel|s|jaar).
    known = [modifier for modifier in candidates if modifier in words]
    if known:
        zipfs = frequencies()
        return (max(known, key=lambda modifier: zipfs.get(modifier, 0.0)), head)
    if depth < 2:
        # Without its linking morpheme first: werknemers|tevredenheid|s -> ...|tevredenheid.
        for modifier in reversed(candidates):
            inner = _decompose(modifier, depth + 1)
            if inner:
                return (*inner, head)
    return ()


@lru_cache(maxsize=262_144)
def _decompose(word: str, depth: int = 0) -> tuple[str, ...]:
    """Return the lexicon words a compound is made of, left to right; () if none."""
    # Koehn & Knight (2003): of the splits into known words, take the one with the fewest parts
    # (Dutch compounds are right-headed, so that is the top-level split) and, among those, the
    # highest mean Zipf frequency; split only when that beats the whole word's own frequency,
    # so "gesprekken" stays whole (not gesp|rekken) and "doelstelling" is doel|stelling, not
    # doels|telling. A modifier inside a split (depth > 0) must split to be valid at all.
    zipfs = frequencies()
    baseline = zipfs.get(word, 0.0) if depth == 0 else -1.0
    best: tuple[str, ...] = ()
    best_key: tuple[int, float] | None = None
    for start in range(MIN_PART, len(word) - MIN_PART + 1):
        split = _split_at(word, start, depth)
        if not split:
            continue
        key = (-len(split), sum(zipfs.get(part, 0.0) for part in split) / len(split))
        if best_key is None or key > best_key:
            best, best_key = split, key
    return best if best_key is not None and best_key[1] > baseline else ()


@lru_cache(maxsize=262_144)
def _split_folded(word: str) -> tuple[str, ...]:
    if _FOLDED_JOINERS.search(word):
        # Explicit boundaries are trusted down to two letters ("HR-managers"); each piece may
        # itself be a compound ("multi-inzetbaarheidsmaatregelen").
        parts: list[str] = []
        for piece in _FOLDED_JOINERS.split(word):
            if len(piece) >= 2:
                parts.append(piece)
                parts.extend(_split_folded(piece))
        return tuple(dict.fromkeys(parts))
    if len(word) < 2 * MIN_PART or not word.isalpha():
        return ()
    return _decompose(word)


def split_compound(word: str) -> list[str]:
    """Return the parts of a Dutch compound (folded, unstemmed), [] if it is not one."""
    return [part for part in _split_folded(fold(word)) if part != word]


@lru_cache(maxsize=262_144)
def analyse_word(folded: str) -> tuple[str, tuple[str, ...]]:
    """Return a folded token's indexed form and the stems of its compound parts."""
    main = stem(_FOLDED_JOINERS.sub("", folded))
    parts: dict[str, None] = {}
    for part in _split_folded(folded):
        if part not in STOP_WORDS:
            part_stem = stem(part)
            if part_stem != main:
                parts[part_stem] = None
    return main, tuple(parts)


class FoldFilter(Filter):
    """Fold each token (NFKC, lower case, no accents, plain apostrophes)."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = fold(token.text)
            yield token


class DutchStemFilter(Filter):
    """Stem each token and, when indexing, add its compound parts at the same position."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for token in tokens:
            main, parts = analyse_word(token.text)
            token.text = main
            yield token
            if parts and token.mode != "query":
                for part in parts:
                    extra = token.copy()
                    extra.text = part
                    yield extra


def _tokenizer() -> RegexTokenizer:
    return RegexTokenizer(TOKEN_PATTERN)


def stemmed_analyzer() -> Analyzer:
    """Return the analyzer for ranked Dutch full-text fields (stems, no stop words, parts)."""
    # minsize=1 keeps one-character tokens such as the "5" of "5 bedrijven".
    return _tokenizer() | FoldFilter() | StopFilter(stoplist=STOP_WORDS, minsize=1) | DutchStemFilter()


def exact_analyzer() -> Analyzer:
    """Return the analyzer for exact-phrase fields (folded words, nothing removed or added)."""
    return _tokenizer() | FoldFilter()
