"""Size and time budgets per item: a page, note or caption file over one is one failed item with
its reason (counted and listed as failed), the run goes on; the limits come from ``[limits]``."""

from __future__ import annotations

import time
import zlib
from pathlib import Path
from typing import Iterator

import pytest

from archive.budget import use_limits
from archive.captions import CaptionError, read_cues
from archive.cases import read_notes
from archive.config import LimitSettings, Settings, parse_config
from archive.notes import parse_note
from archive.parse_cache import ParseCache
from archive.site import NS_ATTACHMENT, SiteSummary, parse_case_safely
from archive.store import open_store
from archive.transcripts import harvest_transcripts
from archive.youtube import NS_VIDEO
from index.services.demo import demo_settings, run_demo
from index.engine.search import SearchOptions
from index.services.library import build, search
from scripts.make_sample_notes import pdf_file

PAGE = b"<html><body><h1>Taakroulatie</h1><p>2013 - Bij Neways Electronics rouleren de monteurs.</p></body></html>"
CAPTIONS = b"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nWelkom bij de film\n"


@pytest.fixture
def limits() -> Iterator[None]:
    """Restore the default limits after a test that sets its own."""
    yield
    use_limits(LimitSettings())


def shared_stream_pdf(pages: int, operators: int) -> bytes:
    """A PDF whose pages all draw one compressed content stream of ``operators`` text operators,
    the form of the tester's 1.6 KB, 50-page PDF (invented: built here, no public sample)."""
    stream = zlib.compress(b"BT /F1 12 Tf 72 700 Td (Aa Bb Cc Dd) Tj ET\n" * operators, 9)
    objects = [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    parent = 3 + pages
    objects += [b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 1 0 R >> >>"
                b" /Contents 2 0 R >>" % parent] * pages
    objects.append(b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (3 + n) for n in range(pages))
                   + b"] /Count %d >>" % pages)
    objects.append(b"<< /Type /Catalog /Pages %d 0 R >>" % parent)
    return pdf_file(objects, len(objects))


def test_pdf_pages_that_share_one_content_stream_are_read_once() -> None:
    body = shared_stream_pdf(50, 300)
    started = time.perf_counter()
    note = parse_note(body, "https://example.org/gedeeld.pdf")
    took = time.perf_counter() - started
    assert note.status == "ok" and len(note.pages) == 50
    assert all(page.text == note.pages[0].text for page in note.pages) and note.pages[0].text.count("Aa Bb") == 300
    assert took < 4.0, f"50 pages of one stream took {took:.1f} s (read 50 times: about 8 s)"


def test_a_note_over_its_text_budget_is_failed_with_the_reason(limits: None) -> None:
    use_limits(LimitSettings(note_chars=20_000))
    note = parse_note(shared_stream_pdf(50, 100), "https://example.org/gedeeld.pdf")
    assert note.status == "failed" and note.pages == ()
    assert note.reason.startswith("over budget: the text up to page ")
    assert "over the budget of 20,000 (limits.note_chars)" in note.reason


def test_a_pdf_page_over_its_content_budget_is_failed_without_reading_it(limits: None) -> None:
    use_limits(LimitSettings(pdf_page_bytes=100_000))
    note = parse_note(shared_stream_pdf(1, 60_000), "https://example.org/groot.pdf")  # 2.6 MB drawn from 8 KB
    assert note.status == "failed"
    assert note.reason == ("over budget: page 1's content in bytes is 2,580,000, over the budget of 100,000 "
                           "(limits.pdf_page_bytes)")


def test_a_note_over_its_time_budget_is_failed_with_the_reason(limits: None) -> None:
    use_limits(LimitSettings(parse_seconds=1e-9))
    note = parse_note(shared_stream_pdf(3, 50), "https://example.org/traag.pdf")
    assert note.status == "failed"
    assert note.reason.startswith("over budget: reading the note took longer than its budget of 1e-09 s")
    assert note.reason.endswith("(limits.parse_seconds)")
    use_limits(LimitSettings())
    assert parse_note(shared_stream_pdf(3, 50), "https://example.org/traag.pdf").status == "ok"


def test_a_note_over_its_file_budget_is_counted_as_a_failed_attachment(data_dir: Path, limits: None) -> None:
    url = "https://example.org/media/groot.txt"
    with open_store(data_dir) as store:
        store.put(NS_ATTACHMENT, url, b"werkdruk " * 2_000, url=url, status=200, content_type="text/plain")
        use_limits(LimitSettings(note_bytes=10_000))
        summary = SiteSummary()
        read_notes(store, [url], summary, {url: ["https://example.org/kennis/taakroulatie/"]})
    assert (summary.notes_read, summary.notes_failed, summary.counts["attachment"]["failed"]) == (0, 1, 1)
    assert summary.failures == [f"{url}: note not read: over budget: the file in bytes is 18,000, over the budget "
                                "of 10,000 (limits.note_bytes) (linked from https://example.org/kennis/taakroulatie/)"]


