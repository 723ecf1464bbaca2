"""Kept passages: an index update does not read, remake or rewrite an unchanged transcript.

Transcript passages are nine in ten of the units. Each generation keeps, in ``reuse.pickle``
beside its manifest, a record per transcript of what its passage units were made from:

- ``origin``: the transcript's origin (a hash of the raw captions, the correction list and the
  parser: ``Transcript.origin``) and its kind;
- ``context``: a hash of what the passages take from their video (title, cases, companies,
  themes, sectors, year, date, active, thumbnail) and of the companies a person rejected for it;
- ``key``: the ``text_key`` of the whole transcript text, which linking looks names up in, and
  the keys of the passages' texts;
- ``said``: a hash of the companies named in the whole text, each with all its names then;
- ``count``: how many passages it has.

The next build keeps a transcript's passage units as they are (their fingerprints from the live
manifest, their units in the live segments; nothing is parsed, made or written) when its origin,
kind and context are the same and linking finds in its whole text the same companies, each with
the same names (``said``). A passage is a part of that text and mentions only what the text
mentions; a company it mentioned is still named in the text with the same names, so still in
the passage, and a company it mentions now was named the same way then: every passage mentions
what it did. (The record says it, not the remembered mentions of ``index.linking.mentions``, which a
failed build may have left a build ahead of or behind the live generation.) Else the transcript
is read and its passages made again, and the fingerprints decide which of them are written.

The records are only valid with the code that wrote them: they carry ``REUSE_VERSION``, the
schema version and a hash of the modules that make units and links, and a build ignores records
with another. Like the caches, the file is derived: without it a build reads every transcript.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

from index.engine import REUSE_FILE
from index.engine import SCHEMA_VERSION

log = logging.getLogger(__name__)

# Bump when what a record holds, or what it must match, changes.
REUSE_VERSION = 3  # 3: the context holds the companies rejected for the video
# The modules whose code decides what a passage unit holds: any edit of them drops the records.
# Everything that makes a passage unit: the linking room, the word and name analysis, the unit schema.
_CODE = ("linking/*.py", "text/*.py", "engine/schema.py")


class TranscriptRecord(NamedTuple):
    """What one transcript's passage units were made from (see the module's docstring)."""

    origin: str
    kind: str
    context: bytes
    count: int
    key: bytes  # text_key of the whole text
    empty: bool  # whether the whole text is empty
    passage_keys: bytes  # the text_key of each passage, 16 bytes each
    said: bytes  # the companies the whole text names, with their names (``said``)


Ident = tuple[str, str]  # (video id, language)


@dataclass
class Reuse:
    """The records of the live generation (``previous``); what a build kept and the records it writes."""

    previous: dict[Ident, TranscriptRecord] = field(default_factory=dict)
    generation: Path | None = None  # the generation ``previous`` belongs to
    kept: list[str] = field(default_factory=list)  # ids of passage units kept as they are
    kept_transcripts: int = 0
    records: dict[Ident, TranscriptRecord] = field(default_factory=dict)

    def lazy(self) -> set[str]:
        """The origins of the recorded transcripts: these need not be read unless a build must."""
        return {record.origin for record in self.previous.values()}

    def dump(self) -> bytes:
        """The records of the new generation, as ``reuse.pickle`` holds them."""
        return pickle.dumps({"version": REUSE_VERSION, "schema": SCHEMA_VERSION, "code": code_digest(),
                             "transcripts": self.records}, protocol=pickle.HIGHEST_PROTOCOL)


def code_digest() -> str:
    """A hash of the code that makes passage units (a changed module makes every record stale)."""
    index_root = Path(__file__).parent.parent
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(p for pattern in _CODE for p in index_root.glob(pattern)):
        digest.update(path.relative_to(index_root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def passage_context(video: Any, rejected: Iterable[str] = ()) -> bytes:
    """A hash of what a transcript's passages take from their video unit (``None``: no video) and
    of the companies rejected for it (which its passages leave out, though they name them)."""
    if video is None:
        values: tuple[Any, ...] = ()
    else:
        values = (video.title, video.case_ids, video.companies, video.themes, video.sectors, video.year,
                  video.date, video.active, video.extra.get("thumbnail"), sorted(rejected))
    return hashlib.blake2b(repr(values).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def said(found: Iterable[tuple[str, Any]], names: Mapping[str, Sequence[str]]) -> bytes:
    """A hash of the entries a finder found in a text (``Found``), each with all its names."""
    named = sorted((entry, tuple(names[entry])) for entry, _hits in found)
    return hashlib.blake2b(repr(named).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def read_reuse(generation: Path | None) -> Reuse:
    """The records of a generation; none (every transcript is read) when missing, stale or unreadable."""
    if generation is None:
        return Reuse()
    path = generation / REUSE_FILE
    if not path.exists():
        return Reuse()
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)
        if (data.get("version"), data.get("schema"), data.get("code")) != (REUSE_VERSION, SCHEMA_VERSION,
                                                                         code_digest()):
            log.info("[index] the kept-passage records are of other code; every transcript is read")
            return Reuse()
        records = {ident: TranscriptRecord(*record) for ident, record in data["transcripts"].items()}
    except Exception as exc:  # whatever a damaged file raises: read every transcript
        log.warning("[index] the kept-passage records in %s do not load (%s); every transcript is read", path, exc)
        return Reuse()
    return Reuse(previous=records, generation=generation)
