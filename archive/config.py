"""Settings: defaults < casearchive.toml < CASEARCHIVE_* environment < command-line flags."""

from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

from archive.errors import ConfigError

DEFAULT_CONFIG_NAME = "casearchive.toml"
# Where ``import-archive`` restores a backup's configuration, inside the data directory.
RESTORED_CONFIG = Path("setup") / DEFAULT_CONFIG_NAME
log = logging.getLogger(__name__)
DEFAULT_YOUTUBE_API_URL = "https://youtube.googleapis.com/"
DEFAULT_THUMBNAIL_URL = "https://i.ytimg.com/"  # YouTube's image host, where the Data API's thumbnails live
# How long a writing command waits for another one to finish before it exits 3 (seconds): long
# enough for an `index` or a `harvest` started while another finishes, short enough that
# scheduled runs do not pile up behind a stuck one.
DEFAULT_LOCK_WAIT = 120.0
DEFAULT_USER_AGENT = (
    "casearchive/0.1 (+https://github.com/casearchive/casearchive; research archive of case videos)"
)


@dataclass(frozen=True)
class YouTubeSettings:
    """How to reach the YouTube Data API and which channels to harvest."""

    channels: tuple[str, ...] = ()
    own_channels: tuple[str, ...] = ()  # the platform's own channels: a case linking one is no evidence
    api_url: str = DEFAULT_YOUTUBE_API_URL
    key_file: str | None = None
    retries: int = 5
    full_pass_every_days: int = 7
    refresh_days: int = 30
    refresh_budget: int = 2
    thumbnails: bool = True  # store each video's thumbnail in the archive (pages never ask YouTube for it)
    thumbnail_url: str = DEFAULT_THUMBNAIL_URL
    thumbnail_budget: int = 500  # thumbnails fetched a run at most; the rest the next run


@dataclass(frozen=True)
class SiteSettings:
    """Where the platform's case pages are and how politely to crawl them."""

    start_urls: tuple[str, ...] = ()
    user_agent: str = DEFAULT_USER_AGENT
    delay: float = 1.0
    retries: int = 3
    timeout: float = 30.0
    total_timeout: float = 120.0
    max_pages: int = 100
    selectors: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TranscriptSettings:
    """Which caption languages to prefer and whether the online provider may run."""

    languages: tuple[str, ...] = ("nl", "en")
    online: bool = False
    folder: str | None = None
    corrections: str | None = None
    online_budget: int = 50
    online_delay: float = 2.0


@dataclass(frozen=True)
class LimitSettings:
    """Size and time budgets of one archived item (``archive.budget``); 0 means no limit."""

    page_bytes: int = 2_000_000  # a case page's HTML
    note_bytes: int = 50_000_000  # an attachment's file
    note_chars: int = 5_000_000  # the text read from one attachment, all pages
    pdf_page_bytes: int = 2_000_000  # the decoded drawing instructions of one PDF page
    caption_bytes: int = 5_000_000  # a caption file
    item_bytes: int = 1_000_000  # one YouTube API item (a video's JSON)
    parse_seconds: float = 30.0  # parsing one item


@dataclass(frozen=True)
class Settings:
    """Everything a command needs to know, after all sources are merged."""

    data_dir: Path = Path("data")
    taxonomy: Path | None = None
    config_file: Path | None = None
    youtube: YouTubeSettings = field(default_factory=YouTubeSettings)
    site: SiteSettings = field(default_factory=SiteSettings)
    transcripts: TranscriptSettings = field(default_factory=TranscriptSettings)
    lock_wait: float = DEFAULT_LOCK_WAIT
    limits: LimitSettings = field(default_factory=LimitSettings)


_SECTIONS = {"youtube": YouTubeSettings, "site": SiteSettings, "transcripts": TranscriptSettings,
             "limits": LimitSettings}
_TOP_KEYS = {"data": "data_dir", "taxonomy": "taxonomy"}


def _coerce(cls: type, name: str, value: Any, where: str) -> Any:
    """Check a value from the file against the dataclass field's default type."""
    sample = getattr(cls(), name)
    if isinstance(sample, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}.{name} must be a list of strings, e.g. [\"…\"]")
        if name == "languages" and not value:
            raise ConfigError(f"{where}.{name} needs at least one language")
        return tuple(value)
    if isinstance(sample, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{where}.{name} must be true or false")
        return value
    if isinstance(sample, (int, float)) and not isinstance(sample, bool):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}.{name} must be a number")
        if value < 0:
            raise ConfigError(f"{where}.{name} must not be negative")
        return type(sample)(value)
    if isinstance(sample, Mapping):
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise ConfigError(f"{where}.{name} must be a table of strings")
        return dict(value)
    if not isinstance(value, str):
        raise ConfigError(f"{where}.{name} must be a string")
    return value


