"""Attached notes: text per page, NFKC, hyphenation, and failures that carry their reason."""

from __future__ import annotations

import io
import zipfile

import pytest

from archive.notes import clean_text, parse_note
from archive.sample_server import sample_platform_dir

NOTES = sample_platform_dir() / "media" / "bijlagen"
URL = "https://www.kennisbanksocialeinnovatie.nl/media/bijlagen/"


def note(name: str, content_type: str | None = None):
    return parse_note((NOTES / name).read_bytes(), URL + name, content_type)


def test_pdf_text_is_read_per_page_with_page_numbers_for_deep_links() -> None:
    result = note("2013/11/notitie-duurzaam-meedoen-metalektro.pdf")
    assert result.status == "ok" and result.reason is None
    assert result.title == "Notitie Duurzaam meedoen in de Metalektro"
    assert [p.number for p in result.pages] == [1, 2, 3]
    assert result.pages[0].text.startswith("SAMPLE DATA - Notitie Duurzaam meedoen in de Metalektro")
    assert "Pagina 3 van 3" in result.pages[2].text
    assert result.page_url(2) == URL + "2013/11/notitie-duurzaam-meedoen-metalektro.pdf#page=2"


def test_ligatures_are_nfkc_normalised() -> None:
    result = note("2013/11/notitie-duurzaam-meedoen-metalektro.pdf")
    assert "De financiering kwam van het opleidingsfonds A+O Metalektro" in result.pages[0].text
    assert "een flexibele inzet" in result.pages[0].text
    assert "Bij alle bedrijven zijn functioneringsgesprekken ingevoerd" in result.pages[1].text
    assert not any(ch in result.text for ch in "\ufb01\ufb02\u0133\u0132")


def test_line_end_hyphenation_is_joined_only_where_the_joined_word_is_a_word() -> None:
    result = note("werkdruk-thuiszorg-rapport.pdf")
    first, second = (p.text for p in result.pages)
    assert "Het project voor werkdrukvermindering liep een jaar" in first
    assert "De zorgmedewerkers kregen meer invloed" in first
    assert "twee HR-managers en een externe adviseur" in first
    assert "de werkgevers- en werknemersorganisaties in de sector" in first
    assert "gebruiken de e-health toepassingen" in second


def test_clean_text_rules() -> None:
    vocabulary = {"taakroulatie", "e-health"}
    assert clean_text("invoeren van taak-\nroulatie", vocabulary) == "invoeren van taakroulatie"
    assert clean_text("de e-\nhealth app", vocabulary) == "de e-health app"
    assert clean_text("de A+O-\nregeling", vocabulary) == "de A+O-regeling"
    assert clean_text("ﬁnanciering  en\u00a0ĳs", set()) == "financiering en ijs"
    assert clean_text("onbekend ge-\nvolg") == "onbekend gevolg"


@pytest.mark.parametrize("name, reason", [
    ("teamleren-speelkwartier.pdf", "encrypted PDF: a password is needed to read it"),
    ("evaluatie-noordhaven.pdf", "corrupt PDF: "),
])
def test_unreadable_pdfs_are_failed_with_the_reason(name: str, reason: str) -> None:
    result = note(name)
    assert result.status == "failed"
    assert result.reason is not None and result.reason.startswith(reason)
    assert result.pages == ()


def test_an_html_error_page_served_as_pdf_is_not_a_pdf() -> None:
    result = parse_note(b"<html><body>Niet gevonden</body></html>", URL + "weg.pdf", "text/html")
    assert result.status == "failed" and result.reason.startswith("not a PDF")


def test_docx_attachment_is_read_as_one_page() -> None:
    result = note("functioneringsgesprekken-veenstra.docx")
    assert result.status == "ok" and result.type == "docx"
    [page] = result.pages
    assert page.number == 1
    assert "2. Waar loop je tegenaan in je werk?" in page.text
    assert result.page_url(1) == URL + "functioneringsgesprekken-veenstra.docx"


def test_corrupt_docx_is_failed_with_the_reason() -> None:
    result = parse_note(b"PK\x03\x04 afgebroken", URL + "kapot.docx")
    assert result.status == "failed" and result.reason.startswith("corrupt DOCX")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    assert "entities" in (parse_note(buffer.getvalue(), URL + "bom.docx").reason or "")


def test_html_attachment_is_read_without_markup() -> None:
    result = note("samenvatting-zelfroosteren.html", "text/html")
    assert result.status == "ok" and result.type == "html"
    assert result.title == "Samenvatting evaluatie zelfroosteren Ziekenhuis Oostervaart"
    assert "Het verloop daalde van 14 naar 8 procent." in result.text
    assert "<li>" not in result.text


def test_unsupported_types_are_failed_not_raised() -> None:
    result = parse_note(b"\xd0\xcf\x11\xe0", URL + "oud.doc")
    assert result.status == "failed" and result.reason == "unsupported attachment type 'doc'"


def test_plain_text_attachment_is_one_page() -> None:
    result = parse_note("Verslag van de ﬁnale bĳeenkomst".encode(), URL + "verslag.txt")
    assert result.status == "ok" and result.pages[0].text == "Verslag van de finale bijeenkomst"
