#!/usr/bin/env python3
"""Write the SAMPLE scanned note archive/sample/platform/media/bijlagen/ergonomie-oostwold-scan.pdf.

Development tool, run by hand when the sample changes; the generated PDF is committed, so the demo
needs neither Pillow's fonts nor this script. The page is one black-and-white image (300 dpi, A4, a
slight tilt and a few specks as a scanner leaves them) in a PDF without a text layer: with Tesseract and its
Dutch model the demo reads it by OCR, without them the demo says so and skips it. The words are
real (see archive/sample/README.md); the scan is ours. Needs Pillow (pytesseract brings it) and
Debian's fonts-dejavu-core. Output is deterministic.
"""

from __future__ import annotations

import random
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = (Path(__file__).resolve().parent.parent / "archive" / "sample" / "platform" / "media" / "bijlagen"
       / "ergonomie-oostwold-scan.pdf")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"
DPI = 300
A4 = (2480, 3508)  # 210 × 297 mm at 300 dpi
HEADER = "SAMPLE DATA - gescande pagina; de tekst komt van een pagina van de kennisbank"
TITLE = "Doorgeven is aanpakken. Tussenstand van 10 jaar sociale innovatie"
HEADING = "Opzet publicatie"
# Verbatim from https://www.kennisbanksocialeinnovatie.nl/kennis/doorgeven-is-aanpakken-tussenstand-van-10-jaar-sociale-innovatie/
# (section "Opzet publicatie"; a copy: /work/shared/reference/kennisbank/02_…doorgeven-is-aanpakken.excerpt.txt).
TEXT = ("De reflectie start met een beschouwing over het ontstaan van sociale innovatie en de doelstelling hiervan. "
        "In hoofdstuk twee worden de opinieleiders van sociale innovatie gedefinieerd en wordt gekeken welke "
        "doelstellingen zij hadden. Hoofdstuk drie geeft een analytisch raamwerk, waarmee in hoofdstuk vier bekeken "
        "wordt of de genoemde doelstellingen zijn gerealiseerd. In hoofdstuk vijf tenslotte, wordt de potentie van "
        "sociale innovatie in de toekomst geëvalueerd. Daarnaast zijn in deze publicatie interviews met enkele "
        "hoofdrolspelers in de bevordering van sociale innovatie opgenomen, evenals een aantal aansprekende "
        "voorbeelden van bedrijven.")
STAMP = datetime(2014, 3, 12, 9, 30, tzinfo=timezone.utc)  # a fixed date keeps the file the same on every run


def render() -> Image.Image:
    """The page as a scanner would give it: 11 pt serif text at 300 dpi, tilted 0.4°, a few specks."""
    page = Image.new("L", A4, 255)
    draw = ImageDraw.Draw(page)
    small, body, bold = (ImageFont.truetype(FONT, 34), ImageFont.truetype(FONT, 46), ImageFont.truetype(BOLD, 54))
    draw.text((236, 200), HEADER, font=small, fill=60)
    draw.text((236, 330), TITLE, font=bold, fill=10)
    draw.text((236, 480), HEADING, font=ImageFont.truetype(BOLD, 46), fill=10)
    for number, line in enumerate(textwrap.wrap(TEXT, 74)):
        draw.text((236, 580 + number * 70), line, font=body, fill=25)
    specks = random.Random(18)
    for _ in range(400):  # dust on the glass: isolated dots, too small to be read as letters
        x, y = specks.randrange(A4[0]), specks.randrange(A4[1])
        draw.point((x, y), fill=specks.randrange(90, 200))
    tilted = page.rotate(0.4, fillcolor=255, resample=Image.Resampling.BICUBIC)
    # Black and white, as office scanners send documents: the PDF holds it CCITT G4-compressed (~20 kB).
    return tilted.point(lambda value: 0 if value < 150 else 255).convert("1", dither=Image.Dither.NONE)


def main() -> int:
    """Render the page and write it as a PDF without a text layer."""
    render().save(OUT, "PDF", resolution=float(DPI), title="Werkplekscan Oostwold (scan)",
                  producer="casearchive sample generator", creationDate=STAMP.timetuple(), modDate=STAMP.timetuple())
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
