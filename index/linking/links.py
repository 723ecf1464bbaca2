"""Links between videos, cases, companies and themes, each with its evidence and a confidence.

Links come from explicit URLs (a case page links or embeds a video, or links its channel; a
video description links a case) and from mentions of taxonomy names and aliases in titles,
descriptions, transcripts and notes. People confirm or reject suggestions; those decisions live
in ``<data>/curation/links.json`` and are applied at every build, so they survive rebuilds.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Literal

from archive.errors import InputError
from archive.lock import curation_lock
from archive.store import atomic_write, utc_now
from index.text.companies import company_forms
from index.linking.mentions import Found, MentionCache, MentionMemo, text_key
from index.text.taxonomy import Taxonomy, fold_name

# A link counts for search filters and facets from this confidence on (or when confirmed).
ACCEPT = 0.5
# A video of a channel that one case links belongs to that case (accepted, weaker than a video
# naming the case's company, 0.8); a video of a channel several cases link is only suggested to them.
CHANNEL_OF_ONE_CASE = 0.6
CHANNEL_SUGGESTS = 0.4
# Up to this many cases on one channel, a video placed with some of them is suggested to the rest;
# a channel that more cases link (a sector's, the platform's own) suggests only videos nothing places.
FEW_CHANNEL_CASES = 10
# A web address in a text (a description linking a case, wherever the platform keeps its cases).
WEB_ADDRESS = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]]+", re.I)
# A case linked by its path alone (no host), in the platform's own layout.
CASE_URL = re.compile(r"/kennis/(?:kennisbank/)?([a-z0-9][a-z0-9-]*[a-z0-9])(?:/\d+)?/?(?=[\s?#\"'<)]|$)", re.I)
# The start of an address among a text's words: a scheme, "www.", a host with a path, a mail
# address, or a path of the site's own ("/praktijk/zorgteam-oost/").
_ADDRESS_WORD = re.compile(r"[a-z][a-z0-9+.-]*://|www\.|[\w-]+(?:\.[\w-]+)+/|[^@\s]+@[\w-]+\.|^[^\w/]?/[\w.-]+/", re.I)
_ADDRESS_REACH = 300  # characters looked at either side of a match for the address it is part of

Status = Literal["auto", "confirmed", "rejected"]
_WORD = re.compile(r"\w+")
# Up to this many entries, a finder tries each entry's names on a text instead of first listing
# the text's words (the finder of the few entries that changed since the last build).
FEW = 64


def is_accepted(status: str, confidence: float) -> bool:
    """Whether a link counts (in search, the report and the links list): confirmed by a person,
    or found and at least ``ACCEPT`` sure; below that a found link is a suggestion."""
    return status == "confirmed" or (status == "auto" and confidence >= ACCEPT)


@dataclass(frozen=True)
class Evidence:
    """Why a link was made: which rule, which field, which text, where."""

    rule: str
    field: str
    text: str
    position: int | None = None

    def to_dict(self) -> dict[str, Any]:
        # What dataclasses.asdict gives, without its deep copy (a build writes tens of thousands).
        return {"rule": self.rule, "field": self.field, "text": self.text, "position": self.position}


def said_once(evidence: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """A link's evidence for people, each fact once: identical entries once, and an entry whose rule
    a combined rule of the same link already states ("case links the channel" beside "case links the
    channel; video names its company") folded into that one, its field and text kept under ``also``."""
    unique = list({(e["rule"], e["field"], e["text"], e.get("position")): e for e in evidence}.values())
    parts = {e["rule"]: set(e["rule"].split("; ")) for e in unique}
    out: list[dict[str, Any]] = []
    for e in unique:
        host = next((o for o in unique if o is not e and o["rule"] != e["rule"]
                     and e["rule"] in parts[o["rule"]]), None)
        if host is None:
            out.append({**e, "also": []})
    for e in unique:
        host = next((o for o in out if o["rule"] != e["rule"] and e["rule"] in parts[o["rule"]]), None)
        if host is not None:
            host["also"].append({"field": e["field"], "text": e["text"], "position": e.get("position")})
    return out


@dataclass
class Link:
    """A link from a video or case (``video:ID``/``case:slug``) to a case, company or theme."""

    source: str
    target: str
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)
    status: Status = "auto"

    @property
    def accepted(self) -> bool:
        return is_accepted(self.status, self.confidence)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "confidence": round(self.confidence, 2),
                "status": self.status, "evidence": [e.to_dict() for e in self.evidence]}


