"""Terminal output of ``show``: one case or video, with its links and their evidence."""

from __future__ import annotations

from typing import Any

import click

from index.cli.output import print_table
from index.services.browse import said_once

def _join(values: Any) -> str:
    """Values as a comma-separated cell, or "-" if none."""
    return ", ".join(str(v) for v in values) if values else "-"


def print_case(case: dict[str, Any]) -> None:
    """One case for people: its fields as a table, then its links, notes and body text."""
    fields = [
        ["id", case["id"]], ["title", case["title"]], ["url", case["url"]],
        ["year", case["year"] or "-"], ["date", case["date"] or "-"], ["language", case["language"]],
        ["layout", case["layout"]], ["themes", _join(case["themes"])], ["sectors", _join(case["sectors"])],
        ["sources", _join(case["sources"])], ["keywords", _join(case["keywords"])],
        ["companies", _join(case["companies"])], ["organisations", _join(case["organisations"])],
        ["archived", f"{case['archive']['versions']} version(s), last {case['archive']['fetched_at']}"],
    ]
    if case["archive"].get("gone"):
        fields.append(["gone", f"HTTP {case['archive']['gone']['status']} since {case['archive']['gone']['since']}"])
    print_table(["field", "value"], fields)
    if case["youtube"]:
        click.echo("")
        print_table(["youtube", "id", "start", "url"],
                    [[y["kind"], y["id"], y["start"] if y["start"] is not None else "", y["url"]]
                     for y in case["youtube"]])
    if case["notes"]:
        click.echo("")
        print_table(["note", "type", "status", "pages", "reason"],
                    [[n["url"], n["type"], n["status"], n["pages"], n["reason"] or ""] for n in case["notes"]])
    for warning in case["warnings"]:
        click.echo(f"warning: {warning}", err=True)
    click.echo("")
    click.echo(case["text"])


def _evidence(evidence: list[dict[str, Any]], titles: dict[str, str] | None = None) -> str:
    """A link's evidence on one line, each fact once: ``rule (field: text; field: text)``; a case
    it names (``via the linked case``) by its title."""
    titles = titles or {}

    def text(d: dict[str, Any]) -> str:
        return titles.get(f"case:{d['text']}") or d["text"] if d["field"] == "case" else d["text"]

    return "; ".join(f"{e['rule']} (" + "; ".join(f"{d['field']}: {text(d)}" for d in [e, *e["also"]]) + ")"
                     for e in said_once(evidence))


def _named(item_id: str, titles: dict[str, str]) -> str:
    """A linked case or video by its title, its id after it: ``Taakroulatie bij … (case:taakroulatie-bij-…)``."""
    return f"{titles[item_id]} ({item_id})" if titles.get(item_id) else item_id


def print_links(item: dict[str, Any]) -> None:
    """A case's or video's links with their confidence, status and evidence (cases and videos by title)."""
    titles = item.get("titles") or {}
    rows = [[_named(link["target"], titles), link["confidence"], link["status"], _evidence(link["evidence"], titles)]
            for link in item.get("links", [])]
    rows += [[f"← {_named(link['source'], titles)}", link["confidence"], link["status"],
              _evidence(link["evidence"], titles)] for link in item.get("linked_from", [])]
    click.echo("")
    if rows:
        print_table(["link", "conf.", "status", "evidence"], rows)
    elif item.get("metadata") is False:  # a video never fetched has no unit, so no links
        click.echo("No links: the index holds only videos whose metadata is archived.")
    else:
        click.echo("No links (is the index built? run `casearchive index`).")


def print_video(video: dict[str, Any]) -> None:
    """One video for people: metadata, availability, versions and transcripts."""
    state = "active" if video["active"] else f"inactive since {video['inactive_since']} ({video['inactive_reason']})"
    if not video.get("metadata", True):
        print_table(["field", "value"], [["id", video["id"]], ["title", "- (unknown: never archived)"],
                                         ["url", video["url"]], ["state", state],
                                         ["metadata", "none archived: the video was never public to this harvester"]])
        return
    print_table(["field", "value"], [
        ["id", video["id"]], ["title", video["title"]], ["url", video["url"]],
        ["channel", f"{video['channel_title']} ({video['channel_id']})"], ["published", video["published_at"] or "-"],
        ["duration", f"{video['duration']} s" if video["duration"] is not None else "-"],
        ["language", video["language"] or "-"], ["tags", _join(video["tags"])], ["state", state],
        ["versions", _join(f"{v['version']}: {v['title']} ({v['fetched_at']})" for v in video["versions"])],
        ["transcripts", _join(f"{t['language']} {t['kind']} ({t['passages']} passages)" for t in video["transcripts"])],
    ])
    click.echo("")
    click.echo(video["description"])
