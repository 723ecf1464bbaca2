#!/usr/bin/env python3
"""Record the SAMPLE channels' Data API responses for the offline demo.

Harvests the sample world (tests/sample_world.py) from the local fake Data API with the real
harvester, then writes every raw response the archive stored, in call order, to
archive/sample/youtube/recording.json. Run it again whenever the sample world or the
harvester's calls change; tests/test_demo.py fails while the recording is out of date.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.config import Settings, YouTubeSettings  # noqa: E402
from archive.harvest import harvest_youtube  # noqa: E402
from archive.store import open_store  # noqa: E402
from archive.youtube import NS_RESPONSE  # noqa: E402
from tests.sample_world import SAMPLE_CHANNELS, sample_world  # noqa: E402

OUTPUT = ROOT / "archive" / "sample" / "youtube" / "recording.json"


def record() -> list[dict[str, object]]:
    """Harvest the sample world into a scratch archive and return its responses in order."""
    with sample_world() as fake, tempfile.TemporaryDirectory() as scratch:
        # Only the API's answers are recorded: no thumbnail is fetched.
        settings = Settings(data_dir=Path(scratch), youtube=YouTubeSettings(api_url=fake.url, thumbnails=False))
        summary = harvest_youtube(settings, SAMPLE_CHANNELS, api_key=fake.api_key)
        if summary.exit_code != 0:
            raise SystemExit(f"recording failed: {summary.failures}")
        with open_store(scratch) as store:
            versions = sorted(store.iter_latest(NS_RESPONSE), key=lambda v: v.seq)
            return [{"method": v.method, "params": v.params, "status": v.status, "body": store.read_json(v)}
                    for v in versions]


def main() -> None:
    responses = record()
    recording = {
        "note": "SAMPLE DATA for the offline demo: invented uploads on two channels, recorded from the "
                "local fake Data API by scripts/record_sample_youtube.py. Not real YouTube data.",
        "channels": list(SAMPLE_CHANNELS),
        "responses": responses,
    }
    OUTPUT.write_text(json.dumps(recording, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(responses)} responses to {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
