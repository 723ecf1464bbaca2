"""Hostile text takes linear time: long runs of capitalised words, one very long word, many
hyphens at line ends, repeated separators. Each input here took seconds with the patterns it
is named after (they were quadratic); each must now give its right result in well under that.

Sizes are chosen so the old code took 2 to 10 s; the deadline is generous (the new code takes
milliseconds), so a loaded machine does not fail them.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from archive.captions import read_cues
from archive.case_parser import parse_case
from archive.notes import clean_text, parse_note
from archive.organisations import find_organisations
from index.text.analysis import lexicon, split_compound

DEADLINE = 2.0  # seconds; the fixed parsers take milliseconds on these inputs


def within(seconds: float, parse: Callable[..., Any], *args: Any) -> Any:
    """``parse(*args)``, failing the test when it took longer than ``seconds``."""
    started = time.perf_counter()
    result = parse(*args)
    took = time.perf_counter() - started
    assert took < seconds, f"{parse.__name__} took {took:.1f} s on {sum(len(str(a)) for a in args)} characters"
    return result


def test_one_very_long_word_in_a_note_is_cleaned_in_linear_time() -> None:
    # notes._HYPHENATED tried "(\w+)-\n" from every letter of a word (8 KB: about 4 s).
    text = "a" * 8_000 + " taak-\nroulatie"
    assert within(DEADLINE, clean_text, text) == "a" * 8_000 + " taakroulatie"


def test_a_one_word_text_attachment_is_read_in_linear_time() -> None:
    note = within(DEADLINE, parse_note, b"x" * 7_000, "https://example.org/lang.txt", "text/plain")
    assert note.status == "ok" and note.text == "x" * 7_000


def test_many_hyphens_at_line_ends_are_joined_in_linear_time() -> None:
    text = "werk-\ndruk " * 2_000 + "z" * 6_000
    cleaned = within(DEADLINE, clean_text, text)
    assert cleaned.startswith("werkdruk werkdruk") and cleaned.count("werkdruk") == 2_000


def test_a_run_of_joined_capitalised_tokens_is_read_in_linear_time() -> None:
    # organisations._MULTI started a name inside a run of token characters ("A+A+…", "Aa.Aa.…"),
    # each start reading the rest of the run again (10 KB: about 3 s each). The lower-case words
    # after it keep the line from reading as a title-case heading (those are not scanned).
    for unit in ("A+", "Aa."):
        text = unit * (10_000 // len(unit)) + " en" * 8_000
        assert within(DEADLINE, find_organisations, [text]) == ([], [])


def test_long_runs_of_capitalised_words_still_give_the_names_around_them() -> None:
    words = " ".join(["Aa", "Bb", "Cc", "Dd"] * 4_000)
    text = f"Het project liep bij Neways Electronics. {words}. Daarna begeleid door Berenschot."
    companies, organisations = within(DEADLINE, find_organisations, [text])
    assert "Neways Electronics" in companies and organisations == ["Berenschot"]


def test_a_case_page_of_joined_capitalised_tokens_is_parsed_in_linear_time() -> None:
    body = "A+" * 4_000 + " werd ingevoerd bij Neways Electronics."
    html = f"<html><body><h1>Taakroulatie</h1><p>2013 – {body}</p></body></html>"
    case = within(DEADLINE, parse_case, html.encode(), "https://example.org/kennis/taakroulatie/")
    assert case.title == "Taakroulatie" and case.year == 2013 and "Neways Electronics" in case.companies


def test_a_caption_line_of_open_brackets_is_cleaned_in_linear_time() -> None:
    # captions._TAG read "<[^>]*>" from every "<" of the line (25,000: about 4 s).
    body = ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<i>Welkom</i> " + "<" * 25_000 + " bij de film\n").encode()
    [cue] = within(DEADLINE, read_cues, body, "vtt")
    assert cue.text.startswith("Welkom <<<") and cue.text.endswith("< bij de film")


def test_a_very_long_word_is_not_split_into_compound_parts() -> None:
    lexicon()  # loaded once, outside the deadline
    # _best tried every cut of the word, each cut slicing it (16,000 letters: about 3 s).
    assert within(DEADLINE, split_compound, "werkdruk" * 2_000) == []
    assert split_compound("werkdrukvermindering") == ["werkdruk", "werk", "druk", "vermindering"]


def test_repeated_separators_in_a_long_hyphenated_word_are_split_in_linear_time() -> None:
    lexicon()
    assert within(DEADLINE, split_compound, "werkdruk-" * 5_000) == ["werkdruk", "werk", "druk"]


def test_a_year_element_with_a_long_run_of_spaces_is_read_in_linear_time() -> None:
    # The year element's pattern "\s*[–—-]?\s*" tried every split of the spaces (12,000: about 5 s).
    html = f"<html><body><h1>Titel</h1><time>2013{' ' * 12_000}x</time><span class=jaar>2014 – </span></body></html>"
    case = within(DEADLINE, parse_case, html.encode(), "https://example.org/kennis/titel/")
    assert case.year == 2014


def test_a_long_run_of_spaces_after_a_known_name_is_read_in_linear_time() -> None:
    # GROUP_AFTER's joint "[^\S\n]*[,\-]?[^\S\n]+" tried every split of the spaces (4,000: about 7 s).
    text = "Het project bij Alfa Laval" + " " * 4_000 + "liep een jaar, met Alfa Laval Holding B.V. als trekker."
    assert within(DEADLINE, find_organisations, [text], ["Alfa Laval"]) == (["Alfa Laval"], [])


def test_a_name_of_one_long_run_of_hyphens_is_read_in_linear_time() -> None:
    # company_names._SUFFIX read the rest of a run of separators from each of them (4,000: about 3 s).
    text = "Het werk bij A" + "-" * 4_000 + "b liep goed, ook bij Veenstra Metaal B.V. in Ede."
    companies, _ = within(DEADLINE, find_organisations, [text])
    assert "Veenstra Metaal" in companies
