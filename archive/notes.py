"""Attached notes (PDF, DOCX, HTML) as text per page: pure parsing, no I/O.

PDF text comes from pypdf page by page, so a search hit can link to ``…pdf#page=N``. The YouTube
videos (and channels, playlists) a note links are kept per page: from PDF link annotations, DOCX
hyperlinks, an HTML note's links and embeds, and addresses written in the text (also when a PDF
wraps a long address onto the next line). Text is
NFKC-normalised (the ligatures ﬁ, ﬂ become fi, fl; ĳ becomes ij) and line-end hyphenation is
joined where the joined word is a word of the same document ("werkdruk-⏎vermindering"), while
real hyphens stay ("HR-⏎managers", "werkgevers-⏎en werknemers"). Encrypted, scanned (no text
layer) and corrupt files come back as a failed ``Note`` with the reason; nothing raises.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Iterator, Literal
from xml.etree import ElementTree

from archive.budget import OverBudget, check_size, checkpoint, limits, time_budget
from archive.embeds import addresses_across_lines
from archive.ocr import INSTALL, INSTALL_HINT, OcrFailed, OcrUnavailable, ocr_page
from archive.page_text import YouTubeLink, decode_html, drop_boilerplate, find_youtube_links, norm, soup_of
from archive.site_urls import attachment_type
from archive.youtube_refs import parse_youtube_url

# A word broken at a line end. The left word is matched only from its start: tried from every
# position of a long word, the pattern was quadratic in the word's length (40 KB: 25 s).
_HYPHENATED = re.compile(r"(?<!\w)(\w+)([-\u00ad\u2010])[ \t]*\n\s*(\w+)")
_WORD = re.compile(r"\w+(?:-\w+)*")
_ELIDED = {"en", "of", "tot", "and", "or", "to"}
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_XML_BYTES = 50_000_000
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NotePage:
    """The text of one page (a DOCX or HTML note is one page) and the YouTube references it links."""

    number: int
    text: str
    youtube: tuple[YouTubeLink, ...] = ()
    ocr: bool = False  # the text is Tesseract's reading of a scanned page, not the PDF's text layer


@dataclass(frozen=True)
class Note:
    """An attachment's text per page, or why it could not be read."""

    url: str
    type: str
    status: Literal["ok", "failed"]
    pages: tuple[NotePage, ...] = ()
    reason: str | None = None
    title: str | None = None
    skipped: tuple[str, ...] = ()  # pages left out, each with why ("page 3: scanned, no text layer; …")

    @property
    def text(self) -> str:
        """All pages' text, separated by blank lines."""
        return "\n\n".join(page.text for page in self.pages if page.text)

    def page_url(self, number: int) -> str:
        """A deep link to one page (``#page=N`` for PDFs, the note itself otherwise)."""
        return f"{self.url}#page={number}" if self.type == "pdf" else self.url

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def youtube_links(addresses: Iterable[tuple[str, str]]) -> tuple[YouTubeLink, ...]:
    """The YouTube references among (address, how it was linked) pairs, once each."""
    found: dict[tuple[str, str, int | None], YouTubeLink] = {}
    for address, how in addresses:
        ref = parse_youtube_url(address)
        if ref is not None and (ref.kind, ref.value, ref.start) not in found:
            found[(ref.kind, ref.value, ref.start)] = YouTubeLink(ref.kind, ref.value, address, ref.start, how)
    return tuple(found.values())


def _text_links(text: str) -> list[tuple[str, str]]:
    return [(address, "text") for address in addresses_across_lines(text)]


def _failed(url: str, kind: str, reason: str) -> Note:
    return Note(url, kind, "failed", reason=reason)


def clean_text(text: str, vocabulary: set[str] | None = None) -> str:
    """NFKC-normalise, join line-end hyphenation where the joined word is a word, tidy spaces."""
    text = unicodedata.normalize("NFKC", text)
    vocabulary = vocabulary if vocabulary is not None else words_of(text)

    def join(match: re.Match[str]) -> str:
        left, hyphen, right = match.groups()
        if hyphen == "\u00ad":
            return left + right
        if right.lower() in _ELIDED:  # "werkgevers-⏎en werknemers": an elided compound
            return f"{left}- {right}"
        if left[-1].isupper() or left[-1].isdigit() or right[0].isupper():  # "HR-managers", "A4-formaat"
            return f"{left}-{right}"
        if (left + right).lower() in vocabulary or f"{left}-{right}".lower() not in vocabulary:
            return left + right
        return f"{left}-{right}"

    text = _HYPHENATED.sub(join, text)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def words_of(text: str) -> set[str]:
    """The lower-cased words of a text that are not split across a line end."""
    unbroken = _HYPHENATED.sub(" ", unicodedata.normalize("NFKC", text))
    return {w.lower() for w in _WORD.findall(unbroken)}


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs damage ("EOF marker not found") as warnings; our failure reason says it better."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _annotation_links(page: Any) -> list[tuple[str, str]]:
    """The addresses of a PDF page's link annotations (``/Annots`` with an ``/A`` ``/URI`` action).

    A damaged annotation is skipped: the page's text is still worth having."""
    found = []
    try:
        for annotation in page.get("/Annots") or ():
            action = annotation.get_object().get("/A")
            uri = action.get_object().get("/URI") if action is not None else None
            if uri is not None:
                found.append((uri.decode("latin-1") if isinstance(uri, bytes) else str(uri), "link annotation"))
    except Exception:  # pypdf raises many kinds of error on a damaged object (see _read_pdf)
        log.debug("skipped a damaged link annotation", exc_info=True)
    return found


