"""The ``casearchive`` command: thin click adapters over library calls.

Exit codes: 0 done; 1 done but some items failed; 2 usage or configuration error;
3 another run holds the lock; 4 stopped by the YouTube quota (the next run resumes).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from archive.budget import use_limits
from archive.config import EXAMPLE_CONFIG, Settings, load_settings
from archive.errors import EXIT_OK, EXIT_PARTIAL, CaseArchiveError, ConfigError, storage_problem
from archive.redact import install_log_redaction, redact
from index.cli.output import TerminalProgress, print_table

FORMATS = click.Choice(["table", "json"])


class Context:
    """What every command gets: the global flags, and settings loaded on first use."""

    def __init__(self, config: str | None, data: str | None, debug: bool, lock_wait: float | None = None) -> None:
        self.config, self.data, self.debug, self.lock_wait = config, data, debug, lock_wait
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config, self.data)
            if self.lock_wait is not None:
                self._settings = replace(self._settings, lock_wait=self.lock_wait)
            use_limits(self._settings.limits)
        return self._settings


pass_ctx = click.make_pass_decorator(Context)


def _setup_logging(verbose: int, debug: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s" if debug else "%(message)s"))
    install_log_redaction(handler)
    handler.set_name("casearchive")
    root = logging.getLogger()
    # Replace only our own handler (a second invocation in one process must not stack them).
    root.handlers[:] = [h for h in root.handlers if h.get_name() != "casearchive"] + [handler]
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    root.setLevel(level)
    # The Google client logs every retry with the full URI; keep it at our level, redacted.
    logging.getLogger("googleapiclient.discovery_cache").setLevel(logging.ERROR)


class CaseArchiveGroup(click.Group):
    """Turns our errors into ``Error: …`` and their exit code; a bug's traceback only with --debug."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except CaseArchiveError as exc:
            obj = ctx.find_object(Context)
            if obj is not None and obj.debug and not exc.expected:
                raise
            click.echo(f"Error: {redact(str(exc))}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Error: interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # The reader (e.g. `| head`) left; say nothing more and keep Python from complaining.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except Exception as exc:  # a bug: say so plainly, the traceback only on request
            obj = ctx.find_object(Context)
            if obj is not None and obj.debug:
                raise
            problem = storage_problem(exc)
            if problem is not None:  # the disk, not the tool: what was stored is kept
                click.echo(f"Error: {redact(problem)}; what was stored before is kept: make room or make "
                           "it writable and run again", err=True)
                ctx.exit(EXIT_PARTIAL)
            click.echo(f"Error: internal error: {type(exc).__name__}: {redact(str(exc))} "
                       "(run with --debug for the traceback)", err=True)
            ctx.exit(70)


@click.group(cls=CaseArchiveGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog="Exit codes: 0 done; 1 done, but some items failed; 2 usage or configuration error; "
                    "3 another run holds the lock; 4 stopped by the YouTube quota (the next run resumes).")
@click.option("--config", type=click.Path(dir_okay=False), envvar="CASEARCHIVE_CONFIG",
              help="Config file (default: ./casearchive.toml if present).")
@click.option("--data", type=click.Path(file_okay=False), help="Data directory (default ./data; env CASEARCHIVE_DATA).")
@click.option("--lock-wait", type=click.FloatRange(0, 1e9), metavar="SECONDS",
              help="How long a writing command waits for another to finish, then exits 3 (default 120; "
                   "config lock_wait, env CASEARCHIVE_LOCK_WAIT).")
@click.option("-v", "--verbose", count=True, help="Say more about what happens.")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@click.version_option(package_name="casearchive")
@click.pass_context
def cli(ctx: click.Context, config: str | None, data: str | None, lock_wait: float | None, verbose: int,
        debug: bool) -> None:
    """Archive and search the multimedia side of a Dutch knowledge platform of cases."""
    _setup_logging(verbose, debug)
    ctx.obj = Context(config, data, debug, lock_wait)


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


@cli.group()
def harvest() -> None:
    """Fetch raw material into the archive."""


@harvest.command("youtube")
@click.option("--channel", "channels", multiple=True, metavar="UC…|@handle|URL",
              help="Channel to harvest (repeatable); default: the config's and those linked from case pages.")
@click.option("--full", is_flag=True, help="Re-read every upload, not only the new ones.")
@pass_ctx
def harvest_youtube_cmd(obj: Context, channels: tuple[str, ...], full: bool) -> None:
    """Harvest YouTube channels' video metadata (Data API v3, minimal quota)."""
    from archive.harvest import harvest_youtube

    with TerminalProgress("videos") as progress:
        summary = harvest_youtube(obj.settings, channels, full=full, progress=progress)
    rows = [[c.title or c.channel, c.channel, c.mode, c.new, c.changed, c.unchanged, c.deactivated,
             "yes" if c.completed else "no"] for c in summary.channels]
    print_table(["channel", "id", "pass", "new", "changed", "unchanged", "inactive", "done"], rows)
    click.echo(f"Quota units spent: {sum(summary.units.values())} "
               f"({', '.join(f'{m} {n}' for m, n in sorted(summary.units.items())) or 'none'})")
    for failure in summary.failures:
        click.echo(f"failed: {failure}", err=True)
    if summary.stopped_by_quota:
        click.echo("Stopped by the YouTube quota; the next run resumes where this one stopped.", err=True)
    click.get_current_context().exit(summary.exit_code)


@harvest.command("transcripts")
@click.option("--from", "folder", type=click.Path(file_okay=False), metavar="DIR",
              help="Folder of caption files <videoId>.<lang>.vtt|srt or yt-dlp's <title> [<videoId>].<lang>.vtt "
                   "(default: transcripts.folder).")
@pass_ctx
def harvest_transcripts_cmd(obj: Context, folder: str | None) -> None:
    """Import caption files, and run the online provider if the config enables it."""
    from archive.transcripts import harvest_transcripts

    with TerminalProgress("videos") as progress:
        summary = harvest_transcripts(obj.settings, folder, progress=progress)
    totals = summary.to_dict()["totals"]
    print_table(["files", "new", "changed", "unchanged", "failed"], [list(totals.values())])
    print_table(["outcome", "count"], sorted(summary.outcomes.items()))
    click.echo(f"Online provider: {summary.online}")
    for failure in summary.failures:
        click.echo(f"failed: {failure}", err=True)
    click.get_current_context().exit(summary.exit_code)


@cli.command()
@pass_ctx
def demo(obj: Context) -> None:
    """Run the whole job on the bundled SAMPLE data, offline (into ./demo-data unless --data)."""
    from index.services.demo import run_demo, step_line
    from index.services.export import to_text

    data_dir = Path(obj.data or "demo-data")
    with TerminalProgress("items") as progress:
        report = run_demo(data_dir, progress=progress)
    click.echo(f"Built a demo archive and index from the SAMPLE data in {report.data_dir}/")
    for name, step in report.steps:
        click.echo(f"  {step_line(name, step)}")
    for result in report.searches:
        click.echo("\n$ casearchive --data " + f"{report.data_dir} search --limit 2 '{result['query']}'")
        click.echo(to_text({**result, "results": result["results"][:2]}).split("\n\ntheme:")[0].rstrip())
    click.echo(f"\nTry your own: casearchive --data {report.data_dir} search 'zelfroosteren'"
               f"\n              casearchive --data {report.data_dir} show duurzaam-meedoen-in-de-metalektro"
               f"\n              casearchive --data {report.data_dir} report")
    click.echo(f"\nOpen the site on the sample index: casearchive --data {report.data_dir} serve"
               "\n  then browse to http://127.0.0.1:8000/ (Ctrl+C stops the server)")


def videos_line(report: dict[str, Any]) -> str:
    """The videos of ``status`` or ``report``, and how many of them are active and inactive."""
    videos = report["videos"]
    return f"Videos: {report['counts']['videos']} ({videos['active']} active, {videos['inactive']} inactive)"


@cli.command()
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_ctx
def status(obj: Context, fmt: str) -> None:
    """Counts per kind, active and inactive videos, the last run and quota spent per day."""
    from archive.status import collect_status

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
    from archive.runs import save_run
    from archive.store import utc_now
    from index.services.library import build

    started = utc_now()
    with TerminalProgress("units") as progress:
        report = build(obj.settings, rebuild=rebuild, taxonomy_path=Path(taxonomy) if taxonomy else None,
                       progress=progress)
    code = EXIT_PARTIAL if report.failures else EXIT_OK
    save_run(obj.settings.data_dir, "index", report.to_dict(), started, code)
    kind = "Rebuilt" if report.rebuilt else "Updated"
    click.echo(f"{kind} the index ({report.reason}): {report.added} added, {report.updated} updated, "
               f"{report.deleted} deleted, {report.unchanged} unchanged, {len(report.failures)} left out; "
               f"{report.total} units, "
               f"{report.links} links, {report.seconds:.1f} s")
    for failure in report.failures:
        click.echo(f"left out: {failure}", err=True)
    if not report.total:
        click.echo("The archive holds nothing to index yet (no case page, note, video or transcript): "
                   "the index is empty. Harvest first: casearchive harvest site / harvest youtube.", err=True)
    click.get_current_context().exit(code)


@cli.command(context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]})
@click.argument("query", nargs=-1, required=True, type=click.UNPROCESSED)
@click.option("--limit", type=click.IntRange(1, 500), default=10, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0, help="Skip this many results (paging).")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
@click.option("--inactive", is_flag=True, help="Include videos that are no longer available.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "md"]), default="table",
              show_default=True)
