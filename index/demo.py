"""``casearchive demo``: the whole job on the bundled SAMPLE data, offline, from a fresh install."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from archive.config import Settings
from archive.errors import ConfigError
from archive.harvest import harvest_youtube
from archive.youtube import Progress
from archive.youtube_replay import ReplayHttp

MARKER = "SAMPLE-DATA.txt"
DEMO_KEY = "offline-demo-replay"  # the replay never sends it anywhere


def sample_root() -> Path:
    """The folder of the sample data shipped inside the ``archive`` package."""
    return Path(str(resources.files("archive") / "sample"))


@dataclass
class DemoReport:
    """What the demo did, step by step, for the CLI to print."""

    data_dir: Path
    steps: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


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


def run_demo(data_dir: Path, progress: Progress | None = None) -> DemoReport:
    """Harvest the sample material into a fresh demo archive (no network)."""
    prepare_demo_dir(data_dir)
    report = DemoReport(data_dir)
    settings = Settings(data_dir=data_dir)
    recording_path = sample_root() / "youtube" / "recording.json"
    recording = json.loads(recording_path.read_text(encoding="utf-8"))
    replay = ReplayHttp(recording["responses"])
    summary = harvest_youtube(settings, recording["channels"], api_key=DEMO_KEY, http=replay, progress=progress)
    report.steps.append(("youtube", summary.to_dict()))
    return report
