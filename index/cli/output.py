"""Terminal output for people: tables and progress bars (the library never imports this)."""

from __future__ import annotations

import sys
from typing import Any, Sequence

import click


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
    """A progress callback ``(label, done, total)`` drawn as a bar on a terminal, silent elsewhere."""

    def __init__(self, unit: str) -> None:
        self.unit = unit
        self._bar: Any = None
        self._label: str | None = None
        self._done = 0
        self.enabled = sys.stderr.isatty()

    def __enter__(self) -> "TerminalProgress":
        return self

    def __exit__(self, *exc: object) -> None:
        self._close()

    def _close(self) -> None:
        """Finish the bar in progress, if any."""
        if self._bar is not None:
            self._bar.render_finish()
            self._bar = None

    def __call__(self, label: str, done: int, total: int | None) -> None:
        """Draw progress: a new label starts a new bar."""
        if not self.enabled:
            return
        if label != self._label:
            self._close()
            self._label, self._done = label, 0
            self._bar = click.progressbar(length=total, label=f"{label} ({self.unit})", file=sys.stderr,
                                          show_pos=True)
            self._bar.render_progress()
        if self._bar is not None:
            if total and self._bar.length != total:
                self._bar.length = total
            self._bar.update(max(0, done - self._done))
            self._done = done
