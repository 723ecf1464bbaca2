"""``harvest site|notes|youtube|transcripts`` and ``update``: a harvester run, its summary printed.

Every harvest command runs one harvester (``index/services/harvest.py``) through ``run_harvest``,
which prints what is the same for all (warnings, failed items, a quota stop) and exits with the
run's code; each command adds only the table of its own facts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import click

from index.cli.base import FORMATS, Context, cli, pass_ctx
from index.cli.output import TerminalProgress, print_table
from index.services.harvest import (Harvester, NotesHarvest, RunSummary, SiteHarvest, TranscriptHarvest,
                                    YouTubeHarvest)

SITE_OUTCOMES = ("new", "changed", "unchanged", "failed", "gone", "skipped")


def run_harvest(obj: Context, harvester: Harvester, unit: str, show: Callable[[dict[str, Any]], None],
                fmt: str = "table") -> None:
    """Run one harvester, print its summary (``show`` its own facts) or its JSON, and exit with its code."""
    with TerminalProgress(unit) as progress:
        summary = harvester.run(obj.settings, progress)
    if fmt == "json":
        click.echo(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False))
    else:
        show(summary.to_dict())
        print_problems(summary)
    click.get_current_context().exit(summary.exit_code)


def print_problems(summary: RunSummary) -> None:
    """What every harvest ends with on stderr: its warnings, its failed items, a stop by the quota."""
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    for failure in summary.failures:
        click.echo(f"failed: {failure}", err=True)
    if summary.stopped_by_quota:
        click.echo("Stopped by the YouTube quota; the next run resumes where this one stopped.", err=True)


def show_site(details: dict[str, Any]) -> None:
    """The counts of ``harvest site`` / ``harvest notes`` per kind of item, the notes read, the channels."""
    counts = details["counts"]
    print_table(["items", *SITE_OUTCOMES], [[kind, *(counts[kind].get(o, 0) for o in SITE_OUTCOMES)]
                                            for kind in counts])
    click.echo(f"Notes: {details['notes']['read']} read, {details['notes']['failed']} failed. "
               f"Requests: {details['requests']}.")
    if details["channels"]:
        click.echo(f"Channels linked from case pages: {', '.join(details['channels'])}")


def show_youtube(details: dict[str, Any]) -> None:
    """Each channel's pass and counts, and the quota units spent."""
    rows = [[c["title"] or c["channel"], c["channel"], c["mode"], c["new"], c["changed"], c["unchanged"],
             c["deactivated"], "yes" if c["completed"] else "no"] for c in details["channels"]]
    print_table(["channel", "id", "pass", "new", "changed", "unchanged", "inactive", "done"], rows)
    units = details["units"]
    click.echo(f"Quota units spent: {sum(units.values())} "
               f"({', '.join(f'{m} {n}' for m, n in sorted(units.items())) or 'none'})")


def show_transcripts(details: dict[str, Any]) -> None:
    """The caption files' counts, the outcomes per video, how the online provider ended."""
    print_table(["files", "new", "changed", "unchanged", "failed"], [list(details["totals"].values())])
    print_table(["outcome", "count"], sorted(details["outcomes"].items()))
    click.echo(f"Online provider: {details['online']}")


@cli.group()
def harvest() -> None:
    """Fetch raw material into the archive."""


@harvest.command("site")
@click.option("--start", "starts", multiple=True, metavar="URL",
              help="Listing page to crawl from (repeatable); default: the config's site.start_urls.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_ctx
def harvest_site_cmd(obj: Context, starts: tuple[str, ...], fmt: str) -> None:
    """Crawl the platform's case pages and their notes into the archive."""
    run_harvest(obj, SiteHarvest(start_urls=starts), "items", show_site, fmt)


@harvest.command("notes")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_ctx
def harvest_notes_cmd(obj: Context, fmt: str) -> None:
    """Fetch and read the notes (PDF, DOCX, HTML) that archived case pages link."""
    run_harvest(obj, NotesHarvest(), "notes", show_site, fmt)


@harvest.command("youtube")
@click.option("--channel", "channels", multiple=True, metavar="UC…|@handle|URL",
              help="Channel to harvest (repeatable); default: the config's and those linked from case pages.")
@click.option("--full", is_flag=True, help="Re-read every upload, not only the new ones.")
@pass_ctx
def harvest_youtube_cmd(obj: Context, channels: tuple[str, ...], full: bool) -> None:
    """Harvest YouTube channels' video metadata (Data API v3, minimal quota)."""
    run_harvest(obj, YouTubeHarvest(channels=channels, full=full), "videos", show_youtube)


@harvest.command("transcripts")
@click.option("--from", "folder", type=click.Path(file_okay=False), metavar="DIR",
              help="Folder of caption files <videoId>.<lang>.vtt|srt or yt-dlp's <title> [<videoId>].<lang>.vtt "
                   "(default: transcripts.folder).")
@pass_ctx
def harvest_transcripts_cmd(obj: Context, folder: str | None) -> None:
    """Import caption files, and run the online provider if the config enables it."""
    run_harvest(obj, TranscriptHarvest(folder=folder), "videos", show_transcripts)


@cli.command()
@click.option("--taxonomy", type=click.Path(dir_okay=False, exists=True), help="Curated taxonomy TOML.")
@click.option("--full", is_flag=True, help="YouTube: re-read every upload, not only the new ones.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_ctx
def update(obj: Context, taxonomy: str | None, full: bool, fmt: str) -> None:
    """The scheduled job: every harvester, then the incremental index, as one locked run."""
    from index.services.update import run_update, summary_lines

    with TerminalProgress("items") as progress:
        report = run_update(obj.settings, taxonomy_path=Path(taxonomy) if taxonomy else None, full=full,
                            progress=progress)
    click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) if fmt == "json"
               else "\n".join(summary_lines(report)))
    click.get_current_context().exit(report.exit_code)
