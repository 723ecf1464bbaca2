"""Remembered name mentions, so an index update searches only new texts and changed names.

Linking looks for every company and theme name in every title, description, transcript, note
page and passage: at the benchmark's L scale that is most of the time an update spends
linking, though 99% of the texts and nearly all names are as they were. ``<data>/cache/
mentions.pickle`` keeps, per kind of name, what was found in each text (by a hash of the text)
and the names each entry had when it was searched. The next build reuses a text's mentions of
every entry whose names are unchanged, looks for changed or new entries in that text only
(a substring test first), and searches new texts in full. Entries that are gone drop out.

Like the parse cache it is derived data: deleting it (or ``index --rebuild``) only makes the
next build search everything again; a file that does not load is ignored and replaced.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from pathlib import Path
from typing import Any

from archive.store import atomic_write

log = logging.getLogger(__name__)

# Bump when what counts as a mention changes (``index.linking.names``): every remembered one is dropped.
MENTIONS_VERSION = 3

Found = list[tuple[str, list[tuple[str, int]]]]  # (entry, [(matched text, offset)…]) in entry order


def mentions_path(data_dir: str | Path) -> Path:
    """Where a data directory's remembered mentions live (beside the parse cache)."""
    return Path(data_dir) / "cache" / "mentions.pickle"


def text_key(text: str) -> bytes:
    """A text's key in the memo: a 16-byte hash of the text."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class MentionMemo:
    """What was found in each text for one kind of name, and what is found in this build."""

    def __init__(self, names: dict[str, tuple[str, ...]] | None = None,
                 found: dict[bytes, Found] | None = None) -> None:
        self.names = names or {}  # entry → its names, when ``found`` was searched
        self.found = found or {}
        self.now: dict[str, tuple[str, ...]] = {}
        self.bound = False  # whether a finder has given the names of this build
        self.seen: dict[bytes, Found] = {}
        self.reused = 0
        self.searched = 0

    def bind(self, named: dict[str, list[str]]) -> dict[str, list[str]] | None:
        """The entries (with their names) whose remembered mentions do not stand (new or renamed);
        None when a finder of this build already bound the memo to other names (what it finds
        is kept under those names, so this finder must search without the memo)."""
        now = {entry: tuple(names) for entry, names in named.items()}
        if self.bound and now != self.now:
            return None
        self.now, self.bound = now, True
        return {entry: names for entry, names in named.items() if self.names.get(entry) != now[entry]}


class MentionCache:
    """The memos of one build (``company``, ``theme``), loaded from and saved to one file."""

    def __init__(self, path: Path, *, refresh: bool = False) -> None:
        self.path = path
        self._memos: dict[str, MentionMemo] = {}
        self._loaded: dict[str, Any] = {} if refresh else self._load()

    def _load(self) -> dict[str, Any]:
        """The remembered memos, or none when the file is missing, unreadable or of another version."""
        if not self.path.exists():
            return {}
        try:
            with self.path.open("rb") as handle:
                data = pickle.load(handle)
            if data.get("version") != MENTIONS_VERSION:
                return {}
            kinds = dict(data["kinds"])
            for names, found in kinds.values():  # the layout ``save`` writes, or nothing
                if not isinstance(names, dict) or not isinstance(found, dict):
                    raise ValueError("not the layout of a mentions file")
            return kinds
        except Exception as exc:  # whatever a damaged file raises: search everything again
            log.warning("[cache] the remembered mentions %s do not load (%s); searching every text", self.path, exc)
            return {}

    def memo(self, kind: str) -> MentionMemo:
        """The memo of one kind of name (made once per build, shared by every finder of that kind)."""
        if kind not in self._memos:
            names, found = self._loaded.pop(kind, ({}, {}))
            self._memos[kind] = MentionMemo(names, found)
        return self._memos[kind]

    def save(self) -> None:
        """Keep what this build found (only the texts it saw), for the next one."""
        kinds = {kind: (memo.now, memo.seen) for kind, memo in self._memos.items()}
        try:
            atomic_write(self.path, pickle.dumps({"version": MENTIONS_VERSION, "kinds": kinds},
                                                 protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as exc:
            log.warning("[cache] cannot keep the mentions in %s (%s); the next build searches every text",
                        self.path, exc)

    def summary(self) -> dict[str, tuple[int, int]]:
        """Per kind: texts whose mentions were reused, texts searched in full."""
        return {kind: (memo.reused, memo.searched) for kind, memo in self._memos.items()}
