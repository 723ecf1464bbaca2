"""Every way a page embeds or links a video, on fixtures collected from real pages (SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.case_parser import parse_case
from archive.embeds import addresses_in_text
from archive.youtube_refs import parse_youtube_url

FIXTURES = Path(__file__).parent / "fixtures" / "embeds"
BASE = "https://www.kennisbank.example/kennis/case/"
ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


def _rows(name: str) -> list[list[str]]:
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def _video(spec: str) -> tuple[str, int | None]:
    video_id, _, start = spec.partition("@")
    return video_id, int(start) if start else None


def _expected_videos(spec: str) -> list[tuple[str, int | None]]:
    return [_video(item) for item in spec.split()]


@pytest.mark.parametrize("url, expected, source", _rows("urls.tsv"), ids=lambda v: v[:60])
def test_every_collected_address_gives_its_video_and_start(url: str, expected: str, source: str) -> None:
    ref = parse_youtube_url(url)
    if expected == "none":
        assert ref is None or ref.kind != "video", ref
    elif ":" in expected:
        kind, _, value = expected.partition(":")
        assert ref is not None and (ref.kind, ref.value) == (kind, value)
    else:
        assert ref is not None and (ref.kind, ref.value, ref.start) == ("video", *_video(expected))


@pytest.mark.parametrize("name, expected", [(r[0], r[1] if len(r) > 1 else "") for r in _rows("expected.tsv")])
def test_every_collected_page_form_gives_the_case_its_videos(name: str, expected: str) -> None:
    body = (FIXTURES / "html" / name).read_text(encoding="utf-8")
    page = f"<html><body><main><h1>Case</h1><article><p>Tekst.</p>{body}</article></main></body></html>"
    case = parse_case(page.encode(), BASE)
    assert [(y.id, y.start) for y in case.youtube if y.kind == "video"] == _expected_videos(expected)


def test_every_fixture_has_an_expectation_and_a_source() -> None:
    files = {p.name for p in (FIXTURES / "html").glob("*.html")}
    assert files == {r[0] for r in _rows("expected.tsv")}
    sources = (FIXTURES / "SOURCES.md").read_text(encoding="utf-8")
    assert all(f"- {name}:" in sources for name in files)
    assert all(f"- {key}:" in sources for key in {r[2] for r in _rows("urls.tsv")})


def test_the_evidence_says_where_the_page_held_the_address() -> None:
    case = parse_case((FIXTURES / "html" / "cookiebot.html").read_bytes(), BASE)
    (link,) = case.youtube
    assert link.text == "iframe data-cookieblock-src"
    assert link.url == "https://www.youtube-nocookie.com/embed/M00BCweamDc"


def test_a_player_inside_site_chrome_other_than_a_consent_wrapper_is_not_the_case_s() -> None:
    page = """<html><body><main><h1>Case</h1><p>Tekst.</p></main>
      <aside class="sidebar"><iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe></aside>
      <footer><a href="https://www.youtube.com/watch?v=K4EJfUtYknU">film</a></footer></body></html>"""
    assert parse_case(page.encode(), BASE).youtube == ()


def test_the_consent_placeholder_text_stays_out_of_the_case_body() -> None:
    for name, video in (("cookiebot.html", "M00BCweamDc"), ("cookiebot-inside-consent-wrapper.html", "80pYF2u-lJo")):
        case = parse_case((FIXTURES / "html" / name).read_bytes(), BASE)
        assert [y.id for y in case.youtube] == [video]
        assert "marketing-cookies" not in case.text


@given(st.text(alphabet=ID_CHARS, min_size=11, max_size=11), st.sampled_from(".,;:!?)'\"”»"))
def test_trailing_punctuation_never_bleeds_into_the_id(video_id: str, mark: str) -> None:
    text = f"Zie https://youtu.be/{video_id}{mark} en www.youtube.com/watch?v={video_id}{mark}"
    refs = [parse_youtube_url(a) for a in addresses_in_text(text)]
    assert [(r.kind, r.value) for r in refs if r] == [("video", video_id)] * 2


@given(st.text(alphabet=ID_CHARS, min_size=12, max_size=20))
def test_an_id_of_the_wrong_length_is_no_video(text: str) -> None:
    assert parse_youtube_url(f"https://youtu.be/{text}") is None
    assert parse_youtube_url(f"https://www.youtube.com/watch?v={text[:10]}") is None
