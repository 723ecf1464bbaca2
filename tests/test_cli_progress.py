"""Progress and one voice: bars on a terminal only, none in cron, and each problem said once."""

from __future__ import annotations

import io
import json
import logging
import os
import pty
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archive.sample_server import SamplePlatformServer
from index.cli import cli
from index.cli.output import TerminalProgress
from tests.site_fixtures import platform_copy  # noqa: F401  (fixture)
from tests.test_site_cli import config, fast_server  # noqa: F401  (fixtures)
from tests.site_fixtures import SEED_ID
from tests.update_world import CLI, DEAD_CASE, World, world  # noqa: F401  (fixture)

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
    assert units is not None and f"adding units (units) [{'#' * 24}] {units.group(1)}/{units.group(1)}" in shown.stderr


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
    for step in ("case pages (items) [", "reading notes (items) [", "adding units (units) ["):
        assert step in asked.stderr, (step, asked.stderr)
    assert not BAR_MARKS.search(asked.stdout)
    cron = world.cli("update")  # the next run fetches every page again, conditionally
    assert cron.returncode == 0, cron.stderr
    assert not BAR_MARKS.search(cron.stderr), cron.stderr


# -- every step of an index build, on a real (pseudo) terminal ---------------------------------------

INDEX_STEPS = ("reading case pages (pages): ", "reading archived notes (notes) [", "reading videos (videos) [",
               "reading transcripts (transcripts) [", "linking …", "making units (transcripts) [",
               "adding units (units) [", "saving the index …")


def child_env() -> dict[str, str]:
    """The environment of a ``casearchive`` subprocess: this checkout, no settings from the caller's shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEARCHIVE_")}
    return {**env, "PYTHONPATH": str(Path(__file__).parent.parent)}


def on_a_terminal(*args: str) -> tuple[int, str, str]:
    """``casearchive ARGS`` in a subprocess whose stderr is a pseudo terminal (as in a shell); exit code,
    stdout, and what the terminal received."""
    main, child = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", CLI, *args], stdout=subprocess.PIPE, stderr=child, env=child_env())
    os.close(child)
    received = bytearray()
    reader = threading.Thread(target=lambda: received.extend(_drain(main)))
    reader.start()
    stdout, _ = proc.communicate(timeout=120)
    reader.join(timeout=10)
    os.close(main)
    return proc.returncode, stdout.decode(), received.decode(errors="replace")


def _drain(fd: int) -> bytes:
    """Everything a pseudo terminal's main side receives until the child side closes."""
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def test_index_on_a_terminal_shows_each_step_and_in_cron_none(tmp_path: Path) -> None:
    data = str(tmp_path / "demo")
    assert CliRunner().invoke(cli, ["--data", data, "demo"]).exit_code == 0  # cases, notes, videos, transcripts
    code, stdout, terminal = on_a_terminal("--data", data, "index", "--rebuild")
    assert code == 0, terminal
    for step in INDEX_STEPS:
        assert step in terminal, (step, terminal)
    units = re.search(r"(\d+) units", stdout)
    assert units is not None and f"[{'#' * 24}] {units.group(1)}/{units.group(1)}" in terminal
    assert "Rebuilt the index" in stdout and not BAR_MARKS.search(stdout)  # the summary is apart from the bars
    cron = subprocess.run([sys.executable, "-c", CLI, "--data", data, "index", "--rebuild"], capture_output=True,
                          text=True, timeout=120, env=child_env())
    assert cron.returncode == 0 and "Rebuilt the index" in cron.stdout
    assert not BAR_MARKS.search(cron.stderr) and not any(step in cron.stderr for step in INDEX_STEPS), cron.stderr


def test_a_step_that_waits_is_drawn_again_with_its_time_and_ends_on_its_last_count() -> None:
    stream = TtyStream()
    with TerminalProgress("items", stream=stream, heartbeat=0.02) as progress:
        for n in range(1, 51):  # ticks closer than a redraw apart: only some are drawn
            progress("reading case pages", n, None)
        progress("saving the index", 0, 0)  # nothing to count: the heartbeat draws it again while it waits
        deadline = time.monotonic() + 10
        while stream.getvalue().count("saving the index …") < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
    out = stream.getvalue()
    assert "reading case pages (pages): 50\x1b[K\n" in out, repr(out)  # the last count, before the next step
    assert out.count("reading case pages (pages): ") < 50  # not a redraw a tick
    assert out.count("saving the index …") >= 3, repr(out)
    assert "(items)" not in out.split("saving the index")[1]  # a step with nothing to count shows no unit


def test_an_unreadable_index_is_said_once_by_the_build_that_rebuilds_it(tmp_path: Path) -> None:
    data = str(tmp_path / "demo")
    assert CliRunner().invoke(cli, ["--data", data, "demo"]).exit_code == 0
    for toc in (tmp_path / "demo" / "index").glob("gen-*/*.toc"):
        toc.write_bytes(b"\x00garbage")  # a damaged disk, a bad copy
    result = CliRunner().invoke(cli, ["--data", data, "index"])
    assert result.exit_code == 0, result.output
    assert "Rebuilt the index (unreadable index: " in result.stdout
    assert (result.stdout + result.stderr).count("unreadable") == 1, result.stderr


# -- update says what the separate harvest says ------------------------------------------------------


def cut_off_before_its_labels(page: Path) -> None:
    """The real case page as a broken transfer leaves it: cut off before its labels (Thema's, Sector, Bron)."""
    html = page.read_text(encoding="utf-8")
    page.write_text(html[:html.rindex("<", 0, html.index('class="case-themes"'))], encoding="utf-8")


def test_update_prints_a_malformed_pages_problems_once_as_harvest_site_does(world: World) -> None:  # noqa: F811
    # The one real page of the sample (the platform's text of "Duurzaam meedoen in de Metalektro"), cut off.
    cut_off_before_its_labels(world.platform / "kennis" / SEED_ID / "index.html")
    shutil.rmtree(world.platform / DEAD_CASE)  # and a dead link: a failed item (exit 1)
    alone = world.cli("--data", str(world.root / "alone"), "harvest", "site")
    assert alone.returncode == 1, alone.stderr
    page = f"{world.server.url}/kennis/{SEED_ID}/"
    assert f"warning: {page}: missing Thema's, Sector, Bron\n" in alone.stderr  # what harvest site says
    record = json.loads(next((world.root / "alone" / "runs").glob("*-harvest-site.json")).read_text())
    assert record["warnings"] and record["failures"]

    update = world.cli("update")
    assert update.returncode == 1, update.stdout + update.stderr  # as harvest site: done, some items failed
    assert update.stdout.startswith("update ") and "done, some items failed (exit code 1)" in update.stdout
    said = update.stdout + update.stderr
    for warning in record["warnings"]:
        assert said.count(warning) == 1 and f"warning: site: {warning}\n" in said, (warning, said)
    for failure in record["failures"]:
        assert said.count(failure) == 1 and f"failed: site: {failure}\n" in said, (failure, said)
    summary = json.loads(next((world.data_dir / "runs").glob("*-update.json")).read_text())
    assert [w for w in summary["warnings"] if page in w] == [f"site: {page}: missing Thema's, Sector, Bron"]
