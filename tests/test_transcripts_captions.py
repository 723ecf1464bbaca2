"""Caption parsing, cleaning, corrections and passages: pure functions on real-shaped files."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.captions import (
    CaptionError, Cue, apply_corrections, clean_cues, load_corrections, parse_captions, read_cues,
)
from archive.errors import ConfigError
from archive.passages import HARD_MAX, MIN_SECONDS, build_passages
from index.engine.query import QueryError, parse_query
from index.engine.schema import build_schema
from index.engine.hits import cue_start
from index.text.taxonomy import Taxonomy
from index.services.demo import sample_root

FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"
SAMPLE = sample_root() / "captions"

MANUAL_VTT = """WEBVTT
Kind: captions
Language: nl

NOTE Ondertiteling door de afdeling communicatie.

STYLE
::cue(v[voice="Henk"]) { color: yellow; }

1
00:00:00.000 --> 00:00:04.500 align:start position:0%
[Muziek]

2
00:00:04.500 --> 00:00:09.000 align:start position:0% line:90%
<v Henk>Ik ben Henk, lasser bij Alfa Laval.

3
00:00:09.000 --> 00:00:13.250 align:start position:0%
<v Henk>Eerlijk gezegd: door de <i>taakroulatie</i> heb ik

4
00:00:13.250 --> 00:00:17.800 align:start position:0%
minder last van mijn rug &amp; mijn schouders.
"""

ROLLING_VTT = """WEBVTT
Kind: captions
Language: nl

00:00:00.000 --> 00:00:03.990 align:start position:0%
 
ik<00:00:00.500><c> werk</c><00:00:01.000><c> bij</c><00:00:01.500><c> alpha</c><00:00:02.000><c> laval</c>

00:00:03.990 --> 00:00:04.000 align:start position:0%
ik werk bij alpha laval
 

00:00:04.000 --> 00:00:07.990 align:start position:0%
ik werk bij alpha laval
in<00:00:04.500><c> de</c><00:00:05.000><c> lasafdeling</c>

00:00:07.990 --> 00:00:08.000 align:start position:0%
in de lasafdeling
 

