"""Scanned notes: a PDF page without a text layer is read by Tesseract (Dutch), marked as OCR text,
read once (cached by the image's hash), and skipped with one clear line when Tesseract is absent."""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from archive import ocr
from archive.cases import iter_notes
from archive.config import Settings
from archive.notes import parse_note
from archive.parse_cache import ParseCache, cache_path
from archive.sample_server import sample_platform_dir
from archive.site import NS_ATTACHMENT
from archive.store import open_store
from index.linking.sources import load_sources
from index.linking.units import make_units
from index.text.taxonomy import Taxonomy
from scripts.make_sample_notes import build_pdf

SCAN = Path(__file__).parent / "fixtures" / "ocr" / "scan-opzet-publicatie.pdf"
TEXT_PDF = sample_platform_dir() / "media" / "bijlagen" / "werkdruk-thuiszorg-rapport.pdf"
URL = "https://www.kennisbanksocialeinnovatie.nl/media/bijlagen/scan.pdf"
# Words of the scanned paragraph (long ones: OCR errors are allowed, all five failing is not).
WORDS = ("opinieleiders", "doelstellingen", "raamwerk", "gerealiseerd", "beschouwing", "hoofdstuk")
HINT = "scanned, no text layer; install tesseract-ocr and tesseract-ocr-nld to read it"
needs_tesseract = pytest.mark.skipif(
    ocr.engine() is None, reason="Tesseract with its Dutch model is not installed (apt-get install tesseract-ocr "
                                 "tesseract-ocr-nld)")


@pytest.fixture(autouse=True)
def fresh_ocr(monkeypatch: pytest.MonkeyPatch):
    """No OCR text remembered from another test, and the engine looked up afresh."""
    monkeypatch.setattr(ocr, "_memory", {})
    ocr.engine.cache_clear()
    yield
    ocr.engine.cache_clear()


def counted(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Count Tesseract's readings (each call is one image OCRed)."""
    calls: list[object] = []
    real = ocr.recognise

    def recognise(image: object) -> str:
        calls.append(image)
        return real(image)
    monkeypatch.setattr(ocr, "recognise", recognise)
    return calls


def text_then_scan() -> bytes:
    """A PDF whose first pages have a text layer and whose last page is the scan."""
    writer = PdfWriter()
    for source in (TEXT_PDF, SCAN):
        for page in PdfReader(source).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@needs_tesseract
def test_a_scanned_page_is_read_in_dutch_and_marked_as_ocr_text() -> None:
    note = parse_note(SCAN.read_bytes(), URL)
    assert note.status == "ok" and note.skipped == ()
    [page] = note.pages
    assert page.ocr and page.number == 1
    found = [word for word in WORDS if word in page.text.lower()]
    assert len(found) >= 4, page.text


@needs_tesseract
def test_only_the_pages_without_a_text_layer_are_ocred(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counted(monkeypatch)
    note = parse_note(text_then_scan(), URL)
    assert [page.ocr for page in note.pages] == [False, False, True]
    assert "werkdrukvermindering" in note.pages[0].text and "raamwerk" in note.pages[2].text.lower()
    assert len(calls) == 1


@needs_tesseract
def test_a_page_is_ocred_once_then_read_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counted(monkeypatch)
    with ocr.ocr_cache(tmp_path / "ocr"):
        first = parse_note(SCAN.read_bytes(), URL)
    assert len(calls) == 1 and len(list((tmp_path / "ocr").glob("*.txt"))) == 1
    monkeypatch.setattr(ocr, "_memory", {})  # a new process: only the files remain
    with ocr.ocr_cache(tmp_path / "ocr"):
        second = parse_note(SCAN.read_bytes(), URL.replace("scan", "kopie"))
    assert len(calls) == 1 and second.pages == first.pages


@needs_tesseract
def test_an_index_build_reads_the_scan_once_and_its_unit_says_ocr(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counted(monkeypatch)
    settings = Settings(data_dir=tmp_path / "data")
    with open_store(settings.data_dir) as store:
        store.put(NS_ATTACHMENT, URL, SCAN.read_bytes(), url=URL, content_type="application/pdf")
    for refresh in (False, True):  # the second build parses everything again, yet OCRs nothing
        with ParseCache(cache_path(settings.data_dir), refresh=refresh) as cache:
            sources = load_sources(settings, Taxonomy(), cache)
    assert len(calls) == 1
    [page] = sources.notes
    assert page.ocr and "raamwerk" in page.text.lower()
    [unit] = [u for u in make_units(sources, Taxonomy())[0] if u.kind == "note"]
    assert unit.extra["ocr"] is True and unit.extra["page"] == 1


@pytest.mark.parametrize("absent", ["tesseract", "pytesseract"])
def test_without_tesseract_a_scanned_page_is_skipped_with_one_clear_line(
        absent: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if absent == "tesseract":
        real_which = shutil.which
        monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "tesseract" else real_which(name))
    else:
        monkeypatch.setitem(sys.modules, "pytesseract", None)  # import fails: the package is not installed
    note = parse_note(text_then_scan(), URL)
    assert note.status == "ok" and [page.ocr for page in note.pages] == [False, False, False]
    assert note.skipped == (f"page 3: {HINT}",)
    assert "werkdrukvermindering" in note.pages[0].text and note.pages[2].text == ""
    only_scan = parse_note(SCAN.read_bytes(), URL)
    assert only_scan.status == "failed" and only_scan.reason == (
        "no text layer in 1 page(s) (a scan?); install tesseract-ocr and tesseract-ocr-nld to read it")


def test_without_tesseract_an_index_build_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    settings = Settings(data_dir=tmp_path / "data")
    with open_store(settings.data_dir) as store:
        store.put(NS_ATTACHMENT, URL, text_then_scan(), url=URL, content_type="application/pdf")
        [(_, note)] = list(iter_notes(store))
    assert note.skipped == (f"page 3: {HINT}",)
    sources = load_sources(settings, Taxonomy())
    assert [page.page for page in sources.notes] == [1, 2]


@needs_tesseract
def test_an_image_too_small_to_hold_text_is_not_ocred(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counted(monkeypatch)
    note = parse_note(build_pdf(None, "Twee lege plaatjes", image_pages=2), URL)  # pages of one 8×8 image each
    assert note.status == "failed" and note.reason == "no text layer in 2 page(s) (a scan?), and OCR read no text"
    assert calls == []
