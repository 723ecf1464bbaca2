"""HTML helpers shared by the page parsers: decoding, boilerplate, label lines, links."""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Any, Iterable, Literal
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, MarkupResemblesLocatorWarning, NavigableString, Tag

from archive.site_urls import attachment_type, normalise_url, same_host
from archive.embeds import carries_video, html_addresses
from archive.youtube_refs import parse_youtube_url

BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "td", "th",
    "tbody", "thead", "blockquote", "pre", "figure", "figcaption", "header", "footer", "main", "aside",
    "h1", "h2", "h3", "h4", "h5", "h6", "fieldset", "br", "hr", "address", "details", "summary",
})
INLINE_LABEL_TAGS = frozenset({"strong", "b", "span", "em", "i", "label", "small"})
# Deeper than this a page's markup is flattened: generated pages nest unclosed <div>s or <font>s
# thousands deep, and every walk over such a tree costs its size times its depth. Real themes
# (Elementor, Drupal's Olivero) stay under a hundred levels.
MAX_DEPTH = 256
# The wrappers that are flattened below MAX_DEPTH; links, players and images keep their tags.
FLATTENED_TAGS = (BLOCK_TAGS | INLINE_LABEL_TAGS | {"font", "center", "u", "s", "big", "tt", "nobr", "sub", "sup"}
                  ) - {"br", "hr"}
# Site chrome that is never part of a case, whatever the theme calls it: by tag, by ARIA role,
# by id or class (substring), and the page-level header and footer. Elementor calls every content
# block "elementor-widget"; those are content, WordPress's sidebar widgets are not.
BOILERPLATE_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "form", "nav", "aside"})
BOILERPLATE_ROLES = frozenset({"navigation", "banner", "contentinfo"})
BOILERPLATE_IDS = frozenset({"masthead", "header", "footer", "colophon", "comments"})
BOILERPLATE_NAMES = re.compile(
    r"cookie|consent|share|sharing|social-|related|sidebar|(?<!elementor-)widget|newsletter|comments|"
    r"skip-link|pagination|breadcrumb|popup|modal|rating|waardering|language|lang-switch|site-header|site-footer", re.I)
# Names of wrappers that consent managers and lightboxes put around a player (see _is_player_in_chrome).
PLAYER_WRAPPERS = re.compile(r"cookie|consent|popup|modal|lightbox|brlbs|cmplz", re.I)
# Headings of the old layout's side blocks and of share/related blocks.
META_HEADINGS = frozenset({
    "kenmerken", "downloads", "delen", "acties", "waardering", "deel dit artikel", "deel deze pagina",
    "gerelateerde cases", "gerelateerde artikelen", "lees ook", "meer cases", "share", "share this",
    "related", "related cases", "terug naar overzicht",
})
_LABELS = (
    ("themes", r"thema[’'`´]?s|thema|themes?"),
    ("sectors", r"sectoren|sectors?"),
    ("sources", r"bronnen|bron|sources?"),
    ("keywords", r"steekwoorden|steekwoord|trefwoorden|keywords?"),
    ("author", r"auteurs?|authors?"),
    ("published", r"datum van publicatie|publicatiedatum|date of publication|published"),
    ("posted", r"datum van plaatsen"),
)
LABEL = re.compile(r"^\s*(?:" + "|".join(f"(?P<{k}>{p})" for k, p in _LABELS) + r")\s*(?P<colon>:)?", re.I)
ENGLISH_LABEL = re.compile(r"^(themes?|sources?)$", re.I)
_SPLIT = re.compile(r"\s*[,;|]\s*")


@dataclass(frozen=True)
class YouTubeLink:
    """A YouTube reference on a page, normalised: channel (UC… or @handle), video or playlist id."""

    kind: Literal["channel", "video", "playlist"]
    id: str
    url: str
    start: int | None = None
    text: str = ""


@dataclass(frozen=True)
class Attachment:
    """A linked document (the case's "bijlage"): where it is, what the link says, what type."""

    url: str
    text: str
    type: str
    same_host: bool