@dataclass(frozen=True)
class CaseInfo:
    """What linking needs of a case."""

    slug: str
    title: str
    companies: tuple[str, ...]
    themes: tuple[str, ...]
    video_ids: tuple[str, ...]
    channels: tuple[str, ...]  # channel ids the case links (resolved)
    note_videos: tuple[tuple[str, str], ...] = ()  # (video id, note page) the case's attached notes link
    url: str = ""  # the case page's address (under /kennis/, /praktijk/ or wherever the site keeps it)


@dataclass(frozen=True)
class VideoInfo:
    """What linking needs of a video."""

    id: str
    channel_id: str
    title: str
    description: str
    transcript: "str | KnownText" = ""


def mentions(text: str, names: Iterable[str], folded: str | None = None) -> list[tuple[str, int]]:
    """Whole-word occurrences of any of the names in text: (matched text, offset).

    ``folded`` is ``fold_name(text)`` when the caller already has it (it looks up many names).
    """
    return _mentions(text, fold_name(text) if folded is None else folded, [_keyed(name) for name in names])


_Keyed = tuple[str, str]  # a name and its folded form


def _keyed(name: str) -> _Keyed:
    return name, fold_name(name)


@lru_cache(maxsize=None)
def _whole_word(key: str) -> "re.Pattern[str]":
    """The pattern of a folded name as whole words, compiled when first needed and then kept
    (thousands of names overflow ``re``'s own cache; most are never looked for with it)."""
    return re.compile(r"(?<!\w)" + re.escape(key) + r"(?!\w)")


def _mentions(text: str, folded: str, keyed: list[_Keyed]) -> list[tuple[str, int]]:
    found = []
    for name, key in keyed:
        if len(key) < 3 or key not in folded:  # a substring test first: far cheaper than the regex scan
            continue
        # The first whole-word match outside a web or mail address ("…/praktijk/zorgteam-oost/"
        # names no company Zorgteam Oost).
        if match := next((m for m in _whole_word(key).finditer(folded) if not _in_address(folded, m.start())), None):
            found.append((text[match.start():match.end()] if len(folded) == len(text) else name, match.start()))
    return found


def _in_address(text: str, start: int) -> bool:
    """Whether the character at ``start`` is part of a web or mail address (the run of
    non-space characters around it starts like one); looks a bounded way either side."""
    left = max(text.rfind(" ", max(0, start - _ADDRESS_REACH), start), text.rfind("\n", max(0, start - _ADDRESS_REACH), start))
    right = next((i for i in (text.find(" ", start, start + _ADDRESS_REACH), text.find("\n", start, start + _ADDRESS_REACH))
                  if i >= 0), start + _ADDRESS_REACH)
    word = text[left + 1:right]
    return bool(_ADDRESS_WORD.search(word))


def address_key(url: str) -> str:
    """An address as compared when a text links a page: without scheme, "www.", query, fragment
    and trailing slash, in lower case ("http://www.k.nl/praktijk/x/?a=1" → "k.nl/praktijk/x")."""
    url = url.strip().lower().split("#", 1)[0].split("?", 1)[0]
    url = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url)
    return url.removeprefix("www.").rstrip("/.,;:")


