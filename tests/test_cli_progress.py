"""Progress and one voice: bars on a terminal only, none in cron, and each problem said once."""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archive.sample_server import SamplePlatformServer
from index.cli import cli
from index.cli.output import TerminalProgress
from tests.site_fixtures import platform_copy  # noqa: F401  (fixture)
from tests.test_site_cli import config, fast_server  # noqa: F401  (fixtures)
from tests.update_world import World, world  # noqa: F401  (fixture)

# What a drawn bar leaves in the output: a carriage return, an erase-line code, a bar, a count.
BAR_MARKS = re.compile(r"\r|\x1b\[K|\[#*\s*\] \d+/\d+|\((items|units|notes)\)")


class TtyStream(io.StringIO):
    """A stream that says it is a terminal, as stderr does in an interactive shell."""

    def isatty(self) -> bool:
        return True


def harvest(config: Path, server: SamplePlatformServer, *flags: str) -> Result:
    """``casearchive FLAGS harvest site`` over the served sample platform (its stderr is no terminal)."""
    return CliRunner().invoke(cli, ["--config", str(config), *flags, "harvest", "site", "--start",
                                    f"{server.url}/kennis/", "--start", f"{server.url}/nl/kennis/kennisbank/"])


def test_each_problem_of_a_harvest_is_printed_exactly_once(config: Path, fast_server: SamplePlatformServer) -> None:
    result = harvest(config, fast_server)
    assert result.exit_code == 1, result.output
    record = json.loads(next((config.parent / "data" / "runs").glob("*-harvest-site.json")).read_text())
    problems = [*record["failures"], *record["warnings"]]
    assert len(record["failures"]) == 3 and record["warnings"], problems  # a 404 page, 2 unreadable notes
    combined = result.stdout + result.stderr
    for problem in problems:
        assert combined.count(problem) == 1, (problem, combined)


def test_a_harvest_not_on_a_terminal_draws_no_progress(config: Path, fast_server: SamplePlatformServer) -> None:
    result = harvest(config, fast_server)
    assert result.exit_code == 1
    assert not BAR_MARKS.search(result.stderr), result.stderr
    assert not BAR_MARKS.search(result.stdout)


def test_progress_forced_on_draws_each_step_and_keeps_the_summary_apart(
        config: Path, fast_server: SamplePlatformServer) -> None:
    result = harvest(config, fast_server, "--progress")
    assert result.exit_code == 1, result.output
    for step in ("listing pages (items): ", "case pages (items) [", "attachments (items) [",
                 "reading notes (items) ["):
        assert step in result.stderr, (step, result.stderr)
    assert "] 9/9" in result.stderr  # the attachments bar ends full
    # The bars live on stderr; stdout (the table a script reads) has none of them.
    assert not BAR_MARKS.search(result.stdout) and result.stdout.startswith("items")
    # Each problem still starts its own line, after the bars.
    assert re.search(r"\n(warning|failed): ", result.stderr)


def test_no_progress_silences_the_bars(config: Path, fast_server: SamplePlatformServer) -> None:
    result = harvest(config, fast_server, "--no-progress")
    assert result.exit_code == 1
    assert not BAR_MARKS.search(result.stderr)


def test_index_build_shows_progress_only_when_asked(config: Path, fast_server: SamplePlatformServer) -> None:
    assert harvest(config, fast_server).exit_code == 1
    quiet = CliRunner().invoke(cli, ["--config", str(config), "index", "--rebuild"])
    assert quiet.exit_code == 0, quiet.output
    assert not BAR_MARKS.search(quiet.stderr) and "Rebuilt the index" in quiet.stdout
    shown = CliRunner().invoke(cli, ["--config", str(config), "--progress", "index", "--rebuild"])
    assert shown.exit_code == 0, shown.output
    units = re.search(r"(\d+) units", shown.stdout)
    assert units is not None and f"index (units) [{'#' * 24}] {units.group(1)}/{units.group(1)}" in shown.stderr


def test_a_terminal_gets_bars_and_an_unknown_total_is_a_count() -> None:
    stream = TtyStream()
    with TerminalProgress("items", stream=stream) as progress:  # stream: what sys.stderr is on a terminal
        progress("listing pages", 3, None)
        progress("case pages", 5, 10)
        progress("case pages", 10, 10)
    out = stream.getvalue()
    assert "listing pages (items): 3" in out
    assert f"case pages (items) [{'#' * 12}{' ' * 12}] 5/10" in out and f"[{'#' * 24}] 10/10" in out
    assert out.endswith("\n")  # what follows starts on its own line


def test_not_a_terminal_means_no_output_unless_forced() -> None:
    quiet, forced = io.StringIO(), io.StringIO()
    TerminalProgress("items", stream=quiet)("case pages", 1, 2)
    TerminalProgress("items", enabled=True, stream=forced)("case pages", 1, 2)
    assert quiet.getvalue() == "" and "1/2" in forced.getvalue()


def test_a_log_line_under_verbose_clears_the_bar_first(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = TtyStream()
    handler = logging.StreamHandler(stream)
    handler.set_name("casearchive")
    monkeypatch.setattr(logging.getLogger(), "handlers", [handler])
    monkeypatch.setattr(logging.getLogger(), "level", logging.INFO)
    with TerminalProgress("items", stream=stream) as progress:
        progress("case pages", 1, 4)
        logging.getLogger("archive.site").info("[site] a page: HTTP 404")
        progress("case pages", 2, 4)
    out = stream.getvalue()
    # The bar is wiped (\r, erase line) before the log line, which so starts at column 0.
    assert "1/4\x1b[K\r\x1b[K[site] a page: HTTP 404\n" in out, repr(out)
    assert handler.filters == []  # the filter goes with the bar


def test_update_on_request_draws_bars_and_in_cron_is_quiet(world: World) -> None:  # noqa: F811 (fixture)
    asked = world.cli("--progress", "update")  # a subprocess: stderr is a pipe, as under cron
    assert asked.returncode == 0, asked.stderr
    for step in ("case pages (items) [", "reading notes (items) [", "index (units) ["):
        assert step in asked.stderr, (step, asked.stderr)
    assert not BAR_MARKS.search(asked.stdout)
    cron = world.cli("update")  # the next run fetches every page again, conditionally
    assert cron.returncode == 0, cron.stderr
    assert not BAR_MARKS.search(cron.stderr), cron.stderr
