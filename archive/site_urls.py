"""URLs of the platform: normalising, case ids, scope (host + path prefix), attachments, pagination."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from archive.errors import InputError

DOCUMENT_TYPES = {"pdf": "pdf", "docx": "docx", "doc": "doc", "odt": "odt", "rtf": "rtf", "pptx": "pptx",
                  "ppt": "ppt", "xlsx": "xlsx", "xls": "xls", "epub": "epub", "txt": "txt"}
# Folders where a site keeps uploaded files: an HTML file there is an attachment, not a page.
ATTACHMENT_FOLDERS = ("/media/", "/bijlagen/", "/uploads/", "/wp-content/uploads/", "/downloads/", "/files/")
PAGINATION = re.compile(r"/page/\d+/?$|[?&](?:page|paged|p|pagina)=\d+")
# Archive pages of a taxonomy (themes, sectors, tags…) live under a listing but are not cases.
NOT_CASES = re.compile(r"/(?:thema|themas|sector|sectoren|bron|tag|tags|category|categorie|auteur|author|feed|"
                       r"zoeken|search|page)(?:/|$)")


def normalise_url(url: str) -> str:
    """Drop the fragment, tracking and empty query parameters; lower-case scheme and host."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if v and not k.lower().startswith("utm_")]
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, urlencode(query), ""))


def check_start_url(url: str) -> str:
    """A start URL, normalised; InputError if it is not an absolute http(s) URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"not a start URL: {url!r} (give an absolute http:// or https:// URL of a listing page)")
    return normalise_url(url)


def case_id_from_url(url: str) -> str:
    """A case's stable id: its URL slug (in the old ``/<slug>/<numeric id>`` layout, the slug)."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if len(segments) >= 2 and segments[-1].isdigit():
        return segments[-2]
    return segments[-1] if segments else urlsplit(url).netloc


def case_aliases(url: str) -> tuple[str, ...]:
    """Other ids a case answers to: the numeric id of the old ``/<slug>/<numeric id>`` layout."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return (segments[-1],) if len(segments) >= 2 and segments[-1].isdigit() else ()


def prefix_of(start_url: str) -> str:
    """The path prefix a start URL allows (its folder: ``/kennis/`` for ``/kennis/`` or ``/kennis/x``)."""
    path = urlsplit(start_url).path or "/"
    return path if path.endswith("/") else posixpath.dirname(path) + "/"


def in_scope(url: str, start_url: str) -> bool:
    """Whether ``url`` is on the start URL's host and under its path prefix."""
    a, b = urlsplit(url), urlsplit(start_url)
    return a.netloc.lower() == b.netloc.lower() and a.scheme in ("http", "https") and (
        (a.path or "/").startswith(prefix_of(start_url)))


def same_host(url: str, other: str) -> bool:
    """Whether two URLs are on the same host."""
    return urlsplit(url).netloc.lower() == urlsplit(other).netloc.lower()


def is_pagination(url: str) -> bool:
    """Whether a URL looks like page N of a listing."""
    return bool(PAGINATION.search(url))


def attachment_type(url: str) -> str | None:
    """The document type of an attachment URL (``pdf``, ``docx``, ``html``…), or None for a page."""
    path = urlsplit(url).path.lower()
    ext = path.rsplit(".", 1)[-1] if "." in posixpath.basename(path) else ""
    if ext in DOCUMENT_TYPES:
        return DOCUMENT_TYPES[ext]
    if ext in ("html", "htm", "") and any(folder in path for folder in ATTACHMENT_FOLDERS):
        return "html"
    return None  # a page, or a file that is no note (an image, a video)