@click.option("--taxonomy", type=click.Path(dir_okay=False, exists=True), help="Curated taxonomy TOML.")
@click.option("--deadline", type=click.FloatRange(0), default=10.0, show_default=True, metavar="SECONDS",
              help="Stop a search that runs longer (0: no deadline).")
@pass_ctx
def search(obj: Context, query: tuple[str, ...], limit: int, offset: int, sort: str, inactive: bool, fmt: str,
           taxonomy: str | None, deadline: float) -> None:
    """Search the index with the query language.

    \b
    Words must all match; "exact phrase"; OR; NOT word or -word; prefix*; fuzzy~ (~2: two edits).
    Filters: company:, theme:, case:, sector:, kind: (case, note, video, passage),
    year: (year:2013, year:2012..2014), lang:, caption: (manual, auto, imported), title:;
    a leading - negates a filter. Values match names and aliases; quote values with spaces:
    company:"Alfa Laval". A query may start with -, e.g. casearchive search -kind:note taakroulatie.
    """
    from index.services import export
    from index.engine import SearchOptions
    from index.services.library import search as run

    options = SearchOptions(limit=limit, offset=offset, sort=sort, include_inactive=inactive,  # type: ignore[arg-type]
                            deadline=deadline)
    result = run(obj.settings, " ".join(query), options, Path(taxonomy) if taxonomy else None)
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        click.echo({"csv": export.to_csv, "md": export.to_markdown, "table": export.to_text}[fmt](result), nl=False)


