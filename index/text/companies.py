"""Company names as people write them: one key per company, and the forms to look for in text.

Pages, video descriptions and transcripts name one company in many ways: with or without a legal
form ("Koninklijke Philips N.V.", "Philips Nederland B.V.", "Philips"), in capitals ("ALFA
LAVAL"), hyphenated, joined or spaced ("Alfa-Laval", "AlfaLaval", "Alfa Laval").
``archive.company_names.name_key`` gives all of them one key (the taxonomy and the case-page
finder look companies up by it), ``company_forms`` lists the forms linking looks for and a search
query is widened with. The rules of legal forms, spellings and folding live in ``archive``
(``company_names``, ``folding``), since the finder uses them too. The forms of tests/fixtures/companies
come from public pages (see its SOURCES.md).
"""

from __future__ import annotations

from typing import Iterable

from archive.company_names import bare_name, dashes_as_hyphens, key_letters, spellings
from archive.folding import fold_name
from index.text.analysis import lexicon

__all__ = ["bare_name", "company_forms", "fold_name", "is_telling"]


def is_telling(name: str) -> bool:
    """Whether a name left bare is still telling: not a common word ("Brand Groep" → "Brand" is
    not, "Philips Nederland B.V." → "Philips" is) and at least three letters."""
    key = key_letters(name)
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
