"""Dutch text analysis for the index: folding, stemming, stop words and compound parts.

The engine's two analyzers (``index.engine.analyzers``) are made of these steps; they share one
tokenizer (``TOKEN_PATTERN``) and one folding step:

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
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

import Stemmer

from archive.folding import APOSTROPHES, fold, plain_double_quotes

__all__ = [
    "MIN_PART",
    "STOP_WORDS",
    "fold",
    "plain_double_quotes",
    "split_compound",
    "stem",
]

# Parts shorter than this are mostly prefixes or accidents ("ver", "mee", "ing"), unless they
# are one of the chosen 3-letter words of lexicon/nl_short.txt (SHORT_PART letters long).
MIN_PART = 4
SHORT_PART = 3
# A split with a short part needs every part at least this common (Zipf): a good word.
GOOD_ZIPF = 3.0
# Longer words are not split into lexicon words: the search for a split tries every cut, and was
# quadratic in a word's length (64,000 letters: 50 s). Dutch's longest dictionary compounds have
# about 60 letters; a longer run of letters is no word (a hash, a page of letters with no space).
MAX_COMPOUND = 64
# Snowball's Dutch list, as Whoosh ships it (whoosh-reloaded 2.7.5, whoosh/lang/stopwords.py, "nl";
# a test holds it equal); folded forms, since tokens are folded first.
STOP_WORDS: frozenset[str] = frozenset("""
    aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus een eens en er
    ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets ik in is ja je kan kon kunnen
    maar me meer men met mij mijn moet na naar niet niets nog nu of om omdat onder ons ook op over reeds te
    tegen toch toen tot u uit uw van veel voor want waren was wat werd wezen wie wil worden wordt zal ze zelf
    zich zij zijn zo zonder zou
    """.split())
STEMMER_ALGORITHM = "dutch_porter"

# Word characters, joined by apostrophes (any that folding reads as one), hyphens (also U+2010/2011
# and the soft hyphen PDFs leave behind), "+", "&", dots, and commas between digits: "5-min", "A+O",
# "Thema’s", "zo′n", "HR-managers", "e-mail", "R&D", "www.neways.nl", "1,5". The modifier letter
# apostrophe (ʼ) is a letter to Unicode; here it is an apostrophe, so "Kidsʼ" is the word "kids".
_JOINER_CHARS = APOSTROPHES + "\\-\u2010\u2011\u00ad+&."
_LETTERS = r"[^\W\u02bc]+"
TOKEN_PATTERN = rf"{_LETTERS}(?:(?:[{_JOINER_CHARS}]|(?<=\d),(?=\d)){_LETTERS})*"
# After folding only ASCII joiners remain (curly apostrophes and odd hyphens are normalised).
_FOLDED_JOINERS = re.compile(r"[-'+&.,]")

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
# Heads a short modifier takes only by accident: bij|lagen is no "lagen" (layers) but attachments.
_NOT_AFTER_SHORT = frozenset("lage lagen".split())
# Plural, adjective and diminutive endings a compound's head may carry.
_ENDINGS = ("en", "eren", "s", "e", "n", "tjes", "pjes", "etjes", "jes", "tje", "pje", "etje", "je")
_VOWELS = frozenset("aeiou")


# PyStemmer objects are not thread-safe (the web server searches from several threads).
_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    """This thread's Snowball stemmer (one per thread, made when first asked)."""
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


@lru_cache(maxsize=1)
def short_parts() -> dict[str, tuple[float, str]]:
    """Return the 3-letter words that may be compound parts: word -> (Zipf, roles "m"/"h"/"mh")."""
    fields = iter(_data_words("nl_short.txt"))  # word zipf roles …
    return {word: (float(zipf), roles) for word, zipf, roles in zip(fields, fields, fields)}