@cli.command()
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_ctx
def report(obj: Context, fmt: str) -> None:
    """Coverage and gaps: unlinked videos, cases without video, missing transcripts, last runs."""
    from index.services.report import coverage_report

    data = coverage_report(obj.settings)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"Index built {data['index_built_at']}: " + ", ".join(f"{v} {k}" for k, v in data["counts"].items()))
    click.echo(videos_line(data))
    for title, key, columns in [("Videos linked to no case", "videos_without_case", ["id", "title", "active"]),
                                ("Cases with no video", "cases_without_video", ["id", "title"]),
                                ("Videos without a transcript", "videos_without_transcript", ["id", "reason", "title"]),
                                ("Weak link suggestions (confirm or reject)", "weak_suggestions",
                                 ["source", "target", "confidence"]),
                                ("Channel links that name no channel (the pages that link them)",
                                 "unresolved_channels", ["reference", "reason", "pages"])]:
        click.echo(f"\n{title}: {len(data[key])}")
        if data[key]:
            print_table(columns, [[", ".join(row[c]) if isinstance(row[c], list) else row[c] for c in columns]
                                  for row in data[key]])
    click.echo("\nLast runs:")
    print_table(["command", "finished", "exit"], [[r["command"], r["finished_at"], r["exit_code"]]
                                                 for r in data["last_runs"]])


@cli.group()
def links() -> None:
    """List link suggestions with their evidence; confirm or reject them."""


@links.command("list")
@click.option("--status", "status_", type=click.Choice(["all", "accepted", "suggested", "confirmed", "rejected"]),
              default="all", show_default=True,
              help="accepted: counted in search (confidence ≥ 0.5 or confirmed); suggested: below that, for a person.")
