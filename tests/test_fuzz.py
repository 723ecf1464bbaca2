"""Fuzzing the parsers that read input from outside: queries, case pages, caption files.

Each must give a result or its own clear error for any input, never another exception. The
example counts are bounded so the suite stays fast.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.captions import CaptionError, parse_captions, read_cues
from archive.case_parser import Case, parse_case
from archive.sample_server import sample_platform_dir
from index.services.demo import sample_root
from index.engine.query import ParsedQuery, QueryError, parse_query
from index.engine.schema import build_schema
from index.text.taxonomy import Taxonomy

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SCHEMA = build_schema()
TAXONOMY = Taxonomy()

# Pieces of the query language, so that examples reach the parser's deeper paths.
TOKENS = st.sampled_from([
    "taakroulatie", "ergonomie", '"', '"minder last"', "(", ")", "OR", "AND", "NOT", "-", "+", "*", "~", "~2",
    "ta*", "a*", "?", "company:", "company:Neways", 'company:"Alfa Laval"', "theme:", "year:", "year:2013",
    "year:2012..2014", "year:..", "year:20x3", "kind:video", "kind:", "lang:nl", "caption:auto", "sector:",
    "case:", "title:", "content:", "foo:bar", ":", "^", "[", "]", "{", "}", "\\", "ideeën", "coöperatie",
    "\u0000", "\u202e", "🙂", " ", "  ",
])


@FUZZ
@given(st.one_of(st.text(max_size=300), st.lists(TOKENS, max_size=12).map("".join),
                 st.lists(TOKENS, max_size=12).map(" ".join)))
def test_any_query_gives_a_query_or_a_query_error(text: str) -> None:
    try:
        parsed = parse_query(text, SCHEMA, TAXONOMY)
    except QueryError as exc:
        assert str(exc) and "Traceback" not in str(exc)
    else:
        assert isinstance(parsed, ParsedQuery) and parsed.query is not None


SAMPLE_PAGES = sorted(p for p in sample_platform_dir().rglob("index.html") if "/page/" not in p.as_posix())


def _mutate(data: bytes, cuts: list[tuple[int, int, bytes]]) -> bytes:
    """Apply cuts (position, length to drop, bytes to insert) at relative positions of ``data``."""
    for where, drop, insert in cuts:
        at = where % (len(data) + 1)
        data = data[:at] + insert + data[at + drop:]
    return data


JUNK = st.sampled_from([b"", b"<", b">", b"</div>", b"<div>", b"<p>", b"</article>", b"<script>", b"<!--",
                        b"Thema\xe2\x80\x99s:", b"Sector:", b"Bron:", b"<a href='https://youtu.be/'>",
                        b"<a href=\"javascript:alert(1)\">x</a>", b"\xff\xfe", b"\x00", b"&#0;", b"&bogus;",
                        b"<iframe src='//www.youtube.com/embed/'>", b"2013 \xe2\x80\x93 ", b"<h2>",
                        b"<base href='::'>"])


@FUZZ
@given(st.sampled_from(SAMPLE_PAGES),
       st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 4000), JUNK), max_size=8))
def test_mutated_case_pages_still_parse(page: Path, cuts: list[tuple[int, int, bytes]]) -> None:
    case = parse_case(_mutate(page.read_bytes(), cuts), "https://kennisbank.example/kennis/een-case/")
    assert isinstance(case, Case) and case.id == "een-case"


@FUZZ
@given(st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(lambda t: t.encode("utf-8", "replace"))))
def test_arbitrary_bytes_parse_as_a_case_page(data: bytes) -> None:
    assert isinstance(parse_case(data, "https://kennisbank.example/kennis/x/"), Case)


CAPTIONS = sorted((sample_root() / "captions").glob("*.*t"))


@FUZZ
@given(st.sampled_from(CAPTIONS),
       st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 200),
                          st.sampled_from([b"", b"\n", b"\n\n", b"-->", b"00:00:01.000 --> 00:00:00.500", b"WEBVTT",
                                           b"99:99:99,999", b"<c>", b"</c>", b"<00:00:01.234>", b"NOTE",
                                           b"\xff", b"1\n", b"[Muziek]", b"\r\n"])), max_size=8))
def test_mutated_caption_files_give_cues_or_a_caption_error(path: Path, cuts: list[tuple[int, int, bytes]]) -> None:
    fmt = path.suffix.lstrip(".")
    try:
        cues = read_cues(_mutate(path.read_bytes(), cuts), fmt)
    except CaptionError as exc:
        assert str(exc)
    else:
        assert isinstance(cues, list) and all(isinstance(cue.text, str) for cue in cues)


@FUZZ
@given(st.binary(max_size=1500), st.sampled_from(["vtt", "srt", "ytt-json"]))
def test_arbitrary_caption_bytes_give_a_caption_file_or_a_caption_error(data: bytes, fmt: str) -> None:
    try:
        parse_captions(data, fmt)
    except CaptionError:
        pass


@pytest.mark.parametrize("path", CAPTIONS, ids=lambda p: p.name)
def test_the_sample_captions_parse(path: Path) -> None:
    assert read_cues(path.read_bytes(), path.suffix.lstrip("."))
