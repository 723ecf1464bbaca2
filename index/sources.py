"""Read everything the index needs from the archive alone (no network)."""

from __future__ import annotations

import logging
from pathlib import Path

from archive.config import Settings
from archive.status import inactive_videos
from archive.store import open_store
from archive.youtube import NS_VIDEO, parse_video
from index.units import Sources

log = logging.getLogger(__name__)


def load_sources(settings: Settings) -> Sources:
    """Parse the latest version of every archived case, note, video and transcript."""
    sources = Sources()
    with open_store(settings.data_dir) as store:
        for version in store.iter_latest(NS_VIDEO):
            sources.videos.append(parse_video(store.read_json(version)))
        sources.inactive = inactive_videos(store)
        sources.channel_of_case_link = {
            name.split("/", 2)[2].split(":", 1)[1]: store.get_state(name)
            for name in store.state_names("youtube/resolve/")
        }
    return sources
