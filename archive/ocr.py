"""Scanned PDF pages read with Tesseract's Dutch model (Debian's ``tesseract-ocr`` and
``tesseract-ocr-nld``), through pytesseract, on the images pypdf extracts from the page.

A scanned PDF is one image per page. Each image is read once: its text is kept by the image's
sha256 (with the Tesseract version and language) in memory and, when ``use_ocr_cache`` named a
folder (the data directory's ``cache/ocr``), in a file there, so an index build after a harvest,
or after the parse cache was dropped, does not read it again. Without Tesseract (or its Dutch
model) a scanned page is skipped with the reason ``INSTALL_HINT``; nothing raises.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from archive.budget import checkpoint, limits

log = logging.getLogger(__name__)

LANGUAGE = "nld"
INSTALL = "install tesseract-ocr and tesseract-ocr-nld to read it"
INSTALL_HINT = f"scanned, no text layer; {INSTALL}"
# An image this small holds no readable line of text (a logo, a rule, a tile of a pattern).
MIN_SIDE = 32
_cache_dir: ContextVar[Path | None] = ContextVar("casearchive_ocr_cache", default=None)
_memory: dict[str, str] = {}


class OcrUnavailable(Exception):
    """Tesseract or its Dutch model is not installed (the message says what to install)."""


class OcrFailed(Exception):
    """Tesseract could not read an image (the message says why)."""


def cache_dir(data_dir: str | Path) -> Path:
    """Where a data directory keeps OCR text (beside the parse cache, never inside the archive)."""
    return Path(data_dir) / "cache" / "ocr"


@contextmanager
def ocr_cache(directory: Path | None) -> Iterator[None]:
    """Keep OCR text in files under ``directory`` inside this block (None: in memory only)."""
    token = _cache_dir.set(directory)
    try:
        yield
    finally:
        _cache_dir.reset(token)


@lru_cache(maxsize=1)
def engine() -> str | None:
    """The Tesseract version that reads Dutch here, or None (no tesseract, no pytesseract, no nld model)."""
    if shutil.which("tesseract") is None:
        return None
    try:
        import pytesseract

        if LANGUAGE not in pytesseract.get_languages(config=""):
            return None
        return str(pytesseract.get_tesseract_version())
    except Exception:  # a missing module, a broken install: either way there is no OCR here
        log.debug("tesseract is not usable", exc_info=True)
        return None


def _key(data: bytes, version: str) -> str:
    return hashlib.sha256(data + f"\0tesseract {version} {LANGUAGE}".encode()).hexdigest()


def _cached(key: str) -> str | None:
    if key in _memory:
        return _memory[key]
    folder = _cache_dir.get()
    try:
        text = (folder / f"{key}.txt").read_text(encoding="utf-8") if folder is not None else None
    except OSError:
        return None
    if text is not None:
        _memory[key] = text
    return text


def _keep(key: str, text: str) -> None:
    _memory[key] = text
    folder = _cache_dir.get()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"{key}.part"
        partial.write_text(text, encoding="utf-8")
        partial.replace(folder / f"{key}.txt")
    except OSError as exc:  # a cache that cannot be written only costs a second reading
        log.warning("OCR cache not written (%s): %s", folder, exc)


def recognise(image: Any) -> str:
    """Tesseract's Dutch reading of a PIL image, within the parse time budget."""
    import pytesseract

    seconds = limits().parse_seconds
    try:
        text = pytesseract.image_to_string(image, lang=LANGUAGE, timeout=seconds or 0)
    except RuntimeError as exc:  # pytesseract's timeout
        raise OcrFailed(f"OCR took longer than {seconds:g} s (limits.parse_seconds)") from exc
    except pytesseract.TesseractError as exc:
        raise OcrFailed(f"OCR failed: {exc.message or exc.status}") from exc
    return str(text)


def ocr_page(page: Any, number: int) -> str:
    """The text Tesseract reads in a page's images, each read once (cached by its hash).

    OcrUnavailable when there is no Tesseract with Dutch; OcrFailed when an image cannot be read."""
    version = engine()
    if version is None:
        raise OcrUnavailable(INSTALL_HINT)
    texts = []
    for image in page.images:
        checkpoint(f"page {number}")
        key = _key(image.data, version)
        text = _cached(key)
        if text is None:
            picture = image.image
            small = picture is None or min(picture.size) < MIN_SIDE
            text = "" if small else recognise(picture)
            _keep(key, text)
        texts.append(text)
    checkpoint(f"page {number}")
    return "\n\n".join(text.strip() for text in texts if text.strip())
