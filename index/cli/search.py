"""``search``, ``show`` and ``report``: reading the index and the archive, for people or as JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from index.cli.admin import videos_line
from index.cli.base import FORMATS, Context, WordsCommand, cli, pass_ctx
from index.cli.output import print_table

VIDEO_ID_WITH_DASH = re.compile(r"-[A-Za-z0-9_-]{10}")  # a YouTube video id (11 characters) that starts with -


# A query may start with "-" (-werkdruk, -kind:note): such words go after "--", so that a
# mistyped option (--formt, --lmit) is an error, never searched for.
@cli.command(cls=WordsCommand, hint="A query word that starts with - goes after --: casearchive search -- {word} …")
@click.argument("query", nargs=-1, required=True)
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
    or by the site's Dutch names bedrijf:, thema:, casus:, soort:, jaar:, taal:.
    A leading - negates a filter; -word and NOT word leave a word out of what the other
    words or filters find (alone they are an error). Values match names and aliases; quote values with spaces:
    company:"Alfa Laval". Words that start with - go after --, which ends the options:
    casearchive search --limit 5 -- -kind:note taakroulatie -werkdruk
    """
    from index.services import export
    from index.services.library import SearchOptions
    from index.services.library import search as run

    options = SearchOptions(limit=limit, offset=offset, sort=sort, include_inactive=inactive,  # type: ignore[arg-type]
                            deadline=deadline)
    result = export.citable(obj.settings, dict(run(obj.settings, " ".join(query), options,
                                                   Path(taxonomy) if taxonomy else None)))
    # The hints (a search that found nothing: unknown names, misspelled words) are lines of each format.
    formats = {"csv": export.to_csv, "md": export.to_markdown, "table": export.to_text, "json": export.to_json}
    click.echo(formats[fmt](result).rstrip("\n"))


# A video id may begin with "-" (YouTube's ids use "-" and "_"): one of that shape is the id as
# it stands; any other ID that starts with "-" goes after "--".
@cli.command(cls=WordsCommand, keep=VIDEO_ID_WITH_DASH,
             hint="An ID that starts with - goes after --: casearchive show -- {word}")
@click.argument("item_id", metavar="ID")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_ctx
def show(obj: Context, item_id: str, fmt: str) -> None:
    """Show one case (its slug) or video (its id) with its links and their evidence.

    An ID that starts with - (other than a video id of 11 characters) goes after --.
    """
    from index.cli.case_view import print_case, print_links, print_video
    from index.services.browse import show_view
    from index.services.library import link_status

    data = show_view(obj.settings, item_id)  # with the titles of the cases and videos its links name
    for link in [*data.get("links", []), *data.get("linked_from", [])]:
        link["status"] = link_status(link)  # the names `links list --status` takes
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    (print_video if data["kind"] == "video" else print_case)(data)
    print_links(data)


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
    counts = data["counts"]
    # The links as `index` counts them (all found), then what each is: counted in search, suggested, rejected.
    click.echo(f"Index built {data['index_built_at']}: {counts['cases']} cases, {counts['videos']} videos, "
               f"{counts['units']} units, {counts['links_found']} links found ({counts['links']} counted, "
               f"{counts['suggestions']} suggestions, {counts['rejected']} rejected)")
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


