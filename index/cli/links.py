"""``links list|confirm|reject``: the link suggestions with their evidence, and a person's decisions."""

from __future__ import annotations

import json

import click

from index.cli.base import FORMATS, Context, SynonymGroup, cli, pass_ctx
from index.cli.output import print_table


@cli.group(cls=SynonymGroup)
def links() -> None:
    """List link suggestions with their evidence; confirm or reject them."""


@links.command("list")
@click.option("--status", "status_", type=click.Choice(["all", "accepted", "suggested", "confirmed", "rejected"]),
              default="all", show_default=True,
              help="accepted: found and counted in search (confidence ≥ 0.5; --status accepted also lists "
                   "the confirmed); suggested: found below that, for a person; confirmed, rejected: by a person.")
@click.option("--source", help="Only links from this video:ID or case:slug.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_ctx
def links_list(obj: Context, status_: str, source: str | None, fmt: str) -> None:
    """Links of the live index, with confidence and evidence."""
    from index.services.library import link_status, list_links

    # Shown with the names --status takes (a found link is accepted or suggested), never "auto".
    rows = [{**row, "status": link_status(row)} for row in list_links(obj.settings, status_, source)]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    print_table(["source", "target", "conf.", "status", "evidence"],
                [[r["source"], r["target"], r["confidence"], r["status"],
                  "; ".join(f"{e['rule']}: {e['text']}" for e in r["evidence"])[:80]] for r in rows])


def _decision_command(decision: str, verb: str, help_text: str) -> None:
    """Register ``links VERB SOURCE TARGET`` that stores ``decision`` on a link."""
    @links.command(verb, help=help_text)
    @click.argument("source")
    @click.argument("target")
    @click.option("--note", help="Why (kept with the decision).")
    @pass_ctx
    def command(obj: Context, source: str, target: str, note: str | None) -> None:
        """Store the decision and say when it applies."""
        from index.services.library import decide_link

        decide_link(obj.settings, source, target, decision, note)  # type: ignore[arg-type]
        click.echo(f"{decision.capitalize()} {source} → {target}; it applies from the next `casearchive index`.")


_decision_command("confirmed", "confirm",
                  "Confirm a link (SOURCE video:ID or case:slug, TARGET case:/company:/theme:…).")
_decision_command("rejected", "reject", "Reject a suggested link; it stays rejected through every rebuild.")


