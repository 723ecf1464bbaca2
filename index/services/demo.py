"""``casearchive demo``: the whole job on the bundled SAMPLE data, offline, from a fresh install.

It runs the real harvesters: the crawler fetches the sample platform (served by a local server
under the invented host ``kennisbank.example``), the YouTube harvester replays two sample
channels' recorded Data API responses, the caption files are imported with the sample
correction list, and the index is built with the sample taxonomy. Nothing leaves the machine.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from archive.cases import harvest_site
from archive.config import Settings
from archive.errors import ConfigError
from archive.harvest import harvest_youtube
from archive.ocr import INSTALL, engine
from archive.sample_server import SamplePlatformServer
from archive.status import videos_phrase
from archive.store import open_store
from archive.transcripts import harvest_transcripts
from archive.youtube import Progress
from archive.youtube_replay import ReplayHttp
from index.services.library import build, search

MARKER = "SAMPLE-DATA.txt"
DEMO_KEY = "offline-demo-replay"  # the replay never sends it anywhere
SAMPLE_HOST = "https://kennisbank.example"
EXAMPLE_QUERIES = ("taakroulatie", '"minder last van mijn rug"', "gesprek company:Neways", "ergonomie year:2013..2014")
OCR_QUERY = "opinieleiders"  # a word only the sample's scanned note holds: found when Tesseract read it


def sample_root() -> Path:
    """The folder of the sample data shipped inside the ``archive`` package."""
    return Path(str(resources.files("archive") / "sample"))


class LoopbackAdapter(HTTPAdapter):
    """Send requests for the sample host to the local sample server; responses keep their URL."""

    def __init__(self, target: str) -> None:
        super().__init__(max_retries=0)
        self.target = target.rstrip("/")

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        original = request.url or ""
        parts = urlsplit(original)
        request.url = self.target + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            response = super().send(request, **kwargs)
        finally:
            request.url = original
        response.url = original
        return response


@dataclass
class DemoReport:
    """What the demo did, step by step, for the CLI to print."""

    data_dir: Path
    steps: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    searches: list[dict[str, Any]] = field(default_factory=list)


def prepare_demo_dir(data_dir: Path) -> None:
    """Start from an empty demo directory; refuse to touch a directory that holds real data."""
    if data_dir.exists() and any(data_dir.iterdir()):
        if not (data_dir / MARKER).exists():
            raise ConfigError(f"{data_dir} is not empty and is not a demo directory; "
                              "give the demo an empty or new --data directory")
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / MARKER).write_text(
        "This directory was written by `casearchive demo` from the SAMPLE data shipped with casearchive.\n"
        "It is rebuilt from scratch on every demo run.\n", encoding="utf-8")


def demo_settings(data_dir: Path) -> Settings:
    """Settings for the demo archive: no crawl delay on loopback, the sample taxonomy and corrections.

    The demo is offline: its videos are invented, so it fetches no thumbnails (the pages show the placeholder).
    """
    root = sample_root()
    settings = Settings(data_dir=data_dir, taxonomy=root / "taxonomy.toml")
    return replace(settings, site=replace(settings.site, delay=0.0),
                   youtube=replace(settings.youtube, thumbnails=False),
                   transcripts=replace(settings.transcripts, corrections=str(root / "corrections.toml")))


def run_demo(data_dir: Path, progress: Progress | None = None) -> DemoReport:
    """Harvest the sample material into a fresh demo archive, index it and run example searches."""
    prepare_demo_dir(data_dir)
    report = DemoReport(data_dir)
    settings = demo_settings(data_dir)
    with SamplePlatformServer() as server, requests.Session() as session:
        session.mount(SAMPLE_HOST + "/", LoopbackAdapter(server.url))
        # The sample's robots.txt asks for a crawl delay; against our own loopback server there is
        # nobody to be polite to, so the demo does not wait.
        # The old layout's listing lives outside /kennis/, so it is a start URL of its own.
        site = harvest_site(settings, [f"{SAMPLE_HOST}/kennis/", f"{SAMPLE_HOST}/nl/kennis/kennisbank/"],
                            progress=progress, session=session, sleep=lambda seconds: None)
    report.steps.append(("site", site.to_dict()))
    recording = json.loads((sample_root() / "youtube" / "recording.json").read_text(encoding="utf-8"))
    youtube = harvest_youtube(settings, recording["channels"], api_key=DEMO_KEY,
                              http=ReplayHttp(recording["responses"]), progress=progress)
    with open_store(data_dir) as store:  # counted as `status` counts them: active and inactive
        report.steps.append(("youtube", {**youtube.to_dict(), "archived": videos_phrase(store)}))
    transcripts = harvest_transcripts(settings, sample_root() / "captions", progress=progress)
    report.steps.append(("transcripts", transcripts.to_dict()))
    built = build(settings, rebuild=True, progress=progress)
    report.steps.append(("index", built.to_dict()))
    for query in EXAMPLE_QUERIES + ((OCR_QUERY,) if engine() else ()):
        report.searches.append(dict(search(settings, query)))
    return report


def step_line(name: str, step: dict[str, Any]) -> str:
    """One line per demo step for people."""
    if name == "site":
        pages = step["counts"].get("case", {}) or {}
        return (f"site: {sum(pages.values())} case pages, notes read {step['notes']['read']}, "
                f"not read {step['notes']['failed']}, {len(step['channels'])} channels found")
    if name == "youtube":
        totals = step["totals"]
        archived = step.get("archived") or f"{totals['new']} videos"
        return (f"youtube: {archived} from {len(step['channels'])} channels (recorded responses "
                f"replayed; a live run would cost {step['units_total']} quota units)")
    if name == "transcripts":
        totals = step.get("totals", {})
        return "transcripts: " + ", ".join(f"{k} {v}" for k, v in totals.items())
    return (f"index: {step['total']} units ({step['reason']}), {step['links']} links found, "
            f"{step['seconds']:.1f} s")


def ocr_line(report: DemoReport) -> str:
    """Whether the sample's scanned note was read by OCR, or why not (one line)."""
    if engine() is None:
        return f"ocr: the scanned note is skipped: no Tesseract with its Dutch model here ({INSTALL})"
    return (f"ocr: the scanned note was read by Tesseract (Dutch); the search for {OCR_QUERY!r} below "
            "finds words only its image holds")


def problem_lines(report: DemoReport) -> list[str]:
    """Each problem the demo's runs reported, once, short (the sample host left out), failures first;
    the OCR note is left to ``ocr_line``."""
    found: dict[str, None] = {}
    for kind in ("failures", "warnings"):
        label = "failed" if kind == "failures" else "warning"
        for name, step in report.steps:
            for line in step.get(kind) or ():
                if INSTALL not in str(line):
                    found.setdefault(f"{label}: {name}: {str(line).replace(SAMPLE_HOST, '')}")
    return list(found)


def summary_lines(report: DemoReport) -> list[str]:
    """What the demo did, for people: a line per step, OCR, then every problem its runs reported."""
    lines = [step_line(name, step) for name, step in report.steps] + [ocr_line(report)]
    problems = problem_lines(report)
    if problems:
        failed = sum(line.startswith("failed:") for line in problems)
        lines.append(f"problems: {failed} failed, {len(problems) - failed} warnings, put in the SAMPLE platform on "
                     "purpose to show how a run reports them (`harvest site` exits 1 on them):")
        lines += [f"  {line}" for line in problems]
    return lines
