"""The query language (the README's "The index and search") on top of Whoosh's parser, with one-line errors
for bad input.

Words must all match (AND); ``"exact phrases"`` go to the unstemmed field; ``OR``, ``NOT`` and
``-word``; ``prefix*``; ``fuzzy~`` (``~2`` for two edits); field filters ``company:``,
``theme:``, ``case:``, ``sector:``, ``kind:``, ``year:``, ``lang:``, ``caption:``, also by the Dutch
names the site shows (``bedrijf:``, ``thema:``, ``casus:``, ``soort:``, ``jaar:``, ``taal:``); year ranges
``year:2012..2014``. Filter values are matched by name or alias through the taxonomy.

Excluded words (``-word``, ``NOT word``) need something to exclude from: a word to search for or a
filter. A query of excluded words alone is an error, as is an operator with no word on one side.
Every error has a ``code`` (the same cause, the same code, whichever face shows it) and the
``details`` a message in another language needs; the message itself is English.

Words that name a taxonomy company, in any of the ways its name is written (``index.text.companies``),
also find the documents that write it another way or are linked to it: "alfa-laval" finds "Alfa
Laval", "AlfaLaval" and what ``company:"Alfa Laval"`` finds.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq
from whoosh.qparser import AndGroup, FuzzyTermPlugin, MultifieldParser, PlusMinusPlugin, syntax

from archive.errors import InputError
from index.text.analysis import fold, plain_double_quotes
from archive.company_names import DASHES
from index.text.companies import bare_name, company_forms, fold_name, is_telling
from index.engine.shapes import ParsedText
from index.engine.schema import FILTER_FIELDS, fold_label
from index.text.taxonomy import Entry, Taxonomy

MAX_QUERY = 500
KINDS = {"case", "note", "video", "passage"}
CAPTIONS = {"manual", "auto", "imported"}
_TEXT_FIELDS = {"title", "content", "exact"}
# A field filter: optional minus, name, colon, a quoted or bare value (outside quoted phrases). Public:
# the web's query state (index/web/querystate.py) finds and removes filters with it, so both agree.
FILTER = re.compile(r'(?<![\w"])(-?)([A-Za-z_]+):("[^"]*"|[^\s()"]+)')
_QUOTED = re.compile(r'"[^"]*"')
_STEMMED_PHRASE = re.compile(r'(?<![\w"])(?:title|content):(?=")')
_EMPTY_FILTER = re.compile(r'(?<![\w"])-?([A-Za-z_]+):(?=\s|$)')
# A word as typed, without operator, wildcard, fuzzy mark, field or quote: one that may name a company.
_PLAIN_WORD = re.compile(rf"\w[\w'’&+.\-{DASHES}]*")  # "Alfa–Laval" (an en dash) names a company too
_OPERATORS = re.compile(r'\b(?:AND|OR|NOT)\b|[()"]')
_DANGLING = re.compile(r"(?:^|\s)(AND|OR)$|^(AND|OR)(?:\s|$)")
MAX_NAME_WORDS = 5  # the most words of a company name a query is looked at for
# The filters by the Dutch names the site shows (Bedrijven, Thema's, Casussen, Soort, Jaren): the same
# fields ("sector" is both). Only names change; what is indexed does not.
FIELD_ALIASES = {"bedrijf": "company", "thema": "theme", "casus": "case", "soort": "kind", "jaar": "year",
                 "taal": "lang"}
KIND_ALIASES = {"casus": "case", "notitie": "note", "fragment": "passage"}  # as the site labels kinds


def field_name(written: str) -> str | None:
    """The filter a field name as written stands for (``Bedrijf`` → ``company``), or None."""
    name = written.lower()
    name = FIELD_ALIASES.get(name, name)
    return name if name in FILTER_FIELDS else None


class QueryError(InputError):
    """A query that cannot be run: the English message, a ``code`` naming the cause and its ``details``."""

    code = "query"

    def __init__(self, message: str, code: str | None = None, **details: object) -> None:
        super().__init__(message)
        if code:
            self.code = code
        self.details = details


class _Signs(PlusMinusPlugin):
    """``-word`` and ``+word`` inside brackets as well: Whoosh's plugin reads them only outside any,
    and ``x (a -b)`` failed with its bare marker's class name ("Minus")."""

    def do_plusminus(self, parser: Any, group: Any) -> Any:
        for n, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                group[n] = self.do_plusminus(parser, node)
        return super().do_plusminus(parser, group)


@dataclass
class ParsedQuery:
    """A query split into its full-text part and its filters, ready for Whoosh."""

    text: str
    filters: list[tuple[str, str, bool]] = field(default_factory=list)  # (name, value, negated)
    query: Any = None
    words: Any = None  # the words part alone (what ranks), None for filters alone

    def describe(self) -> ParsedText:
        """The filters as people wrote them (for export headers)."""
        def quoted(value: str) -> str:
            return f'"{value}"' if re.search(r"[\s()]", value) else value

        return {"text": self.text,
                "filters": [f"{'-' if neg else ''}{name}:{quoted(value)}" for name, value, neg in self.filters]}


