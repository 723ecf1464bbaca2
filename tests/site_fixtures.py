"""Shared fixtures for the platform tests: the sample platform served over local HTTP."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import pytest

from archive.config import Settings, SiteSettings
from archive.sample_server import SamplePlatformServer, sample_platform_dir

SEED_ID = "duurzaam-meedoen-in-de-metalektro"
OLD_PATH = "/nl/kennis/kennisbank/werkoverleg-nieuwe-stijl-bij-installatiebedrijf-de-groot/1187"


class FakeClock:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def page_path(case_id: str) -> str:
    """The URL path of a sample case page."""
    return OLD_PATH if case_id == "werkoverleg-nieuwe-stijl-bij-installatiebedrijf-de-groot" else f"/kennis/{case_id}/"


def read_page(case_id: str) -> bytes:
    """The stored HTML of a sample case page."""
    return (sample_platform_dir() / page_path(case_id).strip("/") / "index.html").read_bytes()


@pytest.fixture
def platform_copy(tmp_path: Path) -> Path:
    """A private copy of the sample platform that a test may change."""
    target = tmp_path / "platform"
    shutil.copytree(sample_platform_dir(), target)
    return target


@pytest.fixture
def server() -> Iterator[SamplePlatformServer]:
    """The sample platform served as it ships."""
    with SamplePlatformServer() as running:
        yield running


@pytest.fixture
def copy_server(platform_copy: Path) -> Iterator[SamplePlatformServer]:
    """The private copy of the sample platform, served."""
    with SamplePlatformServer(platform_copy) as running:
        yield running


def site_settings(data_dir: Path, server: SamplePlatformServer, *, old_layout: bool = True) -> Settings:
    """Settings that crawl the served sample platform with no delay of our own."""
    starts = (f"{server.url}/kennis/",) + ((f"{server.url}/nl/kennis/kennisbank/",) if old_layout else ())
    return replace(Settings(data_dir=data_dir), site=SiteSettings(start_urls=starts, delay=0.0, retries=2))