00:00:08.000 --> 00:00:11.000 align:start position:0%
in de lasafdeling
[Muziek]
"""

SRT = ("1\r\n00:00:01,000 --> 00:00:05,200\r\nMijn naam is Sandra,\r\nik ben teamleider bij Neways.\r\n\r\n"
       "2\r\n00:00:05,200 --> 00:00:09,000\r\n<i>Met zelfroosteren</i> bepaalt het team\r\n\r\n"
       "3\r\n00:00:09,000 --> 00:00:12,500\r\nzelf wie welke dienst draait.\r\n")


def texts(cues: list[Cue]) -> list[str]:
    return [c.text for c in cues]


def test_manual_vtt_keeps_cue_times_and_drops_tags_settings_and_markers() -> None:
    caption = parse_captions(MANUAL_VTT.encode(), "vtt")
    assert caption.header == {"Kind": "captions", "Language": "nl"}
    assert not caption.rolling and caption.kind_hint is None
    cues = clean_cues(caption)
    assert texts(cues) == ["Ik ben Henk, lasser bij Alfa Laval.",
                           "Eerlijk gezegd: door de taakroulatie heb ik",
                           "minder last van mijn rug & mijn schouders."]
    assert [(c.start, c.end) for c in cues] == [(4.5, 9.0), (9.0, 13.25), (13.25, 17.8)]


def test_srt_with_crlf_and_italics_is_read() -> None:
    cues = read_cues(SRT.encode(), "srt")
    assert texts(cues)[1] == "Met zelfroosteren bepaalt het team"
    assert cues[0] == Cue(1.0, 5.2, "Mijn naam is Sandra, ik ben teamleider bij Neways.")


def test_srt_in_windows_1252_is_read() -> None:
    body = "1\r\n00:00:01,000 --> 00:00:03,000\r\nideeën voor coöperatie\r\n".encode("cp1252")
    assert texts(read_cues(body, "srt")) == ["ideeën voor coöperatie"]


def test_rolling_auto_captions_lose_their_duplicates_and_timing_tags() -> None:
    caption = parse_captions(ROLLING_VTT.encode(), "vtt")
    assert caption.rolling and caption.kind_hint == "auto"
    cues = clean_cues(caption)
    assert texts(cues) == ["ik werk bij alpha laval", "in de lasafdeling"]
    assert [c.start for c in cues] == [0.0, 4.0]
    assert not any("<" in c.text or "Muziek" in c.text for c in cues)


def test_the_real_youtube_dl_file_is_deduplicated() -> None:
    caption = parse_captions((FIXTURES / "tests__subtitles__youtube_dl.vtt").read_bytes(), "vtt")
    assert caption.rolling and caption.header["Language"] == "en"
    cues = clean_cues(caption)
    # The second cue runs straight into the next timing line, with no blank line between.
    assert texts(cues) == ["yeah", "what", "this will happen is I'm telling"]
    assert cues[2].start == pytest.approx(304.08)


def test_rolling_captions_without_timing_tags_are_recognised() -> None:
    lines = ["eerste regel", "tweede regel", "derde regel", "vierde regel", "vijfde regel"]
    vtt = "WEBVTT\n\n" + "\n".join(
        f"00:00:{2 * i:02d}.000 --> 00:00:{2 * i + 2:02d}.000\n{lines[i - 1] + chr(10) if i else ''}{lines[i]}\n"
        for i in range(len(lines)))
    caption = parse_captions(vtt.encode(), "vtt")
    assert caption.rolling
    assert texts(clean_cues(caption)) == lines


def test_manual_captions_keep_a_line_said_twice() -> None:
    vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nJa.\n\n00:00:02.000 --> 00:00:03.000\nJa.\n"
    assert texts(read_cues(vtt.encode(), "vtt")) == ["Ja.", "Ja."]


def test_text_is_nfkc_normalised() -> None:
    vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nde ﬁnanciële  e\u0301xtra\n"
    assert texts(read_cues(vtt.encode(), "vtt")) == ["de financiële éxtra"]


@pytest.mark.parametrize("body, fmt, empty", [
    (b"", "vtt", True),
    (b"WEBVTT\n\n", "vtt", True),
    (b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n[Muziek]\n", "vtt", True),
    (b"1\n00:00:01,000 --> 00:00:02,000\n\n", "srt", True),
    (b"this is not a caption file\n", "vtt", False),
    (b"WEBVTT\n\n00:00:01.000 --> later\nhallo\n", "vtt", False),
    (b"WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nterug in de tijd\n", "vtt", False),
    (b"1\nhallo zonder tijden\n", "srt", False),
    (b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\xff\xfe\n", "vtt", False),
])
def test_malformed_and_empty_files_raise_caption_error(body: bytes, fmt: str, empty: bool) -> None:
    with pytest.raises(CaptionError) as info:
        parse_captions(body, fmt)
    assert info.value.empty is empty


def test_corrections_fix_whole_words_case_insensitively() -> None:
    cues = [Cue(0, 2, "ik werk bij Alpha Laval"), Cue(2, 4, "niet bij alpha lavalle of new waysx")]
    fixed = apply_corrections(cues, {"alpha laval": "Alfa Laval", "new ways": "Neways"})
    assert texts(fixed) == ["ik werk bij Alfa Laval", "niet bij alpha lavalle of new waysx"]


def test_correction_list_is_read_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "corrections.toml"
    path.write_text('"new ways" = "Neways"\n', encoding="utf-8")
    assert load_corrections(path) == {"new ways": "Neways"}
    assert load_corrections(None) == {}
    path.write_text('"new ways" = 3\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="must map to a string"):
        load_corrections(path)
    with pytest.raises(ConfigError, match="cannot read"):
        load_corrections(tmp_path / "missing.toml")


def test_the_sample_correction_list_fixes_the_sample_auto_captions() -> None:
    corrections = load_corrections(sample_root() / "corrections.toml")
    body = (SAMPLE / "U8po-799Nks.nl.vtt").read_bytes()
    assert "burger hout" in " ".join(texts(read_cues(body, "vtt")))
    fixed = " ".join(texts(read_cues(body, "vtt", corrections)))
    assert "bij Burgerhout" in fixed and "burger hout" not in fixed


# -- passages ---------------------------------------------------------------------------------


def spoken(n: int, seconds: float = 5.0, every: int = 3) -> list[Cue]:
    """n cues; every ``every``-th one ends a sentence."""
    return [Cue(i * seconds, (i + 1) * seconds, f"woord{i} en nog wat" + ("." if i % every == every - 1 else ""))
            for i in range(n)]


def test_passages_end_on_sentence_boundaries_within_bounds() -> None:
    passages = build_passages(spoken(60))
    assert sum(len(p.cues) for p in passages) == 60
    for p in passages[:-1]:
        assert MIN_SECONDS <= p.duration <= HARD_MAX
        assert p.text.endswith(".")


def test_unpunctuated_auto_captions_are_cut_at_about_a_minute() -> None:
    cues = [Cue(i * 4.0, (i + 1) * 4.0, f"woord{i}") for i in range(60)]
    passages = build_passages(cues)
    assert all(MIN_SECONDS <= p.duration <= HARD_MAX for p in passages[:-1])
    assert [c for p in passages for c in p.cues] == cues


def test_a_long_stretch_without_sentence_end_is_cut_before_the_hard_limit() -> None:
    cues = [Cue(0, 5, "Kort.")] + [Cue(i * 5.0, (i + 1) * 5.0, f"en dan{i}") for i in range(1, 40)]
    passages = build_passages(cues)
    assert all(p.duration <= HARD_MAX for p in passages)
    assert [c for p in passages for c in p.cues] == cues  # no cue is cut or lost


def test_a_single_cue_longer_than_the_limit_stays_whole() -> None:
    passages = build_passages([Cue(0, 5, "Hallo."), Cue(5, 100, "een heel lange cue."), Cue(100, 104, "Klaar.")])
    assert [[c.text for c in p.cues] for p in passages] == [["Hallo."], ["een heel lange cue."], ["Klaar."]]


def test_a_phrase_said_across_two_cues_is_in_one_passage() -> None:
    cues = read_cues((SAMPLE / "ZhyiA4uoRgn.nl.vtt").read_bytes(), "vtt")
    passages = build_passages(cues)
    holding = [p for p in passages if "door de taakroulatie heb ik minder last van mijn rug" in p.text]
    assert len(holding) == 1
    split = [c for c in holding[0].cues if "minder last van mijn rug" in c.text]
    assert split and "door de taakroulatie" not in split[0].text  # it really is split over two cues


def said_at(cues: list[Cue], text: str) -> float | None:
    """Where a search for ``text`` links into a passage of these cues (None: not said in them)."""
    return cue_start([[c.start, c.end, c.text] for c in cues], parse_query(text, build_schema(), Taxonomy()).query)


def test_a_phrase_across_cues_links_to_the_cue_where_it_begins() -> None:
    cues = read_cues((SAMPLE / "ZhyiA4uoRgn.nl.vtt").read_bytes(), "vtt")
    passage = next(p for p in build_passages(cues) if "minder last van mijn rug" in p.text)
    start = said_at(list(passage.cues), '"taakroulatie heb ik minder last"')
    cue = next(c for c in passage.cues if c.start == start)
    assert cue.text.startswith("Eerlijk gezegd: door de taakroulatie heb ik")
    assert passage.start <= start <= passage.end


def test_single_words_stems_and_compound_parts_link_to_the_cue_that_says_them() -> None:
    cues = [Cue(10.0, 15.0, "We begonnen met taakroulatie."),
            Cue(15.0, 25.0, "De functioneringsgesprekken gingen goed."),
            Cue(25.0, 40.0, "Ideeën over ergonomie en gesprekken.")]
    assert said_at(cues, "roulatie") == 10.0  # a compound part
    assert said_at(cues, "gesprek") == 15.0  # a stem, first cue that says it
    assert said_at(cues, "ideeen") == 25.0  # accents folded
    assert said_at(cues, "ergonomie gesprek") == 25.0  # the cue with most of the words
    assert said_at(cues, "zelfroosteren") is None  # not said: the caller links the passage's start


def test_the_link_of_every_word_of_the_samples_lies_within_its_passage() -> None:
    for path in sorted(SAMPLE.glob("*.*t")):
        for passage in build_passages(read_cues(path.read_bytes(), path.suffix[1:])):
            for cue in passage.cues:
                word = cue.text.split()[-1].strip(".,!?:\"'()")
                try:
                    start = said_at(list(passage.cues), word)
                except QueryError:  # a stop word alone is not a query
                    continue
                assert start is not None and passage.start <= start <= cue.start, (path.name, word)


def test_sample_captions_are_two_to_five_minutes_and_in_bounds() -> None:
    files = sorted(SAMPLE.glob("*.*t"))
    assert len(files) >= 4
    for path in files:
        cues = read_cues(path.read_bytes(), path.suffix[1:])
        assert 110 <= cues[-1].end <= 300, path.name
        assert all(p.duration <= HARD_MAX for p in build_passages(cues)), path.name


def test_a_rolling_line_that_grows_word_by_word_is_kept_once() -> None:
    vtt = ("WEBVTT\n\n"
           "00:00:01.000 --> 00:00:02.000\nik<00:00:01.500><c> werk</c>\n\n"
           "00:00:02.000 --> 00:00:03.000\nik werk bij<00:00:02.500><c> Neways</c>\n\n"
           "00:00:03.000 --> 00:00:04.000\nik werk bij Neways\nin<00:00:03.500><c> Son</c>\n")
    assert read_cues(vtt.encode(), "vtt") == [Cue(1.0, 3.0, "ik werk bij Neways"), Cue(3.0, 4.0, "in Son")]