class NameFinder:
    """``mentions`` for many entries at once, in entry order, in time linear in the text.

    In a whole-word match of a name every word of the name is a whole word of the text, so only
    entries with a name whose words all occur in the text are tried: a text is not scanned once
    per name (which made linking quadratic: every passage times every company).
    """

    def __init__(self, named: dict[str, list[str]], memo: MentionMemo | None = None) -> None:
        self.named = named
        self.rank = {entry: n for n, entry in enumerate(named)}
        # Each name folded once.
        self.keyed = {entry: [_keyed(name) for name in names] for entry, names in named.items()}
        # The longest word of each name → (entry, all the name's words).
        self.by_word: dict[str, list[tuple[str, frozenset[str]]]] = {}
        self.always: set[str] = set()  # names without a word character
        for entry, keyed in self.keyed.items():
            for _name, key in keyed:
                if len(key) < 3:
                    continue
                words = _WORD.findall(key)
                if words:
                    self.by_word.setdefault(max(words, key=len), []).append((entry, frozenset(words)))
                else:
                    self.always.add(entry)
        # With a memo: the entries searched again in a remembered text, and their names' keys.
        changed = memo.bind(named) if memo is not None else None
        self.memo = memo if changed is not None else None
        self._changed: NameFinder | None = None
        self._changed_words: tuple[str, ...] | None = None  # the longest word of each changed name
        self._changed_names: tuple[tuple[str, ...], ...] = ()  # each changed name's words
        self._stale: frozenset[str] = frozenset()
        # Remembered texts in which no changed entry was found, and among them those whose
        # mentions are all as remembered (none of the entries they mention is gone or renamed).
        self._clear: set[bytes] = set()
        self._same: set[bytes] = set()
        if changed is not None:
            self._stale = frozenset(changed)
            if changed:
                self._changed = NameFinder(changed)
                # A text can mention a changed entry only if it holds every word of one of its
                # names; the longest word of each is looked for first (names without words: always).
                # A few changed entries are tried name by name at once (``_search``): no pre-test.
                names = {tuple(_WORD.findall(key)) for keyed in self._changed.keyed.values()
                         for _name, key in keyed if len(key) >= 3}
                if len(changed) > FEW and names and () not in names:
                    self._changed_names = tuple(sorted(names))
                    self._changed_words = tuple(sorted({max(words, key=len) for words in names}))

    def find(self, text: str, within_clear: bool = False) -> Found:
        """Each entry mentioned in ``text`` (in entry order) with what ``mentions`` found of it.

        ``within_clear``: the text is part of one for which ``clear_of_changes`` holds (a passage
        of such a transcript), so a remembered answer needs no look for changed names.
        """
        return find_each(text, (self,), within_clear)[0]

    def clear_of_changes(self, key: bytes) -> bool:
        """Whether this finder found no changed entry in the remembered text of this key
        (``text_key``), so none in any part of it."""
        return key in self._clear

    def keep_remembered(self, keys: Iterable[bytes]) -> None:
        """Keep the remembered mentions of texts this build does not look at (the passages of a
        transcript kept as it was: ``same_as_remembered`` holds for their whole text)."""
        if self.memo is not None:
            found, seen = self.memo.found, self.memo.seen
            for key in keys:
                if key in found and key not in seen:
                    seen[key] = found[key]

    def found_in_this_build(self, key: bytes) -> Found | None:
        """What this finder found in the text of this key (``text_key``) during this build, if it
        looked at that text (through its memo)."""
        return self.memo.seen.get(key) if self.memo is not None else None

    def same_as_remembered(self, key: bytes) -> bool:
        """Whether this finder found in the text of this key (``text_key``) exactly what it found
        in the build that remembered it; then so it did in every part of that text."""
        return key in self._same

    def _recall(self, key: bytes, text: "_Text", within_clear: bool = False) -> Found:
        """What the memo says of a text, with the changed entries searched again; else a search."""
        memo = self.memo
        assert memo is not None
        found = memo.seen.get(key)
        if found is not None:
            return found
        before = memo.found.get(key)
        if before is None:
            memo.searched += 1
            found = self._search(text)
        else:
            memo.reused += 1
            found = [(entry, hits) for entry, hits in before if entry in self.rank and entry not in self._stale]
            if not within_clear:
                more = (self._changed._search(text)
                        if self._changed is not None and self._may_mention_changed(text) else [])
                if more:
                    found += more
                    found.sort(key=lambda pair: self.rank[pair[0]])
                else:
                    self._clear.add(key)
                    if len(found) == len(before):
                        self._same.add(key)
        memo.seen[key] = found
        return found

    def _may_mention_changed(self, text: _Text) -> bool:
        """Whether a text may mention a changed entry (False only when it certainly does not)."""
        if self._changed_words is None:
            return True
        # Plain ASCII text only needs lower case (folding changes nothing else inside a word).
        lowered = text.text.lower() if text.text.isascii() else text.folded
        return (any(map(lowered.__contains__, self._changed_words))
                and any(all(map(lowered.__contains__, words)) for words in self._changed_names))

    def _search(self, text: "_Text") -> Found:
        if len(self.keyed) <= FEW:  # a few entries: each name's substring test beats splitting the text
            candidates: Iterable[str] = self.keyed
        else:
            words = text.words
            wanted = set(self.always)
            for word in words & self.by_word.keys():
                wanted.update(entry for entry, needed in self.by_word[word] if needed <= words)
            candidates = sorted(wanted, key=self.rank.__getitem__)
        found = []
        for entry in candidates:
            if hits := _mentions(text.text, text.folded, self.keyed[entry]):
                found.append((entry, hits))
        return found


class KnownText:
    """A text that linking may answer for from the memo without reading it: its ``text_key``,
    whether it is empty, and how to read it (when a finder has to search it after all)."""

    def __init__(self, key: bytes, empty: bool, read: Callable[[], str]) -> None:
        self.key = key
        self.empty = empty
        self._read = read

    def __bool__(self) -> bool:
        return not self.empty

    def read(self) -> str:
        return self._read()


