"""One exception hierarchy for the whole tool, with the exit code each maps to."""

from __future__ import annotations

import errno

# Exit codes; the README documents them ("Exit codes").
EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_USAGE = 2
EXIT_LOCKED = 3
EXIT_QUOTA = 4


class CaseArchiveError(Exception):
    """Base error. ``expected`` errors are user or network problems: shown without a traceback."""

    exit_code = EXIT_USAGE
    expected = True


class ConfigError(CaseArchiveError):
    """The configuration, a flag or an environment variable is wrong or unreadable."""


class InputError(CaseArchiveError):
    """A user-supplied value (channel, URL, query, id) cannot be used."""


class NotFoundError(InputError):
    """Something the user named does not exist (a channel, a case id)."""


class AuthError(CaseArchiveError):
    """The API key is missing, invalid, or not allowed to use the API."""


class QuotaExceeded(CaseArchiveError):
    """The YouTube Data API quota is spent; the run stopped and will resume next time."""

    exit_code = EXIT_QUOTA


class LockHeld(CaseArchiveError):
    """Another run holds the data directory's lock."""

    exit_code = EXIT_LOCKED


class FetchError(CaseArchiveError):
    """A network fetch failed after its retries; the item is counted as failed, the run goes on."""

    exit_code = EXIT_PARTIAL


class ArchiveCorrupt(CaseArchiveError):
    """The on-disk archive is inconsistent (a blob is missing or does not match its hash)."""

    exit_code = EXIT_PARTIAL


class UnparseablePage(CaseArchiveError):
    """An archived page the parser cannot read (the message says why); other items are unaffected."""

    exit_code = EXIT_PARTIAL


# Errors of the disk under the data directory, not of the tool: full, over quota, read-only, no access.
_STORAGE_ERRNOS = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
                   errno.EROFS: "the file system is read-only", errno.EACCES: "no permission to write",
                   errno.EPERM: "no permission to write"}
_SQLITE_STORAGE = {"database or disk is full": "the disk is full",
                   "attempt to write a readonly database": "the file system is read-only",
                   "unable to open database file": "no permission to write"}


def storage_problem(exc: BaseException) -> str | None:
    """One line saying why the data directory cannot be written (full, read-only…), or None if that is not it."""
    if isinstance(exc, OSError) and exc.errno in _STORAGE_ERRNOS:
        where = f": {exc.filename}" if exc.filename else ""
        return f"cannot write to the data directory: {_STORAGE_ERRNOS[exc.errno]} ({exc.strerror}{where})"
    message = str(exc).lower()
    for text, meaning in _SQLITE_STORAGE.items():  # sqlite3.OperationalError says it in words
        if type(exc).__module__ == "sqlite3" and text in message:
            return f"cannot write to the data directory: {meaning} ({text})"
    return None
