"""Every reason the archive records for a note it could not read has a Dutch sentence for the case
page. The reasons are made here by the archive's own reader (``archive.notes.parse_note``) on files
of each broken kind, so a new reason without a Dutch sentence fails this test; the English reason
stays what the CLI and the archive keep.

The Dutch sentences live in ``index.web.dutch.note_problem`` (the polish branch of issue 18); until
that branch is merged this test is skipped.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pytest
from pypdf import PdfWriter

from archive.budget import limits, use_limits
from archive.notes import parse_note
from index.web import dutch

WORD_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def blank_pdf(password: str | None = None) -> bytes:
    """A one-page PDF without a text layer (invented: the smallest such file pypdf writes)."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx(xml: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", xml)
    return out.getvalue()


BROKEN = [
    (b"hallo", "https://k.example/a.pdf", None),
    (blank_pdf("geheim"), "https://k.example/b.pdf", None),
    (b"%PDF-1.4\n%%EOF rommel", "https://k.example/c.pdf", None),
    (blank_pdf(), "https://k.example/d.pdf", None),
    (b"PK\x03\x04rommel", "https://k.example/e.docx", None),
    (docx(f'<!DOCTYPE x [<!ENTITY a "b">]><w:document {WORD_NS}/>'), "https://k.example/f.docx", None),
    (docx(f"<w:document {WORD_NS}><w:body/></w:document>"), "https://k.example/g.docx", None),
    (b"<html><body></body></html>", "https://k.example/h", "text/html"),
    (b"", "https://k.example/i.txt", None),
    (b"\x00\x01", "https://k.example/j.xls", None),
]


@pytest.fixture
def note_problem():  # type: ignore[no-untyped-def]
    found = getattr(dutch, "note_problem", None)
    if found is None:
        pytest.skip("index.web.dutch.note_problem comes with the polish branch")
    return found


@pytest.mark.parametrize(("body", "url", "content_type"), BROKEN)
def test_each_reason_a_note_fails_with_has_a_dutch_sentence(note_problem, body: bytes, url: str,  # type: ignore[no-untyped-def]
                                                            content_type: str | None) -> None:
    note = parse_note(body, url, content_type)
    assert note.status == "failed" and note.reason
    said = note_problem(note.reason)
    assert said and said != note.reason, note.reason


def test_a_note_over_its_budget_has_a_dutch_sentence(note_problem) -> None:  # type: ignore[no-untyped-def]
    saved = limits()
    use_limits(replace(saved, note_bytes=10))
    try:
        note = parse_note(b"x" * 100, "https://k.example/groot.txt")
    finally:
        use_limits(saved)
    assert note.status == "failed" and note_problem(note.reason), note.reason
