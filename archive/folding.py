"""How text is folded for comparison: one folding for the index, linking, search, the taxonomy and
the case-page finder.

``fold`` is the index analyzer's folding of a word or text (case, accents, ligatures, quotes);
``fold_name`` adds even spacing and reads any dash as a hyphen, for names and the texts they are
looked up in. They live in ``archive`` because the finder (archive code, which never imports index
code) keys names with them too; a name folded two ways made linking and the finder disagree
("Møller" was "moller" to one and "møller" to the other).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["APOSTROPHES", "DASHES", "DOUBLE_QUOTES", "dashes_as_hyphens", "fold", "fold_name", "plain_double_quotes"]

# Dash characters people and word processors write for a hyphen (U+2010-U+2015, the minus sign):
# "Alfa–Laval" is "Alfa-Laval".
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_DASH = re.compile(f"[{DASHES}]")
# What people, word processors and OCR write for an apostrophe or a single quote ("Kids’ Club", "zo′n",
# "zoʼn" is "zo'n") and for a double quote („…”, “…”): each is the plain one.
APOSTROPHES = "'’‘‛ʼ′´"
DOUBLE_QUOTES = '"“”„‟″'
_DOUBLE = str.maketrans(dict.fromkeys(DOUBLE_QUOTES[1:], '"'))
_QUOTES = str.maketrans(
    {
        **dict.fromkeys(APOSTROPHES[1:], "'"), **dict.fromkeys(DOUBLE_QUOTES[1:], '"'),
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


def fold(text: str) -> str:
    """Return text NFKC-normalised, lower-cased, without accents and with plain quotes."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text.translate(_QUOTES)).casefold()
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    # NFKC again: it maps "ĳ" to "ij" and recomposes what accent stripping left.
    return unicodedata.normalize("NFKC", bare).translate(_UNDECOMPOSABLE).translate(_QUOTES)


def plain_double_quotes(text: str) -> str:
    """The text with every double quote mark written as '"' (a query's „phrase” is a "phrase")."""
    return text.translate(_DOUBLE) if not text.isascii() else text


def dashes_as_hyphens(text: str) -> str:
    """The text with every dash character written as a hyphen ("Alfa–Laval" → "Alfa-Laval")."""
    return _DASH.sub("-", text) if not text.isascii() else text


def fold_name(text: str) -> str:
    """A name's or a text's comparison form: ``fold`` with spacing folded and any dash a hyphen
    (the one folding that linking, the taxonomy, search and the finder share)."""
    folded = fold(text if text.isascii() else dashes_as_hyphens(text))  # "Alfa–Laval" is "Alfa-Laval"
    if text.isascii() and text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return folded  # spaced evenly already (most long texts): nothing to fold
    return " ".join(folded.split())