_Read = tuple[list[str], list[list[tuple[str, str]]], str | None, "_Scans"]


def _read_pdf(body: bytes) -> _Read | str:
    """The pages' raw text, their link annotations, the title and what OCR read of the scanned pages,
    or the reason the PDF cannot be read."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        with _quiet_pypdf():
            reader = PdfReader(io.BytesIO(body), strict=False)
            if reader.is_encrypted:
                try:
                    opened = reader.decrypt("")
                except (PyPdfError, NotImplementedError) as exc:
                    return f"encrypted PDF that cannot be opened: {exc}"
                if not opened:
                    return "encrypted PDF: a password is needed to read it"
            raw = _pages_text(reader.pages)
            links = [_annotation_links(page) for page in reader.pages]
            title = reader.metadata.title if reader.metadata else None
            scans = _read_scans(reader.pages, raw)
    except OverBudget:
        raise
    # pypdf raises a wide variety of errors on damaged files (PdfReadError, struct, zlib, key,
    # recursion errors); each means "this file cannot be read", which is what we record.
    except Exception as exc:
        return f"corrupt PDF: {type(exc).__name__}: {exc}"
    return raw, links, str(title) if title else None, scans


@dataclass
class _Scans:
    """What OCR made of the pages without a text layer: text by page number, pages skipped (with why)."""

    read: dict[int, str]
    skipped: list[str]
    unavailable: bool = False


def _read_scans(pages: Any, raw: list[str]) -> _Scans:
    """OCR every page that has images but no text layer (a scan); a page that cannot be read is skipped."""
    scans = _Scans({}, [])
    for number, (page, text) in enumerate(zip(pages, raw), 1):
        if text.strip() or scans.unavailable:
            continue
        try:
            if not page.images:
                continue  # a blank page, not a scan
            scans.read[number] = ocr_page(page, number)
        except OverBudget:
            raise
        except OcrUnavailable:
            scans.unavailable = True
        except OcrFailed as exc:
            scans.skipped.append(f"page {number}: scanned, {exc}")
        except Exception as exc:  # pypdf raises many kinds of error on an image it cannot decode
            scans.skipped.append(f"page {number}: scanned, its image cannot be read ({type(exc).__name__}: {exc})")
    if scans.unavailable:  # every page without text is then unread: say so once per page
        scans.skipped = [f"page {n}: {INSTALL_HINT}" for n, text in enumerate(raw, 1)
                         if not text.strip() and n not in scans.read]
    return scans


def _content_identity(page: Any) -> tuple[object, ...] | None:
    """What a page draws, by object: its content streams' object numbers and its resources; None
    when a content stream is not a numbered object (then the page is read on its own)."""
    contents = page.get("/Contents")
    refs = contents if isinstance(contents, list) else [contents]
    if not refs or not all(hasattr(ref, "idnum") for ref in refs):
        return None
    resources = page.get("/Resources")
    return (tuple((ref.idnum, ref.generation) for ref in refs),
            (resources.idnum, resources.generation) if hasattr(resources, "idnum") else repr(resources)[:10_000])


def _pages_text(pages: Any) -> list[str]:
    """Each page's text, read once per content: a PDF whose pages share one content stream (50
    pages, one stream of 20,000 text operators: 50 times 9 s) reads it once. Within the budgets:
    the decoded content of a page (``pdf_page_bytes``), the text of all pages (``note_chars``)
    and the time (checked between operators, so one page cannot stall a run either)."""
    budget = limits()
    read: dict[tuple[object, ...], str] = {}
    texts: list[str] = []
    total = 0
    for number, page in enumerate(pages, 1):
        checkpoint(f"page {number}")
        identity = _content_identity(page)
        if identity is None or identity not in read:
            contents = page.get_contents()
            size = len(contents.get_data()) if contents is not None else 0
            check_size(size, budget.pdf_page_bytes, f"page {number}'s content in bytes", "pdf_page_bytes")
            text = page.extract_text(visitor_operand_before=lambda *_: checkpoint(f"page {number}")) or ""  # noqa: B023
            if identity is not None:
                read[identity] = text
        else:
            text = read[identity]
        total += len(text)
        check_size(total, budget.note_chars, f"the text up to page {number} in characters", "note_chars")
        texts.append(text)
    return texts


def parse_pdf(body: bytes, url: str) -> Note:
    """A PDF's text per page; failed with a reason when encrypted, scanned or corrupt."""
    if b"%PDF-" not in body[:1024]:
        start = body[:20].decode("latin-1", errors="replace").strip()
        return _failed(url, "pdf", f"not a PDF (the file starts with {start!r})")
    read = _read_pdf(body)
    if isinstance(read, str):
        return _failed(url, "pdf", read)
    raw, links, title, scans = read
    if not raw:
        return _failed(url, "pdf", "corrupt PDF: it has no pages")
    for number, text in scans.read.items():
        raw[number - 1] = text
    if not any(text.strip() for text in raw):
        why = (f"; {INSTALL}" if scans.unavailable else
               "; " + "; ".join(scans.skipped) if scans.skipped else
               ", and OCR read no text" if scans.read else "")
        return _failed(url, "pdf", f"no text layer in {len(raw)} page(s) (a scan?){why}")
    vocabulary = words_of("\n".join(raw))
    # Addresses come from the raw text: joining hyphenated line ends could change an id with a hyphen.
    pages = tuple(NotePage(n, clean_text(text, vocabulary), youtube_links(links[n - 1] + _text_links(text)),
                           ocr=n in scans.read)
                  for n, text in enumerate(raw, 1))
    return Note(url, "pdf", "ok", pages, title=title, skipped=tuple(scans.skipped))


