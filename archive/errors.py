"""One exception hierarchy for the whole tool, with the exit code each maps to."""

from __future__ import annotations

# Exit codes (SPEC §8); the README documents them.
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