@click.option("--source", help="Only links from this video:ID or case:slug.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_ctx
def links_list(obj: Context, status_: str, source: str | None, fmt: str) -> None:
    """Links of the live index, with confidence and evidence."""
    from index.services.library import list_links

    rows = list_links(obj.settings, status_, source)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    print_table(["source", "target", "conf.", "status", "evidence"],
                [[r["source"], r["target"], r["confidence"], r["status"],
                  "; ".join(f"{e['rule']}: {e['text']}" for e in r["evidence"])[:80]] for r in rows])


def _decision_command(decision: str, verb: str, help_text: str) -> None:
    @links.command(verb, help=help_text)
    @click.argument("source")
    @click.argument("target")
    @click.option("--note", help="Why (kept with the decision).")
    @pass_ctx
    def command(obj: Context, source: str, target: str, note: str | None) -> None:
        from index.linking.links import decide

        decide(obj.settings.data_dir, source, target, decision, note)  # type: ignore[arg-type]
        click.echo(f"{decision.capitalize()} {source} → {target}; it applies from the next `casearchive index`.")


_decision_command("confirmed", "confirm", "Confirm a link (SOURCE video:ID or case:slug, TARGET case:/company:/theme:…).")
_decision_command("rejected", "reject", "Reject a suggested link; it stays rejected through every rebuild.")


@harvest.command("site")
@click.option("--start", "starts", multiple=True, metavar="URL",
              help="Listing page to crawl from (repeatable); default: the config's site.start_urls.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_ctx
def harvest_site_cmd(obj: Context, starts: tuple[str, ...], fmt: str) -> None:
    """Crawl the platform's case pages and their notes into the archive."""
    from archive.cases import harvest_site
    from index.cli.case_view import print_site_summary

    with TerminalProgress("items") as progress:
        summary = harvest_site(obj.settings, starts, progress=progress)
    click.echo(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False)) if fmt == "json" else print_site_summary(summary)
    click.get_current_context().exit(summary.exit_code)


@harvest.command("notes")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_ctx
def harvest_notes_cmd(obj: Context, fmt: str) -> None:
    """Fetch and read the notes (PDF, DOCX, HTML) that archived case pages link."""
    from archive.cases import harvest_notes
    from index.cli.case_view import print_site_summary

    with TerminalProgress("notes") as progress:
        summary = harvest_notes(obj.settings, progress=progress)
    click.echo(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False)) if fmt == "json" else print_site_summary(summary)
    click.get_current_context().exit(summary.exit_code)


# A video id may begin with "-" (YouTube's ids use "-" and "_"): an unknown option is the id.
@cli.command(context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]})
@click.argument("item_id", metavar="ID")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_ctx
def show(obj: Context, item_id: str, fmt: str) -> None:
    """Show one case (its slug) or video (its id) with its links and their evidence."""
    from index.cli.case_view import print_case, print_links, print_video
    from index.services.library import describe

    data = describe(obj.settings, item_id)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    (print_video if data["kind"] == "video" else print_case)(data)
    print_links(data)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--curation-token-env", default="CASEARCHIVE_CURATION_TOKEN", show_default=True, metavar="NAME",
              help="Environment variable holding the token that enables confirming/rejecting links (off if unset).")
@click.option("--search-deadline", type=click.FloatRange(0), default=10.0, show_default=True, metavar="SECONDS",
              help="Stop a search that runs longer (its results so far are shown, marked partial; 0: none).")
@click.option("--costly-searches", type=click.IntRange(1, 64), default=1, show_default=True, metavar="N",
              help="Costly searches (many words from * ? ~, many results) that run at once; more wait, then get 429.")
@pass_ctx
def serve(obj: Context, host: str, port: int, curation_token_env: str, search_deadline: float,
          costly_searches: int) -> None:
    """Serve the search site and its JSON API (read-only unless a curation token is set)."""
    from index.web import create_app
    from index.web.server import run_server

    token = os.environ.get(curation_token_env, "").strip() or None
    app = create_app(obj.settings, curation_token=token)
    click.echo(f"Serving {obj.settings.data_dir} at http://{host}:{port}/ (API: /api/search, /docs; "
               f"curation {'on' if token else 'off'}). Ctrl+C stops.")
    run_server(app, host, port, "debug" if obj.debug else "warning", search_deadline, costly_searches)


def main(argv: list[str] | None = None) -> Any:
    """The console script's entry point."""
    return cli.main(args=argv, prog_name="casearchive")


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


@cli.command("export-archive")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_ctx
def export_archive_cmd(obj: Context, file: str) -> None:
    """Write the archive, curated decisions and run summaries to a verified .tar.gz."""
    from archive.backup import export_archive

    report = export_archive(obj.settings.data_dir, Path(file))
    click.echo(f"Exported {report.versions} archived versions in {report.files} files to {report.path} "
               f"({report.bytes / 1e6:.1f} MB).")


@cli.command("import-archive")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_ctx
def import_archive_cmd(obj: Context, file: str) -> None:
    """Restore an export into an empty data directory (every file checked against its manifest)."""
    from archive.backup import import_archive

    report = import_archive(obj.settings.data_dir, Path(file), obj.settings.lock_wait)
    click.echo(f"Imported {report.versions} archived versions ({report.files} files, checksums verified) into "
               f"{obj.settings.data_dir}. Build the index with `casearchive index`.")
