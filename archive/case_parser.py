"""Parse a case page (HTML bytes + URL) into a ``Case``: pure, no I/O.

The parser reads the page's structure, not one theme's class names: it drops boilerplate
(navigation, cookie banners, share buttons, related-case sidebars, site footers, the old layout's
"Kenmerken"/"Downloads"/"Delen" blocks), reads the label lines ("Thema’s:", "Thema's:",
"Themes:", "Sector:", "Bron:", "Source:", "Steekwoorden:", "Keywords:") in whatever markup holds
them (``<p><strong>``, ``<dl>``, spans, links), takes the year from its own element or from the
start of the lead text, and keeps the body's headings, paragraphs and bullet lists as structure.
Configurable CSS selectors (``title``, ``body``, ``year``, ``boilerplate``) override the guesses.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Iterator, Literal, Mapping, Sequence
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from archive.budget import checkpoint
from archive.errors import ConfigError
from archive.organisations import find_organisations
from archive.page_text import (
    BLOCK_TAGS, Attachment, YouTubeLink, drop_boilerplate, drop_meta_blocks, find_attachments, find_youtube_links,
    label_values, norm, soup_of,
)
from archive.site_urls import case_aliases, case_id_from_url
from archive.validate import calendar_date

__all__ = ["Attachment", "Block", "Case", "Section", "YouTubeLink", "check_selectors", "parse_case", "parse_date"]

SELECTOR_KEYS = ("title", "body", "year", "boilerplate", "case_links", "next_page")
BODY_CANDIDATES = (".entry-content", ".case-content", "article .content", "article", "main",
                   "[role=main]", "#content", "#main", "body")
YEAR_CANDIDATES = ("time", "[class*=year]", "[class*=jaar]", "[class*=date]", "[class*=datum]")
_LEAD_YEAR = re.compile(r"^\s*((?:19|20)\d\d)(?:\s*[–—-]\s*|\s*$|(?=[^\d\s.,/:]))")
_MONTHS = {m: i for i, m in enumerate(
    "januari februari maart april mei juni juli augustus september oktober november december".split(), 1)}
_MONTHS.update({m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)})
_DATE = re.compile(r"(\d{1,2})\s+([a-z]+)\s+((?:19|20)\d\d)", re.I)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass(frozen=True)
class Block:
    """A paragraph, or a bullet list with its items."""

    kind: Literal["paragraph", "list"]
    text: str
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """A heading (None for the text before the first one) and its blocks."""

    heading: str | None
    blocks: tuple[Block, ...]

    @property
    def text(self) -> str:
        """The section's text: its heading, paragraphs and list items, one per line."""
        lines = [self.heading] if self.heading else []
        for block in self.blocks:
            lines.extend([f"• {item}" for item in block.items] if block.kind == "list" else [block.text])
        return "\n".join(lines)


