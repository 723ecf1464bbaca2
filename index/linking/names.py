"""Finding names in texts: which taxonomy entries (companies, themes) a title, description,
transcript or note mentions, as whole words outside web and mail addresses, in time linear in
the text, remembering what it found (``index.linking.mentions``) so an update searches only new
texts and changed names. The link rules (``index.linking.rules``) turn what it finds into links.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterable

from index.linking.mentions import Found, MentionCache, MentionMemo, text_key
from index.text.companies import company_forms
from index.text.taxonomy import Taxonomy, fold_name


# The start of an address among a text's words: a scheme, "www.", a host with a path, a mail
# address, or a path of the site's own ("/praktijk/zorgteam-oost/").
_ADDRESS_WORD = re.compile(r"[a-z][a-z0-9+.-]*://|www\.|[\w-]+(?:\.[\w-]+)+/|[^@\s]+@[\w-]+\.|^[^\w/]?/[\w.-]+/", re.I)
_ADDRESS_REACH = 300  # characters looked at either side of a match for the address it is part of

_WORD = re.compile(r"\w+")
# Up to this many entries, a finder tries each entry's names on a text instead of first listing
# the text's words (the finder of the few entries that changed since the last build).
FEW = 64


def mentions(text: str, names: Iterable[str], folded: str | None = None) -> list[tuple[str, int]]:
    """Whole-word occurrences of any of the names in text: (matched text, offset).

    ``folded`` is ``fold_name(text)`` when the caller already has it (it looks up many names).
    """
    return _mentions(text, fold_name(text) if folded is None else folded, [_keyed(name) for name in names])


_Keyed = tuple[str, str]  # a name and its folded form


def _keyed(name: str) -> _Keyed:
    """A name with its folded form."""
    return name, fold_name(name)


@lru_cache(maxsize=None)
def _whole_word(key: str) -> "re.Pattern[str]":
    """The pattern of a folded name as whole words, compiled when first needed and then kept
    (thousands of names overflow ``re``'s own cache; most are never looked for with it)."""
    return re.compile(r"(?<!\w)" + re.escape(key) + r"(?!\w)")


def _mentions(text: str, folded: str, keyed: list[_Keyed]) -> list[tuple[str, int]]:
    """The first whole-word match of each name in ``folded`` outside addresses: (text as written, offset)."""
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
    left = max(text.rfind(" ", max(0, start - _ADDRESS_REACH), start),
               text.rfind("\n", max(0, start - _ADDRESS_REACH), start))
    right = next((i for i in (text.find(" ", start, start + _ADDRESS_REACH),
                              text.find("\n", start, start + _ADDRESS_REACH))
                  if i >= 0), start + _ADDRESS_REACH)
    word = text[left + 1:right]
    return bool(_ADDRESS_WORD.search(word))


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
        self._bind(memo)

    def _bind(self, memo: MentionMemo | None) -> None:
        """With a memo: the entries searched again in a remembered text (changed since it was
        remembered), and the words a text must hold to mention one of them."""
        changed = memo.bind(self.named) if memo is not None else None
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
        """Search a text for the entries whose names' words it holds (all entries, when they are few)."""
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


def name_finder(taxonomy: Taxonomy, kind: str, mentions: MentionCache | None = None) -> NameFinder:
    """A finder of the taxonomy's names of one kind (``company``, ``theme``), remembering its
    mentions in ``mentions`` when given. A company is also looked for in the other ways its
    names are written (``company_forms``: without legal form, hyphenated, joined, spaced)."""
    forms = company_forms if kind == "company" else list
    return NameFinder({e.name: forms(e.names()) for e in taxonomy.entries(kind)},
                      mentions.memo(kind) if mentions is not None else None)