def _section(cls: type, table: Any, where: str) -> Any:
    if not isinstance(table, dict):
        raise ConfigError(f"[{where}] must be a table")
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(table) - names)
    if unknown:
        raise ConfigError(f"unknown key {unknown[0]!r} in [{where}] (known: {', '.join(sorted(names))})")
    return cls(**{k: _coerce(cls, k, v, where) for k, v in table.items()})


def lock_seconds(value: Any, where: str) -> float:
    """A lock wait in seconds (a number, 0 or more) from the file, the environment or a flag."""
    try:
        seconds = float(value) if not isinstance(value, bool) else -1.0
    except (TypeError, ValueError):
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise ConfigError(f"{where} must be a number of seconds, 0 or more (got {value!r})")
    return seconds


def parse_config(text: str, source: Path) -> Settings:
    """Parse the text of a casearchive.toml into Settings (paths relative to the file's folder)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    settings = Settings(config_file=source)
    base = source.parent
    for key, value in raw.items():
        if key in _SECTIONS:
            settings = replace(settings, **{key: _section(_SECTIONS[key], value, key)})
        elif key == "lock_wait":
            number = value if isinstance(value, (int, float)) else f"{value!r} (not a number)"
            settings = replace(settings, lock_wait=lock_seconds(number, f"{source}: lock_wait"))
        elif key in _TOP_KEYS:
            if not isinstance(value, str):
                raise ConfigError(f"{source}: {key} must be a string path")
            settings = replace(settings, **{_TOP_KEYS[key]: base / Path(value).expanduser()})  # type: ignore[arg-type]
        else:
            known = ", ".join(sorted([*_TOP_KEYS, "lock_wait", *_SECTIONS]))
            raise ConfigError(f"{source}: unknown key {key!r} (known: {known})")
    return settings


def load_settings(
    config: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Merge defaults, the config file (``--config``, else CASEARCHIVE_CONFIG, else ./casearchive.toml,
    else the one restored into the data directory), the environment and the flags given here."""
    env = os.environ if env is None else env
    path = config or env.get("CASEARCHIVE_CONFIG")
    restored: Path | None = None
    if path:
        path = Path(path).expanduser()
        if not path.is_file():
            raise ConfigError(f"config file not found: {path}")
    elif Path(DEFAULT_CONFIG_NAME).is_file():
        path = Path(DEFAULT_CONFIG_NAME)
    else:
        path = restored = _restored_config(data_dir, env)
    settings = Settings()
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read config file {path}: {exc}") from None
        settings = parse_config(text, Path(path))
    if restored is not None:  # its data directory is the one it is in, whatever it says
        settings = replace(settings, data_dir=restored.parent.parent)
    if env.get("CASEARCHIVE_DATA"):
        settings = replace(settings, data_dir=Path(env["CASEARCHIVE_DATA"]).expanduser())
    if env.get("CASEARCHIVE_TAXONOMY"):
        settings = replace(settings, taxonomy=Path(env["CASEARCHIVE_TAXONOMY"]).expanduser())
    if env.get("CASEARCHIVE_YOUTUBE_API_URL"):
        settings = replace(
            settings, youtube=replace(settings.youtube, api_url=env["CASEARCHIVE_YOUTUBE_API_URL"])
        )
    if env.get("CASEARCHIVE_YOUTUBE_THUMBNAIL_URL"):
        settings = replace(
            settings, youtube=replace(settings.youtube, thumbnail_url=env["CASEARCHIVE_YOUTUBE_THUMBNAIL_URL"])
        )
    if env.get("CASEARCHIVE_YOUTUBE_KEY_FILE"):
        settings = replace(
            settings, youtube=replace(settings.youtube, key_file=env["CASEARCHIVE_YOUTUBE_KEY_FILE"])
        )
    if env.get("CASEARCHIVE_LOCK_WAIT"):
        settings = replace(settings, lock_wait=lock_seconds(env["CASEARCHIVE_LOCK_WAIT"], "CASEARCHIVE_LOCK_WAIT"))
    if data_dir is not None:
        settings = replace(settings, data_dir=Path(data_dir).expanduser())
    return settings


def _restored_config(data_dir: str | os.PathLike[str] | None, env: Mapping[str, str]) -> Path | None:
    """The configuration a backup restored into the data directory (``<data>/setup/casearchive.toml``):
    used when no other is given, so a plain command on a restored archive builds the index it was
    backed up with (same taxonomy, corrections and settings)."""
    data = Path(data_dir if data_dir is not None else env.get("CASEARCHIVE_DATA") or Settings().data_dir)
    restored = data.expanduser() / RESTORED_CONFIG
    if not restored.is_file():
        return None
    log.info("[config] no --config given: using the configuration restored with the archive, %s", restored)
    return restored


