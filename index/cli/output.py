"""Terminal output for people: tables and progress bars (the library never imports this)."""

from __future__ import annotations

import logging
import shutil
import sys
import threading
import time
from typing import Any, Sequence, TextIO

import click

# Where the group's --progress/--no-progress is kept for every command's bars (None: a terminal decides).
PROGRESS_KEY = "casearchive.progress"
BAR_WIDTH = 24
# What a step counts where that is not the command's own unit (``update`` and ``index`` run many steps).
STEP_UNITS = {"adding units": "units", "caption files": "videos", "online transcripts": "videos",
              "reading case pages": "pages", "reading archived notes": "notes", "reading videos": "videos",
              "reading transcripts": "transcripts", "making units": "transcripts"}
# A step's line is drawn at most this often (seconds): a step that ticks per item stays cheap.
REDRAW = 0.1
# A step with no new tick for this long is drawn again with its time so far, so a slow item or a
# step that counts nothing (saving the index) never looks stuck.
HEARTBEAT = 1.0


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
    pages of a crawl) is drawn as a count; a step with nothing to count (``done`` and ``total``
    0: saving the index) as its name and time so far. While a step waits, a thread draws its
    line again every ``heartbeat`` seconds with the time it has taken. A log line said while a
    bar is drawn clears the bar first, so the two never share a line.
    """

    def __init__(self, unit: str, enabled: bool | None = None, stream: TextIO | None = None,
                 heartbeat: float = HEARTBEAT) -> None:
        self.unit = unit
        self.stream = stream or sys.stderr
        ctx = click.get_current_context(silent=True)
        forced = ctx.meta.get(PROGRESS_KEY) if ctx is not None else None
        choice = enabled if enabled is not None else forced
        self.enabled = self.stream.isatty() if choice is None else bool(choice)
        self.heartbeat = heartbeat
        self._step: tuple[str, int, int | None] | None = None  # the latest tick
        self._shown: tuple[str, int, int | None] | None = None  # the tick drawn last
        self._started = self._drawn_at = self._cleared_at = 0.0
        self._drawn = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._log_filter = _ClearBeforeLog(self)

    def __enter__(self) -> "TerminalProgress":
        if self.enabled:
            _our_handlers_filter(self._log_filter, add=True)
            self._thread = threading.Thread(target=self._beat, name="progress-heartbeat", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self._stop.set()
            if self._thread is not None:
                self._thread.join()
            _our_handlers_filter(self._log_filter, add=False)
            self.finish()

    def finish(self) -> None:
        """End the line in progress, if any, so what follows starts on its own line."""
        with self._lock:
            self._end_line()

    def clear(self) -> None:
        """Wipe the line in progress (it is drawn again at the next step or heartbeat)."""
        with self._lock:
            self._cleared_at = time.monotonic()
            if self._drawn:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
                self._drawn = False

    def __call__(self, label: str, done: int, total: int | None) -> None:
        """Draw progress: a new label starts a new line; ticks closer than ``REDRAW`` apart are not drawn."""
        if not self.enabled:
            return
        with self._lock:
            now = time.monotonic()
            if self._step is None or label != self._step[0]:
                self._end_line()
                self._started = now
            elif now - self._drawn_at < REDRAW and done != total:
                self._step = (label, done, total)
                return
            self._step = (label, done, total)
            self._draw(now)

    def _end_line(self) -> None:
        """End the drawn line, with the step's latest count on it (the lock is held)."""
        if self._drawn and self._step != self._shown:
            self._draw(time.monotonic())
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False

    def _draw(self, now: float) -> None:
        """Draw the current step's line over the last one (the lock is held)."""
        assert self._step is not None
        self.stream.write("\r" + self.line(*self._step) + "\x1b[K")
        self.stream.flush()
        self._drawn, self._drawn_at, self._shown = True, now, self._step

    def _beat(self) -> None:
        """The heartbeat thread: draw a step that has not moved for ``heartbeat`` seconds again, with its time."""
        while not self._stop.wait(self.heartbeat / 4):
            with self._lock:
                now = time.monotonic()
                # Not right after a log line wiped the bar: that line is still being written.
                if self._step is not None and now - self._drawn_at >= self.heartbeat \
                        and now - self._cleared_at >= self.heartbeat:
                    self._draw(now)

    def line(self, label: str, done: int, total: int | None) -> str:
        """The line for this step, cut to the terminal's width."""
        elapsed = time.monotonic() - self._started
        spent = f"  {_clock(elapsed)}" if elapsed >= 1 else ""
        if not total and not done and total is not None:  # a step with nothing to count
            text = f"{label} …{spent}"
        elif not total:
            text = f"{label} ({STEP_UNITS.get(label, self.unit)}): {done}{spent}"
        else:
            share = min(1.0, max(0, done) / total)
            bar = "#" * int(share * BAR_WIDTH)
            left = f"  {_clock(elapsed / share - elapsed)} left" if 0 < share < 1 and elapsed >= 1 else spent
            text = f"{label} ({STEP_UNITS.get(label, self.unit)}) [{bar:<{BAR_WIDTH}}] {done}/{total}{left}"
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
