"""Curation of links from the web: refused unless the server was given a token, and the request carries it."""

from __future__ import annotations

import hmac

from fastapi import Request

from archive.errors import CaseArchiveError


class CurationRefused(CaseArchiveError):
    """Curation is off on this server, or the token is wrong (HTTP 403)."""


def check_token(request: Request, given: str | None) -> None:
    """Refuse unless a token is configured and ``given`` matches it (compared in constant time)."""
    expected: str | None = request.app.state.curation_token
    if not expected:
        raise CurationRefused("curation is off on this server (start it with a curation token to enable it)")
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise CurationRefused("wrong or missing curation token")


def enabled(request: Request) -> bool:
    """Whether the pages show the confirm/reject forms."""
    return bool(request.app.state.curation_token)
