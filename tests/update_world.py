"""The world an update run sees in tests: the sample platform (with faults on demand) and a fake API.

``clean_platform`` is a copy of the sample platform without its deliberate defects (a dead link,
a scanned, an encrypted and a corrupt PDF) and without a Crawl-delay, so a healthy run exits 0
and a CLI run in a subprocess does not wait. ``FlakyPlatformServer`` serves it and can make a
path fail the way networks fail: a 5xx, a connection closed without an answer, or no answer
until the client times out.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import pytest

from archive.config import Settings, load_settings
from archive.sample_server import SamplePlatformServer, sample_platform_dir
from index.services.demo import sample_root
from index.services.update import UpdateReport, run_update
from tests.fake_youtube import FakeYouTube
from tests.sample_world import platform_channel, seed_channel

CANARY_KEY = "AIzaSy-CANARY-7f3e9a1c-never-print-me"
DEAD_CASE = "kennis/vitaliteitsprogramma-bij-bakkerij-de-korenschoof"
BROKEN_NOTES = ("ergonomie-oostwold-scan.pdf", "teamleren-speelkwartier.pdf", "evaluatie-noordhaven.pdf")
CLI = "import sys; from index.cli import main; sys.exit(main())"
QUERIES = ("taakroulatie", "gesprek company:Neways", '"minder last van mijn rug"', "ergonomie year:2013..2014",
           "kind:video metalektro")


def clean_platform(target: Path) -> Path:
    """Copy the sample platform to ``target`` with its deliberate defects repaired."""
    shutil.copytree(sample_platform_dir(), target)
    good = target / "media" / "bijlagen" / "taakroulatie-kuipers-verpakkingen.pdf"
    for name in BROKEN_NOTES:
        shutil.copyfile(good, target / "media" / "bijlagen" / name)
    (target / DEAD_CASE).mkdir(parents=True)
    shutil.copyfile(target / "kennis" / "taakroulatie-bij-kuipers-verpakkingen" / "index.html",
                    target / DEAD_CASE / "index.html")
    robots = target / "robots.txt"
    robots.write_text("".join(line for line in robots.read_text(encoding="utf-8").splitlines(keepends=True)
                              if not line.startswith("Crawl-delay")), encoding="utf-8")
    return target


class FlakyPlatformServer(SamplePlatformServer):
    """The sample server, plus faults that are not HTTP answers: ``close`` and ``hang``."""

    def __init__(self, root: Path) -> None:
        self._faults: dict[str, list[str]] = {}
        self.release = threading.Event()  # ends every hang at teardown
        super().__init__(root)

    def fault(self, path: str, kind: str, times: int = 1) -> None:
        """The next ``times`` requests for ``path``: ``close`` the connection, or ``hang`` unanswered."""
        with self._lock:
            self._faults.setdefault(path, []).extend([kind] * times)

    def stop(self) -> None:
        self.release.set()
        super().stop()

    def _handler(self) -> type[Any]:
        base = super()._handler()
        server = self

        class Flaky(base):  # type: ignore[misc, valid-type]
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                path = urlsplit(self.path).path
                with server._lock:
                    queued = server._faults.get(path)
                    kind = queued.pop(0) if queued else None
                if kind is None:
                    super().do_GET()
                    return
                with server._lock:
                    server.requests.append((path, dict(self.headers.items())))
                if kind == "hang":
                    server.release.wait(5)  # longer than the client's timeout
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)

        return Flaky


@dataclass
class World:
    """A data directory, its config file, the served platform and the fake YouTube API."""

    root: Path
    data_dir: Path
    config: Path
    platform: Path
    server: FlakyPlatformServer
    youtube: FakeYouTube
    env: dict[str, str] = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        return load_settings(self.config, env=self.env)

    def update(self, **kwargs: Any) -> UpdateReport:
        """One update run in this process, without waiting between requests."""
        return run_update(self.settings, sleep=lambda seconds: None, **kwargs)

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run ``casearchive ARGS`` in a subprocess with this world's environment."""
        return subprocess.run([sys.executable, "-c", CLI, *args], env=self.env, cwd=self.root,
                              capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """Start the servers and write the config; stop the servers afterwards."""

    platform = clean_platform(tmp_path / "platform")
    data_dir = tmp_path / "data"
    with FlakyPlatformServer(platform) as server, FakeYouTube(api_key=CANARY_KEY) as youtube:
        youtube.add_channel(seed_channel())
        youtube.add_channel(platform_channel())
        config = tmp_path / "casearchive.toml"
        config.write_text(
            f'data = "{data_dir}"\ntaxonomy = "{sample_root() / "taxonomy.toml"}"\n\n'
            f'[site]\nstart_urls = ["{server.url}/kennis/", "{server.url}/nl/kennis/kennisbank/"]\n'
            "delay = 0.0\nretries = 1\ntimeout = 1.0\n\n"
            f'[transcripts]\nfolder = "{sample_root() / "captions"}"\n'
            f'corrections = "{sample_root() / "corrections.toml"}"\n', encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("CASEARCHIVE_") and k != "YOUTUBE_API_KEY"}
        env.update({"CASEARCHIVE_CONFIG": str(config), "YOUTUBE_API_KEY": CANARY_KEY,
                    "CASEARCHIVE_YOUTUBE_API_URL": youtube.url, "CASEARCHIVE_YOUTUBE_THUMBNAIL_URL": youtube.url,
                    "PYTHONPATH": str(Path(__file__).parent.parent)})
        monkeypatch.setenv("YOUTUBE_API_KEY", CANARY_KEY)
        monkeypatch.setenv("CASEARCHIVE_YOUTUBE_API_URL", youtube.url)
        monkeypatch.setenv("CASEARCHIVE_YOUTUBE_THUMBNAIL_URL", youtube.url)
        yield World(tmp_path, data_dir, config, platform, server, youtube, env)


def result_ids(world: World, query: str) -> list[str]:
    """The result ids of a query against the live index, in order."""
    from index.engine.search import SearchOptions
    from index.services.library import search

    return [r["id"] for r in search(world.settings, query, SearchOptions(limit=50))["results"]]


def answers(world: World) -> dict[str, list[str]]:
    """What the live index answers to the test queries."""
    return {query: result_ids(world, query) for query in QUERIES}


def add_sentence(world: World, slug: str, sentence: str) -> None:
    """Change a served case page: a new paragraph under the first heading of its article."""
    page = world.platform / "kennis" / slug / "index.html"
    html = page.read_text(encoding="utf-8")
    at = html.index("</h2>", html.index("<article")) + len("</h2>")
    page.write_text(f"{html[:at]}\n<p>{sentence}</p>{html[at:]}", encoding="utf-8")


def harvest_site_only(world: World) -> None:
    """Archive the platform's current pages without building the index."""
    from archive.cases import harvest_site

    assert harvest_site(world.settings, sleep=lambda seconds: None).exit_code == 0
