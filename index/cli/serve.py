"""``serve`` and ``demo``: the search site and its API, and the whole job on the bundled sample."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import click

from index.cli.base import Context, cli, pass_ctx
from index.cli.output import TerminalProgress


@cli.command()
@pass_ctx
def demo(obj: Context) -> None:
    """Run the whole job on the bundled SAMPLE data, offline (into ./demo-data unless --data)."""
    from index.services.demo import run_demo, summary_lines
    from index.services.export import citable, to_text

    data_dir = Path(obj.data or "demo-data")
    with TerminalProgress("items") as progress:
        report = run_demo(data_dir, progress=progress)
    click.echo(f"Built a demo archive and index from the SAMPLE data in {report.data_dir}/")
    for line in summary_lines(report):
        click.echo(f"  {line}")
    for result in report.searches:
        click.echo("\n$ casearchive --data " + f"{report.data_dir} search --limit 2 '{result['query']}'")
        # Cited as `search` cites it: the cases by title (the demo's index is built by now).
        shown = citable(replace(obj.settings, data_dir=report.data_dir),
                        {**result, "results": result["results"][:2]})
        click.echo(to_text(shown).split("\n\ntheme:")[0].rstrip())
    click.echo(f"\nTry your own: casearchive --data {report.data_dir} search 'zelfroosteren'"
               f"\n              casearchive --data {report.data_dir} show duurzaam-meedoen-in-de-metalektro"
               f"\n              casearchive --data {report.data_dir} report")
    click.echo(f"\nOpen the site on the sample index: casearchive --data {report.data_dir} serve"
               "\n  then browse to http://127.0.0.1:8000/ (Ctrl+C stops the server)")


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