def _year_query(typed: str, value: str) -> Any:
    match = re.fullmatch(r"(\d{4})(?:(?:\.\.|-)(\d{4}))?", value)
    if not match:
        raise QueryError(f"{typed}:{value} is not a year or a range (write year:2013 or year:2012..2014)",
                         "bad_year", field=typed, value=value)
    low = int(match.group(1))
    high = int(match.group(2) or low)
    if high < low:
        raise QueryError(f"{typed}:{value} is an empty range (the first year is after the second)",
                         "empty_year_range", field=typed, value=value)
    return wq.NumericRange("year", low, high)


def _filter_query(name: str, value: str, taxonomy: Taxonomy, typed: str = "") -> Any:
    typed = typed or name
    value = value.strip('"').strip()
    if not value:
        raise QueryError(f"{typed}: needs a value", "needs_value", field=typed)
    if name == "year":
        return _year_query(typed, value)
    if name == "kind":
        value = KIND_ALIASES.get(value.lower(), value)
    if name == "kind" and value.lower() not in KINDS:
        raise QueryError(f"{typed}:{value} is not a kind (case, note, video, passage)", "bad_kind",
                         field=typed, value=value)
    if name == "caption" and value.lower() not in CAPTIONS:
        raise QueryError(f"{typed}:{value} is not a caption kind (manual, auto, imported)", "bad_caption",
                         field=typed, value=value)
    if name in ("company", "theme", "sector"):
        value = taxonomy.canonical(name, value)
    if name in ("kind", "caption", "lang", "active"):
        return wq.Term(FILTER_FIELDS[name], value.lower())
    return wq.Term(FILTER_FIELDS[name], fold_label(value))


