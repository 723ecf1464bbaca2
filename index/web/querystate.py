"""The search page's state in its URL: query, sort, page and filters added or removed by a click."""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

# The query language's own filter syntax and tokens, so both always agree.
from index.services.hints import DUTCH_FIELDS, field_name, typed_words
from index.services.library import FILTER, filter_token

PAGE_SIZE = 10
MAX_PAGE = 1000
MAX_QUERY_CHARS = 2000  # the library refuses more than 500 after folding spaces; this stops abuse early


def _canon(token: str) -> str:
    """A filter token as the query language reads it: ``bedrijf:"X"`` is ``company:x``."""
    match = FILTER.fullmatch(token)
    if match is not None:
        token = f"{match.group(1)}{field_name(match.group(2)) or match.group(2)}:{match.group(3)}"
    return token.replace('"', "").casefold()


def filter_tokens(query: str) -> list[str]:
    """The filters written in a query, as written (``theme:"Duurzame inzetbaarheid"``)."""
    return [m.group(0) for m in FILTER.finditer(query)]


def with_filter(query: str, name: str, value: str) -> str:
    """The query with one more filter (unchanged if it already has it)."""
    token = filter_token(name, value)
    if any(_canon(t) == _canon(token) for t in filter_tokens(query)):
        return query
    return f"{query.strip()} {token}".strip()


def without_filter(query: str, token: str) -> str:
    """The query without one filter token."""
    kept = FILTER.sub(lambda m: "" if _canon(m.group(0)) == _canon(token) else m.group(0), query)
    return " ".join(kept.split())


def chip_label(token: str, case_titles: dict[str, str]) -> str:
    """How a filter reads on its chip: a case by its title ("casus: Duurzaam meedoen in de
    Metalektro" for ``case:duurzaam-meedoen-in-de-metalektro``), any other filter as written."""
    name, _, value = token.partition(":")
    title = case_titles.get(value.strip('"')) if field_name(name) == "case" else None  # casus: is case:
    return f"casus: {title}" if title else token


def titled_query(query: str, case_titles: dict[str, str]) -> str:
    """The query as the results heading says it: each case filter by its title, as its chip reads
    ("taakroulatie casus: Duurzaam meedoen in de Metalektro"); the rest as typed."""
    return FILTER.sub(lambda match: chip_label(match.group(0), case_titles), query)


def empty_tips(query: str) -> list[tuple[str, str]]:
    """What a search that found nothing may try, each with an example from the query itself (or ""):
    fewer words, the start of its longest word with ``*``, one filter fewer; never a word not typed."""
    words = typed_words(query)
    tips = [("minder woorden", "")] if len(words) > 1 else []
    longest = max(words, key=len, default="")
    if len(longest) >= 6:
        tips.append(("het begin van een woord en een sterretje", longest[:max(4, len(longest) // 2)] + "*"))
    return tips + ([("een filter minder", "")] if filter_tokens(query) else [])


@dataclass(frozen=True)
class SearchState:
    """Everything the search page's URL holds; defaults are left out of links."""

    q: str = ""
    sort: str = "relevance"
    page: int = 1
    inactive: bool = False

    @property
    def offset(self) -> int:
        """The first result of this page."""
        return (self.page - 1) * PAGE_SIZE

    def params(self) -> dict[str, str]:
        """The query-string parameters of this state."""
        params = {"q": self.q}
        if self.sort != "relevance":
            params["sort"] = self.sort
        if self.page > 1:
            params["p"] = str(self.page)
        if self.inactive:
            params["inactief"] = "1"
        return params

    def url(self, path: str = "/", **changes: object) -> str:
        """This state's URL (with changes); a changed query or order starts at page one."""
        if ("q" in changes or "sort" in changes or "inactive" in changes) and "page" not in changes:
            changes["page"] = 1
        state = replace(self, **changes)  # type: ignore[arg-type]
        return f"{path}?{urlencode(state.params())}"

    def add(self, name: str, value: str) -> str:
        """The URL of this search narrowed by a filter (a facet click), written with the Dutch field name
        the home page teaches (``bedrijf:"Alfa Laval"``; the query language reads both)."""
        return self.url(q=with_filter(self.q, DUTCH_FIELDS.get(name, name), value))

    def remove(self, token: str) -> str:
        """The URL of this search without one of its filters."""
        return self.url(q=without_filter(self.q, token))

    def export(self, fmt: str) -> str:
        """The URL of this result list as a download."""
        params = {k: v for k, v in self.params().items() if k != "p"}
        return f"/export?{urlencode({**params, 'format': fmt})}"
