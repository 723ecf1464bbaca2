#!/usr/bin/env python3
"""Write the SAMPLE notes (PDF, DOCX) of the sample platform into archive/sample/platform/media/bijlagen/.

Development tool, run by hand when the sample changes; the generated files are committed. The PDFs
are written byte by byte (Helvetica, WinAnsi with the ligature glyphs ﬁ ﬂ ĳ added through an
encoding Differences array), so no PDF library is needed; pypdf (a runtime dependency anyway)
only encrypts one of them. Output is deterministic.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from pypdf import PdfReader, PdfWriter

OUT = Path(__file__).resolve().parent.parent / "archive" / "sample" / "platform" / "media" / "bijlagen"
LIGATURES = {"\ufb01": 0x81, "\ufb02": 0x8D, "\u0133": 0x8F}
FONT = (b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding"
        b" /BaseEncoding /WinAnsiEncoding /Differences [129 /fi 141 /fl 143 /ij] >> >>")


def _pdf_string(text: str) -> bytes:
    out = bytearray()
    for ch in text:
        if ch in LIGATURES:
            out.append(LIGATURES[ch])
            continue
        data = ch.encode("cp1252")
        out += b"\\" + data if data in (b"(", b")", b"\\") else data
    return b"(" + bytes(out) + b")"


def _text_page(lines: list[str], number: int, total: int) -> bytes:
    body = b" ".join(_pdf_string(line) + b" Tj T*" for line in lines)
    footer = _pdf_string(f"Pagina {number} van {total}")
    return (b"BT /F1 11 Tf 15 TL 72 770 Td " + body + b" ET\n"
            b"BT /F1 9 Tf 270 40 Td " + footer + b" Tj ET")


def build_pdf(pages: list[list[str]] | None, title: str, *, image_pages: int = 0) -> bytes:
    """A PDF of text pages (lines per page), or of ``image_pages`` pages holding only an image."""
    objects: list[bytes] = []

    def add(obj: bytes) -> int:
        objects.append(obj)
        return len(objects)

    font = add(FONT)
    image = add(b"<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray"
                b" /BitsPerComponent 8 /Length 64 >>\nstream\n" + bytes(range(0, 256, 4)) + b"\nendstream")
    contents = ([_text_page(lines, n, len(pages)) for n, lines in enumerate(pages, 1)] if pages else
                [b"q 451 0 0 640 72 100 cm /Im1 Do Q"] * image_pages)
    count = len(contents)
    pages_id = len(objects) + 2 * count + 1
    kids = []
    for stream in contents:
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >>"
                        b" /XObject << /Im1 %d 0 R >> >> /Contents %d 0 R >>" % (pages_id, font, image, content)))
    add(b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % count)
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    info = add(b"<< /Title " + _pdf_string(title) + b" /Producer (casearchive sample generator) >>")
    return pdf_file(objects, catalog, b" /Info %d 0 R" % info)


def pdf_file(objects: list[bytes], catalog: int, trailer: bytes = b"") -> bytes:
    """A PDF file of numbered objects (1, 2, …) with its cross-reference table and trailer."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, catalog, trailer, xref)
    return bytes(out)


def encrypt(pdf: bytes, password: str) -> bytes:
    """The same PDF, encrypted with a user password (RC4-128, readable without extra packages)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=password, owner_password=password + "-eigenaar", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def build_docx(paragraphs: list[str]) -> bytes:
    """A minimal Word document holding the paragraphs."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{p}</w:t></w:r></w:p>" for p in paragraphs)
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
        'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '</Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}"><w:body>{body}'
        '</w:body></w:document>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2013, 5, 1, 12, 0, 0)), text)
    return buffer.getvalue()


