"""Transcript passages: clean cues grouped into searchable stretches of about 30–60 seconds.

A passage ends on a sentence boundary where the captions have punctuation (auto-captions have
none: then on a pause, or at about a minute), never runs past ``HARD_MAX`` seconds unless one cue
alone does, and never cuts a cue. Because a passage's text joins its cues, a phrase said across
two cues is one phrase in the passage. Each passage keeps its cues, so a search can give the
moment within the passage where the matched words are said (``index.engine.search.cue_start``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from archive.captions import Cue

MIN_SECONDS = 30.0
MAX_SECONDS = 60.0
HARD_MAX = 75.0
PAUSE = 1.5  # seconds of silence between cues that make a good cut in unpunctuated captions
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


@dataclass(frozen=True)
class Passage:
    """A stretch of a transcript: start and end in seconds, its text, and the cues it joins."""

    start: float
    end: float
    text: str
    cues: tuple[Cue, ...]

    @property
    def duration(self) -> float:
        """Seconds from the first cue's start to the last cue's end."""
        return self.end - self.start


def ends_sentence(text: str) -> bool:
    """Whether a cue's text ends a sentence."""
    return bool(_SENTENCE_END.search(text.strip()))


def _passage(cues: Sequence[Cue]) -> Passage:
    return Passage(cues[0].start, max(c.end for c in cues), " ".join(c.text for c in cues), tuple(cues))


def _cut_index(current: Sequence[Cue]) -> int:
    """Where to cut a passage that must end now: after its last sentence end past half the minimum."""
    for i in range(len(current) - 1, 0, -1):
        if ends_sentence(current[i - 1].text) and current[i - 1].end - current[0].start >= MIN_SECONDS / 2:
            return i
    return len(current)


def build_passages(cues: Sequence[Cue]) -> list[Passage]:
    """Group cues (in time order) into passages of about 30–60 s ending on sentence boundaries."""
    cues = sorted((c for c in cues if c.text.strip()), key=lambda c: c.start)
    punctuated = any(ends_sentence(c.text) for c in cues)
    groups: list[list[Cue]] = []
    current: list[Cue] = []
    for i, cue in enumerate(cues):
        while current and cue.end - current[0].start > HARD_MAX:
            cut = _cut_index(current)
            groups.append(current[:cut])
            current = current[cut:]
        current.append(cue)
        span = cue.end - current[0].start
        if span < MIN_SECONDS:
            continue
        following = cues[i + 1] if i + 1 < len(cues) else None
        pause = following is not None and following.start - cue.end >= PAUSE
        if ends_sentence(cue.text) or (not punctuated and (pause or span >= MAX_SECONDS)):
            groups.append(current)
            current = []
    if current:
        # A short tail joins the passage before it when that stays within the hard limit.
        if groups and current[-1].end - current[0].start < MIN_SECONDS / 3 \
                and current[-1].end - groups[-1][0].start <= HARD_MAX:
            groups[-1].extend(current)
        else:
            groups.append(current)
    return [_passage(g) for g in groups]
