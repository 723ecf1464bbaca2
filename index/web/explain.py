"""What went wrong, in Dutch: each error a search raises (by its ``code``, the same whichever face
shows it) and each bad parameter of a page or the API. The pages show the Dutch text, the API adds
it as ``message_nl``; the CLI and the API's ``message`` keep the English one. In the texts,
`backticks` mark what the user types (``<code>`` on a page, ‘quotes’ in JSON).
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

from index.services.library import MAX_DEPTH, MAX_LIMIT
from index.web.querystate import MAX_PAGE

DUTCH_FIELDS = "`bedrijf:`, `thema:`, `sector:`, `casus:`, `soort:`, `jaar:` en `taal:`"
QUERY_ERRORS = {
    "empty": "De zoekvraag is leeg. Typ een of meer woorden, een woordgroep tussen aanhalingstekens of een filter "
             "zoals `thema:Werkdruk`.",
    "too_long": "De zoekvraag is te lang: {length} tekens, en er mogen er hoogstens {limit} zijn.",
    "unbalanced_quote": "Er ontbreekt een aanhalingsteken. Een woordgroep staat tussen twee aanhalingstekens, "
                        "zoals `\"duurzame inzetbaarheid\"`.",
    "closes_nothing": "Er staat een `)` zonder `(` ervoor.",
    "never_closed": "Er staat een `(` die nergens wordt gesloten met `)`.",
    "dangling_operator": "{operator} heeft aan beide kanten een woord nodig, zoals in `taakroulatie {operator} "
                         "werkdruk`. Zoekt u het woord ‘{lower}’ zelf, typ het dan in kleine letters.",
    "trailing_not": "Na NOT moet een woord komen, zoals in `werkdruk NOT stress`. Wilt u een filter uitsluiten, "
                    "zet er dan een minteken voor (`-soort:notitie`). Zoekt u het woord ‘not’, typ het dan in "
                    "kleine letters.",
    "only_excluded": "Deze zoekvraag sluit alleen woorden uit, maar zoekt nergens naar. Voeg een woord toe om op "
                     "te zoeken, zoals `taakroulatie -werkdruk`, of een filter, zoals `soort:video -werkdruk`.",
    "stop_words_only": "De zoekvraag bevat alleen woorden die de index overslaat omdat ze overal staan (zoals "
                       "‘de’, ‘het’ en ‘een’). Voeg een woord toe dat iets zegt.",
    "no_words": "De zoekvraag bevat geen woorden en geen filters.",
    "unreadable": "Deze zoekvraag is niet te lezen. AND en OR hebben aan beide kanten een woord nodig, NOT en een "
                  "min- of plusteken een woord erna. Zoekt u zulke tekens zelf, zet de woorden dan tussen "
                  "aanhalingstekens.",
    "unknown_field": "Het filter `{field}:` bestaat niet.{meant} Filters zijn {fields}, of in het Engels "
                     "`company:`, `theme:`, `case:`, `kind:`, `year:`, `lang:` en `caption:`.",
    "needs_value": "Na `{field}:` moet direct een waarde komen, zonder spatie, zoals `{field}:Werkdruk`.",
    "web_address": "Een webadres kunt u niet doorzoeken. Zoek op woorden uit de casus of video, of gebruik "
                   "`casus:` met de naam van een casus.",
    "bad_year": "‘{value}’ is geen jaar. Schrijf een jaartal, `jaar:2013`, of een reeks jaren, `jaar:2012..2014`.",
    "empty_year_range": "`{field}:{value}` is een lege reeks: het eerste jaar komt na het tweede. Schrijf het "
                        "vroegste jaar eerst, zoals `jaar:2012..2014`.",
    "bad_kind": "‘{value}’ is geen soort. Kies `soort:casus`, `soort:notitie`, `soort:video` of `soort:fragment` "
                "(of in het Engels case, note, video en passage).",
    "bad_caption": "‘{value}’ is geen soort ondertiteling. Kies `caption:manual` (handmatig), `caption:auto` "
                   "(automatisch) of `caption:imported` (geïmporteerd).",
    "short_wildcard": "`{word}`: zet minstens twee letters voor een `*` of `?`, zoals `roulatie*`.",
    "fuzzy_edits": "`{word}`: bij zoeken met `~` mogen hoogstens twee letters afwijken (`woord~` of `woord~2`).",
    "too_deep": "Zo ver kunt u niet doorbladeren: hoogstens {limit} resultaten (gevraagd tot {depth}). Maak de "
                "zoekvraag nauwer of voeg een filter toe.",
    "costly": "Deze zoekvraag kost te veel: ze staat voor te veel woorden of duurde te lang. Zet meer letters voor "
              "`*` of `?`, gebruik minder `OR`-alternatieven of voeg een filter toe, zoals `soort:video`.",
}
# Bad parameters of a page or an API call (FastAPI's validation), by parameter.
PARAMETER_ERRORS = {
    "sort": ("bad_sort", "Sorteren kan op relevantie of op datum (`sort=relevance` of `sort=date`), niet op "
                         "‘{value}’."),
    "format": ("bad_format", "Exporteren kan als CSV, JSON of Markdown (`format=csv`, `format=json` of "
                             "`format=md`), niet als ‘{value}’."),
    "p": ("bad_page", "Er is geen pagina ‘{value}’: de pagina’s lopen van 1 tot en met {max_page}."),
    "limit": ("bad_limit", "`limit` is het aantal resultaten per keer, van 1 tot en met {max_limit}; ‘{value}’ "
                           "kan niet."),
    "offset": ("bad_offset", "`offset` is het aantal resultaten dat wordt overgeslagen, van 0 tot en met "
                             "{max_depth}; ‘{value}’ kan niet."),
    "status": ("bad_status", "Een koppeling heeft de status `accepted`, `suggested`, `confirmed` of `rejected` "
                             "(of `all` voor alle); ‘{value}’ bestaat niet."),
    "q": ("missing_query", "Er is geen zoekvraag meegegeven: geef er een met `q=`, zoals `q=taakroulatie`."),
}
OTHER_PARAMETER = ("bad_parameter", "De waarde ‘{value}’ voor `{param}` klopt niet.")
MISSING_PARAMETER = ("missing_parameter", "De parameter `{param}` ontbreekt.")
_CODE = re.compile(r"`([^`]*)`")


class _Blank(dict[str, Any]):
    """Formatting details: a missing one reads as nothing rather than failing the error page."""

    def __missing__(self, key: str) -> str:
        return ""


def explain(exc: Exception) -> tuple[str, str] | None:
    """The code of a search error and its Dutch text, or None for an error without one."""
    code = getattr(exc, "code", None)
    if not isinstance(code, str) or code not in QUERY_ERRORS:
        return None
    details = _Blank(getattr(exc, "details", None) or {})
    details.setdefault("lower", str(details.get("operator", "")).lower())
    suggestion = details.get("suggestion")
    details["meant"] = f" Bedoelde u `{suggestion}:`?" if suggestion else ""
    details["fields"] = DUTCH_FIELDS
    return code, QUERY_ERRORS[code].format_map(details)


def explain_parameter(error: dict[str, Any]) -> tuple[str, str]:
    """The code and Dutch text of one bad parameter, from a FastAPI validation error."""
    param = str(error.get("loc", ("", "?"))[-1])
    missing = error.get("type") == "missing"
    code, text = (MISSING_PARAMETER if missing and param != "q" else
                  PARAMETER_ERRORS.get(param, OTHER_PARAMETER))
    value = error.get("input")
    details = _Blank(param=param, value="" if value is None else str(value)[:80], max_page=MAX_PAGE,
                     max_limit=MAX_LIMIT, max_depth=MAX_DEPTH)
    return code, text.format_map(details)


def as_html(text: str) -> Markup:
    """A Dutch explanation for a page: escaped, with what the user types in ``<code>``."""
    parts = _CODE.split(str(text))
    return Markup("").join(escape(part) if n % 2 == 0 else Markup("<code>%s</code>") % part
                           for n, part in enumerate(parts))


def as_plain(text: str) -> str:
    """A Dutch explanation for JSON: what the user types in ‘quotes’."""
    return _CODE.sub(r"‘\1’", text)
