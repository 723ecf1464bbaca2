"""Company names as people write them: one key per company, and the forms to look for in text.

Pages, video descriptions and transcripts name one company in many ways: with or without a legal
form ("Koninklijke Philips N.V.", "Philips Nederland B.V.", "Philips"), in capitals ("ALFA
LAVAL"), hyphenated, joined or spaced ("Alfa-Laval", "AlfaLaval", "Alfa Laval"). ``company_key``
gives all of them one key (the taxonomy looks companies up by it), ``company_forms`` lists the
forms linking looks for and a search query is widened with. The rules of legal forms and
spellings live in ``archive.company_names`` (the case-page finder uses them too). The forms of tests/fixtures/companies
come from public pages (see its SOURCES.md).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from archive.company_names import bare_name, dashes_as_hyphens, spellings
from index.analysis import fold, lexicon

_NOT_KEY = re.compile(r"[^\w+&]+")


def fold_name(text: str) -> str:
    """A name's or a text's comparison form: ``index.analysis.fold`` with spacing folded and any
    dash a hyphen (the one folding that linking, the taxonomy and search share)."""
    folded = fold(text if text.isascii() else dashes_as_hyphens(text))  # "Alfa–Laval" is "Alfa-Laval"
    if text.isascii() and text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return folded  # spaced evenly already (most long texts): nothing to fold
    return " ".join(folded.split())


@lru_cache(maxsize=65_536)
def company_key(name: str) -> str:
    """One key for every way a company's name is written: folded, without legal form, and with
    spaces, hyphens and dots dropped ("ALFA-LAVAL B.V." and "AlfaLaval" → "alfalaval")."""
    key = _NOT_KEY.sub("", fold_name(bare_name(name)))
    return key or fold_name(name)


def is_telling(name: str) -> bool:
    """Whether a name left bare is still telling: not a common word ("Brand Groep" → "Brand" is
    not, "Philips Nederland B.V." → "Philips" is) and at least three letters."""
    key = _NOT_KEY.sub("", fold_name(name))
    return len(key) >= 3 and (" " in name.strip() or key not in lexicon())


def company_forms(names: Iterable[str]) -> list[str]:
    """The names of one company and the other ways they are written, each form once (by its
    folded spelling), the given names first."""
    forms: dict[str, str] = {}
    given = [n for n in names if n.strip()]
    for name in given:
        forms.setdefault(fold_name(name), dashes_as_hyphens(name.strip()))
    for name in given:
        bare = bare_name(name)
        # A legal form is written one way ("Philips Nederland B.V."): only the bare name varies.
        candidates = spellings(name) if bare == name.strip() else spellings(bare) if is_telling(bare) else []
        for form in candidates:
            forms.setdefault(fold_name(form), form)
    return list(forms.values())
