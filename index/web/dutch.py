"""The words, dates and numbers of the pages in Dutch: Babel's Dutch locale data (CLDR) for dates
and numbers, and one table per kind of status word the archive and the index use in English."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime, get_timezone
from babel.numbers import format_decimal

from index.services.browse import calendar_date

LOCALE = Locale.parse("nl_NL")
# The archive keeps times in UTC; a Dutch reader reads them on the clock of the Netherlands.
ZONE = get_timezone("Europe/Amsterdam")
# CLDR's Dutch "{date} 'om' {time}": "4 december 2026 om 17:15".
AT_TIME = LOCALE.datetime_formats_relative["long"].format(LOCALE.time_formats["short"].pattern,
                                                          LOCALE.date_formats["long"].pattern)

KIND_LABELS = {"case": "casus", "note": "notitie", "video": "video", "passage": "fragment"}
# The link rules and fields as Dutch readers of the pages know them (the CLI keeps the English names).
RULE_LABELS = {
    "case page": "vermeld op de casuspagina",
    "case page links the video": "de casuspagina linkt de video",
    "case links the channel": "de casus linkt het kanaal",
    "case links the channel; video names its company": "de casus linkt het kanaal en de video noemt het bedrijf",
    "description links the case": "de beschrijving linkt de casus",
    "name mentioned": "naam genoemd",
    "theme mentioned": "thema genoemd",
    "via the linked case": "via de gekoppelde casus",
    "curated": "handmatig toegevoegd",
}
FIELD_LABELS = {"title": "titel", "description": "beschrijving", "transcript": "transcript", "companies": "bedrijven",
                "themes": "thema's", "case page": "casuspagina", "channel": "kanaal", "case": "casus",
                "title/description": "titel/beschrijving", "curation": "curatie"}
# Every status word a page can show: links, notes, videos, transcripts, runs (archive.errors' exit codes).
STATUS_WORDS = {
    "accepted": "geaccepteerd", "suggested": "voorgesteld", "confirmed": "bevestigd", "rejected": "afgewezen",
    "ok": "gelezen", "failed": "mislukt", "partial": "deels gelukt", "skipped": "overgeslagen",
    "not fetched": "niet opgehaald", "not read by the index yet": "nog niet door de index gelezen",
    "private": "privé", "deleted": "verwijderd", "unavailable": "niet beschikbaar",
    "manual": "handmatig", "imported": "geïmporteerd",
}
EXIT_WORDS = {0: "gelukt", 1: "deels gelukt", 2: "mislukt (verkeerde invoer of instelling)",
              3: "niet gestart (een andere opdracht liep nog)", 4: "gestopt (YouTube-quotum op)"}
COUNT_LABELS = {"cases": "casussen", "notes": "notities", "channels": "kanalen", "videos": "video’s",
                "transcripts": "transcripten"}
COMMAND_LABELS = {"harvest site": "kennisbank ophalen", "harvest youtube": "YouTube-gegevens ophalen",
                  "harvest transcripts": "transcripten ophalen", "index": "zoekindex bouwen",
                  "update": "alles bijwerken", "import-archive": "archief terugzetten", "demo": "demo"}

# The query language's and the pages' input errors (in English for the CLI, the API and the log) as the
# error page says them in Dutch: (the English message's start, the Dutch sentence with its named parts).
# Search errors carry a code and bad parameters are FastAPI's, both explained by index/web/explain.py;
# what is left is a name in a page's address, read from its English message.
QUERY_PROBLEMS = [(re.compile(pattern), dutch) for pattern, dutch in [
    (r"a name has 1 to 120 characters",
     "Een naam heeft 1 tot 120 tekens, zonder aanhalingstekens, schuine strepen of stuurtekens."),
]]


def _moment(value: Any) -> datetime | date | None:
    """An ISO date or UTC time (``2026-12-04`` / ``2026-12-04T16:15:55Z``) on the calendar, else None."""
    text = str(value or "")
    if len(text) < 10 or not (text[4] == "-" == text[7] and text[:4].isdigit() and text[5:7].isdigit()
                              and text[8:10].isdigit()):
        return None
    if not calendar_date(*map(int, text[:10].split("-"))):
        return None  # not a date on the calendar (an index built before dates were checked)
    if len(text) == 10:
        return date.fromisoformat(text)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return date.fromisoformat(text[:10])
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def nl_date(value: Any) -> str:
    """``2013-11-27T13:45:00Z`` as ``27 november 2013``; anything else (a bare year) as it is."""
    moment = _moment(value)
    if moment is None:
        return str(value or "")
    day = moment.astimezone(ZONE).date() if isinstance(moment, datetime) else moment
    return format_date(day, "long", locale=LOCALE)


def nl_datetime(value: Any) -> str:
    """A UTC time as ``4 december 2026 om 17:15`` (Dutch clock); a bare date as nl_date."""
    moment = _moment(value)
    if not isinstance(moment, datetime):
        return nl_date(value)
    return format_datetime(moment, AT_TIME, tzinfo=ZONE, locale=LOCALE)


def nl_short_date(value: Any) -> str:
    """A day as ``4 dec`` (chart labels)."""
    moment = _moment(value)
    return format_date(moment, "d MMM", locale=LOCALE) if moment is not None else str(value or "")


def nl_number(value: Any) -> str:
    """A count as ``1.234`` (Dutch digit grouping); anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    return format_decimal(value, locale=LOCALE)


