"""Search results as CSV, Markdown and a terminal table; exports say what was searched and when."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from archive.youtube_urls import watch_url
from index.engine import clipped

if TYPE_CHECKING:
    from archive.config import Settings

# OWASP's CSV injection rule (https://owasp.org/www-community/attacks/CSV_Injection; ASVS 5.0 requirement 1.2.10):
# a cell a spreadsheet would read as a formula gets a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = ["rank", "kind", "title", "url", "date", "channel", "duration", "moment", "link", "cases", "companies",
           "themes", "year", "score", "snippet", "moments", "case_ids", "embed", "ocr"]
# What Markdown and the terminal add to a note page whose text Tesseract read from a scan (it may hold misreadings).
OCR_MARK = "OCR text"
MD_COLUMNS = ["#", "kind", "title", "date", "channel", "moment", "duration", "cases", "companies", "snippet"]


@dataclass(frozen=True)
class Wording:
    """How a CSV or Markdown export speaks: its header lines, the names of its columns and kinds, its numbers
    and times, and its CSV dialect. The default (``ENGLISH``) is the CLI's, which scripts read; the web's
    Dutch one for Excel NL is ``index.web.downloads.DUTCH``."""

    header: Callable[[dict[str, Any]], list[str]]  # the search's header lines (query, filters, count, index time)
    columns: dict[str, str] = field(default_factory=dict)  # a column's shown name (absent: its own name)
    kinds: dict[str, str] = field(default_factory=dict)  # a kind's shown word (absent: as it is)
    yes: str = "yes"
    open_link: str = "open"
    ocr_mark: str = OCR_MARK
    decimal: Callable[[float], str] = str  # a score
    clock: Callable[[int], str] | None = None  # a moment or duration in CSV cells (None: the rows' own m:ss)
    delimiter: str = ","
    lineterminator: str = "\n"
    bom: str = ""  # written first: "\ufeff" tells Excel the file is UTF-8
    header_rows: bool = False  # header lines as one-cell CSV rows (quoted where needed), not as raw lines

    def column(self, name: str) -> str:
        """A column's name as this export shows it."""
        return self.columns.get(name, name)

    def kind(self, kind: str) -> str:
        """A kind (case, note, video, passage) as this export says it."""
        return self.kinds.get(kind, kind)


def citable(settings: Settings, search: dict[str, Any]) -> dict[str, Any]:
    """The search with ``rows``: each result as it is cited, with case titles and its video's channel and
    duration looked up once for the whole list (the ``--format``s and ``/export`` write these rows)."""
    from index.services.titles import case_titles

    slugs = {c for result in search["results"] for c in result.get("case_ids", ())}
    slugs |= set((search.get("facets") or {}).get("case") or ())  # the facet line names cases by title too
    titles = {slug: title for slug, title in case_titles(settings.data_dir).items() if slug in slugs} if slugs else {}
    missing = {r["video_id"] for r in search["results"] if r.get("video_id") and not r.get("channel_title")}
    return {**search, "rows": rows(search, titles, _video_facts(settings, missing) if missing else {}),
            "case_titles": titles}


def _video_facts(settings: Settings, video_ids: set[str]) -> dict[str, dict[str, Any]]:
    """Channel and duration of archived videos (a result shown by a passage does not carry them)."""
    from archive.store import open_store
    from archive.youtube import NS_VIDEO, parse_video

    found = {}
    with open_store(settings.data_dir) as store:
        for video_id in sorted(video_ids):
            version = store.latest(NS_VIDEO, video_id)
            if version is not None:
                video = parse_video(store.read_json(version))
                found[video_id] = {"channel_title": video.channel_title, "duration": video.duration}
    return found