class _Text:
    """A text with its folded form and its words, each worked out once and only when needed."""

    def __init__(self, text: "str | KnownText") -> None:
        self._source = text
        self._text: str | None = text if isinstance(text, str) else None
        self._folded: str | None = None
        self._words: set[str] | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            assert isinstance(self._source, KnownText)
            self._text = self._source.read()
        return self._text

    @property
    def key(self) -> bytes:
        return self._source.key if isinstance(self._source, KnownText) else text_key(self.text)

    @property
    def folded(self) -> str:
        if self._folded is None:
            self._folded = fold_name(self.text)
        return self._folded

    @property
    def words(self) -> set[str]:
        if self._words is None:
            self._words = set(_WORD.findall(self.folded))
        return self._words


def find_each(text: "str | KnownText", finders: Iterable[NameFinder], within_clear: bool = False) -> list[Found]:
    """What each finder finds in one text; the text is folded and split into words once, and only
    when a finder has to search it (a remembered text is not, and a ``KnownText`` is not even
    read). ``within_clear``: see ``NameFinder.find``."""
    prepared = _Text(text)
    key: bytes | None = None
    results = []
    for finder in finders:
        if finder.memo is None:
            results.append(finder._search(prepared))
        else:
            key = key or prepared.key
            results.append(finder._recall(key, prepared, within_clear))
    return results


class LinkSet:
    """Links keyed by (source, target); adding evidence to a known pair keeps the best confidence."""

    def __init__(self) -> None:
        self._links: dict[tuple[str, str], Link] = {}
        # The links of each source, so ``targets`` does not scan every link (it is asked per unit).
        self._by_source: dict[str, list[Link]] = {}

    def _new(self, source: str, target: str, confidence: float) -> Link:
        link = self._links[(source, target)] = Link(source, target, confidence)
        self._by_source.setdefault(source, []).append(link)
        return link

    def add(self, source: str, target: str, confidence: float, evidence: Evidence) -> None:
        link = self._links.get((source, target)) or self._new(source, target, 0.0)
        link.confidence = max(link.confidence, confidence)
        if evidence not in link.evidence:
            link.evidence.append(evidence)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(sorted(self._links.values(), key=lambda l: (l.source, l.target)))

    def get(self, source: str, target: str) -> Link | None:
        return self._links.get((source, target))

    def apply(self, decisions: dict[tuple[str, str], dict[str, Any]]) -> None:
        """Apply people's decisions: a confirmation may add a link nothing suggested."""
        for (source, target), decision in decisions.items():
            link = self._links.get((source, target))
            if link is None:
                if decision["decision"] != "confirmed":
                    continue
                link = self._new(source, target, 1.0)
                link.evidence.append(Evidence("curated", "curation", decision.get("note") or "added by a person"))
            link.status = "confirmed" if decision["decision"] == "confirmed" else "rejected"

    def targets(self, source: str, prefix: str) -> list[str]:
        """The accepted targets of a source with a given prefix (``case:``, ``company:``…), names only."""
        return sorted(l.target[len(prefix):] for l in self._by_source.get(source, ())
                      if l.target.startswith(prefix) and l.accepted)


def name_finder(taxonomy: Taxonomy, kind: str, mentions: MentionCache | None = None) -> NameFinder:
    """A finder of the taxonomy's names of one kind (``company``, ``theme``), remembering its
    mentions in ``mentions`` when given. A company is also looked for in the other ways its
    names are written (``company_forms``: without legal form, hyphenated, joined, spaced)."""
    forms = company_forms if kind == "company" else list
    return NameFinder({e.name: forms(e.names()) for e in taxonomy.entries(kind)},
                      mentions.memo(kind) if mentions is not None else None)