def status_word(value: Any) -> str:
    """A status word of the archive or the index in Dutch (an unknown one as it is)."""
    return STATUS_WORDS.get(str(value), str(value))


def exit_word(code: Any) -> str:
    """What a run's exit code means, in Dutch."""
    return EXIT_WORDS.get(code, f"mislukt (code {code})") if isinstance(code, int) else "onbekend"


def command_label(command: Any) -> str:
    """What a run's command did, in Dutch (``harvest site``: ``kennisbank ophalen``)."""
    return COMMAND_LABELS.get(str(command), str(command))


def language_name(code: Any) -> str:
    """A language code (``nl``, ``en-GB``) by its Dutch name (``Nederlands``); unknown ones as they are."""
    text = str(code or "")
    return LOCALE.languages.get(text.replace("-", "_"), LOCALE.languages.get(text.split("-")[0], text)) or text


# Why a note could not be read (archive.notes, in English for the CLI and the log), in Dutch for the case page.
NOTE_PROBLEMS = [(re.compile(pattern), dutch) for pattern, dutch in [
    (r"no text layer in (?P<n>\d{1,9}) page\(s\) \(a scan\?\); install",
     "Een scan zonder tekstlaag ({pages}); om hem te lezen zijn tesseract-ocr en tesseract-ocr-nld nodig."),
    (r"no text layer in (?P<n>\d{1,9}) page\(s\) \(a scan\?\), and OCR read no text",
     "Een scan zonder tekstlaag ({pages}); OCR las er geen tekst in."),
    (r"no text layer in (?P<n>\d{1,9}) page\(s\)", "Geen tekstlaag ({pages}): een scan?"),
    (r"not a PDF", "Het bestand is geen PDF."),
    (r"corrupt PDF", "Het PDF-bestand is beschadigd."),
    (r"encrypted PDF", "Het PDF-bestand is versleuteld en kan niet worden gelezen."),
    (r"corrupt DOCX|document\.xml is too large|DOCX declares XML entities",
     "Het Word-bestand is beschadigd of niet veilig te lezen."),
    (r"the document has no text|the page has no text|the file is empty", "Het bestand bevat geen tekst."),
    (r"over budget", "Het bestand is te groot of te traag om te lezen (een grens uit de instellingen, [limits])."),
    (r"unsupported attachment type '(?P<kind>[^']{0,40})'", "Dit soort bijlage ({kind}) kan niet worden gelezen."),
]]


def _in_dutch(problems: list[tuple[re.Pattern[str], str]], message: Any) -> str:
    """The Dutch sentence of the first pattern the message starts with, its parts filled in ("" if none)."""
    text = str(message or "")
    for pattern, dutch in problems:
        found = pattern.match(text)
        if found:
            parts = found.groupdict()
            if parts.get("n"):
                count = int(parts["n"])
                parts.update(n=nl_number(count), pages=f"{nl_number(count)} pagina{'' if count == 1 else '’s'}")
            return dutch.format(**parts)
    return ""


def query_problem(message: Any) -> str:
    """What an input error means, in Dutch ("" for a message without a Dutch sentence)."""
    return _in_dutch(QUERY_PROBLEMS, message)


def note_problem(reason: Any) -> str:
    """Why a note could not be read, in Dutch ("" for a reason without a Dutch sentence)."""
    return _in_dutch(NOTE_PROBLEMS, reason)


FILTERS = {"nl_date": nl_date, "nl_datetime": nl_datetime, "nl_number": nl_number, "status_word": status_word,
           "exit_word": exit_word, "language_name": language_name,
           "kind_label": lambda k: KIND_LABELS.get(k, k), "rule_label": lambda r: RULE_LABELS.get(r, r),
           "field_label": lambda f: FIELD_LABELS.get(f, f), "count_label": lambda c: COUNT_LABELS.get(c, c),
           "command_label": command_label, "query_problem": query_problem,
           "note_problem": note_problem}