def rows(search: dict[str, Any], titles: dict[str, str] | None = None,
         videos: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Each result as cited: date (ISO), channel, duration and moment as m:ss, a link at that second,
    the cases by title (the slug where no title is known), the companies by name, and whether the text
    is OCR's reading of a scanned note page (``ocr``)."""
    titles, videos = titles or {}, videos or {}
    out = []
    for rank, result in enumerate(search["results"], start=search.get("offset", 0) + 1):
        video = {**videos.get(result.get("video_id") or "", {}), **{k: v for k, v in result.items() if v is not None}}
        case_ids = list(result.get("case_ids") or [])
        out.append({
            "rank": rank, "kind": result.get("kind", ""), "title": result.get("title", ""),
            "url": result.get("url", ""),
            "date": result.get("date"), "channel": video.get("channel_title"),
            "duration": clock_time(int(video["duration"])) if video.get("duration") else None,
            **_moment(result), "cases": [titles.get(c, c) for c in case_ids],
            "companies": list(result.get("companies") or []), "themes": list(result.get("themes") or []),
            "year": result.get("year"), "score": result.get("score"), "snippet": result.get("snippet", ""),
            "moments": [{**_moment(m), "snippet": m.get("snippet", "")} for m in result.get("moments", [])],
            "case_ids": case_ids, "embed": result.get("embed", ""), "ocr": bool(result.get("ocr"))})
    return out


def _moment(hit: dict[str, Any]) -> dict[str, Any]:
    """Where a hit is said: its second as m:ss and a link into the video at that second."""
    start = hit.get("start")
    video_id = hit.get("video_id")
    link = watch_url(video_id, start) if video_id else hit.get("url", "")
    return {"moment": clock_time(int(start)) if start is not None else None, "start": start, "link": link}


def _cell(row: dict[str, Any], column: str, wording: Wording) -> str:
    value = row.get(column)
    if column in ("moment", "duration") and value is not None and wording.clock:
        value = wording.clock(int(row["start"]) if column == "moment" else _seconds(value))
    if column == "moments":
        return "; ".join(f"{_clock(m, wording)} {m['link']}" for m in value or ())
    if column == "kind":
        return wording.kind(str(value or ""))
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return wording.yes if value else ""
    if isinstance(value, float):
        return wording.decimal(value)
    return "" if value is None else str(value)


def _clock(moment: dict[str, Any], wording: Wording) -> str:
    """A moment of a row's ``moments`` in this export's clock."""
    if wording.clock and moment.get("start") is not None:
        return wording.clock(int(moment["start"]))
    return str(moment.get("moment") or "")


def _seconds(clock: str) -> int:
    """``5:12`` or ``1:02:03`` back in seconds."""
    seconds = 0
    for part in clock.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds


def _neutral(cell: str) -> str:
    """A CSV cell no spreadsheet runs as a formula (``=HYPERLINK(…)`` becomes ``'=HYPERLINK(…)``).

    A lone CR becomes LF, which the writer quotes: unquoted, a CR ends the row in a spreadsheet.
    """
    cell = "'" + cell if cell.startswith(FORMULA_STARTS) else cell
    return cell.replace("\r\n", "\n").replace("\r", "\n")


def english_header(search: dict[str, Any]) -> list[str]:
    """The CLI's header lines: query, filters, count, index build time (UTC), why partial, hints."""
    parsed = search.get("parsed") or {}
    shown = len(search["results"])
    return [
        f"query: {search['query']}",
        f"filters: {', '.join(parsed.get('filters') or []) or 'none'}",
        f"results: {search['total']} (this export: {shown}, from {search.get('offset', 0) + 1 if shown else 0}; "
        f"sorted by {search.get('sort', 'relevance')})",
        f"index built at: {search.get('index_built_at')}",
    ] + [f"partial: {reason}" for reason in partial_lines(search)] \
        + [f"hint: {hint['text']}" for hint in search.get("hints", ())]


ENGLISH = Wording(header=english_header)


# Why a list is partial (engine's ``partial_reasons``), one sentence per reason, in the CLI's words.
PARTIAL = {"words": "{term} stands for {words} words; searched the {kept} most frequent (type more letters before "
                    "the * to narrow it)",
           "deadline": "the search ran over its {seconds} s deadline; the first {shown} results are shown"}


def partial_lines(search: dict[str, Any], sentences: dict[str, str] | None = None,
                  number: Callable[[float], str] = lambda v: f"{v:g}" if isinstance(v, float) else str(v)) -> list[str]:
    """Why a result list is partial, one line a reason (none when it is whole), its numbers written by ``number``."""
    sentences = sentences or PARTIAL
    return [sentences["words" if why["reason"] == "words" else "deadline"].format(
        **{k: number(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for k, v in why.items()})
        for why in search.get("partial_reasons") or ()]


def to_csv(search: dict[str, Any], wording: Wording | None = None) -> str:
    """CSV with ``#`` header lines naming the query, filters, count and index build time."""
    wording = wording or ENGLISH
    out = io.StringIO()
    out.write(wording.bom)
    # QUOTE_MINIMAL (the csv module's default): a cell with the delimiter, a quote or a line break is quoted.
    writer = csv.writer(out, delimiter=wording.delimiter, lineterminator=wording.lineterminator)
    for line in wording.header(search):
        # A line break in the query would start a row of its own, outside the comment.
        line = "# " + " ".join(line.splitlines())
        if wording.header_rows:
            writer.writerow([line])
        else:
            out.write(line + "\n")
    writer.writerow([wording.column(c) for c in COLUMNS])
    for row in search.get("rows") or rows(search):
        writer.writerow([_neutral(_cell(row, c, wording)) for c in COLUMNS])
    return out.getvalue()


def to_json(search: dict[str, Any]) -> str:
    """The search object (as ``/api/search`` gives it) with its cited ``rows``."""
    shown = {key: value for key, value in search.items() if key != "case_titles"}  # the rows name them
    return json.dumps({**shown, "rows": search.get("rows") or rows(search)}, indent=2, ensure_ascii=False)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(search: dict[str, Any], wording: Wording | None = None) -> str:
    """A Markdown table with the same header facts, for citing in a report."""
    wording = wording or ENGLISH
    lines = [f"- {line}" for line in wording.header(search)] + [""]
    lines.append("| " + " | ".join(wording.column(c) for c in MD_COLUMNS) + " |")
    lines.append("|" + "---|" * len(MD_COLUMNS))
    for row in search.get("rows") or rows(search):
        link = f"[▶ {row['moment']}]({row['link']})" if row["moment"] \
            else f"[{wording.open_link}]({row['link'] or row['url']})"
        link += "".join(f" [▶ {m['moment']}]({m['link']})" for m in row["moments"])
        # its text may hold misreadings
        kind = wording.kind(row["kind"]) + (f" ({wording.ocr_mark})" if row.get("ocr") else "")
        lines.append("| " + " | ".join([
            str(row["rank"]), kind, _md(row["title"]), row["date"] or "", _md(row["channel"] or ""), link,
            row["duration"] or "", _md(", ".join(row["cases"])), _md(", ".join(row["companies"])),
            _md(row["snippet"])]) + " |")
    return "\n".join(lines) + "\n"


def clock_time(seconds: int) -> str:
    """A moment as the terminal and the web pages show it: m:ss, or h:mm:ss from an hour on."""
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


def to_text(search: dict[str, Any]) -> str:
    """What a person reads in a terminal: ranked results, moments, then facets."""
    noun = "result" if search["total"] == 1 else "results"
    lines = [f"{search['total']} {noun} for {search['query']!r} (index built {search.get('index_built_at')})"]
    lines += [f"partial: {reason}" for reason in partial_lines(search)] + [h["text"] for h in search.get("hints", ())]
    lines.append("")
    cited = search.get("rows") or []
    for n, (rank, result) in enumerate(enumerate(search["results"], start=search.get("offset", 0) + 1)):
        when = f" {clock_time(result['start'])}" if "start" in result else ""
        flag = ("" if result.get("active", True) else "  [niet meer beschikbaar]") + \
            (f"  [{OCR_MARK}]" if result.get("ocr") else "")
        section = f" — {result['section']}" if result.get("section") else ""
        lines.append(f"{rank}. [{result['kind']}{when}] {result['title']}{section}{flag}")
        lines.append(f"   {result['url']}")
        if result["case_ids"] or result["companies"]:
            cases = cited[n]["cases"] if n < len(cited) else result["case_ids"]
            lines.append(f"   cases: {', '.join(cases) or '-'}; "
                         f"companies: {', '.join(result['companies']) or '-'}")
        lines.append(f"   {result['snippet']}")
        for moment in result.get("moments", []):
            lines.append(f"   ▶ {clock_time(moment['start'])} {moment['url']}  {clipped(moment['snippet'], 100)}")
        if result.get("more_moments"):
            lines.append(f"   +{result['more_moments']} more moments")
        lines.append("")
    for name, counts in search["facets"].items():
        if counts:
            named = search.get("case_titles", {}) if name == "case" else {}
            top = ", ".join(f"{named.get(value, value)} ({count})" for value, count in list(counts.items())[:8])
            lines.append(f"{name}: {top}")
    return "\n".join(lines).rstrip() + "\n"