def link_all(cases: list[CaseInfo], videos: list[VideoInfo], taxonomy: Taxonomy,
             decisions: dict[tuple[str, str], dict[str, Any]] | None = None,
             mentions: MentionCache | None = None, company_names: NameFinder | None = None) -> LinkSet:
    """Compute every link between the archive's cases and videos (``mentions``: see index.linking.mentions;
    ``company_names``: the caller's finder of company names, to ask it about texts afterwards)."""
    links = LinkSet()
    by_slug = {c.slug: c for c in cases}
    by_url = {address_key(c.url): c.slug for c in cases if c.url}
    channel_cases: dict[str, list[CaseInfo]] = {}
    for case in cases:
        for channel in dict.fromkeys(case.channels):  # a page may link its channel by id and by handle
            channel_cases.setdefault(channel, []).append(case)
        for company in case.companies:
            links.add(f"case:{case.slug}", f"company:{taxonomy.canonical('company', company)}", 1.0,
                      Evidence("case page", "companies", company))
        for theme in case.themes:
            links.add(f"case:{case.slug}", f"theme:{taxonomy.canonical('theme', theme)}", 1.0,
                      Evidence("case page", "themes", theme))
    company_names = company_names or name_finder(taxonomy, "company", mentions)
    theme_names = name_finder(taxonomy, "theme", mentions)
    video_ids = {v.id for v in videos}
    # By slug: hashing a CaseInfo hashes all its fields, and this is asked per video per case of its channel.
    case_companies = {c.slug: {taxonomy.canonical("company", name) for name in c.companies} for c in cases}
    # Per channel, the positions of its cases naming each company: a video is compared with the
    # cases naming a company it names, not with every case of its channel (100 per channel at L).
    channel_company_cases: dict[str, dict[str, list[int]]] = {}
    for channel, on_channel in channel_cases.items():
        positions = channel_company_cases[channel] = {}
        for position, case in enumerate(on_channel):
            for company in case_companies[case.slug]:
                positions.setdefault(company, []).append(position)
    for case in cases:
        for video_id in case.video_ids:
            if video_id in video_ids:
                links.add(f"video:{video_id}", f"case:{case.slug}", 1.0,
                          Evidence("case page links the video", "case page", case.url or f"/kennis/{case.slug}/"))
        for video_id, note_page in case.note_videos:
            if video_id in video_ids:
                links.add(f"video:{video_id}", f"case:{case.slug}", 1.0,
                          Evidence("a note of the case links the video", "note", note_page))
    for video in videos:
        source = f"video:{video.id}"
        fields = {"title": video.title, "description": video.description, "transcript": video.transcript}
        weights = {"title": 0.9, "description": 0.8, "transcript": 0.6}
        named: set[str] = set()
        for field_name, text in fields.items():
            if not text:
                continue
            companies_found, themes_found = find_each(text, (company_names, theme_names))
            for name, found in companies_found:
                for matched, pos in found:
                    named.add(name)
                    links.add(source, f"company:{name}", weights[field_name],
                              Evidence("name mentioned", field_name, matched, pos))
            for name, found in themes_found:
                for matched, pos in found:
                    links.add(source, f"theme:{name}", weights[field_name] - 0.1,
                              Evidence("theme mentioned", field_name, matched, pos))
        for slug, written, position in _linked_cases(video.description, by_url, by_slug):
            links.add(source, f"case:{slug}", 1.0,
                      Evidence("description links the case", "description", written, position))
        _link_by_channel(links, source, video.channel_id, channel_cases.get(video.channel_id, []),
                         channel_company_cases.get(video.channel_id, {}), case_companies, named)
    links.apply(decisions or {})
    # A video linked to a case shares the case's themes (through the case, as evidence).
    for link in list(links):
        if link.source.startswith("video:") and link.target.startswith("case:") and link.accepted:
            case = by_slug.get(link.target[5:])
            for theme in case.themes if case else ():
                links.add(link.source, f"theme:{taxonomy.canonical('theme', theme)}", link.confidence * 0.9,
                          Evidence("via the linked case", "case", case.slug))
    links.apply(decisions or {})
    return links


def _linked_cases(description: str, by_url: dict[str, str], by_slug: dict[str, CaseInfo]) -> Iterable[tuple[str, str, int]]:
    """(slug, address as written, position) of each case a description links: by the address of
    an archived case page (whatever its path), or by a path in the platform's /kennis/ layout."""
    if "/" not in description:
        return
    addresses = []
    for match in WEB_ADDRESS.finditer(description):
        addresses.append(match.span())
        slug = by_url.get(address_key(match.group(0)))
        if slug is None and (path := CASE_URL.search(match.group(0))) and path.group(1).lower() in by_slug:
            slug = path.group(1).lower()  # the /kennis/ layout on a host or path the archive writes otherwise
        if slug is not None:
            yield slug, match.group(0), match.start()
    for match in CASE_URL.finditer(description):
        slug = match.group(1).lower()
        if slug in by_slug and not any(a <= match.start() < b for a, b in addresses):
            yield slug, match.group(0), match.start()


