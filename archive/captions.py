"""Caption files as cues: WebVTT, SRT and the online provider's JSON, parsed and cleaned (no I/O).

Parsing keeps each cue's raw lines; cleaning then removes what is not speech: inline timing tags
(``<00:05:04.199>``), ``<c>``/``<v>``/``<i>`` spans, ``[Muziek]``-style markers, and the rolling
duplicates of YouTube auto-captions, where every cue repeats the previous cue's line before
adding a new one. Cue times are kept. A correction list (wrong → right) is applied last, at
parse time, so the archive keeps the raw text and every reindex uses the current list.
"""

from __future__ import annotations

import html
import json
import re
import tomllib
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping, NamedTuple, Sequence

from archive.budget import OverBudget, check_size, checkpoint, limits, time_budget
from archive.errors import ConfigError

FORMATS = ("vtt", "srt", "ytt-json")
CONTENT_TYPES = {"vtt": "text/vtt", "srt": "application/x-subrip", "ytt-json": "application/json"}


class CaptionError(ValueError):
    """A caption file that cannot be read as captions (malformed or empty)."""

    def __init__(self, message: str, *, empty: bool = False) -> None:
        super().__init__(message)
        self.empty = empty


class Cue(NamedTuple):
    """One caption cue: start and end in seconds, and its text."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class CaptionFile:
    """A parsed caption file: raw cues (tags and line breaks kept) and what its header says."""

    cues: tuple[Cue, ...]
    header: Mapping[str, str]
    rolling: bool

    @property
    def kind_hint(self) -> str | None:
        """``auto`` when the file looks like YouTube auto-captions, else None."""
        return "auto" if self.rolling else None


# -- timestamps -------------------------------------------------------------------------------

_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s+.*)?$")
_INLINE_TIME = re.compile(r"<(?:\d+:)?\d{2}:\d{2}\.\d{3}>")


# A cue later than this is no cue of a video (YouTube's longest uploads are 12 hours; a week is ample).
MAX_CUE_SECONDS = 7 * 24 * 3600


def _seconds(hours: str | None, minutes: str, seconds: str, millis: str) -> float:
    if hours and len(hours.lstrip("0")) > 3:  # checked before int(): 400 digits do not become a float
        return float("inf")
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis.ljust(3, "0")) / 1000


def _parse_timing(line: str, where: str) -> tuple[float, float]:
    match = _TIMING.match(line)
    if not match:
        raise CaptionError(f"{where}: bad timing line {line.strip()[:60]!r}")
    groups = match.groups()
    start, end = _seconds(*groups[:4]), _seconds(*groups[4:])
    if end < start:
        raise CaptionError(f"{where}: cue ends before it starts ({line.strip()[:60]!r})")
    return start, end


# -- parsing ----------------------------------------------------------------------------------


def _decode(body: bytes, fallback: str | None) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        # SRT files made on Windows are often cp1252; WebVTT must be UTF-8.
        if fallback is None:
            raise CaptionError("not UTF-8 text") from None
        return body.decode(fallback, errors="replace")


def parse_vtt(text: str) -> CaptionFile:
    """Parse WebVTT text (cue settings, NOTE/STYLE/REGION blocks and yt-dlp headers allowed)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or not re.match(r"^WEBVTT(?:[ \t].*)?$", lines[0]):
        raise CaptionError("no WEBVTT signature on the first line")
    header: dict[str, str] = {}
    i = 1
    while i < len(lines) and lines[i].strip() and "-->" not in lines[i]:
        # yt-dlp writes "Kind: captions" and "Language: nl" here (and a Style block: ignored).
        match = re.match(r"^([A-Za-z][\w-]*):\s*(\S.*)$", lines[i])
        if match:
            header[match[1]] = match[2].strip()
        i += 1
    cues: list[Cue] = []
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif "-->" in line:
            checkpoint(f"line {i + 1}")
            start, end = _parse_timing(line, f"line {i + 1}")
            i += 1
            body: list[str] = []
            # Per the WebVTT parser, a line with "-->" ends the cue text even without a blank line
            # (youtube-dl wrote such files).
            while i < len(lines) and "-->" not in lines[i] and (lines[i].strip() or (not body and lines[i])):
                # yt-dlp's auto-captions open a cue with a line of one space: still cue text.
                body.append(lines[i])
                i += 1
            cues.append(Cue(start, end, "\n".join(body)))
        elif line.startswith("NOTE") or (not cues and line.startswith(("STYLE", "REGION"))):
            while i < len(lines) and lines[i].strip():
                i += 1
        else:
            i += 1  # a cue identifier
    return _finish(cues, header)