def norm(text: str) -> str:
    """Collapse whitespace (including no-break spaces), drop soft hyphens, and compose accents (NFC).

    An editor may save "ü" as "u" plus a combining diaeresis (text pasted from macOS does); composed,
    it is one letter again, so the word is indexed whole and a snippet cannot cut between the two."""
    return " ".join(unicodedata.normalize("NFC", text.replace("\xad", "")).split())


def decode_html(body: bytes | str) -> str:
    """Bytes of a page as text: UTF-8, else the declared charset, else Windows-1252."""
    if isinstance(body, str):
        return body
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = re.search(rb"charset=[\"']?([\w-]+)", body[:2048])
    for encoding in ([declared.group(1).decode("ascii")] if declared else []) + ["cp1252"]:
        try:
            return body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("utf-8", errors="replace")


def soup_of(body: bytes | str) -> BeautifulSoup:
    """Parse HTML with the standard library parser, which copes with unclosed tags."""
    with warnings.catch_warnings():
        # A near-empty body makes bs4 warn that it "looks like a URL"; a broken page is still parsed.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(decode_html(body), "html.parser")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    flatten_deep(soup)
    return soup


def flatten_deep(soup: BeautifulSoup, limit: int = MAX_DEPTH) -> int:
    """Flatten what is nested deeper than ``limit``: below each element at that depth only its text,
    its links, players and images stay, in order, with a ``<br>`` where a block ended, so that no
    walk over the page recurses or costs more than its size times ``limit``. Return how many
    elements were flattened. Walks the tree once, without recursion."""
    depth: dict[int, int] = {id(soup): 0}
    tops: list[Tag] = []
    for tag in soup.find_all(True):
        level = depth.get(id(tag.parent), limit + 1) + 1  # under a top: no need to count further
        depth[id(tag)] = level
        if level == limit and tag.find(True) is not None:
            tops.append(tag)
    for top in tops:
        _flatten(soup, top)
    return len(tops)


def _flatten(soup: BeautifulSoup, top: Tag) -> None:
    """Replace ``top``'s children by the strings and kept elements of its subtree, in order."""
    pieces: list[Tag | NavigableString] = []
    kept: set[int] = set()
    for node in list(top.descendants):
        if id(node.parent) in kept:  # inside a link or player that stays whole
            kept.add(id(node))
        elif not isinstance(node, Tag):
            pieces.append(node)  # type: ignore[arg-type]  # a string: NavigableString
        elif node.name in FLATTENED_TAGS:
            if node.name in BLOCK_TAGS:
                pieces.append(soup.new_tag("br"))
        else:
            kept.add(id(node))
            pieces.append(node)
    for piece in pieces:
        piece.extract()
    top.clear(decompose=True)
    for piece in pieces:
        top.append(piece)


def _protects_content(tag: Tag) -> bool:
    return tag.find(["h1", "main", "article"]) is not None or tag.name in ("main", "article")


def is_boilerplate(tag: Tag) -> bool:
    """Whether an element is site chrome by its tag, role, id or class."""
    if tag.name in BOILERPLATE_TAGS or tag.get("role") in BOILERPLATE_ROLES:
        return True
    if tag.name in ("header", "footer") and tag.parent is not None and tag.parent.name == "body":
        return True
    ident = str(tag.get("id") or "")
    names = " ".join(tag.get("class") or [])
    return ident.lower() in BOILERPLATE_IDS or bool(BOILERPLATE_NAMES.search(f"{ident} {names}"))


def drop_boilerplate(soup: BeautifulSoup, extra: str | None = None) -> None:
    """Remove site chrome (navigation, banners, share buttons, sidebars) in place."""
    for tag in [t for t in soup.find_all(True) if is_boilerplate(t)]:
        # A theme may call the wrapper of the whole content "sidebar-content" or put the h1 in a
        # banner; the built-in rules never remove the content itself.
        if not tag.decomposed and not _protects_content(tag):
            if not _is_player_in_chrome(tag):
                tag.decompose()
    if extra:
        for tag in soup.select(extra):  # configured selectors are taken at their word
            if not tag.decomposed:
                tag.decompose()