def _link_by_channel(links: LinkSet, source: str, channel: str, on_channel: list[CaseInfo],
                     by_company: dict[str, list[int]], case_companies: dict[str, set[str]], named: set[str]) -> None:
    """Link a video to the cases that link its channel (``by_company``: their positions per company).

    A channel that one case links is that case's channel: every video of it is linked to the case.
    A channel that several cases link links a video to the cases whose companies it names and
    suggests it to the rest of them. On a channel of more than ``FEW_CHANNEL_CASES`` cases (a
    sector's, the platform's own) only a video that nothing places is suggested: at L a channel
    has 100 cases, and 99 suggestions per video would bury the ones worth a look.
    """
    # Only the cases naming a company the video names are looked at, not every case of the channel.
    for position in sorted({position for name in named for position in by_company.get(name, ())}):
        case = on_channel[position]
        links.add(source, f"case:{case.slug}", 0.8,
                  Evidence("case links the channel; video names its company", "title/description",
                           ", ".join(sorted(case_companies[case.slug] & named))))
    evidence = Evidence("case links the channel", "channel", channel)
    if len(on_channel) == 1:
        links.add(source, f"case:{on_channel[0].slug}", CHANNEL_OF_ONE_CASE, evidence)
    elif on_channel:
        placed = set(links.targets(source, "case:"))
        if not placed or len(on_channel) <= FEW_CHANNEL_CASES:
            for case in on_channel:
                if case.slug not in placed:
                    links.add(source, f"case:{case.slug}", CHANNEL_SUGGESTS, evidence)


# -- curated decisions -----------------------------------------------------------------------


def decisions_path(data_dir: Path) -> Path:
    """Where people's link decisions are kept (outside the index, so rebuilds keep them)."""
    return Path(data_dir) / "curation" / "links.json"


def load_decisions(data_dir: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """Every confirmed or rejected link, keyed by (source, target)."""
    path = decisions_path(data_dir)
    if not path.exists():
        return {}
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the link decisions {path}: {exc}") from None
    return {(r["source"], r["target"]): r for r in rows}


def _ref(text: str, kinds: tuple[str, ...]) -> str:
    kind, sep, value = text.partition(":")
    if not sep or kind not in kinds or not value.strip():
        raise InputError(f"{text!r} is not a link end; write {' or '.join(k + ':…' for k in kinds)}")
    return f"{kind}:{value.strip()}"


def _check_known(data_dir: Path, source: str, target: str, decision: str) -> None:
    """Refuse decisions about things the live index does not know (typos would otherwise stick)."""
    from index.engine import current_generation, read_links, read_manifest

    live = current_generation(data_dir)
    if live is None:
        raise InputError(f"no index in {data_dir}: build it first (casearchive index)")
    units = read_manifest(live)["units"]
    if source not in units:
        raise InputError(f"{source} is not in the index (ids look like video:ZhyiA4uoRgn or case:<slug>)")
    kind, _, name = target.partition(":")
    if kind == "case" and target not in units:
        raise InputError(f"{target} is not in the index")
    if kind in ("company", "theme"):
        known = {fold_name(e["name"]) for e in (read_manifest(live, units=False).get("taxonomy") or {}).get(kind, [])}
        known |= {fold_name(l["target"].partition(":")[2]) for l in read_links(data_dir) if l["target"].startswith(kind)}
        if fold_name(name) not in known:
            raise InputError(f"{target} is not a known {kind} (add it to the taxonomy first)")
    if decision == "rejected" and not any(l["source"] == source and l["target"] == target
                                          for l in read_links(data_dir)):
        raise InputError(f"there is no link {source} → {target} to reject (see casearchive links list)")


def decide(data_dir: Path, source: str, target: str, decision: Literal["confirmed", "rejected"],
           note: str | None = None, *, check: bool = True) -> dict[str, Any]:
    """Record a person's decision on a link; it applies from the next index build on."""
    source = _ref(source, ("video", "case"))
    target = _ref(target, ("case", "company", "theme"))
    if check:
        _check_known(data_dir, source, target, decision)
    row = {"source": source, "target": target, "decision": decision, "at": utc_now(), "note": note}
    # Read, change and write under the decisions' lock: curators deciding at once all keep theirs.
    with curation_lock(data_dir):
        decisions = load_decisions(data_dir)
        decisions[(source, target)] = row
        rows = sorted(decisions.values(), key=lambda r: (r["source"], r["target"]))
        atomic_write(decisions_path(data_dir), json.dumps(rows, indent=2, ensure_ascii=False).encode())
    return row
