"""Keep secrets out of messages, logs and the archive."""

from __future__ import annotations

import logging
import re

# google-api-python-client puts the key in the query string of every URI it logs or raises.
_KEY_PARAM = re.compile(r"(?i)([?&;]key=)[^&\s\"'<>]+")
_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a secret so that ``redact`` removes it wherever it appears."""
    if value and len(value) >= 4:
        _secrets.add(value)


def redact(text: str) -> str:
    """Return ``text`` with API keys (``key=…`` and every registered secret) replaced."""
    text = _KEY_PARAM.sub(r"\1REDACTED", text)
    for secret in _secrets:
        text = text.replace(secret, "REDACTED")
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that redacts secrets from the fully formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks repeat the exception text; format it now, redacted, and drop the original.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def install_log_redaction(handler: logging.Handler) -> None:
    """Attach the redacting filter to a handler (filters on handlers see every logger's records)."""
    if not any(isinstance(f, RedactingFilter) for f in handler.filters):
        handler.addFilter(RedactingFilter())
