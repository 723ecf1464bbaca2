"""Shared fixtures: a fake YouTube Data API, an isolated environment, a data directory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from tests.fake_youtube import FakeChannel, FakeVideo, FakeYouTube

SEED_CHANNEL = "UC6XpRSGS236lYZmcCjkBE4g"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test runs in an empty folder with no casearchive settings from the outside."""
    for name in list(os.environ):
        if name.startswith("CASEARCHIVE_") or name == "YOUTUBE_API_KEY":
            monkeypatch.delenv(name)
    # No test asks YouTube's image host: thumbnails go to a closed local port unless a test's fake serves them.
    monkeypatch.setenv("CASEARCHIVE_YOUTUBE_THUMBNAIL_URL", "http://127.0.0.1:9/")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def fake_youtube() -> Iterator[FakeYouTube]:
    with FakeYouTube() as fake:
        yield fake


@pytest.fixture
def youtube_env(fake_youtube: FakeYouTube, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> FakeYouTube:
    """The environment a user would set to harvest against the fake API; backoff does not wait."""
    monkeypatch.setenv("YOUTUBE_API_KEY", fake_youtube.api_key)
    monkeypatch.setenv("CASEARCHIVE_YOUTUBE_API_URL", fake_youtube.url)
    monkeypatch.setenv("CASEARCHIVE_YOUTUBE_THUMBNAIL_URL", fake_youtube.url)  # the fake is the image host too
    monkeypatch.setenv("CASEARCHIVE_DATA", str(data_dir))
    monkeypatch.setattr("archive.youtube_api.backoff_sleep", lambda seconds: None)
    return fake_youtube


def dutch_video(n: int, **overrides: object) -> FakeVideo:
    """A plausible testimonial upload, numbered so ids and titles are unique."""
    fields: dict[str, object] = {
        "id": f"vid{n:08d}",
        "title": f"Duurzaam meedoen: impressie {n}",
        "description": f"Medewerkers vertellen over taakroulatie en opleiding (deel {n}).",
        "published_at": f"2013-{1 + n % 12:02d}-{1 + n % 28:02d}T10:{n % 60:02d}:00Z",
        "tags": ["Metalektro", "duurzame inzetbaarheid"],
    }
    fields.update(overrides)
    return FakeVideo(**fields)  # type: ignore[arg-type]


@pytest.fixture
def seed_channel(fake_youtube: FakeYouTube) -> FakeChannel:
    """The seed case's channel with 120 uploads (newest first)."""
    channel = FakeChannel(SEED_CHANNEL, "Duurzaam meedoen Metalektro", handle="@duurzaammeedoen",
                          username="DuurzaamMeedoen")
    channel.videos = [dutch_video(n) for n in range(120, 0, -1)]
    return fake_youtube.add_channel(channel)