def _check_balance(text: str) -> None:
    if text.count('"') % 2:
        raise QueryError('unbalanced quote: every "phrase" needs its closing "', "unbalanced_quote")
    depth = 0
    for char in _QUOTED.sub("", text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            raise QueryError("a ')' closes nothing", "closes_nothing")
    if depth:
        raise QueryError("a '(' is never closed", "never_closed")
    dangling = _DANGLING.search(_QUOTED.sub("Q", text))  # "taakroulatie OR" silently meant "taakroulatie"
    if dangling:
        operator = dangling.group(1) or dangling.group(2)
        raise QueryError(f"{operator} needs a word on each side (taakroulatie {operator} werkdruk); to search for "
                         f"the word {operator.lower()}, write it in lower case", "dangling_operator", operator=operator)


def _rewrite_terms(text: str) -> str:
    """Route phrases to the exact field; fold wildcard and fuzzy words (they skip the analyzer)."""
    text = _STEMMED_PHRASE.sub("exact:", text)  # the stemmed fields keep no word positions
    out, last = [], 0
    for match in _QUOTED.finditer(text):
        out.append(_fold_special(text[last:match.start()]))
        prefix = text[max(0, match.start() - 1):match.start()]
        out.append(match.group(0) if prefix == ":" else f"exact:{match.group(0)}")
        last = match.end()
    out.append(_fold_special(text[last:]))
    return "".join(out)


def _fold_special(chunk: str) -> str:
    def one(word: str) -> str:
        if "*" in word or "?" in word:
            lead = word[:len(word) - len(word.lstrip("-+("))]
            body = word[len(lead):]
            core = body.split("*")[0].split("?")[0]
            if len(core.split(":")[-1]) < 2:
                raise QueryError(f"{word}: a wildcard needs at least two letters before it", "short_wildcard",
                                 word=word)
            # A prefix means the letters as typed: match them against the unstemmed words.
            return lead + (fold(body) if ":" in body else f"exact:{fold(body)}")
        if "~" in word:
            distance = word.rsplit("~", 1)[1].rstrip(")")
            if distance and (not distance.isdigit() or int(distance) > 2):
                raise QueryError(f"{word}: a fuzzy search allows at most 2 edits (word~ or word~2)", "fuzzy_edits",
                                 word=word)
            return fold(word)
        return word
    return " ".join(one(w) for w in chunk.split(" "))


def _named_company(phrase: str, taxonomy: Taxonomy) -> Entry | None:
    """The company these query words name in one of its forms, or None. A common word that only
    a dropped legal form makes a name ("brand" beside "Brand Groep") stays a word."""
    entry = taxonomy.lookup("company", phrase)
    if entry is None:
        return None
    if " " in phrase or is_telling(bare_name(phrase)):
        return entry
    return entry if fold_name(phrase) in {fold_name(n) for n in entry.names()} else None


def _company_spans(words: list[str], taxonomy: Taxonomy) -> list[tuple[int, int, Entry]]:
    """The runs of query words that name a company (longest first, left to right)."""
    spans, start = [], 0
    while start < len(words):
        for end in range(min(len(words), start + MAX_NAME_WORDS), start, -1):
            chunk = words[start:end]
            entry = _named_company(" ".join(chunk), taxonomy) if all(map(_PLAIN_WORD.fullmatch, chunk)) else None
            if entry is not None:
                spans.append((start, end, entry))
                start = end
                break
        else:
            start += 1
    return spans


def _company_query(parser: Any, typed: str, entry: Entry) -> Any:
    """The words as typed, or any other form of the company's names (as a phrase), or its facet."""
    alternatives = [parser.parse(typed)]
    for form in company_forms(entry.names()):
        if '"' not in form:
            alternatives.append(parser.parse(f'exact:"{form}"'))
    alternatives.append(wq.Term("companies", fold_label(entry.name)))
    return wq.Or([q for q in alternatives if q is not wq.NullQuery])


def _parse_words(parser: Any, rest: str, taxonomy: Taxonomy) -> Any:
    """The free-text part as a Whoosh query, each company it names widened to all its forms
    (only in plain words: with operators, parentheses or quotes the text is parsed as written)."""
    if _OPERATORS.search(rest):
        return parser.parse(_rewrite_terms(rest))
    words = rest.split()
    spans = _company_spans(words, taxonomy)
    if not spans:
        return parser.parse(_rewrite_terms(rest))
    named = [_company_query(parser, " ".join(words[a:b]), entry) for a, b, entry in spans]
    taken = {n for a, b, _entry in spans for n in range(a, b)}
    left = " ".join(w for n, w in enumerate(words) if n not in taken)
    others = parser.parse(_rewrite_terms(left)) if left else wq.NullQuery
    parts = named + ([] if isinstance(others, type(wq.NullQuery)) else [others])  # stop words alone: nothing
    return parts[0] if len(parts) == 1 else wq.And(parts)


def parse_query(text: str, schema: Any, taxonomy: Taxonomy) -> ParsedQuery:
    """Parse the query language into a Whoosh query, or raise QueryError saying what is wrong."""
    text = " ".join(plain_double_quotes(text).split())  # „a phrase” and “a phrase” are "a phrase"
    if not text:
        raise QueryError("the query is empty: give words, a \"phrase\" or a filter such as theme:…", "empty")
    if len(text) > MAX_QUERY:
        raise QueryError(f"the query is too long ({len(text)} characters; at most {MAX_QUERY})", "too_long",
                         length=len(text), limit=MAX_QUERY)
    _check_balance(text)
    parsed = ParsedQuery(text=text)
    rest, filters = _take_filters(text, taxonomy, parsed)
    text_query, excluded = _words_query(rest, schema, taxonomy, bool(filters))
    # Excluded words beside filters leave nothing to rank by: the filters' documents without them.
    parsed.query = _combined(parsed, filters, text_query if excluded is None else wq.Not(excluded))
    parsed.words = None if isinstance(text_query, wq.Every) else text_query
    return parsed


def _take_filters(text: str, taxonomy: Taxonomy, parsed: ParsedQuery) -> tuple[str, list[tuple[Any, bool]]]:
    """Take the filters out of the text (noted in ``parsed.filters``): the words left, and each
    filter's query with whether it is negated."""
    filters = []

    def take(match: re.Match[str]) -> str:
        negated, typed, value = match.group(1) == "-", match.group(2), match.group(3)
        if typed.lower() in _TEXT_FIELDS:
            return match.group(0)
        if typed.lower() in ("http", "https"):
            raise QueryError("a web address is not searchable text: search for words, or use case:<slug> "
                             "for a case and `casearchive show VIDEO_ID` for a video", "web_address")
        name = field_name(typed)
        if name is None:
            raise _unknown_field(typed)
        shown = value.strip('"')
        parsed.filters.append((name, KIND_ALIASES.get(shown.lower(), shown) if name == "kind" else shown, negated))
        filters.append((_filter_query(name, value, taxonomy, typed), negated))
        return " "

    empty = _EMPTY_FILTER.search(_QUOTED.sub("Q", text))  # a quoted value is a value
    if empty and field_name(empty.group(1)):
        raise QueryError(f"{empty.group(1)}: needs a value right after the colon (e.g. {empty.group(1)}:…)",
                         "needs_value", field=empty.group(1))
    rest = FILTER.sub(take, text)
    # A NOT with nothing after it (filters taken out) would silently find nothing ("werkdruk NOT": 0).
    if re.search(r"(?:^|\s)NOT\s*$", rest):
        raise QueryError("NOT needs a word after it (werkdruk NOT stress); to leave out a filter, put - before "
                         "it (-kind:note); to search for the word not, write it in lower case", "trailing_not")
    # Operators left dangling where filters were taken out ("x kind:a OR kind:b") mean nothing.
    rest = re.sub(r"\b(?:AND|OR)(?:\s+(?:AND|OR|NOT))*\s*$|^\s*(?:AND|OR)\b", " ", rest.strip()).strip()
    rest = re.sub(r"\b(AND|OR)\s+(?:AND|OR)\b", r"\1", rest)
    return rest, filters


def _unknown_field(typed: str) -> QueryError:
    """The error for a field the query language does not have, naming the nearest known one."""
    known = sorted(k for k in FILTER_FIELDS if k != "active")
    near = difflib.get_close_matches(typed.lower(), [*known, *FIELD_ALIASES], n=1, cutoff=0.81)  # not kanaal: → taal:
    meant = f"; did you mean {near[0]}:?" if near else ""
    return QueryError(f"unknown field '{typed}:' (known: {', '.join(known)}; in Dutch: "
                      f"{', '.join(FIELD_ALIASES)}){meant}", "unknown_field", field=typed,
                      suggestion=near[0] if near else None)


def _words_query(rest: str, schema: Any, taxonomy: Taxonomy, has_filters: bool) -> tuple[Any, Any]:
    """The words left after the filters as a Whoosh query (``Every`` for filters alone), and the words
    excluded when the query excludes words only (then the query is ``Every``; with no filter, an error)."""
    # A bare operator left over (e.g. "OR" between two filters) means nothing on its own.
    if not rest or re.fullmatch(r"(?:AND|OR|NOT|\s)+", rest):
        if not has_filters:
            raise QueryError("the query has no words or filters", "no_words")
        return wq.Every(), None
    parser = MultifieldParser(["title", "content"], schema, fieldboosts={"title": 2.0}, group=AndGroup)
    parser.add_plugin(FuzzyTermPlugin())
    # "+" and "-" are operators only at a word's start: "alfa-laval" and "HR-managers" are words
    # (Whoosh's default read them as "alfa NOT laval").
    parser.add_plugin(_Signs(plusexpr=r"(?<![^\s(])\+", minusexpr=r"(?<![^\s(])-"))
    try:
        text_query = _parse_words(parser, rest, taxonomy)
    except QueryError:
        raise
    except Exception:  # Whoosh's own texts ("list index out of range") say nothing to a reader
        raise QueryError("cannot read the query: AND and OR need a word on each side, NOT and a - or + sign "
                         "a word after them (search for the words themselves in \"quotes\")", "unreadable") from None
    excluded = _excluded_only(parser, rest, text_query)
    if excluded is not None:
        if not has_filters:
            raise QueryError("the query only excludes words, so there is nothing to exclude them from: add a word "
                             "to search for (taakroulatie -werkdruk) or a filter (kind:video -werkdruk)",
                             "only_excluded")
        return wq.Every(), excluded
    if text_query is wq.NullQuery or isinstance(text_query, type(wq.NullQuery)):
        raise QueryError("the query has no searchable words, only stop words (de, het, een…)", "stop_words_only")
    return text_query, None


def _excluded_only(parser: Any, rest: str, text_query: Any) -> Any:
    """The words a query excludes when it has nothing else to search for (``-werkdruk``, ``NOT werkdruk``,
    ``de -werkdruk``), else None."""
    if isinstance(text_query, wq.Not):
        return text_query.query
    if isinstance(text_query, wq.And) and all(isinstance(q, wq.Not) for q in text_query.subqueries):
        return wq.Or([q.query for q in text_query.subqueries])
    if text_query is wq.NullQuery or isinstance(text_query, type(wq.NullQuery)):
        raw = parser.parse(_rewrite_terms(rest), normalize=False)  # "-w" normalizes to nothing: look before
        if isinstance(raw, wq.AndNot) and isinstance(raw.a.normalize(), type(wq.NullQuery)):
            excluded = raw.b.normalize()
            return None if isinstance(excluded, type(wq.NullQuery)) else excluded
    return None


def _combined(parsed: ParsedQuery, filters: list[tuple[Any, bool]], text_query: Any) -> Any:
    """The words and the filters as one query. Values of the same filter are alternatives
    (kind:video kind:passage = either); different filters must all hold, as facets work."""
    by_name: dict[str, list[Any]] = {}
    for (name, _value, neg), (q, _neg) in zip(parsed.filters, filters):
        if not neg:
            by_name.setdefault(name, []).append(q)
    must = [text_query] + [qs[0] if len(qs) == 1 else wq.Or(qs) for qs in by_name.values()]
    must_not = [q for q, neg in filters if neg]
    combined: Any = wq.And(must) if len(must) > 1 else must[0]
    if must_not:
        combined = wq.AndNot(combined, wq.Or(must_not))
    return combined