def _lemmas(form: str) -> Iterator[str]:
    """Yield the base forms an inflected noun or adjective may come from (plural, -e, -je)."""
    yield form
    if form[-1] not in "ens":
        return
    for ending in _ENDINGS:
        if form.endswith(ending) and len(form) - len(ending) >= SHORT_PART:
            base = form[: -len(ending)]
            # Spelling changes only before a vowel: gesprek|ken, taak|taken, but kers is no keer+s.
            yield from _respell(base) if ending[0] == "e" else (base,)


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


@lru_cache(maxsize=262_144)
def _zipf(form: str) -> float:
    """Return how common a word is: the highest Zipf of the form and of the words it may inflect."""
    # The whole word's measure: "roosteren" is as common as "rooster", so roos|teren loses.
    zipfs, short = frequencies(), short_parts()
    return max(zipfs.get(lemma, short.get(lemma, (0.0, ""))[0]) for lemma in _lemmas(form))


def _head_zipf(head: str) -> float:
    """Return how common a head is: as written when the frequency list knows it, else its lemma's."""
    # As written first: goud|smeden, not goud|s|meden for the sake of "mede".
    zipf = frequencies().get(head)
    return _zipf(head) if zipf is None else zipf


@lru_cache(maxsize=2)
def _short_words(role: str) -> frozenset[str]:
    """Return the 3-letter words that may be a part in this role ("m" modifier, "h" head)."""
    return frozenset(word for word, (_, roles) in short_parts().items() if role in roles)


@lru_cache(maxsize=262_144)
def _head(form: str) -> str:
    """Return the word a compound's head comes from (a lexicon word, or a short head, inflected), or ""."""
    # "-ing" and "-atie" words end in short words by accident: verbete|ring, combi|natie.
    if form.endswith("ing") and len(form) < 6 or form.endswith("atie") and len(form) < 7:
        return ""
    words, short = lexicon(), _short_words("h")
    for lemma in _lemmas(form):
        if (lemma in words or lemma in short) and lemma not in _BANNED_HEADS and lemma not in _BANNED_PARTS:
            return lemma
    return ""


def _modifiers(left: str) -> Iterator[str]:
    """Yield what the left part may be once a linking morpheme (-s-, -e-, -en-, -er-) is removed."""
    yield left
    for link in ("s", "e", "en", "er"):
        if left.endswith(link) and len(left) - len(link) >= MIN_PART:
            yield left[: -len(link)]


Split = tuple[tuple[str, ...], tuple[float, ...]]  # the parts, and how common each is


def _known_modifier(left: str) -> tuple[str, float] | None:
    """Return the word a left part is (without its linking morpheme) and how common it is."""
    if len(left) == SHORT_PART:
        # A short word is a modifier only as it stands (rug|klachten), never with a link.
        return (left, short_parts()[left][0]) if left in _short_words("m") else None
    words, zipfs = lexicon(), frequencies()
    best, best_zipf, top = "", -1.0, -1.0
    for reading in _modifiers(left):
        if reading not in words or reading in _BANNED_MODIFIERS or reading in _BANNED_PARTS:
            continue
        zipf = zipfs.get(reading, 0.0)
        top = max(top, zipf)
        # -er- only when the left part is no word itself (kind|er|opvang, but meester|stuk),
        # yet the split is as good as its best reading: "kinder" counts as common as "kind".
        linked_er = reading != left and len(left) - len(reading) == 2 and left.endswith("er")
        if not best or (zipf > best_zipf and not linked_er):
            best, best_zipf = reading, zipf
    return (best, top) if best else None


def _split_at(word: str, start: int, depth: int) -> Split | None:
    """Return the split of word with its head at start, None if that is no valid split."""
    head, left = word[start:], word[:start]
    lemma = _head(head)
    if not lemma or left in _BANNED_MODIFIERS:
        return None
    # A plain word before a compound of words: "beschikkings" is "beschikking" + -s-, not
    # "beschik|kings"; of several readings the most frequent word wins (personeel|s|jaar).
    known = _known_modifier(left)
    if known:
        split: Split = ((known[0], head), (known[1], _head_zipf(head)))
    elif depth < 2 and len(left) >= MIN_PART:
        # Without its linking morpheme first: werknemers|tevredenheid|s -> ...|tevredenheid.
        readings = (m for m in reversed(list(_modifiers(left))) if m not in _BANNED_MODIFIERS)
        inner = next(filter(None, (_best(m, depth + 1) for m in readings)), None)
        if inner is None:
            return None
        split = ((*inner[0], head), (*inner[1], _head_zipf(head)))
    else:
        return None
    if len(lemma) == SHORT_PART or any(len(part) == SHORT_PART for part in split[0][:-1]):
        return split if _short_split_holds(word, split, head, lemma) else None
    return split


