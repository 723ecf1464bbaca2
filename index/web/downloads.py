"""The web's CSV and Markdown downloads in Dutch, the CSV for Excel NL: the same rows as the CLI's exports
(``index.services.export``), with Dutch header lines, column names and kind words.

Excel NL reads a double-clicked ``.csv`` with the Windows list separator of the Dutch region, ``;``, and
as UTF-8 only when the file starts with a byte order mark (without one "één" arrives as "Ã©Ã©n"); so the
CSV is ``;``-separated UTF-8 with a BOM, lines end in CRLF (RFC 4180, Python's ``excel`` dialect), and a
cell holding ``;``, a quote or a line break is quoted (``csv.QUOTE_MINIMAL``). No ``sep=;`` first line:
with one, Excel ignores the BOM. Numbers as Excel NL reads them: a score with a decimal comma, counts and
years without digit grouping. Dates stay ISO (``2013-11-27``): Excel NL reads them as dates, they sort as
text too, and NEN-ISO 8601 is the Dutch standard notation. A moment or duration is ``h:mm:ss``
(``0:05:12``): Excel reads ``5:12`` as five hours and twelve minutes. The CLI's exports keep their
English, comma-separated form: scripts read them.
"""

from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal

from index.services.export import Wording, partial_lines
from index.services.hints import DUTCH_FIELDS  # company → bedrijf, as the query language names them
from index.web.dutch import KIND_LABELS, LOCALE, nl_datetime, nl_number

COLUMNS = {"rank": "nr", "kind": "soort", "title": "titel", "url": "adres", "date": "datum", "channel": "kanaal",
           "duration": "duur", "moment": "moment", "link": "link", "cases": "casussen", "companies": "bedrijven",
           "themes": "thema's", "year": "jaar", "score": "relevantie", "snippet": "fragment", "moments": "momenten",
           "case_ids": "casuscodes", "embed": "insluitadres", "ocr": "ocr"}
SORTS = {"relevance": "relevantie", "date": "datum, nieuwste eerst"}
# Why a list is partial, in the search page's sentences.
PARTIAL = {"words": "{term} staat voor {words} woorden; gezocht is op de {kept} die het vaakst voorkomen (typ meer "
                    "letters voor de * om gerichter te zoeken)",
           "deadline": "het zoeken duurde langer dan {seconds} seconden; hier staan de eerste {shown} resultaten"}


def dutch_header(search: dict[str, Any]) -> list[str]:
    """The header lines in Dutch: query, filters, count, the index's build time on the Dutch clock, why the
    list is partial, and what an empty search may have meant."""
    parsed = search.get("parsed") or {}
    shown = len(search["results"])
    start = search.get("offset", 0) + 1 if shown else 0
    sort = SORTS.get(search.get("sort") or "relevance", search.get("sort"))
    return [
        f"zoekvraag: {search['query']}",
        f"filters: {', '.join(parsed.get('filters') or []) or 'geen'}",
        f"resultaten: {nl_number(search['total'])} (in deze export: {nl_number(shown)}, vanaf {nl_number(start)}; "
        f"gesorteerd op {sort})",
        f"index gebouwd op {nl_datetime(search.get('index_built_at'))}",
    ] + [f"onvolledig: {line}" for line in partial_lines(search, PARTIAL, nl_number)] \
        + [f"tip: {hint_line(hint)}" for hint in search.get("hints", ())]


def hint_line(hint: dict[str, Any]) -> str:
    """What an empty search did not find and what was maybe meant, in Dutch."""
    if hint["kind"] == "word":
        line = f"het woord „{hint['value']}” komt niet voor in de index"
    else:
        line = f"er is geen {DUTCH_FIELDS.get(hint['kind'], hint['kind'])} met de naam „{hint['value']}”"
    return line + (f"; bedoelde u: {', '.join(hint['suggestions'])}?" if hint.get("suggestions") else "")


def excel_decimal(value: float) -> str:
    """A score as Excel NL reads a number: decimal comma, no digit grouping (``12,3456``)."""
    return format_decimal(value, format="0.######", locale=LOCALE)


def excel_clock(seconds: int) -> str:
    """A moment or duration as ``h:mm:ss``, which Excel reads as that time span (``m:ss`` it reads as h:mm)."""
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


DUTCH = Wording(header=dutch_header, columns=COLUMNS, kinds=KIND_LABELS, yes="ja", open_link="openen",
                ocr_mark="tekst uit scan, OCR", decimal=excel_decimal, clock=excel_clock, delimiter=";",
                lineterminator="\r\n", bom="\ufeff", header_rows=True)
