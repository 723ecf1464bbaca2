"""Videos linked from attached notes (PDF link annotations and text, DOCX hyperlinks), and every
form end to end: a case whose page or note holds it gets the case–video link with its evidence."""

from __future__ import annotations

import io
import zipfile

from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Link

from archive.notes import parse_note
from index.engine.build import read_links
from scripts.make_sample_notes import build_docx, build_pdf
from tests.update_world import World, world  # noqa: F401 (the fixture)

LINES = ["SAMPLE DATA - Notitie met film", "Bekijk de film (de link hierboven) of lees verder op",
         # A long address wrapped onto the next line, as PDF writers do.
         "https://www.youtube.com/watch?v=nRH9u", "cAUsdM&t=1m30s over werkoverleg."]


def pdf_with_link(url: str, lines: list[str] = LINES) -> bytes:
    """A one-page PDF with a text layer and one link annotation to ``url``."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(build_pdf([lines], "Notitie met film"))))
    writer.add_annotation(page_number=0, annotation=Link(rect=(72, 700, 300, 715), url=url))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_pdf_gives_the_videos_of_its_link_annotations_and_of_addresses_in_its_text() -> None:
    note = parse_note(pdf_with_link("https://youtu.be/lHUvTCQCyEZ?si=AbC&t=42"), "https://x.example/n.pdf")
    assert note.status == "ok"
    assert [(y.id, y.start, y.text) for y in note.pages[0].youtube] == [
        ("lHUvTCQCyEZ", 42, "link annotation"), ("nRH9ucAUsdM", 90, "text")]


def test_a_pdf_without_youtube_links_gives_none_and_other_links_are_not_videos() -> None:
    lines = ["SAMPLE DATA - Notitie", "Meer op https://www.youtube.com/results?search_query=werkoverleg en",
             "https://www.youtube.com/@duurzaammeedoen."]
    note = parse_note(pdf_with_link("https://www.example.org/rapport", lines), "https://x.example/n.pdf")
    assert [(y.kind, y.id) for y in note.pages[0].youtube] == [("channel", "@duurzaammeedoen")]


def test_a_docx_gives_the_videos_of_its_hyperlinks() -> None:
    body = build_docx(["Kijk de film over werkoverleg."])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(body)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("word/_rels/document.xml.rels",
                        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                        'relationships"><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/'
                        'officeDocument/2006/relationships/hyperlink" Target="https://www.youtube.com/watch?v='
                        'nRH9ucAUsdM&amp;feature=youtu.be" TargetMode="External"/></Relationships>')
    note = parse_note(buffer.getvalue(), "https://x.example/n.docx")
    assert [(y.id, y.text) for y in note.pages[0].youtube] == [("nRH9ucAUsdM", "hyperlink")]


def test_a_corrupt_pdf_is_one_failed_note_with_its_reason() -> None:
    good = pdf_with_link("https://youtu.be/lHUvTCQCyEZ")
    note = parse_note(good[: len(good) // 3], "https://x.example/kapot.pdf")
    assert note.status == "failed" and note.reason.startswith("corrupt PDF") and note.pages == ()


# Forms put into case pages that do not link these videos otherwise (no channel, no company).
PAGE_FORMS = {
    "teamleren-in-de-kinderopvang": (
        "nRH9ucAUsdM", '<div class="cookieconsent-optin-marketing"><iframe data-cookieblock-src='
                       '"https://www.youtube-nocookie.com/embed/nRH9ucAUsdM?start=30" data-cookieconsent="marketing">'
                       '</iframe></div>'),
    "generatiepact-bij-transportbedrijf-van-wijk": (
        "lHUvTCQCyEZ", '<lite-youtube videoid="lHUvTCQCyEZ"></lite-youtube>'),
    "functioneringsgesprekken-nieuwe-stijl-bij-drukkerij-veenstra": (
        "U8po-799Nks", '<object width="425" height="344"><param name="movie" value="http://www.youtube.com/v/'
                       'U8po-799Nks&hl=en&fs=1"></param><embed src="http://www.youtube.com/v/U8po-799Nks&hl=en&fs=1"'
                       ' type="application/x-shockwave-flash"></embed></object>'),
    "leren-op-de-werkvloer-bij-bouwbedrijf-hendriks": (
        "atmUdjAWtGS", '<figure class="wp-block-embed is-type-video is-provider-youtube"><div class='
                       '"wp-block-embed__wrapper">\n'
                       'https://www.youtube.com/watch?feature=player_embedded&v=atmUdjAWtGS\n'
                       '</div></figure>'),
}
NOTE_CASE = "werkdrukvermindering-in-de-thuiszorg"
NOTE = "media/bijlagen/werkdruk-thuiszorg-rapport.pdf"


def _embed(world: World, slug: str, html: str) -> None:
    page = world.platform / "kennis" / slug / "index.html"
    text = page.read_text(encoding="utf-8")
    at = text.index("</h2>", text.index("<article")) + len("</h2>")  # under the article's first heading
    page.write_text(f"{text[:at]}\n{html}{text[at:]}", encoding="utf-8")


def test_every_form_in_a_case_page_or_its_note_links_the_case_and_the_video(world: World) -> None:
    for slug, (_, html) in PAGE_FORMS.items():
        _embed(world, slug, html)
    (world.platform / NOTE).write_bytes(pdf_with_link("https://youtu.be/ZhyiA4uoRgn?si=AbC&t=42"))
    assert world.update().exit_code == 0
    evidence = {(link["source"], link["target"]): [e["rule"] for e in link["evidence"]]
                for link in read_links(world.data_dir)}
    for slug, (video_id, _) in PAGE_FORMS.items():
        assert "case page links the video" in evidence.get((f"video:{video_id}", f"case:{slug}"), []), slug
    for video_id in ("ZhyiA4uoRgn", "nRH9ucAUsdM"):  # the annotation, and the address wrapped in the text
        rules = evidence.get((f"video:{video_id}", f"case:{NOTE_CASE}"), [])
        assert "a note of the case links the video" in rules, video_id