def _short_split_holds(word: str, split: Split, head: str, lemma: str) -> bool:
    """Tell whether a split with a 3-letter part is believable (short parts split by accident)."""
    # Every part is a common word (Zipf >= GOOD_ZIPF) and more common than the whole word:
    # bij|baan and rug|klachten, but not oor|deel, bes|tellen, wet|houder or lam|pion.
    if min(split[1]) < GOOD_ZIPF or min(split[1]) <= _zipf(word):
        return False
    if len(split[0][-2]) != SHORT_PART:
        return True
    # After a short modifier the head is no function word (bij|zonder) and is written as its
    # word begins (zak|ken, vrij|e), not respelled: bij|lage would put "bijlage" under "laag".
    return lemma not in STOP_WORDS and lemma not in _NOT_AFTER_SHORT and head.startswith(lemma)


@lru_cache(maxsize=262_144)
def _best(word: str, depth: int = 0) -> Split | None:
    """Return the best split of word into lexicon words, left to right, None if none wins."""
    # Koehn & Knight (2003): of the splits into known words, take the one with the fewest parts
    # (Dutch compounds are right-headed, so that is the top-level split) and, among those, the
    # highest mean Zipf frequency; split only when that beats the whole word's own frequency,
    # so "gesprekken" stays whole (not gesp|rekken) and "doelstelling" is doel|stelling, not
    # doels|telling. A modifier inside a split (depth > 0) must split to be valid at all.
    baseline = _zipf(word) if depth == 0 else -1.0
    best: Split | None = None
    best_key: tuple[int, float] | None = None
    for start in range(SHORT_PART, len(word) - SHORT_PART + 1):
        # The head test first, here: most cuts fail it, and it is cached.
        split = _split_at(word, start, depth) if _head(word[start:]) else None
        if split is None:
            continue
        key = (-len(split[0]), sum(split[1]) / len(split[1]))
        if best_key is None or key > best_key:
            best, best_key = split, key
    return best if best_key is not None and best_key[1] > baseline else None


def _decompose(word: str) -> tuple[str, ...]:
    """Return the lexicon words a compound is made of, left to right; () if none."""
    split = _best(word)
    return split[0] if split else ()


@lru_cache(maxsize=262_144)
def _split_folded(word: str) -> tuple[str, ...]:
    """The parts of a folded word, and theirs: split at its joining marks, else into lexicon words; () for no
    compound."""
    if _FOLDED_JOINERS.search(word):
        # Explicit boundaries are trusted down to two letters ("HR-managers").
        pieces: tuple[str, ...] = tuple(piece for piece in _FOLDED_JOINERS.split(word) if len(piece) >= 2)
    elif len(word) < 2 * SHORT_PART or len(word) > MAX_COMPOUND or not word.isalpha():
        return ()
    else:
        pieces = _decompose(word)
        if len(set(pieces)) == 1:  # one piece said twice ("chowchow", "koekoek") is a word of its own
            return ()
    # Each piece may itself be a compound and give its parts too: "multi-inzetbaarheidsmaatregelen",
    # werkdruk|scan (so "druk" finds it), bedrijfs|noodplan (so "plan" does).
    return tuple(dict.fromkeys(part for piece in pieces for part in (piece, *_split_folded(piece))))


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


def clear_word_caches() -> None:
    """Empty the per-word caches (stems, splits, word analyses), so a measurement starts cold."""
    for cached in (analyse_word, stem, _split_folded, _best, _zipf, _head):
        cached.cache_clear()
