"""Fuzzing the parsers for time, not only for crashes: long repetitions of short units (a run of
capitalised words, one very long word, hyphens at line ends, repeated separators) after a prefix
that reaches a pattern's deeper paths. Each parser must answer every example within a deadline
that a quadratic pattern misses by far on these sizes (the ``@example``s took seconds before) and
a linear one meets with a wide margin.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from archive.captions import CaptionError, read_cues
from archive.case_parser import Case, parse_case
from archive.notes import clean_text, parse_note
from archive.organisations import find_organisations
from index.text.analysis import lexicon, split_compound

TIMED = settings(max_examples=40, deadline=timedelta(seconds=2), suppress_health_check=[HealthCheck.too_slow])
# Characters the patterns treat specially: word characters in both cases, digits, spaces and line
# ends, the joiners of names and words, brackets, quotes, address characters.
UNIT_CHARS = "aA1 \n\t.-+'’‘&@/:()<>[]\"=#?,;_é\u00ad\u2010"
UNITS = st.text(alphabet=UNIT_CHARS, min_size=1, max_size=4)
PREFIXES = st.sampled_from(["", "bij ", "begeleid door ", "https://", "www.", "Thema's: ", "taak-\n", "(", "‘",
                            "Neways B.V. ", "geschreven door "])
# Lower-case words after a run keep its line from reading as a title-case heading (those are not read).
SUFFIXES = st.sampled_from(["", " en" * 2_000, ". Daarna ging het verder.", "-\nroulatie"])


def hostile(prefix: str, unit: str, count: int, suffix: str) -> str:
    """``unit`` repeated up to about 10,000 characters, between a prefix and a suffix."""
    return prefix + unit * (count // len(unit)) + suffix


HOSTILE = st.builds(hostile, PREFIXES, UNITS, st.integers(1_000, 10_000), SUFFIXES)


@TIMED
@given(HOSTILE)
@example(hostile("", "a", 8_000, ""))  # one long word: the hyphen-joining pattern was quadratic
@example(hostile("", "werk-\ndruk ", 20_000, "z" * 6_000))
def test_note_text_is_cleaned_within_the_deadline(text: str) -> None:
    cleaned = clean_text(text)
    assert len(cleaned) <= len(text)
    note = parse_note(text.encode(), "https://example.org/bijlage.txt", "text/plain")
    assert note.status in ("ok", "failed") and (note.status == "ok" or note.reason)


@TIMED
@given(HOSTILE)
@example(hostile("", "A+", 10_000, " en" * 2_000))  # a run of token characters: the capitalised-run pattern
@example(hostile("", "Aa.", 10_000, " en" * 2_000))
@example(hostile("bij ", "Aa Bb ", 10_000, "."))
def test_the_company_finder_answers_within_the_deadline(text: str) -> None:
    companies, organisations = find_organisations([text])
    assert all(name and name in text.replace("\n", " ") or " " in name for name in companies + organisations)


@TIMED
@given(HOSTILE)
@example(hostile("", "A+", 8_000, " werd ingevoerd bij Neways Electronics."))
def test_the_case_page_parser_answers_within_the_deadline(text: str) -> None:
    html = f"<html><body><h1>Titel</h1><p>2013 – {text}</p></body></html>"
    case = parse_case(html.encode(), "https://example.org/kennis/titel/")
    assert isinstance(case, Case) and case.title == "Titel"


@TIMED
@given(HOSTILE)
@example(hostile("", "<", 25_000, " bij de film"))  # a line of "<": the tag pattern was quadratic
def test_the_caption_parser_answers_within_the_deadline(text: str) -> None:
    body = f"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nWelkom {text}\n".encode()
    try:
        cues = read_cues(body, "vtt")
    except CaptionError as exc:
        assert str(exc)
    else:
        assert all(cue.start == 1.0 for cue in cues)


@TIMED
@given(st.builds(lambda unit, count: unit * count, st.text(alphabet="abdeiklnorstuw-", min_size=1, max_size=9),
                 st.integers(100, 3_000)))
@example("werkdruk" * 3_000)  # a very long word: every cut was tried
def test_the_compound_splitter_answers_within_the_deadline(word: str) -> None:
    lexicon()
    parts = split_compound(word)
    assert all(part and part in word for part in parts)