@dataclass(frozen=True)
class Case:
    """One case page, parsed."""

    id: str
    url: str
    title: str
    year: int | None = None
    date: str | None = None
    language: str = "nl"
    layout: Literal["modern", "old"] = "modern"
    intro: str = ""
    sections: tuple[Section, ...] = ()
    themes: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    author: str | None = None
    companies: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    youtube: tuple[YouTubeLink, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    mentions_attachment: bool = False
    aliases: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        """The body as plain text: intro, then every section (headings, paragraphs, items)."""
        return "\n\n".join(part for part in (self.intro, *(s.text for s in self.sections)) if part)

    @property
    def channels(self) -> tuple[str, ...]:
        """The channels the page links (``UC…`` ids or ``@handles``)."""
        return tuple(dict.fromkeys(link.id for link in self.youtube if link.kind == "channel"))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field, plus the body text."""
        data = asdict(self)
        data["text"] = self.text
        return data


def check_selectors(selectors: Mapping[str, str]) -> None:
    """Reject unknown selector names and CSS that does not parse, with a clear message."""
    probe = BeautifulSoup("<html><body></body></html>", "html.parser")
    for key, css in selectors.items():
        if key not in SELECTOR_KEYS:
            raise ConfigError(f"unknown site selector {key!r} (known: {', '.join(SELECTOR_KEYS)})")
        try:
            probe.select(css)
        except Exception as exc:  # soupsieve raises its own SelectorSyntaxError
            raise ConfigError(f"site selector {key} = {css!r} is not valid CSS: {exc}") from None


def _select_first(root: Tag, candidates: Sequence[str]) -> Tag | None:
    for css in candidates:
        found = root.select_one(css)
        if found is not None:
            return found
    return None


def _holding_blocks(node: Tag) -> tuple[set[int], set[int]]:
    """The ids of the tags under ``node`` that hold a block tag, and those that hold one other than
    ``<br>``: one pass from the leaves up, so a page nested thousands deep costs no more than its size."""
    holds: set[int] = set()
    holds_no_br: set[int] = set()
    for tag in reversed(node.find_all(True)):
        parent = tag.parent
        if parent is None:
            continue
        if tag.name in BLOCK_TAGS or id(tag) in holds:
            holds.add(id(parent))
        if (tag.name in BLOCK_TAGS and tag.name != "br") or id(tag) in holds_no_br:
            holds_no_br.add(id(parent))
    return holds, holds_no_br


def _blocks(node: Tag) -> list[tuple[str, Any]]:
    """Walk a subtree into ("heading", text), ("paragraph", text) and ("list", items) in order.

    The walk keeps its own stack instead of recursing: generated pages nest unclosed tags thousands
    deep, and the page must still parse (Python's recursion limit is about a thousand).
    """
    out: list[tuple[str, Any]] = []
    inline: list[str] = []
    holds, holds_no_br = _holding_blocks(node)

    def flush() -> None:
        text = norm(" ".join(inline))
        inline.clear()
        if text:
            out.append(("paragraph", text))

    stack: list[Iterator[Any]] = [iter(node.children)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            flush()
            continue
        if not isinstance(child, Tag):
            inline.append(str(child))
            continue
        name = child.name
        if name == "br":
            flush()
        elif name in _HEADINGS:
            flush()
            if norm(child.get_text(" ")):
                out.append(("heading", norm(child.get_text(" "))))
        elif name in ("ul", "ol"):
            flush()
            items = [norm(li.get_text(" ")) for li in child.find_all("li") if li.find_parent(["ul", "ol"]) is child]
            items = [i for i in items if i]
            if items:
                out.append(("list", items))
        elif name == "p" and id(child) not in holds_no_br:
            flush()
            text = norm(child.get_text(" "))
            strong = child.find(["strong", "b"])
            if strong and norm(strong.get_text(" ")) == text and len(text) < 80 and not text.endswith((".", ":")):
                out.append(("heading", text))
            elif text:
                out.append(("paragraph", text))
        elif name in BLOCK_TAGS or id(child) in holds:
            flush()
            stack.append(iter(child.children))
        else:
            inline.append(child.get_text(" "))
    return out


def _sections(blocks: list[tuple[str, Any]]) -> tuple[str, tuple[Section, ...]]:
    intro = ""
    sections: list[Section] = []
    heading: str | None = None
    current: list[Block] = []
    for kind, value in blocks:
        if kind == "heading":
            if current or heading:
                sections.append(Section(heading, tuple(current)))
            heading, current = value, []
        elif kind == "list":
            current.append(Block("list", "\n".join(value), tuple(value)))
        else:
            if not intro and heading is None and not current:
                intro = value
                continue
            current.append(Block("paragraph", value))
    if current or heading:
        sections.append(Section(heading, tuple(current)))
    return intro, tuple(sections)


def _year_element(root: Tag, selector: str | None) -> tuple[Tag, int] | None:
    for css in [selector] if selector else YEAR_CANDIDATES:
        for element in root.select(css):
            # "\s*[–—-]?\s*" would try every split of a long run of spaces (quadratic).
            match = re.fullmatch(r"\s*((?:19|20)\d\d)\s*(?:[–—-]\s*)?", element.get_text())
            if match is None and element.get("datetime"):
                match = re.match(r"((?:19|20)\d\d)", str(element["datetime"]))
            if match:
                return element, int(match.group(1))
    return None


def _strip_lead(blocks: list[tuple[str, Any]], i: int, rest: str) -> None:
    if rest:
        blocks[i] = ("paragraph", rest)
    else:
        del blocks[i]


def _take_year(root: Tag, blocks: list[tuple[str, Any]], selector: str | None) -> int | None:
    """The year from its own element, or from the start of the lead text (which then loses it)."""
    first = next((i for i, (kind, _) in enumerate(blocks) if kind == "paragraph"), None)
    found = _year_element(root, selector)
    if found is not None:
        element, year = found
        text = norm(element.get_text(" "))
        if first is not None and blocks[first][1].startswith(text):
            _strip_lead(blocks, first, blocks[first][1][len(text):].lstrip(" –—-"))
        return year
    if first is not None:
        match = _LEAD_YEAR.match(blocks[first][1])
        if match:
            _strip_lead(blocks, first, blocks[first][1][match.end():].strip())
            return int(match.group(1))
    return None


def parse_date(text: str | None) -> str | None:
    """A Dutch or English date ("4 september 2012") or an ISO date as ``YYYY-MM-DD``."""
    if not text:
        return None
    iso = re.search(r"((?:19|20)\d\d)-(\d\d)-(\d\d)", text)
    match = _DATE.search(text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif match and match.group(2).lower() in _MONTHS:
        year, month, day = int(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1))
    else:
        return None
    # Off the calendar (2014-13-99) is no date: every page that showed it would fail to render it.
    return f"{year:04d}-{month:02d}-{day:02d}" if calendar_date(year, month, day) else None


def parse_case(
    html: bytes | str,
    url: str,
    selectors: Mapping[str, str] | None = None,
    known_companies: Mapping[str, Sequence[str]] | Sequence[str] | None = None,
) -> Case:
    """Parse a case page; a page that cannot be fully parsed still yields its text and warnings."""
    selectors = selectors or {}
    soup = soup_of(html)
    checkpoint("read the markup")
    base = urljoin(url, str(soup.base["href"])) if soup.base and soup.base.get("href") else url
    lang_attr = soup.html.get("lang") if soup.html else None
    title_el = soup.select_one(selectors["title"]) if selectors.get("title") else None
    drop_boilerplate(soup, selectors.get("boilerplate"))
    checkpoint("drop the site chrome")
    title_el = title_el or soup.find("h1")
    title = _title_text(title_el) if title_el else ""
    if not title and soup.title:
        title = norm(soup.title.get_text(" ").split(" | ")[0].split(" - ")[0])
    youtube = find_youtube_links(soup, base)
    attachments = find_attachments(soup, base)
    checkpoint("read the links")
    labels = label_values(soup)
    meta_blocks = drop_meta_blocks(soup)
    checkpoint("read the labels")
    body = (soup.select_one(selectors["body"]) if selectors.get("body") else None) or _select_first(
        soup, BODY_CANDIDATES) or soup
    if title_el is not None and title_el.parent is not None:
        _drop_title(title_el)
    blocks = _blocks(body)
    checkpoint("read the body")
    year, date = _year_and_date(soup, blocks, labels, selectors.get("year"))
    intro, sections = _sections(blocks)
    language, layout = _language_and_layout(url, lang_attr, labels, meta_blocks)
    texts = [title, intro, *(s.text for s in sections)]
    exclude = [*labels.get("themes", ()), *labels.get("sectors", ()), *labels.get("sources", ())]
    companies, organisations = find_organisations(texts, known_companies, exclude)
    full_text = "\n".join(texts)
    case = Case(
        id=case_id_from_url(url),
        url=url,
        title=title,
        year=year,
        date=date,
        language=language,
        layout=layout,
        intro=intro,
        sections=sections,
        themes=tuple(labels.get("themes", ())),
        sectors=tuple(labels.get("sectors", ())),
        sources=tuple(labels.get("sources", ())),
        keywords=tuple(labels.get("keywords", ())),
        author=", ".join(labels["author"]) if labels.get("author") else None,
        companies=tuple(companies),
        organisations=tuple(organisations),
        youtube=youtube,
        attachments=attachments,
        mentions_attachment=bool(re.search(r"\bbijlage|\battach(ed|ment)", full_text, re.I)),
        aliases=case_aliases(url),
    )
    return _with_warnings(case)


def _year_and_date(soup: Tag, blocks: list[tuple[str, Any]], labels: Mapping[str, Any],
                   year_selector: str | None) -> tuple[int | None, str | None]:
    """The case's year and publication date: the label or a ``<time>``; the date's year if none is said."""
    year = _take_year(soup, blocks, year_selector)
    date = parse_date(" ".join(labels.get("published", ())))
    if date is None:
        time_el = soup.find("time", attrs={"datetime": True})
        date = parse_date(str(time_el["datetime"])) if time_el else None
    if year is None and date:
        year = int(date[:4])
    return year, date


def _language_and_layout(url: str, lang_attr: Any, labels: Mapping[str, Any],
                         meta_blocks: Sequence[str]) -> tuple[str, Literal["modern", "old"]]:
    """The page's language (en or nl) and which of the platform's layouts it has (old or modern)."""
    english = lang_attr and str(lang_attr).lower().startswith("en") or labels.get("english")
    old = "/kennisbank/" in url or "kenmerken" in meta_blocks or "keywords" in labels and not (
        "themes" in labels or "sectors" in labels)
    return "en" if english else "nl", "old" if old else "modern"


def _title_text(element: Tag) -> str:
    """The heading's text; of an unclosed heading that swallowed the page, only its own first line."""
    if not element.find(list(BLOCK_TAGS)):
        return norm(element.get_text(" "))
    return norm(next((str(s) for s in element.strings if norm(str(s))), ""))


def _drop_title(element: Tag) -> None:
    if not element.find(list(BLOCK_TAGS)):
        element.decompose()
        return
    for child in list(element.children):
        if isinstance(child, Tag) and child.name in BLOCK_TAGS:
            break
        child.extract()


def _with_warnings(case: Case) -> Case:
    missing = []
    if not case.title:
        missing.append("title")
    if not case.text:
        missing.append("body text")
    if case.year is None:
        missing.append("year")
    if case.layout == "old":
        if not case.keywords:
            missing.append("Steekwoorden")
    else:
        for label, value in (("Thema's", case.themes), ("Sector", case.sectors), ("Bron", case.sources)):
            if not value:
                missing.append(label if case.language == "nl" else
                               {"Thema's": "Themes", "Bron": "Source"}.get(label, label))
    warnings = [f"missing {', '.join(missing)}"] if missing else []
    if case.mentions_attachment and not case.attachments:
        warnings.append("mentions an attachment but links none")
    return Case(**{**case.__dict__, "warnings": tuple(warnings)})