def _is_player_in_chrome(tag: Tag) -> bool:
    """Whether a consent manager's, lazy loader's or lightbox's element named like chrome
    ("cookieconsent-…", "popup-youtube") or a <noscript> is itself a video player (then it stays);
    else the players inside it are moved out before it goes."""
    ident = f"{tag.get('id') or ''} {' '.join(tag.get('class') or [])}"
    if tag.name != "noscript" and not PLAYER_WRAPPERS.search(ident):
        return False
    if carries_video(tag):
        return True
    for player in [t for t in tag.find_all(True) if carries_video(t)]:
        if tag in player.parents:
            tag.insert_before(player.extract())
    return False


def _is_heading_like(tag: Tag) -> bool:
    return tag.name in ("h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "dt", "legend") or (
        tag.name in ("p", "div", "span") and not tag.find(list(BLOCK_TAGS)))


def drop_meta_blocks(soup: BeautifulSoup) -> list[str]:
    """Remove blocks headed "Kenmerken", "Downloads", "Delen"…; return the headings found."""
    found = []
    for tag in soup.find_all(_is_heading_like):
        if tag.decomposed or norm(tag.get_text(" ")).rstrip(":").lower() not in META_HEADINGS:
            continue
        found.append(norm(tag.get_text(" ")).rstrip(":").lower())
        parent = tag.parent
        if (parent is not None and parent.name not in ("body", "main", "article", "[document]")
                and parent.find(_is_heading_like) is tag and not _protects_content(parent)):
            parent.decompose()
            continue
        for sibling in list(tag.find_next_siblings()):
            if sibling.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
                break
            sibling.decompose()
        tag.decompose()
    return found


def _pieces(nodes: Iterable[object]) -> list[str]:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Tag):
            if node.name == "a":
                out.append(norm(node.get_text(" ")))
            elif node.find("a") or any(isinstance(c, Tag) and c.name in BLOCK_TAGS for c in node.children):
                # links, and values each in its own element (Drupal's field__item, list items)
                out.extend(_pieces(node.children))
            else:
                out.extend(_SPLIT.split(norm(node.get_text(" "))))
        elif isinstance(node, NavigableString):
            out.extend(_SPLIT.split(norm(str(node))))
    return [p.strip(" .–-") for p in out if p.strip(" .–-")]


def _line_after(anchor: Tag | NavigableString) -> list[Any]:
    """The nodes after a label on its line: up to the next block or the next label."""
    nodes: list[Any] = []
    for sibling in anchor.next_siblings:
        if isinstance(sibling, Tag) and (sibling.name in BLOCK_TAGS or LABEL.match(sibling.get_text())
                                         and ":" in sibling.get_text()):
            break
        if isinstance(sibling, NavigableString) and LABEL.match(str(sibling)) and ":" in str(sibling):
            break
        nodes.append(sibling)
    return nodes


def _remove(nodes: Iterable[object]) -> None:
    for node in nodes:
        if isinstance(node, Tag):
            node.decompose()
        elif isinstance(node, NavigableString):
            node.extract()


def _drop_empty(container: Tag | None) -> None:
    while container is not None and container.name not in ("body", "[document]") and not norm(
            container.get_text()) and not container.find(["img", "iframe"]):
        parent = container.parent
        container.decompose()
        container = parent


def _is_label_element(tag: Tag, text: str) -> bool:
    """Whether ``tag`` is a label of its own (``<label>``, Drupal's ``field__label``/``field-label``,
    a theme's ``…-label``) holding just this label, which then needs no colon."""
    names = f"{tag.get('id') or ''} {' '.join(tag.get('class') or [])}"
    return ((tag.name == "label" or "label" in names.lower()) and norm(tag.get_text()) == norm(text)
            and not norm(text[LABEL.match(text).end():]))  # type: ignore[union-attr]


def _value_elements(label: Tag) -> list[Tag]:
    """The element after a label element, or the run of item elements (``field__item``) after it."""
    first = label.find_next_sibling()
    if first is None:
        return []
    items = [first]
    for sibling in first.find_next_siblings() if _is_item(first) else ():
        if not _is_item(sibling):
            break
        items.append(sibling)
    return items