def read_api_key(settings: Settings, env: Mapping[str, str] | None = None) -> str:
    """The YouTube API key from YOUTUBE_API_KEY or the key file; never from the config itself."""
    env = os.environ if env is None else env
    key = env.get("YOUTUBE_API_KEY", "").strip()
    if key:
        return key
    if settings.youtube.key_file:
        path = Path(settings.youtube.key_file).expanduser()
        try:
            key = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"cannot read the YouTube key file {path}: {exc.strerror}") from None
        if key:
            return key
        raise ConfigError(f"the YouTube key file {path} is empty")
    raise ConfigError(
        "no YouTube API key: set YOUTUBE_API_KEY or youtube.key_file "
        "(a file outside the repository holding the key)"
    )


EXAMPLE_CONFIG = '''\
# casearchive configuration. Precedence: defaults < this file < CASEARCHIVE_* env < flags.
# The YouTube API key is NOT configured here: set YOUTUBE_API_KEY, or point youtube.key_file at
# a file outside any repository that holds only the key.

# Where the archive, the index and the run logs live (relative to this file).
data = "data"

# Companies (with aliases and sector), themes (with synonyms) and sectors; merged with what
# the case pages say. See the README for the format.
# taxonomy = "taxonomy.toml"

# Seconds a command that writes (update, harvest, index) waits while another one holds the data
# directory's lock; then it exits 3 naming the holder. Env CASEARCHIVE_LOCK_WAIT, flag --lock-wait.
# lock_wait = 120

[site]
# Listing pages to crawl from; case pages and their attachments are followed on the same host.
start_urls = ["https://www.kennisbanksocialeinnovatie.nl/kennis/"]
# Seconds between requests to one host (robots.txt Crawl-delay wins when larger).
delay = 1.0
retries = 3
# Seconds one read may wait (timeout) and one whole response may take (total_timeout).
timeout = 30.0
total_timeout = 120.0
# Listing pages followed from each start URL (its pagination); more is a trap, listed as refused.
max_pages = 100
# CSS selectors for a platform whose markup differs from the default guesses (all optional):
# title, body, year (the year element), boilerplate (extra elements to drop, comma-separated),
# case_links (links to cases on a listing page), next_page (pagination links).
# [site.selectors]
# title = "h1.case-title"
# body = "article .content"

[youtube]
# Channels as UC… id, @handle or URL. Channels linked from case pages are added automatically.
channels = ["UC6XpRSGS236lYZmcCjkBE4g"]
# The platform's own channels (UC… id, @handle or URL), which host the films of many cases: a case
# page that points at one ("more films on our channel") places none of its videos with that case.
# own_channels = ["@kennisbanksocialeinnovatie"]
# key_file = "~/.config/casearchive/youtube.key"
# The Data API root; point it at a local test server with CASEARCHIVE_YOUTUBE_API_URL.
# api_url = "https://youtube.googleapis.com/"
retries = 5
# An incremental run stops at the first known upload; every N days a full pass re-reads the
# whole uploads list to notice deleted and privated videos.
full_pass_every_days = 7
# Besides new uploads, every run re-checks the metadata of the videos checked longest ago, so
# each is refreshed at least every refresh_days days without a quota spike: at most
# refresh_budget videos.list calls (50 videos, 1 unit each) a run. 0 turns re-checks off.
refresh_days = 30
refresh_budget = 2
# Each video's thumbnail (the API's 320 px one) is stored in the archive once, so the web pages
# show it from this server and never ask YouTube; at most thumbnail_budget a run, the rest the
# next run. A thumbnail that cannot be fetched is a warning, tried again next run. false turns
# fetching off (pages then show a placeholder).
# thumbnails = true
# thumbnail_budget = 500
# The image host; point it at a local test server with CASEARCHIVE_YOUTUBE_THUMBNAIL_URL.
# thumbnail_url = "https://i.ytimg.com/"

[transcripts]
# Preferred caption languages, in order.
languages = ["nl", "en"]
# Folder of caption files named <videoId>.<lang>.vtt or .srt (e.g. from YouTube Studio).
# folder = "captions"
# Auto-caption misspellings fixed at every reindex (TOML: "wrong" = "right"); the archive keeps
# the raw text. Example: "alpha laval" = "Alfa Laval".
# corrections = "corrections.toml"
# The online provider (youtube-transcript-api) uses an undocumented YouTube endpoint, not the
# Data API; YouTube may block it or change it without notice, and using it may not agree with
# YouTube's terms of service. It is off unless you enable it and accept that for your use.
online = false
# At most this many videos are asked online per run, this many seconds apart.
online_budget = 50
online_delay = 2.0

[limits]
# Budgets of one archived item: over one, the item is a failed item with the reason, and the run
# goes on. Sizes in bytes (note_chars: characters of text); 0 means no limit.
page_bytes = 2000000
note_bytes = 50000000
note_chars = 5000000
pdf_page_bytes = 2000000
caption_bytes = 5000000
item_bytes = 1000000
# Seconds to parse one case page, note or caption file.
parse_seconds = 30.0
'''