def test_a_case_page_over_its_size_or_time_budget_is_not_parsed_and_says_why(limits: None) -> None:
    url = "https://example.org/kennis/taakroulatie/"
    assert parse_case_safely(PAGE, url)[0] is not None
    use_limits(LimitSettings(page_bytes=50))
    case, why = parse_case_safely(PAGE, url)
    assert case is None and why == (f"the page is over budget: the page in bytes is {len(PAGE)}, over the budget "
                                    "of 50 (limits.page_bytes)")
    use_limits(LimitSettings(parse_seconds=1e-9))
    case, why = parse_case_safely(PAGE, url)
    assert case is None and why.startswith("the page is over budget: parsing the page took longer than its budget")


def test_a_caption_file_over_its_budget_is_a_caption_error(limits: None) -> None:
    assert [cue.text for cue in read_cues(CAPTIONS, "vtt")] == ["Welkom bij de film"]
    use_limits(LimitSettings(caption_bytes=20))
    with pytest.raises(CaptionError, match=r"^over budget: the file in bytes is 57, over the budget of 20 "
                                           r"\(limits.caption_bytes\)$"):
        read_cues(CAPTIONS, "vtt")
    use_limits(LimitSettings(parse_seconds=1e-9))
    with pytest.raises(CaptionError, match=r"^over budget: reading the captions took longer than its budget"):
        read_cues(CAPTIONS, "vtt")


def test_a_caption_file_over_its_budget_is_one_failed_file_of_the_harvest(tmp_path: Path, data_dir: Path,
                                                                         limits: None) -> None:
    folder = tmp_path / "captions"
    folder.mkdir()
    (folder / "nRH9ucAUsdM.nl.vtt").write_bytes(CAPTIONS)
    big = CAPTIONS + b"\n00:00:05.000 --> 00:00:09.000\nen tot ziens\n" * 10
    (folder / "lHUvTCQCyEZ.nl.vtt").write_bytes(big)
    settings = parse_config("[limits]\ncaption_bytes = 200\n", tmp_path / "casearchive.toml")
    use_limits(settings.limits)
    summary = harvest_transcripts(Settings(data_dir=data_dir), folder)
    assert (summary.files, summary.new, summary.failed, summary.exit_code) == (2, 1, 1, 1)
    assert summary.failures == ["lHUvTCQCyEZ: lHUvTCQCyEZ.nl.vtt: malformed file (over budget: the file in bytes "
                                f"is {len(big)}, over the budget of 200 (limits.caption_bytes))"]


def test_limits_are_read_from_the_config_and_checked(tmp_path: Path) -> None:
    settings = parse_config("[limits]\npage_bytes = 1000\nparse_seconds = 2.5\n", tmp_path / "c.toml")
    assert settings.limits == LimitSettings(page_bytes=1000, parse_seconds=2.5)
    with pytest.raises(Exception, match="unknown key 'page_size' in \\[limits\\]"):
        parse_config("[limits]\npage_size = 1000\n", tmp_path / "c.toml")
    with pytest.raises(Exception, match="limits.parse_seconds must not be negative"):
        parse_config("[limits]\nparse_seconds = -1\n", tmp_path / "c.toml")


def test_other_limits_read_cached_items_again(tmp_path: Path, limits: None) -> None:
    path = tmp_path / "parse.sqlite"
    with ParseCache(path) as cache:
        cache.get_or_parse(cache.key("note", "x"), lambda: "failed: over budget")
    with ParseCache(path) as cache:
        assert cache.get_or_parse(cache.key("note", "x"), lambda: "parsed") == "failed: over budget"
    use_limits(LimitSettings(note_chars=10_000_000))
    with ParseCache(path) as cache:
        assert cache.get_or_parse(cache.key("note", "x"), lambda: "parsed again") == "parsed again"


def test_an_api_item_over_its_budget_is_left_out_of_the_index_and_listed(tmp_path: Path, limits: None) -> None:
    run_demo(tmp_path / "demo-data")
    settings = demo_settings(tmp_path / "demo-data")
    with open_store(settings.data_dir) as store:
        sizes = {version.key: version.size for version in store.iter_latest(NS_VIDEO)}
    big = max(sizes, key=sizes.__getitem__)
    use_limits(LimitSettings(item_bytes=sizes[big] - 1))
    report = build(settings)
    assert report.failures == [f"video {big}: over budget: the API item is {sizes[big]:,} bytes, over the budget "
                               f"of {sizes[big] - 1:,} (limits.item_bytes)"]
    kept = {row["video_id"] for row in search(settings, "kind:video", SearchOptions(limit=100))["results"]}
    assert big not in kept and kept