def _is_item(tag: Tag) -> bool:
    return any("item" in name and "items" not in name for name in tag.get("class") or [])


def label_values(soup: BeautifulSoup) -> dict[str, list[str]]:
    """Read and remove the label lines: ``{"themes": [...], "sectors": [...], ...}``.

    The key ``english`` is present when the labels are the English ones (Themes:, Source:).
    """
    values: dict[str, list[str]] = {}
    for node in list(soup.find_all(string=LABEL)):
        # A string removed with an earlier label's line has lost even its ``parent`` attribute.
        if getattr(node, "parent", None) is None or getattr(node.parent, "decomposed", False):
            continue
        text = str(node)
        match = LABEL.match(text)
        if match is None:
            continue
        key = next(k for k, _ in _LABELS if match.group(k))
        parent: Any = node.parent  # not None: checked above
        term = parent if parent.name in ("dt", "th") else parent.find_parent(["dt", "th"])
        remainder = text[match.end():]
        if term is not None:
            value_el = term.find_next_sibling(["dd", "td"])
            found = _pieces([value_el]) if value_el else []
            _remove([term, value_el])
        elif not match.group("colon") and not _is_label_element(parent, text):
            continue
        elif len(remainder) > 200:
            continue  # a sentence that happens to start with "Bron:", not a label line
        else:
            whole = norm(parent.get_text()) == norm(text)
            anchor = parent if whole and (parent.name in INLINE_LABEL_TAGS or _is_label_element(parent, text)) else node
            nodes = _line_after(anchor)
            found = _pieces([NavigableString(remainder), *nodes])
            container = anchor.parent
            holder = (container if container is not None and norm(container.get_text(" ")) == norm(text)
                      else anchor if isinstance(anchor, Tag) else None)
            if not found and holder is not None:
                # "<div class=label>Thema’s:</div><div class=value>…</div>", Drupal's
                # "<div class=field__label>Sector</div><div class=field__item>…</div>…": the values
                # are the next element, or the run of item elements that follows.
                following = _value_elements(holder)
                found, nodes = _pieces(following), following
            _remove([anchor, *nodes])
            _drop_empty(container)
        values.setdefault(key, []).extend(v for v in found if v not in values.get(key, []))
        if ENGLISH_LABEL.match(match.group(key)):
            values["english"] = ["yes"]
    return values


def _link(url: str, base: str) -> str | None:
    url = url.strip()
    if not url or url.startswith(("mailto:", "javascript:", "tel:", "#")):
        return None
    return urljoin(base, url)


def find_youtube_links(soup: Tag, base: str) -> tuple[YouTubeLink, ...]:
    """Every YouTube channel, video and playlist the page links, embeds or writes out (archive.embeds
    lists where it looks)."""
    found: dict[tuple[str, str, int | None], YouTubeLink] = {}
    for address, attribute, tag in html_addresses(soup, base):
        ref = parse_youtube_url(address)
        if ref is None or (ref.kind, ref.value, ref.start) in found:
            continue
        if tag is None:
            text = ""
        elif tag.name == "a" and attribute == "href":
            text = norm(tag.get_text(" "))
        else:
            text = tag.name if attribute in ("src", "href", "data") else f"{tag.name} {attribute}"
        found[(ref.kind, ref.value, ref.start)] = YouTubeLink(ref.kind, ref.value, address, ref.start, text)
    return tuple(found.values())


def find_attachments(soup: BeautifulSoup, base: str) -> tuple[Attachment, ...]:
    """Every linked document (PDF, DOCX, an HTML file in an uploads folder), once each."""
    found: dict[str, Attachment] = {}
    for tag in soup.find_all("a", href=True):
        url = _link(str(tag["href"]), base)
        if not url or urlsplit(url).scheme not in ("http", "https"):
            continue
        kind = attachment_type(url)
        url = normalise_url(url)
        if kind and url not in found:
            found[url] = Attachment(url, norm(tag.get_text(" ")), kind, same_host(url, base))
    return tuple(found.values())
