"""Terminal output for people: tables and progress bars (the library never imports this)."""

from __future__ import annotations

import logging
import shutil
import sys
import time
from typing import Any, Sequence, TextIO

import click

# Where the group's --progress/--no-progress is kept for every command's bars (None: a terminal decides).
PROGRESS_KEY = "casearchive.progress"
BAR_WIDTH = 24
# What a step counts where that is not the command's own unit (``update`` runs every step).
STEP_UNITS = {"index": "units", "caption files": "videos", "online transcripts": "videos"}


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print rows as an aligned plain-text table (numbers right-aligned)."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    numeric = [all(isinstance(row[i], (int, float)) for row in rows) and bool(rows) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        """One row, its cells padded to the column widths."""
        return "  ".join(c.rjust(w) if numeric[i] else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()

    click.echo(line(cells[0]))
    click.echo("  ".join("-" * w for w in widths))
    for row in cells[1:]:
        click.echo(line(row))


class TerminalProgress:
    """A progress callback ``(label, done, total)`` drawn as one line on stderr when it is a terminal.

    Not a terminal (cron, a pipe, a log file) means no output at all, unless ``--progress`` forces
    it; ``--no-progress`` silences it on a terminal. A total that is not known yet (the listing
    pages of a crawl) is drawn as a count. A log line said while a bar is drawn clears the bar
    first, so the two never share a line.
    """

    def __init__(self, unit: str, enabled: bool | None = None, stream: TextIO | None = None) -> None:
        self.unit = unit
        self.stream = stream or sys.stderr
        ctx = click.get_current_context(silent=True)
        forced = ctx.meta.get(PROGRESS_KEY) if ctx is not None else None
        choice = enabled if enabled is not None else forced
        self.enabled = self.stream.isatty() if choice is None else bool(choice)
        self._label: str | None = None
        self._started = 0.0
        self._drawn = False
        self._log_filter = _ClearBeforeLog(self)

    def __enter__(self) -> "TerminalProgress":
        if self.enabled:
            _our_handlers_filter(self._log_filter, add=True)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            _our_handlers_filter(self._log_filter, add=False)
            self.finish()

    def finish(self) -> None:
        """End the line in progress, if any, so what follows starts on its own line."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False

    def clear(self) -> None:
        """Wipe the line in progress (it is drawn again at the next step)."""
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False

    def __call__(self, label: str, done: int, total: int | None) -> None:
        """Draw progress: a new label starts a new line."""
        if not self.enabled:
            return
        if label != self._label:
            self.finish()
            self._label, self._started = label, time.monotonic()
        self.stream.write("\r" + self.line(label, done, total) + "\x1b[K")
        self.stream.flush()
        self._drawn = True

    def line(self, label: str, done: int, total: int | None) -> str:
        """The bar for this step, cut to the terminal's width."""
        head = f"{label} ({STEP_UNITS.get(label, self.unit)})"
        if not total:
            text = f"{head}: {done}"
        else:
            share = min(1.0, max(0, done) / total)
            bar = "#" * int(share * BAR_WIDTH)
            elapsed = time.monotonic() - self._started
            left = f"  {_clock(elapsed / share - elapsed)} left" if 0 < share < 1 and elapsed >= 1 else ""
            text = f"{head} [{bar:<{BAR_WIDTH}}] {done}/{total}{left}"
        return text[:max(10, shutil.get_terminal_size().columns - 1)]


def _clock(seconds: float) -> str:
    """Seconds as m:ss (h:mm:ss from an hour)."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class _ClearBeforeLog(logging.Filter):
    """Clears the progress line before our log handler writes a line (it lets every record through)."""

    def __init__(self, progress: TerminalProgress) -> None:
        super().__init__()
        self.progress = progress

    def filter(self, record: logging.LogRecord) -> bool:
        """Wipe the bar; the record goes on."""
        self.progress.clear()
        return True


def _our_handlers_filter(log_filter: logging.Filter, *, add: bool) -> None:
    """Add or remove ``log_filter`` on the CLI's own log handler (named "casearchive")."""
    for handler in logging.getLogger().handlers:
        if handler.get_name() == "casearchive":
            (handler.addFilter if add else handler.removeFilter)(log_filter)