def parse_docx(body: bytes, url: str) -> Note:
    """A Word document's paragraphs as one page."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            info = archive.getinfo("word/document.xml")
            if info.file_size > MAX_XML_BYTES:
                return _failed(url, "docx", "document.xml is too large")
            xml = archive.read(info)
            targets = _docx_hyperlinks(archive)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        return _failed(url, "docx", f"corrupt DOCX: {exc}")
    if b"<!ENTITY" in xml:
        return _failed(url, "docx", "DOCX declares XML entities; refused")
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        return _failed(url, "docx", f"corrupt DOCX: {exc}")
    paragraphs = []
    for para in root.iter(f"{_W}p"):
        parts = []
        for node in para.iter():
            if node.tag == f"{_W}t":
                parts.append(node.text or "")
            elif node.tag in (f"{_W}tab", f"{_W}br"):
                parts.append(" ")
        paragraphs.append("".join(parts))
    text = clean_text("\n".join(paragraphs))
    if not text:
        return _failed(url, "docx", "the document has no text")
    return Note(url, "docx", "ok", (NotePage(1, text, youtube_links(targets + _text_links(text))),))


def _docx_hyperlinks(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """The external targets of a DOCX's hyperlinks (word/_rels/document.xml.rels); none if unreadable."""
    try:
        info = archive.getinfo("word/_rels/document.xml.rels")
        xml = archive.read(info) if info.file_size <= MAX_XML_BYTES else b""
        root = ElementTree.fromstring(xml) if xml and b"<!ENTITY" not in xml else None
    except (KeyError, ElementTree.ParseError):
        return []
    return [(str(rel.get("Target")), "hyperlink") for rel in (root.iter() if root is not None else ())
            if rel.get("TargetMode") == "External" and rel.get("Target")]


def parse_html_note(body: bytes, url: str) -> Note:
    """An HTML attachment's text (without site chrome) as one page."""
    soup = soup_of(body)
    title = norm(soup.title.get_text(" ")) if soup.title else None
    drop_boilerplate(soup)
    root = soup.body or soup
    youtube = find_youtube_links(root, url)
    text = clean_text("\n".join(norm(line) for line in root.get_text("\n").splitlines()))
    if not text:
        return _failed(url, "html", "the page has no text")
    return Note(url, "html", "ok", (NotePage(1, text, youtube),), title=title or None)


def note_type(url: str, content_type: str | None, body: bytes) -> str:
    """The type of an attachment from its bytes, its URL and its content type."""
    by_url = attachment_type(url)
    if body[:1024].lstrip().startswith(b"%PDF-") or by_url == "pdf" or content_type == "application/pdf":
        return "pdf"
    if by_url == "docx" or (body[:4] == b"PK\x03\x04" and (content_type or "").endswith("wordprocessingml.document")):
        return "docx"
    if by_url == "html" or content_type in ("text/html", "application/xhtml+xml"):
        return "html"
    return by_url or "unknown"


def parse_note(body: bytes, url: str, content_type: str | None = None) -> Note:
    """Parse an attachment of any supported type; unsupported types, and a note over its size or
    time budget (``archive.budget``), come back failed with the reason."""
    kind = note_type(url, content_type, body)
    try:
        check_size(len(body), limits().note_bytes, "the file in bytes", "note_bytes")
        with time_budget("reading the note"):
            note = _parse_typed(kind, body, url)
        check_size(len(note.text), limits().note_chars, "the text in characters", "note_chars")
        return note
    except OverBudget as exc:
        return _failed(url, kind, f"over budget: {exc}")


def _parse_typed(kind: str, body: bytes, url: str) -> Note:
    """Parse an attachment of a known type."""
    if kind == "pdf":
        return parse_pdf(body, url)
    if kind == "docx":
        return parse_docx(body, url)
    if kind == "html":
        return parse_html_note(body, url)
    if kind == "txt":
        text = clean_text(decode_html(body))
        page = NotePage(1, text, youtube_links(_text_links(text)))
        return Note(url, "txt", "ok", (page,)) if text else _failed(url, "txt", "the file is empty")
    return _failed(url, kind, f"unsupported attachment type {kind!r}")
