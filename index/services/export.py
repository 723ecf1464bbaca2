"""Search results as CSV, Markdown and a terminal table; exports say what was searched and when."""

from __future__ import annotations

import csv
import io
from typing import Any

# OWASP's CSV injection rule: a cell a spreadsheet would read as a formula gets a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = ["rank", "kind", "title", "url", "start", "year", "case_ids", "companies", "themes", "score", "snippet",
           "moments", "embed"]


def _cell(result: dict[str, Any], column: str, rank: int) -> str:
    if column == "rank":
        return str(rank)
    if column == "moments":
        return "; ".join(m["url"] for m in result.get("moments", []))
    if column == "embed":
        return result.get("embed", "")
    value = result.get(column)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _neutral(cell: str) -> str:
    """A CSV cell no spreadsheet runs as a formula (``=HYPERLINK(…)`` becomes ``'=HYPERLINK(…)``).

    A lone CR becomes LF, which the writer quotes: unquoted, a CR ends the row in a spreadsheet.
    """
    cell = "'" + cell if cell.startswith(FORMULA_STARTS) else cell
    return cell.replace("\r\n", "\n").replace("\r", "\n")


def _header_lines(search: dict[str, Any]) -> list[str]:
    parsed = search.get("parsed") or {}
    shown = len(search["results"])
    return [
        f"query: {search['query']}",
        f"filters: {', '.join(parsed.get('filters') or []) or 'none'}",
        f"results: {search['total']} (this export: {shown}, from {search.get('offset', 0) + 1 if shown else 0}; "
        f"sorted by {search.get('sort', 'relevance')})",
        f"index built at: {search.get('index_built_at')}",
    ] + [f"partial: {reason}" for reason in partial_lines(search)]


def partial_lines(search: dict[str, Any]) -> list[str]:
    """Why a result list is partial, one line a reason (none when it is whole)."""
    lines = []
    for why in search.get("partial_reasons") or ():
        if why["reason"] == "words":
            lines.append(f"{why['term']} stands for {why['words']} words; searched the {why['kept']} most frequent "
                         "(type more letters before the * to narrow it)")
        else:
            lines.append(f"the search ran over its {why['seconds']:g} s deadline; the first {why['shown']} results "
                         "are shown")
    return lines


def to_csv(search: dict[str, Any]) -> str:
    """CSV with ``#`` header lines naming the query, filters, count and index build time."""
    out = io.StringIO()
    for line in _header_lines(search):
        # A line break in the query would start a row of its own, outside the comment.
        out.write("# " + " ".join(line.splitlines()) + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for rank, result in enumerate(search["results"], start=search.get("offset", 0) + 1):
        writer.writerow([_neutral(_cell(result, c, rank)) for c in COLUMNS])
    return out.getvalue()


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(search: dict[str, Any]) -> str:
    """A Markdown table with the same header facts, for citing in a report."""
    lines = [f"- {line}" for line in _header_lines(search)] + [""]
    columns = ["#", "kind", "title", "link", "year", "cases", "snippet"]
    lines.append("| " + " | ".join(columns) + " |")
    lines.append("|" + "---|" * len(columns))
    for rank, result in enumerate(search["results"], start=search.get("offset", 0) + 1):
        link = f"[{'▶ ' + str(result['start']) + ' s' if 'start' in result else 'open'}]({result['url']})"
        link += "".join(f" [▶ {m['start']} s]({m['url']})" for m in result.get("moments", []))
        lines.append("| " + " | ".join([
            str(rank), result["kind"], _md(result["title"]), link, str(result.get("year") or ""),
            _md(", ".join(result["case_ids"])), _md(result["snippet"])]) + " |")
    return "\n".join(lines) + "\n"


def clock_time(seconds: int) -> str:
    """A moment as the terminal and the web pages show it: m:ss, or h:mm:ss from an hour on."""
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


def to_text(search: dict[str, Any]) -> str:
    """What a person reads in a terminal: ranked results, moments, then facets."""
    noun = "result" if search["total"] == 1 else "results"
    lines = [f"{search['total']} {noun} for {search['query']!r} (index built {search.get('index_built_at')})"]
    lines += [f"partial: {reason}" for reason in partial_lines(search)] + [""]
    for rank, result in enumerate(search["results"], start=search.get("offset", 0) + 1):
        when = f" {clock_time(result['start'])}" if "start" in result else ""
        flag = "" if result.get("active", True) else "  [niet meer beschikbaar]"
        section = f" — {result['section']}" if result.get("section") else ""
        lines.append(f"{rank}. [{result['kind']}{when}] {result['title']}{section}{flag}")
        lines.append(f"   {result['url']}")
        if result["case_ids"] or result["companies"]:
            lines.append(f"   cases: {', '.join(result['case_ids']) or '-'}; "
                         f"companies: {', '.join(result['companies']) or '-'}")
        lines.append(f"   {result['snippet']}")
        for moment in result.get("moments", []):
            lines.append(f"   ▶ {clock_time(moment['start'])} {moment['url']}  {moment['snippet'][:100]}")
        if result.get("more_moments"):
            lines.append(f"   +{result['more_moments']} more moments")
        lines.append("")
    for name, counts in search["facets"].items():
        if counts:
            top = ", ".join(f"{value} ({count})" for value, count in list(counts.items())[:8])
            lines.append(f"{name}: {top}")
    return "\n".join(lines).rstrip() + "\n"
