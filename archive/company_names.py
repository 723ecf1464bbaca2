"""How a company's name is written: its legal form and group words, and its spellings.

One name, many spellings: "Alfa Laval", "Alfa-Laval", "AlfaLaval", "ALFA LAVAL"; "Philips
Nederland B.V." and "Koninklijke Philips N.V." are "Philips" with a legal form. The case-page
finder (``archive.organisations``), linking, search and the taxonomy (``index.text.companies``,
``index.text.taxonomy``) share these rules and ``name_key``, the one key per company; archive code
never imports index code, so they live here.
"""

from __future__ import annotations

import re
from functools import lru_cache

from archive.folding import DASHES, dashes_as_hyphens, fold_name

__all__ = ["DASHES", "GROUP_AFTER", "GROUP_WORDS", "MAX_JOINED", "bare_name", "dashes_as_hyphens",
           "key_letters", "name_key", "spellings"]

# The legal forms and group words that may follow a name (without their joint), one alternative.
GROUP_WORDS = (r"b\.?\s?v\.?|n\.?\s?v\.?|c\.?\s?v\.?|v\.?\s?o\.?\s?f\.?|holdings?|groep|group|nederland|"
               r"benelux|international|industries|ltd\.?|gmbh|inc\.?|plc|(?:&|en)\s*(?:zn|zonen|co|cie)\.?")
# Legal forms and group words right after a name, on its line ("… Holding B.V.", "… & Zn."), for
# the finder to take them with a known name it matched. The joint is spaces, or a comma or hyphen
# and spaces: "[^\S\n]*[,\-]?[^\S\n]+" tried every split of a run of spaces (8,000 after a known
# name: 25 s).
GROUP_AFTER = re.compile(rf"(?:(?:[^\S\n]*+[,\-][^\S\n]++|[^\S\n]++)(?:{GROUP_WORDS})(?![\w.]))*", re.I)
# Legal forms and the group/country words a company name carries or drops ("Philips Nederland
# B.V.", "VDL Groep", "Neways Electronics International N.V.", "Jansen & Zn."); stripped from
# the end of a name, any number of them.
_SUFFIX = re.compile(rf"(?:[\s,\-]+(?:{GROUP_WORDS}))+$", re.I)
_SUFFIX_REACH = 200  # characters at a name's end that may hold its legal forms and group words
# Words that go before a name and are as often left out: the royal title, an old "N.V." first.
_PREFIX = re.compile(r"^(?:koninklijke|royal|n\.?\s?v\.?)\s+", re.I)
_LETTERS = re.compile(r"[^\W_]")
_SPLIT = re.compile(r"[\s\-]+")
# What a key keeps: letters, digits and the "+" and "&" inside names ("A+O", "C&A").
_NOT_KEY = re.compile(r"[^\w+&]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
_DOTTED = re.compile(r"(?:[A-Za-z]\.){2,}")
_ACRONYM = re.compile(r"[A-Z]{2,6}")
# More words than this and a name is not written joined or hyphenated in practice.
MAX_JOINED = 3


def bare_name(name: str) -> str:
    """The name without its legal form, group words and royal title ("Philips Nederland B.V." →
    "Philips"), as written; the name itself when nothing would be left."""
    spaced = " ".join(dashes_as_hyphens(name).split())
    # Only the end is read for legal forms: from every separator of a long run of them ("A----…"),
    # the pattern read the rest of the run again (8,000 hyphens: 14 s).
    head, tail = spaced[:-_SUFFIX_REACH], spaced[-_SUFFIX_REACH:]
    bare = _PREFIX.sub("", head + _SUFFIX.sub("", tail)).strip(" ,-")
    return bare if _LETTERS.search(bare) else spaced


def spellings(name: str) -> list[str]:
    """A name spaced, hyphenated and joined ("Alfa Laval", "Alfa-Laval", "AlfaLaval"), an
    abbreviation with and without its dots ("B.S.B.", "BSB"); the name itself first."""
    name = dashes_as_hyphens(name).strip()
    if _DOTTED.fullmatch(name):
        return [name, name.replace(".", "")]
    if _ACRONYM.fullmatch(name):
        return [name, ".".join(name) + "."]
    words = [w for w in _SPLIT.split(_CAMEL.sub(" ", name)) if w]
    if not 2 <= len(words) <= MAX_JOINED:
        return [name]
    return list(dict.fromkeys([name, " ".join(words), "-".join(words), "".join(words)]))


@lru_cache(maxsize=65_536)
def name_key(name: str) -> str:
    """One key for every way a company's name is written, for linking, search, the taxonomy and
    the finder: folded as search folds, without legal form, and with spaces, hyphens and dots
    dropped ("ALFA-LAVAL B.V." and "AlfaLaval" → "alfalaval", "Møller & Zn." → "moller")."""
    return key_letters(bare_name(name)) or fold_name(name)


def key_letters(text: str) -> str:
    """The text folded, with only its letters, digits, "+" and "&" ("A+O Metalektro" → "a+ometalektro")."""
    return _NOT_KEY.sub("", fold_name(text))