METALEKTRO = [
    ["SAMPLE DATA - Notitie Duurzaam meedoen in de Metalektro",
     "",
     "Deze notitie beschrijft het project Duurzaam meedoen, dat de sociale partners in de",
     "Metalektro in 2012 startten. Vijf pilotbedrijven werkten aan de multi-inzetbaarheid van",
     "hun medewerkers: Neways, Alfa Laval, Photonis, Burgerhout en BSB Staalbouw.",
     "",
     "De ﬁnanciering kwam van het opleidingsfonds A+O Metalektro. Elk bedrijf stelde een",
     "actieplan op met maatregelen voor duurzame inzetbaarheid en een ﬂexibele inzet van",
     "medewerkers. De begeleiding was in handen van adviseurs van Berenschot."],
    ["Maatregelen in de pilotbedrijven",
     "",
     "Bĳ alle bedrĳven zĳn functioneringsgesprekken ingevoerd. Bĳ Neways volgden",
     "leidinggevenden een training in gespreksvoering. Alfa Laval en Photonis voerden",
     "taakroulatie in; Burgerhout koos voor ergonomische maatregelen. BSB Staalbouw",
     "verbeterde de communicatie met korte gesprekken tussen werkvoorbereiders en teamleiders.",
     "De ﬁguur op de volgende pagina vat de maatregelen samen."],
    ["Eerste resultaten",
     "",
     "Op de regionale bĳeenkomst in november 2013 rapporteerden de bedrĳven minder verzuim,",
     "meer variatie in het werk en een betere sfeer. Medewerkers zĳn ﬂexibeler inzetbaar en",
     "kennis wordt beter gedeeld. De ﬁlmpjes van de bĳeenkomst staan op het YouTube-kanaal",
     "Duurzaam meedoen Metalektro."],
]
WERKDRUK = [
    ["SAMPLE DATA - Rapport Werkdruk in de thuiszorg (Zorggroep Lindenhove, 2015)",
     "",
     "Dit rapport beschrijft een project van werkdrukvermindering in de wijkverpleging. De",
     "teams brachten met een werkdrukscan in kaart waar de werkdruk vandaan kwam. Voor de",
     "zorgmedewerkers was de administratie het grootste knelpunt. Het project voor werkdruk-",
     "vermindering liep een jaar en werd begeleid door twee HR-",
     "managers en een externe adviseur. Ook de werkgevers-",
     "en werknemersorganisaties in de sector volgden het project. De inzet van e-health",
     "bleef beperkt; de teams kozen liever voor minder registratie. De zorg-",
     "medewerkers kregen meer invloed op hun eigen planning."],
    ["Resultaten",
     "",
     "Een jaar later was de ervaren werkdruk duidelijk lager. Het verzuim daalde met een derde",
     "en de tevredenheid van cliënten over de continuïteit van de zorg nam toe. De teams",
     "gebruiken de e-",
     "health toepassingen nu vooral voor het delen van roosters."],
]
KUIPERS = [
    ["SAMPLE DATA - Evaluatie taakroulatie Kuipers Verpakkingen",
     "",
     "Kuipers Verpakkingen voerde in 2012 taakroulatie in op de productieafdeling. Operators",
     "leren ten minste drie machines bedienen en wisselen twee keer per dienst van werkplek.",
     "Een scholingsmatrix laat zien wie welke machine beheerst."],
    ["Uitkomsten na anderhalf jaar",
     "",
     "Het verzuim daalde van 7,2 naar 4,8 procent. Operators vinden het werk afwisselender.",
     "De planning is flexibeler: bij uitval van een collega ligt geen lijn meer stil."],
]
DE_GROOT = [
    ["SAMPLE DATA - Verslag werkoverleg Installatiebedrijf De Groot",
     "",
     "Het werkoverleg bij Installatiebedrijf De Groot is omgezet in een wekelijkse bijeenkomst",
     "van twintig minuten. De monteurs bepalen zelf de agenda. Het aantal verbetervoorstellen",
     "steeg in een jaar van vijf naar veertig."],
]
SPEELKWARTIER = [
    ["SAMPLE DATA - Handboek leerteams Kinderopvang Het Speelkwartier",
     "",
     "Dit handboek beschrijft hoe een leerteam video-opnames uit de groep bespreekt."],
]
VEENSTRA = [
    "SAMPLE DATA - Gespreksformulier ontwikkelgesprek Drukkerij Veenstra",
    "1. Waar ben je de afgelopen maanden trots op?",
    "2. Waar loop je tegenaan in je werk?",
    "3. Wat wil je het komende kwartaal leren, en wat heb je daarvoor nodig?",
    "Afspraken: de medewerker beheert dit formulier en neemt het mee naar het volgende gesprek.",
]


def main() -> int:
    """Write every sample note but the scan (scripts/make_sample_scan.py renders it with Pillow)."""
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "2013" / "11").mkdir(parents=True, exist_ok=True)
    files = {
        "2013/11/notitie-duurzaam-meedoen-metalektro.pdf": build_pdf(METALEKTRO,
                                                                     "Notitie Duurzaam meedoen in de Metalektro"),
        "werkdruk-thuiszorg-rapport.pdf": build_pdf(WERKDRUK, "Werkdruk in de thuiszorg"),
        "taakroulatie-kuipers-verpakkingen.pdf": build_pdf(KUIPERS, "Evaluatie taakroulatie Kuipers Verpakkingen"),
        "werkoverleg-de-groot.pdf": build_pdf(DE_GROOT, "Werkoverleg De Groot"),
        "teamleren-speelkwartier.pdf": encrypt(build_pdf(SPEELKWARTIER, "Handboek leerteams"), "speelkwartier"),
        # A broken upload: the start of a real PDF, then the rest of the file lost.
        "evaluatie-noordhaven.pdf": build_pdf(KUIPERS, "Evaluatie slimmer werken")[:400] + b"\x00" * 600,
        "functioneringsgesprekken-veenstra.docx": build_docx(VEENSTRA),
    }
    for name, data in files.items():
        (OUT / name).write_bytes(data)
        print(f"wrote {OUT / name} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
