"""``init``, ``status``, ``index``, ``export-archive``, ``import-archive``: the archive's upkeep."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from archive.config import EXAMPLE_CONFIG
from archive.errors import ConfigError
from index.cli.base import FORMATS, Context, cli, pass_ctx
from index.cli.output import TerminalProgress, print_table


@cli.command()
@click.argument("path", default="casearchive.toml", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: str, force: bool) -> None:
    """Write a commented example configuration file."""
    target = Path(path)
    if target.exists() and not force:
        raise ConfigError(f"{target} exists; use --force to overwrite it")
    target.write_text(EXAMPLE_CONFIG, encoding="utf-8")
    click.echo(f"Wrote {target}. Set YOUTUBE_API_KEY (or youtube.key_file) before harvesting YouTube.")


def videos_line(report: dict[str, Any]) -> str:
    """The videos of ``status`` or ``report``, and how many of them are active and inactive."""
    videos = report["videos"]
    return f"Videos: {report['counts']['videos']} ({videos['active']} active, {videos['inactive']} inactive)"


@cli.command()
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_ctx
def status(obj: Context, fmt: str) -> None:
    """Counts per kind, active and inactive videos, the last run and quota spent per day."""
    from index.services.manage import collect_status

    report = collect_status(obj.settings.data_dir)
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    click.echo(f"Data directory: {report['data_dir']}")
    if not report["archive"]:
        click.echo("No archive yet: run `casearchive harvest …` or `casearchive demo`.")
        return
    print_table(["kind", "items"], [[k, v] for k, v in report["counts"].items()])
    click.echo(videos_line(report))
    run = report["last_run"]
    if run:
        click.echo(f"Last run: {run['command']} at {run['finished_at']}, exit code {run['exit_code']}")
    for day, units in sorted(report["quota_units_per_day"].items())[-7:]:
        click.echo(f"Quota {day} (Pacific): {units['total']} units")


@cli.command("index")
@click.option("--rebuild", is_flag=True, help="Build from scratch instead of updating what changed.")
@click.option("--taxonomy", type=click.Path(dir_okay=False, exists=True), help="Curated taxonomy TOML.")
@pass_ctx
def index_cmd(obj: Context, rebuild: bool, taxonomy: str | None) -> None:
    """Build or update the search index from the archive (no network)."""
    from index.services.manage import index_archive

    with TerminalProgress("units") as progress:
        report, code = index_archive(obj.settings, rebuild=rebuild,
                                     taxonomy_path=Path(taxonomy) if taxonomy else None, progress=progress)
    kind = "Rebuilt" if report.rebuilt else "Updated"
    click.echo(f"{kind} the index ({report.reason}): {report.added} added, {report.updated} updated, "
               f"{report.deleted} deleted, {report.unchanged} unchanged, {len(report.failures)} left out; "
               f"{report.total} units, "
               f"{report.links} links found, {report.seconds:.1f} s")
    for failure in report.failures:
        click.echo(f"left out: {failure}", err=True)
    if not report.total:
        click.echo("The archive holds nothing to index yet (no case page, note, video or transcript): "
                   "the index is empty. Harvest first: casearchive harvest site / harvest youtube.", err=True)
    click.get_current_context().exit(code)


@cli.command("export-archive")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_ctx
def export_archive_cmd(obj: Context, file: str) -> None:
    """Write the archive, link decisions, taxonomy, corrections, settings (no secrets), runs to a .tar.gz."""
    from index.services.manage import backup_archive

    with TerminalProgress("files") as progress:  # no count to show: its name and time so far
        progress("exporting the archive", 0, 0)
        report = backup_archive(obj.settings, Path(file))
    click.echo(f"Exported {report.versions} archived versions in {report.files} files to {report.path} "
               f"({report.bytes / 1e6:.1f} MB), with " + "; ".join(report.restored) + ".")


@cli.command("import-archive")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_ctx
def import_archive_cmd(obj: Context, file: str) -> None:
    """Restore an export into an empty data directory (every file checked against its manifest)."""
    from index.services.manage import import_archive, restore_hint

    with TerminalProgress("files") as progress:  # no count to show: its name and time so far
        progress("importing and checking the archive", 0, 0)
        report = import_archive(obj.settings.data_dir, Path(file), obj.settings.lock_wait)
    click.echo(f"Imported {report.versions} archived versions ({report.files} files, checksums verified) into "
               f"{obj.settings.data_dir}.")
    click.echo("".join(f"Restored {line}.\n" for line in report.restored) + restore_hint(obj.settings.data_dir))