def parse_srt(text: str) -> CaptionFile:
    """Parse SubRip text: numbered blocks of a timing line and text lines."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    cues: list[Cue] = []
    for n, block in enumerate(b for b in blocks if b.strip()):
        checkpoint(f"block {n + 1}")
        lines = block.split("\n")
        if lines and lines[0].strip().isdigit() and len(lines) > 1:
            lines = lines[1:]
        if "-->" not in lines[0]:
            raise CaptionError(f"block {n + 1}: no timing line")
        start, end = _parse_timing(lines[0], f"block {n + 1}")
        cues.append(Cue(start, end, "\n".join(lines[1:])))
    return _finish(cues, {})


def parse_snippets_json(text: str) -> CaptionFile:
    """Parse the online provider's archived JSON (``snippets`` of text, start and duration)."""
    try:
        data = json.loads(text)
        cues = [Cue(float(s["start"]), float(s["start"]) + float(s.get("duration", 0.0)), str(s["text"]))
                for s in data["snippets"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise CaptionError(f"not a transcript JSON: {exc}") from None
    return _finish(cues, {"Kind": "asr" if data.get("is_generated") else "captions"})


def _finish(cues: list[Cue], header: Mapping[str, str]) -> CaptionFile:
    for cue in cues:
        if not (0 <= cue.start <= MAX_CUE_SECONDS and 0 <= cue.end <= MAX_CUE_SECONDS):  # nan fails too
            raise CaptionError(f"a cue's time is out of range (0 to {MAX_CUE_SECONDS // 3600} hours): "
                               f"{str(cue.start)[:20]} --> {str(cue.end)[:20]}")
    if not cues:
        raise CaptionError("no cues", empty=True)
    if not any(_clean_line(line) for cue in cues for line in cue.text.split("\n")):
        raise CaptionError("no text in any cue", empty=True)
    return CaptionFile(tuple(cues), dict(header), is_rolling(cues))


def parse_captions(body: bytes, fmt: str) -> CaptionFile:
    """Parse raw caption bytes in one of ``FORMATS``; raises CaptionError when malformed, empty or
    over its size or time budget (``archive.budget``)."""
    if not body.strip():
        raise CaptionError("empty file", empty=True)
    with _budget():
        check_size(len(body), limits().caption_bytes, "the file in bytes", "caption_bytes")
        return _parse_format(body, fmt)


@contextmanager
def _budget() -> Iterator[None]:
    """The time budget of reading one caption file; over it (or its size budget), a CaptionError."""
    try:
        with time_budget("reading the captions"):
            yield
    except OverBudget as exc:
        raise CaptionError(f"over budget: {exc}") from None


def _parse_format(body: bytes, fmt: str) -> CaptionFile:
    """Parse caption bytes of one format (not empty)."""
    if fmt == "vtt":
        return parse_vtt(_decode(body, None))
    if fmt == "srt":
        return parse_srt(_decode(body, "cp1252"))
    if fmt == "ytt-json":
        return parse_snippets_json(_decode(body, None))
    raise CaptionError(f"unknown caption format {fmt!r}")


# -- cleaning ---------------------------------------------------------------------------------

# A tag holds no "<": read from every "<" of a line of them, "<[^>]*>" was quadratic in its length.
_TAG = re.compile(r"<[^<>]*>")
# Sound and music markers of YouTube and subtitlers: [Muziek], [Applaus], (gelach), ♪ … ♪.
_MARKER = re.compile(r"\[[^\]]{0,40}\]|\((?:muziek|music|applaus|applause|gelach|laughter|stilte)\)|[♪♫]",
                     re.IGNORECASE)
_SPEAKER_CHANGE = re.compile(r"^\s*(?:>>|&gt;&gt;)\s*")


_NEEDS_CLEANING = re.compile(r"[<>&\[(]")  # what the cleaning below can act on in plain ASCII


def _clean_line(line: str) -> str:
    if line.isascii() and not _NEEDS_CLEANING.search(line):  # the common case: plain speech
        return " ".join(line.split())
    line = _SPEAKER_CHANGE.sub("", line)
    line = _TAG.sub("", line)
    line = html.unescape(line)
    line = _MARKER.sub(" ", unicodedata.normalize("NFKC", line))
    return " ".join(line.split())


def is_rolling(cues: Sequence[Cue]) -> bool:
    """Whether cues look like YouTube auto-captions: word timing tags or lines repeated cue to cue."""
    if any(_INLINE_TIME.search(cue.text) for cue in cues):
        return True
    if len(cues) < 4:
        return False
    repeats = 0
    for prev, cue in zip(cues, cues[1:]):
        prev_lines = [x for x in map(_clean_line, prev.text.split("\n")) if x]
        lines = [x for x in map(_clean_line, cue.text.split("\n")) if x]
        repeats += bool(prev_lines and lines and lines[0] == prev_lines[-1])
    return repeats >= 0.5 * (len(cues) - 1)


def _drop_rolling(cues: Sequence[Cue]) -> list[Cue]:
    """Keep only the new lines of each cue: the ones the previous cues did not already show."""
    out: list[Cue] = []
    shown: list[str] = []
    for n, cue in enumerate(cues):
        if not n % 1000:
            checkpoint(f"cue {n + 1}")
        lines = [x for x in map(_clean_line, cue.text.split("\n")) if x]
        # The longest run of this cue's first lines that repeats the last lines shown.
        overlap = next((k for k in range(min(len(lines), len(shown)), 0, -1) if shown[-k:] == lines[:k]), 0)
        new = lines[overlap:]
        if not new:
            continue
        if out and new[0].startswith(shown[-1] + " ") and overlap == 0:
            # A line that grows word by word replaces its shorter self (start time kept).
            prev = out.pop()
            shown.pop()
            out.append(Cue(prev.start, cue.end, new[0]))
            shown.append(new[0])
            new = new[1:]
            if not new:
                continue
        out.append(Cue(cue.start, cue.end, " ".join(new)))
        shown.extend(new)
    return out


def clean_cues(caption: CaptionFile) -> list[Cue]:
    """Speech only: tags and markers removed, NFKC, rolling duplicates dropped; times kept."""
    if caption.rolling:
        return _drop_rolling(caption.cues)
    out = []
    for n, cue in enumerate(caption.cues):
        if not n % 1000:
            checkpoint(f"cue {n + 1}")
        text = " ".join(x for x in map(_clean_line, cue.text.split("\n")) if x)
        if text:
            out.append(Cue(cue.start, cue.end, text))
    return out


# -- corrections ------------------------------------------------------------------------------

Corrections = Mapping[str, str]


def load_corrections(path: str | Path | None) -> dict[str, str]:
    """Read a correction list: a TOML file of ``"wrong" = "right"`` pairs (None gives an empty one)."""
    if path is None:
        return {}
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the correction list {path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    bad = [k for k, v in raw.items() if not isinstance(v, str)]
    if bad:
        raise ConfigError(f"{path}: {bad[0]!r} must map to a string (\"wrong\" = \"right\")")
    return dict(raw)


def _correction_pattern(corrections: Corrections) -> re.Pattern[str] | None:
    if not corrections:
        return None
    # Longest first, so "alpha laval" wins over a shorter entry inside it; whole words only.
    words = sorted(corrections, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


def apply_corrections(cues: Sequence[Cue], corrections: Corrections | None) -> list[Cue]:
    """Replace wrong spellings (case-insensitive, whole words) in each cue's text."""
    pattern = _correction_pattern(corrections or {})
    if pattern is None:
        return list(cues)
    lookup = {k.lower(): v for k, v in (corrections or {}).items()}
    return [Cue(c.start, c.end, pattern.sub(lambda m: lookup[m.group(0).lower()], c.text)) for c in cues]


def read_cues(body: bytes, fmt: str, corrections: Corrections | None = None) -> list[Cue]:
    """Raw caption bytes to clean, corrected cues (raises CaptionError, also over budget)."""
    with _budget():
        return apply_corrections(clean_cues(parse_captions(body, fmt)), corrections)
